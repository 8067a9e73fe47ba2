// Calendar months and days (lib/core/src/base/dates.cpp): parsing once at the edges, month
// arithmetic and day counts. Expected values are counted on a calendar by hand.
#include <catch2/catch.hpp>

#include "plan/core/base/dates.hpp"

using namespace plan;

TEST_CASE("YearMonth::parse", "[dates]") {
  CHECK(YearMonth::parse("2025-03") == YearMonth{2025, 3});
  CHECK(YearMonth::parse("1900-12") == YearMonth{1900, 12});
  CHECK_FALSE(YearMonth::parse("2025-3"));
  CHECK_FALSE(YearMonth::parse("2025-00"));
  CHECK_FALSE(YearMonth::parse("2025-13"));
  CHECK_FALSE(YearMonth::parse("1899-12"));
  CHECK_FALSE(YearMonth::parse("2025/03"));
  CHECK_FALSE(YearMonth::parse("2025-03-01"));
  CHECK_FALSE(YearMonth::parse("20x5-03"));
  CHECK_FALSE(YearMonth::parse(""));
}

TEST_CASE("YearMonth::plus and months_since", "[dates]") {
  // 2025-11 + 3: 12, 01, 02 -> 2026-02.
  CHECK(YearMonth{2025, 11}.plus(3) == YearMonth{2026, 2});
  CHECK(YearMonth{2025, 11}.plus(0) == YearMonth{2025, 11});
  // 2025-01 - 1 -> 2024-12; + 24 -> 2027-01.
  CHECK(YearMonth{2025, 1}.plus(-1) == YearMonth{2024, 12});
  CHECK(YearMonth{2025, 1}.plus(24) == YearMonth{2027, 1});
  // 2027-01 since 2026-11: 12, 01 -> 2; the other way -2.
  CHECK(YearMonth{2027, 1}.months_since({2026, 11}) == 2);
  CHECK(YearMonth{2026, 11}.months_since({2027, 1}) == -2);
  CHECK(YearMonth{2026, 3}.str() == "2026-03");
  CHECK(YearMonth{2026, 3} < YearMonth{2026, 4});
  CHECK(YearMonth{2025, 12} < YearMonth{2026, 1});
}

TEST_CASE("Date::parse", "[dates]") {
  CHECK(Date::parse("2026-12-06") == Date{2026, 12, 6});
  CHECK(Date::parse("2024-02-29") == Date{2024, 2, 29});  // 2024 is a leap year
  CHECK_FALSE(Date::parse("2025-02-29"));                  // 2025 is not
  CHECK_FALSE(Date::parse("2025-02-30"));
  CHECK_FALSE(Date::parse("2025-04-31"));
  CHECK_FALSE(Date::parse("2025-13-01"));
  CHECK_FALSE(Date::parse("2025-1-01"));
  CHECK_FALSE(Date::parse("2025-01-01T00"));
  CHECK_FALSE(Date::parse("2025-01-0a"));
  CHECK(Date{2026, 12, 6}.year_month() == YearMonth{2026, 12});
  CHECK(Date{2026, 3, 9}.str() == "2026-03-09");
}

TEST_CASE("Date::days_since", "[dates]") {
  // 2026-07-01 -> 2026-12-01: 31 (Jul) + 31 + 30 + 31 + 30 (Nov) = 153 days.
  CHECK(Date{2026, 12, 1}.days_since({2026, 7, 1}) == 153);
  CHECK(Date{2026, 7, 1}.days_since({2026, 12, 1}) == -153);
  // 2024-02-28 -> 2024-03-01 crosses 2024-02-29: 2 days; in 2025 1 day.
  CHECK(Date{2024, 3, 1}.days_since({2024, 2, 28}) == 2);
  CHECK(Date{2025, 3, 1}.days_since({2025, 2, 28}) == 1);
  // 2025-12-31 -> 2026-01-01: 1.
  CHECK(Date{2026, 1, 1}.days_since({2025, 12, 31}) == 1);
}
