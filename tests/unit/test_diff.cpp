// Diffs (lib/core/src/diff.cpp) and the compare-JSON reader (lib/io/src/compare_json_loader.cpp).
#include <catch2/catch.hpp>

#include <string>

#include "plan/core/diff.hpp"
#include "plan/io/loaders.hpp"
#include "plan/report/compare_report.hpp"

using namespace plan;

namespace {
std::string data(const std::string& f) { return std::string(PLAN_TEST_DATA) + "/" + f; }
}  // namespace

TEST_CASE("price_changes names the price lines an option uses", "[diff]") {
  Profile p = io::load_profile(data("profile-fin-b.yaml"));
  PriceSheet a = io::load_price_sheet(data("sheet-finance.yaml"));
  PriceSheet b = io::load_price_sheet(data("sheet-finance-b.yaml"));
  // sheet-finance-b.yaml: flat-15 input 15 -> 12 (line 16), gpu-2000 reserved 2.739726 -> 3.00 (line 40).
  auto api = price_changes(*p.find_option("api"), a, b);
  REQUIRE(api.size() == 1);
  CHECK_THAT(api[0], Catch::StartsWith("input_per_mtok: 15 -> 12 (") && Catch::Contains("sheet-finance.yaml:16 -> ") &&
                         Catch::EndsWith("sheet-finance-b.yaml:16)"));
  auto gpu = price_changes(*p.find_option("gpu"), a, b);
  REQUIRE(gpu.size() == 1);
  CHECK_THAT(gpu[0], Catch::StartsWith("reserved_1y_per_hour: 2.739726 -> 3 ("));
  CHECK(price_changes(*p.find_option("api"), a, a).empty());
}

TEST_CASE("diff_results: cost lines, change and volume", "[diff]") {
  CompareResult a, b;
  a.price_sheet_version = "x";
  b.price_sheet_version = "y";
  OptionResult o;
  o.id = "gpu";
  o.breakdown.gpu_compute = 2000;
  o.monthly_cost_usd = 2000;
  a.options.push_back(o);
  o.breakdown.gpu_compute = 2190;
  o.monthly_cost_usd = 2190;
  b.options.push_back(o);
  OptionResult only_b;
  only_b.id = "api";
  b.options.push_back(only_b);
  CompareDiff d = diff_results(a, b);
  REQUIRE(d.options.size() == 2);
  CHECK(d.context.front() == "price sheet: x -> y");
  CHECK(d.options[0].change_usd == Approx(190.00));  // 2,190 - 2,000
  REQUIRE(d.options[0].why.size() == 1);
  CHECK(d.options[0].why[0] == "gpu_compute: 2000.00 -> 2190.00 (+190.00)");
  CHECK(d.options[1].why == std::vector<std::string>{"only in B"});
  CHECK_FALSE(d.options[1].a_usd);
}

TEST_CASE("compare JSON reads back what plan compare wrote", "[diff][io]") {
  Profile p = io::load_profile(data("profile-fin-b.yaml"));
  PriceSheet s = io::load_price_sheet(data("sheet-finance.yaml"));
  CompareResult r = compare(p, s, nullptr);
  CompareResult back = io::parse_compare_json("c.json", report::render_compare(r, report::Format::json));
  REQUIRE(back.options.size() == 2);
  CHECK(back.price_sheet_version == "test-finance");
  // api: 4M tokens/day x 30.416667 x $15/1M = $1,825.00; gpu: 730 x 2.739726 = $2,000.00.
  CHECK(back.options[0].monthly_cost_usd == Approx(1825.00));
  CHECK(back.options[0].breakdown.api_tokens == Approx(1825.00));
  CHECK(back.options[1].breakdown.gpu_compute == Approx(2000.00));
  REQUIRE(back.options[1].self_hosted);
  CHECK(back.options[1].self_hosted->replicas == 1);
  CompareDiff d = diff_results(r, back);
  for (const auto& o : d.options) CHECK(o.why.empty());
}
