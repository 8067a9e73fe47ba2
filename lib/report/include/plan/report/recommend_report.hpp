#pragma once
#include <string>

#include "plan/core/recommend.hpp"
#include "plan/report/compare_report.hpp"

namespace plan::report {

// table, markdown or json (csv renders the plan list).
std::string render_recommend(const Recommendation& r, Format f);

}  // namespace plan::report
