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

// What a plan is: one option (declared, or a hybrid recommend builds, with its result), or
// each workload on its own cheapest option.
enum class PlanShape { option, split };

struct Plan {
  std::string id;           // option id, "hybrid:<private>+<overflow>", or "split"
  PlanShape shape = PlanShape::option;
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

// A plan's kind for people: its option's kind (api, managed, self_hosted, hybrid), or "split".
const char* plan_kind(const Plan& p);

// The decision for one workload (a profile with `models:` or `current_option`): what it
// costs today, the cheapest option within its models and the cheapest with any other model
// of the profile, each for the workload alone, at list price (less the profile's discounts).
struct WorkloadDecision {
  std::string workload;
  std::string today_option;             // current_option; empty: not given
  std::optional<double> today_usd;      // nullopt: not given, or infeasible there
  std::vector<std::string> today_reasons;  // why infeasible there
  std::optional<Workload::Billed> billed;  // what the usage data billed (the profile's billed_*)
  bool any_model = false;               // it has no models: (then same_model_* is any option)
  std::string same_model_option;        // cheapest within its models; empty: none feasible
  double same_model_usd = 0;
  std::string other_option, other_model;  // cheapest serving another model; empty: none cheaper
  double other_usd = 0;
};

struct Decision {
  std::vector<WorkloadDecision> workloads;  // in profile order
  // Today: every workload on its current_option, an option chosen by several serving their
  // combined traffic; nullopt when a workload has no current_option or is infeasible there.
  std::optional<double> today_usd;
  // Per workload of the recommended plan whose options differ from today's: the workload and
  // its new options with shares.
  std::vector<Assignment> moves;
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
  std::optional<Decision> decision;  // when a workload has models: or current_option
};

// Evaluates the declared options, a hybrid for every pair of a self-hosted option and a
// pay-per-token option the profile does not already combine, and the per-workload split.
Recommendation recommend(const Profile& profile, const PriceSheet& sheet, const ReplicaModelProvider* perf);

}  // namespace plan
