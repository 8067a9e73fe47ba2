#include "plan/core/queueing.hpp"

#include <cmath>
#include <limits>

namespace plan::queueing {

double erlang_c(long c, double a) {
  if (a <= 0) return 0;
  if (c <= 0 || a >= static_cast<double>(c)) return 1;
  const double cd = static_cast<double>(c);
  // Far below saturation the probability of waiting is below 1e-40 (the Poisson tail
  // beyond 40 standard deviations); skip the O(c) recursion.
  if (cd > a + 40.0 * std::sqrt(a) + 40.0) return 0;
  // Erlang B by the stable recursion B(k) = a B(k-1) / (k + a B(k-1)), B(0) = 1, then
  // C = c B / (c - a (1 - B)). No factorials, no overflow.
  double b = 1.0;
  for (long k = 1; k <= c; ++k) b = a * b / (static_cast<double>(k) + a * b);
  return cd * b / (cd - a * (1.0 - b));
}

double wait_quantile(long c, double lambda, double mu, double p) {
  if (lambda <= 0) return 0;
  const double drain = static_cast<double>(c) * mu - lambda;
  if (mu <= 0 || drain <= 0) return std::numeric_limits<double>::infinity();
  const double pw = erlang_c(c, lambda / mu);
  if (pw <= 1.0 - p) return 0;
  return std::log(pw / (1.0 - p)) / drain;
}

double mean_wait(long c, double lambda, double mu) {
  if (lambda <= 0) return 0;
  const double drain = static_cast<double>(c) * mu - lambda;
  if (mu <= 0 || drain <= 0) return std::numeric_limits<double>::infinity();
  return erlang_c(c, lambda / mu) / drain;
}

}  // namespace plan::queueing
