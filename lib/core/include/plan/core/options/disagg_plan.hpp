#pragma once
// Sizing a fleet of disaggregated (xPyD) units for a workload (docs/performance-model.md,
// "Sizing disaggregated units"). A unit is one prefill pool and one decode pool
// (serving/disagg.hpp). Its capacity is that of the closed loop at the largest concurrency C
// at which it meets the workload's TTFT p95 and TPOT targets: C / (TTFT + (O - 1) TPOT)
// requests/s, as an aggregated replica's. The fleet is ceil(peak demand / capacity) units;
// each pool's GPUs are rented as whole instances of the option's instance type.
#include <functional>
#include <optional>
#include <string>

#include "plan/core/serving/disagg.hpp"

namespace plan {

// "1P:tp8+2D:dep16": the workers and each pool's layout and GPUs per worker.
std::string disagg_shape_text(const perf::PoolSpec& prefill, const perf::PoolSpec& decode);

// A unit's loop with its engine's disaggregated term (calib/engine_terms.json) applied, as
// `plan perf --serving disaggregated` applies it: the decode step x decode_scale; unchanged
// when `term` is null. `why` (may be null) receives the provenance text of the term.
perf::DisaggTiming with_disagg_term(perf::DisaggTiming timing, const perf::DisaggTerms* term, std::string* why);

// The TTFT p95 of a disaggregated loop: the prefill and the KV transfer, plus the waits (for a
// prefill worker and for a decode slot) at ln 20 = 3.0 times their mean, the p95 of an
// exponential wait.
double disagg_ttft_p95_s(const perf::DisaggLoad& l);

// A unit at the largest concurrency meeting the targets.
struct DisaggUnitCapacity {
  int concurrency = 0;
  double capacity_rps = 0;  // C / (TTFT mean + (O - 1) TPOT)
  double ttft_p95_s = 0;
  double tpot_s = 0;
  perf::DisaggLoad load;
};

// The largest C in [1, max_concurrency] whose loop (solve(C)) meets ttft_p95_s and tpot_s
// (each optional), found by doubling then bisection (TTFT and TPOT grow with C). nullopt when
// C = 1 misses a target or cannot be solved.
std::optional<DisaggUnitCapacity> disagg_unit_capacity(const std::function<std::optional<perf::DisaggLoad>(int)>& solve,
                                                       double output_tokens, std::optional<double> ttft_p95_s,
                                                       std::optional<double> tpot_s, int max_concurrency = 1 << 16);

// A fleet of units and its cost.
struct DisaggPlan {
  perf::PoolSpec prefill, decode;
  std::string shape;            // disagg_shape_text
  DisaggUnitCapacity unit;
  double demand_rps = 0;        // peak requests/s
  int units = 0;                // ceil(demand / capacity)
  int gpus_per_instance = 0;
  int instances_per_unit = 0;   // ceil(X N / gpi) + ceil(Y M / gpi)
  int instances = 0;            // units x instances_per_unit
  int gpus = 0;                 // instances x gpus_per_instance (both pools)
  double usd_per_instance_hour = 0;  // after discounts and any spot overhead
  double monthly_usd = 0;       // instances x usd_per_instance_hour x 730
  std::string link;             // the KV transfer's link
  std::string source;           // what sized the pools
};

// The fleet of `unit` for `demand_rps`, on instances of gpus_per_instance GPUs at
// usd_per_instance_hour. At least one unit.
DisaggPlan size_disagg_fleet(const perf::PoolSpec& prefill, const perf::PoolSpec& decode,
                             const DisaggUnitCapacity& unit, double demand_rps, int gpus_per_instance,
                             double usd_per_instance_hour);

}  // namespace plan
