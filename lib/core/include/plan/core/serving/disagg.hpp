#pragma once
// Disaggregated prefill/decode serving: a prefill pool and a decode pool, each with its own
// workers, GPUs per worker and layout, the KV cache of every request moved from the first to
// the second over the catalog's link. A closed loop of C requests runs through three stations:
// the prefill pool (one request at a time per worker), the KV transfer (a delay) and the decode
// pool (a slot per sequence its KV cache and engine allow, the step time set by the batch).
// TTFT is the wait and service at the prefill pool, the transfer and any wait for a decode slot;
// TPOT is the decode step at the decode pool's batch. docs/performance-model.md,
// "Disaggregated prefill and decode".
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/core/data/catalog.hpp"
#include "plan/core/data/engine.hpp"
#include "plan/core/data/parallel.hpp"
#include "plan/core/serving/engine_fit.hpp"

namespace plan::perf {

// What the closed loop of a disaggregated deployment is made of, each pool's figures given.
struct DisaggTiming {
  double prefill_s = 0;       // one request's prefill alone on one prefill worker (t1)
  double prefill_work_s = 0;  // each further request of a batched prefill (w); 0: no limit
  int prefill_workers = 1;
  double kv_transfer_s = 0;  // moving one request's KV cache to its decode worker
  // The decode step of one decode worker running b sequences.
  std::function<double(double b)> decode_step_s;
  int decode_workers = 1;
  double decode_steps = 1;   // decode steps per request: decode_steps(O)
  int decode_slots = 0;      // sequences one decode worker holds at once (KV cache, engine); 0: no limit
};

// The closed loop's operating point (means).
struct DisaggLoad {
  int concurrency = 0;
  double throughput_rps = 0;     // requests/s through the deployment
  double prefill_wait_s = 0;     // queueing for a prefill worker
  double prefill_s = 0;          // the prefill itself
  double kv_transfer_s = 0;
  double decode_wait_s = 0;      // queueing for a decode slot (0 while the pool has room)
  double ttft_s = 0;             // prefill wait + prefill + transfer + decode wait
  double decode_batch = 0;       // sequences per decode worker
  double tpot_s = 0;             // the decode step at that batch
  double prefill_batch = 0;      // requests a prefill worker prefills at once
  double prefill_utilisation = 0;  // share of the time a prefill worker is busy
};

// Solves the closed loop of `concurrency` requests for its throughput x: C = x (R_p(x) + t_kv +
// S TPOT(x)). The prefill workers batch the requests waiting (gated batch service: a batch of
// n takes t1 + w (n - 1), a request waits half a batch when the worker is busy, then its
// batch); the decode batch b = x S TPOT(b) / Y (Little's law), at most the slots. Where the
// decode slots cannot pass the loop's requests, the rest wait for a slot; both waits count
// in TTFT. nullopt when the figures are not finite and positive.
std::optional<DisaggLoad> solve_disagg_loop(const DisaggTiming& t, int concurrency);

// One pool: workers, GPUs per worker, layout (ep and dep: each routed expert sliced over
// moe_tp GPUs).
struct PoolSpec {
  int workers = 1;
  int gpus = 1;
  Parallel layout = Parallel::tp;
  int moe_tp = 1;
};

struct DisaggRequest {
  std::string model, gpu, precision;  // catalog ids
  std::string kv_precision;           // empty: the weights precision's default
  Engine engine = Engine::vllm;
  PoolSpec prefill, decode;
  double input_tokens = 0, output_tokens = 0;
  int concurrency = 1;                // requests in the closed loop, across the whole deployment
};

// Where a pool's figures come from.
struct PoolFigures {
  PoolSpec spec;
  std::string source;    // "engine terms sglang/blackwell" or "catalog roofline"
  std::string why_roofline;  // why the engine terms did not size it, when they did not
  int slots = 0;         // sequences one worker holds (decode: KV cache of I + O and engine limit)
  double prefill_s = 0;  // prefill pool: one request alone
  double prefill_work_s = 0;  // prefill pool: each further request of a batch
  double step_at_one_s = 0;  // decode pool: the step at batch 1
};

struct DisaggResult {
  bool fits = false;
  std::string reason;  // why not, when !fits
  PoolFigures prefill, decode;
  int prefill_gpus = 0, decode_gpus = 0;  // whole pools
  double kv_bytes_per_request = 0;
  std::string link;          // "NVLink (one scale-up domain of 72 GPUs)", "scale-out NIC"
  double link_gb_per_s = 0;  // per GPU, per direction, as the catalog gives it
  int links = 1;             // links one transfer runs over at once
  double link_efficiency = 0;
  DisaggLoad load;
  double output_tokens_per_s = 0;
  double output_tokens_per_s_per_gpu = 0;
  std::vector<std::string> notes;
  DisaggTiming timing;  // what the loop was solved with (before any DisaggTerms)
  DisaggLoad unfitted;  // the loop without DisaggTerms (= load when none applied)
};

// The loop of `timing` with the decode step x decode_scale.
std::optional<DisaggLoad> solve_with_terms(const DisaggTiming& timing, const DisaggTerms& terms, int concurrency);

// Sizes both pools and solves the closed loop. Each pool is sized by the engine terms
// (`sets`, may be null) where they cover its deployment, else by the catalog roofline. The
// transfer runs over the GPU's scale-up link (interconnect_gb_per_s) when both pools fit in
// one scale-up domain, else over its scale-out NIC (scaleout_gb_per_s); a dep prefill worker
// holds a request's KV cache on one GPU (one link), tp and ep on every GPU of the worker
// (min(prefill GPUs, decode GPUs) links at once); at the catalog's link_efficiency.
// Throws plan::Error for an unknown model, GPU or precision; a pool that does not fit is a
// result (fits false, with the reason).
DisaggResult run_disagg(const Catalog& cat, const std::vector<TermSet>* sets, const DisaggRequest& req,
                        const std::vector<DisaggTerms>* terms = nullptr);

// A measured disaggregated run (mode disagg of calib/measured/silicon_train.csv).
struct MeasuredPool {
  int workers = 0;  // 0: not recorded
  int tp = 1, pp = 1, dp = 1, moe_tp = 1, moe_ep = 1;
};
struct MeasuredDisaggRun {
  MeasuredRun run;  // engine, model, system, precision, lengths, concurrency, measured figures
  MeasuredPool prefill, decode;
};

// A measured disaggregated run mapped onto the catalog, predicted, or left out with why.
struct DisaggPrediction {
  std::string excluded_kind;  // workers, model, gpu, precision, layout, gpus, fit, engine; empty: predicted
  std::string excluded;
  std::string deployment;     // model|system|engine|version|precision|pools: CV folds group by it
  std::string model_id, gpu_id, precision_id, engine;
  ModelClass cls = ModelClass::dense;
  DisaggRequest request;
  DisaggResult result;
};
DisaggPrediction predict_disagg_run(const Catalog& cat, const std::vector<TermSet>* sets,
                                    const MeasuredDisaggRun& run);

// Fits one DisaggTerms per engine with at least min_deployments deployments among `use`
// (indices of predicted runs): decode_scale = exp(median of log(measured / predicted TPOT)),
// the predictions those of the loop without the term.
std::vector<DisaggTerms> fit_disagg_terms(const std::vector<MeasuredDisaggRun>& runs,
                                          const std::vector<DisaggPrediction>& preds,
                                          const std::vector<std::size_t>& use);
// k-fold cross-validation grouped by deployment (FNV-1a of the deployment key, modulo k):
// each predicted run solved with the terms fitted on the other folds; nullopt for runs left
// out, or whose engine has no terms in its training folds (then: the unfitted loop).
std::vector<std::optional<DisaggLoad>> cross_validate_disagg(const std::vector<MeasuredDisaggRun>& runs,
                                                             const std::vector<DisaggPrediction>& preds,
                                                             int folds = cv_folds);

// The disaggregated terms as `plan validate --write-terms` commits them, by the code `plan
// validate --mode disagg` runs: every run predicted on `sets`, one term per engine fitted to
// every predicted run (fit_disagg_terms), and each engine's cross-validated median |error| of
// TPOT and TTFT over its predicted runs (cross_validate_disagg, summarise); `source` as given.
std::vector<DisaggTerms> fit_disagg_terms_cv(const Catalog& cat, const std::vector<TermSet>& sets,
                                             const std::vector<MeasuredDisaggRun>& runs, const std::string& source);

// The term of `engine` in `terms` (may be null), or null.
const DisaggTerms* find_disagg_terms(const std::vector<DisaggTerms>* terms, std::string_view engine);

}  // namespace plan::perf
