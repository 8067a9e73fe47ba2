// The engine terms' closed loop with a prompt cache (engine_cache.hpp).
#include "plan/core/serving/engine_cache.hpp"

#include <algorithm>
#include <cstring>

namespace plan::perf {
namespace {

bool named(int k, const char* name) { return std::strcmp(ttft_term_info[static_cast<std::size_t>(k)].name, name) == 0; }

}  // namespace

std::optional<Prediction> predict_closed_loop_cached(const Catalog& cat, const std::vector<TermSet>& sets,
                                                     Engine engine, const std::string& model, const std::string& gpu,
                                                     const std::string& precision, int gpus, Parallel layout,
                                                     double input, double output, double concurrency,
                                                     double cached_share, std::string* why, int moe_tp) {
  auto full = predict_closed_loop(cat, sets, engine, model, gpu, precision, gpus, layout, input, output, concurrency,
                                  why, moe_tp);
  const double cached = std::clamp(cached_share, 0.0, 1.0) * input;
  if (!full || cached < 1 || input - cached < 1) return full;
  auto prepared = [&](double isl) {
    return prepare_runs(cat, {deployment_run(engine, model, gpu, precision, gpus, layout, isl, output, concurrency,
                                              moe_tp)})
        .front();
  };
  PreparedRun r = prepared(input);
  const PreparedRun prefix = prepared(cached);
  const PreparedRun rest = prepared(input - cached);
  if (!r.excluded.empty() || !prefix.excluded.empty() || !rest.excluded.empty()) return full;
  constexpr std::size_t interference = tpot_terms - 1;
  r.x_tpot[interference] = std::max(0.0, r.x_tpot[interference] - prefix.x_tpot[interference]);
  for (int k = 0; k < ttft_terms; ++k) {
    const auto j = static_cast<std::size_t>(k);
    const double past_prefix = std::max(0.0, r.x_ttft[j] - prefix.x_ttft[j]);
    if (named(k, "queued_prefills")) r.x_ttft[j] = past_prefix;
    else if (named(k, "decode_per_queued_chunk") || named(k, "decode_per_chunk")) r.x_ttft[j] = rest.x_ttft[j];
    else if (std::strncmp(ttft_term_info[j].name, "own_prefill_", 12) == 0)
      r.x_ttft[j] = std::max(past_prefix, rest.x_ttft[j]);
  }
  return predict(sets, r);
}

}  // namespace plan::perf
