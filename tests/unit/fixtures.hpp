#pragma once
// Fixtures the unit tests share: the hand-worked price sheet, and a lookup of an option's
// result by id.
#include <catch2/catch.hpp>

#include "plan/core/options/compare.hpp"
#include "plan/io/loaders.hpp"

namespace plan::test {

// tests/data/sheet-basic.yaml: round prices for hand-worked cases.
inline const PriceSheet& basic_sheet() {
  static const PriceSheet s = io::load_price_sheet(PLAN_TEST_DATA "/sheet-basic.yaml");
  return s;
}

// The result of option `id`; fails the test when there is none.
inline const OptionResult& find(const CompareResult& c, const std::string& id) {
  for (const auto& o : c.options)
    if (o.id == id) return o;
  FAIL("no option " << id);
  return c.options.front();
}

// Whether any line of `v` contains `part` (notes, reasons, findings).
inline bool has(const std::vector<std::string>& v, const std::string& part) {
  for (const auto& s : v)
    if (s.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace plan::test
