#pragma once
// The per-kind evaluators behind evaluate_option: one file each (eval_api.cpp,
// eval_managed.cpp, eval_self_hosted.cpp, eval_hybrid.cpp). They price through the two
// shared paths, token_path.hpp and fleet.hpp, and nothing else prices.
#include <memory>
#include <optional>
#include <string>

#include "plan/core/options/compare.hpp"
#include "plan/core/finance/diff.hpp"
#include "plan/core/finance/finance.hpp"
#include "plan/core/options/fleet.hpp"
#include "plan/core/options/token_path.hpp"

namespace plan::detail {

struct EvalContext {
  const Profile& profile;
  const PriceSheet& sheet;
  const ReplicaModelProvider* perf;
  const ReplicaModel* prebuilt;  // the option's (or a hybrid's private option's) replica model, when built ahead
  double scale;
  bool what_if_findings;  // EvalSettings::what_if_findings
};

void evaluate(const Option& o, const ApiOption& a, const EvalContext& c, OptionResult& r);
void evaluate(const Option& o, const ManagedOption& m, const EvalContext& c, OptionResult& r);
void evaluate(const Option& o, const SelfHostedOption& s, const EvalContext& c, OptionResult& r);
void evaluate(const Option& o, const HybridOption& h, const EvalContext& c, OptionResult& r);

// Marks the result infeasible, saying why.
void infeasible(OptionResult& r, std::string why);

// Prices all of the profile's traffic on a pay-per-token offering into `r` (cost lines,
// rate check, context, data classes, accepted models).
void evaluate_token_option(const TokenOffering& off, const EvalContext& c, OptionResult& r);

// "its successor X would cost N USD/month for the same workload (citation)": the option
// `o` (an API model or managed on-demand offering) priced on `successor` instead.
std::string successor_cost_text(const Option& o, const std::string& successor, const EvalContext& c);

// A fleet made ready to size: its plan and the model it owns when none was built ahead.
struct ReadyFleet {
  FleetPlan plan;
  std::optional<AppliedDiscount> discount;  // applied to plan.usd_per_instance_hour
  std::unique_ptr<ReplicaModel> owned;
  std::unique_ptr<GpuInstance> server;  // an owned fleet's server, seen as an instance
};

// The instance a self-hosted option's replicas run on: its sheet entry, or one owned server
// (no hourly price); nullopt with `why` when the sheet does not list the instance.
std::optional<GpuInstance> fleet_instance(const Option& o, const SelfHostedOption& s, const PriceSheet& sheet,
                                          std::string* why);

// Marks `r` infeasible for each workload of the air-gapped class: `who` (an API, a managed
// offering, rented instances) may not receive it; only owned hardware may.
void check_air_gapped(const Profile& p, const std::string& who, OptionResult& r);

// The fleet of a self-hosted option; nullopt with reasons added to `r` when it cannot be made.
std::optional<ReadyFleet> self_hosted_fleet(const Option& o, const SelfHostedOption& s, const EvalContext& c,
                                            OptionResult& r);

// Sizes a fleet for all of the profile's traffic (no overflow) and prices it into `r`.
void evaluate_private_fleet(const ReadyFleet& f, const EvalContext& c, OptionResult& r);

// A dedicated endpoint seen as an instance billed per hour.
GpuInstance dedicated_instance(const ManagedOffering& m);

// The fleet's detail and its cost lines (instances, ops) into `r`.
void add_fleet_lines(const FleetCosting& fc, OptionResult& r);

// Billed per token: the floor is today's price per 1M tokens, whatever the volume.
std::optional<double> token_floor_cost_per_mtok(const OptionEvaluator& e);

// Marks `r` infeasible for each workload whose accepted models exclude `model`.
void check_accepted_models(const Profile& p, const std::string& model, const std::string& who, OptionResult& r);

// The replica model an option sizes its fleet with (see build_replica_model); null for
// kinds without a fleet.
std::unique_ptr<ReplicaModel> replica_model(const ApiOption&, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, const ReplicaModelProvider* perf);
std::unique_ptr<ReplicaModel> replica_model(const ManagedOption&, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, const ReplicaModelProvider* perf);
std::unique_ptr<ReplicaModel> replica_model(const SelfHostedOption&, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, const ReplicaModelProvider* perf);
std::unique_ptr<ReplicaModel> replica_model(const HybridOption&, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, const ReplicaModelProvider* perf);

// What finance and diff ask of an option, answered per kind beside its evaluator.

// Months a purchase of the option's capacity commits to (0 for none).
int commitment_months(const ApiOption&, const Option& o, const PriceSheet& sheet, const Profile* profile);
int commitment_months(const ManagedOption&, const Option& o, const PriceSheet& sheet, const Profile* profile);
int commitment_months(const SelfHostedOption&, const Option& o, const PriceSheet& sheet, const Profile* profile);
int commitment_months(const HybridOption&, const Option& o, const PriceSheet& sheet, const Profile* profile);

// The lowest cost per 1M tokens the option can reach at any volume (docs/finance.md).
std::optional<double> floor_cost_per_mtok(const ApiOption&, const OptionEvaluator& e, double tokens_per_day_today);
std::optional<double> floor_cost_per_mtok(const ManagedOption&, const OptionEvaluator& e, double tokens_per_day_today);
std::optional<double> floor_cost_per_mtok(const SelfHostedOption&, const OptionEvaluator& e, double tokens_per_day_today);
std::optional<double> floor_cost_per_mtok(const HybridOption&, const OptionEvaluator& e, double tokens_per_day_today);
// The floor of a fleet option from its result at today's volume: the instance price (with
// spot overhead) over what a full instance serves.
std::optional<double> fleet_floor_cost_per_mtok(const Option& o, const OptionEvaluator& e);

// Prices of the option's sheet entries that differ between two sheets, with their lines.
std::vector<std::string> price_changes(const ApiOption&, const PriceSheet& a, const PriceSheet& b);
std::vector<std::string> price_changes(const ManagedOption&, const PriceSheet& a, const PriceSheet& b);
std::vector<std::string> price_changes(const SelfHostedOption&, const PriceSheet& a, const PriceSheet& b);
std::vector<std::string> price_changes(const HybridOption&, const PriceSheet& a, const PriceSheet& b);

// The option's settings by key (see option_settings in diff.hpp).
struct Settings {
  std::string model, offering, mode, term, instance, tps, min_replicas, autoscale, private_option, overflow_option,
      replicas;
};
void describe(const ApiOption&, const Option& o, Settings& s);
void describe(const ManagedOption&, const Option& o, Settings& s);
void describe(const SelfHostedOption&, const Option& o, Settings& s);
void describe(const HybridOption&, const Option& o, Settings& s);
// The settings every fleet has.
void describe_fleet(const FleetSpec& f, Settings& s);

// What `plan risk` varies in an option's cost lines (docs/risk.md).
struct RiskTraits {
  // The option whose replica fleet sizes this one's capacity (itself, or a hybrid's private
  // option); absent for options without a fleet. Throughput and peak_to_average act on it.
  std::optional<std::string> fleet_option;
  bool spot = false;           // that fleet is billed at spot prices
  double spot_overhead = 0;    // its interruption overhead as written
  std::string token_provider;  // provider of the per-token prices in api_tokens; empty: none
};
RiskTraits risk_traits(const ApiOption&, const Option& o, const Profile& p, const PriceSheet& sheet);
RiskTraits risk_traits(const ManagedOption&, const Option& o, const Profile& p, const PriceSheet& sheet);
RiskTraits risk_traits(const SelfHostedOption&, const Option& o, const Profile& p, const PriceSheet& sheet);
RiskTraits risk_traits(const HybridOption&, const Option& o, const Profile& p, const PriceSheet& sheet);
// The traits every fleet has: its option and spot billing.
RiskTraits fleet_risk_traits(const Option& o, const FleetSpec& f);

// The empty detail of a result of each kind (compare.hpp, ResultDetail).
ResultDetail empty_detail(const ApiOption&);
ResultDetail empty_detail(const ManagedOption&);
ResultDetail empty_detail(const SelfHostedOption&);
ResultDetail empty_detail(const HybridOption&);

// What the shared costing steps leave in a result of any kind: per-token prices and their
// rate check, a fleet. Each is kept where the result's kind has a place for it.
void set_tokens(OptionResult& r, const TokenCost& t, const std::optional<RateCheck>& rc);
void set_fleet(OptionResult& r, const SelfHostedDetail& d);

// The capacity a result holds and its fleet's serving capacity (compare.hpp), per kind.
std::optional<HeldCapacity> held_capacity(const ApiResult&);
std::optional<HeldCapacity> held_capacity(const ManagedResult&);
std::optional<HeldCapacity> held_capacity(const SelfHostedResult&);
std::optional<HeldCapacity> held_capacity(const HybridResult&);
std::optional<FleetCapacity> fleet_capacity(const ApiResult&, double tokens_per_request);
std::optional<FleetCapacity> fleet_capacity(const ManagedResult&, double tokens_per_request);
std::optional<FleetCapacity> fleet_capacity(const SelfHostedResult&, double tokens_per_request);
std::optional<FleetCapacity> fleet_capacity(const HybridResult&, double tokens_per_request);
// A fleet's: its replicas (owned hardware: those the traffic needs) and their tokens/s.
std::optional<HeldCapacity> fleet_held(const std::optional<SelfHostedDetail>& f);
std::optional<FleetCapacity> fleet_serving(const std::optional<SelfHostedDetail>& f);

// What a projection asks of one month's result, per kind (finance.cpp, docs/finance.md
// "Commitments").
struct CapacityNeed {
  int needed = 0;  // replicas (owned: those the traffic needs) or provisioned units
  int blocks = 0;  // committed blocks: instances of a fleet, else units
};
CapacityNeed capacity_need(const ApiResult&);
CapacityNeed capacity_need(const ManagedResult&);
CapacityNeed capacity_need(const SelfHostedResult&);
CapacityNeed capacity_need(const HybridResult&);
CapacityNeed fleet_need(const SelfHostedDetail& f);
// The month's terms: commitment, blocks held and needed, the month, the cost basis.
struct MonthTerms {
  int commitment_months = 0;
  int held_blocks = 0;
  int needed_blocks = 0;
  int month = 0;
  CostBasis basis = CostBasis::accrual;
};
// Capacity paid (blocks held beyond need are paid for), utilisation, and owned servers'
// service and cash capital, into the month's line and its cost lines `b`.
void price_month(const ApiResult&, const MonthTerms& t, MonthLine& line, CostBreakdown& b);
void price_month(const ManagedResult&, const MonthTerms& t, MonthLine& line, CostBreakdown& b);
void price_month(const SelfHostedResult&, const MonthTerms& t, MonthLine& line, CostBreakdown& b);
void price_month(const HybridResult&, const MonthTerms& t, MonthLine& line, CostBreakdown& b);
void fleet_month(const SelfHostedDetail& f, const MonthTerms& t, MonthLine& line, CostBreakdown& b);
// Whether an infeasible result still has a cost (cost_defined in finance.hpp).
bool cost_defined(const ApiResult&, const CostBreakdown& b);
bool cost_defined(const ManagedResult&, const CostBreakdown& b);
bool cost_defined(const SelfHostedResult&, const CostBreakdown& b);
bool cost_defined(const HybridResult&, const CostBreakdown& b);
bool fleet_cost_defined(const std::optional<SelfHostedDetail>& f, const CostBreakdown& b);

// What a projection asks of an option's kind: what its committed blocks are, and whether
// its utilisation is shown even at zero.
struct ProjectionTraits {
  const char* committed = "instances are";
  bool utilization_always = false;
};
ProjectionTraits projection_traits(const ApiOption&);
ProjectionTraits projection_traits(const ManagedOption&);
ProjectionTraits projection_traits(const SelfHostedOption&);
ProjectionTraits projection_traits(const HybridOption&);

// The offering of an option billed per token (token_offering in token_path.hpp), per kind;
// nullopt with `why` for an entry not in the sheet, retired or without on-demand prices, or a
// kind not billed per token.
std::optional<TokenOffering> token_offering(const ApiOption&, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, std::string* why);
std::optional<TokenOffering> token_offering(const ManagedOption&, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, std::string* why);
std::optional<TokenOffering> token_offering(const SelfHostedOption&, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, std::string* why);
std::optional<TokenOffering> token_offering(const HybridOption&, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, std::string* why);
// The fields an API model or a managed offering gives an offering (token_path.cpp).
bool fill_offering(TokenOffering& off, const ApiModel& m, const std::string& model, const TokenPrices& list,
                   const std::optional<std::string>& rate_tier, const std::optional<std::string>& service_tier,
                   const Profile& p, const Option& o, const PriceSheet& sheet, std::string* why);
bool fill_offering(TokenOffering& off, const ManagedOffering& m, const std::string& model, const TokenPrices& list,
                   const std::optional<std::string>& rate_tier, const std::optional<std::string>& service_tier,
                   const Profile& p, const Option& o, const PriceSheet& sheet, std::string* why);

// The price-sheet entry an option is billed by per token, with its retirement (successor
// switch, lint); nullopt for kinds without one or an entry not in the sheet.
struct TokenEntry {
  std::string id;
  std::optional<std::string> retires, successor;
  int line = 0;
  bool on_demand = true;  // billed per token by this option (a managed offering: its mode)
};
std::optional<TokenEntry> token_entry(const ApiOption&, const PriceSheet& sheet);
std::optional<TokenEntry> token_entry(const ManagedOption&, const PriceSheet& sheet);
std::optional<TokenEntry> token_entry(const SelfHostedOption&, const PriceSheet& sheet);
std::optional<TokenEntry> token_entry(const HybridOption&, const PriceSheet& sheet);
// The option billed by another entry of the same kind (its successor), all else alike; false
// (and no change) for kinds not billed by a sheet entry per token.
bool bill_by(ApiOption& k, const std::string& entry);
bool bill_by(ManagedOption& k, const std::string& entry);
bool bill_by(SelfHostedOption& k, const std::string& entry);
bool bill_by(HybridOption& k, const std::string& entry);

// What recommend asks of a kind: whether the option may be a hybrid's private fleet (rented
// self-hosted), and the options it is made of (a hybrid: private and overflow).
bool hybrid_private(const ApiOption&);
bool hybrid_private(const ManagedOption&);
bool hybrid_private(const SelfHostedOption&);
bool hybrid_private(const HybridOption&);
std::optional<std::pair<std::string, std::string>> parts_of(const ApiOption&);
std::optional<std::pair<std::string, std::string>> parts_of(const ManagedOption&);
std::optional<std::pair<std::string, std::string>> parts_of(const SelfHostedOption&);
std::optional<std::pair<std::string, std::string>> parts_of(const HybridOption&);

// The sheet instance whose spot prices bill the option's own fleet (risk's spot draws);
// empty for kinds without rented instances.
std::string rented_instance(const ApiOption&);
std::string rented_instance(const ManagedOption&);
std::string rented_instance(const SelfHostedOption&);
std::string rented_instance(const HybridOption&);

// Formatting shared by the price_changes of each kind (diff.cpp).
void add_price(std::vector<std::string>& out, const char* what, std::optional<double> a, std::optional<double> b,
               const PriceSheet& sa, int la, const PriceSheet& sb, int lb);
void add_token_prices(std::vector<std::string>& out, const std::string& prefix, const TokenPrices& a,
                      const TokenPrices& b, const PriceSheet& sa, int la, const PriceSheet& sb, int lb);

}  // namespace plan::detail
