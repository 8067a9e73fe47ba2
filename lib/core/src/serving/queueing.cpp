#include "plan/core/serving/queueing.hpp"

#include <cmath>
#include <limits>

namespace plan::queueing {

double erlang_c(long c, double a) {
  if (a <= 0) return 0;
  if (c <= 0 || a >= static_cast<double>(c)) return 1;
  const double cd = static_cast<double>(c);
  // Far below saturation the probability of waiting is below 1e-190 (the Poisson tail
  // beyond 30 standard deviations); skip the sum.
  if (cd > a + 30.0 * std::sqrt(a) + 30.0) return 0;
  // Erlang B is the last Poisson(a) term over the sum of the first c + 1:
  // B = p(c) / sum_{k<=c} p(k). Summing p(k)/p(c) = prod_{i=k+1..c} i/a downwards from c,
  // and stopping once the terms are negligible, costs O(sqrt(a)) instead of O(c) and never
  // forms a factorial. The largest ratio, near k = a, is below exp(30^2/2) = e^450: no
  // overflow.
  double ratio = 1.0, sum = 1.0;
  for (long k = c; k >= 1; --k) {
    ratio *= static_cast<double>(k) / a;
    sum += ratio;
    if (static_cast<double>(k) < a && ratio < 1e-17 * sum) break;
  }
  const double b = 1.0 / sum;
  return cd * b / (cd - a * (1.0 - b));
}

double wait_quantile_given(double pw, long c, double lambda, double mu, double p) {
  if (lambda <= 0) return 0;
  const double drain = static_cast<double>(c) * mu - lambda;
  if (mu <= 0 || drain <= 0) return std::numeric_limits<double>::infinity();
  if (pw <= 1.0 - p) return 0;
  return std::log(pw / (1.0 - p)) / drain;
}

double wait_quantile(long c, double lambda, double mu, double p) {
  if (lambda <= 0 || mu <= 0) return wait_quantile_given(1.0, c, lambda, mu, p);
  return wait_quantile_given(erlang_c(c, lambda / mu), c, lambda, mu, p);
}

double mean_wait(long c, double lambda, double mu) {
  if (lambda <= 0) return 0;
  const double drain = static_cast<double>(c) * mu - lambda;
  if (mu <= 0 || drain <= 0) return std::numeric_limits<double>::infinity();
  return erlang_c(c, lambda / mu) / drain;
}

}  // namespace plan::queueing
