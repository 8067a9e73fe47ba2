#pragma once
// The `uncertainty:` section of a profile file (docs/risk.md). parse_profile validates it
// with the rest of the profile; `plan risk` and the HTML report read it with these.
#include <optional>
#include <string>

#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/uncertainty.hpp"

namespace plan::io {

// The section of the profile in `path`; nullopt when the profile has none. Errors are
// plan::Error with FILE:LINE:COL, as for load_profile.
std::optional<Uncertainty> load_uncertainty(const std::string& path);
std::optional<Uncertainty> parse_uncertainty(const std::string& file, const std::string& text);

// Rejects a provider in api_price_change_per_year that sells no tokens in the sheet.
void check_uncertainty_providers(const Uncertainty& u, const PriceSheet& sheet);

}  // namespace plan::io
