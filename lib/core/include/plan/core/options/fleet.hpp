#pragma once
// The fleet path: one function sizes and prices a fleet of replicas on instances billed per
// hour (term price, spot interruption overhead, replicas that must divide an instance,
// min_replicas, hourly autoscaling, ops costs). Self-hosted options, dedicated endpoints and
// a hybrid's private fleet all go through it.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/options/disagg_plan.hpp"
#include "plan/core/options/owned.hpp"
#include "plan/core/data/parallel.hpp"
#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/profile.hpp"
#include "plan/core/serving/replica_model.hpp"
#include "plan/core/data/traffic.hpp"

namespace plan {

// An owned fleet: its servers and what they hold against what the traffic needs.
struct OwnedFleetDetail {
  OwnedHardware hardware;   // as resolved for the option
  int replicas_needed = 0;  // at peak, to meet the targets
  int replicas_held = 0;    // every replica the servers hold (all run)
  double power_kw = 0;      // average IT draw of the fleet at this utilisation
};

struct SelfHostedDetail {
  std::string instance;        // sheet instance id
  std::string gpu;             // catalog GPU id
  int gpus_per_replica = 0;    // GPUs of one replica
  std::optional<Parallel> parallel;  // their layout, when the catalog model sized the replica
  int gpus_per_instance = 0;   // GPUs of one instance
  int replicas = 0;            // at peak
  int instances = 0;           // at peak
  int gpus = 0;                // at peak
  double instance_hours_per_month = 0;
  // Rented: the term's price. Owned: one server's accrual cost per hour at full load (for
  // floors per 1M tokens); the cost lines are the owned ones, not gpu_compute.
  double usd_per_instance_hour = 0;
  double replica_tokens_per_s = 0;  // SLA-bound capacity of one replica
  double utilization = 0;           // time-averaged demand / provisioned capacity
  std::optional<FleetLatency> latency_at_peak;
  std::optional<ThroughputProvenance> throughput_provenance;  // absent: no replica model
  std::string throughput_source;
  std::string model_class;  // dense, moe or mla when the catalog model sized the replica (risk widths)
  double throughput_cv_error_pct = 0;  // engine terms: their cross-validated median TPOT error (risk widths)
  std::optional<OwnedFleetDetail> owned;
  std::optional<DisaggPlan> disagg;  // a fleet of disaggregated units (replicas = units)
};

// "override", "spec" or "calibrated"; `none` when the fleet has no replica model.
std::string provenance_text(const std::optional<ThroughputProvenance>& p, const char* none = "-");

// What a fleet is made of, fixed for an option: its settings, instance, hourly price and
// replica model. The pointers must outlive it.
struct FleetPlan {
  const FleetSpec* spec = nullptr;
  const GpuInstance* instance = nullptr;  // owned: one server
  double usd_per_instance_hour = 0;       // rented instances; 0 when owned
  const OwnedHardware* owned = nullptr;   // bought servers: a fixed fleet, owned cost lines
  const ReplicaModel* model = nullptr;
  std::optional<OpsCosts> ops;  // applied while the fleet has replicas
  std::string count_input;      // the input behind the replica throughput, for errors

  int replicas_per_instance() const;
};

// Why the plan cannot make a fleet at all (the model does not fit, a replica does not divide
// the instance); empty when it can.
std::vector<std::string> fleet_problems(const FleetPlan& plan);

// The fleet size (replicas at peak) that serves every private-only lane of `lanes`, at least
// the spec's min_replicas; nullopt with `why` when no count can.
std::optional<int> fleet_size_for(const FleetPlan& plan, const std::vector<Lane>& lanes, std::string* why);

struct FleetCosting {
  bool feasible = true;
  std::vector<std::string> reasons;
  std::vector<std::string> notes;
  SelfHostedDetail detail;
  double gpu_compute_usd = 0;
  OwnedMonthlyCost owned;  // owned fleets only
  OpsCosts ops;  // what is charged: the plan's ops while the fleet has replicas, else zero
  double total_usd() const {
    return gpu_compute_usd + owned.total() + ops.monthly_labour() + ops.monitoring_per_month + ops.storage_per_month +
           ops.egress_per_month;
  }
};

// Cost of a fleet of `replicas` at peak serving what `split` sends it. An owned fleet runs
// every replica its servers hold and costs the same whatever `replicas` is; needing more
// than it holds makes it infeasible. With `detail`, the
// detail's latency, utilisation and checks are filled too (a search over fleet sizes needs
// only the cost).
FleetCosting cost_fleet(const FleetPlan& plan, int replicas, const Split& split, const WorkloadMix& mix, bool detail);

}  // namespace plan
