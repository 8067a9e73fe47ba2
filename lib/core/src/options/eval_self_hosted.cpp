// Self-hosted options: rented instances or owned servers running a replica model, sized and
// priced by the fleet path. A dedicated endpoint and a hybrid's private fleet use the same
// functions.
#include <algorithm>
#include <fmt/format.h>

#include "options/evaluators.hpp"
#include "plan/core/base/units.hpp"

namespace plan::detail {
namespace {

// Where a fleet's ops costs come from, for its provenance.
std::string ops_source(const Profile& p, const Option& o, const FleetSpec& f) {
  if (f.ops) return fmt::format("option '{}' ops at {}", o.id, to_string(o.loc_of("ops")));
  if (p.ops_loc.line > 0) return fmt::format("profile ops at {}", to_string(p.ops_loc));
  return "none given: $0 assumed";
}

}  // namespace

std::optional<GpuInstance> fleet_instance(const Option& o, const SelfHostedOption& s, const PriceSheet& sheet,
                                          std::string* why) {
  if (const auto& h = s.fleet.owned) {
    GpuInstance server;
    server.id = "owned:" + o.id;
    server.provider = "owned";
    server.instance = "owned server";
    server.gpu = h->gpu;
    server.gpu_count = h->gpu_count;
    return server;
  }
  const GpuInstance* inst = sheet.find_instance(s.instance);
  if (!inst) {
    if (why) *why = fmt::format("instance '{}' is not in price sheet {}", s.instance, sheet.version);
    return std::nullopt;
  }
  return *inst;
}

void check_air_gapped(const Profile& p, const std::string& who, OptionResult& r) {
  for (const auto& w : p.workloads) {
    if (auto why = air_gapped_exclusion(w, who)) infeasible(r, std::move(*why));
  }
}

std::optional<ReadyFleet> self_hosted_fleet(const Option& o, const SelfHostedOption& s, const EvalContext& c,
                                            OptionResult& r) {
  ReadyFleet f;
  f.plan.spec = &s.fleet;
  if (s.fleet.owned && s.fleet.owned->gpu.empty()) {
    infeasible(r, fmt::format("owned hardware '{}' has not been looked up in an owned-hardware list",
                              s.fleet.owned->hardware));
    return std::nullopt;
  }
  if (s.fleet.owned) {
    std::string why;
    f.server = std::make_unique<GpuInstance>(*fleet_instance(o, s, c.sheet, &why));
    f.plan.instance = f.server.get();
    f.plan.owned = &*s.fleet.owned;
  } else {
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
    f.discount = discount_for(c.profile, o, inst->provider);
    f.plan.instance = inst;
    f.plan.usd_per_instance_hour = *price * price_factor(f.discount);
  }
  const GpuInstance* inst = f.plan.instance;
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

namespace {
void add_capacity_doubt(const FleetPlan& plan, const EvalContext& c, const WorkloadMix& mix, int replicas,
                        const FleetCosting& fc, OptionResult& r);
}  // namespace

void evaluate_private_fleet(const ReadyFleet& f, const EvalContext& c, OptionResult& r) {
  for (const auto& n : f.plan.model->spec().notes) r.notes.push_back(n);
  auto problems = fleet_problems(f.plan);
  if (!problems.empty()) {
    for (auto& p : problems) infeasible(r, std::move(p));
    FleetCosting empty = cost_fleet(f.plan, 0, Split{}, WorkloadMix::of(c.profile.workloads), false);
    set_fleet(r, empty.detail);
    return;
  }
  std::vector<Lane> lanes = lanes_of(c.profile.workloads, c.scale);
  for (auto& l : lanes) l.private_only = true;
  std::string why;
  auto k = fleet_size_for(f.plan, lanes, &why);
  const WorkloadMix mix = WorkloadMix::of(c.profile.workloads);
  if (!k) {
    infeasible(r, why);
    set_fleet(r, cost_fleet(f.plan, 0, Split{}, mix, false).detail);
    return;
  }
  const Split split = split_traffic(lanes, f.plan.model->fleet_capacity(*k), true);
  FleetCosting fc = cost_fleet(f.plan, *k, split, mix, true);
  for (auto& n : fc.notes) r.notes.push_back(std::move(n));
  for (auto& why_not : fc.reasons) infeasible(r, std::move(why_not));
  if (!split.fits) infeasible(r, split.why_not);
  if (c.what_if_findings && fc.feasible && split.fits) add_capacity_doubt(f.plan, c, mix, *k, fc, r);
  add_fleet_lines(fc, r);
}

namespace {
// When the replica's capacity has a known gap to published measurements (a mixture of
// experts sized from the catalog alone), a note says what the plan would need at the far end
// of that gap: d times less capacity per replica sizes like d times the traffic.
void add_capacity_doubt(const FleetPlan& plan, const EvalContext& c, const WorkloadMix& mix, int replicas,
                        const FleetCosting& fc, OptionResult& r) {
  const ReplicaSpec& spec = plan.model->spec();
  const double d = spec.capacity_doubt;
  if (!(d > 1.0) || plan.owned) return;  // an owned fleet is the servers bought, whatever it serves
  std::vector<Lane> more = lanes_of(c.profile.workloads, c.scale * d);
  for (auto& l : more) l.private_only = true;
  const std::string head = fmt::format("capacity from the catalog alone: {}", spec.capacity_doubt_why);
  const auto k = fleet_size_for(plan, more, nullptr);
  if (!k) {
    r.notes.push_back(fmt::format("{}. With {:.2f}x less capacity per replica no fleet would meet the targets; a "
                                  "serving result measured on this deployment (plan calibrate import) settles it",
                                  head, d));
    return;
  }
  if (*k <= replicas) {
    r.notes.push_back(fmt::format("{}. With {:.2f}x less capacity per replica this plan still needs {} {}", head, d,
                                  replicas, replicas == 1 ? "replica" : "replicas"));
    return;
  }
  const FleetCosting worse = cost_fleet(plan, *k, split_traffic(more, plan.model->fleet_capacity(*k), true), mix, false);
  r.notes.push_back(fmt::format("{}. With {:.2f}x less capacity per replica this plan needs {} replicas ({:.2f} USD a "
                                "month) instead of {} ({:.2f}); a serving result measured on this deployment (plan "
                                "calibrate import) settles it",
                                head, d, *k, worse.total_usd(), replicas, fc.total_usd()));
}
}  // namespace

void add_fleet_lines(const FleetCosting& fc, OptionResult& r) {
  set_fleet(r, fc.detail);
  r.breakdown.gpu_compute = fc.gpu_compute_usd;
  r.breakdown.amortization = fc.owned.amortization;
  r.breakdown.energy = fc.owned.energy;
  r.breakdown.colocation = fc.owned.colocation;
  r.breakdown.maintenance = fc.owned.maintenance;
  r.breakdown.ops_labour = fc.ops.monthly_labour();
  r.breakdown.monitoring = fc.ops.monitoring_per_month;
  r.breakdown.storage = fc.ops.storage_per_month;
  r.breakdown.egress = fc.ops.egress_per_month;
}

void evaluate(const Option& o, const SelfHostedOption& s, const EvalContext& c, OptionResult& r) {
  r.model = s.fleet.model;
  check_accepted_models(c.profile, s.fleet.model, o.id, r);
  if (const auto& h = s.fleet.owned) {
    r.what = fmt::format("owned {}x ({}x {}) {}", h->servers, h->gpu_count, h->gpu, s.fleet.model);
  } else {
    check_air_gapped(c.profile, "rented instance " + s.instance, r);
    if (const GpuInstance* inst = c.sheet.find_instance(s.instance))
      r.what = fmt::format("{} ({}x {}) {}", inst->id, inst->gpu_count, inst->gpu, s.fleet.model);
  }
  auto f = self_hosted_fleet(o, s, c, r);
  if (!f) return;
  if (const auto& h = s.fleet.owned) {
    const std::string at = fmt::format("profile option '{}' (owned)", o.id);
    if (!h->figures_source.empty())
      r.provenance.push_back({fmt::format("server '{}' (gpu, gpu_count, power_kw, purchase_usd)", h->hardware),
                              h->figures_source});
    const bool financed = h->financing_rate_per_year.has_value();
    r.provenance.push_back({financed ? "amortization (annuity: purchase_usd, financing_rate_per_year, "
                                       "amortization_months, residual_share)"
                                     : "amortization ((purchase_usd - residual) / amortization_months)",
                            at});
    r.provenance.push_back({"energy (power_kw, idle_power_share, utilisation, pue, 730 h, usd_per_kwh)", at});
    r.provenance.push_back({h->facility_per_month ? "colocation (facility_per_month)"
                                                  : "colocation (colocation_per_kw_month x IT power_kw)",
                            at});
    r.provenance.push_back({"maintenance (maintenance_share_per_year x purchase_usd / 12)", at});
    if (h->lead_time_months > 0)
      r.notes.push_back(fmt::format("owned servers arrive {} months after the order: no capacity before then "
                                    "(plan project shows those months)", h->lead_time_months));
  } else {
    r.provenance.push_back(
        {fmt::format("instance price ({})", to_string(s.fleet.pricing)),
         cite_price(c.sheet.cite(f->plan.instance->line), f->discount)});
  }
  evaluate_private_fleet(*f, c, r);
  const ReplicaSpec& spec = f->plan.model->spec();
  r.provenance.push_back({std::string("replica throughput (") + to_string(spec.provenance) + ")", spec.provenance_source});
  r.provenance.push_back({"ops costs", ops_source(c.profile, o, s.fleet)});
  if (!s.fleet.ops && c.profile.ops_loc.line == 0)
    r.notes.push_back("no ops costs given (no ops: block in the option or the profile): $0 of labour, monitoring, "
                      "storage and egress assumed for this fleet");
}

}  // namespace plan::detail

namespace plan::detail {

ResultDetail empty_detail(const SelfHostedOption&) { return SelfHostedResult{}; }

std::optional<TokenOffering> token_offering(const SelfHostedOption&, const Option& o, const Profile&,
                                            const PriceSheet&, std::string* why) {
  if (why) *why = fmt::format("option '{}' is not billed per token", o.id);
  return std::nullopt;
}

std::optional<TokenEntry> token_entry(const SelfHostedOption&, const PriceSheet&) { return std::nullopt; }

bool bill_by(SelfHostedOption&, const std::string&) { return false; }

// An owned fleet is fixed, a hybrid sizes its private fleet: no hybrid of owned servers.
bool hybrid_private(const SelfHostedOption& s) { return !s.fleet.owned; }

std::optional<std::pair<std::string, std::string>> parts_of(const SelfHostedOption&) { return std::nullopt; }

std::string rented_instance(const SelfHostedOption& s) { return s.instance; }

std::optional<HeldCapacity> fleet_held(const std::optional<SelfHostedDetail>& f) {
  if (!f) return std::nullopt;
  return HeldCapacity{"replicas", f->replicas};
}

std::optional<FleetCapacity> fleet_serving(const std::optional<SelfHostedDetail>& f) {
  if (!f) return std::nullopt;
  return FleetCapacity{f->replicas, f->replicas * f->replica_tokens_per_s};
}

std::optional<HeldCapacity> held_capacity(const SelfHostedResult& d) { return fleet_held(d.fleet); }

std::optional<FleetCapacity> fleet_capacity(const SelfHostedResult& d, double) { return fleet_serving(d.fleet); }

// Replicas (owned: those the traffic needs), bought in instances.
CapacityNeed fleet_need(const SelfHostedDetail& f) {
  return {f.owned ? f.owned->replicas_needed : f.replicas, f.instances};
}

CapacityNeed capacity_need(const SelfHostedResult& d) { return d.fleet ? fleet_need(*d.fleet) : CapacityNeed{}; }

namespace {
// Owned servers: nothing to serve with (and nothing to run) before they arrive; on the cash
// basis the purchase replaces its amortisation.
void owned_month(const OwnedHardware& hw, const MonthTerms& t, MonthLine& line, CostBreakdown& b) {
  if (!owned_in_service(hw, t.month)) {
    b = CostBreakdown{};
    line.feasible = false;
    line.reasons = {fmt::format("the owned servers are not in service yet (lead time {} months: serving from "
                                "month {})", hw.lead_time_months, hw.lead_time_months + 1)};
    line.paid = 0;
    line.utilization = 0;
  }
  if (t.basis == CostBasis::cash) {
    b.amortization = 0;
    line.capital = round_cents(owned_capital_cash(hw, t.month));
  }
}
}  // namespace

void fleet_month(const SelfHostedDetail& f, const MonthTerms& t, MonthLine& line, CostBreakdown& b) {
  if (f.owned) line.paid = f.owned->replicas_held;
  line.utilization = f.utilization;
  // Committed instances held beyond need are paid for.
  if (t.commitment_months > 0 && t.held_blocks > t.needed_blocks && f.gpus_per_replica > 0) {
    const int per_instance = std::max(1, f.gpus_per_instance / f.gpus_per_replica);
    line.paid = t.held_blocks * per_instance;
    b.gpu_compute = t.held_blocks * hours_per_month * f.usd_per_instance_hour;
    line.utilization = line.paid > 0 ? f.utilization * f.replicas / line.paid : 0;
  }
  if (f.owned) owned_month(f.owned->hardware, t, line, b);
}

void price_month(const SelfHostedResult& d, const MonthTerms& t, MonthLine& line, CostBreakdown& b) {
  if (d.fleet) fleet_month(*d.fleet, t, line, b);
}

bool fleet_cost_defined(const std::optional<SelfHostedDetail>& f, const CostBreakdown& b) {
  return f && f->replicas > 0 && b.gpu_compute + b.amortization + b.energy + b.colocation + b.maintenance > 0;
}

bool cost_defined(const SelfHostedResult& d, const CostBreakdown& b) { return fleet_cost_defined(d.fleet, b); }

ProjectionTraits projection_traits(const SelfHostedOption&) { return {"instances are", true}; }

int commitment_months(const SelfHostedOption& s, const Option&, const PriceSheet&, const Profile*) {
  if (s.fleet.pricing == PricingTerm::reserved_1y) return 12;
  if (s.fleet.pricing == PricingTerm::reserved_3y) return 36;
  return 0;
}

std::optional<double> fleet_floor_cost_per_mtok(const Option& o, const OptionEvaluator& e) {
  OptionResult r = e(1.0);
  const SelfHostedDetail* fleet = fleet_detail(r);
  if (!fleet || fleet->replica_tokens_per_s <= 0 || fleet->gpus_per_replica <= 0) return std::nullopt;
  const auto& d = *fleet;
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
  if (sh.fleet.owned) return out;  // an owned fleet's figures are the profile's, not a sheet's
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
  s.term = sh.fleet.owned ? "owned" : to_string(sh.fleet.pricing);
  s.instance = sh.fleet.owned ? fmt::format("{} owned x {} {}", sh.fleet.owned->servers, sh.fleet.owned->gpu_count,
                                            sh.fleet.owned->gpu)
                              : sh.instance;
}

}  // namespace plan::detail

namespace plan::detail {
std::unique_ptr<ReplicaModel> replica_model(const SelfHostedOption& s, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, const ReplicaModelProvider* perf) {
  auto inst = fleet_instance(o, s, sheet, nullptr);
  return inst ? make_replica_model(o, *inst, WorkloadMix::of(p.workloads), perf) : nullptr;
}

RiskTraits fleet_risk_traits(const Option& o, const FleetSpec& f) {
  RiskTraits t;
  t.fleet_option = o.id;
  t.spot = f.pricing == PricingTerm::spot;
  t.spot_overhead = f.spot_interruption_overhead;
  return t;
}

RiskTraits risk_traits(const SelfHostedOption& s, const Option& o, const Profile&, const PriceSheet&) {
  return fleet_risk_traits(o, s.fleet);
}

}  // namespace plan::detail
