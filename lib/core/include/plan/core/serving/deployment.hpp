#pragma once
// Choosing a self-hosted replica's deployment (its layout and GPU count), and the serving
// model of a replica whose figures come from the engine terms fitted to measured runs
// (calib/engine_terms.json) rather than the catalog roofline. One chooser serves `plan perf`
// (perf_run.cpp), `plan compare` and everything that sizes a fleet (CatalogReplicaModel), so
// that both pick a deployment by the same rules. docs/performance-model.md, "Choosing a
// deployment".
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/data/catalog.hpp"
#include "plan/core/data/engine.hpp"
#include "plan/core/serving/engine_fit.hpp"
#include "plan/core/data/parallel.hpp"
#include "plan/core/serving/perf.hpp"
#include "plan/core/serving/replica_model.hpp"

namespace plan::perf {

// The sequences one scheduler of `engine` runs at once by default on `gpu`: vLLM's max_num_seqs
// (1,024 on a GPU of 70 GiB or more that is not an A100, 256 on the others, as `vllm serve`
// sets it), SGLang's max_running_requests (at least its request pool of 2,048; the KV cache
// bounds it otherwise), TensorRT-LLM's max_batch_size (2,048): the catalog's
// max_batch_seqs entries, whose provenance the CatalogValue carries.
const CatalogValue& engine_max_batch_seqs(const Efficiency& eff, Engine engine, const GpuSpec& gpu);
// The sequences one scheduler of the PerfModel's replica runs at once: the limit its server was
// started with where given, else engine_max_batch_seqs.
int engine_scheduler_limit(const PerfModel& pm);
// The sequences one replica's engine runs at once: engine_scheduler_limit per scheduler. Under
// dep every GPU is an attention data-parallel rank with its own scheduler, so the limit holds
// per rank: max_batch_seqs x GPUs; under tp and ep one scheduler drives the replica. The
// engine, and a limit the server was started with, are the PerfModel's.
int engine_batch_limit(const PerfModel& pm);

// What a caller's serving model says of one candidate deployment.
struct DeploymentScore {
  bool meets = false;       // serves within the latency targets
  double capacity_rps = 0;  // requests/s one replica serves, when it meets them
  std::string problem;      // why not, when !meets
};

struct DeploymentRequest {
  const ModelArch* model = nullptr;
  const GpuSpec* gpu = nullptr;
  const Precision* weights = nullptr;
  const Precision* kv = nullptr;
  double context_tokens = 0;  // the longest request the replica must hold
  int gpus = 0;               // the GPU count given; 0: searched
  int max_gpus = 0;           // the most GPUs a searched replica may take (an instance's GPUs, the scale-up domain)
  int min_gpus = 0;           // searched counts below this are not tried (a count already chosen)
  std::vector<int> counts;    // searched: the counts to try, ascending; empty: replica_gpu_counts(gpu)
  std::vector<Parallel> layouts;  // to try, in order: the one given, or default_layouts(model)
  int moe_tp = 1;                 // ep, dep: GPUs each routed expert is sliced over
};
// tp, and ep and dep for a mixture of experts.
std::vector<Parallel> default_layouts(const ModelArch& m);

// One layout's candidate: the smallest GPU count that fits and meets the targets.
struct LayoutChoice {
  Parallel layout = Parallel::tp;
  int gpus = 0;                     // the count chosen; 0: nothing fits
  std::vector<int> fitting;         // the counts tried, smallest first (those that fit)
  int largest = 0;                  // the largest count searched (what a reason for not fitting names)
  std::string fit_problem;          // deployment_problem at `largest` (or the given count) when nothing fits
  bool meets = false;
  DeploymentScore score;            // at `gpus`
  std::string first_problem;        // why the smallest fitting count missed the targets, when it did
  double capacity_per_gpu() const { return meets && gpus > 0 ? score.capacity_rps / gpus : 0.0; }
};

struct DeploymentChoice {
  std::vector<LayoutChoice> layouts;  // in the order tried (tp, ep, dep); a non-tp layout on one GPU is left out
  int pick = -1;                      // the chosen one, or -1 when no layout fits
  const LayoutChoice* chosen() const { return pick >= 0 ? &layouts[static_cast<std::size_t>(pick)] : nullptr; }
};

// For each layout the request allows, the GPU counts that fit (deployment_problem empty): the
// one given, or every count of req.counts (else replica_gpu_counts(gpu)) up to max_gpus from
// the smallest that fits; `score` is asked about them in order and the first that meets the targets is the
// layout's choice. The deployment chosen is the layout with the most requests/s per GPU among
// those that meet the targets; else the first layout that fits (with its reason); else none.
using DeploymentScorer = std::function<DeploymentScore(Parallel layout, int gpus)>;
DeploymentChoice choose_deployment(const Catalog& cat, const DeploymentRequest& req, const DeploymentScorer& score);

// "engine terms: vllm/hopper, fitted to N measured runs (origin), cross-validated median error
// X% (TPOT), Y% (TTFT)": the provenance of a figure the set gives.
std::string engine_terms_provenance(const EngineTerms& terms, const TermSet& set);

// Engine terms for one deployment, when they cover it: the engine, the GPU's generation and
// the model (the rules of prepare_runs); the set must be the generation's own, not the
// engine's fallback over every generation. `why` says why not otherwise.
struct EngineDeployment {
  const Catalog* cat = nullptr;
  const EngineTerms* terms = nullptr;
  const EngineCoverage* coverage = nullptr;  // null: every class the terms predict
  Engine engine = Engine::vllm;
  std::string model, gpu, precision;
  int gpus = 1;
  Parallel layout = Parallel::tp;
  int moe_tp = 1;
};

// A replica whose closed-loop TTFT(C) and TPOT(C) at C requests in flight are the engine
// terms' (predict_closed_loop), for requests of one mean shape. Its capacity at C sequences
// is Little's law on the closed loop, mu(C) = C / (TTFT(C) + S x TPOT(C)), S =
// decode_steps(O); the operating batch B is the largest C up to `max_batch` (KV cache and
// engine limit) whose TPOT(C) meets the target. Under an open stream of rate r per replica
// the mean batch b solves b = r x (TTFT(b) + S x TPOT(b)); a request's TTFT is its wait for
// one of the fleet's replicas x B slots (M/M/c, slot rate mu(B) / B) plus TTFT(b), and its
// TPOT is TPOT(b). Between the powers of two up to B (and B), where the terms are evaluated,
// figures are interpolated linearly.
class EngineServingModel {
 public:
  // nullopt when the terms do not cover the deployment (`why` says why). `cached_share`: the
  // share of input tokens read from a prompt cache, not prefilled again
  // (predict_closed_loop_cached); its KV room is the caller's to take from `max_batch`.
  static std::optional<EngineServingModel> make(const EngineDeployment& d, double input_tokens, double output_tokens,
                                                int max_batch, std::optional<double> tpot_target_s,
                                                std::string* why = nullptr, double cached_share = 0);

  const TermSet& set() const { return *set_; }
  int batch() const { return batch_; }
  double capacity_rps() const { return mu_; }
  double prefill_s() const { return ttft1_; }  // TTFT of a request alone on the replica
  double tpot_at(double batch) const;          // TPOT(b), interpolated
  double ttft_at(double batch) const;          // TTFT(b), interpolated
  double itl_at(double batch) const;           // the decode step alone
  // Mean batch and stability of one replica receiving `rps` requests/s.
  Load at_rate(double rps) const;
  std::optional<FleetLatency> latency(double rps, int replicas) const;
  bool meets(double rps, int n, std::optional<double> ttft_s) const;
  std::optional<int> replicas_for(double rps, std::optional<double> ttft_s) const;
  double stable_wait_s() const { return mu_ > 0 ? batch_ / mu_ : 0.0; }

 private:
  const TermSet* set_ = nullptr;
  double steps_ = 1;
  int batch_ = 0;
  double mu_ = 0;
  double ttft1_ = 0;
  std::optional<double> tpot_target_;
  std::map<int, Prediction> at_;  // the terms' figures at the evaluated batches
};

}  // namespace plan::perf
