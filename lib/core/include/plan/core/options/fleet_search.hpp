#pragma once
// The search for a hybrid's private fleet size K (docs/hybrid.md, "Fleet size"): the cheapest
// feasible K between two bounds, where instances are bought whole (`per_instance` replicas
// each) and cost against K is near-convex. Kept apart from the hybrid evaluator so that the
// search itself has a test (tests/unit/test_fleet_search.cpp).
#include <functional>
#include <optional>

namespace plan {

struct FleetSizeCost {
  bool feasible = false;
  double monthly_cost_usd = 0;
};

// Evaluates `at` on candidate fleet sizes in [k_lo, k_hi] and returns the cheapest feasible
// size (of equal costs within 1e-9 USD, the smallest), or nullopt when none evaluated is
// feasible. Candidates: the bounds and the sizes that fill whole instances; all of them
// when there are at most 200, else a coarse pass of about 100 on multiples of a power of two
// followed by a pattern search that halves its step around the best. Last, the smallest
// size below the best full fleet that costs as much (its last instance part empty), by
// bisection. `at` may be called more than once for a size; callers memoise.
std::optional<int> search_fleet_size(int k_lo, int k_hi, int per_instance,
                                     const std::function<FleetSizeCost(int)>& at);

}  // namespace plan
