#pragma once
// Cost formulas (MODEL.md). Pure functions of profile, sheet and replica models; no I/O.
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/profile.hpp"
#include "plan/core/serving/replica_model.hpp"

namespace plan {

// Monthly token spend of a pay-per-token offering, split by price line (USD per month).
struct TokenCost {
  double input = 0;
  double cached_input = 0;
  double cache_write = 0;
  double output = 0;
  double batch_input = 0;
  double batch_output = 0;
  double total() const { return input + cached_input + cache_write + output + batch_input + batch_output; }
  TokenCost& operator+=(const TokenCost& o);
};

// One workload on per-token prices, at `scale` times its volume. Batchable requests use the
// batch prices when the offering has both; otherwise they are billed as interactive.
// Cache shares apply to interactive input; a missing cache price bills those tokens as input.
TokenCost token_cost(const Workload& w, const TokenPrices& p, double scale = 1.0);
// The same for `interactive` and `batch` requests a day of workload w's shape (its tokens
// per request and cache shares). Batch requests are billed as interactive when the
// offering has no batch prices.
TokenCost token_cost(const Workload& w, const TokenPrices& p, double interactive, double batch);

// Rates per hour of the day for a per-day quantity, summed over workloads: the rate of
// workload w in hour h is q(w)/seconds_per_day x weight_w[h]. With `peak` set, a workload
// known only by its peak_to_average ratio contributes its peak in every hour (its peak
// hour is unknown, so peaks are assumed to coincide).
using PerDay = std::function<double(const Workload&)>;
std::array<double, 24> hourly_rate_per_s(const std::vector<Workload>& ws, const PerDay& q, bool peak);
double peak_rate_per_s(const std::vector<Workload>& ws, const PerDay& q);

// Rate-limit check of pay-per-token traffic against one tier. Batch requests are excluded
// (they go through the batch API, which has its own queue limits).
struct RateCheck {
  std::string tier;
  double peak_requests_per_min = 0;
  double peak_tokens_per_min = 0;
  double peak_input_tokens_per_min = 0;
  double peak_output_tokens_per_min = 0;
  std::vector<std::string> exceeded;  // one message per limit exceeded
};
RateCheck check_rate_limits(const std::vector<Workload>& ws, const RateLimit& limit, double scale = 1.0);
// The same for traffic given hour by hour: `rps[i][h]` interactive requests/s of workload
// `ws[i]` in hour h (peak_to_average workloads at their peak).
RateCheck check_rate_limits(const std::vector<const Workload*>& ws, const std::vector<std::array<double, 24>>& rps,
                            const RateLimit& limit);

// Provisioned throughput: units = ceil(max(peak input TPM / unit input TPM, peak output
// TPM / unit output TPM)); cost = units x hourly price x 730.
struct ProvisionedCost {
  int units = 0;              // 0 when the need is beyond any fleet (see units_needed)
  double units_needed = 0;    // before rounding up
  // Time-averaged demand in units: the day's mean input (output) tokens per minute over a
  // unit's, the larger of the two; utilisation is this over the units paid for.
  double average_units_needed = 0;
  double peak_input_tokens_per_min = 0;
  double peak_output_tokens_per_min = 0;
  double usd_per_month = 0;
};
ProvisionedCost provisioned_cost(const std::vector<Workload>& ws, const Provisioned& p,
                                 const ProvisionedTerm& term, double scale = 1.0);

// A negotiated discount that applies to an option: the option's own `discount`, else the
// profile's `discounts` entry for the provider.
struct AppliedDiscount {
  double fraction = 0;  // 0.2 = 20% off list
  SourceLoc loc;        // where the profile states it
};
std::optional<AppliedDiscount> discount_for(const Profile& p, const Option& o, const std::string& provider);
// "list price at pricing/X.yaml:N, less 20% from profile line M (FILE)", or the citation
// alone without a discount.
std::string cite_price(const std::string& citation, const std::optional<AppliedDiscount>& d);
// Multiplier of list prices: 1 - fraction, or 1 without a discount.
double price_factor(const std::optional<AppliedDiscount>& d);
// Every cost line x factor.
TokenCost scaled(const TokenCost& c, double factor);

// The first month (YYYY-MM) of the profile's horizon: its `start`, else the sheet's month.
std::string horizon_start(const Profile& p, const PriceSheet& sheet);
// The month (1-based) of a horizon of `months` months from `start` (YYYY-MM) in which an
// offering that retires on `retires` (YYYY-MM-DD) stops; nullopt when outside it.
std::optional<int> retirement_month(const std::optional<std::string>& retires, const std::string& start, int months);
// A finding when an offering that retires on `retires` (YYYY-MM-DD) stops within the
// profile's horizon (start: the profile's, else the sheet's month); nullopt otherwise.
// `successor_cost`, when not empty, is appended ("its successor X would cost ...").
std::optional<std::string> retirement_finding(const std::string& id, const std::optional<std::string>& retires,
                                              const Profile& p, const PriceSheet& sheet,
                                              const std::string& successor_cost = "");
// Why an offering retired on or before the sheet's effective date is not offered, naming
// its successor where the sheet gives one; nullopt when it is still offered.
std::optional<std::string> retired_reason(const std::string& id, const std::optional<std::string>& retires,
                                          const PriceSheet& sheet, int line,
                                          const std::optional<std::string>& successor = std::nullopt);

// An option priced on its successor from the month its offering retires (`project`).
struct SuccessorSwitch {
  Option option;       // the option with the successor's id in place of the retiring one
  int month = 0;       // 1-based month of the horizon from which the successor is priced
  std::string note;    // "gpt-5 retires on 2026-12-11: from month 1 (2026-12) ..."
};
// The switch for an API or managed on-demand option whose offering retires within a horizon
// of `months` months from `start` (YYYY-MM) and names a successor; nullopt otherwise.
std::optional<SuccessorSwitch> successor_switch(const Option& o, const PriceSheet& sheet, const std::string& start,
                                                int months);

// Hourly price of an instance under a pricing term; nullopt when the sheet has none.
std::optional<double> instance_usd_per_hour(const GpuInstance& inst, PricingTerm term);

}  // namespace plan
