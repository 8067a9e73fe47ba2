#pragma once
// Hybrid plans: a private fleet of K self-hosted replicas serves up to its SLA-bound
// capacity each hour; the rest overflows to a pay-per-token option. Workloads the overflow
// may not receive (data class, context, accepted models) never overflow, and overflow is
// held to the overflow's rate limits hour by hour. Batchable requests fill idle private
// capacity before they overflow (at the overflow's batch prices where it has them).
// Evaluated by lib/core/src/options/eval_hybrid.cpp from the fleet path and the token path.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/profile.hpp"
#include "plan/core/serving/replica_model.hpp"

namespace plan {

struct OptionResult;

// Cost of one private fleet size.
struct HybridPoint {
  int replicas = 0;
  bool feasible = true;  // false when private-only traffic exceeds the fleet or overflow a limit
  double monthly_cost_usd = 0;
  double private_cost_usd = 0;   // GPUs + ops
  double overflow_cost_usd = 0;  // tokens sent to the overflow option
  double private_token_share = 0;
};

struct HybridDetail {
  std::string private_option;
  std::string overflow_option;
  int replicas = 0;                 // chosen K
  int min_replicas = 0;             // what private-only traffic and the private option's min_replicas need
  int full_replicas = 0;            // what the whole peak needs (pure self-hosted)
  double private_token_share = 0;   // of all tokens
  double private_utilization = 0;   // served / SLA-bound capacity, time-averaged
  double private_capacity_requests_per_s = 0;  // SLA-bound capacity of the chosen fleet
  double overflow_cost_usd = 0;
  double batch_private_share = 0;   // of batchable requests, served on idle private capacity
  std::vector<std::string> restricted_workloads;  // never overflow, with the rule
  std::string private_model;        // the model the private fleet serves
  std::string overflow_model;       // the model the overflow serves (may differ)
  std::vector<std::pair<std::string, double>> workload_private_share;  // of each workload's requests
  std::vector<HybridPoint> curve;   // cost against K
};


}  // namespace plan
