#pragma once
// Rendering of a disaggregated `plan perf` run (perf::DisaggResult): an aligned table, or one
// JSON object. Fields: docs/performance-model.md, "Disaggregated prefill and decode".
#include <string>

#include "plan/core/serving/disagg.hpp"

namespace plan::report {

std::string render_disagg_table(const perf::DisaggRequest& q, const perf::DisaggResult& r, const std::string& engine);
std::string render_disagg_json(const perf::DisaggRequest& q, const perf::DisaggResult& r, const std::string& engine);

}  // namespace plan::report
