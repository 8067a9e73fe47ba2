// The risk engine (lib/core/src/finance/risk.cpp) and its distributions (uncertainty.cpp), against
// closed forms worked out by hand on tests/data/sheet-finance.yaml:
//   flat-15: $15 per 1M tokens in and out; 10M tokens/day x 730/24 days = 304.1667M
//   tokens/month -> $4,562.50 per month at today's volume.
//   gpu-2000 reserved_1y: 730 h x $2.739726 = $1,999.99998 per month whatever the volume
//   (a throughput override far above the traffic, no ops costs).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "plan/core/finance/risk.hpp"
#include "plan/io/loaders.hpp"
#include "plan/io/uncertainty_loader.hpp"
#include "plan/report/risk_report.hpp"

using namespace plan;

namespace {

const PriceSheet& sheet() {
  static const PriceSheet s = io::load_price_sheet(std::string(PLAN_TEST_DATA) + "/sheet-finance.yaml");
  return s;
}

struct Case {
  Profile profile;
  Uncertainty uncertainty;
};

Case profile(const std::string& horizon, const std::string& uncertainty) {
  const std::string text = "name: risk\nworkloads:\n"
                           "  - {id: a, tokens_per_day: 10000000, input_share: 0.5}\n"
                           "options:\n"
                           "  - {id: api, kind: api, model: flat-15}\n"
                           "  - {id: gpu, kind: self_hosted, instance: gpu-2000, model: llama-3.1-8b,"
                           " term: reserved_1y, tokens_per_second_per_replica: 1000000}\n" +
                           horizon + "uncertainty:\n" + uncertainty;
  Case c{io::parse_profile("risk.yaml", text), *io::parse_uncertainty("risk.yaml", text)};
  io::check_references(c.profile, sheet());
  io::check_uncertainty_providers(c.uncertainty, sheet());
  return c;
}

RiskResult run(const Case& c, const RiskSettings& st = {}) { return run_risk(c.profile, c.uncertainty, sheet(), nullptr, st); }

const RiskOption& find(const RiskResult& r, const std::string& id) {
  for (const auto& o : r.options)
    if (o.id == id) return o;
  FAIL("no option " << id);
  return r.options.front();
}

}  // namespace

TEST_CASE("distributions: quantiles by hand", "[risk]") {
  // Standard normal: Phi^-1(0.975) = 1.959963985 (tables), Phi^-1(0.5) = 0.
  CHECK(normal_quantile(0.975) == Approx(1.959963985).epsilon(1e-9));
  CHECK(normal_quantile(0.5) == Approx(0).margin(1e-15));
  CHECK(normal_quantile(1e-10) == Approx(-6.361340902).epsilon(1e-8));  // tables: z(1e-10) = -6.3613409
  CHECK(normal_cdf(normal_quantile(0.01)) == Approx(0.01).epsilon(1e-12));
  // uniform(2, 6) at 0.25: 2 + 4 x 0.25 = 3.
  CHECK(Distribution::uniform(2, 6).quantile(0.25) == Approx(3));
  // normal(10, 2) at 0.975: 10 + 2 x 1.959964 = 13.919928.
  CHECK(Distribution::normal(10, 2).quantile(0.975) == Approx(13.919928).epsilon(1e-7));
  // lognormal from p10 0.7 / p90 1.4: median sqrt(0.98) = 0.989949; its own p10 and p90 back.
  const Distribution ln = Distribution::lognormal_p10_p90(0.7, 1.4);
  CHECK(ln.median() == Approx(0.9899495));
  CHECK(ln.quantile(0.1) == Approx(0.7).epsilon(1e-9));
  CHECK(ln.quantile(0.9) == Approx(1.4).epsilon(1e-9));
  // sigma = ln 2 / (2 x 1.2815516) = 0.2704328.
  CHECK(ln.b == Approx(0.2704328));
  // triangular(0, 1, 4): F(mode) = 1/4; at u = 1/16, sqrt(1/16 x 4 x 1) = 0.5; at u = 0.75,
  // 4 - sqrt(0.25 x 4 x 3) = 4 - sqrt(3) = 2.267949.
  const Distribution tri = Distribution::triangular(0, 1, 4);
  CHECK(tri.quantile(1.0 / 16) == Approx(0.5));
  CHECK(tri.quantile(0.25) == Approx(1));
  CHECK(tri.quantile(0.75) == Approx(2.267949));
}

TEST_CASE("draws: counter-based uniforms in (0, 1)", "[risk]") {
  // Same (seed, draw, slot), same number; another draw or slot, another number.
  CHECK(draw_uniform(7, 123, 2) == draw_uniform(7, 123, 2));
  CHECK(draw_uniform(7, 123, 2) != draw_uniform(7, 124, 2));
  CHECK(draw_uniform(7, 123, 2) != draw_uniform(7, 123, 1));
  CHECK(draw_uniform(7, 123, 2) != draw_uniform(8, 123, 2));
  // Mean of 100,000 uniforms: 0.5 within 4 standard errors (sd 1/sqrt(12) / sqrt(1e5) = 0.00091).
  double sum = 0;
  for (int d = 0; d < 100000; ++d) {
    const double u = draw_uniform(1, static_cast<std::uint64_t>(d), 0);
    REQUIRE(u > 0);
    REQUIRE(u < 1);
    sum += u;
  }
  CHECK(sum / 100000 == Approx(0.5).margin(0.0037));
  // Type 7 quantiles: {1, 2, 3, 4} at 0.1: h = 0.3 -> 1.3; at 0.5: h = 1.5 -> 2.5.
  CHECK(quantile_of({4, 1, 3, 2}, 0.1) == Approx(1.3));
  CHECK(quantile_of({4, 1, 3, 2}, 0.5) == Approx(2.5));
}

TEST_CASE("pay-per-token cost under a lognormal volume has the volume's quantiles", "[risk]") {
  // Cost is linear in volume, so its quantiles are the volume's times $4,562.50:
  // p10 0.7 x 4562.50 = 3193.75; p90 1.4 x 4562.50 = 6387.50; median sqrt(0.98) x 4562.50 =
  // 4516.64; mean exp(sigma^2 / 2) x median = 1.037244 x 4516.64 = 4684.86 (sigma 0.2704328).
  // Monte Carlo tolerance with 50,000 draws: the p10's standard error is
  // sqrt(0.1 x 0.9 / 50000) / phi(1.2816) = 0.00134 / 0.1755 = 0.0076 in z, x sigma = 0.21%
  // of the cost; checked within 1% (about 5 standard errors), the mean within 1% too
  // (its sd: 0.277 x 4684.86 / sqrt(50000) = 0.12%).
  const Case p = profile("horizon: {months: 1}\n", "  draws: 50000\n  seed: 3\n  volume: {dist: lognormal, p10: 0.7, p90: 1.4}\n");
  RiskSettings st;
  st.threads = 2;
  const RiskResult r = run(p, st);
  const RiskOption& api = find(r, "api");
  CHECK(api.monthly_cost_usd.p10 == Approx(3193.75).epsilon(0.01));
  CHECK(api.monthly_cost_usd.p50 == Approx(4516.64).epsilon(0.01));
  CHECK(api.monthly_cost_usd.p90 == Approx(6387.50).epsilon(0.01));
  CHECK(api.monthly_cost_usd.mean == Approx(4684.86).epsilon(0.01));
  // One month: the horizon total is month 1.
  CHECK(api.horizon_cost_usd.p90 == Approx(api.monthly_cost_usd.p90));
  // The reserved GPU costs $2,000 in every draw (its throughput override has no uncertainty).
  const RiskOption& gpu = find(r, "gpu");
  CHECK(gpu.monthly_cost_usd.p10 == Approx(1999.99998));
  CHECK(gpu.monthly_cost_usd.p90 == Approx(1999.99998));
}

TEST_CASE("probability that a fixed cost beats a linear one", "[risk]") {
  // gpu ($1,999.99998) is cheaper than api (4562.50 V) when V > 1999.99998 / 4562.50 =
  // 0.438356. V lognormal(median 0.5, sigma 0.5): P(V > 0.438356) = 1 - Phi(ln(0.438356 /
  // 0.5) / 0.5) = 1 - Phi(-0.263153) = Phi(0.263153) = 0.603784. Standard error with 50,000
  // draws: sqrt(0.6038 x 0.3962 / 50000) = 0.0022; checked within 0.01.
  const Case p = profile("horizon: {months: 1}\n", "  draws: 50000\n  volume: {dist: lognormal, median: 0.5, sigma: 0.5}\n");
  const RiskResult r = run(p);
  CHECK(find(r, "gpu").probability_cheapest == Approx(0.603784).margin(0.01));
  CHECK(find(r, "api").probability_cheapest == Approx(1 - 0.603784).margin(0.01));
  CHECK(find(r, "gpu").probability_feasible == 1.0);
  // Break-even of gpu against api in month 1: 1999.99998 / 15 x 1e6 = 133.333332M tokens/month
  // / 30.416667 days = 4,383,561.6 tokens/day in every draw (nothing uncertain moves it; the
  // draws span volumes 0.5 x e^(+-2.2) or so, which hold it), within the bisection's 1e-12.
  REQUIRE(r.break_even);
  CHECK(r.break_even->a == "gpu");
  CHECK(r.break_even->b == "api");
  CHECK(r.break_even->share_found == 1.0);
  CHECK(r.break_even->tokens_per_day.p10 == Approx(4383561.6).epsilon(1e-7));
  CHECK(r.break_even->tokens_per_day.p90 == Approx(4383561.6).epsilon(1e-7));
}

TEST_CASE("a fleet's replica steps are read from the compare engine", "[risk]") {
  // gpu-2.50 on demand, 50 tokens/s per replica (override) = 180,000 tokens/h; 10M tokens/day
  // flat = 416,666.7 tokens/h x V. Replicas = ceil(416,666.7 V / 180,000) = ceil(2.3148 V),
  // stepping at V = 0.432, 0.864, 1.296, 1.728; each replica 730 h x $2.50 = $1,825.
  // V lognormal p10 0.7 / median 0.99 / p90 1.4: 2, 3 and 4 replicas = $3,650, $5,475, $7,300
  // (each quantile lies well inside a step, so it is a whole number of replicas).
  const std::string text = "name: steps\nworkloads:\n  - {id: a, tokens_per_day: 10000000, input_share: 0.5}\n"
                           "options:\n  - {id: gpu, kind: self_hosted, instance: gpu-2.50, model: llama-3.1-8b,"
                           " tokens_per_second_per_replica: 50}\nhorizon: {months: 1}\n"
                           "uncertainty:\n  draws: 20000\n  volume: {dist: lognormal, p10: 0.7, p90: 1.4}\n";
  const Case c{io::parse_profile("steps.yaml", text), *io::parse_uncertainty("steps.yaml", text)};
  const RiskResult r = run(c);
  const RiskOption& gpu = find(r, "gpu");
  CHECK(gpu.monthly_cost_usd.p10 == Approx(3650));
  CHECK(gpu.monthly_cost_usd.p50 == Approx(5475));
  CHECK(gpu.monthly_cost_usd.p90 == Approx(7300));
  // The same figure as `plan compare` at today's volume: 3 replicas.
  CHECK(evaluate_option(c.profile, sheet(), c.profile.options.front(), nullptr).monthly_cost_usd == Approx(5475));
}

TEST_CASE("tornado: one-at-a-time swings by hand", "[risk]") {
  // 12 flat months; volume lognormal p10 0.7 / p90 1.4 (median 0.989949); API prices change
  // uniform(-0.5, 0) per year (p10 -0.45, median -0.25, p90 -0.05), so month m (0-based)
  // pays (1 + c)^(m/12) of today's price. Sum over 12 months of r^(m/12) is
  // S(r) = (1 - r) / (1 - r^(1/12)): S(0.75) = 10.553678, S(0.55) = 9.259431, S(0.95) = 11.722453.
  // At medians: api = 4562.50 x 0.989949 x 10.553678 = 47,667.21; gpu = 12 x 1999.99998 =
  // 23,999.99976: gpu is recommended, api is the runner-up, margin 23,667.21.
  // Volume at p10 / p90: 4562.50 x {0.7, 1.4} x 10.553678 - 24,000 = 9,705.81 / 43,411.62,
  // swing 4562.50 x 0.7 x 10.553678 = 33,705.81.
  // Price at p10 / p90: 4562.50 x 0.989949 x {9.259431, 11.722453} - 24,000 = 17,821.56 /
  // 28,946.16, swing 4562.50 x 0.989949 x 2.463022 = 11,124.60.
  const Case p = profile("", "  draws: 1000\n  volume: {dist: lognormal, p10: 0.7, p90: 1.4}\n"
                          "  api_price_change_per_year: {dist: uniform, low: -0.5, high: 0}\n");
  const RiskResult r = run(p);
  REQUIRE(r.recommended);
  CHECK(*r.recommended == "gpu");
  CHECK(*r.runner_up == "api");
  CHECK(r.median_margin_usd == Approx(23667.21).epsilon(1e-6));
  REQUIRE(r.tornado.size() == 2);
  CHECK(r.tornado[0].input == "volume");
  CHECK(r.tornado[0].low_usd == Approx(9705.81).epsilon(1e-6));
  CHECK(r.tornado[0].high_usd == Approx(43411.62).epsilon(1e-6));
  CHECK(r.tornado[0].swing_usd == Approx(33705.81).epsilon(1e-6));
  CHECK(r.tornado[1].input == "api_price_change_per_year");
  CHECK(r.tornado[1].low_value == Approx(-0.45));
  CHECK(r.tornado[1].low_usd == Approx(17821.56).epsilon(1e-6));
  CHECK(r.tornado[1].high_usd == Approx(28946.16).epsilon(1e-6));
  CHECK(r.tornado[1].swing_usd == Approx(11124.60).epsilon(1e-6));
}

TEST_CASE("one-time price changes: a step from a month on", "[risk]") {
  // 12 flat months. gpu_price_change {at_month: 4, change: -0.2}: months 1-3 at $1,999.99998,
  // months 4-12 at 0.8 x 1,999.99998 = 1,599.999984; horizon 3 x 1,999.99998 + 9 x 1,599.999984
  // = 5,999.99994 + 14,399.999856 = 20,399.999796; month 1 unchanged.
  // api_price_change {at_month: 1, change: -0.2}: every month at 0.8 x 4,562.50 = 3,650;
  // horizon 12 x 3,650 = 43,800.
  const Case p = profile("", "  draws: 200\n  gpu_price_change: {at_month: 4, change: -0.2}\n"
                             "  api_price_change: {at_month: 1, change: -0.2}\n");
  const RiskResult r = run(p);
  CHECK(find(r, "gpu").monthly_cost_usd.p50 == Approx(1999.99998));
  CHECK(find(r, "gpu").horizon_cost_usd.p50 == Approx(20399.999796));
  CHECK(find(r, "gpu").horizon_cost_usd.p90 == Approx(20399.999796));
  CHECK(find(r, "api").monthly_cost_usd.p50 == Approx(3650));
  CHECK(find(r, "api").horizon_cost_usd.p50 == Approx(43800));
  // Both changes are fixed: no spread, so no tornado bar.
  CHECK(r.tornado.empty());
  REQUIRE(r.inputs.size() == 2);
  CHECK(r.inputs[0].name == "api_price_change[month 1]");
  CHECK(r.inputs[1].name == "gpu_price_change[month 4]");
}

TEST_CASE("one-time price change with a distribution; fixed inputs have no tornado bar", "[risk]") {
  // gpu_price_change {at_month: 1, change: uniform(-0.4, 0)}: p10 -0.36, median -0.2, p90 -0.04.
  // gpu horizon 12 x 1,999.99998 x (1 + c): at the median 19,199.99981; api 12 x 4,562.50 =
  // 54,750 (volume fixed at 1). Margin of gpu over api: 54,750 - 24,000 x (1 + c) to the
  // cent (24,000 x 0.99999999): at p10 54,750 - 15,359.99985 = 39,390.00015, at p90
  // 54,750 - 23,039.99977 = 31,710.00023; swing 7,679.99992.
  // volume: 1 (fixed) has no spread and no bar.
  const Case p = profile("", "  draws: 200\n  volume: 1\n"
                             "  gpu_price_change: {at_month: 1, change: {dist: uniform, low: -0.4, high: 0}}\n");
  const RiskResult r = run(p);
  REQUIRE(r.recommended);
  CHECK(*r.recommended == "gpu");
  REQUIRE(r.tornado.size() == 1);
  CHECK(r.tornado[0].input == "gpu_price_change[month 1]");
  CHECK(r.tornado[0].low_value == Approx(-0.36));
  CHECK(r.tornado[0].low_usd == Approx(39390.00015).epsilon(1e-8));
  CHECK(r.tornado[0].high_usd == Approx(31710.00023).epsilon(1e-8));
  CHECK(r.tornado[0].swing_usd == Approx(7679.99992).epsilon(1e-7));
}

TEST_CASE("a step price change is read strictly", "[risk][profile]") {
  CHECK_THROWS_WITH(profile("", "  gpu_price_change: -0.2\n"), Catch::Contains("gpu_price_change is not a mapping"));
  CHECK_THROWS_WITH(profile("", "  gpu_price_change: {change: -0.2}\n"), Catch::Contains("at_month"));
  CHECK_THROWS_WITH(profile("", "  api_price_change: {at_month: 0, change: -0.2}\n"), Catch::Contains("at_month"));
  CHECK_THROWS_WITH(profile("", "  api_price_change: {at_month: 2, change: -1.5}\n"), Catch::Contains("change"));
}

TEST_CASE("probability that the cheapest option is of a kind", "[risk]") {
  // As in "probability that a fixed cost beats a linear one": P(gpu cheapest) = 0.603784.
  // With one option per kind, the self_hosted group's probability is gpu's, the api group's
  // api's; a kind with no option (managed) is never cheapest.
  const Case p = profile("horizon: {months: 1}\n", "  draws: 50000\n  volume: {dist: lognormal, median: 0.5, sigma: 0.5}\n");
  RiskSettings st;
  st.groups = {OptionKind::self_hosted, OptionKind::api, OptionKind::managed};
  const RiskResult r = run(p, st);
  REQUIRE(r.groups.size() == 3);
  CHECK(r.groups[0].kind == OptionKind::self_hosted);
  CHECK(r.groups[0].options == std::vector<std::string>{"gpu"});
  CHECK(r.groups[0].probability_cheapest == Approx(0.603784).margin(0.01));
  CHECK(r.groups[1].probability_cheapest == Approx(1 - 0.603784).margin(0.01));
  CHECK(r.groups[2].options.empty());
  CHECK(r.groups[2].probability_cheapest == 0);
  CHECK(r.groups[0].probability_cheapest + r.groups[1].probability_cheapest == Approx(1.0));
}

TEST_CASE("same seed, same bytes, whatever the thread count", "[risk]") {
  const Case p = profile("horizon: {months: 6, growth_per_month: 0.02}\n",
                      "  draws: 20000\n  seed: 11\n  volume: {dist: lognormal, p10: 0.5, p90: 2}\n"
                      "  growth_per_month: {dist: normal, mean: 0.03, sd: 0.05}\n"
                      "  gpu_price_change_per_year: {dist: triangular, low: -0.3, mode: -0.1, high: 0.1}\n");
  RiskSettings one, two;
  one.threads = 1;
  two.threads = 2;
  const std::string a = report::render_risk(run(p, one), report::Format::json);
  const std::string b = report::render_risk(run(p, two), report::Format::json);
  CHECK(a == b);
  RiskSettings other = two;
  other.seed = 12;
  CHECK(report::render_risk(run(p, other), report::Format::json) != a);
}

TEST_CASE("uncertainty section is read strictly", "[risk][profile]") {
  const std::string head = "name: x\nworkloads:\n  - {id: a, tokens_per_day: 1000, input_share: 0.5}\n"
                           "options:\n  - {id: api, kind: api, model: m}\n";
  SECTION("numbers, distributions and providers") {
    const std::string text = head + "uncertainty:\n  draws: 500\n  seed: 9\n  volume: 1.2\n"
                                    "  throughput: {dist: normal, mean: 1, sd: 0.1}\n"
                                    "  api_price_change_per_year: {openai: -0.3, default: "
                                    "{dist: uniform, low: -0.2, high: 0}}\n";
    CHECK_NOTHROW(io::parse_profile("p.yaml", text));
    auto u = io::parse_uncertainty("p.yaml", text);
    REQUIRE(u);
    CHECK(u->draws == 500);
    CHECK(u->seed == 9);
    REQUIRE(u->inputs.size() == 4);
    CHECK(u->inputs[0].name() == "volume");
    // Default first, then providers by name.
    CHECK(u->inputs[1].name() == "api_price_change_per_year");
    CHECK(u->inputs[2].name() == "api_price_change_per_year[openai]");
    CHECK(u->inputs[3].name() == "throughput");
    CHECK_FALSE(io::parse_uncertainty("p.yaml", head));
    // The sheet's providers are checked against it: sheet-finance sells tokens from 'test' only.
    CHECK_THROWS_WITH(io::check_uncertainty_providers(*u, sheet()), Catch::Contains("unknown provider 'openai'"));
  }
  auto bad = [&](const std::string& u, const std::string& why) {
    CHECK_THROWS_WITH(io::parse_profile("p.yaml", head + "uncertainty:\n" + u), Catch::Contains(why));
  };
  bad("  volume: {dist: lognormal, p10: 1.4, p90: 0.7}\n", "not above p10");
  bad("  volume: {dist: gamma, low: 1}\n", "unknown dist 'gamma'");
  bad("  growth_per_month: {dist: lognormal, p10: 0.01, p90: 0.05}\n", "not lognormal");
  bad("  volume: {dist: triangular, low: 0.5, mode: 2, high: 1.5}\n", "mode 2 is outside");
  bad("  volume: {dist: uniform, low: 0.5}\n", "high");
  bad("  volum: 1\n", "volum");
  bad("  draws: 0\n", "draws");
  CHECK_THROWS_WITH(io::parse_profile("p.yaml", head + "horizon: {months: 2, monthly_volume_scale: [1, 2]}\n"
                                                       "uncertainty:\n  growth_per_month: 0.1\n"),
                    Catch::Contains("monthly_volume_scale"));
}

TEST_CASE("risk refuses more draws than it can hold", "[risk]") {
  // 20,000,000 draws x 2 options = 4e7 costs, above the 2e7 held in memory.
  const Case c = profile("", "  volume: 1\n");
  RiskSettings st;
  st.draws = 20'000'000;
  CHECK_THROWS_WITH(run(c, st), Catch::Contains("expected at most 2e+07"));
}
