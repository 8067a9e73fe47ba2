// lib/core/src/options/fleet_search.cpp: the hybrid's fleet-size search.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <random>

#include "plan/core/options/fleet_search.hpp"

using namespace plan;

namespace {

// A fleet of k replicas, `per` to an instance bought whole at `price`, plus an overflow cost.
template <class Overflow>
FleetSizeCost whole_instances(int k, int per, double price, const Overflow& overflow, int feasible_from = 0) {
  const double instances = std::ceil(static_cast<double>(k) / per);
  return {k >= feasible_from, instances * price + overflow(k)};
}

}  // namespace

TEST_CASE("search_fleet_size: one replica an instance, the convex minimum", "[fleet_search]") {
  // cost(k) = 100 k + 1000 / k: the real minimum is at sqrt(10) = 3.16; cost(3) = 633.33,
  // cost(4) = 650, so 3. Sizes under 3 are infeasible.
  auto at = [](int k) { return FleetSizeCost{k >= 3, 100.0 * k + 1000.0 / k}; };
  CHECK(search_fleet_size(1, 10, 1, at) == std::optional<int>(3));
  // The bounds hold: from 5 up, cost rises, so 5.
  CHECK(search_fleet_size(5, 10, 1, at) == std::optional<int>(5));
  // One size only.
  CHECK(search_fleet_size(7, 7, 1, at) == std::optional<int>(7));
}

TEST_CASE("search_fleet_size: whole instances, then the smallest fleet of the same cost", "[fleet_search]") {
  // 4 replicas an instance at 500 USD; overflow 1,000 USD per replica short of 6.
  // Full fleets: cost(4) = 500 + 2,000 = 2,500; cost(8) = 1,000 + 0 = 1,000; cost(12) = 1,500;
  // bounds cost(1) = 500 + 5,000 = 5,500 and cost(30) = 8 x 500 = 4,000. Best full fleet: 8.
  // Below it, in the same two instances: cost(6) = 1,000 + 0 = 1,000 (equal, smaller);
  // cost(5) = 1,000 + 1,000 = 2,000. So 6.
  std::map<int, int> calls;
  auto at = [&](int k) {
    ++calls[k];
    return whole_instances(k, 4, 500.0, [](int n) { return n < 6 ? (6 - n) * 1000.0 : 0.0; });
  };
  CHECK(search_fleet_size(1, 30, 4, at) == std::optional<int>(6));
  // Candidates: 1, the full fleets 4..28, 30; then bisection below 8 evaluates 6 and 5.
  CHECK(calls.count(8) == 1);
  CHECK(calls.count(6) == 1);
  CHECK(calls.count(5) == 1);
  CHECK(calls.count(7) == 0);  // part-empty fleets other than the bisection's are never costed
}

TEST_CASE("search_fleet_size: no feasible size", "[fleet_search]") {
  auto at = [](int k) { return FleetSizeCost{false, 1.0 * k}; };
  CHECK_FALSE(search_fleet_size(1, 50, 2, at).has_value());
}

TEST_CASE("search_fleet_size: equal costs give the smallest size", "[fleet_search]") {
  auto at = [](int) { return FleetSizeCost{true, 42.0}; };
  CHECK(search_fleet_size(3, 9, 1, at) == std::optional<int>(3));
}

TEST_CASE("search_fleet_size: the pattern search over a wide range", "[fleet_search]") {
  // 10,000 candidates, so the coarse pass and pattern search run. cost(k) = k + 10^6 / k is
  // strictly convex with its minimum at k = 1,000 (cost 2,000; cost(999) = cost(1,001) =
  // 2,000.001).
  int evaluations = 0;
  auto at = [&](int k) {
    ++evaluations;
    return FleetSizeCost{true, k + 1e6 / k};
  };
  CHECK(search_fleet_size(1, 10000, 1, at) == std::optional<int>(1000));
  CHECK(evaluations < 400);  // about 100 coarse candidates and a few per halving, not 10,000
}

TEST_CASE("search_fleet_size equals an exhaustive search on whole-instance costs", "[fleet_search][property]") {
  // Instances bought whole, overflow non-increasing in k and feasibility from some size on
  // (what a hybrid's costs are): up to 200 candidates, the search returns the exhaustive
  // answer, the smallest of the cheapest feasible sizes.
  std::mt19937 rng(20261206);
  for (int c = 0; c < 500; ++c) {
    const int per = std::uniform_int_distribution<int>(1, 8)(rng);
    const int k_lo = std::uniform_int_distribution<int>(1, 20)(rng);
    const int k_hi = k_lo + std::uniform_int_distribution<int>(0, 150)(rng);
    const double price = std::uniform_int_distribution<int>(1, 20)(rng) * 100.0;
    const int feasible_from = std::uniform_int_distribution<int>(0, k_hi + 5)(rng);
    std::vector<double> overflow(static_cast<std::size_t>(k_hi + 1), 0.0);
    double level = std::uniform_int_distribution<int>(0, 40)(rng) * 250.0;
    for (int k = 0; k <= k_hi; ++k) {
      overflow[static_cast<std::size_t>(k)] = level;
      level = std::max(0.0, level - std::uniform_int_distribution<int>(0, 3)(rng) * 250.0);
    }
    auto at = [&](int k) {
      return whole_instances(k, per, price, [&](int n) { return overflow[static_cast<std::size_t>(n)]; }, feasible_from);
    };
    std::optional<int> expect;
    double best = 0;
    for (int k = k_lo; k <= k_hi; ++k) {
      const FleetSizeCost x = at(k);
      if (x.feasible && (!expect || x.monthly_cost_usd < best - 1e-9)) {
        expect = k;
        best = x.monthly_cost_usd;
      }
    }
    INFO("case " << c << ": per " << per << ", k " << k_lo << ".." << k_hi << ", feasible from " << feasible_from);
    CHECK(search_fleet_size(k_lo, k_hi, per, at) == expect);
  }
}
