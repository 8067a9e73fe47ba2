#include "plan/core/serving/probe_run.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <utility>

#include "plan/core/base/error.hpp"

namespace plan {

void check_probe_config(const ProbeConfig& cfg, int max_batch) {
  cfg.shape.validate();
  if (cfg.batches.empty()) throw Error("no batch sizes (expected e.g. --batch 1,8,32)", ExitCode::usage_error);
  for (int b : cfg.batches) {
    if (b < 1 || b > max_batch)
      throw Error(fmt::format("batch size {} (expected 1 to {})", b, max_batch), ExitCode::usage_error);
  }
  if (cfg.context < 1) throw Error(fmt::format("context {} (expected at least 1)", cfg.context), ExitCode::usage_error);
  if (cfg.prefill_tokens < 1)
    throw Error(fmt::format("prefill tokens {} (expected at least 1)", cfg.prefill_tokens), ExitCode::usage_error);
  if (cfg.repeats < 1) throw Error("repeats must be at least 1", ExitCode::usage_error);
}

int choose_layers_run(const ProbeConfig& cfg, int fit, ProbeResult& r) {
  int layers_run = cfg.layers_run > 0 ? std::min(cfg.layers_run, cfg.shape.layers) : cfg.shape.layers;
  layers_run = std::min(layers_run, fit);
  r.layers_run = layers_run;
  if (layers_run < r.layers)
    r.notes.push_back(fmt::format("ran {} of {} layers; layer times scaled by {}/{}", layers_run, r.layers, r.layers,
                                  layers_run));
  return layers_run;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

DecodePoint decode_point(const TransformerShape& s, int batch, int context, double bytes_per_element,
                         std::vector<double> layer_s, std::vector<double> head_s, double scale) {
  DecodePoint p;
  p.batch = batch;
  p.step_s = median(std::move(layer_s)) * scale + median(std::move(head_s));
  p.tokens_per_s = batch / p.step_s;
  StepCost c = decode_step_cost(s, s.layers, bytes_per_element, bytes_per_element, batch, context);
  p.bytes = c.bytes;
  p.flops = c.flops;
  return p;
}

}  // namespace plan
