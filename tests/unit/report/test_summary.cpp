// The HTML report's executive summary and crossover reduction (lib/report/src/summary.cpp),
// on sweeps and recommendations written out by hand.
#include <catch2/catch.hpp>
#include <cmath>

#include "plan/report/summary.hpp"

using namespace plan;
using namespace plan::report;

namespace {

// A sweep point at `v` tokens/day where option `cheapest` is the cheapest (-1: none).
SweepPoint point(double v, int cheapest) {
  SweepPoint p;
  p.tokens_per_day = v;
  p.cheapest = cheapest;
  return p;
}

}  // namespace

TEST_CASE("cheapest_changes: three options, the cheapest changes twice -> exactly two changes", "[report][summary]") {
  // Options: api (pay per token), small (a small fleet), big (a large fleet). Swept at
  // 1M, 10M, 100M, 1B tokens/day, the cheapest is api, small, small, big.
  Sweep s;
  s.ids = {"api", "small", "big"};
  s.points = {point(1e6, 0), point(1e7, 1), point(1e8, 1), point(1e9, 2)};
  // The pairwise crossovers (by volume): api = small at 3M (the first change); api = big at
  // 40M, where big passes api but small is still cheaper (not a change of the cheapest);
  // small = big at 60M and back at 80M (a replica step of small; small stays cheapest at
  // 100M, so the cheapest does not change); small = big at 500M (the second change).
  s.crossovers = {{3e6, "api", "small", "small"},
                  {4e7, "api", "big", "big"},
                  {6e7, "small", "big", "big"},
                  {8e7, "small", "big", "small"},
                  {5e8, "small", "big", "big"}};
  const auto xs = cheapest_changes(s);
  REQUIRE(xs.size() == 2);
  CHECK(xs[0].tokens_per_day == 3e6);
  CHECK(xs[0].from == "api");
  CHECK(xs[0].to == "small");
  CHECK(xs[0].at_crossover);
  CHECK(xs[1].tokens_per_day == 5e8);
  CHECK(xs[1].from == "small");
  CHECK(xs[1].to == "big");
  CHECK(xs[1].at_crossover);
}

TEST_CASE("cheapest_changes: a change with no crossover of the pair is at the first swept volume", "[report][summary]") {
  // At 1M a is cheapest; at 2M no option is feasible (skipped); at 4M b is cheapest and no
  // crossover of a and b lies in (1M, 4M]: a stopped being feasible. The change is reported
  // at 4M, the first volume at which b is cheapest, and marked as not a crossover.
  Sweep s;
  s.ids = {"a", "b"};
  s.points = {point(1e6, 0), point(2e6, -1), point(4e6, 1), point(8e6, 1)};
  const auto xs = cheapest_changes(s);
  REQUIRE(xs.size() == 1);
  CHECK(xs[0].tokens_per_day == 4e6);
  CHECK(xs[0].from == "a");
  CHECK(xs[0].to == "b");
  CHECK_FALSE(xs[0].at_crossover);
  // The same cheapest everywhere: no change.
  s.points = {point(1e6, 1), point(2e6, 1)};
  CHECK(cheapest_changes(s).empty());
}

TEST_CASE("volume_per_day_text: tokens, and requests when the profile is in requests", "[report][summary]") {
  // 2,349,063,273 tokens/day at 1,500 tokens per request = 1,566,042.2 requests/day -> 1.57M.
  CHECK(volume_per_day_text(2349063273.0, 1500.0) == "2.35B tokens/day (1.57M requests/day)");
  CHECK(volume_per_day_text(2349063273.0, std::nullopt) == "2.35B tokens/day");
}

TEST_CASE("executive_summary: figures are the projection's, savings its differences", "[report][summary]") {
  // Two declared options: api at 1,000.00 USD/month flat; fleet with 500.00 USD one-time and
  // 800.00 USD/month. Over 3 months: api 3 x 1,000 = 3,000.00; fleet 500 + 3 x 800 = 2,900.00.
  Recommendation r;
  Plan fleet;
  fleet.id = "fleet";
  fleet.description = "a fleet";
  fleet.monthly_cost_usd = 800;
  Plan api;
  api.id = "api";
  api.monthly_cost_usd = 1000;
  r.plans = {fleet, api};
  r.best = 0;
  r.runner_up = 1;
  Projection p;
  p.start = "2027-01";
  p.months = 3;
  p.baseline = "api";
  p.tokens_per_day_today = 1e6;
  auto months = [](std::vector<double> totals) {
    std::vector<MonthLine> out;
    for (std::size_t i = 0; i < totals.size(); ++i) {
      MonthLine m;
      m.index = static_cast<int>(i);
      m.total = totals[i];
      out.push_back(m);
    }
    return out;
  };
  OptionProjection pa;
  pa.id = "api";
  pa.months = months({1000, 1000, 1000});
  pa.total = 3000;
  OptionProjection pf;
  pf.id = "fleet";
  pf.months = months({1300, 800, 800});  // month 1: 500 one-time + 800
  pf.total = 2900;
  // Cumulative savings of fleet against api: month 1: 1000 - 1300 = -300; month 2:
  // -300 + 200 = -100; month 3: -100 + 200 = +100 >= 0 -> payback in month 3.
  pf.payback.month = 3;
  p.options = {pa, pf};
  const ExecutiveSummary s = executive_summary(r, nullptr, &p, nullptr, std::nullopt);
  REQUIRE(s.any_feasible);
  CHECK(s.option == "fleet");
  CHECK(s.kind == "hybrid");  // a plan without a result that is not the split: a recommend-made hybrid
  CHECK(s.projected);
  CHECK(s.month1_usd == 1300);
  CHECK(s.horizon_total_usd == 2900);
  CHECK(s.payback.month == 3);
  REQUIRE(s.alternatives.size() == 1);
  CHECK(s.alternatives[0].id == "api");
  CHECK(s.alternatives[0].savings_usd == 100);  // 3,000 - 2,900
  // The price sentence: gap 1,000 - 800 = 200 USD/month = 25.0% of 800 and 20.0% of 1,000.
  REQUIRE(s.changes.size() == 1);
  CHECK(s.changes[0] ==
        "Prices: the runner-up api costs 200.00 USD/month more (1,000.00 USD against 800.00 USD); a rise of 25.0% in "
        "fleet's monthly cost, or a fall of 20.0% in api's, makes api the cheaper.");

  // A recommended plan that is not among the projected options has no horizon figures.
  r.plans[0].id = "split";
  const ExecutiveSummary split = executive_summary(r, nullptr, &p, nullptr, std::nullopt);
  CHECK(split.kind == "split");
  CHECK_FALSE(split.projected);
  CHECK(split.alternatives.empty());
}

TEST_CASE("executive_summary: volume and growth sentences from the cheapest changes", "[report][summary]") {
  // Today 1M tokens/day; the cheapest changes at 3M (api -> small) and 500M (small -> big).
  Sweep s;
  s.ids = {"api", "small", "big"};
  s.points = {point(1e6, 0), point(1e7, 1), point(1e9, 2)};
  s.crossovers = {{3e6, "api", "small", "small"}, {5e8, "small", "big", "big"}};
  Recommendation r;
  Plan api;
  api.id = "api";
  api.monthly_cost_usd = 100;
  r.plans = {api};
  r.best = 0;
  Projection p;
  p.start = "2027-01";
  p.months = 3;
  p.baseline = "api";
  p.tokens_per_day_today = 1e6;
  OptionProjection pa;
  pa.id = "api";
  // Growth: months at 1x, 2x and 4x today's volume; the last is 2027-03 at 4M tokens/day.
  for (double scale : {1.0, 2.0, 4.0}) {
    MonthLine m;
    m.volume_scale = scale;
    m.month = scale == 4.0 ? "2027-03" : "";
    pa.months.push_back(m);
  }
  p.options = {pa};
  const ExecutiveSummary sum = executive_summary(r, &s, &p, nullptr, std::nullopt);
  REQUIRE(sum.changes.size() == 2);
  // Nearest change on a log scale: |ln(3M / 1M)| = 1.10 against |ln(500M / 1M)| = 6.21 ->
  // 3M, 3x today's, above today: "rises above".
  CHECK(sum.changes[0] ==
        "Volume: if the daily volume rises above 3.00M tokens/day, 3x today's, the cheapest of the profile's options "
        "changes from api to small.");
  // Between today's 1M and the horizon end's 4M lies the change at 3M only.
  CHECK(sum.changes[1] ==
        "Growth: volume reaches 4.00M tokens/day by 2027-03; on the way the cheapest option changes 1 time, first "
        "from api to small at 3.00M tokens/day.");
}
