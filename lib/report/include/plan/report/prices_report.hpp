#pragma once
// Text of `plan prices show`: every price of one loaded sheet with its line numbers, then
// the sheet's sources.
#include <string>

#include "plan/core/finance/diff.hpp"
#include "plan/core/data/price_sheet.hpp"

namespace plan::report {

std::string render_price_sheet(const PriceSheet& s);

// Text of `plan prices diff A B`: a header naming both sheets, one block per entry that
// changed, was added or was removed (each changed figure on its own line with both places),
// and the count of entries unchanged.
std::string render_sheet_diff(const PriceSheet& a, const PriceSheet& b, const SheetDiff& d);

}  // namespace plan::report
