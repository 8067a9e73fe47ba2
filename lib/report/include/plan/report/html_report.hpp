#pragma once
#include <string>

#include "plan/core/finance/finance.hpp"
#include "plan/core/options/recommend.hpp"
#include "plan/core/finance/risk.hpp"
#include "plan/core/options/search.hpp"

namespace plan::report {

struct HtmlReportInput {
  const Profile* profile = nullptr;
  const Recommendation* recommendation = nullptr;  // holds the compare result
  const Sweep* sweep = nullptr;
  const Projection* projection = nullptr;
  const RiskResult* risk = nullptr;  // when the profile has an uncertainty: section
  // Every feasible point of each option with open choices (plan search, --top 0).
  const std::vector<SearchResult>* searches = nullptr;
  std::string tool_version;
};

// One self-contained HTML page: inline CSS and SVG, no scripts, no network.
std::string render_html_report(const HtmlReportInput& in);

}  // namespace plan::report
