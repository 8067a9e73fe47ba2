#include "plan/core/base/dates.hpp"

#include <chrono>
#include <fmt/format.h>

namespace plan {
namespace {
// The value of `n` ASCII digits at s[at]; nullopt when one is not a digit.
std::optional<int> digits(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::chrono::sys_days to_days(const Date& d) {
  return std::chrono::sys_days{std::chrono::year{d.year} / std::chrono::month{static_cast<unsigned>(d.month)} /
                               std::chrono::day{static_cast<unsigned>(d.day)}};
}
}  // namespace

std::optional<YearMonth> YearMonth::parse(std::string_view s) {
  if (s.size() != 7 || s[4] != '-') return std::nullopt;
  const auto y = digits(s, 0, 4), m = digits(s, 5, 2);
  if (!y || !m || *y < 1900 || *m < 1 || *m > 12) return std::nullopt;
  return YearMonth{*y, *m};
}

YearMonth YearMonth::plus(int months) const {
  const int idx = year * 12 + (month - 1) + months;
  return {idx / 12, idx % 12 + 1};
}

int YearMonth::months_since(YearMonth from) const { return (year - from.year) * 12 + (month - from.month); }

std::string YearMonth::str() const { return fmt::format("{:04d}-{:02d}", year, month); }

std::optional<Date> Date::parse(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*m)},
                                        std::chrono::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return Date{*y, *m, *d};
}

long Date::days_since(Date from) const { return static_cast<long>((to_days(*this) - to_days(from)).count()); }

std::string Date::str() const { return fmt::format("{:04d}-{:02d}-{:02d}", year, month, day); }

}  // namespace plan
