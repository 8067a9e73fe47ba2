#include "plan/core/data/uncertainty.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace plan {
namespace {

constexpr double z90 = 1.2815515655446004;  // standard normal 90th percentile

}  // namespace

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Acklam's algorithm (P. J. Acklam, "An algorithm for computing the inverse normal
// cumulative distribution function", 2003): relative error 1.15e-9, then one Halley step
// on erfc brings it to machine precision.
double normal_quantile(double u) {
  if (u <= 0) return -INFINITY;
  if (u >= 1) return INFINITY;
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01,  -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double lo = 0.02425, hi = 1 - lo;
  double x = 0;
  if (u < lo) {
    const double q = std::sqrt(-2 * std::log(u));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (u <= hi) {
    const double q = u - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - u));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double e = normal_cdf(x) - u;
  const double g = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - g / (1 + x * g / 2);
}

Distribution Distribution::fixed(double v) { return {Kind::fixed, v, 0, 0}; }
Distribution Distribution::uniform(double low, double high) { return {Kind::uniform, low, high, 0}; }
Distribution Distribution::normal(double mean, double sd) { return {Kind::normal, mean, sd, 0}; }
Distribution Distribution::lognormal(double median, double sigma) { return {Kind::lognormal, median, sigma, 0}; }
Distribution Distribution::lognormal_p10_p90(double p10, double p90) {
  return lognormal(std::sqrt(p10 * p90), std::log(p90 / p10) / (2 * z90));
}
Distribution Distribution::triangular(double low, double mode, double high) {
  return {Kind::triangular, low, mode, high};
}

double Distribution::quantile(double u) const {
  switch (kind) {
    case Kind::fixed: return a;
    case Kind::uniform: return a + (b - a) * u;
    case Kind::normal: return a + b * normal_quantile(u);
    case Kind::lognormal: return a * std::exp(b * normal_quantile(u));
    case Kind::triangular: {
      // CDF F(x) = (x-a)^2 / ((c-a)(b-a)) below the mode, 1 - (c-x)^2 / ((c-a)(c-b)) above.
      const double fm = (c - a) > 0 ? (b - a) / (c - a) : 0.5;
      if (u < fm) return a + std::sqrt(u * (c - a) * (b - a));
      return c - std::sqrt((1 - u) * (c - a) * (c - b));
    }
  }
  return a;
}

std::string Distribution::describe() const {
  switch (kind) {
    case Kind::fixed: return fmt::format("{:g}", a);
    case Kind::uniform: return fmt::format("uniform({:g}..{:g})", a, b);
    case Kind::normal: return fmt::format("normal(mean {:g}, sd {:g})", a, b);
    case Kind::lognormal: return fmt::format("lognormal(median {:.4g}, sigma {:.4g})", a, b);
    case Kind::triangular: return fmt::format("triangular({:g}, mode {:g}, {:g})", a, b, c);
  }
  return "";
}

const char* to_string(UncertainInput i) {
  switch (i) {
    case UncertainInput::volume: return "volume";
    case UncertainInput::growth_per_month: return "growth_per_month";
    case UncertainInput::api_price_change_per_year: return "api_price_change_per_year";
    case UncertainInput::gpu_price_change_per_year: return "gpu_price_change_per_year";
    case UncertainInput::throughput: return "throughput";
    case UncertainInput::spot_interruption_overhead: return "spot_interruption_overhead";
    case UncertainInput::peak_to_average: return "peak_to_average";
    case UncertainInput::spot_price: return "spot_price";
    case UncertainInput::api_price_step: return "api_price_change";
    case UncertainInput::gpu_price_step: return "gpu_price_change";
  }
  return "?";
}

std::string UncertainValue::name() const {
  if (input == UncertainInput::api_price_step || input == UncertainInput::gpu_price_step)
    return fmt::format("{}[month {}]", to_string(input), at_month);
  if (provider.empty()) return to_string(input);
  return fmt::format("{}[{}]", to_string(input), provider);
}

const UncertainValue* Uncertainty::find(UncertainInput i) const {
  for (const auto& v : inputs)
    if (v.input == i) return &v;
  return nullptr;
}

}  // namespace plan
