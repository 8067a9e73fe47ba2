#pragma once
#include <limits>
#include <string>

// Conventions shared by every calculation. A month is 730 hours (8760 / 12) everywhere.
namespace plan {

inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr double hours_per_month = 730.0;
inline constexpr double hours_per_day = 24.0;
inline constexpr double days_per_month = hours_per_month / hours_per_day;  // 30.41666...
inline constexpr double seconds_per_hour = 3600.0;
inline constexpr double seconds_per_day = 86400.0;
inline constexpr double minutes_per_day = 1440.0;
inline constexpr double tokens_per_mtok = 1e6;
inline constexpr double bytes_per_gib = 1024.0 * 1024.0 * 1024.0;
inline constexpr double bytes_per_gb = 1e9;

// A count of tokens or requests for text output, with an SI suffix and two decimals:
// 1,181,232,668 is "1.18B", 999,999 is "1.00M" (the suffix of the value as printed), 950 is
// "950". The one formatter of quantities in text; CSV and JSON keep raw numbers.
std::string si_quantity(double v);

}  // namespace plan
