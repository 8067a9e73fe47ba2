// Finance (lib/core/src/finance/finance.cpp): projections, commitments, payback, break-even and
// sweeps, pinned by hand arithmetic on the fixtures in tests/data/ (sheet-finance.yaml,
// profile-fin-*.yaml). A month is 730 h = 30.416667 days.
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>
#include <string>

#include "plan/core/finance/finance.hpp"
#include "plan/core/base/units.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;

namespace {
std::string data(const std::string& f) { return std::string(PLAN_TEST_DATA) + "/" + f; }

struct Fixture {
  Profile profile;
  PriceSheet sheet;
  explicit Fixture(const std::string& profile_file)
      : profile(io::load_profile(data(profile_file))), sheet(io::load_price_sheet(data("sheet-finance.yaml"))) {
    io::check_references(profile, sheet);
  }
  const Option& opt(const std::string& id) const { return *profile.find_option(id); }
};

const OptionProjection& find(const Projection& p, const std::string& id) {
  for (const auto& o : p.options) {
    if (o.id == id) return o;
  }
  FAIL("no option " << id);
  return p.options.front();
}
}  // namespace

TEST_CASE("horizon and one-time costs are read from the profile", "[finance][profile]") {
  Fixture f("profile-fin-b.yaml");
  CHECK(f.profile.horizon_given);
  CHECK(f.profile.horizon.months == 12);
  CHECK(*f.profile.horizon.start == YearMonth{2025, 3});
  // 1.1^3 = 1.331
  CHECK(f.profile.horizon.volume_scale(3) == Approx(1.331));
  REQUIRE(f.opt("gpu").one_time.size() == 1);
  CHECK(f.opt("gpu").one_time[0].name == "migration");
  CHECK(f.opt("gpu").one_time[0].usd == 5000);
}

TEST_CASE("horizon is validated", "[finance][profile]") {
  const std::string head = "name: x\nworkloads:\n  - {id: a, tokens_per_day: 1000, input_share: 0.5}\n"
                           "options:\n  - {id: api, kind: api, model: m}\n";
  SECTION("bad start month") {
    CHECK_THROWS_WITH(io::parse_profile("p.yaml", head + "horizon: {start: \"2025-13\"}\n"),
                      Catch::Contains("expected YYYY-MM"));
  }
  SECTION("list length must equal months") {
    CHECK_THROWS_WITH(io::parse_profile("p.yaml", head + "horizon: {months: 3, monthly_volume_scale: [1, 2]}\n"),
                      Catch::Contains("has 2 values (expected 3"));
  }
  SECTION("growth and list are exclusive") {
    CHECK_THROWS_WITH(
        io::parse_profile("p.yaml", head + "horizon: {months: 1, growth_per_month: 0.1, monthly_volume_scale: [1]}\n"),
        Catch::Contains("expected one"));
  }
  SECTION("unknown key") {
    CHECK_THROWS(io::parse_profile("p.yaml", head + "horizon: {month: 3}\n"));
  }
  SECTION("unknown one-time cost") {
    CHECK_THROWS(io::parse_profile(
        "p.yaml", "name: x\nworkloads:\n  - {id: a, tokens_per_day: 1000, input_share: 0.5}\n"
                  "options:\n  - {id: api, kind: api, model: m, one_time: {migraton: 5}}\n"));
  }
}

TEST_CASE("break-even case (a): no break-even when the GPU costs more per 1M even fully used", "[finance][breakeven]") {
  Fixture f("profile-fin-a.yaml");
  OptionEvaluator api(f.profile, f.sheet, f.opt("api"), nullptr);
  OptionEvaluator gpu(f.profile, f.sheet, f.opt("gpu"), nullptr);
  // GPU: $2.50/h / (1111.111 tokens/s x 3600 s = 4M tokens/h) = $0.625 per 1M.
  CHECK(*floor_cost_per_mtok(gpu, f.profile.tokens_per_day()) == Approx(0.625));
  // API: $0.30 in and out, so $0.30 per 1M blended.
  CHECK(*floor_cost_per_mtok(api, f.profile.tokens_per_day()) == Approx(0.30));
  BreakEven be = find_break_even(api, gpu, f.profile.tokens_per_day());
  CHECK(be.a == "gpu");  // the capacity-priced option is the one that could win with volume
  CHECK(be.b == "api");
  CHECK_FALSE(be.found);
  CHECK_THAT(be.reason, Catch::Contains("$0.6250 per 1M") && Catch::Contains("$0.3000 per 1M"));
}

TEST_CASE("break-even case (b): $2,000/month reserved GPU against $15 per 1M", "[finance][breakeven]") {
  Fixture f("profile-fin-b.yaml");
  OptionEvaluator api(f.profile, f.sheet, f.opt("api"), nullptr);
  OptionEvaluator gpu(f.profile, f.sheet, f.opt("gpu"), nullptr);
  BreakEven be = find_break_even(gpu, api, f.profile.tokens_per_day());
  REQUIRE(be.found);
  CHECK(be.a == "gpu");
  CHECK_FALSE(be.a_cheaper_everywhere);
  // 730 h x $2.739726 = $1,999.99998; / $15 per 1M = 133.333332M tokens/month;
  // / 30.416667 days = 4.383561M tokens/day (2000/15 x 1e6 / 30.4167 = 4.38M).
  CHECK(be.tokens_per_day == Approx(730 * 2.739726 / 15e-6 / (730.0 / 24.0)).epsilon(1e-9));
  CHECK(be.tokens_per_day == Approx(4.383561e6).epsilon(1e-6));
  // The GPU floor: $2.739726/h over 1e6 tokens/s x 3600 = $0.000761 per 1M.
  CHECK(*be.a_floor_per_mtok == Approx(2.739726 / 3600.0));
  CHECK(*be.b_floor_per_mtok == Approx(15.0));
}

TEST_CASE("break-even follows the replica steps of a self-hosted fleet", "[finance][breakeven]") {
  // gpu-2.50 at 1111.111 tokens/s per replica against $15 per 1M: one replica costs
  // $1,825/month (730 x 2.50) and serves up to 96M tokens/day. The API costs
  // $15 x 30.416667 = $456.25 per 1M tokens/day, so one replica breaks even at
  // 1825 / 456.25 = 4M tokens/day, far below its capacity.
  Fixture f("profile-fin-a.yaml");
  Option api_opt = f.opt("api");
  std::get<ApiOption>(api_opt.spec).model = "flat-15";
  OptionEvaluator api(f.profile, f.sheet, api_opt, nullptr);
  OptionEvaluator gpu(f.profile, f.sheet, f.opt("gpu"), nullptr);
  BreakEven be = find_break_even(api, gpu, f.profile.tokens_per_day());
  REQUIRE(be.found);
  CHECK(be.a == "gpu");
  CHECK(be.tokens_per_day == Approx(4e6).epsilon(1e-9));
}

// Builds a projection of one option from its month totals (month i labelled 2026-0i+1).
static OptionProjection months_of(const std::string& id, const std::vector<double>& totals, std::vector<bool> feasible = {}) {
  OptionProjection o;
  o.id = id;
  for (std::size_t i = 0; i < totals.size(); ++i) {
    MonthLine m;
    m.index = static_cast<int>(i);
    m.month = fmt::format("2026-{:02}", i + 1);
    m.total = totals[i];
    m.feasible = feasible.empty() || feasible[i];
    if (!m.feasible) o.feasible = false;
    o.months.push_back(m);
  }
  return o;
}

TEST_CASE("payback: the first month from which cumulative savings stay non-negative", "[finance][payback]") {
  const OptionProjection base = months_of("base", {100, 100, 100, 100});
  SECTION("savings that cover the costs and then fall below zero again: no payback") {
    // Savings 100-50 = +50, 100-200 = -100, -100, 100-0 = +100; cumulative +50, -50, -150,
    // -50: non-negative in month 1, below zero again from month 2 to the end.
    const Payback pb = payback(months_of("a", {50, 200, 200, 0}), base);
    CHECK_FALSE(pb.month);
    REQUIRE(pb.negative_again_month);
    CHECK(*pb.negative_again_month == 2);
    CHECK(pb.negative_again_label == "2026-02");
    CHECK(pb.final_savings_usd == std::optional<double>(-50.0));
    CHECK(pb.why_none == "the cumulative savings turn negative again in month 2 (2026-02) and stay below zero to the end");
  }
  SECTION("savings that dip and recover: payback from the month they stay non-negative") {
    // Cumulative +50, -50, +50, +150: below zero in month 2 only, so payback in month 3, and
    // the dip in month 2 is reported.
    const Payback pb = payback(months_of("a", {50, 200, 0, 0}), base);
    CHECK(pb.month == std::optional<int>(3));
    CHECK(pb.label == "2026-03");
    CHECK(pb.negative_again_month == std::optional<int>(2));
    CHECK(pb.final_savings_usd == std::optional<double>(150.0));
  }
  SECTION("cheaper in every month: month 1") {
    const Payback pb = payback(months_of("a", {90, 90, 90, 90}), base);
    CHECK(pb.month == std::optional<int>(1));
    CHECK_FALSE(pb.negative_again_month);
  }
  SECTION("an option infeasible in a month has no payback, however cheap") {
    // Cumulative savings would be +100 x 4 = +400 (payback in month 1 by the running sum),
    // but month 3 is infeasible: its savings are not computed, so there is none.
    const Payback pb = payback(months_of("a", {0, 0, 0, 0}, {true, true, false, true}), base);
    CHECK_FALSE(pb.month);
    CHECK(pb.infeasible_month == std::optional<int>(3));
    CHECK(pb.infeasible_option == "a");
    CHECK_FALSE(pb.final_savings_usd);
  }
  SECTION("against an infeasible baseline: none") {
    const Payback pb = payback(months_of("a", {90, 90, 90, 90}), months_of("base", {100, 100, 100, 100}, {false, true, true, true}));
    CHECK_FALSE(pb.month);
    CHECK(pb.infeasible_month == std::optional<int>(1));
    CHECK(pb.infeasible_option == "base");
  }
}

// An option infeasible in every month (the profile's policy keeps its data class off the
// API): no savings and no payback, against it or for it. The API costs $1,825 x 1.1^m and
// the GPU $2,000 (+ $5,000 in month 1), so by the running sum alone the API would "pay back"
// in month 1 against the GPU (1,825 < 7,000) with 12 months of "savings".
TEST_CASE("projection: an option infeasible in every month has no savings and no payback", "[finance][payback]") {
  Fixture f("profile-fin-b.yaml");
  f.profile.policy.self_hosted_only = {"internal"};
  f.profile.policy.loc = {"profile-fin-b.yaml", 1, 1};
  Projection p = project(f.profile, f.sheet, nullptr, "gpu");
  const auto& api = find(p, "api");
  CHECK_FALSE(api.feasible);
  for (const auto& m : api.months) {
    CHECK_FALSE(m.feasible);
    CHECK_FALSE(m.savings_vs_baseline);
    CHECK_FALSE(m.cumulative_savings);
  }
  CHECK_FALSE(api.payback.month);
  CHECK(api.payback.infeasible_month == std::optional<int>(1));
  CHECK(api.payback.infeasible_option == "api");
  // And against it: the GPU's savings against the infeasible API are not computed either.
  Projection q = project(f.profile, f.sheet, nullptr, "api");
  const auto& gpu = find(q, "gpu");
  CHECK(gpu.feasible);
  CHECK_FALSE(gpu.months[0].savings_vs_baseline);
  CHECK_FALSE(gpu.payback.month);
  CHECK(gpu.payback.infeasible_option == "api");
}

TEST_CASE("projection: payback month under growth with a one-time cost", "[finance][projection]") {
  Fixture f("profile-fin-b.yaml");
  Projection p = project(f.profile, f.sheet, nullptr, "api");
  CHECK(p.start == "2025-03");
  const auto& api = find(p, "api");
  const auto& gpu = find(p, "gpu");
  REQUIRE(api.months.size() == 12);
  CHECK(api.months[11].month == "2026-02");
  // API month m: 4M x 1.1^m tokens/day x 30.416667 x $15/1M = $1,825 x 1.1^m.
  CHECK(api.months[0].total == Approx(1825.00));
  // 1825 x 1.331 = 2429.075 sits on a half cent; in binary it may fall either side, so
  // this month and the sums after it are checked to within a cent.
  CHECK(api.months[3].total == Approx(2429.08).margin(0.011));
  // GPU: $2,000.00 a month (1,999.99998 rounded) plus $5,000 migration in month 1.
  CHECK(gpu.months[0].one_time == Approx(5000));
  CHECK(gpu.months[0].total == Approx(7000.00));
  CHECK(gpu.months[1].total == Approx(2000.00));
  // Cumulative savings of the GPU, month by month (API - GPU, cents):
  //  1: 1825.00 - 7000 = -5175.00      5: 2671.98 - 2000 -> -3858.19
  //  2: 2007.50 - 2000 -> -5167.50     6: 2939.18 - 2000 -> -2919.01
  //  3: 2208.25 - 2000 -> -4959.25     7: 3233.10 - 2000 -> -1685.91
  //  4: 2429.08 - 2000 -> -4530.17     8: 3556.41 - 2000 ->  -129.50
  //  9: 3912.05 - 2000 -> +1782.55: payback in month 9.
  CHECK(gpu.months[7].cumulative_savings.value() == Approx(-129.50).margin(0.011));
  CHECK(gpu.months[8].cumulative_savings.value() == Approx(1782.55).margin(0.011));
  REQUIRE(gpu.payback.month);
  CHECK(*gpu.payback.month == 9);
  CHECK(gpu.payback.label == "2025-11");
  CHECK_FALSE(gpu.payback.negative_again_month);
  CHECK_FALSE(api.payback.month);  // the baseline has none
}

TEST_CASE("projection: cumulative totals equal the hand sum of rounded lines", "[finance][projection]") {
  Fixture f("profile-fin-b.yaml");
  Projection p = project(f.profile, f.sheet, nullptr, "");
  CHECK(p.baseline == "api");  // default: the first option
  const auto& api = find(p, "api");
  const auto& gpu = find(p, "gpu");
  // GPU: 12 x $2,000.00 + $5,000 = $29,000.00.
  CHECK(gpu.total == Approx(29000.00));
  CHECK(gpu.total_breakdown.gpu_compute == Approx(24000.00));
  CHECK(gpu.total_one_time == Approx(5000.00));
  // API: $1,825 x 1.1^m, m = 0..11, each rounded to the cent:
  // 1825.00 2007.50 2208.25 2429.08 2671.98 2939.18 3233.10 3556.41 3912.05 4303.25
  // (1825 x 2.357948 = 4303.255 -> 4303.26? 1.1^9 = 2.357947691, x1825 = 4303.2545 -> 4303.25)
  // 4733.58 (1.1^10 = 2.59374246, x1825 = 4733.5800) 5206.94 (1.1^11 = 2.853116706, x1825 = 5206.9380)
  // Sum = 39026.32 (to within the cent of month 4's half-cent line).
  CHECK(api.total == Approx(39026.32).margin(0.011));
  CHECK(api.months[9].total == Approx(4303.25));
  // Every total is the exact sum of its printed lines, in cents.
  for (const auto* o : {&api, &gpu}) {
    long long cents = 0;
    for (const auto& m : o->months) {
      long long line_cents = std::llround(m.one_time * 100);
      for (const auto& [name, v] : m.breakdown.lines()) line_cents += std::llround(v * 100);
      CHECK(line_cents == std::llround(m.total * 100));
      cents += line_cents;
      CHECK(cents == std::llround(m.cumulative * 100));
    }
    CHECK(cents == std::llround(o->total * 100));
  }
}

TEST_CASE("projection: a reserved term keeps costing after volume falls", "[finance][projection][commitment]") {
  Fixture f("profile-fin-commit.yaml");
  Projection p = project(f.profile, f.sheet, nullptr, "on-demand");
  const auto& res = find(p, "reserved");
  const auto& od = find(p, "on-demand");
  const auto& pt = find(p, "provisioned");
  CHECK(res.commitment_months == 12);
  CHECK(od.commitment_months == 0);
  CHECK(pt.commitment_months == 3);
  // Replicas needed: 46.296 tokens/s x [2, 2, 1, 0.5, 0.1, 0.1] over 50 tokens/s per replica
  // = [2, 2, 1, 1, 1, 1]. The 12-month reservation pays for 2 all along:
  // 2 x 730 h x $2.739726 = $3,999.99996 -> $4,000.00 each month.
  const int needed[6] = {2, 2, 1, 1, 1, 1};
  for (int m = 0; m < 6; ++m) {
    CHECK(res.months[m].needed == needed[m]);
    CHECK(res.months[m].paid == 2);
    CHECK(res.months[m].breakdown.gpu_compute == Approx(4000.00));
    // On demand pays for what it needs: 730 x $4.00 = $2,920 per replica.
    CHECK(od.months[m].paid == needed[m]);
    CHECK(od.months[m].total == Approx(2920.0 * needed[m]));
  }
  // Month 5: 4.6296 tokens/s on 2 x 50 tokens/s paid = 4.63% utilisation.
  CHECK(res.months[4].utilization == Approx(4e6 * 0.1 / 86400 / 100));
  CHECK(res.total == Approx(24000.00));
  // Provisioned, 3-month term: input and output each 2M/day = 1,388.9 tokens/min a unit of
  // 1,000/min: units needed [2.78, 2.78, 1.39, 0.69, 0.14, 0.14] -> [3, 3, 2, 1, 1, 1];
  // windows months 1-3 pay 3, months 4-6 pay 1; 730 h x $1 per unit-hour.
  const double pt_want[6] = {2190, 2190, 2190, 730, 730, 730};
  for (int m = 0; m < 6; ++m) CHECK(pt.months[m].total == Approx(pt_want[m]));
  // Present value at 10%/year, paid at the start of each month: month 6 (m = 5) is
  // 730 / 1.1^(5/12) = 730 / 1.040508 = 701.58.
  REQUIRE(pt.months[5].present_value);
  CHECK(*pt.months[5].present_value == Approx(701.58));
}

TEST_CASE("sweep: costs at each volume and the crossover", "[finance][sweep]") {
  Fixture f("profile-fin-b.yaml");
  OptionEvaluator api(f.profile, f.sheet, f.opt("api"), nullptr);
  OptionEvaluator gpu(f.profile, f.sheet, f.opt("gpu"), nullptr);
  Sweep s = sweep({&api, &gpu}, f.profile.tokens_per_day(), 1e6, 10e6, 10, false);
  REQUIRE(s.points.size() == 10);
  CHECK(s.points[0].tokens_per_day == Approx(1e6));
  CHECK(s.points[9].tokens_per_day == Approx(10e6));
  // 1M tokens/day x 30.416667 x $15/1M = $456.25.
  CHECK(s.points[0].monthly_usd[0] == Approx(456.25));
  CHECK(s.points[0].monthly_usd[1] == Approx(2000.00));
  CHECK(s.points[0].cheapest == 0);
  CHECK(s.points[9].cheapest == 1);
  REQUIRE(s.crossovers.size() == 1);
  // The same break-even as case (b): 4.383561M tokens/day.
  CHECK(s.crossovers[0].tokens_per_day == Approx(4.383561e6).epsilon(1e-6));
  CHECK(s.crossovers[0].cheaper_above == "gpu");
}

TEST_CASE("break-even: an option without a cost has none, and says why", "[finance][breakeven]") {
  Fixture f("profile-fin-a.yaml");
  Option gpu_opt = f.opt("gpu");
  gpu_opt.fleet()->tokens_per_second_per_replica.reset();  // and no performance model: no throughput
  OptionEvaluator api(f.profile, f.sheet, f.opt("api"), nullptr);
  OptionEvaluator gpu(f.profile, f.sheet, gpu_opt, nullptr);
  BreakEven be = find_break_even(api, gpu, f.profile.tokens_per_day());
  CHECK_FALSE(be.found);
  CHECK_THAT(be.reason, Catch::Contains("the cost of gpu cannot be computed") && Catch::Contains("no throughput"));
}

TEST_CASE("sweep: log spacing puts the middle point at the geometric mean", "[finance][sweep]") {
  Fixture f("profile-fin-a.yaml");
  OptionEvaluator api(f.profile, f.sheet, f.opt("api"), nullptr);
  Sweep s = sweep({&api}, f.profile.tokens_per_day(), 1e6, 1e8, 3, true);
  REQUIRE(s.points.size() == 3);
  // sqrt(1e6 x 1e8) = 1e7; at $0.30 per 1M: 1e7 x 30.416667 x 0.30 / 1e6 = $91.25.
  CHECK(s.points[1].tokens_per_day == Approx(1e7));
  CHECK(s.points[1].monthly_usd[0] == Approx(91.25));
  CHECK(s.crossovers.empty());
}

TEST_CASE("projection: commitments are bought as needed and held for their term", "[finance][projection][commitment]") {
  Fixture f("profile-fin-commit.yaml");
  f.profile.horizon.monthly_volume_scale = {1, 2, 3, 1, 1, 1};
  Projection p = project(f.profile, f.sheet, nullptr, "on-demand");
  const auto& pt = find(p, "provisioned");
  // Units needed: 1,388.9 tokens/min x [1, 2, 3, 1, 1, 1] over 1,000 a unit = [2, 3, 5, 2, 2, 2].
  // Month 1 buys 2 (held to month 3), month 2 buys 1 more (to month 4), month 3 buys 2 more
  // (to month 5). Month 4: the first 2 expire, 3 still held (need 2); month 5: 2 held;
  // month 6: the last 2 expire, 2 bought again. Paid [2, 3, 5, 3, 2, 2] x 730 x $1.
  const int needed[6] = {2, 3, 5, 2, 2, 2};
  const int paid[6] = {2, 3, 5, 3, 2, 2};
  for (int m = 0; m < 6; ++m) {
    CHECK(pt.months[m].needed == needed[m]);
    CHECK(pt.months[m].paid == paid[m]);
    CHECK(pt.months[m].breakdown.provisioned_units == Approx(730.0 * paid[m]));
  }
  // 730 x (2 + 3 + 5 + 3 + 2 + 2) = 730 x 17 = 12,410.00
  CHECK(pt.total == Approx(12410.00));
  // Utilisation = time-averaged demand / paid capacity. The traffic is flat, so the mean
  // is the peak: 2M input (and output) tokens a day / 1,440 = 1,388.89 a minute = 1.38889
  // units at scale 1. Months: 1.38889 / 2 = 0.694444; 2.77778 / 3 = 0.925926;
  // 4.16667 / 5 = 0.833333; 1.38889 / 3 = 0.462963; 1.38889 / 2 = 0.694444 (twice).
  const double util[6] = {0.694444, 0.925926, 0.833333, 0.462963, 0.694444, 0.694444};
  for (int m = 0; m < 6; ++m) CHECK(pt.months[m].utilization == Approx(util[m]).epsilon(1e-5));
}

TEST_CASE("hybrid options: floor is the cheaper of their two parts", "[finance][hybrid]") {
  Profile p = io::load_profile(data("profile-hybrid.yaml"));
  PriceSheet s = io::load_price_sheet(data("sheet-basic.yaml"));
  io::check_references(p, s);
  OptionEvaluator mix(p, s, *p.find_option("mix"), nullptr);
  OptionEvaluator api(p, s, *p.find_option("api"), nullptr);
  // Private part: $2.50/h / (1000 tokens/s x 3600) x 1e6 = $0.694444 per 1M; overflow: flat-1 at
  // $1 per 1M. The hybrid's floor is the lower, $0.694444.
  CHECK(*floor_cost_per_mtok(mix, p.tokens_per_day()) == Approx(2.50 / 3.6));
  CHECK(capacity_priced(*p.find_option("mix")));
  BreakEven be = find_break_even(api, mix, p.tokens_per_day());
  CHECK(be.a == "mix");
  Projection pr = project(p, s, nullptr, "api");
  REQUIRE(pr.options.size() == 3);
  for (const auto& o : pr.options) {
    long long cents = 0;
    for (const auto& m : o.months) cents += std::llround(m.total * 100);
    CHECK(cents == std::llround(o.total * 100));
  }
}

TEST_CASE("break-even table: every pair in profile order, or each against one option", "[finance][breakeven]") {
  // fin-b (api at $15 per 1M, a reserved GPU at $2,000/month with $5,000 once) plus a
  // third option, an API at a blended $0.30 per 1M.
  Fixture f("profile-fin-b.yaml");
  Option cheap = f.opt("api");
  cheap.id = "cheap";
  std::get<ApiOption>(cheap.spec).model = "blended-030";
  f.profile.options.push_back(cheap);
  const double today = f.profile.tokens_per_day();

  auto pairs_of = [](const BreakEvenTable& t) {
    std::vector<std::string> out;
    for (const auto& r : t.rows) out.push_back(r.be.a + "/" + r.be.b);
    return out;
  };

  SECTION("every pair") {
    BreakEvenTable t = break_even_table(f.profile, f.sheet, nullptr, "");
    CHECK(t.profile_name == "fin-b");
    CHECK(t.price_sheet_version == f.sheet.version);
    CHECK(t.tokens_per_day_today == 4e6);
    // Pairs (api, gpu), (api, cheap), (gpu, cheap); each row names first the option that may
    // become cheaper: the capacity-priced one, else the one with the lower floor.
    REQUIRE(pairs_of(t) == std::vector<std::string>{"gpu/api", "cheap/api", "gpu/cheap"});
    for (const auto& r : t.rows) CHECK(r.horizon_months == 12);
    // gpu against api: break-even at 4.383561M tokens/day (case (b) above); payback in month
    // 9 of a horizon starting 2025-03 (the projection case above): 2025-11.
    const BreakEvenPair& gpu_api = t.rows[0];
    REQUIRE(gpu_api.be.found);
    CHECK(gpu_api.be.tokens_per_day == Approx(4.383561e6).epsilon(1e-6));
    REQUIRE(gpu_api.payback.month);
    CHECK(*gpu_api.payback.month == 9);
    CHECK(gpu_api.payback.label == "2025-11");
    // cheap against api: no one-time cost and cheaper from the first month, so payback in 1.
    const BreakEvenPair& cheap_api = t.rows[1];
    CHECK(cheap_api.be.a_cheaper_everywhere);
    REQUIRE(cheap_api.payback.month);
    CHECK(*cheap_api.payback.month == 1);
    CHECK(cheap_api.payback.label == "2025-03");
    // gpu against cheap: the GPU ($2,000/month) only wins at 2000 / 0.30 x 1e6 / 30.416667
    // = 219.2M tokens/day; cheap costs 4M x 30.416667 x $0.30/1M = $36.50 in month 1 and
    // at 1.1^11 = 2.853 times that in month 12, so the GPU never pays back.
    const BreakEvenPair& gpu_cheap = t.rows[2];
    REQUIRE(gpu_cheap.be.found);
    CHECK(gpu_cheap.be.tokens_per_day == Approx(730 * 2.739726 / 0.30e-6 / (730.0 / 24.0)).epsilon(1e-6));
    CHECK_FALSE(gpu_cheap.payback.month);
    CHECK(gpu_cheap.payback.label.empty());
    CHECK(gpu_cheap.payback.why_none == "the cumulative savings stay below zero to the end");
    // The rows are find_break_even's.
    OptionEvaluator api_e(f.profile, f.sheet, f.opt("api"), nullptr);
    OptionEvaluator gpu_e(f.profile, f.sheet, f.opt("gpu"), nullptr);
    CHECK(gpu_api.be.tokens_per_day == find_break_even(api_e, gpu_e, today).tokens_per_day);
  }
  SECTION("against one option: only the pairs that hold it, in profile order") {
    CHECK(pairs_of(break_even_table(f.profile, f.sheet, nullptr, "gpu")) ==
          std::vector<std::string>{"gpu/api", "gpu/cheap"});
    CHECK(pairs_of(break_even_table(f.profile, f.sheet, nullptr, "cheap")) ==
          std::vector<std::string>{"cheap/api", "gpu/cheap"});
  }
  SECTION("the range is passed to the search") {
    BreakEvenRange narrow;
    narrow.from_tokens_per_day = 1e3;
    narrow.to_tokens_per_day = 1e6;  // below the 4.38M break-even of gpu against api
    BreakEvenTable t = break_even_table(f.profile, f.sheet, nullptr, "gpu", narrow);
    REQUIRE_FALSE(t.rows.empty());
    CHECK_FALSE(t.rows[0].be.found);
    CHECK(t.rows[0].be.range.to_tokens_per_day == 1e6);
  }
  SECTION("an unknown option to compare against is a usage error") {
    try {
      break_even_table(f.profile, f.sheet, nullptr, "nope");
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::usage_error);
      CHECK_THAT(e.what(), Catch::Contains("'nope' is not an option of profile fin-b"));
    }
  }
  SECTION("a profile without traffic has no break-even") {
    for (auto& w : f.profile.workloads) w.requests_per_day = 0;
    CHECK_THROWS_WITH(break_even_table(f.profile, f.sheet, nullptr, ""), Catch::Contains("profile has no traffic"));
  }
}
