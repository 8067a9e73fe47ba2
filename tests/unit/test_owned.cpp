// Owned hardware (lib/core/src/options/owned.cpp, and the owned fleet in fleet.cpp, eval_self_hosted.cpp
// and finance.cpp): annuity payment, monthly accrual, power with utilisation, cash months,
// lead time, break-even against rented instances, the air-gapped data class. Every expected
// figure is worked by hand in the comment beside it. A month is 730 h.
#include <catch2/catch.hpp>

#include <string>

#include "fixtures.hpp"
#include "plan/core/finance/finance.hpp"
#include "plan/core/options/owned.hpp"
#include "plan/core/base/units.hpp"
#include "plan/io/hardware_loader.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;

namespace {

// One 8-GPU server: $300,000, 36 months, 20% back at the end, 10.2 kW at full load, 30% of it
// idle, PUE 1.5, $0.10/kWh, $200 per kW of IT power per month, 10% of the price per year for
// maintenance.
OwnedHardware server() {
  OwnedHardware h;
  h.gpu = "h100-sxm";
  h.gpu_count = 8;
  h.purchase_usd = 300000;
  h.amortization_months = 36;
  h.residual_share = 0.2;
  h.power_kw = 10.2;
  h.idle_power_share = 0.3;
  h.pue = 1.5;
  h.usd_per_kwh = 0.10;
  h.colocation_per_kw_month = 200;
  h.maintenance_share_per_year = 0.10;
  return h;
}

// The same server as a profile's `owned:` block, with `extra` keys appended.
std::string owned_yaml(const std::string& extra = "") {
  return "{gpu: h100-sxm, gpu_count: 8, purchase_usd: 300000, amortization_months: 36, residual_share: 0.2, "
         "power_kw: 10.2, idle_power_share: 0.3, pue: 1.5, usd_per_kwh: 0.10, colocation_per_kw_month: 200, "
         "maintenance_share_per_year: 0.10" + extra + "}";
}

// Flat traffic of `tokens_per_s` tokens/s in 1,000-token requests; an owned server of 8
// one-GPU replicas at 1,000 tokens/s each (8,000 tokens/s held); gpu-2.50 rented on demand
// at the same throughput; the flat-1 API ($1 per 1M in and out).
Profile buy_vs_rent(double tokens_per_s, const std::string& owned_extra = "", const std::string& data_class = "internal",
                    const std::string& api_model = "blended-030") {
  const double requests_per_day = tokens_per_s * 86400 / 1000;
  return io::parse_profile("test.yaml", "name: buy-vs-rent\nworkloads:\n  - {id: chat, requests_per_day: " +
                                            std::to_string(requests_per_day) +
                                            ", input_tokens: 500, output_tokens: 500, data_class: " + data_class +
                                            "}\noptions:\n"
                                            "  - {id: owned, kind: self_hosted, model: llama-3.1-8b, gpus_per_replica: 1, "
                                            "tokens_per_second_per_replica: 1000, owned: " + owned_yaml(owned_extra) +
                                            "}\n"
                                            "  - {id: rented, kind: self_hosted, instance: gpu-2.50, model: llama-3.1-8b, "
                                            "tokens_per_second_per_replica: 1000}\n"
                                            "  - {id: api, kind: api, model: " + api_model + "}\n");
}

const MonthLine& month(const Projection& p, const std::string& id, int index) {
  for (const auto& o : p.options)
    if (o.id == id) return o.months.at(static_cast<std::size_t>(index));
  FAIL("no option " << id);
  return p.options.front().months.front();
}

}  // namespace

TEST_CASE("annuity payment: the standard loan formula with monthly r", "[owned]") {
  // $300,000 over 36 months at 6%/year: r = 0.06 / 12 = 0.005; 1.005^36 = 1.1966805, so
  // (1 + r)^-36 = 0.8356449 and the payment is 300,000 x 0.005 / (1 - 0.8356449)
  // = 1,500 / 0.1643551 = $9,126.58 (the textbook $304.22 per $10,000 x 30 = $9,126.6).
  CHECK(annuity_payment(300000, 0.005, 36) == Approx(9126.58).margin(0.005));
  // With $60,000 left owed at the end (the residual value): (300,000 - 60,000 x 0.8356449)
  // x 0.005 / 0.1643551 = 249,861.30 x 0.005 / 0.1643551 = $7,601.26.
  CHECK(annuity_payment(300000, 0.005, 36, 60000) == Approx(7601.26).margin(0.005));
  // At 0%: straight line, (300,000 - 60,000) / 36 = $6,666.67.
  CHECK(annuity_payment(300000, 0, 36, 60000) == Approx(240000.0 / 36));
}

TEST_CASE("power drawn follows utilisation: 40% of the way from idle to full", "[owned]") {
  // 10.2 kW x (0.3 + 0.7 x 0.4) = 10.2 x 0.58 = 5.916 kW.
  CHECK(owned_power_kw(server(), 0.4) == Approx(5.916));
  CHECK(owned_power_kw(server(), 0.0) == Approx(3.06));  // 10.2 x 0.3
  CHECK(owned_power_kw(server(), 1.0) == Approx(10.2));
}

TEST_CASE("monthly accrual cost of one server", "[owned]") {
  const OwnedMonthlyCost c = owned_monthly_cost(server(), 0.4);
  // (300,000 - 0.2 x 300,000) / 36 = 240,000 / 36 = 6,666.67
  CHECK(c.amortization == Approx(6666.666667));
  // 5.916 kW (above) x PUE 1.5 = 8.874 kW x 730 h = 6,478.02 kWh x $0.10 = $647.80
  CHECK(c.energy == Approx(647.802));
  // Colocation on IT power: 10.2 kW x $200 = $2,040
  CHECK(c.colocation == Approx(2040));
  // 0.10 x 300,000 / 12 = $2,500
  CHECK(c.maintenance == Approx(2500));
  // 6,666.67 + 647.80 + 2,040 + 2,500 = $11,854.47
  CHECK(c.total() == Approx(11854.4687).margin(1e-3));

  SECTION("financed: the annuity payment replaces straight-line amortisation") {
    OwnedHardware h = server();
    h.financing_rate_per_year = 0.06;
    CHECK(owned_monthly_cost(h, 0.4).amortization == Approx(7601.26).margin(0.005));  // as above, with the residual
  }
  SECTION("a flat facility amount replaces colocation per kW, for the whole fleet") {
    OwnedHardware h = server();
    h.servers = 2;
    h.colocation_per_kw_month.reset();
    h.facility_per_month = 5000;
    const OwnedMonthlyCost two = owned_monthly_cost(h, 0.4);
    CHECK(two.colocation == Approx(5000));
    CHECK(two.amortization == Approx(2 * 6666.666667));  // per server x 2
    CHECK(two.energy == Approx(2 * 647.802));
  }
}

TEST_CASE("cash schedule: purchase when ordered, residual back when amortisation ends", "[owned]") {
  OwnedHardware h = server();
  h.amortization_months = 2;
  CHECK(owned_capital_cash(h, 0) == Approx(300000));   // bought in month 1
  CHECK(owned_capital_cash(h, 1) == Approx(-60000));   // 0.2 x 300,000 back at the end of month 2
  CHECK(owned_capital_cash(h, 2) == Approx(300000));   // the replacement
  CHECK(owned_capital_cash(h, 3) == Approx(-60000));
  h.lead_time_months = 1;
  CHECK(owned_capital_cash(h, 0) == Approx(300000));   // paid with the order
  CHECK(owned_capital_cash(h, 1) == 0);                // delivered, in service
  CHECK(owned_capital_cash(h, 2) == Approx(-60000));   // second month in service: the last
  h.financing_rate_per_year = 0.06;
  CHECK(owned_capital_cash(h, 0) == 0);                // nothing up front, no service yet
  CHECK(owned_capital_cash(h, 1) == Approx(annuity_payment(300000, 0.005, 2, 60000)));
}

TEST_CASE("an owned fleet in compare: fixed servers, accrual lines, utilisation", "[owned][self_hosted]") {
  // 3,200 tokens/s against the 8,000 the server holds: utilisation 0.4, so the lines are the
  // hand-worked ones of "monthly accrual cost of one server".
  Profile p = buy_vs_rent(3200);
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  const OptionResult& o = test::find(c, "owned");
  REQUIRE(o.feasible);
  REQUIRE(fleet_detail(o));
  REQUIRE(fleet_detail(o)->owned);
  CHECK(fleet_detail(o)->utilization == Approx(0.4));
  CHECK(fleet_detail(o)->replicas == 8);               // every replica the server holds runs
  CHECK(fleet_detail(o)->owned->replicas_needed == 4);  // 3,200 / 1,000 rounded up
  CHECK(o.breakdown.gpu_compute == 0);
  CHECK(o.breakdown.amortization == Approx(6666.666667));
  CHECK(o.breakdown.energy == Approx(647.802));
  CHECK(o.breakdown.colocation == Approx(2040));
  CHECK(o.breakdown.maintenance == Approx(2500));
  CHECK(o.monthly_cost_usd == Approx(6666.67 + 647.80 + 2040 + 2500));  // cent-rounded lines: $11,854.47

  SECTION("more replicas than the servers hold: infeasible, with the reason") {
    // 9,500 tokens/s needs 10 replicas; one server holds 8.
    CompareResult big = compare(buy_vs_rent(9500), test::basic_sheet(), nullptr);
    const OptionResult& b = test::find(big, "owned");
    CHECK_FALSE(b.feasible);
    REQUIRE(b.reasons.size() == 1);
    CHECK_THAT(b.reasons[0], Catch::Contains("needs 10 replicas at peak but the 1 owned servers hold 8"));
  }
}

TEST_CASE("cash-basis months 1 and 2, and no capacity before the lead time", "[owned][finance]") {
  SECTION("delivered at once") {
    Profile p = buy_vs_rent(3200);
    Projection cash = project(p, test::basic_sheet(), nullptr, "api", CostBasis::cash);
    const MonthLine& m1 = month(cash, "owned", 0);
    const MonthLine& m2 = month(cash, "owned", 1);
    // Month 1: the purchase, $300,000, and the running costs 647.80 + 2,040 + 2,500; no
    // amortisation line on the cash basis: 300,000 + 5,187.80 = $305,187.80.
    CHECK(m1.capital == Approx(300000));
    CHECK(m1.breakdown.amortization == 0);
    CHECK(m1.total == Approx(305187.80));
    // 3,200 tokens/s needs 4 replicas of 1,000; the server holds 8, all paid for.
    CHECK(m1.needed == 4);
    CHECK(m1.paid == 8);
    // Month 2: the running costs only, $5,187.80.
    CHECK(m2.capital == 0);
    CHECK(m2.total == Approx(5187.80));
    // Accrual: $11,854.47 in both months.
    Projection accrual = project(p, test::basic_sheet(), nullptr, "api");
    CHECK(month(accrual, "owned", 0).total == Approx(11854.47));
    CHECK(month(accrual, "owned", 1).total == Approx(11854.47));
    CHECK(month(accrual, "owned", 0).capital == 0);
  }
  SECTION("lead time of one month") {
    Profile p = buy_vs_rent(3200, ", lead_time_months: 1");
    Projection cash = project(p, test::basic_sheet(), nullptr, "api", CostBasis::cash);
    const MonthLine& m1 = month(cash, "owned", 0);
    // Month 1: paid with the order, nothing delivered: $300,000 and infeasible.
    CHECK(m1.capital == Approx(300000));
    CHECK(m1.total == Approx(300000));
    CHECK_FALSE(m1.feasible);
    CHECK(m1.paid == 0);  // nothing delivered yet
    REQUIRE(m1.reasons.size() == 1);
    CHECK_THAT(m1.reasons[0], Catch::Contains("lead time 1 months: serving from month 2"));
    // Month 2: in service, running costs $5,187.80.
    CHECK(month(cash, "owned", 1).feasible);
    CHECK(month(cash, "owned", 1).total == Approx(5187.80));
    // Accrual: nothing in month 1 (amortisation starts in service), $11,854.47 in month 2.
    Projection accrual = project(p, test::basic_sheet(), nullptr, "api");
    CHECK(month(accrual, "owned", 0).total == 0);
    CHECK(month(accrual, "owned", 1).total == Approx(11854.47));
  }
}

TEST_CASE("payback of bought servers against an API, on the cash basis", "[owned][finance]") {
  // 3,200 tokens/s x 86,400 s x 30.416667 days = 8.4096e9 tokens a month; at $15 per 1M
  // (flat-15) the API costs 8,409.6 x 15 = $126,144.00 a month. The server: $305,187.80 in
  // month 1 (purchase + running costs, as above), $5,187.80 after. Cumulative savings:
  // 126,144 - 305,187.80 = -179,043.80; + (126,144 - 5,187.80 = 120,956.20) = -58,087.60
  // after month 2; +62,868.60 after month 3: payback in month 3.
  Profile p = buy_vs_rent(3200, "", "internal", "flat-15");
  Projection cash = project(p, test::basic_sheet(), nullptr, "api", CostBasis::cash);
  CHECK(month(cash, "api", 0).total == Approx(126144.00));
  CHECK(month(cash, "owned", 1).cumulative_savings.value() == Approx(-58087.60));
  for (const auto& o : cash.options)
    if (o.id == "owned") CHECK(o.payback.month == std::optional<int>(3));
}

TEST_CASE("buy-versus-rent break-even against an on-demand instance", "[owned][finance][breakeven]") {
  // With idle_power_share 1 the server draws 10.2 kW whatever the load, so it costs the same
  // at every volume: 6,666.667 + 10.2 x 1.5 x 730 x 0.10 (= 1,116.90) + 2,040 + 2,500
  // = $12,323.57 a month. A rented gpu-2.50 replica costs 730 x 2.50 = $1,825 a month and
  // serves 1,000 tokens/s: six cost $10,950 (< 12,323.57), seven $12,775 (>). Above
  // 6 x 1,000 tokens/s = 6,000 tokens/s = 518.4M tokens/day the rented fleet needs a seventh
  // replica and owning is cheaper.
  Profile p = io::parse_profile("test.yaml", "name: be\nworkloads:\n  - {id: chat, requests_per_day: 276480, "
                                              "input_tokens: 500, output_tokens: 500}\noptions:\n"
                                              "  - {id: owned, kind: self_hosted, model: llama-3.1-8b, gpus_per_replica: 1, "
                                              "tokens_per_second_per_replica: 1000, owned: " +
                                                  owned_yaml().replace(owned_yaml().find("idle_power_share: 0.3"), 21,
                                                                       "idle_power_share: 1.0") +
                                                  "}\n"
                                                  "  - {id: rented, kind: self_hosted, instance: gpu-2.50, model: "
                                                  "llama-3.1-8b, tokens_per_second_per_replica: 1000}\n"
                                                  "  - {id: api, kind: api, model: flat-1}\n");
  const PriceSheet& sheet = test::basic_sheet();
  OptionEvaluator owned(p, sheet, *p.find_option("owned"), nullptr);
  OptionEvaluator rented(p, sheet, *p.find_option("rented"), nullptr);
  OptionEvaluator api(p, sheet, *p.find_option("api"), nullptr);
  CHECK(owned(1.0).breakdown.total() == Approx(240000.0 / 36 + 1116.9 + 2040 + 2500));
  BreakEven be = find_break_even(rented, owned, p.tokens_per_day());
  REQUIRE(be.found);
  CHECK(be.a == "owned");  // the lower floor: $12,323.57 / 730 h / 8,000 tokens/s = $0.586 per 1M
  CHECK(*be.a_floor_per_mtok == Approx(12323.5667 / 730 / (8000 * 3600.0) * 1e6).epsilon(1e-6));
  CHECK(be.tokens_per_day == Approx(6000.0 * 86400).epsilon(1e-9));
  // The server holds 8 replicas of 1,000 tokens/s: above 8,000 tokens/s x 86,400 s =
  // 691.2M tokens/day (flat traffic, so the peak is the mean) the owned option is
  // infeasible, and the notes give that range up to the top of the examined one (1e12).
  CHECK(be.a_infeasible_somewhere);
  REQUIRE_FALSE(be.notes.empty());
  CHECK_THAT(be.notes[0], Catch::StartsWith("owned is infeasible above 691.20M tokens/day, to the top of the "
                                            "examined range (1.00T)"));
  // Against the $1 per 1M API: 12,323.57 / $1 per 1M = 12,323.57M tokens a month
  // / 30.416667 days = 405.16M tokens/day.
  BreakEven vs_api = find_break_even(api, owned, p.tokens_per_day());
  REQUIRE(vs_api.found);
  CHECK(vs_api.a == "owned");
  CHECK(vs_api.tokens_per_day == Approx(12323.5667e6 / (730.0 / 24)).epsilon(1e-6));
}

TEST_CASE("air_gapped: only owned hardware may serve it", "[owned][data_class]") {
  Profile p = buy_vs_rent(3200, "", "air_gapped");
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  CHECK(test::find(c, "owned").feasible);
  const OptionResult& rented = test::find(c, "rented");
  CHECK_FALSE(rented.feasible);
  REQUIRE_FALSE(rented.reasons.empty());
  CHECK_THAT(rented.reasons[0], Catch::Contains("data class 'air_gapped', which only owned hardware may serve "
                                                "(rented instance gpu-2.50 may not receive it)"));
  const OptionResult& api = test::find(c, "api");
  CHECK_FALSE(api.feasible);
  REQUIRE_FALSE(api.reasons.empty());
  CHECK_THAT(api.reasons[0], Catch::Contains("only owned hardware may serve (blended-030 may not receive it)"));
  REQUIRE(c.cheapest);
  CHECK(*c.cheapest == "owned");
}

TEST_CASE("owned block: the reader's rules", "[owned][profile]") {
  auto parse = [](const std::string& option) {
    return io::parse_profile("p.yaml", "name: x\nworkloads:\n  - {id: w, requests_per_day: 1, input_tokens: 1, "
                                       "output_tokens: 1}\noptions:\n  - " + option + "\n");
  };
  Profile ok = parse("{id: o, kind: self_hosted, model: llama-3.1-8b, owned: " + owned_yaml(", servers: 3, "
                     "financing_rate_per_year: 0.06, lead_time_months: 4") + "}");
  const auto& h = *ok.options[0].fleet()->owned;
  CHECK(h.servers == 3);
  CHECK(*h.financing_rate_per_year == 0.06);
  CHECK(h.lead_time_months == 4);
  CHECK(std::get<SelfHostedOption>(ok.options[0].spec).instance.empty());
  CHECK_THROWS_WITH(parse("{id: o, kind: self_hosted, instance: gpu-2.50, model: m, owned: " + owned_yaml() + "}"),
                    Catch::Contains("'instance' does not apply to option 'o', which owns its servers"));
  CHECK_THROWS_WITH(parse("{id: o, kind: self_hosted, model: m, owned: " + owned_yaml(", facility_per_month: 10") + "}"),
                    Catch::Contains("gives both (expected exactly one of colocation_per_kw_month and facility_per_month)"));
  CHECK_THROWS_WITH(parse("{id: o, kind: api, model: m, owned: " + owned_yaml() + "}"),
                    Catch::Contains("'owned' does not apply to a api option"));
}

TEST_CASE("owned-hardware list: an option takes an entry's figures, with its citation", "[owned][io]") {
  const HardwareList list = io::parse_hardware_list("hw.yaml", R"(version: "hw-test"
effective_date: "2026-11-30"
currency: USD
sources:
  - {id: s, url: "https://example.org", retrieved: "2026-11-30"}
owned_hardware:
  - {id: priced, kind: server, gpu: h100-sxm, gpu_count: 8, purchase_usd: 300000, power_kw: 10.2, source: s}
  - {id: unpriced, kind: server, gpu: b200, gpu_count: 8, power_kw: 14.3, source: s}
)");
  REQUIRE(list.entries.size() == 2);
  CHECK_FALSE(list.entries[1].purchase_usd);
  auto profile = [](const std::string& owned) {
    return io::parse_profile("p.yaml", "name: x\nworkloads:\n  - {id: w, requests_per_day: 276480, input_tokens: 500, "
                                       "output_tokens: 500}\noptions:\n  - {id: o, kind: self_hosted, model: "
                                       "llama-3.1-8b, gpus_per_replica: 1, tokens_per_second_per_replica: 1000, owned: {" +
                                           owned + ", amortization_months: 36, residual_share: 0.2, idle_power_share: "
                                                   "0.3, pue: 1.5, usd_per_kwh: 0.10, colocation_per_kw_month: 200, "
                                                   "maintenance_share_per_year: 0.10}}\n");
  };
  Profile p = profile("hardware: priced");
  io::resolve_owned_hardware(p, list);
  const OwnedHardware& h = *p.options[0].fleet()->owned;
  CHECK(h.gpu == "h100-sxm");
  CHECK(h.gpu_count == 8);
  CHECK(h.purchase_usd == 300000);
  CHECK(h.power_kw == 10.2);
  CHECK(h.figures_source == "hw.yaml:7");
  // The same server as server(): at 3,200 of 8,000 tokens/s the month is $11,854.47.
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  CHECK(test::find(c, "o").monthly_cost_usd == Approx(11854.47));

  Profile negotiated = profile("hardware: priced, purchase_usd: 240000");
  io::resolve_owned_hardware(negotiated, list);
  CHECK(negotiated.options[0].fleet()->owned->purchase_usd == 240000);  // the option's own price wins

  Profile unpriced = profile("hardware: unpriced");
  CHECK_THROWS_WITH(io::resolve_owned_hardware(unpriced, list),
                    Catch::Contains("hardware 'unpriced' has no public list price (hw.yaml:8)"));
  Profile unknown = profile("hardware: nope");
  CHECK_THROWS_WITH(io::resolve_owned_hardware(unknown, list),
                    Catch::Contains("unknown hardware 'nope' (expected an owned_hardware id of hw.yaml: priced, unpriced)"));
}
