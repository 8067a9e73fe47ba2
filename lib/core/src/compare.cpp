#include "plan/core/compare.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "plan/core/units.hpp"

namespace plan {

double CostBreakdown::total() const {
  double t = 0;
  for (const auto& [name, v] : lines()) t += v;
  return t;
}

std::vector<std::pair<const char*, double>> CostBreakdown::lines() const {
  return {{"api_tokens", api_tokens}, {"provisioned_units", provisioned_units},
          {"gpu_compute", gpu_compute}, {"ops_labour", ops_labour},
          {"monitoring", monitoring}, {"storage", storage}, {"egress", egress}};
}

double round_cents(double usd) { return std::round(usd * 100.0) / 100.0; }

// Totals are the sum of cent-rounded lines, so a printed total always equals the sum of
// its printed lines.
void finish_totals(OptionResult& r) {
  double cents = 0;
  for (const auto& [name, v] : r.breakdown.lines()) cents += std::round(v * 100.0);
  r.monthly_cost_usd = cents / 100.0;
  r.cost_per_mtok_usd = r.monthly_tokens > 0 ? r.monthly_cost_usd / r.monthly_tokens * tokens_per_mtok : 0.0;
}

std::optional<std::string> data_class_exclusion(const Profile& p, const PriceSheet& sheet, const Option& o,
                                                const Workload& w) {
  if (o.kind != OptionKind::api && o.kind != OptionKind::managed) return std::nullopt;
  const auto& policy = p.policy.self_hosted_only;
  if (std::find(policy.begin(), policy.end(), w.data_class) != policy.end()) {
    return fmt::format("workload '{}' has data class '{}', which the profile's policy keeps on self-hosted GPUs "
                       "(policy.self_hosted_only at {}:{})",
                       w.id, w.data_class, p.policy.loc.file, p.policy.loc.line);
  }
  const std::vector<std::string>* allowed = nullptr;
  std::string who;
  int line = 0;
  if (o.kind == OptionKind::api) {
    if (const ApiModel* m = sheet.find_api(o.model)) allowed = &m->data_classes, who = m->id, line = m->line;
  } else if (const ManagedOffering* m = sheet.find_managed(o.offering)) {
    allowed = &m->data_classes, who = m->id, line = m->line;
  }
  if (!allowed || allowed->empty()) return std::nullopt;
  if (std::find(allowed->begin(), allowed->end(), w.data_class) != allowed->end()) return std::nullopt;
  return fmt::format("workload '{}' has data class '{}', which {} may not receive (allowed: {}; {})", w.id,
                     w.data_class, who, fmt::join(*allowed, ", "), sheet.cite(line));
}

std::unique_ptr<ReplicaModel> make_replica_model(const Option& o, const GpuInstance& inst, const WorkloadMix& mix,
                                                 const ReplicaModelProvider* perf) {
  if (o.tokens_per_second_per_replica) return std::make_unique<OverrideReplicaModel>(o, inst, mix);
  if (perf) return perf->make(o, inst, mix);
  return nullptr;
}

namespace {

// Marks the option infeasible, saying why.
void infeasible(OptionResult& r, std::string why) {
  r.feasible = false;
  r.reasons.push_back(std::move(why));
}

void check_data_classes(const Profile& p, const PriceSheet& sheet, const Option& o, OptionResult& r) {
  for (const auto& w : p.workloads) {
    if (auto why = data_class_exclusion(p, sheet, o, w)) {
      infeasible(r, *why);
    }
  }
}

void add_token_costs(const Profile& p, const TokenPrices& prices, double scale, OptionResult& r) {
  TokenCost total;
  for (const auto& w : p.workloads) total += token_cost(w, prices, scale);
  r.token_detail = total;
  r.breakdown.api_tokens = total.total();
}

void check_limits(const Profile& p, const std::vector<RateLimit>& limits, const std::optional<std::string>& tier,
                  double scale, OptionResult& r) {
  if (limits.empty()) {
    r.notes.push_back("the price sheet lists no rate limits for this offering; not checked");
    return;
  }
  const RateLimit* lim = &limits.back();  // the highest tier listed
  if (tier) {
    auto it = std::find_if(limits.begin(), limits.end(), [&](const RateLimit& l) { return l.tier == *tier; });
    if (it != limits.end()) lim = &*it;
  }
  r.rate_check = check_rate_limits(p.workloads, *lim, scale);
  for (const auto& e : r.rate_check->exceeded) {
    infeasible(r, e);
  }
}

void evaluate_api(const Profile& p, const PriceSheet& sheet, const Option& o, double scale, OptionResult& r) {
  const ApiModel* m = sheet.find_api(o.model);
  if (!m) {
    infeasible(r, fmt::format("model '{}' is not in price sheet {}", o.model, sheet.version));
    return;
  }
  r.what = m->provider + " " + m->id;
  add_token_costs(p, m->prices, scale, r);
  r.provenance.push_back({"token prices", sheet.cite(m->line)});
  check_limits(p, m->rate_limits, o.tier, scale, r);
  check_data_classes(p, sheet, o, r);
  if (m->context_tokens) {
    for (const auto& w : p.workloads) {
      if (w.tokens_per_request() > *m->context_tokens) {
        infeasible(r, fmt::format("workload '{}' needs {:.0f} tokens per request; {} has a {:.0f}-token context",
                                  w.id, w.tokens_per_request(), m->id, *m->context_tokens));
      }
    }
  }
}

void add_ops(const OpsCosts& ops, OptionResult& r) {
  r.breakdown.ops_labour = ops.monthly_labour();
  r.breakdown.monitoring = ops.monitoring_per_month;
  r.breakdown.storage = ops.storage_per_month;
  r.breakdown.egress = ops.egress_per_month;
}

// Fleet of instances serving the profile's traffic: used by self-hosted options and by
// dedicated managed endpoints.
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

void evaluate_fleet(const Profile& p, const Option& o, const GpuInstance& inst, double usd_per_hour,
                    const ReplicaModel& model, double scale, OptionResult& r) {
  const ReplicaSpec& spec = model.spec();
  SelfHostedDetail d;
  d.instance = inst.id;
  d.gpu = inst.gpu;
  d.gpus_per_replica = spec.gpus_per_replica;
  d.gpus_per_instance = inst.gpu_count;
  d.usd_per_instance_hour = usd_per_hour;
  d.throughput_provenance = spec.provenance;
  d.throughput_source = spec.provenance_source;
  for (const auto& n : spec.notes) r.notes.push_back(n);
  if (!spec.feasible) {
    r.feasible = false;
    for (const auto& why : spec.reasons) r.reasons.push_back(why);
    r.self_hosted = d;
    return;
  }
  if (spec.gpus_per_replica > inst.gpu_count || inst.gpu_count % spec.gpus_per_replica != 0) {
    infeasible(r, fmt::format("a replica needs {} GPUs but instance {} has {} (replicas do not span instances)",
                              spec.gpus_per_replica, inst.id, inst.gpu_count));
    r.self_hosted = d;
    return;
  }
  const int replicas_per_instance = inst.gpu_count / spec.gpus_per_replica;
  const double tokens_per_request = WorkloadMix::of(p.workloads).tokens_per_request();
  d.replica_tokens_per_s = spec.capacity_requests_per_s * tokens_per_request;

  auto rps = [scale](const Workload& w) { return w.requests_per_day * scale; };
  const auto peak_hours = hourly_rate_per_s(p.workloads, rps, true);
  const double peak_rps = *std::max_element(peak_hours.begin(), peak_hours.end());
  const int at_peak = model.replicas_for(peak_rps);
  if (at_peak < 0) {
    infeasible(r, "no replica count meets the latency targets at peak");
    r.self_hosted = d;
    return;
  }
  d.replicas = std::max(o.min_replicas, at_peak);
  d.instances = (d.replicas + replicas_per_instance - 1) / replicas_per_instance;
  d.gpus = d.instances * inst.gpu_count;
  d.latency_at_peak = model.latency(peak_rps, d.replicas);

  // Instance-hours: the peak fleet all month, or hour by hour when autoscaling.
  double replica_hours_per_day = 0;
  if (o.autoscale) {
    double instance_hours_per_day = 0;
    for (size_t h = 0; h < 24; ++h) {
      int n = std::max(o.min_replicas, model.replicas_for(peak_hours[h]));
      instance_hours_per_day += (n + replicas_per_instance - 1) / replicas_per_instance;
      replica_hours_per_day += n;
    }
    d.instance_hours_per_month = instance_hours_per_day * days_per_month;
  } else {
    d.instance_hours_per_month = d.instances * hours_per_month;
    replica_hours_per_day = d.replicas * hours_per_day;
  }
  double gpu_hours = d.instance_hours_per_month;
  if (o.pricing == PricingTerm::spot) {
    gpu_hours *= 1.0 + o.spot_interruption_overhead;
    r.notes.push_back(fmt::format("spot: {:.0f}% extra instance-hours for interruptions",
                                  o.spot_interruption_overhead * 100));
  }
  r.breakdown.gpu_compute = gpu_hours * usd_per_hour;

  const double avg_rps = p.requests_per_day() * scale / seconds_per_day;
  const double capacity_rps_hours = replica_hours_per_day / hours_per_day * spec.capacity_requests_per_s;
  d.utilization = capacity_rps_hours > 0 ? avg_rps / capacity_rps_hours : 0;
  if (d.latency_at_peak) {
    if (p.workloads.size() && WorkloadMix::of(p.workloads).tpot_ms &&
        d.latency_at_peak->tpot_ms > *WorkloadMix::of(p.workloads).tpot_ms * (1 + 1e-9)) {
      infeasible(r, fmt::format("TPOT {:.1f} ms at peak exceeds the {:.1f} ms target", d.latency_at_peak->tpot_ms,
                                *WorkloadMix::of(p.workloads).tpot_ms));
    }
  }
  r.self_hosted = d;
}

// The replica model to size with: `prebuilt` when the caller built one ahead (sweeps reuse
// it), else a new one that `owned` keeps alive; null when there is no throughput to size with.
const ReplicaModel* replica_model_for(const ReplicaModel* prebuilt, std::unique_ptr<ReplicaModel>& owned,
                                      const Profile& p, const PriceSheet& sheet, const Option& o,
                                      const ReplicaModelProvider* perf) {
  if (prebuilt) return prebuilt;
  owned = build_replica_model(p, sheet, o, perf);
  return owned.get();
}

void evaluate_self_hosted(const Profile& p, const PriceSheet& sheet, const Option& o,
                          const ReplicaModelProvider* perf, const ReplicaModel* prebuilt, double scale,
                          OptionResult& r) {
  const GpuInstance* inst = sheet.find_instance(o.instance);
  if (!inst) {
    infeasible(r, fmt::format("instance '{}' is not in price sheet {}", o.instance, sheet.version));
    return;
  }
  r.what = fmt::format("{} ({}x {}) {}", inst->id, inst->gpu_count, inst->gpu, o.model);
  auto price = instance_usd_per_hour(*inst, o.pricing);
  if (!price) {
    infeasible(r, fmt::format("price sheet {} has no {} price for instance {}", sheet.version,
                              to_string(o.pricing), inst->id));
    return;
  }
  r.provenance.push_back({fmt::format("instance price ({})", to_string(o.pricing)), sheet.cite(inst->line)});
  std::unique_ptr<ReplicaModel> owned;
  const ReplicaModel* model = replica_model_for(prebuilt, owned, p, sheet, o, perf);
  if (!model) {
    infeasible(r, "no throughput for this replica: set tokens_per_second_per_replica or use a catalog model");
    return;
  }
  evaluate_fleet(p, o, *inst, *price, *model, scale, r);
  r.provenance.push_back({"replica throughput (" + model->spec().provenance + ")", model->spec().provenance_source});
  add_ops(o.ops.value_or(p.ops), r);
  if (o.ops) r.provenance.push_back({"ops costs", "profile option '" + o.id + "'"});
  else r.provenance.push_back({"ops costs", "profile ops"});
}

void evaluate_managed(const Profile& p, const PriceSheet& sheet, const Option& o, const ReplicaModelProvider* perf,
                      const ReplicaModel* prebuilt, double scale, OptionResult& r) {
  const ManagedOffering* m = sheet.find_managed(o.offering);
  if (!m) {
    infeasible(r, fmt::format("offering '{}' is not in price sheet {}", o.offering, sheet.version));
    return;
  }
  r.what = fmt::format("{} {} ({})", m->provider, m->model, to_string(o.mode));
  check_data_classes(p, sheet, o, r);
  switch (o.mode) {
    case ManagedMode::on_demand:
      if (!m->on_demand) {
        infeasible(r, fmt::format("offering {} has no on-demand prices", m->id));
        return;
      }
      add_token_costs(p, *m->on_demand, scale, r);
      r.provenance.push_back({"on-demand token prices", sheet.cite(m->line)});
      check_limits(p, m->rate_limits, o.tier, scale, r);
      return;
    case ManagedMode::provisioned: {
      if (!m->provisioned) {
        infeasible(r, fmt::format("offering {} has no provisioned throughput", m->id));
        return;
      }
      const auto& terms = m->provisioned->terms;
      auto it = std::find_if(terms.begin(), terms.end(), [&](const ProvisionedTerm& t) { return t.term == o.term; });
      if (it == terms.end()) {
        infeasible(r, fmt::format("offering {} has no provisioned term '{}'", m->id, o.term));
        return;
      }
      Provisioned unit = *m->provisioned;
      if (o.unit_input_tokens_per_min) unit.input_tokens_per_min_per_unit = o.unit_input_tokens_per_min;
      if (o.unit_output_tokens_per_min) unit.output_tokens_per_min_per_unit = o.unit_output_tokens_per_min;
      if (!unit.input_tokens_per_min_per_unit || !unit.output_tokens_per_min_per_unit) {
        infeasible(r, fmt::format("price sheet {} does not say how many tokens/min a unit of {} serves; give "
                                  "unit_input_tokens_per_min and unit_output_tokens_per_min in the option",
                                  sheet.version, m->id));
        return;
      }
      if (o.unit_input_tokens_per_min || o.unit_output_tokens_per_min)
        r.provenance.push_back({"tokens/min per unit", "profile option '" + o.id + "'"});
      r.provisioned = provisioned_cost(p.workloads, unit, *it, scale);
      r.breakdown.provisioned_units = r.provisioned->usd_per_month;
      r.provenance.push_back({fmt::format("model-unit price (term {})", it->term), sheet.cite(it->line)});
      if (it->months > 0) r.notes.push_back(fmt::format("commits to {} months of {} units", it->months, r.provisioned->units));
      return;
    }
    case ManagedMode::dedicated: {
      if (!m->dedicated) {
        infeasible(r, fmt::format("offering {} has no dedicated endpoints", m->id));
        return;
      }
      const GpuInstance inst = dedicated_instance(*m);
      Option so = o;
      if (so.model.empty()) so.model = m->model;
      std::unique_ptr<ReplicaModel> owned;
      const ReplicaModel* model = replica_model_for(prebuilt, owned, p, sheet, o, perf);
      if (!model) {
        infeasible(r, "no throughput for this endpoint: set tokens_per_second_per_replica");
        return;
      }
      evaluate_fleet(p, so, inst, inst.on_demand_per_hour, *model, scale, r);
      r.provenance.push_back({"endpoint price", sheet.cite(m->line)});
      // The provider runs the endpoint: only ops costs the option states are added.
      if (o.ops) add_ops(*o.ops, r);
      return;
    }
  }
}

}  // namespace

std::unique_ptr<ReplicaModel> build_replica_model(const Profile& p, const PriceSheet& sheet, const Option& o,
                                                  const ReplicaModelProvider* perf) {
  const WorkloadMix mix = WorkloadMix::of(p.workloads);
  if (o.kind == OptionKind::self_hosted) {
    const GpuInstance* inst = sheet.find_instance(o.instance);
    return inst ? make_replica_model(o, *inst, mix, perf) : nullptr;
  }
  if (o.kind == OptionKind::hybrid) {
    const Option* priv = p.find_option(o.private_option);
    return priv && priv->kind == OptionKind::self_hosted ? build_replica_model(p, sheet, *priv, perf) : nullptr;
  }
  if (o.kind == OptionKind::managed && o.mode == ManagedMode::dedicated) {
    const ManagedOffering* m = sheet.find_managed(o.offering);
    if (!m || !m->dedicated) return nullptr;
    const GpuInstance inst = dedicated_instance(*m);
    Option so = o;
    if (so.model.empty()) so.model = m->model;
    return make_replica_model(so, inst, mix, perf);
  }
  return nullptr;
}

OptionResult evaluate_option(const Profile& p, const PriceSheet& sheet, const Option& o,
                             const ReplicaModelProvider* perf, const EvalSettings& settings) {
  return evaluate_option(p, sheet, o, perf, nullptr, settings);
}

OptionResult evaluate_option(const Profile& p, const PriceSheet& sheet, const Option& o,
                             const ReplicaModelProvider* perf, const ReplicaModel* prebuilt,
                             const EvalSettings& settings) {
  OptionResult r;
  r.id = o.id;
  r.kind = o.kind;
  const double scale = settings.volume_scale;
  r.monthly_tokens = p.tokens_per_day() * scale * days_per_month;
  r.monthly_requests = p.requests_per_day() * scale * days_per_month;
  switch (o.kind) {
    case OptionKind::api: evaluate_api(p, sheet, o, scale, r); break;
    case OptionKind::managed: evaluate_managed(p, sheet, o, perf, prebuilt, scale, r); break;
    case OptionKind::self_hosted: evaluate_self_hosted(p, sheet, o, perf, prebuilt, scale, r); break;
    case OptionKind::hybrid: evaluate_hybrid(p, sheet, o, perf, prebuilt, scale, r); break;
  }
  finish_totals(r);
  return r;
}

OptionEvaluator::OptionEvaluator(const Profile& p, const PriceSheet& sheet, const Option& o,
                                 const ReplicaModelProvider* perf)
    : profile_(&p), sheet_(&sheet), option_(&o), perf_(perf), model_(build_replica_model(p, sheet, o, perf)) {}

OptionResult OptionEvaluator::operator()(double volume_scale) const {
  EvalSettings s;
  s.volume_scale = volume_scale;
  return evaluate_option(*profile_, *sheet_, *option_, perf_, model_.get(), s);
}

CompareResult compare(const Profile& p, const PriceSheet& sheet, const ReplicaModelProvider* perf,
                      const EvalSettings& settings) {
  CompareResult c;
  c.profile_name = p.name;
  c.profile_path = p.path;
  c.price_sheet_version = sheet.version;
  c.price_sheet_path = sheet.path;
  c.price_sheet_sha256 = sheet.sha256;
  c.currency = sheet.currency;
  c.hours_per_month = hours_per_month;
  c.monthly_tokens = p.tokens_per_day() * settings.volume_scale * days_per_month;
  c.monthly_requests = p.requests_per_day() * settings.volume_scale * days_per_month;
  for (const auto& o : p.options) c.options.push_back(evaluate_option(p, sheet, o, perf, settings));
  const OptionResult* best = nullptr;
  for (const auto& r : c.options) {
    if (r.feasible && (!best || r.monthly_cost_usd < best->monthly_cost_usd)) best = &r;
  }
  if (best) c.cheapest = best->id;
  return c;
}

}  // namespace plan
