// The compare engine (lib/core/src/options/compare.cpp): cent rounding, totals from rounded lines,
// the comparison's notes and its cheapest option. Prices from tests/data/sheet-basic.yaml;
// a month is 730 h, so 1,000,000 tokens a day is 1e6 x 730 / 24 = 30,416,666.67 a month.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "plan/core/options/compare.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;
using plan::test::has;
using plan::test::basic_sheet;
using plan::test::find;

namespace {
// 1,000,000 tokens a day, half input: 15,208,333.33 input and output tokens a month.
const std::string profile = R"(name: t
workloads:
  - {id: w, tokens_per_day: 1000000, input_share: 0.5}
options:
  - {id: one, kind: api, model: flat-1}
  - {id: fifteen, kind: api, model: flat-15}
  - {id: mini, kind: api, model: gpt-4o-mini}
  - {id: missing, kind: api, model: no-such-model}
)";
}  // namespace

TEST_CASE("round_cents: half away from zero on the decimal value", "[compare]") {
  CHECK(round_cents(32997.825) == 32997.83);  // stored as 32,997.824999999997
  CHECK(round_cents(2.675) == 2.68);          // stored as 2.67499999999999982
  CHECK(round_cents(-1.005) == -1.01);
  CHECK(round_cents(0.005) == 0.01);
  CHECK(round_cents(0.004) == 0);
  CHECK(round_cents(12.34) == 12.34);
}

TEST_CASE("finish_totals: the total is the sum of the cent-rounded lines", "[compare]") {
  OptionResult r;
  r.breakdown.api_tokens = 1.004;
  r.breakdown.gpu_compute = 2.004;
  r.monthly_tokens = 1.5e6;
  finish_totals(r);
  // 1.00 + 2.00 = 3.00, not 3.008 rounded (3.01); per 1M tokens 3.00 / 1.5 = 2.00.
  CHECK(r.monthly_cost_usd == Approx(3.00));
  CHECK(r.cost_per_mtok_usd == Approx(2.00));
  OptionResult none;
  none.breakdown.energy = 5;
  finish_totals(none);
  CHECK(none.monthly_cost_usd == Approx(5));
  CHECK(none.cost_per_mtok_usd == 0);  // no tokens: no cost per token
  // total() sums every line unrounded: 1.004 + 2.004.
  CHECK(r.breakdown.total() == Approx(3.008));
  const auto lines = r.breakdown.lines();
  REQUIRE(lines.size() == 11);
  CHECK(std::string(lines.front().first) == "api_tokens");
  CHECK(std::string(lines.back().first) == "egress");
}

TEST_CASE("compare: every option, the cheapest feasible one, and the comparison's notes", "[compare]") {
  const Profile p = io::parse_profile("p.yaml", profile);
  const CompareResult c = compare(p, basic_sheet(), nullptr);
  REQUIRE(c.options.size() == 4);
  CHECK(c.price_sheet_version == "test-basic");
  CHECK(c.monthly_tokens == Approx(30416666.67));
  // 1,000 tokens a request assumed: 1,000 requests a day, 30,416.67 a month.
  CHECK(c.monthly_requests == Approx(30416.667));
  // one: 30,416,666.67 x $1 = 30.42; fifteen: x $15 = 456.25; mini: 15.208333M x (0.15 +
  // 0.60) = 11.40625 -> 11.41.
  CHECK(find(c, "one").monthly_cost_usd == Approx(30.42));
  CHECK(find(c, "fifteen").monthly_cost_usd == Approx(456.25));
  CHECK(find(c, "mini").monthly_cost_usd == Approx(11.41));
  CHECK_FALSE(find(c, "missing").feasible);
  CHECK(c.cheapest == "mini");
  // The workload's assumed request size, and three models served with no list of accepted
  // ones ("missing" serves none).
  CHECK(has(c.notes, "p.yaml:3:5: workload 'w' gives tokens_per_day without tokens_per_request: 1,000 tokens per "
                     "request assumed"));
  CHECK(has(c.notes, "the options serve 3 different models (flat-1, flat-15, gpt-4o-mini): costs compare price"));
  SECTION("at twice the volume every token cost doubles") {
    EvalSettings s;
    s.volume_scale = 2;
    const CompareResult d = compare(p, basic_sheet(), nullptr, s);
    CHECK(d.monthly_tokens == Approx(60833333.33));
    CHECK(find(d, "one").monthly_cost_usd == Approx(60.83));
    // OptionEvaluator at scale 2 is the same evaluation.
    OptionEvaluator e(p, basic_sheet(), *p.find_option("one"), nullptr);
    CHECK(e(2.0).monthly_cost_usd == Approx(60.83));
  }
  SECTION("a sheet 91 days old on today: the note comes first") {
    // 2024-12-01 -> 2025-03-02: 31 (Dec) + 31 (Jan) + 28 (Feb) + 1 = 91 days.
    PriceSheet old = basic_sheet();
    old.today = Date{2025, 3, 2};
    const CompareResult d = compare(p, old, nullptr);
    REQUIRE_FALSE(d.notes.empty());
    CHECK(d.notes.front().find("is 91 days old on 2025-03-02 (effective 2024-12-01)") != std::string::npos);
  }
  SECTION("workloads that list their models: no note on models") {
    Profile q = p;
    q.workloads[0].models = {"flat-1", "flat-15", "gpt-4o-mini"};
    CHECK_FALSE(has(compare(q, basic_sheet(), nullptr).notes, "different models"));
  }
  SECTION("no feasible option: no cheapest") {
    Profile q = p;
    q.options = {*p.find_option("missing")};
    CHECK_FALSE(compare(q, basic_sheet(), nullptr).cheapest);
  }
}

TEST_CASE("a result's detail is of its option's kind, and the kind answers what it holds", "[compare]") {
  Option api, managed, gpu, mix;
  api.id = "api";
  api.spec = ApiOption{};
  managed.id = "managed";
  managed.spec = ManagedOption{};
  gpu.id = "gpu";
  gpu.spec = SelfHostedOption{};
  mix.id = "mix";
  mix.spec = HybridOption{};
  CHECK(empty_result(api).kind == OptionKind::api);
  CHECK(empty_result(managed).kind == OptionKind::managed);
  CHECK(empty_result(gpu).kind == OptionKind::self_hosted);
  CHECK(empty_result(mix).kind == OptionKind::hybrid);
  CHECK(std::holds_alternative<ManagedResult>(empty_result(managed).detail));
  CHECK(std::holds_alternative<HybridResult>(empty_result(mix).detail));
  // Before evaluation no kind holds anything.
  for (const Option* o : {&api, &managed, &gpu, &mix}) {
    const OptionResult r = empty_result(*o);
    CHECK(r.id == o->id);
    CHECK_FALSE(token_cost(r));
    CHECK_FALSE(fleet_detail(r));
    CHECK_FALSE(held_capacity(r));
    CHECK_FALSE(fleet_capacity(r, 1000));
  }

  // Provisioned units: the capacity held is 5 units; no fleet serves.
  OptionResult units = empty_result(managed);
  std::get<ManagedResult>(units.detail).provisioned = ProvisionedCost{};
  std::get<ManagedResult>(units.detail).provisioned->units = 5;
  REQUIRE(held_capacity(units));
  CHECK(std::string(held_capacity(units)->what) == "provisioned units");
  CHECK(held_capacity(units)->count == 5);
  CHECK_FALSE(fleet_capacity(units, 1000));
  REQUIRE(provisioned_cost(units));
  CHECK(provisioned_cost(units)->units == 5);

  // A self-hosted fleet of 3 replicas at 400 tokens/s each serves 3 x 400 = 1,200 tokens/s.
  OptionResult fleet = empty_result(gpu);
  SelfHostedDetail d;
  d.replicas = 3;
  d.replica_tokens_per_s = 400;
  std::get<SelfHostedResult>(fleet.detail).fleet = d;
  REQUIRE(held_capacity(fleet));
  CHECK(std::string(held_capacity(fleet)->what) == "replicas");
  CHECK(held_capacity(fleet)->count == 3);
  REQUIRE(fleet_capacity(fleet, 1000));
  CHECK(fleet_capacity(fleet, 1000)->tokens_per_s == Approx(1200.0));
  CHECK_FALSE(provisioned_cost(fleet));

  // A hybrid: its private fleet's capacity is what the split gave it, 1.5 requests/s x 1,000
  // tokens a request = 1,500 tokens/s on 2 replicas (not the fleet's own 3 x 400).
  OptionResult split = empty_result(mix);
  HybridDetail h;
  h.replicas = 2;
  h.private_capacity_requests_per_s = 1.5;
  std::get<HybridResult>(split.detail).hybrid = h;
  std::get<HybridResult>(split.detail).fleet = d;
  REQUIRE(fleet_capacity(split, 1000));
  CHECK(fleet_capacity(split, 1000)->replicas == 2);
  CHECK(fleet_capacity(split, 1000)->tokens_per_s == Approx(1500.0));
  CHECK(held_capacity(split)->count == 3);  // the fleet's replicas, as diff compares them
  REQUIRE(hybrid_detail(split));
  CHECK_FALSE(hybrid_detail(fleet));
}
