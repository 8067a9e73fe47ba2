// Managed offerings: on-demand tokens (the token path), provisioned model units, or a
// dedicated endpoint (the fleet path, on the endpoint seen as an instance billed per hour).
#include <algorithm>
#include <fmt/format.h>

#include "evaluators.hpp"
#include "plan/core/units.hpp"

namespace plan::detail {
namespace {

void evaluate_provisioned(const Option& o, const ManagedOption& mo, const ManagedOffering& m, const EvalContext& c,
                          OptionResult& r) {
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
  r.provisioned = pc;
  r.breakdown.provisioned_units = pc.usd_per_month;
  r.provenance.push_back({fmt::format("model-unit price (term {})", it->term), c.sheet.cite(it->line)});
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
  if (!m) return infeasible(r, fmt::format("offering '{}' is not in price sheet {}", mo.offering, c.sheet.version));
  r.what = fmt::format("{} {} ({})", m->provider, m->model, to_string(mo.mode));
  r.model = mo.fleet.model.empty() ? m->model : mo.fleet.model;
  switch (mo.mode) {
    case ManagedMode::on_demand: {
      std::string why;
      auto off = token_offering(o, c.sheet, &why);
      if (!off) return infeasible(r, why);
      r.provenance.push_back({"on-demand token prices", c.sheet.cite(m->line)});
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
  f.plan.usd_per_instance_hour = endpoint.on_demand_per_hour;
  f.plan.model = model;
  f.plan.ops = mo.fleet.ops;  // the provider runs the endpoint: only ops the option states
  f.plan.count_input = mo.fleet.tokens_per_second_per_replica
                           ? fmt::format("tokens_per_second_per_replica at {}:{}",
                                         o.loc_of("tokens_per_second_per_replica").file,
                                         o.loc_of("tokens_per_second_per_replica").line)
                           : "the catalog's throughput of " + r.model;
  evaluate_private_fleet(f, c, r);
  r.provenance.push_back({"endpoint price", c.sheet.cite(m->line)});
}

}  // namespace plan::detail
