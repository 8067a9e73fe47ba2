// Cost formulas of lib/core/src/options/cost.cpp and compare.cpp, pinned by hand arithmetic.
#include <catch2/catch.hpp>

#include "plan/core/options/compare.hpp"
#include "plan/core/options/cost.hpp"
#include "plan/core/base/units.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;

namespace {
Workload chat(double rpd, double in, double out) {
  Workload w;
  w.id = std::string(1, 'w');
  w.requests_per_day = rpd;
  w.input_tokens = in;
  w.output_tokens = out;
  return w;
}
TokenPrices mini() {
  TokenPrices p;
  p.input_per_mtok = 0.15;
  p.output_per_mtok = 0.60;
  p.cached_input_per_mtok = 0.075;
  p.batch_input_per_mtok = 0.075;
  p.batch_output_per_mtok = 0.30;
  return p;
}
}  // namespace

TEST_CASE("month is 730 hours", "[units]") {
  CHECK(hours_per_month == 730.0);
  // 730 / 24 = 30.416666...
  CHECK(days_per_month == Approx(30.4166667));
}

TEST_CASE("token_cost: gpt-4o-mini worked example", "[cost]") {
  // 4,000 req/day x 30.41667 days = 121,666.67 requests a month.
  // Input 121,666.67 x 1,200 = 146.0M tokens x $0.15/1M = $21.90
  // Output 121,666.67 x 800 = 97.33M tokens x $0.60/1M = $58.40
  // Total $80.30.
  TokenCost c = token_cost(chat(4000, 1200, 800), mini());
  CHECK(c.input == Approx(21.90));
  CHECK(c.output == Approx(58.40));
  CHECK(c.total() == Approx(80.30));
}

TEST_CASE("token_cost: cache and batch shares", "[cost]") {
  Workload w = chat(4000, 1200, 800);
  SECTION("half the input tokens from cache") {
    // Input $21.90 split: half at $0.15 = $10.95, half at $0.075 = $5.475. Output $58.40.
    w.cached_input_share = 0.5;
    TokenCost c = token_cost(w, mini());
    CHECK(c.input == Approx(10.95));
    CHECK(c.cached_input == Approx(5.475));
    CHECK(c.total() == Approx(10.95 + 5.475 + 58.40));
  }
  SECTION("a quarter of requests batchable at half price") {
    // Interactive 3/4: $21.90 x 0.75 = $16.425 input, $58.40 x 0.75 = $43.80 output.
    // Batch 1/4 at half price: $21.90 x 0.25 / 2 = $2.7375, $58.40 x 0.25 / 2 = $7.30.
    w.batchable_share = 0.25;
    TokenCost c = token_cost(w, mini());
    CHECK(c.input == Approx(16.425));
    CHECK(c.output == Approx(43.80));
    CHECK(c.batch_input == Approx(2.7375));
    CHECK(c.batch_output == Approx(7.30));
  }
  SECTION("no batch prices: batchable requests billed as interactive") {
    TokenPrices p = mini();
    p.batch_input_per_mtok.reset();
    p.batch_output_per_mtok.reset();
    w.batchable_share = 0.25;
    CHECK(token_cost(w, p).total() == Approx(80.30));
  }
  SECTION("cache write without a cache-write price is billed as input") {
    w.cache_write_share = 0.5;
    CHECK(token_cost(w, mini()).total() == Approx(80.30));
  }
}

TEST_CASE("peak rates follow the hourly shape", "[cost]") {
  Workload w = chat(86400, 100, 0);  // 1 request/s on average
  std::array<double, 24> raw{};
  raw.fill(1.0);
  raw[12] = 25.0;  // sum 48, mean 2: hour 12 has weight 12.5
  w.traffic = TrafficShape::from_hourly(raw);
  CHECK(w.traffic.peak_factor() == Approx(12.5));
  CHECK(peak_rate_per_s({w}, [](const Workload& x) { return x.requests_per_day; }) == Approx(12.5));
  w.traffic = TrafficShape::from_peak_to_average(3.0);
  CHECK(peak_rate_per_s({w}, [](const Workload& x) { return x.requests_per_day; }) == Approx(3.0));
}

TEST_CASE("rate limits: peak requests and tokens per minute", "[cost]") {
  // 1,440,000 req/day flat = 1,000 req/min; x 2,000 tokens = 2,000,000 tokens/min.
  Workload w = chat(1'440'000, 1200, 800);
  RateLimit tier1{"tier-1", 500.0, 200000.0, std::nullopt, std::nullopt, 0};
  RateCheck rc = check_rate_limits({w}, tier1);
  CHECK(rc.peak_requests_per_min == Approx(1000));
  CHECK(rc.peak_tokens_per_min == Approx(2'000'000));
  CHECK(rc.exceeded.size() == 2);
  // Half the requests batchable: only 500 req/min interactive, at the limit, not over it.
  w.batchable_share = 0.5;
  RateLimit rpm_only{"t", 500.0, std::nullopt, std::nullopt, std::nullopt, 0};
  CHECK(check_rate_limits({w}, rpm_only).exceeded.empty());
}

TEST_CASE("provisioned units sized for the binding peak", "[cost]") {
  // 1,440,000 req/day flat = 1,000 req/min: 1.2M input and 800k output tokens/min.
  // Units of 100k in / 10k out per min: max(12, 80) = 80 units x $40/h x 730 h = $2,336,000.
  Workload w = chat(1'440'000, 1200, 800);
  Provisioned p;
  p.input_tokens_per_min_per_unit = 100000;
  p.output_tokens_per_min_per_unit = 10000;
  ProvisionedTerm t{"1m", 40.0, 1, 0};
  ProvisionedCost c = provisioned_cost({w}, p, t);
  CHECK(c.units == 80);
  CHECK(c.usd_per_month == Approx(2'336'000));
}

TEST_CASE("compare: fixture profile, totals and cheapest", "[compare]") {
  Profile prof = io::load_profile(PLAN_TEST_DATA "/profile-basic.yaml");
  PriceSheet sheet = io::load_price_sheet(PLAN_TEST_DATA "/sheet-basic.yaml");
  CompareResult r = compare(prof, sheet, nullptr);
  REQUIRE(r.options.size() == 2);
  CHECK(r.options[0].monthly_cost_usd == Approx(80.30));
  // 8M tokens/day x 30.41667 = 243.33M tokens; $80.30 / 243.33 = $0.33 per 1M
  // (= 0.6 x 0.15 + 0.4 x 0.60, the blended price).
  CHECK(r.options[0].cost_per_mtok_usd == Approx(0.33));
  // Self-hosted: 8M tokens/day = 92.6 tokens/s < 1,000 tokens/s: one replica.
  // $2.50 x 730 = $1,825 GPU + 0.5 x $120,000 / 12 = $5,000 labour + $100 monitoring = $6,925.
  const auto& g = r.options[1];
  REQUIRE(fleet_detail(g));
  CHECK(fleet_detail(g)->replicas == 1);
  CHECK(g.breakdown.gpu_compute == Approx(1825));
  CHECK(g.breakdown.ops_labour == Approx(5000));
  CHECK(g.monthly_cost_usd == Approx(6925));
  // Utilisation 92.59 / 1,000 = 9.26%.
  CHECK(fleet_detail(g)->utilization == Approx(8e6 / 86400 / 1000));
  CHECK(r.cheapest == std::optional<std::string>("mini"));
}

TEST_CASE("round_cents: half a cent rounds away from zero", "[compare]") {
  CHECK(round_cents(1.005000001) == Approx(1.01));
  CHECK(round_cents(2.675) == Approx(2.68).margin(0.011));
  CHECK(round_cents(0.125) == 0.13);    // 12.5 cents exactly (0.125 is a binary fraction) -> 13
  CHECK(round_cents(-0.125) == -0.13);  // away from zero, not towards +infinity
  // 32,997.825 is a tie on the decimal value (half a cent), so it rounds away from zero to
  // 32,997.83; the double nearest it is 32,997.82499999999709 (below the tie), which
  // std::round(x * 100) took down to .82.
  CHECK(round_cents(32997.825) == 32997.83);
  CHECK(round_cents(-32997.825) == -32997.83);
  CHECK(round_cents(32997.8249) == 32997.82);  // below the tie: down
  CHECK(round_cents(2429.075) == 2429.08);    // 1,825 x 1.331, the projection's tie in test_finance.cpp
  CHECK(round_cents(1825.0 * 1.331) == 2429.08);
  CHECK(round_cents(0.0) == 0.0);
}

TEST_CASE("finish_totals: the total is the sum of cent-rounded lines", "[compare]") {
  OptionResult r;
  SECTION("lines that each print 0.00 total 0.00") {
    // 0.004 + 0.004 + 0.004 = 0.012 would round to 0.01; each line rounds to 0.00 first,
    // so the printed lines and the printed total agree at 0.00.
    r.breakdown.gpu_compute = 0.004;
    r.breakdown.ops_labour = 0.004;
    r.breakdown.monitoring = 0.004;
    r.monthly_tokens = 1e6;
    finish_totals(r);
    CHECK(r.monthly_cost_usd == 0.0);
    CHECK(r.cost_per_mtok_usd == 0.0);
  }
  SECTION("lines that each round up total more than their raw sum") {
    // 0.006 -> 0.01 twice: 0.02, where the raw sum 0.012 would give 0.01.
    r.breakdown.egress = 0.006;
    r.breakdown.storage = 0.006;
    r.monthly_tokens = 4e6;
    finish_totals(r);
    CHECK(r.monthly_cost_usd == Approx(0.02));
    CHECK(r.cost_per_mtok_usd == Approx(0.005));  // 0.02 USD / 4 M tokens
  }
  SECTION("half a cent rounds away from zero") {
    // 1234.565 x 100 is 123456.5 in binary floating point -> 123457 cents = 1234.57;
    // 0.125 -> 12.5 cents -> 13 cents. Total 1234.57 + 0.13 = 1234.70.
    r.breakdown.api_tokens = 1234.565;
    r.breakdown.storage = 0.125;
    r.monthly_tokens = 2e6;
    finish_totals(r);
    CHECK(r.monthly_cost_usd == Approx(1234.70).margin(1e-9));
    CHECK(r.cost_per_mtok_usd == Approx(617.35).margin(1e-9));  // 1234.70 / 2
  }
  SECTION("no tokens: no cost per 1M tokens") {
    r.breakdown.gpu_compute = 100.0;
    r.monthly_tokens = 0;
    finish_totals(r);
    CHECK(r.monthly_cost_usd == Approx(100.0));
    CHECK(r.cost_per_mtok_usd == 0.0);
  }
}
