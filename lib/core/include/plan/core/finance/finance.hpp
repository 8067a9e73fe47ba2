#pragma once
// Finance over time and volume (MODEL.md "Break-even and payback"; docs/finance.md):
// month-by-month projections with growth, commitments and one-time costs; break-even
// daily volume between two options, found by search; payback month; cost sweeps across
// daily volumes with their crossover points. Pure functions; no I/O.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/options/compare.hpp"
#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/profile.hpp"

namespace plan {

// Months an option's capacity is committed for: reserved_1y 12, reserved_3y 36, a
// provisioned managed term its sheet `months`; 0 for everything billed as used. In a
// projection, capacity is bought in blocks (instances, units) as months need it, and each
// block is paid for this many months from the month it is bought.
int commitment_months(const Option& option, const PriceSheet& sheet);
// As above; a hybrid commits what its private option (looked up in `profile`) commits.
int commitment_months(const Option& option, const PriceSheet& sheet, const Profile* profile);

// Whether the evaluation produced cost lines that mean something, even if the option is
// infeasible for another reason (a rate limit, a data class). False when the cost could
// not be computed (no price, no throughput, no replica count meets the latency targets).
bool cost_defined(const OptionResult& r);

// How a projection counts owned hardware (docs/finance.md "Owned hardware"). Accrual: the
// purchase is spread over its amortisation months (the `amortization` line). Cash: the
// purchase is paid in its month and the residual value comes back when amortisation ends
// (the `capital` line), and `amortization` is zero. Every other cost is the same on both bases.
enum class CostBasis { accrual, cash };
const char* to_string(CostBasis b);

// One month of one option. Money lines are rounded to the cent (half away from zero);
// total is the sum of the rounded lines, so printed totals add up.
struct MonthLine {
  int index = 0;        // 0 = the start month
  std::string month;    // YYYY-MM
  double volume_scale = 1;  // multiplier of today's volume
  double tokens = 0;    // tokens served this month
  double requests = 0;
  CostBreakdown breakdown;  // rounded lines
  double one_time = 0;      // rounded
  double capital = 0;       // cash basis, owned hardware: purchase, loan payment, residual back (< 0); rounded
  double total = 0;         // sum of the rounded lines, one_time and capital
  double cumulative = 0;    // sum of totals so far
  // Baseline total - total; nullopt when this option or the baseline is infeasible this
  // month (savings of or against an infeasible option are not computed).
  std::optional<double> savings_vs_baseline;
  // Sum so far; nullopt from the first month whose savings are not computed.
  std::optional<double> cumulative_savings;
  std::optional<double> present_value;  // total discounted to the start month, rounded
  // Self-hosted and dedicated: replicas this month's traffic needs; provisioned: units.
  int needed = 0;
  // Replicas (or units) paid for: `needed`, or more while commitments bought in earlier
  // months are still held (instances x replicas per instance, or units).
  int paid = 0;
  double utilization = 0;  // self-hosted: time-averaged demand / paid capacity
  bool feasible = true;
  std::vector<std::string> reasons;
};

// Payback of one option against another over a projection (docs/finance.md "Payback"),
// defined here once and shown as it is by every output (text, CSV, JSON, xlsx, HTML).
struct Payback {
  // 1-based: the first month from which the cumulative savings, one-time costs included,
  // stay >= 0 to the end of the horizon. nullopt: no payback.
  std::optional<int> month;
  std::string label;  // YYYY-MM of `month`
  // 1-based: the last month in which the cumulative savings fell from >= 0 to below zero
  // (they had covered the costs, then no longer did); nullopt when they never did.
  std::optional<int> negative_again_month;
  std::string negative_again_label;
  // 1-based: the first month in which either option is infeasible. Savings of or against an
  // infeasible option are not computed, so there is no payback.
  std::optional<int> infeasible_month;
  std::string infeasible_option;
  // Cumulative savings at the end of the horizon; nullopt when not computed.
  std::optional<double> final_savings_usd;
  // Why there is none, one clause ("cumulative savings are below zero at the end ..."); empty
  // when there is a payback month.
  std::string why_none;
};

struct OptionProjection {
  std::string id;
  OptionKind kind = OptionKind::api;
  std::string what;
  int commitment_months = 0;
  bool utilization_always = false;  // its utilisation is shown even at 0 (a self-hosted fleet)
  std::vector<MonthLine> months;
  CostBreakdown total_breakdown;  // sums of the rounded monthly lines
  double total_one_time = 0;
  double total_capital = 0;
  double total = 0;
  std::optional<double> total_present_value;
  bool feasible = true;  // in every month
  Payback payback;  // against the baseline (none for the baseline itself); see payback()
  std::vector<std::string> notes;
};

struct Projection {
  std::string profile_name;
  std::string price_sheet_version;
  std::string baseline;
  CostBasis basis = CostBasis::accrual;
  std::string start;  // YYYY-MM
  int months = 0;
  std::optional<double> discount_rate_per_year;
  double tokens_per_day_today = 0;
  std::vector<OptionProjection> options;
  std::vector<std::string> notes;  // findings about the projection as a whole (the sheet's age)
};

// Projects every option of the profile over its horizon. `baseline` is an option id
// (empty = the profile's first option). The start month is the horizon's `start`, else
// the month of the price sheet's effective date. Owned hardware serves nothing before its
// lead time: those months cost nothing but the cash basis's purchase, and are infeasible.
Projection project(const Profile& profile, const PriceSheet& sheet, const ReplicaModelProvider* perf,
                   const std::string& baseline, CostBasis basis = CostBasis::accrual);

// Payback of `a` against `b`, from the two projections' month totals (in cents):
// the first month from which a's cumulative savings (b's total - a's total, one-time costs
// included) stay >= 0 to the end of the horizon; none when a or b is infeasible in any month
// of the horizon (every month enters the cumulative savings), or when the savings end below
// zero. Where the savings fall below zero again after having been >= 0, that month is given.
Payback payback(const OptionProjection& a, const OptionProjection& b);

// The cost per 1M tokens an option cannot go below, however much volume it gets:
// pay-per-token: its blended price at the profile's mix (its marginal price);
// self-hosted and dedicated: hourly price / (replicas per instance x replica tokens/s x
// 3600) x 1e6 (spot: x (1 + interruption overhead)); fixed monthly ops costs tend to zero
// per token and are left out; provisioned: unit price over unit throughput at the mix,
// found by evaluating at 1e15 tokens/month; hybrid: the lower of its private option's and
// its overflow option's floors. nullopt when the cost is not defined.
std::optional<double> floor_cost_per_mtok(const OptionEvaluator& e, double tokens_per_day_today);

// Whether an option's cost is fixed by capacity (self-hosted, dedicated, provisioned, and
// hybrids, which hold a private fleet) rather than proportional to tokens.
bool capacity_priced(const Option& o);

struct BreakEvenRange {
  double from_tokens_per_day = 1e3;
  double to_tokens_per_day = 1e12;
  int grid_points = 2000;  // log-spaced; each sign change is refined by bisection
};

struct BreakEven {
  std::string a;  // the option that may become cheaper as volume grows
  std::string b;
  BreakEvenRange range;
  bool found = false;
  // Smallest daily volume above which a is cheaper than b everywhere examined.
  double tokens_per_day = 0;
  bool a_cheaper_everywhere = false;  // a is cheaper at every volume examined
  std::string reason;                 // why there is none
  std::optional<double> a_floor_per_mtok;
  std::optional<double> b_floor_per_mtok;
  // Feasibility: the volume ranges where either option is infeasible over the examined
  // range, then the reasons at the break-even volume.
  std::vector<std::string> notes;
  bool a_infeasible_somewhere = false;  // a is infeasible at some volume examined
};

// Orders the pair so that `a` is the capacity-priced option (or, both alike, the one with
// the lower floor per 1M), then searches for the break-even daily volume over `range`:
// a grid of log-spaced volumes, then bisection between the last volume where a is not
// cheaper and the next. Costs compared are the unrounded monthly totals.
BreakEven find_break_even(const OptionEvaluator& x, const OptionEvaluator& y, double tokens_per_day_today,
                          const BreakEvenRange& range = {});

// One pair of options in a break-even table: the break-even volume, and the payback month
// of the option that may become cheaper (be.a) against the other under the horizon.
struct BreakEvenPair {
  BreakEven be;
  Payback payback;  // of be.a against be.b under the profile's horizon
  int horizon_months = 0;
};

struct BreakEvenTable {
  std::string profile_name;
  std::string price_sheet_version;
  double tokens_per_day_today = 0;
  std::vector<BreakEvenPair> rows;
  std::vector<std::string> notes;  // findings about the table as a whole (the sheet's age)
};

// Break-even and payback for pairs of the profile's options, in profile order: every pair
// (i, j) with i before j, or, when `against` names an option, only the pairs that hold it.
// Payback months come from project() over the profile's horizon (baseline: the first
// option). Throws plan::Error (usage_error) when `against` is not an option of the profile,
// and at the profile when it has no traffic (today's volume is what break-even scales).
BreakEvenTable break_even_table(const Profile& profile, const PriceSheet& sheet, const ReplicaModelProvider* perf,
                                const std::string& against, const BreakEvenRange& range = {});

struct SweepPoint {
  double tokens_per_day = 0;
  std::vector<double> monthly_usd;  // per option: cent-rounded total; NaN when undefined
  std::vector<bool> feasible;
  int cheapest = -1;  // index of the cheapest feasible option, -1 if none
};

struct Crossover {
  double tokens_per_day = 0;  // where the two options cost the same (to bisection precision)
  std::string a;
  std::string b;
  std::string cheaper_above;  // which of the two is cheaper just above
};

struct Sweep {
  std::vector<std::string> ids;
  std::vector<SweepPoint> points;
  std::vector<Crossover> crossovers;  // by volume, then pair
  std::vector<std::string> notes;     // findings about the sweep as a whole (the caller's: the sheet's age)
};

// Cost of every option at `points` daily volumes from `from` to `to` (linear or log
// spaced), and each pair's crossovers between consecutive points, refined by bisection.
Sweep sweep(const std::vector<const OptionEvaluator*>& options, double tokens_per_day_today, double from, double to,
            int points, bool log_spaced);

}  // namespace plan
