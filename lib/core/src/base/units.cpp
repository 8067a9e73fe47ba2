#include "plan/core/base/units.hpp"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

namespace plan {

std::string si_quantity(double v) {
  if (!std::isfinite(v)) return "-";
  static constexpr struct {
    double scale;
    const char* suffix;
  } steps[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
  // The suffix of the value as printed: 999,999 is "1.00M", not "1000.00k".
  const double a = std::fabs(v);
  for (std::size_t i = 0; i < std::size(steps); ++i) {
    const double scaled = std::round(a / steps[i].scale * 100) / 100;
    if (scaled >= 1) return fmt::format("{:.2f}{}", v / steps[i].scale, steps[i].suffix);
  }
  return fmt::format("{:.0f}", v);
}

}  // namespace plan
