#pragma once
// Traffic as the costing paths see it: per workload, interactive requests hour by hour and
// batchable requests that may move within the day; and how a private fleet of a given
// capacity splits it between itself and a pay-per-token overflow. Self-hosted options,
// dedicated endpoints and hybrids all size their fleets from this one split, so a hybrid
// whose fleet takes all traffic is the self-hosted option it is built from.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/data/profile.hpp"

namespace plan {

// The largest count of replicas, instances or provisioned units any fleet could need;
// beyond it the inputs are wrong, not the fleet large.
inline constexpr double max_fleet_count = 1e7;

// ceil(need) as an int, with a relative tolerance that keeps 10.0000000001 from becoming
// 11; nullopt when need is not finite or above max_fleet_count.
std::optional<int> checked_count(double need);

// One workload's traffic.
struct Lane {
  const Workload* w = nullptr;
  // Interactive requests/s in each hour for sizing and rate limits. A workload known only
  // by its peak_to_average ratio is at its peak in every hour (its peak hour is unknown).
  std::array<double, 24> sizing_rps{};
  // Interactive requests/s in each hour on average (what is billed).
  std::array<double, 24> mean_rps{};
  double interactive_per_day = 0;  // requests
  double batch_per_day = 0;  // requests that accept a 24-hour turnaround
  bool private_only = false; // may not overflow (data class, context, model, or no overflow)
};

// Lanes of `workloads` at `scale` times their volume.
std::vector<Lane> lanes_of(const std::vector<Workload>& workloads, double scale);

// Why workload `w` may not be served by `model` under its list of accepted models, naming
// `who` serves it; nullopt when it may (or lists none).
std::optional<std::string> model_exclusion(const Workload& w, const std::string& model, const std::string& who);

// Requests per day a lane sends each way, and the rates the fleet and the overflow see.
struct LaneSplit {
  double private_interactive = 0;  // requests/day
  double private_batch = 0;
  double overflow_interactive = 0;
  double overflow_batch = 0;
  std::array<double, 24> overflow_sizing_rps{};  // interactive, for the overflow's rate limits
};

struct Split {
  bool fits = true;  // private-only traffic fits the fleet, hour by hour and over the day
  std::string why_not;
  double capacity_rps = 0;
  std::vector<LaneSplit> lanes;
  // Requests/s the fleet serves in each hour for sizing (interactive at sizing rates, plus
  // the batch requests placed in that hour's idle capacity).
  std::array<double, 24> private_sizing_rps{};
  double private_requests_per_day = 0;
};

// Splits `lanes` for a fleet of SLA-bound capacity `capacity_rps`: each hour the fleet takes
// private-only interactive traffic, then the rest in proportion up to its capacity; the rest
// overflows. Batchable requests fill the idle capacity of the day (private-only first), when
// `batch_fills_idle`, and overflow otherwise.
Split split_traffic(const std::vector<Lane>& lanes, double capacity_rps, bool batch_fills_idle);

// The fleet capacity (requests/s) private-only lanes need: their interactive peak, and their
// batch requests in the idle capacity of the day.
double private_capacity_needed(const std::vector<Lane>& lanes);

}  // namespace plan
