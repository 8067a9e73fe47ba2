#pragma once
// Rendering of `plan risk` (docs/risk.md): table, Markdown, CSV and JSON of the draws'
// quantiles, the probability each option is cheapest, and the tornado; SVG fan and tornado charts for the HTML report.
#include <string>

#include "plan/core/finance/risk.hpp"
#include "plan/report/compare_report.hpp"

namespace plan::report {

std::string render_risk(const RiskResult& r, Format f);

// Cumulative cost month by month: the p10-p90 band and the median of the (at most five)
// options with the lowest median horizon cost among those feasible in most draws.
std::string risk_fan_svg(const RiskResult& r);
// The tornado: the recommended option's margin over the runner-up with each input at its
// p10 and its p90, around the margin with every input at its median. Empty without one.
std::string risk_tornado_svg(const RiskResult& r);

}  // namespace plan::report
