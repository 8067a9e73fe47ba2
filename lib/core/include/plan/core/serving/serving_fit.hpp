#pragma once
// Fitting the performance model to serving benchmarks (vLLM bench serve, vLLM bench
// throughput, GuideLLM) measured on the deployment being planned. A benchmark measures a
// whole engine, so the fit scales the catalog's times rather than replacing a roofline:
// every memory-bound time by one factor (1/e_bw), every compute-bound time by another
// (1/e_fl) and the fixed per-step costs by a third, keeping the model's structure
// (batching, prefill interference, all-reduces). See docs/calibration.md.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/serving/calibration.hpp"
#include "plan/core/serving/perf.hpp"

namespace plan::perf {

// Multipliers on the catalog's times (1 = as the catalog says).
struct TimeScales {
  double memory = 1;   // memory-bound parts: the catalog's e_bw is divided by this
  double compute = 1;  // compute-bound parts: e_fl (16- and 8-bit) divided by this
  double fixed = 1;    // per-step and per-layer overheads multiplied by this
};

// A copy of `base` in which GPU `gpu` runs with its times scaled by `s`. The overheads
// are catalog-wide, so the copy is meant for sizing deployments on that one GPU.
Catalog scaled_catalog(const Catalog& base, const std::string& gpu, const TimeScales& s);

// One measured figure, and what the catalog and the fitted model make of it.
struct ServingObservation {
  std::string source;        // calibration file
  std::string figure;        // "TPOT ms", "TTFT ms" or "output tok/s"
  double input_tokens = 0;   // mean per request
  double output_tokens = 0;
  double batch = 0;          // concurrent sequences: measured (TPOT) or the engine's limit (offline)
  double requests_per_s = 0;
  double measured = 0;
  double catalog = 0;        // prediction of the catalog model
  double fitted = 0;         // prediction of the fitted model
};

struct ServingFit {
  bool ok = false;
  std::string problem;                   // why no fit was made, when !ok
  TimeScales scales;
  std::vector<std::string> fitted;       // the free parameters, e.g. "memory", "compute", "memory=compute"
  std::vector<std::string> held;         // held at the catalog's value, with the reason
  std::string method;
  std::vector<ServingObservation> observations;
  double rms_error_catalog = 0;          // root-mean-square relative error over the observations
  double rms_error_fitted = 0;
  std::vector<std::string> notes;        // measurements that could not be used, and why
};

// Fits the scales to the serving measurements in `imports` (calibration files of kind
// import for this model, GPU, precision and TP). Each measurement gives one equation,
// linear in the three scales once each term's roofline branch is fixed:
//  - a latency run (vLLM bench serve, GuideLLM) with mean TPOT T, request rate r and
//    output rate R: the decode batch is B = R x T (Little's law over the decode phase) and
//    T = t_dec(B, I + O/2) + r x T x prefill_work(I), the model's TPOT with prefills
//    interleaved;
//  - an offline run (vLLM bench throughput) at rate r: the engine runs at its batch limit
//    B (KV cache, max_batch_seqs per scheduler; at most the run's recorded request count) and B / r = B x prefill_work(I) + (O - 1) x t_dec(B, I + O/2)
//    (the prefill emits the first token; perf::decode_steps);
//  - a latency run one request at a time (concurrency at most 1: vLLM's --max-concurrency 1,
//    GuideLLM's synchronous profile) also gives its mean TTFT = t_pre(I), the prefill on an
//    idle replica. At higher concurrency TTFT includes queueing and is not fitted.
// Equations are weighted by 1/measured (relative errors) and solved by least squares
// (Eigen column-pivoting QR) for as many scales as the measurements determine: all three,
// then memory and compute with fixed costs held, then memory=compute with fixed, then
// memory=compute alone, then all three as one. A scale whose terms are under 5% of every
// measurement is held at 1. A solution must be positive and keep every efficiency at or
// below 100% of the spec figure. Branches are re-derived from the fitted scales and the
// fit repeated until they are stable.
//
// The model fitted is the replica of `tp` GPUs in `layout` (PerfModel with that layout):
// the per-GPU expert reads and imbalance of ep/dep and data-parallel attention enter each
// term, and all-to-alls stay unscaled like all-reduces. A deployment the layout cannot run
// (a dense model in ep/dep, fewer experts than GPUs, heads TP does not divide, weights that
// do not fit) is not fitted (ok false, problem says why). Its engine is the one the imports
// record (vllm when none does), whose batch limit bounds an offline run's batch.
ServingFit fit_serving(const Catalog& cat, const ModelArch& m, const GpuSpec& gpu, const Precision& weights,
                       const Precision& kv, int tp, const std::vector<Calibration>& imports,
                       Parallel layout = Parallel::tp);

// fit_serving for the deployment that the first of `imports` names (its model, GPU,
// precision, GPU count and layout, with the weights' default KV precision); nullopt when `cat` has no such
// deployment, or `imports` is empty.
std::optional<ServingFit> fit_serving_deployment(const Catalog& cat, const std::vector<Calibration>& imports);

}  // namespace plan::perf
