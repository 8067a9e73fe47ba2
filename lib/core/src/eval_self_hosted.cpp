// Self-hosted options: rented instances running a replica model, sized and priced by the
// fleet path. A dedicated endpoint and a hybrid's private fleet use the same functions.
#include <algorithm>
#include <fmt/format.h>

#include "evaluators.hpp"
#include "plan/core/units.hpp"

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
  f.discount = discount_for(c.profile, o, inst->provider);
  f.plan.spec = &s.fleet;
  f.plan.instance = inst;
  f.plan.usd_per_instance_hour = *price * price_factor(f.discount);
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
  add_fleet_lines(fc, r);
}

void add_fleet_lines(const FleetCosting& fc, OptionResult& r) {
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
  r.provenance.push_back(
      {fmt::format("instance price ({})", to_string(s.fleet.pricing)), cite_price(c.sheet.cite(inst->line), f->discount)});
  evaluate_private_fleet(*f, c, r);
  const ReplicaSpec& spec = f->plan.model->spec();
  r.provenance.push_back({std::string("replica throughput (") + to_string(spec.provenance) + ")", spec.provenance_source});
  r.provenance.push_back({"ops costs", s.fleet.ops ? "profile option '" + o.id + "'" : std::string("profile ops")});
}

}  // namespace plan::detail

namespace plan::detail {

int commitment_months(const SelfHostedOption& s, const Option&, const PriceSheet&, const Profile*) {
  if (s.fleet.pricing == PricingTerm::reserved_1y) return 12;
  if (s.fleet.pricing == PricingTerm::reserved_3y) return 36;
  return 0;
}

std::optional<double> fleet_floor_cost_per_mtok(const Option& o, const OptionEvaluator& e) {
  OptionResult r = e(1.0);
  if (!r.self_hosted || r.self_hosted->replica_tokens_per_s <= 0 || r.self_hosted->gpus_per_replica <= 0)
    return std::nullopt;
  const auto& d = *r.self_hosted;
  const int per_instance = std::max(1, d.gpus_per_instance / d.gpus_per_replica);
  double usd_per_hour = d.usd_per_instance_hour;
  if (const FleetSpec* f = o.fleet(); f && f->pricing == PricingTerm::spot) usd_per_hour *= 1.0 + f->spot_interruption_overhead;
  return usd_per_hour / (per_instance * d.replica_tokens_per_s * seconds_per_hour) * tokens_per_mtok;
}

std::optional<double> floor_cost_per_mtok(const SelfHostedOption&, const OptionEvaluator& e, double) {
  return fleet_floor_cost_per_mtok(e.option(), e);
}

std::vector<std::string> price_changes(const SelfHostedOption& sh, const PriceSheet& a, const PriceSheet& b) {
  std::vector<std::string> out;
  const GpuInstance* ia = a.find_instance(sh.instance);
  const GpuInstance* ib = b.find_instance(sh.instance);
  if (!ia || !ib) {
    out.push_back(fmt::format("instance {} is {}", sh.instance, ia ? "missing from B's sheet" : "missing from A's sheet"));
    return out;
  }
  const PricingTerm t = sh.fleet.pricing;
  add_price(out, (std::string(to_string(t)) + "_per_hour").c_str(), instance_usd_per_hour(*ia, t),
            instance_usd_per_hour(*ib, t), a, ia->line, b, ib->line);
  if (ia->gpu_count != ib->gpu_count)
    out.push_back(fmt::format("gpu_count: {} -> {} ({} -> {})", ia->gpu_count, ib->gpu_count, a.cite(ia->line),
                              b.cite(ib->line)));
  return out;
}

void describe_fleet(const FleetSpec& f, Settings& s) {
  if (!f.model.empty()) s.model = f.model;
  s.tps = f.tokens_per_second_per_replica ? fmt::format("{}", *f.tokens_per_second_per_replica) : "none";
  s.min_replicas = std::to_string(f.min_replicas);
  s.autoscale = f.autoscale ? "true" : "false";
}

void describe(const SelfHostedOption& sh, const Option&, Settings& s) {
  describe_fleet(sh.fleet, s);
  s.term = to_string(sh.fleet.pricing);
  s.instance = sh.instance;
}

}  // namespace plan::detail

namespace plan::detail {
std::unique_ptr<ReplicaModel> replica_model(const SelfHostedOption& s, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, const ReplicaModelProvider* perf) {
  const GpuInstance* inst = sheet.find_instance(s.instance);
  return inst ? make_replica_model(o, *inst, WorkloadMix::of(p.workloads), perf) : nullptr;
}
}  // namespace plan::detail
