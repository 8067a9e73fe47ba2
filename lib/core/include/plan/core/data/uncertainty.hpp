#pragma once
// The `uncertainty:` section of a profile (docs/risk.md): which inputs of a plan are
// uncertain and how, and the size and seed of the Monte Carlo run over them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/base/error.hpp"

namespace plan {

// A probability distribution of one input, sampled by its inverse CDF (quantile) so that
// every draw, and each input's p10, p50 and p90, come from the same function.
struct Distribution {
  enum class Kind { fixed, uniform, normal, lognormal, triangular };
  Kind kind = Kind::fixed;
  // fixed: a = the value; uniform: a = low, b = high; normal: a = mean, b = sd;
  // lognormal: a = median, b = sigma (of the log); triangular: a = low, b = mode, c = high.
  double a = 0, b = 0, c = 0;

  static Distribution fixed(double v);
  static Distribution uniform(double low, double high);
  static Distribution normal(double mean, double sd);
  static Distribution lognormal(double median, double sigma);
  // The lognormal whose 10th and 90th percentiles are p10 and p90 (0 < p10 < p90):
  // median sqrt(p10 p90), sigma ln(p90 / p10) / (2 z90), z90 = 1.2815515655446004.
  static Distribution lognormal_p10_p90(double p10, double p90);
  static Distribution triangular(double low, double mode, double high);

  // Inverse CDF at u in (0, 1).
  double quantile(double u) const;
  double median() const { return quantile(0.5); }
  // "lognormal(median 1, sigma 0.27)", "0.05", ...
  std::string describe() const;
};

// The standard normal CDF and its inverse (Acklam's rational approximation refined by one
// Halley step; relative error below 1e-14 in (1e-300, 1 - 1e-16)).
double normal_cdf(double z);
double normal_quantile(double u);

enum class UncertainInput {
  volume,                      // multiplier of today's volume (every month)
  growth_per_month,            // compound monthly growth; replaces the horizon's
  api_price_change_per_year,   // relative change of pay-per-token prices per year
  gpu_price_change_per_year,   // relative change of GPU instance prices per year
  throughput,                  // multiplier of self-hosted replica throughput
  spot_interruption_overhead,  // extra instance-hours on spot; replaces each spot fleet's
  peak_to_average,             // multiplier of the traffic's peak-to-average ratio
  spot_price,                  // multiplier of the sheet's spot price; default each instance's zone spread
  // One-time changes (steps): from month `at_month` (1-based) on, prices are (1 + change)
  // times what they would be; in the profile `api_price_change` and `gpu_price_change`.
  api_price_step,              // pay-per-token prices of every provider
  gpu_price_step,              // GPU instance prices
};
const char* to_string(UncertainInput i);

struct UncertainValue {
  UncertainInput input = UncertainInput::volume;
  // api_price_change_per_year only: the provider it applies to; empty = every provider
  // not named on its own.
  std::string provider;
  Distribution dist;
  // api_price_step and gpu_price_step: the first month (1-based) at the changed price.
  int at_month = 1;
  SourceLoc loc;
  // "volume", "api_price_change_per_year[openai]".
  std::string name() const;
};

struct Uncertainty {
  std::vector<UncertainValue> inputs;  // in UncertainInput order, providers by name
  int draws = 10000;
  std::uint64_t seed = 1;
  SourceLoc loc;

  const UncertainValue* find(UncertainInput i) const;  // the first of that input
};

}  // namespace plan
