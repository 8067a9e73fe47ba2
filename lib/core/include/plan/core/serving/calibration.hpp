#pragma once
// Calibration: what the probes measure on real hardware, and the fit that turns decode
// step times into the performance model's efficiencies (e_bw, e_fl) and fixed cost
// (t_fixed). Pure model: no I/O, no devices. The probes (lib/probe for the CPU,
// calib/probe for CUDA) fill a ProbeResult; lib/io writes and reads calibration files.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/data/parallel.hpp"

namespace plan {

struct GpuSpec;

struct ModelArch;

// Shape of a decoder-only transformer with grouped-query attention and a gated (SwiGLU)
// MLP: enough to size its GEMMs and its KV cache.
struct TransformerShape {
  std::string name;
  int layers = 0;
  int hidden = 0;
  int heads = 0;
  int kv_heads = 0;
  int head_dim = 0;
  int ffn = 0;
  int vocab = 0;

  // Weights of one layer: q, k, v, o projections and gate, up, down of the MLP.
  double params_per_layer() const;
  // Weights of the output head (vocab x hidden). The embedding table is read one row per
  // token, so it is not counted in the bytes a step moves.
  double head_params() const;
  // Parameters a token's forward pass multiplies by: all layers plus the head.
  double active_params() const;
  // Elements of K and V one token adds to the cache of one layer.
  double kv_elements_per_token_per_layer() const;
  // Throws plan::Error (input_error) naming the first field that is not positive or a
  // head count that does not divide.
  void validate() const;
};

// Bytes per element of a precision name: fp32 4, fp16/bf16 2, fp8/int8 1, int4 0.5.
// Throws plan::Error (usage_error) on an unknown name.
double bytes_per_element(const std::string& precision);

// What one decode step (one new token for each of `batch` sequences, each with `context`
// tokens of KV cache) moves and computes, for `layers` layers plus the head.
struct StepCost {
  double bytes = 0;  // weights + KV cache read
  double flops = 0;  // 2 x params x batch + attention 4 x layers x heads x head_dim x context x batch
};
StepCost decode_step_cost(const TransformerShape& s, int layers, double weight_bytes_per_element,
                          double kv_bytes_per_element, int batch, int context);
// FLOPs of a prefill of `tokens` tokens: all layers for every token, the head for the last
// token only, causal attention (half the score matrix).
double prefill_flops(const TransformerShape& s, int layers, int tokens);

// What a probe run measures: a model shape at a precision, decode at several batch sizes
// with `context` tokens of KV cache per sequence, a prefill of `prefill_tokens`.
struct ProbeConfig {
  TransformerShape shape;
  std::string precision = "fp32";
  std::vector<int> batches{1, 8, 32};
  int context = 1024;
  int prefill_tokens = 512;
  int layers_run = 0;   // 0: all layers that fit in the memory budget
  int warmup = 2;       // untimed runs before each figure
  int repeats = 5;      // timed runs; the median is reported
  double memory_budget_bytes = 0;  // 0: the probe's default (a share of device memory)
  double stream_array_bytes = 0;   // 0: the probe's default (large enough to defeat caches)
  std::function<void(const std::string&)> progress;  // one line per stage, may be empty
};

// One measured decode batch size.
struct DecodePoint {
  int batch = 0;
  double step_s = 0;         // time of one step for the whole model (scaled if layers_run < layers)
  double tokens_per_s = 0;   // batch / step_s
  double bytes = 0;          // bytes moved by one step (StepCost)
  double flops = 0;          // FLOPs of one step (StepCost)
};

// What a probe reports for one model shape on one device.
struct ProbeResult {
  std::string backend;          // cuda | cpu
  std::string device_name;
  double device_memory_bytes = 0;
  std::string driver_version;   // CUDA driver, or "-" on the CPU
  std::string runtime_version;  // CUDA runtime, or the Eigen version on the CPU
  std::string precision;        // of weights, activations and KV cache
  int layers = 0;               // of the model
  int layers_run = 0;           // actually run; < layers when the model does not fit (times scaled)
  int context = 0;              // KV-cache tokens per sequence during decode
  int repeats = 0;              // timed repetitions per figure (median reported)
  double stream_bandwidth_bytes_per_s = 0;  // triad (CPU) / copy+triad (CUDA) streaming kernel
  double gemm_flops_per_s = 0;              // a large square GEMM
  int prefill_tokens = 0;
  double prefill_s = 0;                     // whole model, scaled like decode
  double prefill_tokens_per_s = 0;
  std::vector<DecodePoint> decode;
  std::vector<std::string> notes;
};

// Result of fitting t_step = t_fixed + max(bytes * k_bw, flops * k_fl).
struct EfficiencyFit {
  double t_fixed_s = 0;
  double seconds_per_byte = 0;     // k_bw = 1 / effective bandwidth
  double seconds_per_flop = 0;     // k_fl = 1 / effective FLOP rate; 0 when not identified
  int points = 0;
  int bandwidth_bound_points = 0;  // points on the bytes branch of the max
  int compute_bound_points = 0;
  double rms_residual_s = 0;
  std::string method;              // how the fit was done, for the file
};

// Least-squares fit of the decode roofline to measured points (see docs/calibration.md):
// points are split by which branch of the max they sit on, the linear model
// t = t_fixed + bytes*k_bw (bandwidth-bound) or t_fixed + flops*k_fl (compute-bound) is
// solved as non-negative least squares (Eigen QR on each subset of the three unknowns),
// points are reassigned with the fitted k_bw/k_fl, and this repeats until the split is
// stable. `initial_bw`/`initial_flops` (bytes/s, FLOP/s) give the first split.
// Throws plan::Error when there are no points, they do not determine the unknowns, or the
// time does not grow with bytes (k_bw = 0).
EfficiencyFit fit_decode_roofline(const std::vector<DecodePoint>& points, double initial_bw, double initial_flops);

// Efficiencies relative to reference peaks (spec sheet figures when known, else the
// probe's own streaming/GEMM measurements); stated in the calibration file.
struct Efficiencies {
  double e_bw = 0;
  std::optional<double> e_fl;
  double t_fixed_s = 0;
  double reference_bandwidth_bytes_per_s = 0;
  double reference_flops_per_s = 0;
  std::string reference_source;  // e.g. "measured (stream triad, large GEMM)" or "catalog gpu h100-sxm"
};
Efficiencies efficiencies_from_fit(const EfficiencyFit& fit, double reference_bandwidth_bytes_per_s,
                                   double reference_flops_per_s, std::string reference_source,
                                   double prefill_flops_per_s);

// Efficiencies of a probe, none above 1. An efficiency above 1 means the reference figure is
// wrong for the device that was measured (a catalog entry's spec figure, or a streaming
// kernel that a smaller working set outran), so the reference is replaced: the bandwidth by
// `measure_copy()` (bytes/s of a STREAM-style copy on the same device; not called when e_bw
// <= 1), the FLOP rate by `measured_flops_per_s` (the probe's own GEMM); and where the
// efficiency still exceeds 1, by the fit's own effective figure (efficiency 1). Each
// replacement is said in the reference source and appended to `notes`, so that the file and
// `plan calibrate show` carry it. A calibration file's reader accepts what this returns.
Efficiencies bounded_efficiencies(const EfficiencyFit& fit, double reference_bandwidth_bytes_per_s,
                                  double reference_flops_per_s, std::string reference_source,
                                  double prefill_flops_per_s, const std::function<double()>& measure_copy,
                                  double measured_flops_per_s, std::vector<std::string>& notes);
// The backend a probe ran on.
enum class ProbeBackend { cpu, cuda };
const char* to_string(ProbeBackend b);  // "cpu" | "cuda", as --backend names it

// The figures a probe's efficiencies are relative to, and where they come from.
struct ProbeReference {
  double bandwidth_bytes_per_s = 0;
  double flops_per_s = 0;
  std::string source;
  // Set when a catalog entry was named (`--gpu`) that the probe cannot be related to: why the
  // device's own figures are used instead (for a progress line); empty otherwise.
  std::string not_catalog_why;
};
// The reference of a probe: the catalog entry's spec figures (hbm_gb_per_s, bf16_tflops,
// cited as its catalog file, line N) when `spec` is of the probe's kind - a catalog GPU probed
// with CUDA at bf16 or fp16, or a catalog CPU entry probed on the CPU (its figure is fp32) -
// else what the probe's own streaming kernel and large GEMM reached, which the performance
// model does not use. `spec`: the entry --gpu names, or null.
ProbeReference probe_reference(const ProbeResult& r, ProbeBackend backend, const std::string& precision,
                               const GpuSpec* spec);
// FLOP/s of a probe's prefill: prefill_flops of the whole model (all `shape.layers`) at the
// probe's prefill tokens over its prefill time (scaled to the whole model like decode).
double probe_prefill_flops_per_s(const TransformerShape& shape, const ProbeResult& r);

// Whether bounded_efficiencies replaced a catalog entry's bandwidth or FLOP rate by what the
// device reached (said in the reference source): a plan then uses that figure for the entry.
bool reference_bandwidth_replaced(const Efficiencies& e);
bool reference_flops_replaced(const Efficiencies& e);

// How the model a result file names was checked against the model it was imported as.
enum class ModelCheck {
  matched,    // the file names that model (a catalog hf_id, its basename, or the id itself)
  forced,     // the file names another model; imported with --force
  unchecked,  // the file names no model
};
const char* to_string(ModelCheck c);
std::optional<ModelCheck> model_check_from_string(const std::string& s);

// The serving benchmarks whose results are imported.
enum class ServingFormat { vllm_serve, vllm_throughput, guidellm };
// "vllm-bench-serve" | "vllm-bench-throughput" | "guidellm", as calibration files name it.
const char* serving_format_name(ServingFormat f);
std::optional<ServingFormat> serving_format_from_name(const std::string& s);

// Figures measured by a serving benchmark (vLLM, GuideLLM) and imported as a calibration.
struct ServingMeasurement {
  ServingFormat tool = ServingFormat::vllm_serve;
  std::string source_file;      // file name as given
  std::string source_sha256;
  std::optional<std::string> tool_model;      // the model the file names
  std::optional<std::string> tool_tokenizer;  // the tokenizer it names (vLLM tokenizer_id)
  std::optional<ModelCheck> model_check;      // absent in files written before the check
  std::optional<double> duration_s;
  std::optional<double> requests;          // completed
  std::optional<double> concurrency;       // max concurrency, or the measured mean
  std::optional<double> request_rate;      // offered rate, requests/s (absent = unbounded)
  std::optional<double> mean_input_tokens;
  std::optional<double> mean_output_tokens;
  std::optional<double> requests_per_s;
  std::optional<double> output_tokens_per_s;
  std::optional<double> total_tokens_per_s;
  // Latency in ms; TPOT excludes the first token (vLLM's definition).
  std::optional<double> ttft_mean_ms, ttft_p50_ms, ttft_p90_ms, ttft_p95_ms, ttft_p99_ms;
  std::optional<double> tpot_mean_ms, tpot_p50_ms, tpot_p90_ms, tpot_p95_ms, tpot_p99_ms;
  std::optional<double> itl_mean_ms, itl_p50_ms, itl_p99_ms;
  std::optional<double> e2el_mean_ms, e2el_p50_ms, e2el_p99_ms;
};

// Checks the model a serving result names (`tool_model`, else `tool_tokenizer`) against
// `model`, the one it is imported as; `m`: that model's catalog entry, whose id and hf_ids
// match, or null, when only the name itself matches. Sets `s.model_check`: matched; forced,
// for another model with `force`; unchecked, when the file names no model. Another model
// without `force` is an input error at `file`.
void check_result_model(const ModelArch* m, const std::string& model, bool force, const std::string& file,
                        ServingMeasurement& s);

// `p` as the layout of a replica of `model`: ep and dep split routed experts, so they need
// `m`, the model's catalog entry, to be a mixture of experts; else a usage error.
Parallel checked_layout(const ModelArch* m, const std::string& model, Parallel p);

// A calibration file's content (docs/calibration.md).
// What made a calibration file: `plan calibrate run` (a probe) or `plan calibrate import`.
enum class CalibrationKind { probe, import };
const char* to_string(CalibrationKind k);  // "probe" | "import", as the file writes it

struct Calibration {
  int format_version = 1;
  CalibrationKind kind = CalibrationKind::probe;
  std::string created;   // UTC, ISO 8601
  std::string host;
  std::string probe_version;
  std::string model;
  std::string gpu;       // catalog GPU name, or the device name for probes without catalog match
  std::string precision;
  int gpus_per_replica = 1;  // GPUs of the replica (the file's key `tp`, kept for files written before layouts)
  Parallel parallel = Parallel::tp;  // how those GPUs share the model; absent in the file = tp
  std::string engine;    // serving engine measured ("sglang", "sglang@0.5.10"); empty: not recorded (vllm)
  std::optional<ProbeResult> probe;
  std::optional<EfficiencyFit> fit;
  std::optional<Efficiencies> efficiencies;
  std::optional<ServingMeasurement> serving;
  std::string path;      // where it was read from (not written)
};

// What a self-hosted replica is, for finding the calibration that applies to it.
struct CalibrationKey {
  std::string model;      // catalog model id
  std::string gpu;        // catalog GPU id
  std::string precision;  // weight precision
  int gpus_per_replica = 1;  // GPUs of the replica
  Parallel parallel = Parallel::tp;  // layout of the replica
};
// True when `c` was measured for exactly this model, GPU, precision, GPU count and layout.
bool calibration_matches(const Calibration& c, const CalibrationKey& key);

// The dense shape the probe measures for a catalog model. A dense model is itself. A
// mixture of experts is one token's path through a MoE layer: its attention, and the
// top_k routed plus the shared experts as one gated MLP of (top_k + shared_experts) x
// expert_ffn. The probe's kernels run on one GPU, so the efficiencies it yields are per
// GPU and hold in every layout (tp, ep, dep); how experts are split is the model's part.
TransformerShape probe_shape(const ModelArch& m);

// Built-in shapes usable without the catalog: "tiny" (a small shape for tests and the
// CPU probe). Returns nullopt for other names.
std::optional<TransformerShape> builtin_shape(const std::string& name);

}  // namespace plan
