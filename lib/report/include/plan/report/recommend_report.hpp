#pragma once
#include <string>
#include <vector>

#include "plan/core/options/recommend.hpp"
#include "plan/report/compare_report.hpp"

namespace plan::report {

// table, markdown or json (csv renders the plan list).
std::string render_recommend(const Recommendation& r, Format f);

// The summary of the table format, between its header and the list of all plans: the
// recommended plan, why, its private fleet and savings, notes and workload assignments; or
// one line when no plan is feasible.
std::string render_recommend_summary(const Recommendation& r);

// The statements of that summary below its first line, each with the label the text
// format prints before it ("why: ", "note: ", or none), so that the HTML report's card
// lists the same statements. Empty when no plan is feasible.
struct RecommendLine {
  enum class Kind { what, reason, note, workload };
  Kind kind;
  std::string label;
  std::string text;
};
std::vector<RecommendLine> recommend_summary_lines(const Recommendation& r);

}  // namespace plan::report
