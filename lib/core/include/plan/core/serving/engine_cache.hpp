#pragma once
// The engine terms' closed loop when a share of every request's input is read from a prompt
// cache (docs/performance-model.md, "Prefix caching"): the cached tokens are not prefilled
// again, as on a replica the catalog roofline sizes.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/serving/engine_fit.hpp"

namespace plan::perf {

// predict_closed_loop for requests of `input` tokens of which `cached_share` x input are read
// from the prompt cache. The terms' features are the measured runs' (prepare_runs) at I, at
// the cached prefix hI and at the uncached rest (1 - h)I: the prefill work other requests
// put between a request's decode steps (TPOT) and that a new request waits behind (TTFT) is
// work(I) - work(hI), the positions past the prefix; the request's own prefill, per term,
// max(x(I) - x(hI), x((1 - h)I)) (a step reads the weights however few tokens it computes);
// the prefill chunks are those of the (1 - h)I new tokens. The decode step is unchanged: the
// new tokens and the decode attend to the whole prompt. A share of 0, or a prefix under one
// token: predict_closed_loop itself.
std::optional<Prediction> predict_closed_loop_cached(const Catalog& cat, const std::vector<TermSet>& sets,
                                                     Engine engine, const std::string& model, const std::string& gpu,
                                                     const std::string& precision, int gpus, Parallel layout,
                                                     double input, double output, double concurrency,
                                                     double cached_share, std::string* why = nullptr, int moe_tp = 1);

}  // namespace plan::perf
