#pragma once
// One `plan perf` run: what one replica of a catalog model does on a GPU type, in one of
// three load modes (a closed loop of N requests, offline saturation, an open Poisson stream).
// The model is perf.hpp's; this file chooses the deployment, runs the mode and collects the
// figures a report shows. Latency vocabulary (TTFT, TPOT, ITL): docs/performance-model.md.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/data/catalog.hpp"
#include "plan/core/data/engine.hpp"
#include "plan/core/serving/perf.hpp"

namespace plan::perf {

enum class PerfRunMode {
  concurrency,  // a closed loop of `concurrency` requests
  max,          // offline saturation: as many sequences as the KV cache and engine allow
  rate,         // an open Poisson stream of `rate_rps` requests/s on one replica
};
// "concurrency", "max" or "rate", as reports name the mode.
const char* to_string(PerfRunMode m);

struct PerfRunRequest {
  std::string model;         // catalog model id
  std::string gpu;           // catalog GPU id
  std::string precision = "bf16";
  std::string kv_precision;  // empty: the weights precision's default
  int gpus_per_replica = 0;  // GPUs per replica; 0: the smallest that fits
  std::optional<Parallel> parallel;  // layout; nullopt: the one with most throughput per GPU
  // ep and dep: each expert sliced over moe_tp GPUs, the experts split over gpus_per_replica /
  // moe_tp groups (a hybrid of expert and tensor parallelism); needs gpus_per_replica given,
  // and a layout other than tp.
  int moe_tp = 1;
  double input_tokens = 0;
  double output_tokens = 0;
  PerfRunMode mode = PerfRunMode::concurrency;
  int concurrency = 1;   // requests in the closed loop (mode concurrency)
  double rate_rps = 0;   // arrival rate (mode rate)
  EngineChoice engine;   // the serving engine; vllm by default
};

// What a calibration file contributes to a run: the catalog to size with (its GPU's
// efficiencies and fixed costs fitted), the file(s) and what was measured.
struct PerfCalibration {
  Catalog catalog;
  std::string source;
  std::string note;
};
// Finds the calibration for a deployment (model, GPU and precision ids, GPU count, layout);
// nullopt when none applies. Appends to `notes` why matching files were not used.
using PerfCalibrationLookup = std::function<std::optional<PerfCalibration>(
    const std::string& model, const std::string& gpu, const std::string& precision, int gpus_per_replica, Parallel layout,
    std::vector<std::string>* notes)>;

enum class StepBound { memory, compute };

// Everything a run reports. Optional figures are absent when the model does not fit or the
// replica cannot keep up with the rate.
struct PerfRunResult {
  std::string model, gpu, precision, kv_precision;  // catalog ids
  PerfRunMode mode = PerfRunMode::concurrency;
  int gpus_per_replica = 0;  // GPUs per replica
  bool gpus_given = false;  // gpus_per_replica was asked for
  Parallel parallel = Parallel::tp;
  bool parallel_given = false;
  int moe_tp = 1;  // GPUs each routed expert is sliced over (ep, dep); moe_ep = gpus_per_replica / moe_tp
  bool fits = false;
  std::string reason;  // why not, when !fits
  std::vector<std::string> notes;
  MemoryPlan mem;
  double kv_bytes_per_token_total = 0;  // whole model
  int max_concurrency = 0;              // KV cache and max_batch_seqs
  std::string max_concurrency_source;   // which of the two binds
  std::string batch_limit_source;       // the engine limit's catalog line, when it binds
  std::optional<double> batch;          // sequences decoded together
  std::optional<double> prefill_ms;     // idle replica
  std::optional<double> ttft_ms, ttft_p95_ms, ttft_p99_ms;  // a closed loop's include admission_wait_ms
  // A closed loop of more requests than the batch the replica holds: the time a request waits
  // for a slot before its prefill, (C / B - 1) x (TTFT + decode_steps(O) x TPOT).
  std::optional<double> admission_wait_ms;
  std::optional<double> tpot_ms;        // (e2e - TTFT) / (output - 1), prefill stalls included
  std::optional<double> itl_ms;         // one decode step
  std::optional<double> requests_per_s, output_tokens_per_s, total_tokens_per_s;
  std::optional<StepBound> bound;       // of the decode step
  double e_bw = 0;                      // bandwidth efficiency applied
  double e_fl = 0;                      // 16-bit attention FLOP efficiency applied
  bool stable = true;                   // the replica keeps up with the rate
  std::string model_source, gpu_source; // catalog entries the figures come from
  std::string efficiency_source;        // the catalog file of the GPU entry and the default efficiencies
  std::string calibration_source;       // calibration file(s) behind the efficiencies; empty: catalog
  std::string calibration_note;
  std::string engine;  // describe(EngineChoice): "vllm (default)", "sglang 0.5.10"
  // The engine terms' figures in the run's mode (calib/engine_terms.json), where the terms
  // cover the deployment (EngineServingModel::make: the rule fleet sizing follows);
  // engine_terms_source is their provenance line, or why there are none.
  std::optional<double> engine_ttft_ms, engine_tpot_ms, engine_itl_ms, engine_batch, engine_requests_per_s;
  std::string engine_terms_source;
  // Whether the engine terms sized the run: the figures above (batch to total_tokens_per_s)
  // are then the terms', and `roofline` holds the catalog roofline's beside them. Otherwise
  // the roofline (calibrated when calibration_source is set) sized it.
  bool engine_sized = false;
  struct Figures {
    std::optional<double> batch, prefill_ms, ttft_ms, ttft_p95_ms, ttft_p99_ms, tpot_ms, itl_ms, requests_per_s;
    bool stable = true;
  };
  std::optional<Figures> roofline;
};

struct EngineTerms;
struct EngineCoverage;

// Runs the request on `cat`. Without a layout, every layout the model allows (tp; ep and dep
// for a mixture of experts) is run at its smallest fitting GPU count (or the one given) and
// the one with the most requests/s per GPU is reported, with a note naming the others.
// `terms` (may be null) size each candidate where they cover it (`coverage`: the model
// classes their runs hold; null: every class) and no calibration applies, as fleet sizing
// does; a calibration comes first, with the terms' figures beside it.
// Throws plan::Error for an unknown model, GPU or precision, a GPU count outside 1..1024, a
// moe_tp above 1 without a GPU count, or outside 1..1024, token counts outside 1..1e9, a concurrency below 1 or a rate
// that is not a finite positive number. A model that does not fit is a result (fits false,
// with the reason), not an error.
PerfRunResult run_perf(const Catalog& cat, const PerfRunRequest& req, const PerfCalibrationLookup& calibration = {},
                       const EngineTerms* terms = nullptr, const EngineCoverage* coverage = nullptr);

}  // namespace plan::perf
