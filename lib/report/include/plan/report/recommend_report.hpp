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
  enum class Kind { what, reason, note, workload, decision, action };
  Kind kind;
  std::string label;
  std::string text;
};
std::vector<RecommendLine> recommend_summary_lines(const Recommendation& r);

// The decision summary of a profile with `models:` or `current_option` (docs/profiles.md,
// "From usage to a decision"): per workload, today's cost against what the data billed, the
// cheapest option within its models and the cheapest with another model; the reconciliation
// of billed cost with list price; and last, labelled "do: ", one line of what to do and the
// monthly saving. Empty when the recommendation has no decision.
std::vector<RecommendLine> recommend_decision_lines(const Recommendation& r);

}  // namespace plan::report
