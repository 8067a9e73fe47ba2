#pragma once
// The cheapest feasible way to serve a profile: one option for everything, a hybrid of a
// private fleet with overflow, or each workload on its own cheapest option.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/options/compare.hpp"

namespace plan {

struct Assignment {
  std::string workload;
  std::string option;  // option (or hybrid) id serving it
  double share = 1.0;  // of the workload's requests
};

struct Plan {
  std::string id;           // option id, "hybrid:<private>+<overflow>", or "split"
  std::string description;  // what it is, for people
  bool feasible = true;
  double monthly_cost_usd = 0;
  double cost_per_mtok_usd = 0;
  std::vector<Assignment> assignments;
  std::vector<std::string> reasons;  // why infeasible, or why chosen
  std::optional<OptionResult> result;  // for single-option and hybrid plans
};

// A workload held to its models (`models:`) that an option serving another model of the
// profile would serve for less, the workload alone: the saving "if you accept" that model.
// Never part of the recommendation.
struct WhatIf {
  std::string workload;
  std::string model;        // the model it would move to
  std::string option;       // the cheapest option serving another model
  double monthly_cost_usd = 0;
  std::string held_option;  // the cheapest option within its models; empty: none is feasible
  double held_cost_usd = 0;
};

struct Recommendation {
  CompareResult compare;                // the declared options
  std::vector<Plan> plans;              // every candidate, cheapest feasible first
  std::optional<std::size_t> best;      // index into plans
  std::optional<std::size_t> runner_up;
  // For a hybrid recommendation: the cost of its two pure parts.
  std::optional<double> pure_private_usd;
  std::optional<double> pure_overflow_usd;
  std::vector<WhatIf> what_ifs;  // in workload order
};

// Evaluates the declared options, a hybrid for every pair of a self-hosted option and a
// pay-per-token option the profile does not already combine, and the per-workload split.
Recommendation recommend(const Profile& profile, const PriceSheet& sheet, const ReplicaModelProvider* perf);

}  // namespace plan
