#pragma once
// Measured serving runs (calib/measured/silicon_train.csv, or a user's own runs in the same
// columns) and the committed engine terms fitted to them (calib/engine_terms.json).
// docs/performance-model.md, "Engine terms fitted to measured runs".
#include <string>
#include <vector>

#include "plan/core/serving/engine_fit.hpp"

namespace plan::io {

// Reads a CSV file of measured runs. Required columns: backend, model_path, system,
// precision, isl, osl, batch_size, tp_size, silicon_ttft_ms, silicon_tpot_ms; optional: id,
// backend_version, mode (default agg), pp_size, attention_dp_size, moe_tp_size,
// moe_ep_size (default 1, 1, tp_size and 1: experts split like attention). Throws plan::Error at FILE:LINE:COL for a missing column or a
// value that is not a number.
std::vector<perf::MeasuredRun> read_measured_runs(const std::string& path);

// JSON text of the committed terms: every term with its value, unit, meaning, row count and
// cross-validated error, and the provenance line reports show.
std::string engine_terms_json(const perf::EngineTerms& t);
// Reads calib/engine_terms.json; throws plan::Error at FILE:LINE:COL when it is malformed.
perf::EngineTerms read_engine_terms(const std::string& path);

// "fitted to N measured runs (SOURCE), cross-validated median error X% (TPOT), Y% (TTFT)".
std::string provenance(const perf::EngineTerms& t, const perf::TermSet& s);

}  // namespace plan::io
