#include "plan/core/options/fleet_search.hpp"

#include <algorithm>
#include <map>

#include "plan/core/base/monotone_search.hpp"

namespace plan {

namespace {

// Memoises `at` and keeps the best feasible size seen.
class Candidates {
 public:
  explicit Candidates(const std::function<FleetSizeCost(int)>& at) : at_(at) {}

  const FleetSizeCost& operator()(int k) {
    if (auto it = seen_.find(k); it != seen_.end()) return it->second;
    const FleetSizeCost& c = seen_.emplace(k, at_(k)).first->second;
    if (c.feasible && (!best_ || c.monthly_cost_usd < best_cost_ - 1e-9 ||
                       (c.monthly_cost_usd <= best_cost_ + 1e-9 && k < *best_))) {
      best_ = k;
      best_cost_ = c.monthly_cost_usd;
    }
    return c;
  }
  std::optional<int> best() const { return best_; }

 private:
  const std::function<FleetSizeCost(int)>& at_;
  std::map<int, FleetSizeCost> seen_;
  std::optional<int> best_;
  double best_cost_ = 0;
};

// The coarse pass and the pattern search over candidate indices 0..n-1 (cand(i) the size).
template <class Cand>
void pattern_search(Candidates& eval, int n, int k_lo, int k_hi, int per_instance, int first_full, const Cand& cand) {
  int step = 1;
  while (step * 100 < n) step *= 2;
  int centre = 0;
  auto better = [&](int i, int than) {
    const FleetSizeCost a = eval(cand(i));
    const FleetSizeCost b = eval(cand(than));
    if (a.feasible != b.feasible) return a.feasible;
    return a.monthly_cost_usd < b.monthly_cost_usd - 1e-9;
  };
  auto index_of = [&](int k) { return (k - first_full) / per_instance + 1; };
  // Coarse candidates sit on multiples of a power of two, so evaluations at other volumes
  // (sweeps, projections) reuse the fleet capacities cached in the replica model.
  const int coarse = step * per_instance;
  for (int k = (k_lo / coarse + 1) * coarse; k < k_hi; k += coarse)
    if (better(index_of(k), centre)) centre = index_of(k);
  if (better(n - 1, centre)) centre = n - 1;
  for (int half = step / 2; half >= 1; half /= 2) {
    for (bool moved = true; moved;) {
      moved = false;
      for (int i : {centre - half, centre + half}) {
        if (i < 0 || i > n - 1 || !better(i, centre)) continue;
        centre = i;
        moved = true;
      }
    }
  }
}

}  // namespace

std::optional<int> search_fleet_size(int k_lo, int k_hi, int per_instance,
                                     const std::function<FleetSizeCost(int)>& at) {
  per_instance = std::max(per_instance, 1);
  Candidates eval(at);
  // Instances are bought whole, so a fleet that leaves its last instance part empty costs as
  // much as the full one and serves less: only full instances, and the bounds, can be
  // cheapest. Candidate i is fleet size cand(i).
  const int first_full = (k_lo / per_instance + 1) * per_instance;
  const int n_full = first_full < k_hi ? (k_hi - 1 - first_full) / per_instance + 1 : 0;
  const int n = 2 + n_full;  // k_lo, the full fleets strictly between, k_hi
  auto cand = [&](int i) { return i <= 0 ? k_lo : i >= n - 1 ? k_hi : first_full + (i - 1) * per_instance; };
  if (k_lo == k_hi) {
    eval(k_lo);
  } else if (n <= 200) {
    for (int i = 0; i < n; ++i) eval(cand(i));
  } else {
    pattern_search(eval, n, k_lo, k_hi, per_instance, first_full, cand);
  }
  // The smallest fleet that costs the same as the best full one (its last instance part
  // empty): overflow only grows as replicas are removed, so bisect below it.
  if (auto best = eval.best(); best && per_instance > 1 && *best > k_lo) {
    int lo = std::max(k_lo, *best - per_instance);
    int hi = *best;
    eval(lo);
    if (eval.best() != lo)
      smallest_where(lo, hi, [&](int k) {
        eval(k);
        return eval.best() == k;
      });
  }
  return eval.best();
}

}  // namespace plan
