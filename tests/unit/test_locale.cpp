// Reports do not depend on the global locale: rendering under a comma-decimal locale
// (de_DE.UTF-8) gives the same bytes as under the classic "C" locale. std::locale::global
// with a named locale also sets the C library's locale (printf, strtod), so this covers
// iostreams and C formatting alike. CTest's unit.locale runs it with a locale generated into
// the build tree (LOCPATH, see tests/cli/determinism.cmake). When de_DE.UTF-8 is absent the
// case warns "SKIPPED: locale ..." (Catch2 v2 has no skip) and CTest reports the test as
// skipped by that text; scripts/setup.sh generates the locale so that CI runs it.
#include <catch2/catch.hpp>

#include <cstdio>
#include <iterator>
#include <locale>
#include <stdexcept>
#include <string>
#include <vector>

#include "plan/core/options/compare.hpp"
#include "plan/io/loaders.hpp"
#include "plan/report/compare_report.hpp"

using namespace plan;

namespace {
struct GlobalLocale {
  std::locale saved;
  explicit GlobalLocale(const std::locale& l) : saved(std::locale::global(l)) {}
  ~GlobalLocale() { std::locale::global(saved); }
};
}  // namespace

TEST_CASE("reports are the same bytes under a comma-decimal locale", "[locale]") {
  Profile p = io::load_profile(PLAN_TEST_DATA "/profile-basic.yaml");
  PriceSheet s = io::load_price_sheet(PLAN_TEST_DATA "/sheet-basic.yaml");
  io::check_references(p, s);
  CompareResult r = compare(p, s, nullptr);
  const report::Format formats[] = {report::Format::json, report::Format::csv, report::Format::table,
                                    report::Format::markdown};
  std::vector<std::string> classic;
  for (auto f : formats) classic.push_back(report::render_compare(r, f));

  std::locale de;
  try {
    de = std::locale("de_DE.UTF-8");
  } catch (const std::runtime_error&) {
    WARN("SKIPPED: locale de_DE.UTF-8 is not available (set LOCPATH or install locales-all)");
    return;
  }
  GlobalLocale guard(de);
  // The locale is really comma-decimal: the C library formats 1.5 as "1,5".
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", 1.5);
  REQUIRE(std::string(buf) == "1,5");
  // Loading is locale-independent too.
  Profile p2 = io::load_profile(PLAN_TEST_DATA "/profile-basic.yaml");
  PriceSheet s2 = io::load_price_sheet(PLAN_TEST_DATA "/sheet-basic.yaml");
  CompareResult r2 = compare(p2, s2, nullptr);
  for (std::size_t i = 0; i < std::size(formats); ++i) {
    CAPTURE(i);
    CHECK(report::render_compare(r2, formats[i]) == classic[i]);
  }
}
