#include "plan/core/serving/perf.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <limits>

#include "plan/core/serving/deployment.hpp"
#include "plan/core/serving/queueing.hpp"
#include "plan/core/base/monotone_search.hpp"
#include "plan/core/base/units.hpp"

namespace plan::perf {
namespace {

// Activations exchanged by the all-reduces are 16-bit in every engine we model.
constexpr double activation_bytes = 2.0;
// The quantiles a FleetLatency reports.
constexpr double p50 = 0.50, p95 = 0.95, p99 = 0.99;
// Upper end of the replica search; a fleet beyond this is reported as infeasible.

double embedding_params(const ModelArch& m) {
  // The input embedding is a gather of B rows, not a streamed matrix; with tied
  // embeddings the same table is the output projection and is streamed as such.
  return m.tied_embeddings ? 0.0 : static_cast<double>(m.vocab) * m.hidden;
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

std::vector<int> replica_gpu_counts(const GpuSpec& gpu) {
  std::vector<int> out;
  for (int g = 1; g <= std::min(gpu.scaleup_gpus, max_replica_gpus); g *= 2) out.push_back(g);
  if (out.empty() || out.back() != gpu.scaleup_gpus) out.push_back(std::min(gpu.scaleup_gpus, max_replica_gpus));
  return out;
}

double link_bytes_per_s(const GpuSpec& gpu, int g) {
  const double gb = g > gpu.scaleup_gpus && gpu.scaleout_gb_per_s ? *gpu.scaleout_gb_per_s : gpu.interconnect_gb_per_s;
  return gb * bytes_per_gb;
}

ScaleupDomains scaleup_domains(const GpuSpec& gpu, int g) {
  if (g <= gpu.scaleup_gpus || !gpu.scaleout_gb_per_s) return {1, static_cast<double>(std::max(g, 1))};
  const int n = (g + gpu.scaleup_gpus - 1) / gpu.scaleup_gpus;
  return {n, static_cast<double>(g) / n};
}

std::string scaleout_note(const GpuSpec& gpu, int g) {
  const ScaleupDomains d = scaleup_domains(gpu, g);
  if (d.count <= 1) return {};
  return fmt::format("{} GPUs span {} scale-up domains of {:g} ({} {:g} GB/s within each, the {:g} GB/s link of each "
                     "GPU between them): all-reduces are hierarchical and only the traffic between domains crosses; no "
                     "shipped measured run spans domains, so the exchange between them is the catalog link's, unchecked",
                     g, d.count, d.gpus_each, gpu.interconnect, gpu.interconnect_gb_per_s, *gpu.scaleout_gb_per_s);
}

bool gpu_has_format(const GpuSpec& gpu, const std::string& compute) {
  if (compute == "fp8") return gpu.fp8_tflops.has_value();
  if (compute == "int8") return gpu.int8_tops.has_value();
  if (compute == "fp4") return gpu.fp4_tflops.has_value();
  if (compute == "fp6") return gpu.fp6_tflops.has_value();
  return true;
}

bool gemm_below_16bit(const GpuSpec& gpu, const Precision& weights) {
  return weights.compute != "bf16" && gpu_has_format(gpu, weights.compute);
}

double gemm_efficiency(const GpuSpec& gpu, const Precision& weights, const Efficiency& eff) {
  return gemm_below_16bit(gpu, weights) ? gpu.e_fl_8.value_or(eff.e_fl_8.value)
                                        : gpu.e_fl_16.value_or(eff.e_fl_16.value);
}

double fixed_step_seconds(const ModelArch& m, const Efficiency& eff) {
  return eff.step_overhead_ms.value / 1e3 + m.layers * eff.layer_overhead_us.value / 1e6;
}

double routed_expert_params(const ModelArch& m) {
  return m.is_moe() ? static_cast<double>(m.moe_layers()) * m.experts * 3.0 * m.hidden * m.expert_ffn() : 0.0;
}

double active_routed_params(const ModelArch& m) {
  return m.is_moe() ? static_cast<double>(m.moe_layers()) * m.top_k * 3.0 * m.hidden * m.expert_ffn() : 0.0;
}

namespace {
// Bytes per weight outside the routed experts.
double non_expert_bytes(const ModelArch& m, const Precision& w) {
  return m.is_moe() && w.non_expert_bytes ? *w.non_expert_bytes : w.bytes;
}
}  // namespace

double weights_bytes(const ModelArch& m, const Precision& w) {
  const double routed = routed_expert_params(m);
  return routed * w.bytes + (m.params_total - routed) * non_expert_bytes(m, w) + m.params_mtp * w.bytes;
}

double kv_elements_per_token_per_layer(const ModelArch& m) {
  // The indexer's key, in the layers that run an indexer of their own (a mean over the
  // attention layers: kv_bytes_per_token multiplies by their count).
  const double index_key = m.is_sparse_attention() && m.attention_layers() > 0
                               ? static_cast<double>(m.index_head_dim) * m.indexer_layers() / m.attention_layers()
                               : 0.0;
  if (m.attention == AttentionKind::mla) return static_cast<double>(m.kv_lora_rank) + m.qk_rope_head_dim + index_key;
  return 2.0 * m.kv_heads * m.head_dim + index_key;
}

double kv_bytes_per_token(const ModelArch& m, const Precision& kv) {
  return m.attention_layers() * kv_elements_per_token_per_layer(m) * kv.bytes;
}

double linear_state_elements_per_layer(const ModelArch& m) {
  if (m.linear_layers <= 0) return 0.0;
  const double recurrent = static_cast<double>(m.linear_value_heads) * m.linear_key_head_dim * m.linear_value_head_dim;
  const double conv_channels = 2.0 * m.linear_key_heads * m.linear_key_head_dim +
                               static_cast<double>(m.linear_value_heads) * m.linear_value_head_dim;
  return recurrent + std::max(m.linear_conv_kernel - 1, 0) * conv_channels;
}

double linear_state_bytes_per_sequence(const ModelArch& m) {
  return m.linear_layers * linear_state_elements_per_layer(m) * linear_state_bytes;
}

namespace {
// Token-layers of KV a sequence of `context` tokens keeps: every token in a global layer,
// at most the window in a sliding-window layer.
double kv_token_layers(const ModelArch& m, double context) {
  const double local = m.sliding_window > 0 ? std::min(context, static_cast<double>(m.sliding_window)) : context;
  return m.global_layers() * context + m.local_layers * local;
}

// (query, key) pairs a causal prefill of n tokens attends to, summed over layers: n^2 / 2 in
// a global layer; in a sliding-window layer of window w, n^2 / 2 up to w, then w per token.
double prefill_pairs(const ModelArch& m, double n) {
  const double w = m.sliding_window;
  const double local = (m.sliding_window <= 0 || n <= w) ? n * n / 2.0 : w * w / 2.0 + (n - w) * w;
  return m.global_layers() * n * n / 2.0 + m.local_layers * local;
}
}  // namespace

double kv_bytes_per_sequence(const ModelArch& m, const Precision& kv, double context) {
  return kv_token_layers(m, context) * kv_elements_per_token_per_layer(m) * kv.bytes +
         linear_state_bytes_per_sequence(m);
}

double kv_share_per_gpu(const ModelArch& m, int g, Parallel layout) {
  g = std::max(g, 1);
  if (layout == Parallel::dep) return 1.0 / g;
  if (m.attention == AttentionKind::mla) return 1.0;
  return std::ceil(static_cast<double>(m.kv_heads) / g) / m.kv_heads;
}

double linear_state_share_per_gpu(const ModelArch& m, int g, Parallel layout) {
  g = std::max(g, 1);
  if (layout == Parallel::dep) return 1.0 / g;
  if (m.linear_value_heads <= 0) return 1.0;
  return std::ceil(static_cast<double>(m.linear_value_heads) / g) / m.linear_value_heads;
}

double kv_bytes_per_token_per_gpu(const ModelArch& m, const Precision& kv, int g, Parallel layout) {
  return kv_bytes_per_token(m, kv) * kv_share_per_gpu(m, g, layout);
}

double experts_touched_share(const ModelArch& m, double tokens) {
  if (!m.is_moe() || m.top_k >= m.experts) return 1.0;
  if (tokens <= 0) return 0.0;
  const double miss = 1.0 - static_cast<double>(m.top_k) / m.experts;
  return 1.0 - std::pow(miss, tokens);
}

double expert_imbalance(const ModelArch& m, int g, double tokens) {
  if (!m.is_moe() || g <= 1 || tokens <= 0) return 1.0;
  const double assignments = tokens * m.top_k;
  return std::min(static_cast<double>(g), 1.0 + std::sqrt(2.0 * g * std::log(static_cast<double>(g)) / assignments));
}

PerfModel::PerfModel(const ModelArch& model, const GpuSpec& gpu, const Precision& weights, const Precision& kv, int tp,
                     const Efficiency& eff, Parallel layout, int moe_tp, Engine engine, int max_batch_seqs)
    : model_(&model), gpu_(&gpu), weights_(&weights), kv_(&kv), tp_(tp), eff_(&eff), layout_(layout),
      moe_tp_(std::max(moe_tp, 1)), engine_(engine), max_batch_seqs_(std::max(max_batch_seqs, 0)) {
  if (tp < 1 || tp > max_replica_gpus)
    throw Error(fmt::format("GPU count {} per replica is not supported (expected 1 to {})", tp, max_replica_gpus));
  bw_ = gpu.hbm_gb_per_s * bytes_per_gb * gpu.e_bw.value_or(eff.e_bw.value);
  // GEMMs run in the weights' compute format when the GPU has tensor cores for it;
  // otherwise (e.g. FP8 weights on an A100, MXFP4 on an H100) weights are dequantised and
  // multiplied in 16 bit.
  double tflops = gpu.bf16_tflops;
  if (gemm_below_16bit(gpu, weights)) {
    if (weights.compute == "fp8") tflops = *gpu.fp8_tflops;
    else if (weights.compute == "int8") tflops = *gpu.int8_tops;
    else if (weights.compute == "fp6") tflops = *gpu.fp6_tflops;
    else tflops = *gpu.fp4_tflops;
  }
  fl_lin_ = tflops * 1e12 * gemm_efficiency(gpu, weights, eff);
  // Attention (QK^T, softmax, AV) runs in 16 bit in the engines modelled.
  fl_attn_ = gpu.bf16_tflops * 1e12 * gpu.e_fl_16.value_or(eff.e_fl_16.value);
}

MemoryPlan PerfModel::memory(double context_tokens) const {
  MemoryPlan mp;
  const ModelArch& m = *model_;
  const double g = tp_;
  mp.usable_bytes = gpu_->memory_gib * bytes_per_gib * eff_->mem_utilization.value;
  // Tensor-parallel attention slices every weight over the GPUs (experts sliced or split
  // whole); data-parallel attention keeps a full copy of everything but the routed experts.
  // Routed experts split whole (ep, dep) over moe_ep groups put ceil(experts / moe_ep) of them
  // on the busiest group, each sliced over its moe_tp GPUs (1 / g of them when g divides the
  // experts, as on every 2-, 4- or 8-GPU replica of the catalog's models).
  const double routed = routed_expert_params(m) * weights_->bytes;
  const double rest = weights_bytes(m, *weights_) - routed;
  const double routed_share = layout_ != Parallel::tp && m.is_moe()
                                  ? std::ceil(static_cast<double>(m.experts) / moe_ep()) / m.experts / moe_tp_
                                  : 1.0 / g;
  mp.weights_bytes = layout_ == Parallel::dep ? rest + routed * routed_share : rest / g + routed * routed_share;
  mp.overhead_bytes = eff_->overhead_gib_per_gpu.value * bytes_per_gib;
  mp.kv_budget_bytes = mp.usable_bytes - mp.weights_bytes - mp.overhead_bytes;
  // Mean bytes per token of a request of this context on one GPU (sliding-window layers
  // hold at most their window).
  const double ctx = std::max(context_tokens, 1.0);
  const double state = linear_state_bytes_per_sequence(m);
  mp.kv_bytes_per_token = ((kv_bytes_per_sequence(m, *kv_, ctx) - state) * kv_share_per_gpu(m, tp_, layout_) +
                           state * linear_state_share_per_gpu(m, tp_, layout_)) /
                          ctx;
  mp.kv_tokens = mp.kv_budget_bytes > 0 ? std::floor(mp.kv_budget_bytes / mp.kv_bytes_per_token) : 0;
  const double need_tokens = ctx;
  if (mp.kv_budget_bytes <= 0) {
    mp.reason = fmt::format("weights need {:.1f} GiB per GPU at {} GPUs ({}) plus {:.1f} GiB overhead, above the "
                            "{:.1f} GiB usable on one {} ({:.0f} GiB x {:.2f})",
                            mp.weights_bytes / bytes_per_gib, tp_, to_string(layout_),
                            mp.overhead_bytes / bytes_per_gib, mp.usable_bytes / bytes_per_gib, gpu_->id,
                            gpu_->memory_gib, eff_->mem_utilization.value);
  } else if (mp.kv_tokens < need_tokens) {
    mp.reason = fmt::format("the KV cache left after the weights holds {:.0f} tokens per replica at {} GPUs ({}), "
                            "fewer than one request's {:.0f}",
                            mp.kv_tokens, tp_, to_string(layout_), need_tokens);
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

double PerfModel::linear_bytes_per_gpu(double tokens) const {
  const ModelArch& m = *model_;
  const double g = tp_;
  const double routed = routed_expert_params(m) * weights_->bytes;
  // The input embedding is a gather of a few rows, not a streamed matrix (with tied
  // embeddings the one table is streamed as the output projection).
  const double dense = weights_bytes(m, *weights_) - routed - embedding_params(m) * non_expert_bytes(m, *weights_);
  const double share = experts_touched_share(m, tokens);
  switch (layout_) {
    case Parallel::tp: return (dense + routed * share) / g;
    case Parallel::ep: return dense / g + routed / g * std::min(1.0, share * expert_imbalance(m, moe_ep(), tokens));
    case Parallel::dep: return dense + routed / g * std::min(1.0, share * expert_imbalance(m, moe_ep(), tokens));
  }
  return 0;
}

double PerfModel::linear_flops_per_gpu(double tokens, double rank_tokens) const {
  const ModelArch& m = *model_;
  const double g = tp_;
  // 2 FLOPs per multiply-accumulate over every weight a token passes through.
  const double routed = 2.0 * active_routed_params(m);
  const double dense = 2.0 * (m.params_active - embedding_params(m)) - routed;
  switch (layout_) {
    case Parallel::tp: return (dense + routed) * tokens / g;
    case Parallel::ep: return dense * tokens / g + routed * tokens / g * expert_imbalance(m, moe_ep(), tokens);
    case Parallel::dep: return dense * rank_tokens + routed * tokens / g * expert_imbalance(m, moe_ep(), tokens);
  }
  return 0;
}

double PerfModel::attention_pair_flops(bool decode) const {
  const ModelArch& m = *model_;
  if (m.attention == AttentionKind::mla) {
    // Decode absorbs the up-projections: scores over the kv_lora_rank + rope latent, values
    // over the kv_lora_rank latent. Prefill decompresses to qk_nope + rope keys and v_head_dim
    // values per head (DeepSeek-V2 paper, section 2.1; vLLM and SGLang do the same).
    if (decode) return 2.0 * m.heads * (2.0 * m.kv_lora_rank + m.qk_rope_head_dim);
    return 2.0 * m.heads * (static_cast<double>(m.qk_nope_head_dim) + m.qk_rope_head_dim + m.v_head_dim);
  }
  return 4.0 * attention_width(m);
}

double PerfModel::fixed_step_s() const { return fixed_step_seconds(*model_, *eff_); }

double PerfModel::comm_s(double tokens) const {
  if (tp_ <= 1) return 0;
  const ModelArch& m = *model_;
  const double g = tp_;
  // Within one scale-up domain every exchange runs over its links (NVLink, Infinity
  // Fabric). Past it the replica spans n domains of s GPUs (spread evenly), each GPU with
  // its own NIC: the share of the traffic that leaves the domain goes over the NICs, the
  // rest stays on the scale-up links.
  const double up = link_bytes_per_s(*gpu_, 1) * eff_->link_efficiency.value;
  const double out = link_bytes_per_s(*gpu_, tp_) * eff_->link_efficiency.value;
  const ScaleupDomains domains = scaleup_domains(*gpu_, tp_);
  const double n = domains.count, s = domains.gpus_each;
  const double base_s = eff_->allreduce_base_us.value / 1e6, hop_s = eff_->allreduce_hop_us.value / 1e6;
  if (layout_ == Parallel::dep) {
    // Data-parallel attention: no all-reduce. Each MoE layer sends every token's top_k
    // copies to the GPUs holding its experts and gathers the results back (dispatch and
    // combine all-to-alls); each GPU sends its tokens / g, (s-1)/g of the copies to the
    // other GPUs of its domain and (g-s)/g to other domains, both at once.
    const double latency_s = base_s + (g - 1) * hop_s;
    const double copies = tokens / g * m.top_k * m.hidden * activation_bytes;
    const double transfer = std::max(copies * (s - 1) / g / up, copies * (g - s) / g / out);
    return 2.0 * m.moe_layers() * (latency_s + transfer);
  }
  // Tensor-parallel attention (tp, ep): two all-reduces per layer (after attention and after
  // the MLP; with experts split whole, the all-reduce also combines their outputs). Ring
  // all-reduce within a domain: latency grows with the 2(g-1) ring steps; each GPU moves
  // 2(g-1)/g of the message. Across domains it is hierarchical (as NCCL runs it over one NIC
  // per GPU): reduce-scatter within the domain, each GPU all-reduces its 1/s shard with its
  // peers of the other n - 1 domains over its NIC, all-gather within the domain.
  const double message = tokens * m.hidden * activation_bytes;
  const double latency_s = base_s + 2.0 * ((s - 1) + (n - 1)) * hop_s;
  const double transfer = 2.0 * (s - 1) / s * message / up + 2.0 * (n - 1) / n * message / s / out;
  return 2.0 * m.layers * (latency_s + transfer);
}

namespace {
// Tokens on the busiest data-parallel rank when `tokens` tokens (or sequences) spread over g
// ranks: tokens / g, and at least one while there is one.
double rank_share(double tokens, int g) { return std::max(tokens / g, std::min(tokens, 1.0)); }
}  // namespace

StepTime PerfModel::decode_step(double batch, double context) const {
  const ModelArch& m = *model_;
  const double g = tp_;
  const bool dp = layout_ == Parallel::dep;
  const double lin_mem = linear_bytes_per_gpu(batch) / bw_;
  const double lin_fl = linear_flops_per_gpu(batch, rank_share(batch, tp_)) / fl_lin_;
  // Attention: each sequence reads its KV (the GPU's share of it); with data-parallel
  // attention the busiest rank reads its own sequences whole.
  const double seqs = dp ? rank_share(batch, tp_) : batch;
  const double share = dp ? 1.0 : kv_share_per_gpu(m, tp_, layout_);
  const double att_mem = seqs * kv_bytes_per_sequence(m, *kv_, context) * share / bw_;
  const double att_fl = attention_pair_flops(true) * kv_token_layers(m, context) * (dp ? seqs : batch / g) / fl_attn_;
  return compose(lin_mem, lin_fl, att_mem, att_fl, comm_s(batch), fixed_step_s());
}

StepTime PerfModel::prefill(double n) const {
  const ModelArch& m = *model_;
  const double g = tp_;
  const bool dp = layout_ == Parallel::dep;
  const double vh = static_cast<double>(m.vocab) * m.hidden;
  // The output projection runs for the last position only. One prompt sits on one
  // data-parallel rank, which runs its dense layers and attention alone.
  const double out_proj_saved = 2.0 * vh * std::max(n - 1.0, 0.0) / (dp ? 1.0 : g);
  const double lin_mem = linear_bytes_per_gpu(n) / bw_;
  const double lin_fl = std::max(0.0, linear_flops_per_gpu(n, n) - out_proj_saved) / fl_lin_;
  const double att_fl = attention_pair_flops(false) * prefill_pairs(m, n) / (dp ? 1.0 : g) / fl_attn_;
  const double share = dp ? 1.0 : kv_share_per_gpu(m, tp_, layout_);
  const double att_mem = kv_bytes_per_sequence(m, *kv_, n) * share / bw_;  // KV written once
  return compose(lin_mem, lin_fl, att_mem, att_fl, comm_s(n), fixed_step_s());
}

StepTime PerfModel::prefill_work_parts(double n) const {
  if (n <= 0) return {};
  const ModelArch& m = *model_;
  // A prefill step carries up to P = max(n, prefill_batch_tokens) prompt tokens: the
  // weight GEMMs, the fixed cost and the all-reduces of P tokens are shared pro rata;
  // attention is per prompt (spread over the GPUs: heads, or data-parallel ranks).
  const double p = std::max(n, eff_->prefill_batch_tokens.value);
  const double g = tp_;
  const double lin_mem = linear_bytes_per_gpu(p) / bw_;
  const double lin_fl = linear_flops_per_gpu(p, p / g) / fl_lin_;
  const double share = n / p;
  const double att_fl = attention_pair_flops(false) * prefill_pairs(m, n) / g / fl_attn_;
  const double kv_share = layout_ == Parallel::dep ? 1.0 / g : kv_share_per_gpu(m, tp_, layout_);
  const double att_mem = kv_bytes_per_sequence(m, *kv_, n) * kv_share / bw_;
  return compose(lin_mem, lin_fl, att_mem, att_fl, comm_s(p) * share, fixed_step_s() * share, share);
}

std::string deployment_problem(const PerfModel& pm, double context_tokens) {
  const ModelArch& m = pm.model();
  const Precision& w = pm.weights();
  if (w.native_only && !gpu_has_format(pm.gpu(), w.compute))
    return fmt::format("{} weights need {} tensor cores, which {} does not have (Blackwell GPUs do)", w.id,
                       w.compute, pm.gpu().id);
  if (!w.vendor.empty() && pm.gpu().vendor != w.vendor)
    return fmt::format("{} is a format of {} GPUs only, and {} is {} (expected a format it runs: on AMD Instinct the "
                       "OCP MX formats mxfp4 and mxfp6)",
                       w.id, w.vendor, pm.gpu().id,
                       pm.gpu().vendor.empty() ? std::string("of no stated vendor") : "an " + pm.gpu().vendor + " GPU");
  if (pm.tp() > pm.gpu().scaleup_gpus && !pm.gpu().scaleout_gb_per_s)
    return fmt::format("{} GPUs exceed {}'s scale-up domain of {}, and the catalog gives no inter-node link for it "
                       "(scaleout_gb_per_s)", pm.tp(), pm.gpu().id, pm.gpu().scaleup_gpus);
  if (pm.layout() != Parallel::tp && !m.is_moe())
    return fmt::format("layout {} splits routed experts, and {} is a dense model (expected tp)",
                       to_string(pm.layout()), m.id);
  if (pm.moe_tp() > 1 && pm.layout() == Parallel::tp)
    return fmt::format("moe_tp {} slices experts within expert-parallel groups, and layout tp has none (expected ep "
                       "or dep)", pm.moe_tp());
  if (pm.moe_tp() > 1 && pm.tp() % pm.moe_tp() != 0)
    return fmt::format("moe_tp {} does not divide the replica's {} GPUs (expected moe_tp x moe_ep = GPUs)",
                       pm.moe_tp(), pm.tp());
  if (pm.layout() != Parallel::tp && m.experts < pm.moe_ep())
    return fmt::format("{} has {} experts, fewer than the {} GPUs layout {} splits them over", m.id, m.experts,
                       pm.moe_ep(), to_string(pm.layout()));
  if (pm.layout() != Parallel::dep) {
    if (m.heads % pm.tp() != 0)
      return fmt::format("{} has {} attention heads, which TP {} does not divide", m.id, m.heads, pm.tp());
    if (m.attention == AttentionKind::gqa && m.kv_heads % pm.tp() != 0 && pm.tp() % m.kv_heads != 0)
      return fmt::format("{} has {} KV heads, which neither divide nor are divided by TP {}", m.id, m.kv_heads,
                         pm.tp());
  }
  if (context_tokens > m.max_context)
    return fmt::format("requests of {:.0f} tokens exceed {}'s {:.0f}-token context", context_tokens, m.id,
                       m.max_context);
  MemoryPlan mp = pm.memory(context_tokens);
  return mp.fits ? std::string() : mp.reason;
}

std::optional<int> smallest_fitting_tp(const Catalog& cat, const ModelArch& m, const GpuSpec& gpu,
                                       const Precision& weights, const Precision& kv, double context_tokens,
                                       int max_gpus, Parallel layout) {
  for (int g : replica_gpu_counts(gpu)) {
    if (g > max_gpus) break;
    PerfModel pm(m, gpu, weights, kv, g, cat.efficiency, layout);
    if (deployment_problem(pm, context_tokens).empty()) return g;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// Serving

double decode_steps(double output_tokens) { return std::max(output_tokens - 1.0, 1.0); }

CacheRoom cache_room(const PerfModel& pm, double input_tokens, double output_tokens, PrefixCache cache) {
  CacheRoom r;
  const double ctx = input_tokens + output_tokens;
  r.max_batch = pm.max_sequences(ctx);
  if (cache.hit_share > 0 && input_tokens > 0 && r.max_batch > 0) {
    // The prefixes are held once per replica in the KV room one request leaves; what does
    // not fit is not cached, so the hit share falls in proportion. The rest of the room holds
    // the running sequences at their full context (a sequence's own copy of its prefix is
    // not credited: a lower bound on the batch).
    const double kv_tokens = pm.memory(ctx).kv_tokens;
    const double room = std::max(0.0, kv_tokens - ctx);
    r.held_tokens = std::min(std::max(cache.prefix_tokens, 0.0), room);
    r.hit_share = cache.prefix_tokens > 0 ? cache.hit_share * r.held_tokens / cache.prefix_tokens : cache.hit_share;
    r.max_batch =
        static_cast<int>(std::min(std::floor((kv_tokens - r.held_tokens) / ctx), static_cast<double>(r.max_batch)));
  }
  return r;
}

ServingModel::ServingModel(const PerfModel& pm, double input_tokens, double output_tokens,
                           std::optional<double> tpot_target_s, int batch_cap, PrefixCache cache)
    : pm_(&pm), in_(input_tokens), out_(std::max(output_tokens, 1.0)), tpot_target_(tpot_target_s) {
  steps_ = decode_steps(out_);
  const CacheRoom room = cache_room(pm, in_, out_, cache);
  max_batch_ = room.max_batch;
  held_ = room.held_tokens;
  hit_ = room.hit_share;
  const int engine_cap = engine_batch_limit(pm);  // max_batch_seqs, per attention-DP rank under dep
  max_batch_ = std::min(max_batch_, engine_cap);
  if (batch_cap > 0) max_batch_ = std::min(max_batch_, batch_cap);
  t_pre_ = pm.t_pre(in_);
  pre_work_ = pm.prefill_work(in_);
  if (hit_ > 0) {
    // The cached tokens are not computed again; the rest attend to the whole prompt. Batched
    // prefill work is linear in the tokens but for attention, which is the sum over positions:
    // work(I) - work(hI) counts exactly the positions past the cached prefix. An idle prefill
    // pays its step's weight reads and fixed cost whatever the tokens: at least the time of a
    // prompt of the uncached tokens alone.
    const double cached = hit_ * in_;
    pre_work_ = pm.prefill_work(in_) - pm.prefill_work(cached);
    t_pre_ = std::max(pm.t_pre(in_) - pm.t_pre(cached), pm.t_pre(in_ - cached));
  }
  if (max_batch_ <= 0) return;
  // Largest B whose TPOT at capacity meets the target. The TPOT a request sees at the
  // replica's capacity, not the decode step alone, is what the target bounds, so that the
  // capacity used for sizing, utilisation and floors keeps the target. It rises with B
  // (t_dec and the prefill stalls both grow), so bisect.
  batch_ = tpot_target_
               ? largest_where(0, max_batch_, [&](int b) { return tpot_at_capacity_s(b) <= *tpot_target_; })
               : max_batch_;
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

std::optional<int> smallest_replicas(double need, const std::function<bool(int)>& meets) {
  if (!(need < most_replicas)) return std::nullopt;
  // Fewer than ceil(need) replicas cannot keep up.
  int lo = std::max(0, static_cast<int>(std::ceil(need)) - 1);  // fails (or 0)
  int hi = lo + 1;
  int step = 1;
  while (!meets(hi)) {
    if (hi >= most_replicas) return std::nullopt;
    lo = hi;
    step *= 2;
    hi = std::min(most_replicas, lo + step);
  }
  return smallest_where(lo, hi, meets);
}

std::optional<int> ServingModel::replicas_for(double rps, std::optional<double> ttft_s) const {
  if (rps <= 0) return 0;
  if (mu_ <= 0) return std::nullopt;
  if (ttft_s && t_pre_ > *ttft_s) return std::nullopt;  // even an idle replica is too slow
  return smallest_replicas(rps / mu_, [&](int n) { return meets(rps, n, ttft_s); });
}

}  // namespace plan::perf
