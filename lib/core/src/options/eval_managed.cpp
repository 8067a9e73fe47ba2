// Managed offerings: on-demand tokens (the token path), provisioned model units, or a
// dedicated endpoint (the fleet path, on the endpoint seen as an instance billed per hour).
#include <algorithm>
#include <fmt/format.h>

#include "options/evaluators.hpp"
#include "plan/core/base/units.hpp"

namespace plan::detail {
namespace {

void evaluate_provisioned(const Option& o, const ManagedOption& mo, const ManagedOffering& m, const EvalContext& c,
                          OptionResult& r) {
  const auto discount = discount_for(c.profile, o, m.provider);
  if (!m.provisioned) return infeasible(r, fmt::format("offering {} has no provisioned throughput", m.id));
  const auto& terms = m.provisioned->terms;
  auto it = std::find_if(terms.begin(), terms.end(), [&](const ProvisionedTerm& t) { return t.term == mo.term; });
  if (it == terms.end()) return infeasible(r, fmt::format("offering {} has no provisioned term '{}'", m.id, mo.term));
  Provisioned unit = *m.provisioned;
  if (mo.unit_input_tokens_per_min) unit.input_tokens_per_min_per_unit = mo.unit_input_tokens_per_min;
  if (mo.unit_output_tokens_per_min) unit.output_tokens_per_min_per_unit = mo.unit_output_tokens_per_min;
  if (!unit.input_tokens_per_min_per_unit || !unit.output_tokens_per_min_per_unit)
    return infeasible(r, fmt::format("price sheet {} does not say how many tokens/min a unit of {} serves; give "
                                     "unit_input_tokens_per_min and unit_output_tokens_per_min in the option",
                                     c.sheet.version, m.id));
  if (mo.unit_input_tokens_per_min || mo.unit_output_tokens_per_min)
    r.provenance.push_back({"tokens/min per unit", "profile option '" + o.id + "'"});
  ProvisionedCost pc = provisioned_cost(c.profile.workloads, unit, *it, c.scale);
  if (pc.units == 0) {
    auto where = [&](const char* key, const std::optional<double>& given) {
      if (!given) return fmt::format("{} at {}", key, c.sheet.cite(m.line));
      const SourceLoc at = o.loc_of(key);
      return fmt::format("{} {} at {}:{}:{}", key, *given, at.file, at.line, at.col);
    };
    return infeasible(r, fmt::format("needs {:.3g} provisioned units (more than any fleet of {:.0e}): check {} and {}",
                                     pc.units_needed, max_fleet_count,
                                     where("unit_input_tokens_per_min", mo.unit_input_tokens_per_min),
                                     where("unit_output_tokens_per_min", mo.unit_output_tokens_per_min)));
  }
  pc.usd_per_month *= price_factor(discount);
  std::get<ManagedResult>(r.detail).provisioned = pc;
  r.breakdown.provisioned_units = pc.usd_per_month;
  r.provenance.push_back({fmt::format("model-unit price (term {})", it->term), cite_price(c.sheet.cite(it->line), discount)});
  if (it->months > 0) r.notes.push_back(fmt::format("commits to {} months of {} units", it->months, pc.units));
}

}  // namespace

// A dedicated endpoint seen as an instance billed per hour.
GpuInstance dedicated_instance(const ManagedOffering& m) {
  GpuInstance inst;
  inst.id = m.id;
  inst.provider = m.provider;
  inst.gpu = m.dedicated->gpu;
  inst.gpu_count = m.dedicated->gpu_count;
  inst.on_demand_per_hour = m.dedicated->usd_per_hour;
  inst.line = m.line;
  return inst;
}

void evaluate(const Option& o, const ManagedOption& mo, const EvalContext& c, OptionResult& r) {
  const ManagedOffering* m = c.sheet.find_managed(mo.offering);
  if (!m) {
    r.what = mo.offering;  // a label even when it cannot be priced
    return infeasible(r, fmt::format("offering '{}' is not in price sheet {}", mo.offering, c.sheet.version));
  }
  r.what = fmt::format("{} {} ({})", m->provider, m->model, to_string(mo.mode));
  r.model = mo.fleet.model.empty() ? m->model : mo.fleet.model;
  if (auto why = retired_reason(m->id, m->retires, c.sheet, m->line, m->successor)) return infeasible(r, *why);
  std::string successor_cost;
  if (m->successor && mo.mode == ManagedMode::on_demand && c.what_if_findings &&
      retires_within_horizon(m->retires, c.profile, c.sheet))
    successor_cost = successor_cost_text(o, *m->successor, c);
  if (auto f = retirement_finding(m->id, m->retires, c.profile, c.sheet, successor_cost)) r.notes.push_back(*f);
  const auto discount = discount_for(c.profile, o, m->provider);
  switch (mo.mode) {
    case ManagedMode::on_demand: {
      std::string why;
      auto off = token_offering(o, c.profile, c.sheet, &why);
      if (!off) return infeasible(r, why);
      r.provenance.push_back({"on-demand token prices", cite_price(c.sheet.cite(off->line), off->discount)});
      if (off->prices->batch_rule_line > 0)
        r.provenance.push_back({"batch prices (provider's batch rule)",
                                cite_price(c.sheet.cite(off->prices->batch_rule_line), off->discount)});
      const std::string what = r.what;
      evaluate_token_option(*off, c, r);
      r.what = what;
      return;
    }
    case ManagedMode::provisioned:
    case ManagedMode::dedicated: {
      // Capacity-priced modes receive every workload: the same rules as the token path.
      TokenOffering off;
      off.sheet_id = m->id;
      off.model = m->model;
      off.sheet_path = c.sheet.path;
      off.context_tokens = m->context_tokens;
      off.max_output_tokens = m->max_output_tokens;
      off.data_classes = &m->data_classes;
      off.line = m->line;
      for (const auto& w : c.profile.workloads)
        if (auto why = token_exclusion(c.profile, c.sheet, off, w)) infeasible(r, *why);
      if (mo.mode == ManagedMode::provisioned) return evaluate_provisioned(o, mo, *m, c, r);
      break;
    }
  }
  if (!m->dedicated) return infeasible(r, fmt::format("offering {} has no dedicated endpoints", m->id));
  ReadyFleet f;
  const GpuInstance endpoint = dedicated_instance(*m);
  const ReplicaModel* model = c.prebuilt;
  if (!model) {
    f.owned = build_replica_model(c.profile, c.sheet, o, c.perf);
    model = f.owned.get();
  }
  if (!model) return infeasible(r, "no throughput for this endpoint: set tokens_per_second_per_replica");
  f.plan.spec = &mo.fleet;
  f.plan.instance = &endpoint;
  f.discount = discount;
  f.plan.usd_per_instance_hour = endpoint.on_demand_per_hour * price_factor(discount);
  f.plan.model = model;
  f.plan.ops = mo.fleet.ops;  // the provider runs the endpoint: only ops the option states
  f.plan.count_input = mo.fleet.tokens_per_second_per_replica
                           ? fmt::format("tokens_per_second_per_replica at {}:{}",
                                         o.loc_of("tokens_per_second_per_replica").file,
                                         o.loc_of("tokens_per_second_per_replica").line)
                           : "the catalog's throughput of " + r.model;
  evaluate_private_fleet(f, c, r);
  r.provenance.push_back({"endpoint price", cite_price(c.sheet.cite(m->line), discount)});
}

}  // namespace plan::detail

namespace plan::detail {
namespace {

const ProvisionedTerm* provisioned_term(const ManagedOption& mo, const PriceSheet& sheet) {
  if (mo.mode != ManagedMode::provisioned) return nullptr;
  const ManagedOffering* m = sheet.find_managed(mo.offering);
  if (!m || !m->provisioned) return nullptr;
  for (const auto& t : m->provisioned->terms)
    if (t.term == mo.term) return &t;
  return nullptr;
}

}  // namespace

ResultDetail empty_detail(const ManagedOption&) { return ManagedResult{}; }

// Its on-demand prices, whatever the option's mode.
std::optional<TokenOffering> token_offering(const ManagedOption& mo, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, std::string* why) {
  const ManagedOffering* m = sheet.find_managed(mo.offering);
  if (!m) {
    if (why) *why = fmt::format("offering '{}' is not in price sheet {}", mo.offering, sheet.version);
    return std::nullopt;
  }
  if (auto r = retired_reason(m->id, m->retires, sheet, m->line, m->successor)) {
    if (why) *why = *r;
    return std::nullopt;
  }
  if (!m->on_demand) {
    if (why) *why = fmt::format("offering {} has no on-demand prices", m->id);
    return std::nullopt;
  }
  TokenOffering off;
  if (!fill_offering(off, *m, m->model, *m->on_demand, mo.tier, mo.service_tier, p, o, sheet, why))
    return std::nullopt;
  return off;
}

std::optional<TokenEntry> token_entry(const ManagedOption& mo, const PriceSheet& sheet) {
  const ManagedOffering* m = sheet.find_managed(mo.offering);
  if (!m) return std::nullopt;
  return TokenEntry{m->id, m->retires, m->successor, m->line, mo.mode == ManagedMode::on_demand};
}

bool bill_by(ManagedOption& k, const std::string& entry) {
  k.offering = entry;
  return true;
}

bool hybrid_private(const ManagedOption&) { return false; }

std::optional<std::pair<std::string, std::string>> parts_of(const ManagedOption&) { return std::nullopt; }

std::string rented_instance(const ManagedOption&) { return {}; }

std::optional<HeldCapacity> held_capacity(const ManagedResult& d) {
  if (d.fleet) return fleet_held(d.fleet);
  if (d.provisioned) return HeldCapacity{"provisioned units", d.provisioned->units};
  return std::nullopt;
}

std::optional<FleetCapacity> fleet_capacity(const ManagedResult& d, double) { return fleet_serving(d.fleet); }

// A dedicated endpoint: its fleet; provisioned: units, each a committed block.
CapacityNeed capacity_need(const ManagedResult& d) {
  if (d.fleet) return fleet_need(*d.fleet);
  if (d.provisioned) return {d.provisioned->units, d.provisioned->units};
  return {};
}

void price_month(const ManagedResult& d, const MonthTerms& t, MonthLine& line, CostBreakdown& b) {
  if (d.fleet) return fleet_month(*d.fleet, t, line, b);
  if (!d.provisioned) return;
  const ProvisionedCost& pc = *d.provisioned;
  if (t.commitment_months > 0 && t.held_blocks > t.needed_blocks && pc.units > 0) {
    line.paid = t.held_blocks;
    b.provisioned_units = pc.usd_per_month / pc.units * t.held_blocks;
  }
  // Provisioned units: time-averaged demand over the units paid for (docs/finance.md).
  if (line.paid > 0) line.utilization = pc.average_units_needed / line.paid;
}

bool cost_defined(const ManagedResult& d, const CostBreakdown& b) {
  return d.tokens || d.provisioned || fleet_cost_defined(d.fleet, b);
}

ProjectionTraits projection_traits(const ManagedOption&) { return {"units are", false}; }

int commitment_months(const ManagedOption& mo, const Option&, const PriceSheet& sheet, const Profile*) {
  const ProvisionedTerm* t = provisioned_term(mo, sheet);
  return t ? t->months : 0;
}

std::optional<double> floor_cost_per_mtok(const ManagedOption& mo, const OptionEvaluator& e, double tokens_per_day_today) {
  switch (mo.mode) {
    case ManagedMode::on_demand: return token_floor_cost_per_mtok(e);
    case ManagedMode::provisioned: {
      // Units are bought whole: at a very large volume the rounding up no longer counts.
      const double monthly_tokens_today = tokens_per_day_today * days_per_month;
      OptionResult r = e(1e15 / monthly_tokens_today);
      if (!provisioned_cost(r) || r.monthly_tokens <= 0) return std::nullopt;
      return r.breakdown.provisioned_units / r.monthly_tokens * tokens_per_mtok;
    }
    case ManagedMode::dedicated: return fleet_floor_cost_per_mtok(e.option(), e);
  }
  return std::nullopt;
}

std::vector<std::string> price_changes(const ManagedOption& mo, const PriceSheet& a, const PriceSheet& b) {
  std::vector<std::string> out;
  const ManagedOffering* ma = a.find_managed(mo.offering);
  const ManagedOffering* mb = b.find_managed(mo.offering);
  if (!ma || !mb) {
    out.push_back(fmt::format("offering {} is {}", mo.offering, ma ? "missing from B's sheet" : "missing from A's sheet"));
    return out;
  }
  if (mo.mode == ManagedMode::on_demand && ma->on_demand && mb->on_demand)
    add_token_prices(out, "on_demand.", *ma->on_demand, *mb->on_demand, a, ma->line, b, mb->line);
  if (mo.mode == ManagedMode::provisioned && ma->provisioned && mb->provisioned) {
    auto term = [&](const ManagedOffering& m) -> const ProvisionedTerm* {
      for (const auto& t : m.provisioned->terms)
        if (t.term == mo.term) return &t;
      return nullptr;
    };
    const ProvisionedTerm* ta = term(*ma);
    const ProvisionedTerm* tb = term(*mb);
    add_price(out, "provisioned usd_per_unit_hour", ta ? std::optional<double>(ta->usd_per_unit_hour) : std::nullopt,
              tb ? std::optional<double>(tb->usd_per_unit_hour) : std::nullopt, a, ta ? ta->line : ma->line, b,
              tb ? tb->line : mb->line);
    add_price(out, "provisioned input_tokens_per_min_per_unit", ma->provisioned->input_tokens_per_min_per_unit,
              mb->provisioned->input_tokens_per_min_per_unit, a, ma->line, b, mb->line);
    add_price(out, "provisioned output_tokens_per_min_per_unit", ma->provisioned->output_tokens_per_min_per_unit,
              mb->provisioned->output_tokens_per_min_per_unit, a, ma->line, b, mb->line);
  }
  if (mo.mode == ManagedMode::dedicated && ma->dedicated && mb->dedicated)
    add_price(out, "dedicated usd_per_hour", ma->dedicated->usd_per_hour, mb->dedicated->usd_per_hour, a, ma->line, b,
              mb->line);
  return out;
}

void describe(const ManagedOption& mo, const Option&, Settings& s) {
  s.offering = mo.offering;
  s.mode = to_string(mo.mode);
  s.term = mo.term;
  if (mo.mode == ManagedMode::dedicated) describe_fleet(mo.fleet, s);
}

}  // namespace plan::detail

namespace plan::detail {
// A dedicated endpoint's replicas run the offering's model unless the option names one.
std::unique_ptr<ReplicaModel> replica_model(const ManagedOption& mo, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, const ReplicaModelProvider* perf) {
  if (mo.mode != ManagedMode::dedicated) return nullptr;
  const ManagedOffering* m = sheet.find_managed(mo.offering);
  if (!m || !m->dedicated) return nullptr;
  const GpuInstance inst = dedicated_instance(*m);
  Option so = o;
  FleetSpec& f = std::get<ManagedOption>(so.spec).fleet;
  if (f.model.empty()) f.model = m->model;
  f.model_named_by_provider = true;
  return make_replica_model(so, inst, WorkloadMix::of(p.workloads), perf);
}

RiskTraits risk_traits(const ManagedOption& mo, const Option& o, const Profile&, const PriceSheet& sheet) {
  if (mo.mode == ManagedMode::dedicated) return fleet_risk_traits(o, mo.fleet);
  RiskTraits t;
  if (mo.mode == ManagedMode::on_demand)
    if (const ManagedOffering* m = sheet.find_managed(mo.offering)) t.token_provider = m->provider;
  return t;
}

}  // namespace plan::detail
