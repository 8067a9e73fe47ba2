// lib/io/src/price_sheet_loader.cpp: choosing a sheet of a directory by version or date.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "plan/core/base/error.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;
namespace fs = std::filesystem;

namespace {
std::string basic_sheet() {
  std::ifstream in(PLAN_TEST_DATA "/sheet-basic.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
// tests/data/sheet-basic.yaml with another version and effective date (lines 2 and 3).
std::string sheet(const std::string& version, const std::string& date) {
  std::string s = basic_sheet();
  auto replace = [&](const std::string& from, const std::string& to) { s.replace(s.find(from), from.size(), to); };
  replace("version: test-basic", "version: " + version);
  replace("effective_date: \"2024-12-01\"", "effective_date: \"" + date + "\"");
  return s;
}
void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
}  // namespace

TEST_CASE("resolve_price_sheet reads only the sheet it uses", "[price_sheet]") {
  fs::path dir = fs::temp_directory_path() / ("plan-test-sheets-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "pricing");
  write(dir / "pricing/a.yaml", sheet("v1", "2025-01-01"));
  write(dir / "pricing/b.yaml", sheet("v2", "2026-01-01"));
  // An older sheet whose body is broken (an unknown key) but whose header lines are fine.
  write(dir / "pricing/c.yaml", sheet("v0", "2024-01-01") + "bogus_key: 1\n");
  const std::string pricing = (dir / "pricing").string();

  SECTION("the newest by effective date, named relative to the data directory") {
    PriceSheet s = io::resolve_price_sheet("", pricing);
    CHECK(s.version == "v2");
    CHECK(s.path == "pricing/b.yaml");
  }
  SECTION("a version by name; the broken sheet is not read") {
    CHECK(io::resolve_price_sheet("v1", pricing).version == "v1");
  }
  SECTION("the broken sheet when it is the one asked for") {
    CHECK_THROWS_WITH(io::resolve_price_sheet("v0", pricing), Catch::Contains("bogus_key"));
  }
  SECTION("an unknown version lists those known, oldest first") {
    CHECK_THROWS_WITH(io::resolve_price_sheet("v9", pricing),
                      "unknown price-sheet version 'v9' (expected one of: v0, v1, v2)");
  }
  SECTION("two files of one version are refused") {
    write(dir / "pricing/d.yaml", sheet("v1", "2025-02-01"));
    CHECK_THROWS_WITH(io::resolve_price_sheet("", pricing), Catch::Contains("price-sheet version 'v1' appears in two files"));
  }
  SECTION("a header the line scan reads wrongly: every sheet is read whole") {
    // The version as a folded block scalar: its line alone reads as version "", the file as
    // "v3"; the newest sheet's two readings differ, so all are read whole (c.yaml removed,
    // as reading it whole fails).
    fs::remove(dir / "pricing/c.yaml");
    std::string s = sheet("v3", "2027-01-01");
    s.replace(s.find("version: v3"), 11, "version: >-\n  v3");
    write(dir / "pricing/e.yaml", s);
    CHECK(io::resolve_price_sheet("", pricing).version == "v3");
  }
  fs::remove_all(dir);
}
