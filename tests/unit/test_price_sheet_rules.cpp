// Price-sheet keys of 2026-12 and after: provider batch rules, successors, spot spreads
// (lib/io/src/price_sheet_loader.cpp), `plan prices lint` (lib/core/src/options/price_sheet_lint.cpp),
// successors in compare and project, and spot spreads in `plan risk`. Figures by hand.
#include <catch2/catch.hpp>

#include <string>

#include "plan/core/options/compare.hpp"
#include "plan/core/finance/finance.hpp"
#include "plan/core/options/price_sheet_lint.hpp"
#include "plan/core/finance/risk.hpp"
#include "plan/core/options/cost.hpp"
#include "plan/io/loaders.hpp"
#include "plan/io/uncertainty_loader.hpp"

#include "fixtures.hpp"

using namespace plan;
using plan::test::has;

namespace {

const std::string head = R"(version: t
effective_date: "2026-12-01"
currency: USD
sources:
  - {id: s, url: x, retrieved: "2026-12-01"}
)";

PriceSheet parse(const std::string& body) { return io::parse_price_sheet("t.yaml", head + body); }

}  // namespace

TEST_CASE("a provider's batch rule prices entries without batch prices of their own", "[price_sheet]") {
  const PriceSheet s = parse(R"(batch_rules:
  - {provider: a, discount: 0.5, with_cache: true, source: s}
api_models:
  - id: ruled
    provider: a
    input_per_mtok: 2
    output_per_mtok: 10
    source: s
    tiers:
      - {above_input_tokens: 200000, input_per_mtok: 4, output_per_mtok: 15}
  - {id: own, provider: a, input_per_mtok: 2, output_per_mtok: 10, batch_input_per_mtok: 1.5, batch_output_per_mtok: 9, batch_note: why, source: s}
  - {id: other, provider: b, input_per_mtok: 2, output_per_mtok: 10, source: s}
)");
  const ApiModel& r = *s.find_api("ruled");
  // 2 x 0.5 = 1, 10 x 0.5 = 5; the tier 4 x 0.5 = 2, 15 x 0.5 = 7.5; the rule's with_cache.
  CHECK(*r.prices.batch_input_per_mtok == Approx(1));
  CHECK(*r.prices.batch_output_per_mtok == Approx(5));
  CHECK(r.prices.batch_with_cache);
  CHECK(r.prices.batch_rule_line == 7);
  CHECK(*r.prices.tiers.front().prices.batch_input_per_mtok == Approx(2));
  CHECK(*r.prices.tiers.front().prices.batch_output_per_mtok == Approx(7.5));
  // An entry's own batch prices stay; a provider without a rule gets none.
  CHECK(*s.find_api("own")->prices.batch_input_per_mtok == Approx(1.5));
  CHECK(s.find_api("own")->prices.batch_note == "why");
  CHECK_FALSE(s.find_api("other")->prices.batch_input_per_mtok.has_value());
}

TEST_CASE("successors and spot spreads are checked when the sheet is read", "[price_sheet]") {
  CHECK_THROWS_WITH(parse("api_models:\n  - {id: a, provider: p, input_per_mtok: 1, output_per_mtok: 1, successor: nope, source: s}\n"),
                    Catch::Contains("successor 'nope' of 'a' is not another entry of api_models in this sheet"));
  CHECK_THROWS_WITH(parse("api_models:\n  - {id: a, provider: p, input_per_mtok: 1, output_per_mtok: 1, successor: a, source: s}\n"),
                    Catch::Contains("successor 'a' of 'a' is not another entry"));
  const std::string gpu = "gpu_instances:\n  - {id: g, provider: p, instance: i, gpu: h100-sxm, gpu_count: 1, on_demand_per_hour: 10, ";
  CHECK_THROWS_WITH(parse(gpu + "spot_per_hour: 4, spot_min_per_hour: 5, source: s}\n"),
                    Catch::Contains("spot_min_per_hour 5 is above spot_per_hour 4"));
  CHECK_THROWS_WITH(parse(gpu + "spot_per_hour: 4, spot_max_per_hour: 3, source: s}\n"),
                    Catch::Contains("spot_max_per_hour 3 is below spot_per_hour 4"));
  CHECK_THROWS_WITH(parse(gpu + "spot_min_per_hour: 3, source: s}\n"), Catch::Contains("without spot_per_hour"));
  CHECK_THROWS_WITH(parse("batch_rules:\n  - {provider: a, discount: 1.5, source: s}\n"), Catch::Contains("discount"));
}

TEST_CASE("lint: each rule, with the entry's line", "[price_sheet][lint]") {
  const PriceSheet bad = io::load_price_sheet(PLAN_TEST_DATA "/sheet-lint-bad.yaml");
  const auto fs = lint_price_sheet(bad);
  auto line_of = [&](const std::string& check) {
    for (const auto& f : fs)
      if (f.check == check) return f.line;
    return -1;
  };
  REQUIRE(fs.size() == 7);
  CHECK(line_of("batch") == 17);
  CHECK(line_of("limits") == 19);
  CHECK(line_of("successor") == 21);
  CHECK(line_of("spot") == 28);
  CHECK(line_of("reserved") == 30);
  CHECK(lint_price_sheet(io::load_price_sheet(PLAN_TEST_DATA "/sheet-lint-clean.yaml")).empty());
  // The profile starts 2026-12: retired-early (2026-11-15) is gone before its first month.
  const Profile p = io::load_profile(PLAN_TEST_DATA "/profile-lint.yaml");
  const auto pf = lint_profile(p, bad);
  REQUIRE(pf.size() == 1);
  CHECK(pf.front().line == 11);
  CHECK(pf.front().message.find("its successor: clean") != std::string::npos);
}

namespace {
// 1,000 requests/day x (1,000 in + 1,000 out): M = 1,000 x 1,000 x 730 / 24 = 30.41667M
// tokens a month each way.
const std::string succ_sheet = R"(api_models:
  - {id: old, provider: p, input_per_mtok: 1, output_per_mtok: 2, retires: "2027-02-10", successor: new, source: s}
  - {id: new, provider: p, input_per_mtok: 3, output_per_mtok: 5, source: s}
  - {id: gone, provider: p, input_per_mtok: 1, output_per_mtok: 1, retires: "2026-11-01", successor: new, source: s}
)";
const std::string succ_profile = R"(name: s
horizon: {months: 6, start: "2026-12"}
workloads:
  - {id: w, requests_per_day: 1000, input_tokens: 1000, output_tokens: 1000}
options:
  - {id: o, kind: api, model: old}
  - {id: g, kind: api, model: gone}
)";
}  // namespace

TEST_CASE("a retiring option names its successor's cost; project switches to it", "[price_sheet][finance]") {
  const PriceSheet s = parse(succ_sheet);
  const Profile p = io::parse_profile("s.yaml", succ_profile);
  const CompareResult c = compare(p, s, nullptr);
  const OptionResult& o = c.options[0];
  // old: M x (1 + 2) = 91.25; new: M x (3 + 5) = 243.33. It retires in 2027-02, month 3 of
  // 2026-12 .. 2027-05.
  CHECK(o.monthly_cost_usd == Approx(91.25));
  CHECK(has(o.notes, "old retires on 2027-02-10: month 3 (2027-02) of the 6-month horizon from 2026-12; plan a "
                     "migration before then; its successor new would cost 243.33 USD/month for the same workload "
                     "(t.yaml:8)"));
  const OptionResult& g = c.options[1];
  CHECK_FALSE(g.feasible);
  CHECK(has(g.reasons, "gone was retired on 2026-11-01 (t.yaml:9), before price sheet t (effective 2026-12-01); it "
                       "is no longer offered; its successor is new (t.yaml:8)"));
  // project: months 1-2 at 91.25, months 3-6 at 243.33 (M x 8 = 243.3333 -> 243.33): the total
  // is 2 x 91.25 + 4 x 243.33 = 1,155.82.
  const Projection pr = project(p, s, nullptr, "");
  const OptionProjection& po = pr.options[0];
  CHECK(po.months[1].total == Approx(91.25));
  CHECK(po.months[2].total == Approx(243.33));
  CHECK(po.total == Approx(1155.82));
  CHECK(has(po.notes, "old retires on 2027-02-10: from month 3 (2027-02) the projection prices its successor new "
                      "(t.yaml:8) for the same workload"));
}

TEST_CASE("with today set and no horizon start, the retirement finding and project share the first month",
          "[price_sheet][finance]") {
  // The sheet is effective 2026-12-01; the profile has no horizon start, so its first month is
  // today's. Before horizon_start was shared, the finding counted from the sheet's month
  // (2026-12) while project counted from today's.
  PriceSheet s = parse(succ_sheet);
  Profile p = io::parse_profile("s.yaml", succ_profile);
  p.horizon.start.reset();
  p.options.pop_back();  // gone: retired before the sheet, not what this case is about
  SECTION("today 2027-01-20: old (retires 2027-02-10) stops in month 2 of 2027-01 .. 2027-06") {
    // 2027-02 is the 2nd month of 2027-01 .. 2027-06. Counting from the sheet's 2026-12 it
    // would be month 3 (2026-12, 2027-01, 2027-02).
    s.today = Date{2027, 1, 20};
    REQUIRE(horizon_start(p, s) == YearMonth{2027, 1});
    const OptionResult o = compare(p, s, nullptr).options[0];
    CHECK(has(o.notes, "old retires on 2027-02-10: month 2 (2027-02) of the 6-month horizon from 2027-01; plan a "
                       "migration before then"));
    const Projection pr = project(p, s, nullptr, "");
    CHECK(pr.start == "2027-01");
    // Month 1 at old's M x 3 = 91.25, month 2 on at new's M x 8 = 243.33.
    CHECK(pr.options[0].months[0].total == Approx(91.25));
    CHECK(pr.options[0].months[1].total == Approx(243.33));
    CHECK(has(pr.options[0].notes, "old retires on 2027-02-10: from month 2 (2027-02) the projection prices"));
  }
  SECTION("today 2026-09-01, before the sheet: the horizon 2026-09 .. 2027-02 holds the retirement in month 6") {
    // 2027-02 minus 2026-09 is 5 months: month 6, the horizon's last. From the sheet's
    // 2026-12 it would be month 3.
    s.today = Date{2026, 9, 1};
    const OptionResult o = compare(p, s, nullptr).options[0];
    CHECK(has(o.notes, "old retires on 2027-02-10: month 6 (2027-02) of the 6-month horizon from 2026-09"));
  }
  SECTION("today 2027-03-05: the retirement is before the horizon 2027-03 .. 2027-08: no finding") {
    // Counting from the sheet's 2026-12 it was month 3 of 2026-12 .. 2027-05 and was reported.
    s.today = Date{2027, 3, 5};
    const OptionResult o = compare(p, s, nullptr).options[0];
    CHECK_FALSE(has(o.notes, "old retires on"));
  }
  SECTION("without today, the sheet's month: month 3 of 2026-12 .. 2027-05") {
    s.today.reset();
    REQUIRE(horizon_start(p, s) == YearMonth{2026, 12});
    const OptionResult o = compare(p, s, nullptr).options[0];
    CHECK(has(o.notes, "old retires on 2027-02-10: month 3 (2027-02) of the 6-month horizon from 2026-12"));
  }
}

TEST_CASE("risk draws a spot fleet's price from the zones' spread", "[risk][price_sheet]") {
  // Spot median 2, lowest 1, highest 4: the multiplier is triangular(0.5, 1, 2). One replica
  // (throughput far above the traffic), no interruption overhead: 730 h x 2 = 1,460 x the
  // multiplier. Its CDF at the mode is (1 - 0.5) / (2 - 0.5) = 1/3, so
  //   p10 = 0.5 + sqrt(0.1 x 1.5 x 0.5) = 0.77386 -> 1,129.84
  //   p50 = 2 - sqrt(0.5 x 1.5 x 1) = 1.13397 -> 1,655.60
  //   p90 = 2 - sqrt(0.1 x 1.5 x 1) = 1.61270 -> 2,354.54
  const PriceSheet s = parse(R"(gpu_instances:
  - {id: g, provider: p, instance: i, gpu: h100-sxm, gpu_count: 1, on_demand_per_hour: 10, spot_per_hour: 2, spot_min_per_hour: 1, spot_max_per_hour: 4, source: s}
)");
  const std::string text = "name: r\nworkloads:\n  - {id: a, tokens_per_day: 1000000, input_share: 0.5}\n"
                           "options:\n  - {id: spot, kind: self_hosted, instance: g, model: llama-3.1-8b, term: spot,"
                           " spot_interruption_overhead: 0, tokens_per_second_per_replica: 1000000}\n"
                           "horizon: {months: 1}\nuncertainty:\n  draws: 20000\n  volume: 1\n";
  const Profile p = io::parse_profile("r.yaml", text);
  const Uncertainty u = *io::parse_uncertainty("r.yaml", text);
  const RiskResult r = run_risk(p, u, s, nullptr, RiskSettings{});
  const RiskOption& o = r.options.front();
  CHECK(o.monthly_cost_usd.p10 == Approx(1129.84).epsilon(0.01));
  CHECK(o.monthly_cost_usd.p50 == Approx(1655.60).epsilon(0.01));
  CHECK(o.monthly_cost_usd.p90 == Approx(2354.54).epsilon(0.01));
  // A spot_price the profile gives replaces the spread: fixed 1.5 -> 1,460 x 1.5 = 2,190.
  const std::string fixed = text + "  spot_price: 1.5\n";
  const RiskResult rf = run_risk(io::parse_profile("r.yaml", fixed), *io::parse_uncertainty("r.yaml", fixed), s, nullptr,
                                 RiskSettings{});
  CHECK(rf.options.front().monthly_cost_usd.p50 == Approx(2190));
}
