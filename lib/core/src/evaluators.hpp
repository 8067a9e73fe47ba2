#pragma once
// The per-kind evaluators behind evaluate_option: one file each (eval_api.cpp,
// eval_managed.cpp, eval_self_hosted.cpp, eval_hybrid.cpp). They price through the two
// shared paths, token_path.hpp and fleet.hpp, and nothing else prices.
#include <memory>
#include <optional>
#include <string>

#include "plan/core/compare.hpp"
#include "plan/core/fleet.hpp"
#include "plan/core/token_path.hpp"

namespace plan::detail {

struct EvalContext {
  const Profile& profile;
  const PriceSheet& sheet;
  const ReplicaModelProvider* perf;
  const ReplicaModel* prebuilt;  // the option's (or a hybrid's private option's) replica model, when built ahead
  double scale;
};

void evaluate(const Option& o, const ApiOption& a, const EvalContext& c, OptionResult& r);
void evaluate(const Option& o, const ManagedOption& m, const EvalContext& c, OptionResult& r);
void evaluate(const Option& o, const SelfHostedOption& s, const EvalContext& c, OptionResult& r);
void evaluate(const Option& o, const HybridOption& h, const EvalContext& c, OptionResult& r);

// Marks the result infeasible, saying why.
void infeasible(OptionResult& r, std::string why);

// Prices all of the profile's traffic on a pay-per-token offering into `r` (cost lines,
// rate check, context, data classes, accepted models).
void evaluate_token_option(const TokenOffering& off, const EvalContext& c, OptionResult& r);

// A fleet made ready to size: its plan and the model it owns when none was built ahead.
struct ReadyFleet {
  FleetPlan plan;
  std::unique_ptr<ReplicaModel> owned;
};

// The fleet of a self-hosted option; nullopt with reasons added to `r` when it cannot be made.
std::optional<ReadyFleet> self_hosted_fleet(const Option& o, const SelfHostedOption& s, const EvalContext& c,
                                            OptionResult& r);

// Sizes a fleet for all of the profile's traffic (no overflow) and prices it into `r`.
void evaluate_private_fleet(const ReadyFleet& f, const EvalContext& c, OptionResult& r);

// A dedicated endpoint seen as an instance billed per hour.
GpuInstance dedicated_instance(const ManagedOffering& m);

// Marks `r` infeasible for each workload whose accepted models exclude `model`.
void check_accepted_models(const Profile& p, const std::string& model, const std::string& who, OptionResult& r);

}  // namespace plan::detail
