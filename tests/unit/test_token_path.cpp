// The pay-per-token path (lib/core/src/options/token_path.cpp, cost.cpp) on the price model's
// refinements: long-context tiers, cache-write TTLs, batch with cache, service tiers, input
// and output limits, retirement, negotiated discounts and the sheet's age. The sheet is
// tests/data/sheet-prices.yaml; every expected figure is worked out by hand beside it.
// A month is 730 h = 30.416667 days.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "plan/core/options/compare.hpp"
#include "plan/core/options/cost.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;
using plan::test::has;
using plan::test::find;

namespace {

const PriceSheet& sheet() {
  static const PriceSheet s = io::load_price_sheet(PLAN_TEST_DATA "/sheet-prices.yaml");
  return s;
}

OptionResult run(const std::string& yaml, const std::string& option) {
  Profile p = io::parse_profile("p.yaml", yaml);
  return find(compare(p, sheet(), nullptr), option);
}

}  // namespace

TEST_CASE("long-context tier: a request above the threshold is priced wholly at the tier", "[token_path]") {
  // 100 requests/day x 30.416667 days = 3,041.6667 requests a month.
  SECTION("300,000 input tokens: above 200,000") {
    // Input 3,041.6667 x 300,000 = 912.5M tokens x $6.00 = $5,475.00.
    // Output 3,041.6667 x 1,000 = 3.0416667M tokens x $22.50 = $68.4375 -> $68.44.
    OptionResult r = run(R"(name: t
workloads:
  - {id: long, requests_per_day: 100, input_tokens: 300000, output_tokens: 1000}
options:
  - {id: a, kind: api, model: long-model}
)", "a");
    CHECK(r.feasible);
    REQUIRE(token_cost(r));
    CHECK(token_cost(r)->input == Approx(5475.00));
    CHECK(token_cost(r)->output == Approx(68.4375));
    CHECK(r.monthly_cost_usd == Approx(5475.00 + 68.44));
    CHECK(has(r.notes, "workload 'long' (300000 input tokens per request) is priced wholly at the long-context tier"));
    CHECK(has(r.notes, "sheet-prices.yaml:26)"));
  }
  SECTION("exactly 200,000 input tokens: not above, the standard prices") {
    // Input 3,041.6667 x 200,000 = 608.33333M x $3.00 = $1,825.00; output 3.0416667M x $15 = $45.625.
    OptionResult r = run(R"(name: t
workloads:
  - {id: edge, requests_per_day: 100, input_tokens: 200000, output_tokens: 1000}
options:
  - {id: a, kind: api, model: long-model}
)", "a");
    REQUIRE(token_cost(r));
    CHECK(token_cost(r)->input == Approx(1825.00));
    CHECK(token_cost(r)->output == Approx(45.625));
    CHECK_FALSE(has(r.notes, "long-context"));
  }
}

TEST_CASE("cache writes are billed at the workload's TTL", "[token_path]") {
  // 1,000 requests/day x 30.416667 = 30,416.667 requests; x 10,000 input = 304.16667M input
  // tokens, half written to the cache: 152.08333M written, 152.08333M plain.
  // Plain: 152.08333 x $3.00 = $456.25. Output: 30,416.667 x 100 = 3.0416667M x $15 = $45.625.
  const std::string head = R"(name: t
workloads:
  - {id: w, requests_per_day: 1000, input_tokens: 10000, output_tokens: 100, cache_write_share: 0.5)";
  const std::string tail = R"(}
options:
  - {id: a, kind: api, model: long-model}
)";
  SECTION("1 hour: $6.00/1M") {
    // 152.08333 x $6.00 = $912.50.
    OptionResult r = run(head + ", cache_write_ttl: 1h" + tail, "a");
    REQUIRE(token_cost(r));
    CHECK(token_cost(r)->cache_write == Approx(912.50));
    CHECK(token_cost(r)->input == Approx(456.25));
  }
  SECTION("5 minutes (the default): $3.75/1M") {
    // 152.08333 x $3.75 = $570.3125.
    OptionResult r = run(head + tail, "a");
    REQUIRE(token_cost(r));
    CHECK(token_cost(r)->cache_write == Approx(570.3125));
  }
}

TEST_CASE("batch and cache discounts combine where the sheet says the vendor allows it", "[token_path]") {
  // All 30,416.667 requests/month batchable, 10,000 input (half read from cache), 100 output.
  // Batch input 304.16667M tokens: 152.08333M plain at $1.50 = $228.125; 152.08333M cached at
  // $0.30 x (1.50 / 3.00) = $0.15: $22.8125; together $250.9375.
  // Batch output 3.0416667M x $7.50 = $22.8125.
  const std::string yaml = R"(name: t
workloads:
  - {id: w, requests_per_day: 1000, input_tokens: 10000, output_tokens: 100, cached_input_share: 0.5, batchable_share: 1}
options:
  - {id: stack, kind: api, model: long-model}
  - {id: nostack, kind: api, model: no-stack-model}
)";
  Profile p = io::parse_profile("p.yaml", yaml);
  CompareResult c = compare(p, sheet(), nullptr);
  const OptionResult& s = find(c, "stack");
  REQUIRE(token_cost(s));
  CHECK(token_cost(s)->batch_input == Approx(250.9375));
  CHECK(token_cost(s)->batch_output == Approx(22.8125));
  // Without batch_with_cache every batch input token pays $1.50: 304.16667 x 1.50 = $456.25.
  const OptionResult& n = find(c, "nostack");
  REQUIRE(token_cost(n));
  CHECK(token_cost(n)->batch_input == Approx(456.25));
}

TEST_CASE("context_tokens limits input only; max_output_tokens limits output", "[token_path]") {
  SECTION("260k in + 20k out fits a 272k input limit") {
    // 260,000 <= 272,000 input; 20,000 <= 128,000 output. Input plus output (280,000) used to
    // be checked against 272,000 and made this infeasible.
    OptionResult r = run(R"(name: t
workloads:
  - {id: w, requests_per_day: 10, input_tokens: 260000, output_tokens: 20000}
options:
  - {id: a, kind: api, model: gpt-like}
)", "a");
    CHECK(r.feasible);
  }
  SECTION("280k input does not") {
    OptionResult r = run(R"(name: t
workloads:
  - {id: w, requests_per_day: 10, input_tokens: 280000, output_tokens: 100}
options:
  - {id: a, kind: api, model: gpt-like}
)", "a");
    CHECK_FALSE(r.feasible);
    CHECK(has(r.reasons, "sends 280000 input tokens per request; gpt-like accepts at most 272000"));
  }
  SECTION("130k output exceeds a 128k output limit") {
    OptionResult r = run(R"(name: t
workloads:
  - {id: w, requests_per_day: 10, input_tokens: 1000, output_tokens: 130000}
options:
  - {id: a, kind: api, model: gpt-like}
)", "a");
    CHECK_FALSE(r.feasible);
    CHECK(has(r.reasons, "expects 130000 output tokens per request; gpt-like returns at most 128000"));
  }
  SECTION("a managed offering's context limit") {
    OptionResult r = run(R"(name: t
workloads:
  - {id: w, requests_per_day: 10, input_tokens: 200000, output_tokens: 100}
options:
  - {id: m, kind: managed, offering: managed-128k}
)", "m");
    CHECK_FALSE(r.feasible);
    CHECK(has(r.reasons, "managed-128k accepts at most 128000"));
  }
}

TEST_CASE("service tiers are selected per option", "[token_path]") {
  // 1,000 requests/day of 1,000 in + 1,000 out: 30.416667M input and output tokens a month.
  // flex: 30.416667 x $0.625 = $19.0104; 30.416667 x $5.00 = $152.0833.
  // priority: x $2.50 = $76.0417; x $20.00 = $608.3333.
  const std::string yaml = R"(name: t
workloads:
  - {id: w, requests_per_day: 1000, input_tokens: 1000, output_tokens: 1000}
options:
  - {id: flex, kind: api, model: gpt-like, service_tier: flex}
  - {id: prio, kind: api, model: gpt-like, service_tier: priority}
  - {id: none, kind: api, model: gpt-like, service_tier: scale}
)";
  Profile p = io::parse_profile("p.yaml", yaml);
  CompareResult c = compare(p, sheet(), nullptr);
  const OptionResult& f = find(c, "flex");
  REQUIRE(token_cost(f));
  CHECK(token_cost(f)->input == Approx(19.0104166667));
  CHECK(token_cost(f)->output == Approx(152.0833333333));
  // The provenance cites the service tier's line.
  CHECK_THAT(f.provenance.at(0).source, Catch::EndsWith("/sheet-prices.yaml:44"));
  const OptionResult& pr = find(c, "prio");
  REQUIRE(token_cost(pr));
  CHECK(token_cost(pr)->total() == Approx(76.0416666667 + 608.3333333333));
  const OptionResult& n = find(c, "none");
  CHECK_FALSE(n.feasible);
  CHECK(has(n.reasons, "gpt-like has no service tier 'scale' (listed: flex, priority)"));
}

TEST_CASE("availability: retired offerings are not offered; one retiring in the horizon is named", "[token_path]") {
  const std::string yaml = R"(name: t
workloads:
  - {id: w, requests_per_day: 1000, input_tokens: 1000, output_tokens: 1000}
horizon: {months: 12, start: "2026-07"}
options:
  - {id: old, kind: api, model: old-model}
  - {id: soon, kind: api, model: retiring-model}
)";
  Profile p = io::parse_profile("p.yaml", yaml);
  CompareResult c = compare(p, sheet(), nullptr);
  // Retired 2026-03-01, before the sheet's 2026-07-01.
  const OptionResult& old = find(c, "old");
  CHECK_FALSE(old.feasible);
  CHECK(has(old.reasons, "old-model was retired on 2026-03-01 ("));
  CHECK(has(old.reasons, "sheet-prices.yaml:47), before price sheet test-prices (effective 2026-07-01)"));
  // Retires 2026-10-15: month 2026-10 lies in 2026-07 .. 2027-06, its 4th month (07, 08, 09, 10).
  const OptionResult& soon = find(c, "soon");
  CHECK(soon.feasible);
  CHECK(has(soon.notes, "retiring-model retires on 2026-10-15: month 4 (2026-10) of the 12-month horizon"));
  SECTION("a horizon ending before the retirement says nothing") {
    Profile q = p;
    q.horizon.months = 3;  // 2026-07 .. 2026-09
    CHECK_FALSE(has(find(compare(q, sheet(), nullptr), "soon").notes, "retires"));
  }
}

TEST_CASE("negotiated discounts apply to list prices and show in provenance", "[token_path]") {
  // 1,000 requests/day of 1,000 in + 1,000 out on long-model: 30.416667M tokens each way:
  // list $91.25 input + $456.25 output = $547.50; less 20% = $438.00.
  // gcp-x: one instance (min_replicas 1) x $10.00/h x 730 h = $7,300.00; the option's own 25%:
  // $5,475.00 (the profile's 10% for gcp is overridden).
  const std::string yaml = R"(name: t
workloads:
  - {id: w, requests_per_day: 1000, input_tokens: 1000, output_tokens: 1000}
discounts:
  anthropic: 0.2
  gcp: 0.1
options:
  - {id: a, kind: api, model: long-model}
  - {id: o, kind: api, model: gpt-like}
  - {id: g, kind: self_hosted, instance: gcp-x, model: llama-3.1-8b, tokens_per_second_per_replica: 100000, discount: 0.25}
)";
  Profile p = io::parse_profile("p.yaml", yaml);
  CompareResult c = compare(p, sheet(), nullptr);
  const OptionResult& a = find(c, "a");
  CHECK(a.monthly_cost_usd == Approx(438.00));
  CHECK_THAT(a.provenance.at(0).source, Catch::StartsWith("list price at ") &&
                                            Catch::EndsWith("/sheet-prices.yaml:13, less 20% from profile line 5 (p.yaml)"));
  // No discount for openai: gpt-like at list, 30.416667 x (1.25 + 10.00) = $342.1875 -> $342.19.
  CHECK(find(c, "o").monthly_cost_usd == Approx(342.19));
  const OptionResult& g = find(c, "g");
  CHECK(g.breakdown.gpu_compute == Approx(5475.00));
  CHECK(has({g.provenance.at(0).source}, "less 25% from profile line 10 (p.yaml)"));
}

TEST_CASE("a sheet more than 90 days old on today's date is reported", "[token_path]") {
  Profile p = io::parse_profile("p.yaml", R"(name: t
workloads:
  - {id: w, requests_per_day: 1, input_tokens: 1, output_tokens: 1}
options:
  - {id: a, kind: api, model: gpt-like}
)");
  PriceSheet s = sheet();
  // 2026-07-01 -> 2026-12-01: 31 (Jul) + 31 + 30 + 31 + 30 (Nov) = 153 days.
  s.today = Date::parse("2026-12-01");
  CHECK(has(compare(p, s, nullptr).notes, "sheet-prices.yaml) is 153 days old on 2026-12-01 (effective 2026-07-01)"));
  // 2026-07-01 -> 2026-09-29: 31 (Jul) + 31 (Aug) + 28 = 90 days: not more than 90.
  s.today = Date::parse("2026-09-29");
  CHECK_FALSE(has(compare(p, s, nullptr).notes, "days old"));
  s.today = Date::parse("2026-09-30");  // 91 days
  CHECK(has(compare(p, s, nullptr).notes, "is 91 days old"));
}

TEST_CASE("a hybrid's overflow carries the tier note and the retirement finding", "[token_path]") {
  // All traffic is 300,000 input tokens per request, above long-model's 200,000 tier; a fixed
  // private fleet of 0 replicas sends it all to the overflow. retiring-model retires 2026-10-15,
  // inside the 12 months from 2026-07.
  const std::string yaml = R"(name: t
workloads:
  - {id: long, requests_per_day: 100, input_tokens: 300000, output_tokens: 1000}
horizon: {months: 12, start: "2026-07"}
options:
  - {id: gpu, kind: self_hosted, instance: gcp-x, model: m, tokens_per_second_per_replica: 100000, min_replicas: 0}
  - {id: over, kind: api, model: long-model}
  - {id: soon, kind: api, model: retiring-model}
  - {id: h1, kind: hybrid, private: gpu, overflow: over, replicas: 0}
  - {id: h2, kind: hybrid, private: gpu, overflow: soon, replicas: 0}
)";
  Profile p = io::parse_profile("p.yaml", yaml);
  CompareResult c = compare(p, sheet(), nullptr);
  CHECK(has(find(c, "h1").notes, "overflow: workload 'long' (300000 input tokens per request) is priced wholly at the long-context tier"));
  CHECK(has(find(c, "h2").notes, "overflow: retiring-model retires on 2026-10-15: month 4 (2026-10)"));
}
