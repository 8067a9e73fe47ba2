// Self-hosted options: rented instances running a replica model, sized and priced by the
// fleet path. A dedicated endpoint and a hybrid's private fleet use the same functions.
#include <fmt/format.h>

#include "evaluators.hpp"

namespace plan::detail {

std::optional<ReadyFleet> self_hosted_fleet(const Option& o, const SelfHostedOption& s, const EvalContext& c,
                                            OptionResult& r) {
  const GpuInstance* inst = c.sheet.find_instance(s.instance);
  if (!inst) {
    infeasible(r, fmt::format("instance '{}' is not in price sheet {}", s.instance, c.sheet.version));
    return std::nullopt;
  }
  auto price = instance_usd_per_hour(*inst, s.fleet.pricing);
  if (!price) {
    infeasible(r, fmt::format("price sheet {} has no {} price for instance {}", c.sheet.version,
                              to_string(s.fleet.pricing), inst->id));
    return std::nullopt;
  }
  ReadyFleet f;
  f.plan.spec = &s.fleet;
  f.plan.instance = inst;
  f.plan.usd_per_instance_hour = *price;
  f.plan.ops = s.fleet.ops.value_or(c.profile.ops);
  f.plan.model = c.prebuilt;
  if (!f.plan.model) {
    f.owned = make_replica_model(o, *inst, WorkloadMix::of(c.profile.workloads), c.perf);
    f.plan.model = f.owned.get();
  }
  if (!f.plan.model) {
    infeasible(r, "no throughput for this replica: set tokens_per_second_per_replica or use a catalog model");
    return std::nullopt;
  }
  if (s.fleet.tokens_per_second_per_replica) {
    const SourceLoc at = o.loc_of("tokens_per_second_per_replica");
    f.plan.count_input = fmt::format("tokens_per_second_per_replica {} at {}:{}:{}",
                                     *s.fleet.tokens_per_second_per_replica, at.file, at.line, at.col);
  } else {
    f.plan.count_input = "the replica throughput (" + f.plan.model->spec().provenance_source + ")";
  }
  return f;
}

void evaluate_private_fleet(const ReadyFleet& f, const EvalContext& c, OptionResult& r) {
  for (const auto& n : f.plan.model->spec().notes) r.notes.push_back(n);
  auto problems = fleet_problems(f.plan);
  if (!problems.empty()) {
    for (auto& p : problems) infeasible(r, std::move(p));
    FleetCosting empty = cost_fleet(f.plan, 0, Split{}, WorkloadMix::of(c.profile.workloads), false);
    r.self_hosted = empty.detail;
    return;
  }
  std::vector<Lane> lanes = lanes_of(c.profile.workloads, c.scale);
  for (auto& l : lanes) l.private_only = true;
  std::string why;
  auto k = fleet_size_for(f.plan, lanes, &why);
  const WorkloadMix mix = WorkloadMix::of(c.profile.workloads);
  if (!k) {
    infeasible(r, why);
    r.self_hosted = cost_fleet(f.plan, 0, Split{}, mix, false).detail;
    return;
  }
  const Split split = split_traffic(lanes, f.plan.model->fleet_capacity(*k), true);
  FleetCosting fc = cost_fleet(f.plan, *k, split, mix, true);
  for (auto& n : fc.notes) r.notes.push_back(std::move(n));
  for (auto& why_not : fc.reasons) infeasible(r, std::move(why_not));
  if (!split.fits) infeasible(r, split.why_not);
  r.self_hosted = fc.detail;
  r.breakdown.gpu_compute = fc.gpu_compute_usd;
  r.breakdown.ops_labour = fc.ops.monthly_labour();
  r.breakdown.monitoring = fc.ops.monitoring_per_month;
  r.breakdown.storage = fc.ops.storage_per_month;
  r.breakdown.egress = fc.ops.egress_per_month;
}

void evaluate(const Option& o, const SelfHostedOption& s, const EvalContext& c, OptionResult& r) {
  r.model = s.fleet.model;
  check_accepted_models(c.profile, s.fleet.model, o.id, r);
  const GpuInstance* inst = c.sheet.find_instance(s.instance);
  if (inst) r.what = fmt::format("{} ({}x {}) {}", inst->id, inst->gpu_count, inst->gpu, s.fleet.model);
  auto f = self_hosted_fleet(o, s, c, r);
  if (!f) return;
  r.provenance.push_back({fmt::format("instance price ({})", to_string(s.fleet.pricing)), c.sheet.cite(inst->line)});
  evaluate_private_fleet(*f, c, r);
  const ReplicaSpec& spec = f->plan.model->spec();
  r.provenance.push_back({"replica throughput (" + spec.provenance + ")", spec.provenance_source});
  r.provenance.push_back({"ops costs", s.fleet.ops ? "profile option '" + o.id + "'" : std::string("profile ops")});
}

}  // namespace plan::detail
