#pragma once
// `plan search`: the ranked points of each searched option (docs/reports.md "plan search").
#include <string>
#include <vector>

#include "plan/core/options/search.hpp"
#include "plan/report/compare_report.hpp"

namespace plan::report {

// What the search report shows beside the results: the profile and price sheet.
struct SearchReportHeader {
  std::string profile_name;
  std::string price_sheet_version;
  std::string price_sheet_path;
  double monthly_tokens = 0;
};

// table, csv, json or markdown.
std::string render_search(const SearchReportHeader& h, const std::vector<SearchResult>& results, Format f);

}  // namespace plan::report
