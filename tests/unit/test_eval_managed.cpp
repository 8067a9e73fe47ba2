// Managed options (lib/core/src/options/eval_managed.cpp): provisioned units sized with checked
// arithmetic. Expected values by hand.
#include <catch2/catch.hpp>

#include "catalogs.hpp"
#include "fixtures.hpp"
#include "plan/core/options/compare.hpp"
#include "plan/core/serving/perf.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;
using plan::test::find;


// 1,440,000 requests a day, flat, of 500 input + 50 output tokens: 1,000 requests/min,
// 500,000 input and 50,000 output tokens/min. pt-test units serve 100,000 input and 10,000
// output tokens/min: max(5, 5) = 5 units at $50/h: 5 x 50 x 730 = $182,500.00.
TEST_CASE("provisioned units from the sheet's unit throughput", "[managed]") {
  Profile p = io::parse_profile("test.yaml", R"(name: pt
workloads:
  - {id: chat, requests_per_day: 1440000, input_tokens: 500, output_tokens: 50}
options:
  - {id: pt, kind: managed, offering: pt-test, mode: provisioned}
)");
  OptionResult r = evaluate_option(p, test::basic_sheet(), p.options[0], nullptr);
  CHECK(r.feasible);
  REQUIRE(provisioned_cost(r));
  CHECK(provisioned_cost(r)->units == 5);
  CHECK(r.monthly_cost_usd == Approx(182500.00));
}

// The same traffic with a unit said to serve 0.000001 input tokens/min needs
// 500,000 / 1e-6 = 5e11 units: no fleet is that large, so the option is infeasible and the
// reason names the input at its place in the profile. (It used to be priced as 1 unit, the
// double-to-int conversion overflowing.)
TEST_CASE("provisioned units beyond any fleet name the input behind them", "[managed]") {
  Profile p = io::parse_profile("test.yaml", R"(name: pt
workloads:
  - {id: chat, requests_per_day: 1440000, input_tokens: 500, output_tokens: 50}
options:
  - {id: pt, kind: managed, offering: pt-test, mode: provisioned, unit_input_tokens_per_min: 0.000001}
)");
  OptionResult r = evaluate_option(p, test::basic_sheet(), p.options[0], nullptr);
  CHECK_FALSE(r.feasible);
  CHECK_FALSE(provisioned_cost(r));
  CHECK(r.monthly_cost_usd == 0.0);
  REQUIRE(r.reasons.size() == 1);
  CHECK_THAT(r.reasons[0], Catch::Contains("needs 5e+11 provisioned units") &&
                               Catch::Contains("unit_input_tokens_per_min 1e-06 at test.yaml:5:") &&
                               Catch::Contains("unit_output_tokens_per_min at ") && Catch::Contains("sheet-basic.yaml:40"));
}

// A dedicated endpoint runs the model its provider names. Where the catalog lists that model,
// its replicas are sized like a self-hosted fleet's; where it does not, the option is not
// sized (with the reason) and the comparison goes on; a stated tokens_per_second_per_replica
// sizes it. One L40S endpoint at 2.00 USD an hour: 2.00 x 730 = 1,460.00 USD a month for one
// instance.
TEST_CASE("a dedicated endpoint's model is sized from the catalog where the catalog lists it", "[self_hosted]") {
  PriceSheet sheet = test::basic_sheet();
  for (const char* model : {"llama-3.1-8b", "vendor/private-chat-v2"}) {
    ManagedOffering m;
    m.id = std::string("ded-") + (model[0] == 'l' ? "known" : "unknown");
    m.provider = "test";
    m.model = model;
    m.dedicated = DedicatedEndpoint{"l40s", 1, 2.00, "fixture"};
    sheet.managed.push_back(m);
  }
  Profile p = io::parse_profile("test.yaml", R"(name: dedicated
workloads:
  - {id: chat, requests_per_day: 1000, input_tokens: 500, output_tokens: 200}
options:
  - {id: known, kind: managed, offering: ded-known, mode: dedicated}
  - {id: unknown, kind: managed, offering: ded-unknown, mode: dedicated}
  - {id: stated, kind: managed, offering: ded-unknown, mode: dedicated, tokens_per_second_per_replica: 500}
)");
  perf::CatalogReplicaModelProvider perf(test::shipped_catalog());
  const CompareResult c = compare(p, sheet, &perf);
  REQUIRE(c.options.size() == 3);
  const OptionResult& known = c.options[0];
  CHECK(known.feasible);
  REQUIRE(fleet_detail(known));
  CHECK(fleet_detail(known)->instances == 1);
  CHECK(known.monthly_cost_usd == Approx(1460.00));
  const OptionResult& unknown = c.options[1];
  CHECK_FALSE(unknown.feasible);
  REQUIRE_FALSE(unknown.reasons.empty());
  CHECK_THAT(unknown.reasons[0], Catch::Contains("model 'vendor/private-chat-v2' is not in calib/catalog.yaml: give "
                                                 "tokens_per_second_per_replica for this endpoint"));
  const OptionResult& stated = c.options[2];
  CHECK(stated.feasible);
  CHECK(stated.monthly_cost_usd == Approx(1460.00));
}
