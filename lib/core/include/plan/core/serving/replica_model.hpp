#pragma once
// The seam between cost models and performance models. A ReplicaModel says what one
// self-hosted replica (a tensor-parallel group of GPUs) can do for a workload mix, and how
// many replicas an arrival rate needs to meet the latency targets.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/data/parallel.hpp"
#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/profile.hpp"

namespace plan {

// The request-weighted mean request of the workloads an option serves, and the strictest
// latency targets among them.
struct WorkloadMix {
  double input_tokens = 0;
  double output_tokens = 0;
  std::optional<double> ttft_p95_ms;
  std::optional<double> tpot_ms;
  // The longest request a replica must hold and the model's context admit: the largest
  // of the workloads' long_request_tokens(); 0 = input_tokens + output_tokens.
  double long_request_tokens = 0;
  bool long_request_from_p99 = false;  // some workload gave its length percentiles
  // Prefix caching on a replica (docs/performance-model.md, "Prefix caching"): the share of
  // input tokens the workloads read from the prompt cache (weighted by input tokens), and
  // the prefix tokens a replica's cache holds for them (the workloads' shared_prefix_tokens,
  // summed: each its own prefixes).
  double cached_input_share = 0;
  double shared_prefix_tokens = 0;

  static WorkloadMix of(const std::vector<Workload>& workloads);
  double tokens_per_request() const { return input_tokens + output_tokens; }
  double fit_tokens() const { return long_request_tokens > 0 ? long_request_tokens : tokens_per_request(); }
};

struct FleetLatency {
  double ttft_p50_ms = 0;
  double ttft_p95_ms = 0;
  double ttft_p99_ms = 0;
  double tpot_ms = 0;
};

// Where a replica's throughput comes from: the user's override, the catalog's spec figures
// (the roofline), a calibration file, or the engine terms fitted to measured runs
// (calib/engine_terms.json).
enum class ThroughputProvenance { override, spec, calibrated, engine };
const char* to_string(ThroughputProvenance p);
// The provenance named `s` ("override", "spec", "calibrated", "engine"); nullopt for another name.
std::optional<ThroughputProvenance> throughput_provenance_from(const std::string& s);

struct ReplicaSpec {
  bool feasible = true;
  bool fits = true;                  // false when the model cannot be deployed on the instance at all
  std::vector<std::string> reasons;  // why not feasible
  std::vector<std::string> notes;    // findings worth reporting
  int gpus_per_replica = 1;          // GPUs of one replica
  std::optional<Parallel> parallel;  // their layout, when the catalog model sized the replica
  double capacity_requests_per_s = 0;  // SLA-bound throughput of one replica
  // Above 1: published measurements of deployments like this one served up to this many
  // times less than the model that sized it (perf::moe_catalog_over_measured); 1 when the
  // figure was measured or no such gap is known.
  double capacity_doubt = 1.0;
  std::string capacity_doubt_why;  // where that factor comes from, for the note that uses it
  ThroughputProvenance provenance = ThroughputProvenance::override;
  std::string provenance_source;        // file or catalog entry
  std::string model_class;              // dense, moe or mla when a catalog model sized it; else empty
  double cv_error_pct = 0;              // engine terms: the set's cross-validated median TPOT error, percent
};

class ReplicaModel {
 public:
  virtual ~ReplicaModel() = default;
  virtual const ReplicaSpec& spec() const = 0;
  // Smallest replica count that serves `requests_per_s` within the latency targets;
  // 0 for zero traffic. nullopt when no count can (e.g. TTFT below the prefill time), or
  // when the count would exceed max_fleet_count (traffic.hpp).
  virtual std::optional<int> replicas_for(double requests_per_s) const;
  // Latency with `replicas` replicas at `requests_per_s`, when the model can say.
  virtual std::optional<FleetLatency> latency(double requests_per_s, int replicas) const;
  // Whether `replicas` replicas serve `requests_per_s` within the targets: replicas_for()
  // is at most `replicas`. Models override it when they can answer without the search.
  virtual bool serves(double requests_per_s, int replicas) const;
  // Whether latency() models queueing (false for a bare throughput override).
  virtual bool has_latency_model() const { return false; }

  // SLA-bound capacity (requests/s) of `replicas` replicas: the largest arrival rate for
  // which replicas_for(rate) <= replicas. It does not depend on volume, so it is cached.
  double fleet_capacity(int replicas) const;

 private:
  mutable std::map<int, double> capacity_cache_;
};

// Builds a ReplicaModel for a self-hosted option on an instance. Implemented by the
// performance model (catalog and calibration); the override model needs none.
class ReplicaModelProvider {
 public:
  virtual ~ReplicaModelProvider() = default;
  virtual std::unique_ptr<ReplicaModel> make(const Option& option, const GpuInstance& instance,
                                             const WorkloadMix& mix) const = 0;
  // Findings about the provider's inputs as a whole (calibration files it could not read),
  // which a comparison reports beside its own.
  virtual std::vector<std::string> findings() const { return {}; }
};

// A replica with a user-given throughput (tokens/s of input + output), no latency model.
class OverrideReplicaModel : public ReplicaModel {
 public:
  OverrideReplicaModel(const Option& option, const GpuInstance& instance, const WorkloadMix& mix);
  const ReplicaSpec& spec() const override { return spec_; }

 private:
  ReplicaSpec spec_;
};

}  // namespace plan
