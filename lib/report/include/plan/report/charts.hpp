#pragma once
// The charts of plan's reports, drawn from the same result objects the CSV/JSON formats
// print (never from retyped numbers).
#include <string>
#include <vector>

#include "plan/core/options/compare.hpp"
#include "plan/core/finance/finance.hpp"
#include "plan/core/options/search.hpp"

namespace plan::report {

// Monthly cost of every option against daily volume (log axis), the volumes where the
// cheapest option changes marked (X1, X2, ... in volume order), with
// the profile's volume today (and at the end of the horizon, when given) marked.
std::string cost_vs_volume_svg(const Sweep& s, double tokens_per_day_today, double tokens_per_day_projected = 0);

// Cumulative cost of every option month by month over the horizon.
std::string cumulative_tco_svg(const Projection& p);

// Hourly demand as the profile gives it, against the private capacity of each option given
// (self-hosted: replicas x replica tokens/s; hybrid: its private fleet's SLA-bound
// capacity). When a workload has only a flat peak factor (peak_to_average), the average
// and the peak rate the fleets are sized for are drawn as lines too.
std::string hourly_capacity_svg(const Profile& profile, const std::vector<const OptionResult*>& fleets);

// TTFT p95 (or TPOT) at peak of each self-hosted option against the target.
// A search's feasible points: USD per 1M tokens against tokens/s per user (1000 / TPOT), the
// Pareto front as a line, the TPOT target as a vertical line.
std::string search_pareto_svg(const Profile& profile, const SearchResult& r);
std::string latency_svg(const Profile& profile, const CompareResult& c, bool ttft);

}  // namespace plan::report
