#pragma once
// What the HTML report's executive summary says, picked from results already computed
// (recommend, sweep, project, risk): never recomputed by other arithmetic, so each figure
// equals the one `plan recommend`, `plan sweep` and `plan project` print in JSON.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/finance/finance.hpp"
#include "plan/core/options/recommend.hpp"
#include "plan/core/finance/risk.hpp"

namespace plan::report {

// A volume at which the cheapest feasible option changes, as volume rises.
struct CheapestChange {
  double tokens_per_day = 0;
  std::string from;  // cheapest just below
  std::string to;    // cheapest just above
  // True: the volume is the crossover of `from` and `to`, refined by bisection. False: no
  // crossover of the two lies between the sweep's points (one of them stops or starts
  // being feasible there, or a third option is cheapest in between); the volume is then
  // the first swept one at which `to` is cheapest.
  bool at_crossover = true;
};

// The sweep's crossovers reduced to those where the cheapest option changes: walks the
// swept volumes in order and keeps one change per pair of consecutive points whose
// cheapest option differs. Points with no feasible option are skipped over.
std::vector<CheapestChange> cheapest_changes(const Sweep& s);

// "2.35B tokens/day", followed by " (1.57M requests/day)" when `tokens_per_request` is
// given (the profile's volume is in requests: no workload assumed its tokens per request).
std::string volume_per_day_text(double tokens_per_day, std::optional<double> tokens_per_request);

// One alternative to the recommendation over the projection's horizon.
struct SummaryAlternative {
  std::string id;
  bool feasible = true;       // in every month of the horizon
  double total_usd = 0;       // its horizon total (plan project)
  double savings_usd = 0;     // its total minus the recommendation's; < 0: the recommendation costs more
};

struct ExecutiveSummary {
  bool any_feasible = false;
  std::string option;       // the recommended plan's id
  std::string kind;         // api, managed, self_hosted, hybrid, or split
  std::string description;
  double monthly_cost_usd = 0;  // at today's volume (plan recommend)
  std::optional<std::string> runner_up;
  double runner_up_monthly_cost_usd = 0;
  // From the projection, when the recommended plan is one of the profile's options.
  bool projected = false;
  std::string start;          // YYYY-MM
  int months = 0;
  double month1_usd = 0;      // the first month's total
  bool month1_feasible = true;  // false, e.g., while owned hardware is not yet delivered
  double horizon_total_usd = 0;
  bool horizon_feasible = true;
  std::string baseline;       // the projection's baseline option
  Payback payback;  // of the recommendation against the baseline (plan::payback)
  std::vector<SummaryAlternative> alternatives;  // projection order, the recommendation left out
  // What would change the answer, one sentence each.
  std::vector<std::string> changes;
};

// `sweep`, `projection` and `risk` may be null (then their part is left out).
// `tokens_per_request` as for volume_per_day_text.
ExecutiveSummary executive_summary(const Recommendation& r, const Sweep* sweep, const Projection* projection,
                                   const RiskResult* risk, std::optional<double> tokens_per_request);

}  // namespace plan::report
