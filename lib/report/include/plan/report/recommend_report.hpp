#pragma once
#include <string>

#include "plan/core/recommend.hpp"
#include "plan/report/compare_report.hpp"

namespace plan::report {

// table, markdown or json (csv renders the plan list).
std::string render_recommend(const Recommendation& r, Format f);

// The summary of the table format, between its header and the list of all plans: the
// recommended plan, why, its private fleet and savings, notes and workload assignments; or
// one line when no plan is feasible. The HTML report shows the same text.
std::string render_recommend_summary(const Recommendation& r);

}  // namespace plan::report
