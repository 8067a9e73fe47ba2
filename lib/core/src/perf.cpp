#include "plan/core/perf.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "plan/core/queueing.hpp"
#include "plan/core/units.hpp"

namespace plan::perf {
namespace {

// Activations exchanged by the all-reduces are 16-bit in every engine we model.
constexpr double activation_bytes = 2.0;
// The quantiles a FleetLatency reports.
constexpr double p50 = 0.50, p95 = 0.95, p99 = 0.99;
// Upper end of the replica search; a fleet beyond this is reported as infeasible.
constexpr int max_replicas = 1'000'000;

double embedding_params(const ModelArch& m) {
  // The input embedding is a gather of B rows, not a streamed matrix; with tied
  // embeddings the same table is the output projection and is streamed as such.
  return m.tied_embeddings ? 0.0 : static_cast<double>(m.vocab) * m.hidden;
}

double expert_params(const ModelArch& m) {
  // SwiGLU experts: gate, up and down projections of hidden x ffn each.
  return m.is_moe() ? static_cast<double>(m.layers) * m.experts * 3.0 * m.hidden * m.ffn : 0.0;
}

double attention_width(const ModelArch& m) { return static_cast<double>(m.heads) * m.head_dim; }

// A step from its parts. Weight GEMMs and attention are separate kernels, each bounded by
// its own roofline (the larger of its memory and compute times); `share` is the part of the
// weight GEMMs, all-reduces and fixed cost that falls to this request (batched prefill).
StepTime compose(double lin_mem, double lin_fl, double att_mem, double att_fl, double comm, double fixed,
                 double share = 1.0) {
  StepTime s;
  const bool lin_memory = lin_mem >= lin_fl, att_memory = att_mem >= att_fl;
  s.linear = (lin_memory ? lin_mem : lin_fl) * share;
  s.attention = att_memory ? att_mem : att_fl;
  s.memory = (lin_memory ? s.linear : 0) + (att_memory ? s.attention : 0);
  s.compute = (lin_memory ? 0 : s.linear) + (att_memory ? 0 : s.attention);
  s.comm = comm;
  s.fixed = fixed;
  s.total = s.linear + s.attention + s.comm + s.fixed;
  return s;
}

}  // namespace

bool is_tp_degree(int g) { return std::find(std::begin(tp_degrees), std::end(tp_degrees), g) != std::end(tp_degrees); }

bool gemm_in_8bit(const GpuSpec& gpu, const Precision& weights) {
  return (weights.compute == "fp8" && gpu.fp8_tflops) || (weights.compute == "int8" && gpu.int8_tops);
}

double gemm_efficiency(const GpuSpec& gpu, const Precision& weights, const Efficiency& eff) {
  return gemm_in_8bit(gpu, weights) ? gpu.e_fl_8.value_or(eff.e_fl_8.value) : gpu.e_fl_16.value_or(eff.e_fl_16.value);
}

double fixed_step_seconds(const ModelArch& m, const Efficiency& eff) {
  return eff.step_overhead_ms.value / 1e3 + m.layers * eff.layer_overhead_us.value / 1e6;
}

double weights_bytes(const ModelArch& m, const Precision& w) { return m.params_total * w.bytes; }

double kv_bytes_per_token(const ModelArch& m, const Precision& kv) {
  return 2.0 * m.layers * m.kv_heads * m.head_dim * kv.bytes;
}

double kv_bytes_per_token_per_gpu(const ModelArch& m, const Precision& kv, int tp) {
  const double heads_per_gpu = std::ceil(static_cast<double>(m.kv_heads) / std::max(tp, 1));
  return 2.0 * m.layers * heads_per_gpu * m.head_dim * kv.bytes;
}

double experts_touched_share(const ModelArch& m, double tokens) {
  if (!m.is_moe() || m.top_k >= m.experts) return 1.0;
  if (tokens <= 0) return 0.0;
  const double miss = 1.0 - static_cast<double>(m.top_k) / m.experts;
  return 1.0 - std::pow(miss, tokens);
}

PerfModel::PerfModel(const ModelArch& model, const GpuSpec& gpu, const Precision& weights, const Precision& kv, int tp,
                     const Efficiency& eff)
    : model_(&model), gpu_(&gpu), weights_(&weights), kv_(&kv), tp_(tp), eff_(&eff) {
  if (!is_tp_degree(tp)) throw Error(fmt::format("tensor-parallel degree {} is not supported (expected 1, 2, 4 or 8)", tp));
  bw_ = gpu.hbm_gb_per_s * bytes_per_gb * gpu.e_bw.value_or(eff.e_bw.value);
  // GEMMs run in the weights' compute format when the GPU has tensor cores for it;
  // otherwise (e.g. FP8 weights on an A100) weights are dequantised and multiplied in 16 bit.
  double tflops = gpu.bf16_tflops;
  if (gemm_in_8bit(gpu, weights)) tflops = weights.compute == "fp8" ? *gpu.fp8_tflops : *gpu.int8_tops;
  fl_lin_ = tflops * 1e12 * gemm_efficiency(gpu, weights, eff);
  // Attention (QK^T, softmax, AV) runs in 16 bit in the engines modelled.
  fl_attn_ = gpu.bf16_tflops * 1e12 * gpu.e_fl_16.value_or(eff.e_fl_16.value);
}

MemoryPlan PerfModel::memory(double context_tokens) const {
  MemoryPlan mp;
  mp.usable_bytes = gpu_->memory_gib * bytes_per_gib * eff_->mem_utilization.value;
  mp.weights_bytes = weights_bytes(*model_, *weights_) / tp_;
  mp.overhead_bytes = eff_->overhead_gib_per_gpu.value * bytes_per_gib;
  mp.kv_budget_bytes = mp.usable_bytes - mp.weights_bytes - mp.overhead_bytes;
  mp.kv_bytes_per_token = kv_bytes_per_token_per_gpu(*model_, *kv_, tp_);
  mp.kv_tokens = mp.kv_budget_bytes > 0 ? std::floor(mp.kv_budget_bytes / mp.kv_bytes_per_token) : 0;
  const double need_tokens = std::max(context_tokens, 1.0);
  if (mp.kv_budget_bytes <= 0) {
    mp.reason = fmt::format("weights need {:.1f} GiB per GPU at TP {} plus {:.1f} GiB overhead, above the {:.1f} GiB "
                            "usable on one {} ({:.0f} GiB x {:.2f})",
                            mp.weights_bytes / bytes_per_gib, tp_, mp.overhead_bytes / bytes_per_gib,
                            mp.usable_bytes / bytes_per_gib, gpu_->id, gpu_->memory_gib,
                            eff_->mem_utilization.value);
  } else if (mp.kv_tokens < need_tokens) {
    mp.reason = fmt::format("the KV cache left after the weights holds {:.0f} tokens per replica at TP {}, fewer than "
                            "one request's {:.0f}",
                            mp.kv_tokens, tp_, need_tokens);
  } else {
    mp.fits = true;
  }
  return mp;
}

int PerfModel::max_sequences(double context_tokens) const {
  const MemoryPlan mp = memory(context_tokens);
  if (!mp.fits) return 0;
  const double seqs = std::floor(mp.kv_tokens / std::max(context_tokens, 1.0));
  if (!(seqs >= 0)) return 0;  // NaN from a degenerate catalog entry: no room
  return static_cast<int>(std::min(seqs, static_cast<double>(std::numeric_limits<int>::max() / 2)));
}

double PerfModel::streamed_params(double tokens) const {
  const ModelArch& m = *model_;
  const double experts = expert_params(m);
  const double dense = m.params_total - embedding_params(m) - experts;
  return dense + experts * experts_touched_share(m, tokens);
}

double PerfModel::linear_flops_per_token() const {
  // 2 FLOPs per multiply-accumulate over every weight a token passes through.
  return 2.0 * (model_->params_active - embedding_params(*model_));
}

double PerfModel::fixed_step_s() const { return fixed_step_seconds(*model_, *eff_); }

double PerfModel::comm_s(double tokens) const {
  if (tp_ <= 1) return 0;
  // Two all-reduces per layer (after attention and after the MLP). Ring all-reduce:
  // latency grows with the 2(g-1) ring steps; each GPU moves 2(g-1)/g of the message.
  const double g = tp_;
  const double latency_s = (eff_->allreduce_base_us.value + 2.0 * (g - 1) * eff_->allreduce_hop_us.value) / 1e6;
  const double message = tokens * model_->hidden * activation_bytes;
  const double link = gpu_->interconnect_gb_per_s * bytes_per_gb * eff_->link_efficiency.value;
  return 2.0 * model_->layers * (latency_s + 2.0 * (g - 1) / g * message / link);
}

StepTime PerfModel::decode_step(double batch, double context) const {
  const double g = tp_;
  const double lin_mem = streamed_params(batch) * weights_->bytes / g / bw_;
  const double lin_fl = linear_flops_per_token() * batch / g / fl_lin_;
  const double att_mem = batch * context * kv_bytes_per_token_per_gpu(*model_, *kv_, tp_) / bw_;
  const double att_fl = 4.0 * model_->layers * attention_width(*model_) * context * batch / g / fl_attn_;
  return compose(lin_mem, lin_fl, att_mem, att_fl, comm_s(batch), fixed_step_s());
}

StepTime PerfModel::prefill(double n) const {
  const double g = tp_;
  const double vh = static_cast<double>(model_->vocab) * model_->hidden;
  // The output projection runs for the last position only.
  const double lin_flops = std::max(0.0, linear_flops_per_token() - 2.0 * vh) * n + 2.0 * vh;
  const double lin_mem = streamed_params(n) * weights_->bytes / g / bw_;
  const double lin_fl = lin_flops / g / fl_lin_;
  // Causal attention: position i attends to i tokens, n^2/2 in all.
  const double att_fl = 4.0 * model_->layers * attention_width(*model_) * n * n / 2.0 / g / fl_attn_;
  const double att_mem = n * kv_bytes_per_token_per_gpu(*model_, *kv_, tp_) / bw_;  // KV written once
  return compose(lin_mem, lin_fl, att_mem, att_fl, comm_s(n), fixed_step_s());
}

StepTime PerfModel::prefill_work_parts(double n) const {
  if (n <= 0) return {};
  // A prefill step carries up to P = max(n, prefill_batch_tokens) prompt tokens: the
  // weight GEMMs, the fixed cost and the all-reduces of P tokens are shared pro rata;
  // attention is per prompt.
  const double p = std::max(n, eff_->prefill_batch_tokens.value);
  const double g = tp_;
  const double lin_mem = streamed_params(p) * weights_->bytes / g / bw_;
  const double lin_fl = linear_flops_per_token() * p / g / fl_lin_;
  const double share = n / p;
  const double att_fl = 4.0 * model_->layers * attention_width(*model_) * n * n / 2.0 / g / fl_attn_;
  const double att_mem = n * kv_bytes_per_token_per_gpu(*model_, *kv_, tp_) / bw_;
  return compose(lin_mem, lin_fl, att_mem, att_fl, comm_s(p) * share, fixed_step_s() * share, share);
}

std::string deployment_problem(const PerfModel& pm, double context_tokens) {
  const ModelArch& m = pm.model();
  if (m.heads % pm.tp() != 0)
    return fmt::format("{} has {} attention heads, which TP {} does not divide", m.id, m.heads, pm.tp());
  if (m.kv_heads % pm.tp() != 0 && pm.tp() % m.kv_heads != 0)
    return fmt::format("{} has {} KV heads, which neither divide nor are divided by TP {}", m.id, m.kv_heads, pm.tp());
  if (context_tokens > m.max_context)
    return fmt::format("requests of {:.0f} tokens exceed {}'s {:.0f}-token context", context_tokens, m.id,
                       m.max_context);
  MemoryPlan mp = pm.memory(context_tokens);
  return mp.fits ? std::string() : mp.reason;
}

std::optional<int> smallest_fitting_tp(const Catalog& cat, const ModelArch& m, const GpuSpec& gpu,
                                       const Precision& weights, const Precision& kv, double context_tokens,
                                       int max_gpus) {
  for (int g : tp_degrees) {
    if (g > max_gpus) break;
    PerfModel pm(m, gpu, weights, kv, g, cat.efficiency);
    if (deployment_problem(pm, context_tokens).empty()) return g;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// Serving

double decode_steps(double output_tokens) { return std::max(output_tokens - 1.0, 1.0); }

ServingModel::ServingModel(const PerfModel& pm, double input_tokens, double output_tokens,
                           std::optional<double> tpot_target_s, int batch_cap)
    : pm_(&pm), in_(input_tokens), out_(std::max(output_tokens, 1.0)), tpot_target_(tpot_target_s) {
  steps_ = decode_steps(out_);
  const double ctx = in_ + out_;
  max_batch_ = pm.max_sequences(ctx);
  const int engine_cap = static_cast<int>(pm.efficiency().max_batch_seqs.value);
  max_batch_ = std::min(max_batch_, engine_cap);
  if (batch_cap > 0) max_batch_ = std::min(max_batch_, batch_cap);
  t_pre_ = pm.t_pre(in_);
  pre_work_ = pm.prefill_work(in_);
  if (max_batch_ <= 0) return;
  // Largest B whose TPOT at capacity meets the target. The TPOT a request sees at the
  // replica's capacity, not the decode step alone, is what the target bounds, so that the
  // capacity used for sizing, utilisation and floors keeps the target. It rises with B
  // (t_dec and the prefill stalls both grow), so bisect.
  int lo = 0, hi = max_batch_;
  if (!tpot_target_) {
    lo = max_batch_;
  } else {
    while (lo < hi) {
      int mid = lo + (hi - lo + 1) / 2;
      if (tpot_at_capacity_s(mid) <= *tpot_target_) lo = mid;
      else hi = mid - 1;
    }
  }
  batch_ = lo;
  if (batch_ > 0) mu_ = capacity_at(batch_);
}

double ServingModel::capacity_at(int batch) const {
  if (batch <= 0) return 0;
  return batch / (batch * pre_work_ + steps_ * pm_->t_dec(batch, mean_context()));
}

double ServingModel::tpot_at_capacity_s(int batch) const {
  // At rate mu(B) the replica spends mu x prefill_work(I) of each second on prefills and
  // decodes in the rest, so TPOT = t_dec / (1 - mu x prefill_work)
  // = t_dec x (B pw + S t_dec) / (S t_dec) = t_dec + B pw / S, what at_rate reports there.
  return pm_->t_dec(std::max(batch, 1), mean_context()) + std::max(batch, 1) * pre_work_ / steps_;
}

Load ServingModel::at_rate(double rps) const {
  Load l;
  const double c = mean_context();
  // Share of the replica's time spent on prefills; decode runs in the rest.
  const double decode_share = 1.0 - rps * pre_work_;
  if (batch_ <= 0 || decode_share <= 0) {
    l.stable = false;
    return l;
  }
  // TPOT, as vllm bench serve measures it, is (e2e - TTFT) / (O - 1): the S = O - 1 decode
  // steps after the prefill's first token, each stretched by the prefills that interrupt
  // decoding, TPOT(B) = t_dec(B) / decode_share. Little's law: B = rps x (t_pre + S x TPOT(B)).
  // t_dec grows with B, so the fixed-point iteration rises monotonically to the solution.
  double b = std::max(rps * (t_pre_ + steps_ * pm_->t_dec(1, c) / decode_share), 1e-9);
  for (int i = 0; i < 50; ++i) {
    double next = rps * (t_pre_ + steps_ * pm_->t_dec(std::max(b, 1.0), c) / decode_share);
    if (next > batch_) {
      next = batch_;
    }
    if (std::abs(next - b) <= 1e-9 * std::max(1.0, b)) {
      b = next;
      break;
    }
    b = next;
  }
  l.batch = b;
  l.itl_s = pm_->t_dec(std::max(b, 1.0), c);
  l.tpot_s = l.itl_s / decode_share;
  l.stable = rps < mu_;
  return l;
}

std::optional<FleetLatency> ServingModel::latency(double rps, int replicas) const {
  if (replicas <= 0 || mu_ <= 0) return std::nullopt;
  if (rps <= 0) {
    FleetLatency f;
    f.ttft_p50_ms = f.ttft_p95_ms = f.ttft_p99_ms = t_pre_ * 1e3;
    f.tpot_ms = pm_->t_dec(1, mean_context()) * 1e3;
    return f;
  }
  const double per_replica = rps / replicas;
  Load l = at_rate(per_replica);
  if (!l.stable) return std::nullopt;
  // Servers: every decode slot of every replica; a slot serves one request at a time.
  const long slots = static_cast<long>(replicas) * batch_;
  const double mu_slot = mu_ / batch_;
  const double pw = queueing::erlang_c(slots, rps / mu_slot);
  FleetLatency f;
  f.ttft_p50_ms = (queueing::wait_quantile_given(pw, slots, rps, mu_slot, p50) + t_pre_) * 1e3;
  f.ttft_p95_ms = (queueing::wait_quantile_given(pw, slots, rps, mu_slot, p95) + t_pre_) * 1e3;
  f.ttft_p99_ms = (queueing::wait_quantile_given(pw, slots, rps, mu_slot, p99) + t_pre_) * 1e3;
  f.tpot_ms = l.tpot_s * 1e3;
  if (!std::isfinite(f.ttft_p99_ms)) return std::nullopt;
  return f;
}

bool ServingModel::meets(double rps, int n, std::optional<double> ttft_s) const {
  auto f = latency(rps, n);
  if (!f) return false;
  if (ttft_s && f->ttft_p95_ms > *ttft_s * 1e3 * (1 + 1e-12)) return false;
  if (tpot_target_ && f->tpot_ms > *tpot_target_ * 1e3 * (1 + 1e-12)) return false;
  // Without a TTFT target, traffic is still held to a stable load: the p95 wait for a decode
  // slot is at most the time a request holds one (B / mu, its own service time). A queue
  // run closer to saturation has waits that grow without bound as the load nears capacity.
  if (!ttft_s && f->ttft_p95_ms - t_pre_ * 1e3 > stable_wait_s() * 1e3 * (1 + 1e-12)) return false;
  return true;
}

double ServingModel::stable_wait_s() const { return mu_ > 0 ? batch_ / mu_ : 0.0; }

int ServingModel::replicas_for(double rps, std::optional<double> ttft_s) const {
  if (rps <= 0) return 0;
  if (mu_ <= 0) return -1;
  if (ttft_s && t_pre_ > *ttft_s) return -1;  // even an idle replica is too slow
  const double need = rps / mu_;
  if (need >= max_replicas) return -1;
  // Fewer than ceil(need) replicas cannot keep up. From there, grow the step geometrically
  // until the targets are met, then bisect: latency falls as replicas are added, so this
  // takes O(log n) evaluations.
  int lo = std::max(0, static_cast<int>(std::ceil(need)) - 1);  // fails (or 0)
  int hi = lo + 1;
  int step = 1;
  while (!meets(rps, hi, ttft_s)) {
    if (hi >= max_replicas) return -1;
    lo = hi;
    step *= 2;
    hi = std::min(max_replicas, lo + step);
  }
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    if (meets(rps, mid, ttft_s)) hi = mid;
    else lo = mid;
  }
  return hi;
}

// ---------------------------------------------------------------------------------------
// Catalog-based replica model

namespace {

const Precision& kv_precision_for(const Catalog& cat, const Option& o, const Precision& weights) {
  const FleetSpec& f = *o.fleet();
  std::string id = !f.kv_precision.empty() ? f.kv_precision : weights.kv_default();
  const Precision* p = cat.find_precision(id);
  if (!p)
    throw Error(o.loc_of(f.kv_precision.empty() ? "precision" : "kv_precision"),
                fmt::format("unknown KV precision '{}' (expected one of: {})", id, cat.precision_ids()));
  return *p;
}

}  // namespace

CatalogReplicaModel::CatalogReplicaModel(const Catalog& cat, const Option& o, const GpuInstance& inst,
                                         const WorkloadMix& mix) {
  static const FleetSpec no_fleet;
  const FleetSpec& f = o.fleet() ? *o.fleet() : no_fleet;
  const ModelArch* m = cat.find_model(f.model);
  if (!m && !o.as<SelfHostedOption>()) {
    // A managed endpoint names its model as the provider does; without a catalog entry it
    // is not sized, but the rest of the comparison goes on.
    spec_.provenance = ThroughputProvenance::spec;
    spec_.provenance_source = "calib/catalog.yaml";
    spec_.feasible = false;
    spec_.fits = false;
    spec_.reasons.push_back(fmt::format("model '{}' is not in calib/catalog.yaml: give tokens_per_second_per_replica "
                                        "for this endpoint", f.model));
    return;
  }
  if (!m)
    throw Error(o.loc_of("model"), fmt::format("model '{}' is not in calib/catalog.yaml and option '{}' gives no "
                                               "tokens_per_second_per_replica (expected one of: {})",
                                               f.model, o.id, cat.model_ids()));
  const Precision* w = cat.find_precision(f.precision);
  if (!w)
    throw Error(o.loc_of("precision"),
                fmt::format("unknown precision '{}' (expected one of: {})", f.precision, cat.precision_ids()));
  const Precision& kv = kv_precision_for(cat, o, *w);
  spec_.provenance = ThroughputProvenance::spec;
  spec_.provenance_source = fmt::format("calib/catalog.yaml: {} on {}", m->id, inst.gpu);
  spec_.gpus_per_replica = f.gpus_per_replica > 0 ? f.gpus_per_replica : inst.gpu_count;
  const GpuSpec* gpu = cat.find_gpu(inst.gpu);
  if (!gpu) {
    spec_.feasible = false;
    spec_.fits = false;
    spec_.reasons.push_back(fmt::format("GPU '{}' of instance {} is not in the catalog (expected one of: {})", inst.gpu,
                                        inst.id, cat.gpu_ids()));
    return;
  }
  const double ctx = mix.input_tokens + mix.output_tokens;
  // Tensor-parallel degrees to try: the one given, or every degree the instance allows from
  // the smallest at which the model fits.
  std::vector<int> degrees;
  if (f.gpus_per_replica > 0) {
    const int tp = f.gpus_per_replica;
    if (!is_tp_degree(tp)) {
      spec_.feasible = false;
      spec_.fits = false;
      spec_.reasons.push_back(fmt::format("gpus_per_replica {} is not a tensor-parallel degree (expected 1, 2, 4 or 8)", tp));
      return;
    }
    PerfModel pm(*m, *gpu, *w, kv, tp, cat.efficiency);
    std::string why = deployment_problem(pm, ctx);
    if (!why.empty()) {
      spec_.feasible = false;
      spec_.fits = false;
      spec_.reasons.push_back(fmt::format("{} ({}) does not fit at gpus_per_replica {} on {}: {}", m->id, w->id, tp,
                                          gpu->id, why));
      return;
    }
    degrees.push_back(tp);
  } else {
    auto found = smallest_fitting_tp(cat, *m, *gpu, *w, kv, ctx, inst.gpu_count);
    if (!found) {
      int g = 1;
      for (int d : tp_degrees)
        if (d <= inst.gpu_count) g = d;
      PerfModel pm(*m, *gpu, *w, kv, g, cat.efficiency);
      std::string why = deployment_problem(pm, ctx);
      spec_.feasible = false;
      spec_.fits = false;
      spec_.gpus_per_replica = g;
      spec_.reasons.push_back(fmt::format("{} ({}) does not fit on instance {} ({}x {}): {}", m->id, w->id,
                                          inst.id, inst.gpu_count, gpu->id, why));
      return;
    }
    for (int d : tp_degrees) {
      if (d < *found || d > inst.gpu_count) continue;
      if (deployment_problem(PerfModel(*m, *gpu, *w, kv, d, cat.efficiency), ctx).empty()) degrees.push_back(d);
    }
  }
  std::optional<double> tpot_s;
  if (mix.tpot_ms) tpot_s = *mix.tpot_ms / 1e3;
  if (mix.ttft_p95_ms) ttft_target_s_ = *mix.ttft_p95_ms / 1e3;
  // Why a replica of degree tp misses the latency targets before any load; empty when it
  // does not. Leaves perf_ and serving_ built at tp.
  auto target_problem = [&](int tp) -> std::string {
    perf_.emplace(*m, *gpu, *w, kv, tp, cat.efficiency);
    serving_.emplace(*perf_, mix.input_tokens, mix.output_tokens, tpot_s);
    if (serving_->batch() <= 0)
      return fmt::format("TPOT target {:.1f} ms is below one decode step of {} on {}x {} ({:.1f} ms at batch 1)",
                         *mix.tpot_ms, m->id, tp, gpu->id, perf_->t_dec(1, serving_->mean_context()) * 1e3);
    if (ttft_target_s_ && serving_->prefill_s() > *ttft_target_s_)
      return fmt::format("TTFT p95 target {:.0f} ms is below the prefill time of {:.0f} input tokens ({:.1f} ms at TP {})",
                         *mix.ttft_p95_ms, mix.input_tokens, serving_->prefill_s() * 1e3, tp);
    return {};
  };
  // The smallest degree that meets the targets; if none does, the smallest that fits, with
  // its reason.
  std::string first_problem;
  int tp = 0;
  for (int d : degrees) {
    std::string why = target_problem(d);
    if (why.empty()) {
      tp = d;
      break;
    }
    if (first_problem.empty()) first_problem = why;
  }
  if (tp == 0) {
    spec_.gpus_per_replica = degrees.front();
    (void)target_problem(degrees.front());
    spec_.feasible = false;
    spec_.reasons.push_back(degrees.size() > 1 ? fmt::format("{} (nor at TP {} to {} on this instance)", first_problem,
                                                             degrees[1], degrees.back())
                                               : first_problem);
    return;
  }
  spec_.gpus_per_replica = tp;
  if (tp != degrees.front())
    spec_.notes.push_back(fmt::format("TP {} chosen: TP {} fits but misses the latency targets ({})", tp,
                                      degrees.front(), first_problem));
  spec_.capacity_requests_per_s = serving_->capacity_rps();
  const StepTime st = perf_->decode_step(serving_->batch(), serving_->mean_context());
  spec_.notes.push_back(fmt::format("{} on {}x {} ({}): operating batch {}, decode step {:.1f} ms ({}-bound), "
                                    "prefill of {:.0f} tokens {:.1f} ms",
                                    m->id, tp, gpu->id, w->id, serving_->batch(), st.total * 1e3,
                                    st.memory_bound() ? "memory" : "compute", mix.input_tokens,
                                    serving_->prefill_s() * 1e3));
}

std::optional<int> CatalogReplicaModel::replicas_for(double rps) const {
  if (rps <= 0) return 0;
  if (!serving_ || !spec_.feasible) return std::nullopt;
  const int n = serving_->replicas_for(rps, ttft_target_s_);
  if (n < 0) return std::nullopt;
  return n;
}

bool CatalogReplicaModel::serves(double rps, int replicas) const {
  if (rps <= 0) return replicas >= 0;
  if (!serving_ || !spec_.feasible || replicas <= 0) return false;
  return serving_->meets(rps, replicas, ttft_target_s_);
}

std::optional<FleetLatency> CatalogReplicaModel::latency(double rps, int replicas) const {
  if (!serving_ || !spec_.feasible) return std::nullopt;
  return serving_->latency(rps, replicas);
}

std::unique_ptr<ReplicaModel> CatalogReplicaModelProvider::make(const Option& option, const GpuInstance& instance,
                                                                const WorkloadMix& mix) const {
  return std::make_unique<CatalogReplicaModel>(cat_, option, instance, mix);
}

}  // namespace plan::perf
