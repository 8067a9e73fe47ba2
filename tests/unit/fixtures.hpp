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

}  // namespace plan::test
