#include "plan/core/serving/replica_model.hpp"

#include <algorithm>
#include <cmath>

#include "plan/core/data/traffic.hpp"

namespace plan {

WorkloadMix WorkloadMix::of(const std::vector<Workload>& workloads) {
  WorkloadMix mix;
  double requests = 0;
  double cached = 0;
  for (const auto& w : workloads) {
    requests += w.requests_per_day;
    cached += w.requests_per_day * w.input_tokens * w.cached_input_share;
    if (w.cached_input_share > 0)
      mix.shared_prefix_tokens += w.shared_prefix_tokens.value_or(w.cached_input_share * w.input_tokens);
    mix.input_tokens += w.requests_per_day * w.input_tokens;
    mix.output_tokens += w.requests_per_day * w.output_tokens;
    if (w.ttft_p95_ms) mix.ttft_p95_ms = std::min(mix.ttft_p95_ms.value_or(*w.ttft_p95_ms), *w.ttft_p95_ms);
    if (w.tpot_ms) mix.tpot_ms = std::min(mix.tpot_ms.value_or(*w.tpot_ms), *w.tpot_ms);
    mix.long_request_tokens = std::max(mix.long_request_tokens, w.long_request_tokens());
    if (w.input_tokens_p99 || w.output_tokens_p99) mix.long_request_from_p99 = true;
  }
  if (mix.input_tokens > 0) mix.cached_input_share = cached / mix.input_tokens;
  if (requests > 0) {
    mix.input_tokens /= requests;
    mix.output_tokens /= requests;
  } else if (!workloads.empty()) {
    mix.input_tokens = workloads.front().input_tokens;
    mix.output_tokens = workloads.front().output_tokens;
  }
  return mix;
}

std::optional<int> ReplicaModel::replicas_for(double requests_per_s) const {
  const auto& s = spec();
  if (requests_per_s <= 0) return 0;
  if (s.capacity_requests_per_s <= 0) return std::nullopt;
  return checked_count(requests_per_s / s.capacity_requests_per_s);
}

double ReplicaModel::fleet_capacity(int replicas) const {
  if (auto it = capacity_cache_.find(replicas); it != capacity_cache_.end()) return it->second;
  const double cap = [&]() -> double {
  if (replicas <= 0) return 0;
  const double per_replica = spec().capacity_requests_per_s;
  if (per_replica <= 0) return 0;
  // replicas_for() is monotone in the rate: bisect for the largest rate it serves with
  // `replicas`. The override model gives exactly replicas x per-replica capacity.
  // Queueing only lowers the capacity below replicas x per-replica capacity, and by less
  // than half for any fleet that meets its targets at all, so the bracket starts there.
  auto ok = [&](double rate) { return serves(rate, replicas); };
  double hi = replicas * per_replica;
  if (ok(hi)) return hi;
  // A larger pool queues less, so capacity per replica does not fall as the fleet grows:
  // the nearest smaller fleet already computed gives a tighter lower end (checked).
  double lo = 0.5 * hi;
  double from_cache = 0;
  if (auto it = capacity_cache_.lower_bound(replicas); it != capacity_cache_.begin()) {
    --it;
    if (it->first > 0) from_cache = it->second / it->first * replicas;
  }
  if (from_cache > lo && from_cache < hi && ok(from_cache)) {
    lo = from_cache;
  } else if (!ok(lo)) {
    lo = 0;
  }
  // Relative precision 1e-7 of the capacity: about 24 halvings of the bracket.
  while (hi - lo > 1e-7 * hi) {
    double mid = 0.5 * (lo + hi);
    (ok(mid) ? lo : hi) = mid;
  }
  return lo;
  }();
  capacity_cache_[replicas] = cap;
  return cap;
}

const char* to_string(ThroughputProvenance p) {
  switch (p) {
    case ThroughputProvenance::override: return "override";
    case ThroughputProvenance::spec: return "spec";
    case ThroughputProvenance::calibrated: return "calibrated";
    case ThroughputProvenance::engine: return "engine";
  }
  return "?";
}

std::optional<ThroughputProvenance> throughput_provenance_from(const std::string& s) {
  for (auto p : {ThroughputProvenance::override, ThroughputProvenance::spec, ThroughputProvenance::calibrated,
                 ThroughputProvenance::engine})
    if (s == to_string(p)) return p;
  return std::nullopt;
}

std::optional<FleetLatency> ReplicaModel::latency(double, int) const { return std::nullopt; }

bool ReplicaModel::serves(double requests_per_s, int replicas) const {
  const auto n = replicas_for(requests_per_s);
  return n && *n <= replicas;
}

OverrideReplicaModel::OverrideReplicaModel(const Option& option, const GpuInstance& instance,
                                           const WorkloadMix& mix) {
  spec_.provenance = ThroughputProvenance::override;
  spec_.provenance_source = "profile option '" + option.id + "' tokens_per_second_per_replica";
  const FleetSpec* f = option.fleet();
  spec_.gpus_per_replica = f && f->gpus_per_replica > 0 ? f->gpus_per_replica : instance.gpu_count;
  double tps = f ? f->tokens_per_second_per_replica.value_or(0) : 0;
  spec_.capacity_requests_per_s = mix.tokens_per_request() > 0 ? tps / mix.tokens_per_request() : 0;
}

}  // namespace plan
