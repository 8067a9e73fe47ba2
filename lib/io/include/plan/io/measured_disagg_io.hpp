#pragma once
// The disaggregated rows (mode disagg) of a measured-runs file in the columns of
// calib/measured/silicon_train.csv: each pool's workers and layout, the closed loop's
// concurrency (the silicon_concurrency=N of silicon_data_source). docs/performance-model.md,
// "Disaggregated prefill and decode".
#include <string>
#include <vector>

#include "plan/core/serving/disagg.hpp"

namespace plan::io {

// Reads every mode-disagg row. Required columns: backend, model_path, system, precision,
// mode, isl, osl, silicon_data_source, silicon_ttft_ms, silicon_tpot_ms and the prefill_ /
// decode_ columns tp_size, attention_dp_size, moe_tp_size, moe_ep_size; a pool's num_workers
// and pp_size may be empty (workers 0: not recorded; pp 1). Throws plan::Error at
// FILE:LINE:COL for a missing column or a value that is not a number or a count.
std::vector<perf::MeasuredDisaggRun> read_measured_disagg_runs(const std::string& path);

}  // namespace plan::io
