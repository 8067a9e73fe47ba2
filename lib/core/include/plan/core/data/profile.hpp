#pragma once
// A workload profile, as loaded from profiles/*.yaml, normalised: every workload has
// requests/day and input/output tokens per request, and a 24-value hourly shape.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "plan/core/data/catalog.hpp"
#include "plan/core/data/engine.hpp"
#include "plan/core/data/parallel.hpp"
#include "plan/core/base/error.hpp"
#include "plan/core/base/dates.hpp"
#include "plan/core/data/search_space.hpp"

namespace plan {

// Relative traffic per hour of the day. Weights are normalised so their mean is 1:
// the rate in hour h is the average rate x weight[h].
struct TrafficShape {
  std::array<double, 24> weight{};  // mean 1
  // When the profile gives only peak_to_average, the shape is flat for energy
  // (averages) and this factor is applied for peak sizing.
  std::optional<double> peak_to_average;
  bool hourly_given = false;

  static TrafficShape flat();
  static TrafficShape from_hourly(const std::array<double, 24>& raw);  // any scale, sum > 0
  static TrafficShape from_peak_to_average(double ratio);
  // max rate / mean rate.
  double peak_factor() const;
};

struct Workload {
  std::string id;
  double requests_per_day = 0;
  double input_tokens = 0;   // per request
  double output_tokens = 0;  // per request
  // The 99th percentiles of the lengths, when known (a usage import writes them): a replica
  // must hold, and the model's context admit, a request of input p99 + output p99 tokens.
  std::optional<double> input_tokens_p99;
  std::optional<double> output_tokens_p99;
  TrafficShape traffic = TrafficShape::flat();
  double cached_input_share = 0;   // share of input tokens read from the prompt cache
  double cache_write_share = 0;    // share of input tokens written to the prompt cache
  bool cache_write_1h = false;     // cache writes use the 1-hour TTL (default: 5 minutes)
  // Tokens of the prompt prefixes the cached input reads (a system prompt, shared documents):
  // what a self-hosted replica's prefix cache must hold. Absent: cached_input_share x
  // input_tokens, one prefix (docs/performance-model.md, "Prefix caching").
  std::optional<double> shared_prefix_tokens;
  double batchable_share = 0;      // share of requests that accept 24 h turnaround
  std::string data_class = "internal";
  SourceLoc data_class_loc;  // the data_class key; the workload's own location when defaulted
  std::optional<double> ttft_p95_ms;
  std::optional<double> tpot_ms;
  // Models that may serve this workload (sheet api/managed model ids or catalog model ids);
  // empty = any model, with compare and recommend saying when options serve different ones.
  std::vector<std::string> models;
  // The option that serves it today (`current_option`, written by a usage import): recommend
  // prices it there as "today" and says what moving it would save. Empty: not given.
  std::string current_option;
  SourceLoc current_option_loc;
  // What the source billed for it (`billed_usd` over `billed_days`) and the list price of
  // the same tokens at the import's sheet (`billed_list_usd`), when the usage data carried
  // costs: recommend reconciles them (docs/profiles.md, "Reconciliation").
  struct Billed {
    double usd = 0;
    double days = 0;
    std::optional<double> list_usd;
  };
  std::optional<Billed> billed;
  SourceLoc loc;
  // Given in the tokens-per-day form without tokens_per_request: the default 1,000 tokens
  // per request was assumed (compare says so).
  bool tokens_per_request_assumed = false;

  double tokens_per_request() const { return input_tokens + output_tokens; }
  // The request a replica must be able to hold: input p99 + output p99 where given (the sum
  // of the percentiles bounds the percentile of the sum from above), else the means.
  double long_request_tokens() const {
    return input_tokens_p99.value_or(input_tokens) + output_tokens_p99.value_or(output_tokens);
  }
  double tokens_per_day() const { return requests_per_day * tokens_per_request(); }
};

enum class OptionKind { api, managed, self_hosted, hybrid };
const char* to_string(OptionKind k);
struct Option;
// An option's kind as a label, for people and for grouping (plan risk's groups): never to
// decide what the option does.
OptionKind kind_label(const Option& o);

enum class ManagedMode { on_demand, provisioned, dedicated };
const char* to_string(ManagedMode m);

enum class PricingTerm { on_demand, reserved_1y, reserved_3y, spot };
const char* to_string(PricingTerm t);
// The name a profile's `terms:` list uses: on_demand, 1y, 3y, spot.
const char* term_key(PricingTerm t);

// Self-hosting costs beyond the GPUs. Applied to every self-hosted option unless the
// option carries its own.
struct OpsCosts {
  double fte_share = 0;                 // FTEs spent running the fleet
  double loaded_cost_per_fte_year = 0;  // USD
  double monitoring_per_month = 0;      // USD, monitoring and tooling
  double storage_per_month = 0;         // USD, weights and images
  double egress_per_month = 0;          // USD

  double monthly_labour() const { return fte_share * loaded_cost_per_fte_year / 12.0; }
};

// A cost paid once, in the first month of a projection (migration, setup). USD.
struct OneTimeCost {
  std::string name;  // "migration" or "setup"
  double usd = 0;
};

// Servers bought rather than rented (docs/finance.md "Owned hardware"). Figures are per
// server unless said otherwise; a month is 730 hours. The fleet is fixed: `servers` servers
// of `gpu_count` GPUs each, whatever the traffic.
struct OwnedHardware {
  // An entry of the owned-hardware list (pricing/hardware/*.yaml) that gives gpu, gpu_count,
  // power_kw and, where published, purchase_usd; empty when the profile gives them.
  std::string hardware;
  SourceLoc hardware_loc;      // where the profile names it
  std::string figures_source;  // citation of those figures ("pricing/hardware/2026-11.yaml:12"); empty: the profile
  std::string gpu;           // catalog GPU id
  int gpu_count = 1;         // GPUs per server
  int servers = 1;           // servers bought
  double purchase_usd = 0;   // price of one server
  int amortization_months = 36;
  double residual_share = 0;  // resale value at the end of amortisation, share of the purchase
  double power_kw = 0;        // one server's draw at full load (IT power)
  double idle_power_share = 0;  // draw when idle, share of power_kw
  double pue = 1;               // facility power / IT power
  double usd_per_kwh = 0;       // energy price, per kWh at the facility meter
  // Colocation billed per kW of IT power (power_kw), or one flat facility amount per month
  // for the whole fleet; exactly one is given.
  std::optional<double> colocation_per_kw_month;
  std::optional<double> facility_per_month;
  double maintenance_share_per_year = 0;  // support and repair, share of the purchase per year
  // Yearly interest of a loan over amortization_months: the accrual is then the annuity
  // payment instead of straight-line amortisation.
  std::optional<double> financing_rate_per_year;
  int lead_time_months = 0;  // months from order to service: no capacity before
};

// What a fleet of replicas runs and how it is bought: a self-hosted option's fleet, or a
// dedicated managed endpoint's.
struct FleetSpec {
  std::string model;  // catalog model id (a dedicated endpoint: default the offering's)
  PricingTerm pricing = PricingTerm::on_demand;
  int gpus_per_replica = 0;  // 0 = derive (whole instance, or smallest fitting TP)
  std::optional<Parallel> parallel;  // layout of a replica's GPUs; nullopt = the cheapest that fits and meets targets
  int moe_tp = 1;  // ep, dep: GPUs each routed expert is sliced over (moe_tp x moe_ep = gpus_per_replica)
  std::string precision = "bf16";
  std::string kv_precision;  // empty = the weights' default
  perf::EngineChoice engine;  // the serving engine; default vllm (engine.given false)
  std::optional<double> tokens_per_second_per_replica;  // override of the perf model
  // The model is named as a provider names it (a dedicated endpoint's), so the catalog may
  // not list it: sized where the catalog does, unsized with a reason where it does not.
  bool model_named_by_provider = false;
  int min_replicas = 1;
  bool autoscale = false;  // hourly scaling over the traffic shape
  double spot_interruption_overhead = 0.10;  // extra instance-hours on spot for restarts
  std::optional<OpsCosts> ops;  // overrides the profile's
  // Bought servers instead of rented instances (self-hosted options only).
  std::optional<OwnedHardware> owned;
};

// A pay-per-token API model of the price sheet.
struct ApiOption {
  std::string model;  // sheet api_models id
  std::optional<std::string> tier;  // rate-limit tier; default the highest listed
  std::optional<std::string> service_tier;  // a named service tier of the sheet (flex, priority)
};

// A managed offering: on-demand tokens, provisioned model units, or a dedicated endpoint.
struct ManagedOption {
  std::string offering;
  ManagedMode mode = ManagedMode::on_demand;
  std::optional<std::string> tier;
  std::optional<std::string> service_tier;  // on-demand: a named service tier of the sheet
  std::string term = "none";  // provisioned term id
  // Throughput of one provisioned unit, when the sheet does not publish it.
  std::optional<double> unit_input_tokens_per_min;
  std::optional<double> unit_output_tokens_per_min;
  FleetSpec fleet;  // dedicated endpoints
};

// GPU instances running the model: rented (`instance`), or owned servers (`fleet.owned`).
struct SelfHostedOption {
  std::string instance;  // sheet gpu_instances id; empty when the fleet is owned or searched
  FleetSpec fleet;
  // Open choices (a list or `auto`): the option is the cheapest feasible point of this space
  // (search.hpp); nullopt for an option written out in full.
  std::optional<SearchSpace> search{};
};

// A self-hosted option's fleet serves up to its SLA-bound capacity each hour and the rest
// overflows to a pay-per-token option.
struct HybridOption {
  std::string private_option;   // id of a self_hosted option
  std::string overflow_option;  // id of an api or managed on_demand option
  std::optional<int> replicas;  // fixed private fleet; absent = choose it to minimise cost
  bool batch_fills_idle = true; // batchable requests use idle private capacity first
};

struct Option {
  std::string id;
  // The alternatives are in OptionKind order.
  std::variant<ApiOption, ManagedOption, SelfHostedOption, HybridOption> spec;
  std::vector<OneTimeCost> one_time;  // paid in month 1 of a projection
  // Negotiated fraction off list prices for this option (overrides the profile's discount
  // for the provider); absent = the profile's, if any.
  std::optional<double> discount;
  SourceLoc loc;
  std::map<std::string, SourceLoc> key_locs;  // where each key's value was written

  // What an option does by its kind is answered beside its evaluator
  // (lib/core/src/options/eval_*.cpp, reached by visiting `spec`), not tested here or by callers.
  // The fleet of a self-hosted option or a dedicated endpoint; null for other kinds.
  const FleetSpec* fleet() const;
  FleetSpec* fleet();
  // Billed per token: an API model or a managed on-demand offering.
  bool pay_per_token() const;
  // Location of a key's value, or of the option when the key was not written.
  SourceLoc loc_of(const std::string& key) const;
};

// Data-handling rules of the profile, on top of what each price-sheet entry may receive.
// The data class that only owned hardware may serve: no API, managed offering or rented
// instance may receive it.
inline constexpr const char* air_gapped_class = "air_gapped";
// Why `who` (an API, a managed offering, rented instances) may not serve workload `w`, when
// `w` is of the air-gapped class; nullopt otherwise.
std::optional<std::string> air_gapped_exclusion(const Workload& w, const std::string& who);

// Data classes are compared without regard to case: `PHI`, `Phi` and `phi` are one class.
bool same_data_class(std::string_view a, std::string_view b);
// Whether `classes` holds `c` (compared as same_data_class does).
bool has_data_class(const std::vector<std::string>& classes, std::string_view c);

struct DataPolicy {
  std::vector<std::string> self_hosted_only;  // classes that never leave private GPUs
  std::vector<SourceLoc> self_hosted_only_locs;  // where each is written (loaded profiles)
  SourceLoc loc;
};

// The months a projection covers and how volume moves over them (docs/finance.md).
// Month index m runs from 0 (the start month) to months - 1.
struct Horizon {
  int months = 12;
  // First month. Absent: the projection starts in the current month (the price sheet's
  // `today`), else in the month of the sheet's effective date (horizon_start, cost.hpp).
  std::optional<YearMonth> start;
  // Compound growth: month m has (1 + growth_per_month)^m times today's volume.
  double growth_per_month = 0;
  // Explicit multipliers of today's volume, one per month; when given, growth is unused.
  std::vector<double> monthly_volume_scale;
  // Yearly discount rate for present value; absent = no present value.
  std::optional<double> discount_rate_per_year;
  SourceLoc loc;

  // Multiplier of today's volume in month m (0-based).
  double volume_scale(int m) const;
};

// A negotiated fraction off a provider's list prices.
struct ProviderDiscount {
  std::string provider;  // as the price sheet names it: openai, aws, gcp ...
  double fraction = 0;   // 0.2 = 20% off
  SourceLoc loc;
};

struct Profile {
  std::string name;
  std::string path;
  std::optional<std::string> price_sheet;  // pinned version
  std::vector<Workload> workloads;
  std::vector<Option> options;
  // Architectures read from Hugging Face configs (`model: hf:PATH`), id = the model string.
  std::vector<ModelArch> models;
  OpsCosts ops;
  SourceLoc ops_loc;  // the profile's ops: block; line 0 when it has none
  DataPolicy policy;
  // The declared vocabulary of data classes (`data_classes:`); empty when not declared.
  std::vector<std::string> data_classes;
  std::vector<ProviderDiscount> discounts;
  Horizon horizon;  // defaults when the profile has no horizon: 12 flat months
  bool horizon_given = false;
  SourceLoc loc;

  double tokens_per_day() const;
  double requests_per_day() const;
  const Option* find_option(const std::string& id) const;
};

}  // namespace plan
