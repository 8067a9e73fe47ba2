#pragma once
// The self-hosted performance model: a roofline of one replica (a tensor-parallel group
// of GPUs) built from the model's architecture and the GPU's peak figures, and the
// serving model on top of it (operating batch, capacity, queueing, fleet size).
// Formulas and the sources of every default: docs/performance-model.md.
// Times are in seconds, sizes in bytes, unless a name says otherwise.
#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/data/catalog.hpp"
#include "plan/core/data/engine.hpp"
#include "plan/core/data/parallel.hpp"
#include "plan/core/serving/replica_model.hpp"

namespace plan::perf {

// The most replicas any fleet is sized to.
inline constexpr int most_replicas = 1'000'000;
// The smallest replica count n >= ceil(need) for which meets(n) holds, where meets is
// monotone in n (latency falls as replicas are added): the step grows geometrically from
// ceil(need) until meets holds, then bisects, so O(log n) calls. nullopt when need or the
// count reaches most_replicas.
std::optional<int> smallest_replicas(double need, const std::function<bool(int)>& meets);

// The GPU counts of one server's replica (tensor-parallel degrees, expert-parallel sizes).
inline constexpr int tp_degrees[] = {1, 2, 4, 8};
bool is_tp_degree(int g);
// The most GPUs one replica may span (several scale-up domains when the catalog gives the
// inter-node link).
inline constexpr int max_replica_gpus = 1024;
// The GPU counts a replica is searched over when none is given: powers of two up to the GPU's
// scale-up domain, and the domain itself (1, 2, 4, 8 on an HGX server; ..., 64, 72 on an NVL72).
std::vector<int> replica_gpu_counts(const GpuSpec& gpu);
// Bytes/s per GPU per direction of the link a replica of `g` GPUs communicates over between
// scale-up domains: the scale-up interconnect while it fits in one; past it, the inter-node
// link (scaleout_gb_per_s, each GPU's NIC).
double link_bytes_per_s(const GpuSpec& gpu, int g);
// The scale-up domains a replica of `g` GPUs spans: ceil(g / scaleup_gpus) of g / count GPUs
// each past one domain, when the GPU has an inter-node link; else one of g.
struct ScaleupDomains {
  int count = 1;
  double gpus_each = 1;
};
ScaleupDomains scaleup_domains(const GpuSpec& gpu, int g);
// The note a replica across domains carries (how its collectives are taken); empty within one.
std::string scaleout_note(const GpuSpec& gpu, int g);
inline constexpr Parallel parallel_layouts[] = {Parallel::tp, Parallel::ep, Parallel::dep};

// The catalog roofline alone against published offline throughput of mixtures of experts
// (TensorRT-LLM v1.0, 12 deployments; docs/performance-model.md, "The models of 2025-26"):
// predicted / measured output tokens/s was between these two on every point. Nothing is
// fitted to them; a plan sized from the catalog alone says what the high end would do to it.
// tests/unit/test_validation.cpp recomputes both from the points.
inline constexpr double moe_catalog_over_measured_low = 1.65;
inline constexpr double moe_catalog_over_measured_high = 2.42;

// Whether the GPU has tensor cores for the weights' compute format (bf16 always).
bool gpu_has_format(const GpuSpec& gpu, const std::string& compute);
// Whether the weight GEMMs run below 16 bit: FP8, INT8 or FP4 weights on a GPU with tensor
// cores for that format (elsewhere they are dequantised and run in 16 bit). Decides which
// GEMM efficiency, e_fl_8 or e_fl_16, applies (FP4 uses e_fl_8: no published FP4 MAMF).
bool gemm_below_16bit(const GpuSpec& gpu, const Precision& weights);
// The GEMM efficiency a deployment runs at: the GPU's own, else the catalog default.
double gemm_efficiency(const GpuSpec& gpu, const Precision& weights, const Efficiency& eff);
// Fixed time of one forward step: per-step overhead plus per-layer launch gaps.
double fixed_step_seconds(const ModelArch& m, const Efficiency& eff);

// Routed-expert weights of a MoE (every layer's experts, SwiGLU: 3 x hidden x expert_ffn
// each); 0 for a dense model. Shared experts are not routed and count as dense weights.
double routed_expert_params(const ModelArch& m);
// The routed-expert weights one token multiplies: top_k experts in each MoE layer.
double active_routed_params(const ModelArch& m);
// Bytes of all weights: routed experts at bytes(precision), the rest at the precision's
// non_expert_bytes when it has one (gpt-oss MXFP4 quantises the experts only); the MTP
// layers' params_mtp at bytes(precision).
double weights_bytes(const ModelArch& m, const Precision& weights);
// KV elements one token adds to one attention layer: 2 x kv_heads x head_dim (GQA, MQA), or
// kv_lora_rank + qk_rope_head_dim (MLA's compressed latent and rotary key); with sparse
// attention, plus the indexer's index_head_dim key.
double kv_elements_per_token_per_layer(const ModelArch& m);
// KV-cache bytes per token of context while every attention layer keeps it (contexts up to
// the sliding window), whole model: attention_layers x kv_elements_per_token_per_layer x bytes.
// Linear-attention layers add no per-token KV (their state is per sequence).
double kv_bytes_per_token(const ModelArch& m, const Precision& kv);
// Bytes each sequence's recurrent state takes in the GPU memory, per byte of element.
inline constexpr double linear_state_bytes = 2.0;  // 16 bit: vLLM keeps it in the model's dtype
// Elements of one linear-attention layer's state for one sequence: value_heads x key_dim x
// value_dim (the recurrent state) + (conv_kernel - 1) x (2 x key_heads x key_dim + value_heads
// x value_dim) (the short convolution's window over q, k and v). 0 without linear layers.
double linear_state_elements_per_layer(const ModelArch& m);
// linear_layers x linear_state_elements_per_layer x linear_state_bytes.
double linear_state_bytes_per_sequence(const ModelArch& m);
// KV-cache bytes of one sequence of `context` tokens, whole model: global layers keep every
// token, sliding-window layers at most sliding_window of them, linear-attention layers their
// fixed state (linear_state_bytes_per_sequence).
double kv_bytes_per_sequence(const ModelArch& m, const Precision& kv, double context);
// Share of a sequence's KV cache one GPU of a replica of `g` GPUs holds: with
// tensor-parallel attention, ceil(kv_heads / g) / kv_heads (heads split, replicated when g
// exceeds them; MLA's latent is not split: 1); with data-parallel attention 1 / g (each GPU
// holds its own sequences).
double kv_share_per_gpu(const ModelArch& m, int g, Parallel layout = Parallel::tp);
// Share of a sequence's linear-attention state one GPU holds: ceil(linear_value_heads / g) /
// linear_value_heads with tensor-parallel attention, 1 / g with data-parallel attention.
double linear_state_share_per_gpu(const ModelArch& m, int g, Parallel layout = Parallel::tp);
// kv_bytes_per_token x kv_share_per_gpu.
double kv_bytes_per_token_per_gpu(const ModelArch& m, const Precision& kv, int g, Parallel layout = Parallel::tp);
// Expected share of a MoE layer's experts that at least one of `tokens` tokens is routed
// to, with routing taken as uniform and independent: 1 - (1 - top_k/experts)^tokens.
// 1 for dense models.
double experts_touched_share(const ModelArch& m, double tokens);
// Load of the busiest of `g` GPUs holding experts over the mean, when `tokens` tokens
// each pick top_k experts uniformly: balls into bins (Raab and Steger 1998), max ~ mean +
// sqrt(2 mean ln g) for mean = tokens x top_k / g, so 1 + sqrt(2 g ln g / (tokens x top_k)),
// at most g. 1 for one GPU or a dense model.
double expert_imbalance(const ModelArch& m, int g, double tokens);

// Memory of one GPU of a replica.
struct MemoryPlan {
  bool fits = false;
  std::string reason;                  // why not, when !fits
  double usable_bytes = 0;             // memory x mem_utilization
  double weights_bytes = 0;            // per GPU
  double overhead_bytes = 0;           // per GPU
  double kv_budget_bytes = 0;          // per GPU: usable - weights - overhead
  double kv_bytes_per_token = 0;       // per GPU
  double kv_tokens = 0;                // tokens of context the replica's KV cache holds
};

// Where a step's time goes.
struct StepTime {
  double total = 0;
  double linear = 0;     // weight GEMMs (and their reads)
  double attention = 0;  // attention over the context (and the KV reads)
  double comm = 0;       // all-reduces (tensor parallel) and all-to-alls (expert parallel)
  double fixed = 0;      // per-step overhead
  double memory = 0;     // the memory-bound parts of linear + attention
  double compute = 0;    // the compute-bound parts of linear + attention
  bool memory_bound() const { return memory >= compute; }
};

// One model on one GPU type, at a precision, on `tp` GPUs in a parallel layout.
class PerfModel {
 public:
  // Throws plan::Error when `tp` is not a supported GPU count. `moe_tp` (ep and dep): each
  // routed expert sliced over moe_tp GPUs, the experts split whole over tp / moe_tp groups
  // (moe_ep); 1: split whole over every GPU. deployment_problem checks that it divides tp.
  // `engine` serves the replica: its batch limit (engine_batch_limit) is `max_batch_seqs` a
  // scheduler when above 0 (the server's own), else the engine's default.
  PerfModel(const ModelArch& model, const GpuSpec& gpu, const Precision& weights, const Precision& kv, int tp,
            const Efficiency& eff, Parallel layout = Parallel::tp, int moe_tp = 1, Engine engine = Engine::vllm,
            int max_batch_seqs = 0);

  const ModelArch& model() const { return *model_; }
  const GpuSpec& gpu() const { return *gpu_; }
  const Precision& weights() const { return *weights_; }
  const Precision& kv() const { return *kv_; }
  int tp() const { return tp_; }  // GPUs in the replica
  Parallel layout() const { return layout_; }
  int moe_tp() const { return moe_tp_; }
  // Groups the routed experts are split over whole: tp / moe_tp under ep and dep (at least 1).
  int moe_ep() const { return std::max(1, tp_ / moe_tp_); }
  const Efficiency& efficiency() const { return *eff_; }
  Engine engine() const { return engine_; }
  int given_max_batch_seqs() const { return max_batch_seqs_; }  // 0: the engine's default

  // Memory plan for requests of `context_tokens` (input + output): fits when the weights
  // and overhead fit in the usable memory and the KV cache holds one such request.
  MemoryPlan memory(double context_tokens) const;
  // Concurrent sequences of `context_tokens` the KV cache holds (0 if it does not fit).
  int max_sequences(double context_tokens) const;

  // One decode step of `batch` sequences with a mean context of `context` tokens.
  StepTime decode_step(double batch, double context) const;
  double t_dec(double batch, double context) const { return decode_step(batch, context).total; }
  // Prefill of one request of `tokens` tokens on an idle replica (its TTFT without queueing).
  StepTime prefill(double tokens) const;
  double t_pre(double tokens) const { return prefill(tokens).total; }
  // Replica time one request's prefill takes when prompts are batched up to
  // prefill_batch_tokens per step (weight reads, fixed costs and all-reduce latency are
  // shared across the batch). Used for throughput.
  double prefill_work(double tokens) const { return prefill_work_parts(tokens).total; }
  // The same split into memory-bound, compute-bound, fixed and all-reduce parts.
  StepTime prefill_work_parts(double tokens) const;

  // Effective rates, after efficiencies.
  double bandwidth_bytes_per_s() const { return bw_; }
  double linear_flops_per_s() const { return fl_lin_; }
  double attention_flops_per_s() const { return fl_attn_; }
  double fixed_step_s() const;
  double comm_s(double tokens) const;

 private:
  // Weight bytes one GPU reads in a step of `tokens` tokens (experts touched, imbalance).
  double linear_bytes_per_gpu(double tokens) const;
  // Weight FLOPs of the busiest GPU in a step of `tokens` tokens of which `rank_tokens` sit
  // on one data-parallel attention rank (layout dep).
  double linear_flops_per_gpu(double tokens, double rank_tokens) const;
  // Attention FLOPs per (query, key) pair per layer: 4 x heads x head_dim for GQA; MLA
  // decodes on the absorbed latent and prefills on the decompressed heads.
  double attention_pair_flops(bool decode) const;

  const ModelArch* model_;
  const GpuSpec* gpu_;
  const Precision* weights_;
  const Precision* kv_;
  int tp_;
  const Efficiency* eff_;
  Parallel layout_;
  int moe_tp_ = 1;
  Engine engine_ = Engine::vllm;
  int max_batch_seqs_ = 0;
  double bw_ = 0;
  double fl_lin_ = 0;
  double fl_attn_ = 0;
};

// Why a deployment fails before any load is considered; empty when it does not.
// Checks the precision on the GPU, the layout (ep and dep need a MoE), the heads split
// (tensor-parallel attention), the context and the memory plan.
std::string deployment_problem(const PerfModel& pm, double context_tokens);

// Smallest GPU count of replica_gpu_counts(gpu), at most `max_gpus`, at which the model fits in `layout`
// for requests of `context_tokens`; nullopt when none does.
std::optional<int> smallest_fitting_tp(const Catalog& cat, const ModelArch& m, const GpuSpec& gpu,
                                       const Precision& weights, const Precision& kv, double context_tokens,
                                       int max_gpus, Parallel layout = Parallel::tp);

// Decode steps a request of `output_tokens` output tokens takes after its prefill, which
// emits the first token: output - 1, the inter-token gaps that vLLM's TPOT divides by
// ((e2e - TTFT) / (output - 1)). A request of fewer than two output tokens is counted with
// one step (vLLM leaves such requests out of TPOT; one step keeps the model conservative
// and defined).
double decode_steps(double output_tokens);

// A replica serving requests of one mean shape.
// Latency vocabulary (docs/performance-model.md): TTFT is arrival to first token (queueing
// plus prefill); TPOT is (e2e - TTFT) / (output - 1), the mean gap between a request's
// tokens, including the time decoding stalls for other requests' prefills; ITL is one
// decode step.
struct Load {
  bool stable = true;
  double batch = 0;    // mean concurrent sequences (Little's law)
  double itl_s = 0;    // decode step at that batch (inter-token latency)
  double tpot_s = 0;   // time per output token, including stalls for other requests' prefills
};

// A replica's prompt cache (docs/performance-model.md, "Prefix caching"): the share of input
// tokens the workload reads from it, and the prefix tokens it must hold in the KV cache.
struct PrefixCache {
  double hit_share = 0;
  double prefix_tokens = 0;
};

// The KV room a replica's prompt cache takes (docs/performance-model.md, "Prefix caching"):
// the prefix tokens held (at most the room one request of I + O tokens leaves), the hit share
// that keeps (h x held / P), and the sequences of I + O tokens the rest of the KV cache holds
// (before the engine's max_batch_seqs). Without a cache: nothing held, and max_sequences.
struct CacheRoom {
  double held_tokens = 0;
  double hit_share = 0;
  int max_batch = 0;
};
CacheRoom cache_room(const PerfModel& pm, double input_tokens, double output_tokens, PrefixCache cache);

class ServingModel {
 public:
  // `tpot_target_s` bounds the operating batch through the TPOT at capacity (see
  // tpot_at_capacity_s), as do the KV budget, the engine's max_batch_seqs (per attention-DP
  // rank under dep: engine_batch_limit in deployment.hpp) and `batch_cap`
  // when > 0 (e.g. a closed loop of that many requests).
  // With `cache`, the prefixes held take KV room from the batch, and the cached input tokens
  // are not prefilled again; the hit share is at most what the room holds.
  ServingModel(const PerfModel& pm, double input_tokens, double output_tokens,
               std::optional<double> tpot_target_s = std::nullopt, int batch_cap = 0, PrefixCache cache = {});

  const PerfModel& perf() const { return *pm_; }
  double input_tokens() const { return in_; }
  double output_tokens() const { return out_; }
  // Mean context of a sequence over its decode: input + output / 2.
  double mean_context() const { return in_ + out_ / 2.0; }
  // Decode steps per request after its prefill: decode_steps(output_tokens).
  double decode_steps_per_request() const { return steps_; }
  // Largest batch within the KV budget, the engine cap and the TPOT target; 0 when even
  // one sequence misses the TPOT target.
  int batch() const { return batch_; }
  int max_batch() const { return max_batch_; }
  // Requests/s one replica completes when `batch` sequences decode together:
  // mu(B) = B / (B x prefill_work(I) + S x t_dec(B, C)), S = decode_steps(O).
  double capacity_at(int batch) const;
  // TPOT of a replica at that capacity: each request's S decode steps share the replica with
  // B prefills per turnover of the batch, so TPOT = t_dec(B, C) + B x prefill_work(I) / S.
  // Rises with B; the operating batch is the largest B at which it meets the target.
  double tpot_at_capacity_s(int batch) const;
  // Requests/s one replica completes at the operating batch, capacity_at(batch()).
  double capacity_rps() const { return mu_; }
  // TTFT of a request on an idle replica.
  double prefill_s() const { return t_pre_; }
  // Replica time one request's prefill takes in batched prefills (after the prefix cache).
  double prefill_work_s() const { return pre_work_; }
  // The prefix cache: the share of input tokens read from it (the workload's, times the
  // share of its prefixes the KV room holds), and the prefix tokens held. 0 without one.
  double cache_hit_share() const { return hit_; }
  double cache_tokens_held() const { return held_; }
  // Steady state of one replica receiving `rps` requests/s.
  Load at_rate(double rps) const;
  // Latency of `replicas` replicas sharing `rps` (M/M/c over replicas x batch slots).
  // nullopt when the fleet cannot keep up.
  std::optional<FleetLatency> latency(double rps, int replicas) const;
  // Smallest replica count meeting the TTFT p95 target (when given) and the TPOT target
  // (when given) at `rps`; 0 for no traffic, nullopt when no count can.
  std::optional<int> replicas_for(double rps, std::optional<double> ttft_p95_target_s) const;
  // Whether `n` replicas meet the targets at `rps` (true for no traffic). Without a TTFT
  // target, the p95 queueing wait is held to stable_wait_s().
  bool meets(double rps, int n, std::optional<double> ttft_s) const;
  // The longest p95 wait for a decode slot a fleet without a TTFT target is run at: the time
  // a request holds its slot, B / mu.
  double stable_wait_s() const;

 private:
  const PerfModel* pm_;
  double in_;
  double out_;
  std::optional<double> tpot_target_;
  double steps_ = 1;
  int max_batch_ = 0;
  int batch_ = 0;
  double mu_ = 0;
  double t_pre_ = 0;
  double pre_work_ = 0;
  double hit_ = 0;
  double held_ = 0;
};

struct EngineTerms;
struct EngineCoverage;
class EngineServingModel;

// The catalog-based ReplicaModel used by `plan compare` for self-hosted options: the
// deployment chosen by choose_deployment (deployment.hpp), sized by the engine terms where
// `terms` cover it (the option's engine, the GPU's generation, the model), else by the
// catalog roofline. Implemented in deployment.cpp.
class CatalogReplicaModel : public ReplicaModel {
 public:
  // Throws plan::Error at the option's key when its model or precision is not in the catalog.
  CatalogReplicaModel(const Catalog& cat, const Option& option, const GpuInstance& instance, const WorkloadMix& mix,
                      const EngineTerms* terms = nullptr, const EngineCoverage* coverage = nullptr);
  ~CatalogReplicaModel() override;
  const ReplicaSpec& spec() const override { return spec_; }
  std::optional<int> replicas_for(double requests_per_s) const override;
  std::optional<FleetLatency> latency(double requests_per_s, int replicas) const override;
  bool serves(double requests_per_s, int replicas) const override;
  bool has_latency_model() const override { return true; }

 private:
  ReplicaSpec spec_;
  std::unique_ptr<PerfModel> perf_;
  std::optional<ServingModel> serving_;
  std::shared_ptr<const EngineServingModel> engine_;
  std::optional<double> ttft_target_s_;
};

class CatalogReplicaModelProvider : public ReplicaModelProvider {
 public:
  // `terms`: the engine terms (calib/engine_terms.json) that size the deployments they cover;
  // `coverage`: the model classes their measured runs hold (null: every class).
  explicit CatalogReplicaModelProvider(Catalog cat, std::shared_ptr<const EngineTerms> terms = nullptr,
                                       std::shared_ptr<const EngineCoverage> coverage = nullptr)
      : cat_(std::move(cat)), terms_(std::move(terms)), coverage_(std::move(coverage)) {}
  std::unique_ptr<ReplicaModel> make(const Option& option, const GpuInstance& instance,
                                     const WorkloadMix& mix) const override;
  const Catalog& catalog() const { return cat_; }
  const EngineTerms* engine_terms() const { return terms_.get(); }

 private:
  Catalog cat_;
  std::shared_ptr<const EngineTerms> terms_;
  std::shared_ptr<const EngineCoverage> coverage_;
};

}  // namespace plan::perf
