#pragma once
// Bisection over integers for a predicate that holds up to some point and not beyond, or
// from some point on: the searches for the largest batch that meets a target and the
// smallest fleet that does. Each probes the midpoint lo + (hi - lo) / 2 of the open range
// left, so callers that remember what they probed see the same probes wherever they search.
namespace plan {

// The largest n in [lo, hi] for which ok(n) holds, where ok holds from lo (assumed, not
// probed) up to some n and fails beyond it. lo when ok fails for every n above lo.
template <class Ok>
int largest_where(int lo, int hi, Ok&& ok) {
  while (lo < hi) {
    const int mid = lo + (hi - lo + 1) / 2;
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// The smallest n in (lo, hi] for which ok(n) holds, where ok fails up to some n and holds
// from it on, and ok(hi) holds (assumed, not probed). hi when ok fails for every n below it.
template <class Ok>
int smallest_where(int lo, int hi, Ok&& ok) {
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

}  // namespace plan
