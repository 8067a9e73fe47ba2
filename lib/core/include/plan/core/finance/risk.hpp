#pragma once
// Decisions under uncertainty (docs/risk.md): a Monte Carlo run over the profile's
// `uncertainty:` inputs. Each draw perturbs volume, growth, prices, throughput, spot overhead
// and peak, and costs every option month by month over the horizon through the compare
// engine; the run reports quantiles of each option's month-1 and horizon cost, the
// probability that each is the cheapest feasible option, and a tornado of one-at-a-time
// swings. Pure functions; no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/options/compare.hpp"
#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/profile.hpp"
#include "plan/core/data/uncertainty.hpp"

namespace plan {

struct RiskSettings {
  std::optional<int> draws;             // overrides the profile's uncertainty.draws
  std::optional<std::uint64_t> seed;    // overrides uncertainty.seed
  int threads = 0;                      // 0: every core (std::thread::hardware_concurrency)
  int grid_points = 4097;               // log-spaced volumes each option is evaluated at
  int fan_points = 24;                  // months of the cumulative fan (at most; evenly spaced)
  std::vector<OptionKind> groups;       // kinds whose probability of being cheapest is wanted
};

// Quantiles of the draws (linear interpolation between order statistics, R's type 7) and
// their mean. +inf where an option's cost is not defined in some draws.
struct Quantiles {
  double p10 = 0, p50 = 0, p90 = 0, mean = 0;
};

struct RiskInputSummary {
  std::string name;          // "volume", "api_price_change_per_year[openai]", "throughput[gpu]"
  std::string distribution;  // Distribution::describe()
  std::string source;        // where it was written, or which default
  double p10 = 0, p50 = 0, p90 = 0;
};

struct RiskOption {
  std::string id;
  OptionKind kind = OptionKind::api;
  Quantiles monthly_cost_usd;  // month 1, recurring costs
  Quantiles horizon_cost_usd;  // sum over the horizon's months, one-time costs included
  double probability_cheapest = 0;  // share of draws in which it is the cheapest feasible over the horizon
  double probability_feasible = 0;  // share of draws in which it is feasible in every month
  std::vector<Quantiles> cumulative_usd;  // at RiskResult::fan_months
};

// The probability that the cheapest feasible option over the horizon is of one kind: that
// some option of the kind beats every option of the other kinds.
struct RiskGroup {
  OptionKind kind = OptionKind::api;
  std::vector<std::string> options;  // the profile's options of the kind
  double probability_cheapest = 0;
};

// One bar of the tornado: the margin of the recommended option over the runner-up (runner-up
// horizon cost - recommended horizon cost; positive while the recommendation holds) with
// one input at its p10 and at its p90, every other input at its median.
struct TornadoBar {
  std::string input;
  double low_value = 0, high_value = 0;  // the input's p10 and p90
  double low_usd = 0, high_usd = 0;      // the margin at each
  double swing_usd = 0;                  // |high_usd - low_usd|
};

// The month-1 break-even of the recommended option against the runner-up: in each draw,
// the daily volume nearest today's at which one turns cheaper than the other, with the
// draw's throughput, peak and spot overhead (month-1 prices), within the volumes the draws
// span (a 32-point scan, then bisection).
struct BreakEvenSpread {
  std::string a, b;
  double share_found = 0;  // share of draws in which the cheaper of the two changes within those volumes
  Quantiles tokens_per_day;  // over those draws
};

struct RiskResult {
  std::string profile_name;
  std::string price_sheet_version;
  int draws = 0;
  std::uint64_t seed = 0;
  int months = 0;
  std::vector<RiskInputSummary> inputs;
  std::vector<RiskOption> options;  // profile order
  std::vector<RiskGroup> groups;    // RiskSettings::groups, in their order
  std::vector<int> fan_months;      // 1-based months of the cumulative fan
  // The cheapest and second cheapest feasible options over the horizon, every input at its
  // median; the tornado measures the margin between them.
  std::optional<std::string> recommended;
  std::optional<std::string> runner_up;
  double median_margin_usd = 0;
  std::vector<TornadoBar> tornado;  // largest swing first
  std::optional<BreakEvenSpread> break_even;
  int grid_points = 0;
  double grid_max_step = 0;  // largest relative step between grid volumes of any option
  std::vector<std::string> notes;
};

// Runs the draws of `uncertainty` (the profile's uncertainty: section) over the profile's
// options and horizon. Throws plan::Error when draws x options exceeds what is held in
// memory (2e7).
RiskResult run_risk(const Profile& profile, const Uncertainty& uncertainty, const PriceSheet& sheet,
                    const ReplicaModelProvider* perf, const RiskSettings& settings = {});

// The uniform number in (0, 1) of slot `slot` of draw `draw`: splitmix64 seeded with a hash
// of (seed, draw), stepped `slot` + 1 times. A draw's numbers depend on nothing else, so
// results do not depend on how draws are split between threads.
double draw_uniform(std::uint64_t seed, std::uint64_t draw, int slot);

// The p-quantile of values (type 7: h = (n - 1) p, linear between order statistics).
double quantile_of(std::vector<double> values, double p);

// The measured spread of the catalog roofline's throughput by model class: the 10th and 90th
// percentiles of measured over predicted throughput (predicted TPOT / measured TPOT) on the
// shipped measured runs (calib/measured/, docs/performance-model.md, "Engine terms fitted to
// measured runs"), rounded to two decimals. tests/unit/test_engine_fit.cpp recomputes them
// from the runs and fails if they drift.
struct ThroughputWidth {
  const char* model_class;
  double p10, p90;
  int runs;
};
inline constexpr ThroughputWidth spec_throughput_widths[] = {
    {"dense", 0.73, 1.19, 548},
    {"moe", 0.53, 1.06, 489},
    {"mla", 0.57, 1.22, 310},
};

// The default throughput multiplier of a replica whose throughput has provenance `p`
// (docs/risk.md): spec, the measured spread of its model class (spec_throughput_widths;
// lognormal p10 0.70 / p90 1.00 for a class without one); calibrated p10 0.90 / p90 1.10;
// engine, the engine terms' cross-validated median TPOT error m (`cv_median_pct`, of the term
// set that sized it) read as a lognormal centred on 1 whose median |ln X| is ln(1 + m):
// sigma = ln(1 + m) / 0.6745, p10 / p90 = exp(-/+ 1.2816 sigma) (the spec widths of its class
// when m is not known); override none (nullopt).
std::optional<Distribution> default_throughput(ThroughputProvenance p, const std::string& model_class = "",
                                               double cv_median_pct = 0);

}  // namespace plan
