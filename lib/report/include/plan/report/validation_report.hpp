#pragma once
// The error summary of `plan validate`: the runs read, left out (by rule) and predicted; the
// median and 90th-percentile |error| of TTFT and TPOT by a grouping, beside the catalog
// roofline's on the runs it sizes; optionally every predicted run (CSV) and the runs not
// predicted with their reason (docs/performance-model.md, "Engine terms fitted to measured runs").
#include <optional>
#include <string>
#include <vector>

#include "plan/core/data/catalog.hpp"
#include "plan/core/serving/engine_fit.hpp"

namespace plan::report {

// `prep` and `pred` go index by index (prepare_runs, and the predictions of each run: nullopt
// when it has none); `runs` the runs they were prepared from. `by`: engine, gpu, model,
// class, precision, generation or shape (anything else groups all runs together).
std::string render_validation(const Catalog& cat, const std::vector<perf::MeasuredRun>& runs,
                              const std::vector<perf::PreparedRun>& prep,
                              const std::vector<std::optional<perf::Prediction>>& pred, const std::string& by,
                              bool list_rows, bool list_excluded,
                              const std::vector<std::optional<perf::Prediction>>* in_sample = nullptr);
// `in_sample`, where given: predictions of `prep`'s runs by terms fitted to every run, whose
// error on those same runs (each measurement once) is a line under the table: what the terms
// leave unexplained even on the runs they were fitted to, the floor of the cross-validated error.

}  // namespace plan::report
