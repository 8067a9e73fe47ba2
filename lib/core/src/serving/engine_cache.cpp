// The engine terms' closed loop with a prompt cache (engine_cache.hpp).
#include "plan/core/serving/engine_cache.hpp"

#include <algorithm>

namespace plan::perf {

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
  constexpr auto interference = tpot_term::prefill_interference;
  r.x_tpot[interference] = std::max(0.0, r.x_tpot[interference] - prefix.x_tpot[interference]);
  namespace f = ttft_term;
  for (std::size_t j = 0; j < f::count; ++j) {
    const double past_prefix = std::max(0.0, r.x_ttft[j] - prefix.x_ttft[j]);
    switch (j) {
      case f::queued_prefills: r.x_ttft[j] = past_prefix; break;
      case f::decode_per_queued_chunk:
      case f::decode_per_chunk: r.x_ttft[j] = rest.x_ttft[j]; break;
      case f::own_prefill_linear:
      case f::own_prefill_attention_gqa:
      case f::own_prefill_attention_mla:
      case f::own_prefill_linear_scaled: r.x_ttft[j] = std::max(past_prefix, rest.x_ttft[j]); break;
      default: break;
    }
  }
  return predict(sets, r);
}

}  // namespace plan::perf
