#pragma once
// Calendar months and days: a profile's horizon start, the projection's months, a price
// sheet's effective date, the date the tool runs on ("today") and the day an offering
// retires. Text is parsed once where it enters (loaders, the command line); the model
// compares and counts these values.

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace plan {

// A calendar month ("2026-12").
struct YearMonth {
  int year = 1970;
  int month = 1;  // 1..12

  // "YYYY-MM" with a month 01..12 and a year 1900..9999; nullopt otherwise.
  static std::optional<YearMonth> parse(std::string_view s);
  // The month `months` later (earlier when negative): 2025-11 plus 3 is 2026-02.
  YearMonth plus(int months) const;
  // Months from `from` to this one: 2027-01 since 2026-11 is 2.
  int months_since(YearMonth from) const;
  // "YYYY-MM".
  std::string str() const;

  friend auto operator<=>(const YearMonth&, const YearMonth&) = default;
};

// A calendar day ("2026-12-06").
struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31, valid for the month

  // "YYYY-MM-DD", a day that exists (2025-02-30 does not); nullopt otherwise.
  static std::optional<Date> parse(std::string_view s);
  YearMonth year_month() const { return {year, month}; }
  // Days from `from` to this one (negative when `from` is later).
  long days_since(Date from) const;
  // "YYYY-MM-DD".
  std::string str() const;

  friend auto operator<=>(const Date&, const Date&) = default;
};

}  // namespace plan
