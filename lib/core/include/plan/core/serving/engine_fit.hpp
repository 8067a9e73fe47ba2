#pragma once
// Engine terms fitted to measured serving runs: a closed-loop model of TPOT and TTFT whose
// terms have physical meaning (a per-step cost, a per-layer cost, a per-sequence cost, the
// inverse efficiencies of the roofline's weight, attention and prefill parts, a scale of the
// collectives), fitted by non-negative least squares on relative error (Eigen), one set per
// engine and GPU generation, cross-validated with folds grouped by deployment.
// docs/performance-model.md, "Engine terms fitted to measured runs".
#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "plan/core/data/catalog.hpp"
#include "plan/core/data/engine.hpp"
#include "plan/core/data/parallel.hpp"
#include "plan/core/serving/engine_coverage.hpp"

namespace plan::perf {

// One measured run, as the columns of calib/measured/silicon_train.csv name it.
struct MeasuredRun {
  int line = 0;  // in its file
  std::string id, engine, version, model_path, system, precision, mode;
  double isl = 0, osl = 0, concurrency = 0;
  int tp = 1, pp = 1, dp = 1, moe_tp = 1, moe_ep = 1;
  // The layout the run's id names as the benchmark configured it ("..._tp8_ep8_..." or
  // "..._tp8_0_ep8_0_...": 8 GPUs, experts split 8 ways; "ep none" is 1); 0 where it names none.
  int named_tp = 0, named_ep = 0;
  double ttft_ms = 0, tpot_ms = 0;
  // False for a deployment to predict: no TTFT or TPOT to check (deployment_run).
  bool measured = true;
};

enum class ModelClass { dense, moe, mla };
const char* to_string(ModelClass c);

// TPOT terms: decode step t_dec = sum of all but the last, plus the prefill work that other
// requests put between a request's decode steps (the last). The weight GEMMs' inverse
// efficiencies are separate for 16-bit kernels (bf16, or weights dequantised on the fly) and
// for block-scaled 8- or 4-bit kernels the GPU's tensor cores run (FP8, NVFP4; MXFP4 on
// Blackwell), for the routed experts and for the other weights. Under data-parallel attention
// (dep) every MoE layer adds two all-to-alls (tokens to their experts' ranks and back) whose
// latency is its own term. A sequence costs a step a fixed time and a time per layer.
// Each term is indexed by its name; tpot_term_info gives the same names as text (checked at
// compile time in engine_fit.cpp).
namespace tpot_term {
enum Index : std::size_t {
  step,
  layer,
  sequence,
  weights,
  moe_weights,
  expert_gemm,
  attention_gqa,
  attention_mla,
  collectives,
  moe_weights_scaled,
  weights_scaled,
  expert_dispatch,
  sequence_layer,
  prefill_interference,  // last: not part of the decode step
  count
};
}  // namespace tpot_term
inline constexpr int tpot_terms = tpot_term::count;
// TTFT terms (the own prefill's GEMMs split by kernel as TPOT's weights are; those that
// ttft_counts_decode_steps names are counts of decode steps).
namespace ttft_term {
enum Index : std::size_t {
  fixed,
  layer,
  own_prefill_linear,
  own_prefill_attention_gqa,
  own_prefill_attention_mla,
  queued_prefills,
  decode_per_queued_chunk,
  decode_per_chunk,
  own_prefill_linear_scaled,
  dp_balance_wait,
  queued_requests,
  count
};
}  // namespace ttft_term
inline constexpr int ttft_terms = ttft_term::count;
// The TTFT terms whose feature is a count of decode steps, multiplied by the decode step
// when predicting: per chunk of queued prefills, per chunk of the own prefill, and the wait
// of data-parallel attention's scheduler.
constexpr bool ttft_counts_decode_steps(std::size_t j) {
  return j == ttft_term::decode_per_queued_chunk || j == ttft_term::decode_per_chunk || j == ttft_term::dp_balance_wait;
}
struct TermInfo {
  const char* name;
  const char* unit;
  const char* meaning;
};
extern const std::array<TermInfo, tpot_terms> tpot_term_info;
extern const std::array<TermInfo, ttft_terms> ttft_term_info;

// A measured run mapped onto the catalog, with the features the terms multiply.
struct PreparedRun {
  std::size_t index = 0;    // in the runs given to prepare_runs
  std::string deployment;   // model|system|engine|version|precision|layout: CV folds group by it
  std::string excluded;     // why the run is left out; empty when it is used
  std::string excluded_kind;  // disagg, incomplete, engine, model, gpu, precision, layout, gpus, duplicate,
                              // deployment, kv-capacity
  std::string model_id, gpu_id, precision_id, engine, generation;
  ModelClass cls = ModelClass::dense;
  Parallel layout = Parallel::tp;
  int gpus = 1;
  int moe_tp = 1;  // ep, dep: GPUs each routed expert is sliced over (moe_ep = gpus / moe_tp)
  // A duplicate: the index (in prepare_runs's result) of the run it repeats; npos otherwise.
  std::size_t twin = static_cast<std::size_t>(-1);
  bool reread = false;  // its layout read as deployed, not as its columns file it (as_deployed)
  double isl = 0, osl = 0, concurrency = 0;
  double ttft_s = 0, tpot_s = 0;
  // Sequences of isl + osl tokens the replica's KV cache holds (catalog memory plan).
  double kv_sequences = 0;
  std::array<double, tpot_terms> x_tpot{};  // seconds per unit of each term
  std::array<double, ttft_terms> x_ttft{};  // ttft_counts_decode_steps: times t_dec when predicting
};

// "hopper" (H100, H200, GH200, H20), "blackwell" (B200, B300, GB200, GB300, RTX PRO 6000);
// empty for GPUs the measured runs do not cover.
std::string gpu_generation(const std::string& gpu_id);
// The catalog model a measured run's model_path names: its id, one of its hf_ids, or either
// with a quantised checkpoint's suffix (-FP8, -NVFP4, -FP4) taken off; nullptr if none.
const ModelArch* measured_model(const Catalog& cat, const std::string& model_path);
// The catalog GPU id of a measured run's system (AIConfigurator's names: h100_sxm, b200_sxm,
// a100_sxm, rtx_pro_6000_server, ...); another name is returned as it is.
std::string measured_gpu(const std::string& system);

// Maps runs onto `cat` and states, for each one left out, why (in this order: not agg; a
// field missing; model, GPU or precision not in the catalog; a layout the model has no term
// for (pipeline parallel, tp and attention dp both above 1, tp x dp != moe_tp x moe_ep) or a
// replica beyond max_replica_gpus; a layout the perf model refuses (deployment_problem); a duplicate of an earlier run with the same deployment, lengths and concurrency;
// a concurrency beyond the sequences the KV cache holds, where TTFT measures the engine's
// admission queue, not the model; a TTFT or TPOT more than artefact_ratio times the spec
// roofline of the same closed loop, an efficiency under 10%, which measures warm-up,
// compilation or stalls rather than serving; a TPOT under 1/max_tokens_per_step of the decode
// step of that many requests at spec rates, faster than the stated concurrency allows even
// with speculative decoding, so that fewer requests were in flight: a client's or engine's
// admission limit, whose queue the TTFT then measures).
inline constexpr double artefact_ratio = 10;
// Tokens a decode step may give each sequence: one, or with speculative decoding (MTP, EAGLE)
// the draft tokens accepted besides it, about one more on average at the draft lengths the
// engines default to.
inline constexpr double max_tokens_per_step = 2;
// Each run is read as deployed first (as_deployed).
std::vector<PreparedRun> prepare_runs(const Catalog& cat, const std::vector<MeasuredRun>& runs);

// A measured run's layout as it was deployed. Some of the file's rows give in tp_size (or
// attention_dp_size) the product tp x ep of the layout the benchmark ran, and tp in
// moe_tp_size: "..._tp8_ep8_..." filed as tp 64 (or attention dp 64), moe_tp 8, moe_ep 8, where
// the same measurement (TTFT and TPOT to every digit) is filed elsewhere as tp 8 (or attention
// dp 8), moe_tp 1, moe_ep 8. Where the id names a layout whose GPU count the columns do not
// give, the id's is read: its tp GPUs, experts split ep ways and sliced tp / ep, attention data
// parallel where the columns say so. Where the id names none, columns with that signature
// (moe_tp = moe_ep = k, tp x attention dp = k x k) beyond the system's scale-up domain read as
// tp k, ep k. Runs to predict (measured false) are as given.
MeasuredRun as_deployed(const Catalog& cat, MeasuredRun m);

struct TermSet {
  std::string engine;      // vllm, sglang, trtllm
  std::string generation;  // hopper, blackwell, or "all" (the engine's runs of every generation)
  int rows = 0;
  int deployments = 0;
  std::array<double, tpot_terms> tpot{};
  std::array<double, ttft_terms> ttft{};
  // Cross-validated median |error| over the rows this set predicts, in percent.
  double cv_tpot_median = 0, cv_ttft_median = 0;
};

struct Prediction {
  double tpot_s = 0;
  double ttft_s = 0;
  double itl_s = 0;  // the decode step alone
  const TermSet* set = nullptr;
};

// Fits one TermSet per engine and generation with at least min_deployments deployments
// among `use` (indices into `runs`, usable runs only), and one per engine over every
// generation ("all") as the fallback.
inline constexpr int min_deployments = 3;
std::vector<TermSet> fit_terms(const std::vector<PreparedRun>& runs, const std::vector<std::size_t>& use);
// The set for the run's engine and generation, else the engine's "all" set; null when none.
const TermSet* find_terms(const std::vector<TermSet>& sets, const std::string& engine, const std::string& generation);
std::optional<Prediction> predict(const std::vector<TermSet>& sets, const PreparedRun& run);

// FNV-1a, 64 bits: a hash that is the same on every platform, so that the cross-validation
// partitions (a deployment's fold) are.
std::uint64_t fnv1a(const std::string& s);

// k-fold cross-validation grouped by deployment, repeated over `repeats` partitions: in
// partition r a deployment's fold is a hash of (deployment, r) mod k (FNV-1a of the
// deployment, mixed with r by SplitMix64's finaliser, so that each partition is drawn anew;
// cv_partition), so every run of a deployment sits in one fold, and a deployment's fold does
// not depend on which other deployments the data hold. In each partition every
// usable run is predicted by the terms fitted on the other folds; its prediction is the median,
// part by part, of its predictions in the partitions (each one made without its deployment).
// Repeating makes the figures depend less on which deployments happen to share a fold: with
// 20 partitions the summary figures move by about half a point from one set of partitions to
// another, against a point or more with 5 (docs/performance-model.md, "Cross-validation").
// A duplicate (the same measurement filed again) is not fitted twice; it is given its twin's
// prediction, so that every aggregated row is either predicted or left out by a rule.
inline constexpr int cv_folds = 5;
// The fold of each deployment in partition `rep`.
std::map<std::string, int> cv_partition(const std::set<std::string>& deployments, int rep, int folds);
inline constexpr int cv_repeats = 20;
std::vector<std::optional<Prediction>> cross_validate(const std::vector<PreparedRun>& runs, int folds = cv_folds,
                                                      int repeats = cv_repeats);
// Gives each duplicate its twin's prediction (where the twin has one).
void predict_duplicates(const std::vector<PreparedRun>& runs, std::vector<std::optional<Prediction>>& pred);
// Every run predicted by `sets` (nullopt where it is left out or no set covers it), each
// duplicate given its twin's prediction: index by index with `runs`.
std::vector<std::optional<Prediction>> predict_runs(const std::vector<TermSet>& sets,
                                                    const std::vector<PreparedRun>& runs);

// Median and 90th percentile of |predicted/measured - 1| in percent.
struct ErrorSummary {
  int rows = 0;
  double tpot_median = 0, tpot_p90 = 0, ttft_median = 0, ttft_p90 = 0;
};
ErrorSummary summarise(const std::vector<std::pair<double, double>>& tpot_pred_meas,
                       const std::vector<std::pair<double, double>>& ttft_pred_meas);

// Fills each set's cv_tpot_median / cv_ttft_median from cross-validated predictions.
void attach_cv_errors(std::vector<TermSet>& sets, const std::vector<PreparedRun>& runs,
                      const std::vector<std::optional<Prediction>>& cv);

// A deployment written as a measured run (the CSV's columns: tp, attention dp, moe_tp x
// moe_ep for the layout) with nothing measured, for the terms to predict.
MeasuredRun deployment_run(Engine engine, const std::string& model, const std::string& gpu,
                           const std::string& precision, int gpus, Parallel layout, double input, double output,
                           double concurrency, int moe_tp);

// The engine terms' TTFT, TPOT and decode step for a closed loop of `concurrency` requests on
// one replica of catalog ids (model, GPU, precision) in a layout (under ep and dep, each routed
// expert sliced over `moe_tp` GPUs); nullopt, with the reason in
// `why`, when the deployment is outside what the terms cover (the rules of prepare_runs) or no
// set exists for the engine.
std::optional<Prediction> predict_closed_loop(const Catalog& cat, const std::vector<TermSet>& sets, Engine engine,
                                              const std::string& model, const std::string& gpu,
                                              const std::string& precision, int gpus, Parallel layout, double input,
                                              double output, double concurrency, std::string* why = nullptr,
                                              int moe_tp = 1);

// The catalog roofline alone for the run's closed loop (run_perf in mode concurrency, in the
// run's layout and GPU count): the model before engine terms; nullopt when it cannot size it.
std::optional<Prediction> roofline_closed_loop(const Catalog& cat, const PreparedRun& run);

// The spread of the catalog roofline's throughput against measured runs of one model class:
// the 10th and 90th percentiles of predicted TPOT / measured TPOT (a replica's throughput at
// a batch goes as 1 / TPOT, so this is measured throughput over predicted) over the usable
// runs of that class on replicas of 1, 2, 4 or 8 GPUs (one server: the replicas a
// catalog-sized fleet in `plan compare` uses). `rows` counts them.
struct ThroughputSpread {
  int rows = 0;
  double p10 = 1, p90 = 1;
};
ThroughputSpread roofline_throughput_spread(const Catalog& cat, const std::vector<PreparedRun>& runs, ModelClass cls);

// The term of the disaggregated model fitted to measured disaggregated runs, one per engine:
// the inverse efficiency of a decode worker's step against the decode step the engine terms
// (fitted to aggregated replicas) give for the same GPUs and batch. A decode worker runs
// only decode steps, at batches the aggregated runs seldom reach, and receives KV caches
// while it decodes.
struct DisaggTerms {
  std::string engine;
  double decode_scale = 1;
  int rows = 0, deployments = 0;
  // Cross-validated (5 folds grouped by deployment) median |error| of the engine's runs, in
  // percent, and where the runs come from; 0 and empty when fitted without cross-validation.
  double cv_tpot_median = 0, cv_ttft_median = 0;
  std::string source;
};

// The committed result of a fit (calib/engine_terms.json): the sets and the cross-validated
// summary they were fitted with.
struct EngineTerms {
  std::string data;        // the measured runs, as a path relative to the data directory
  std::string data_sha256; // of that file
  std::string origin;      // where the runs come from
  int runs = 0;            // rows in the file
  int used = 0;            // rows not excluded
  int predicted = 0;       // rows the cross-validation predicted
  ErrorSummary cv;         // over the predicted rows
  std::vector<TermSet> sets;
  // The model classes the runs hold per engine and generation (engine_coverage), counted
  // when the terms are fitted; nullopt when a terms file has no such section.
  std::optional<EngineCoverage> coverage;
  // The disaggregated model's term per engine (disagg.hpp), fitted to the disaggregated runs of
  // the same file with these sets; empty when a terms file has no such section.
  std::vector<DisaggTerms> disagg;
};

// The whole fit: prepares the runs, cross-validates, fits every set on all usable runs and
// attaches each set's cross-validated error. `cv` (optional) receives the cross-validated
// predictions, one per run. `data`, `sha256` and `origin` are recorded as given.
EngineTerms fit_engine_terms(const Catalog& cat, const std::vector<MeasuredRun>& runs, const std::string& data,
                             const std::string& sha256, const std::string& origin,
                             std::vector<PreparedRun>* prepared = nullptr,
                             std::vector<std::optional<Prediction>>* cv = nullptr);

}  // namespace plan::perf
