// Bisection over integers (plan/core/base/monotone_search.hpp): against a linear scan, for
// every threshold of a small range, with the probes it makes.
#include <catch2/catch.hpp>

#include <set>

#include "plan/core/base/monotone_search.hpp"

using namespace plan;

TEST_CASE("largest_where: the last n that holds, probing no more than log2 of the range", "[search]") {
  // ok(n) = n <= t over [lo, hi] = [1, 100]: the answer is t, clamped to the range (lo when
  // nothing above lo holds, since ok(lo) is assumed). 100 values take at most 7 probes
  // (ceil(log2(100)) = 7), each inside (lo, hi].
  for (int t = 1; t <= 100; ++t) {
    std::set<int> probed;
    const int n = largest_where(1, 100, [&](int c) {
      probed.insert(c);
      return c <= t;
    });
    CHECK(n == t);
    CHECK(probed.size() <= 7);
    CHECK(*probed.begin() > 1);
    CHECK(*probed.rbegin() <= 100);
  }
  // A range of one value probes nothing.
  CHECK(largest_where(5, 5, [](int) -> bool { FAIL("probed"); return false; }) == 5);
  // The first probe is the midpoint that rounds up: (0 + 10 + 1) / 2 = 5 for [0, 10].
  int first = -1;
  largest_where(0, 10, [&](int c) {
    if (first < 0) first = c;
    return false;
  });
  CHECK(first == 5);
}

TEST_CASE("smallest_where: the first n that holds, ok(hi) assumed", "[search]") {
  // ok(n) = n >= t over (lo, hi] = (0, 64]: the answer is t; with t past the range, hi.
  for (int t = 1; t <= 64; ++t) {
    std::set<int> probed;
    const int n = smallest_where(0, 64, [&](int c) {
      probed.insert(c);
      return c >= t;
    });
    CHECK(n == t);
    CHECK(probed.size() <= 6);  // log2(64) = 6
    CHECK(probed.count(64) == 0);
  }
  // The first probe is lo + (hi - lo) / 2: 0 + 64 / 2 = 32.
  int first = -1;
  smallest_where(0, 64, [&](int c) {
    if (first < 0) first = c;
    return true;
  });
  CHECK(first == 32);
  // Adjacent bounds: hi without a probe.
  CHECK(smallest_where(3, 4, [](int) -> bool { FAIL("probed"); return true; }) == 4);
}
