#pragma once
// Rendering of a disaggregated `plan perf` run (perf::DisaggResult): an aligned table, or one
// JSON object. Fields: docs/performance-model.md, "Disaggregated prefill and decode".
#include <string>
#include <vector>

#include "plan/core/serving/disagg.hpp"

namespace plan::report {

std::string render_disagg_table(const perf::DisaggRequest& q, const perf::DisaggResult& r, const std::string& engine);
std::string render_disagg_json(const perf::DisaggRequest& q, const perf::DisaggResult& r, const std::string& engine);

// plan validate --mode disagg: the disaggregated runs, each predicted by the disaggregated model
// on the committed engine terms, grouped by `by`; cross-validated by deployment unless
// `given_terms` (the decode-step terms fitted to the shipped runs, for a user's own runs).
std::string render_disagg_validation(const Catalog& cat, const std::vector<perf::TermSet>& sets,
                                     const std::vector<perf::MeasuredDisaggRun>& runs, const std::string& by,
                                     bool list_rows, bool list_excluded,
                                     const std::vector<perf::DisaggTerms>* given_terms = nullptr);

}  // namespace plan::report
