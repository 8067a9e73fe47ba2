#pragma once
// Rendering of a `plan perf` run (perf::PerfRunResult): an aligned table with a Sources
// line, or one JSON object. Fields are documented in docs/performance-model.md.
#include <string>

#include "plan/core/serving/perf_run.hpp"

namespace plan::report {

std::string render_perf_table(const perf::PerfRunResult& r);
std::string render_perf_json(const perf::PerfRunResult& r);

}  // namespace plan::report
