#pragma once
// Text of `plan prices show`: every price of one loaded sheet with its line numbers, then
// the sheet's sources.
#include <string>

#include "plan/core/price_sheet.hpp"

namespace plan::report {

std::string render_price_sheet(const PriceSheet& s);

}  // namespace plan::report
