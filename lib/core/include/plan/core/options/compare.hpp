#pragma once
// Evaluates every option of a profile against a price sheet: the engine behind
// `plan compare`, and the building block of break-even, projection and sweeps.
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "plan/core/options/cost.hpp"
#include "plan/core/options/fleet.hpp"
#include "plan/core/options/hybrid.hpp"
#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/profile.hpp"
#include "plan/core/serving/replica_model.hpp"

namespace plan {

// Monthly cost lines, USD. The same categories for every kind of option so that finance
// reports have a stable column set.
struct CostBreakdown {
  double api_tokens = 0;
  double provisioned_units = 0;
  double gpu_compute = 0;
  // Owned hardware (owned.hpp): accrual of the purchase, energy, colocation, maintenance.
  double amortization = 0;
  double energy = 0;
  double colocation = 0;
  double maintenance = 0;
  double ops_labour = 0;
  double monitoring = 0;
  double storage = 0;
  double egress = 0;
  double total() const;
  // (name, value) pairs in the documented column order.
  std::vector<std::pair<const char*, double>> lines() const;
  // The same lines, writable, in the same order.
  std::vector<double*> fields();
};

// Where a figure came from.
struct Provenance {
  std::string what;    // e.g. "input price", "instance price", "throughput"
  std::string source;  // e.g. "pricing/2024-12.yaml:14", "calib/catalog.yaml", "profile"
};


// The per-kind detail of a result, in OptionKind order. Each kind's evaluator fills its own
// (eval_*.cpp); consumers ask it questions through the functions after OptionResult.
struct ApiResult {
  std::optional<TokenCost> tokens;
  std::optional<RateCheck> rate_check;
};
struct ManagedResult {
  std::optional<TokenCost> tokens;  // on demand
  std::optional<RateCheck> rate_check;
  std::optional<ProvisionedCost> provisioned;
  std::optional<SelfHostedDetail> fleet;  // a dedicated endpoint
};
struct SelfHostedResult {
  std::optional<SelfHostedDetail> fleet;
};
struct HybridResult {
  std::optional<HybridDetail> hybrid;
  std::optional<TokenCost> tokens;  // the overflow
  std::optional<RateCheck> rate_check;
  std::optional<SelfHostedDetail> fleet;  // the private fleet
};
using ResultDetail = std::variant<ApiResult, ManagedResult, SelfHostedResult, HybridResult>;

struct OptionResult {
  std::string id;
  OptionKind kind = OptionKind::api;
  std::string what;  // human label: model, offering and mode, or instance and model
  std::string model; // the model it serves (a hybrid: its private fleet's)
  bool feasible = true;
  std::vector<std::string> reasons;  // why infeasible
  std::vector<std::string> notes;    // findings that do not make it infeasible
  double monthly_tokens = 0;
  double monthly_requests = 0;
  CostBreakdown breakdown;
  double monthly_cost_usd = 0;  // sum of the breakdown lines, each rounded to the cent
  double cost_per_mtok_usd = 0;
  ResultDetail detail;  // of the option's kind: read through the functions below
  std::vector<Provenance> provenance;
};

// What a result holds of each costing path, asked of its kind (one visit; the kinds answer
// in lib/core/src/options/eval_*.cpp): null where the kind, or this result, has none.
// Tokens priced per token: an API, managed on-demand tokens, a hybrid's overflow.
const TokenCost* token_cost(const OptionResult& r);
const RateCheck* rate_check(const OptionResult& r);
// Provisioned units of a managed offering.
const ProvisionedCost* provisioned_cost(const OptionResult& r);
// A replica fleet: self-hosted, a dedicated endpoint, a hybrid's private fleet.
const SelfHostedDetail* fleet_detail(const OptionResult& r);
// How a hybrid splits its traffic.
const HybridDetail* hybrid_detail(const OptionResult& r);

// The capacity a result holds, for people: replicas of a fleet or provisioned units.
struct HeldCapacity {
  const char* what = "";  // "replicas" or "provisioned units"
  int count = 0;
};
std::optional<HeldCapacity> held_capacity(const OptionResult& r);

// The serving capacity of a feasible result's fleet, drawn on the hourly chart: replicas
// and tokens per second (a hybrid: its private fleet's).
struct FleetCapacity {
  int replicas = 0;
  double tokens_per_s = 0;
};
std::optional<FleetCapacity> fleet_capacity(const OptionResult& r, double tokens_per_request);

// A result of option `o` before it is evaluated: its id, kind and the empty detail of its kind.
OptionResult empty_result(const Option& o);

struct CompareResult {
  std::string profile_name;
  std::string profile_path;
  std::string price_sheet_version;
  std::string price_sheet_path;
  std::string price_sheet_sha256;
  std::string currency;
  double hours_per_month = 0;
  double monthly_tokens = 0;
  double monthly_requests = 0;
  std::vector<OptionResult> options;
  std::optional<std::string> cheapest;  // id of the cheapest feasible option
  std::vector<std::string> notes;       // findings about the comparison as a whole
};

struct EvalSettings {
  double volume_scale = 1.0;  // multiplies every workload's requests/day
  // Findings that evaluate the plan again (what a MoE capacity gap's far end would need).
  // OptionEvaluator turns them off: sweeps, projections and searches show no findings.
  bool what_if_findings = true;
};

// Builds the replica model of a self-hosted option: the option's throughput override, else
// the performance model; nullptr when neither can.
std::unique_ptr<ReplicaModel> make_replica_model(const Option& o, const GpuInstance& inst, const WorkloadMix& mix,
                                                 const ReplicaModelProvider* perf);

// Sums cent-rounded cost lines into the option's total and cost per 1M tokens.
void finish_totals(OptionResult& r);

// Rounds a USD amount to the cent, half away from zero.
double round_cents(double usd);

OptionResult evaluate_option(const Profile& profile, const PriceSheet& sheet, const Option& option,
                             const ReplicaModelProvider* perf, const EvalSettings& settings = {});

// The replica model of a self-hosted option or dedicated endpoint (an override when the
// option gives tokens_per_second_per_replica, else `perf`'s); nullptr for other kinds, or
// when no model can be built. The model depends on the workload mix, not on the volume.
std::unique_ptr<ReplicaModel> build_replica_model(const Profile& profile, const PriceSheet& sheet,
                                                  const Option& option, const ReplicaModelProvider* perf);

// As above, with a replica model built beforehand (nullptr: build one as above).
OptionResult evaluate_option(const Profile& profile, const PriceSheet& sheet, const Option& option,
                             const ReplicaModelProvider* perf, const ReplicaModel* prebuilt,
                             const EvalSettings& settings);

// Evaluates one option at many volumes (sweeps, projections, break-even searches): the
// replica model is built once. Profile, sheet, option and provider must outlive it.
struct SearchPoint;

class OptionEvaluator {
 public:
  OptionEvaluator(const Profile& profile, const PriceSheet& sheet, const Option& option,
                  const ReplicaModelProvider* perf);
  OptionResult operator()(double volume_scale) const;
  const Option& option() const { return *option_; }
  const Profile& profile() const { return *profile_; }
  const PriceSheet& sheet() const { return *sheet_; }
  const ReplicaModelProvider* perf() const { return perf_; }

 private:
  const Profile* profile_;
  const PriceSheet* sheet_;
  const Option* option_;
  const ReplicaModelProvider* perf_;
  std::unique_ptr<Option> resolved_;  // an option with open choices: its cheapest point (search.hpp)
  std::shared_ptr<const SearchPoint> disagg_;  // that point when it is disaggregated (units resized per volume)
  std::unique_ptr<ReplicaModel> model_;
};

CompareResult compare(const Profile& profile, const PriceSheet& sheet, const ReplicaModelProvider* perf,
                      const EvalSettings& settings = {});

}  // namespace plan
