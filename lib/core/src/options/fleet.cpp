#include "plan/core/options/fleet.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "plan/core/base/units.hpp"

namespace plan {

int FleetPlan::replicas_per_instance() const {
  const int per = model ? model->spec().gpus_per_replica : 0;
  return per > 0 && instance ? std::max(1, instance->gpu_count / per) : 1;
}

std::string provenance_text(const std::optional<ThroughputProvenance>& p, const char* none) {
  return p ? to_string(*p) : none;
}

std::vector<std::string> fleet_problems(const FleetPlan& plan) {
  const ReplicaSpec& spec = plan.model->spec();
  if (!spec.feasible) return spec.reasons;
  const GpuInstance& inst = *plan.instance;
  if (spec.gpus_per_replica <= 0 || spec.gpus_per_replica > inst.gpu_count || inst.gpu_count % spec.gpus_per_replica != 0)
    return {fmt::format("a replica needs {} GPUs but instance {} has {} (replicas do not span instances)",
                        spec.gpus_per_replica, inst.id, inst.gpu_count)};
  return {};
}

std::optional<int> fleet_size_for(const FleetPlan& plan, const std::vector<Lane>& lanes, std::string* why) {
  const double need = private_capacity_needed(lanes);
  const auto n = plan.model->replicas_for(need);
  if (!n) {
    const double per_replica = plan.model->spec().capacity_requests_per_s;
    if (why) {
      if (per_replica > 0 && need / per_replica > max_fleet_count)
        *why = fmt::format("needs more than {:.0e} replicas ({:.4g} requests/s against {:.4g} per replica): check {}",
                           max_fleet_count, need, per_replica, plan.count_input);
      else
        *why = "no replica count meets the latency targets at peak";
    }
    return std::nullopt;
  }
  return std::max(plan.spec->min_replicas, *n);
}

FleetCosting cost_fleet(const FleetPlan& plan, int replicas, const Split& split, const WorkloadMix& mix, bool detail) {
  FleetCosting c;
  const ReplicaSpec& spec = plan.model->spec();
  const GpuInstance& inst = *plan.instance;
  const FleetSpec& f = *plan.spec;
  const int per_instance = plan.replicas_per_instance();
  SelfHostedDetail& d = c.detail;
  d.instance = inst.id;
  d.gpu = inst.gpu;
  d.gpus_per_replica = spec.gpus_per_replica;
  d.parallel = spec.parallel;
  d.gpus_per_instance = inst.gpu_count;
  d.usd_per_instance_hour = plan.usd_per_instance_hour;
  d.throughput_provenance = spec.provenance;
  d.throughput_source = spec.provenance_source;
  d.model_class = spec.model_class;
  d.replica_tokens_per_s = spec.capacity_requests_per_s * mix.tokens_per_request();
  const double mean_rps = split.private_requests_per_day / seconds_per_day;
  // Replica-hours per day the fleet runs, for utilisation.
  double replica_hours_per_day = 0;
  if (plan.owned) {
    // Bought servers: all of them run, all month, whatever the traffic needs.
    const OwnedHardware& h = *plan.owned;
    const int held = h.servers * per_instance;
    d.replicas = held;
    d.instances = h.servers;
    d.gpus = h.servers * inst.gpu_count;
    d.instance_hours_per_month = h.servers * hours_per_month;
    replica_hours_per_day = held * hours_per_day;
    const double capacity_rps = held * spec.capacity_requests_per_s;
    d.utilization = capacity_rps > 0 ? mean_rps / capacity_rps : 0;
    c.owned = owned_monthly_cost(h, d.utilization);
    d.usd_per_instance_hour = owned_monthly_cost(h, 1.0).total() / h.servers / hours_per_month;
    d.owned = OwnedFleetDetail{h, replicas, held, h.servers * owned_power_kw(h, d.utilization)};
    if (replicas > held) {
      c.feasible = false;
      c.reasons.push_back(fmt::format("needs {} replicas at peak but the {} owned servers hold {} ({} per server): an "
                                      "owned fleet does not grow with traffic",
                                      replicas, h.servers, held, per_instance));
    }
  } else {
    d.replicas = replicas;
    d.instances = (replicas + per_instance - 1) / per_instance;
    d.gpus = d.instances * inst.gpu_count;
    // Instance-hours: the peak fleet all month, or hour by hour when autoscaling.
    if (f.autoscale) {
      double instance_hours_per_day = 0;
      for (std::size_t h = 0; h < 24; ++h) {
        const int need = plan.model->replicas_for(split.private_sizing_rps[h]).value_or(replicas);
        const int n = std::min(replicas, std::max(f.min_replicas, need));
        instance_hours_per_day += (n + per_instance - 1) / per_instance;
        replica_hours_per_day += n;
      }
      d.instance_hours_per_month = instance_hours_per_day * days_per_month;
    } else {
      d.instance_hours_per_month = d.instances * hours_per_month;
      replica_hours_per_day = replicas * hours_per_day;
    }
    double billed_hours = d.instance_hours_per_month;
    if (f.pricing == PricingTerm::spot) billed_hours *= 1.0 + f.spot_interruption_overhead;
    c.gpu_compute_usd = billed_hours * plan.usd_per_instance_hour;
  }
  if (replicas > 0 && plan.ops) c.ops = *plan.ops;
  if (!detail) return c;

  if (f.pricing == PricingTerm::spot)
    c.notes.push_back(fmt::format("spot: {:.0f}% extra instance-hours for interruptions", f.spot_interruption_overhead * 100));
  const double capacity_rps = replica_hours_per_day / hours_per_day * spec.capacity_requests_per_s;
  d.utilization = capacity_rps > 0 ? mean_rps / capacity_rps : 0;
  const double peak_rps = *std::max_element(split.private_sizing_rps.begin(), split.private_sizing_rps.end());
  if (d.replicas > 0) d.latency_at_peak = plan.model->latency(peak_rps, d.replicas);
  if (d.replicas > 0 && peak_rps > 0 && plan.model->has_latency_model() && !d.latency_at_peak) {
    c.feasible = false;
    c.reasons.push_back(fmt::format("the queue of {} replicas is unstable at the peak of {:.4g} requests/s", d.replicas,
                                    peak_rps));
  }
  if (d.latency_at_peak && mix.tpot_ms && d.latency_at_peak->tpot_ms > *mix.tpot_ms * (1 + 1e-9)) {
    c.feasible = false;
    c.reasons.push_back(
        fmt::format("TPOT {:.1f} ms at peak exceeds the {:.1f} ms target", d.latency_at_peak->tpot_ms, *mix.tpot_ms));
  }
  if (d.latency_at_peak && mix.ttft_p95_ms && d.latency_at_peak->ttft_p95_ms > *mix.ttft_p95_ms * (1 + 1e-6)) {
    c.feasible = false;
    c.reasons.push_back(fmt::format("TTFT p95 {:.0f} ms at peak exceeds the {:.0f} ms target",
                                    d.latency_at_peak->ttft_p95_ms, *mix.ttft_p95_ms));
  }
  return c;
}

}  // namespace plan
