#pragma once
// A versioned price sheet, as loaded from pricing/*.yaml. Prices are kept in the units
// people quote them in (USD per 1M tokens, USD per hour); formulas convert once.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/base/error.hpp"

namespace plan {

struct Source {
  std::string id;
  std::string url;        // URL, or "repo@commit:path"
  std::string retrieved;  // ISO date the figure was read
  std::string note;
};

struct ContextTier;
struct ServiceTier;

// Per-1M-token prices of a pay-per-token offering. Optional prices are absent when the
// offering has no such price (e.g. no batch API).
struct TokenPrices {
  double input_per_mtok = 0;
  double output_per_mtok = 0;
  std::optional<double> cached_input_per_mtok;
  std::optional<double> cache_write_per_mtok;     // 5-minute cache write
  std::optional<double> cache_write_1h_per_mtok;  // 1-hour cache write
  std::optional<double> batch_input_per_mtok;
  std::optional<double> batch_output_per_mtok;
  // The vendor applies the batch discount to cache reads and writes too (Anthropic): batch
  // requests' cached and written input pay the cache prices x batch_input / input.
  bool batch_with_cache = false;
  // The batch prices come from the provider's batch rule (the sheet's `batch_rules`), not
  // from the entry: the line of that rule; 0 when the entry gives its own or has none.
  int batch_rule_line = 0;
  // Why the entry's own batch prices differ from its provider's rule, where they do.
  std::string batch_note;
  // Long-context tiers, lowest threshold first: a request whose input exceeds a tier's
  // threshold is priced wholly at that tier (the highest such tier).
  std::vector<ContextTier> tiers;
  // Service tiers (OpenAI flex, priority) an option may select by name instead of these.
  std::vector<ServiceTier> service_tiers;
};

// Prices of requests with more than `above_input_tokens` input tokens.
struct ContextTier {
  double above_input_tokens = 0;
  TokenPrices prices;
  int line = 0;
};

// A named alternative price list of the same model (e.g. "flex", "priority").
struct ServiceTier {
  std::string name;
  TokenPrices prices;
  int line = 0;
};

// The prices that apply to a request with `input_tokens` input tokens: the highest
// long-context tier whose threshold it exceeds, else `p` itself.
const TokenPrices& prices_for_request(const TokenPrices& p, double input_tokens, int* tier_line = nullptr);

// One usage tier's limits. A limit that is not published is absent.
struct RateLimit {
  std::string tier;
  std::optional<double> requests_per_min;
  std::optional<double> tokens_per_min;         // input + output
  std::optional<double> input_tokens_per_min;   // Anthropic-style split limits
  std::optional<double> output_tokens_per_min;
  int line = 0;
};

struct ApiModel {
  std::string id;
  std::string provider;
  TokenPrices prices;
  std::optional<double> context_tokens;     // input limit
  std::optional<double> max_output_tokens;  // output limit
  std::optional<std::string> retires;       // ISO date from which it is no longer offered
  std::optional<std::string> successor;     // id of the entry that replaces it (same section)
  std::vector<RateLimit> rate_limits;
  std::vector<std::string> data_classes;  // classes it may receive; empty = any
  std::string source;
  int line = 0;
};

// Provisioned throughput: a model unit gives fixed tokens/min; priced per unit-hour by term.
struct ProvisionedTerm {
  std::string term;  // "none", "1m", "6m"
  double usd_per_unit_hour = 0;
  int months = 0;  // commitment length; 0 for no commitment
  int line = 0;
};

struct Provisioned {
  // Throughput of one unit. Absent when the provider does not publish it (AWS Bedrock
  // does not); the profile option must then give it.
  std::optional<double> input_tokens_per_min_per_unit;
  std::optional<double> output_tokens_per_min_per_unit;
  std::vector<ProvisionedTerm> terms;
  std::string source;
};

// A dedicated managed endpoint: an instance billed per hour, serving one model.
struct DedicatedEndpoint {
  std::string gpu;
  int gpu_count = 1;
  double usd_per_hour = 0;
  std::string source;
};

struct ManagedOffering {
  std::string id;
  std::string provider;
  std::string model;
  std::optional<TokenPrices> on_demand;
  std::vector<RateLimit> rate_limits;
  std::optional<Provisioned> provisioned;
  std::optional<DedicatedEndpoint> dedicated;
  std::optional<double> context_tokens;     // input limit
  std::optional<double> max_output_tokens;  // output limit
  std::optional<std::string> retires;       // ISO date from which it is no longer offered
  std::optional<std::string> successor;     // id of the offering that replaces it
  std::vector<std::string> data_classes;
  std::string source;
  int line = 0;
};

struct GpuInstance {
  std::string id;
  std::string provider;
  std::string instance;  // the provider's name, e.g. p5.48xlarge
  std::string gpu;       // catalog GPU id, e.g. h100-sxm
  int gpu_count = 1;
  std::string region;
  double on_demand_per_hour = 0;
  std::optional<double> reserved_1y_per_hour;
  std::optional<double> reserved_3y_per_hour;
  // A representative spot level: the median across the region's zones (spot moves daily:
  // not a quote), with the lowest and highest zone beside it where the sheet gives them.
  std::optional<double> spot_per_hour;
  std::optional<double> spot_min_per_hour;
  std::optional<double> spot_max_per_hour;
  std::string source;
  int line = 0;
};

// A provider's documented batch discount: entries of `provider` without batch prices of
// their own get input and output x (1 - discount) (their long-context tiers too).
struct BatchRule {
  std::string provider;
  double discount = 0.5;
  // The discount applies on top of the cache prices (see TokenPrices::batch_with_cache).
  bool with_cache = false;
  std::string source;
  int line = 0;
};

struct PriceSheet {
  std::string version;
  std::string effective_date;
  std::string currency;
  std::string path;    // file it was read from
  std::string sha256;  // of the file's bytes
  std::vector<Source> sources;
  std::vector<BatchRule> batch_rules;
  std::vector<ApiModel> api_models;
  std::vector<ManagedOffering> managed;
  std::vector<GpuInstance> gpu_instances;
  // The date the sheet is used on (YYYY-MM-DD), set by the caller; empty = not known, and
  // the sheet's age is then not reported.
  std::string today;

  const ApiModel* find_api(const std::string& id) const;
  const ManagedOffering* find_managed(const std::string& id) const;
  const GpuInstance* find_instance(const std::string& id) const;
  const BatchRule* find_batch_rule(const std::string& provider) const;
  // "pricing/2024-12.yaml:42" for provenance columns.
  std::string cite(int line) const;
};

// Days from ISO date `from` to `to` (YYYY-MM-DD); nullopt unless both are valid dates.
std::optional<long> days_between(const std::string& from, const std::string& to);
// True when `s` is a valid YYYY-MM-DD date.
bool is_iso_date(const std::string& s);

// Sheets older than this (days from effective date to today) are reported as old.
constexpr long max_sheet_age_days = 90;
// "price sheet 2026-05 is N days old ..." when sheet.today is set and the sheet's effective
// date is more than max_sheet_age_days before it; nullopt otherwise.
std::optional<std::string> sheet_age_finding(const PriceSheet& sheet);

}  // namespace plan
