// API options (lib/core/src/options/eval_api.cpp): token costs, provenance, rate-limit notes and
// checks, exclusions, an unknown model, and the floor cost per 1M tokens. Prices from
// tests/data/sheet-basic.yaml; a month is 730 h = 30.416667 days.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "plan/core/options/compare.hpp"
#include "plan/core/finance/finance.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;
using plan::test::has;
using plan::test::basic_sheet;
using plan::test::find;

namespace {
OptionResult run(const std::string& workload, const std::string& option) {
  const Profile p = io::parse_profile("p.yaml", "name: t\nworkloads:\n  - " + workload + "\noptions:\n  - " + option + "\n");
  return compare(p, basic_sheet(), nullptr).options.front();
}

const std::string million = "{id: w, tokens_per_day: 1000000, input_share: 0.5, tokens_per_request: 1000}";
}  // namespace

TEST_CASE("an API option: tokens at the sheet's prices, cited", "[eval_api]") {
  const OptionResult r = run(million, "{id: a, kind: api, model: gpt-4o-mini}");
  REQUIRE(r.feasible);
  CHECK(r.kind == OptionKind::api);
  CHECK(r.what == "openai gpt-4o-mini");
  CHECK(r.model == "gpt-4o-mini");
  // 15,208,333.33 tokens each way a month: input x $0.15 = 2.28125, output x $0.60 = 9.125.
  REQUIRE(token_cost(r));
  CHECK(token_cost(r)->input == Approx(2.28125));
  CHECK(token_cost(r)->output == Approx(9.125));
  CHECK(r.breakdown.api_tokens == Approx(11.40625));
  CHECK(r.monthly_cost_usd == Approx(11.41));
  // 11.41 / 30.416667M tokens = 0.37512 per 1M.
  CHECK(r.cost_per_mtok_usd == Approx(0.375123).epsilon(1e-5));
  // The entry starts on line 10 of the sheet.
  REQUIRE_FALSE(r.provenance.empty());
  CHECK(r.provenance[0].what == "token prices");
  CHECK(r.provenance[0].source.find("sheet-basic.yaml:10") != std::string::npos);
  // No tier given: the highest one listed (tier-5, 150M tokens/min) is checked.
  CHECK(has(r.notes, "no rate-limit tier given: the highest tier the price sheet lists (tier-5) assumed"));
  REQUIRE(rate_check(r));
  CHECK(rate_check(r)->tier == "tier-5");
}

TEST_CASE("an API option: limits, exclusions and an unknown model", "[eval_api]") {
  SECTION("an offering without rate limits is not checked, and says so") {
    const OptionResult r = run(million, "{id: a, kind: api, model: flat-1}");
    CHECK(r.feasible);
    CHECK(has(r.notes, "the price sheet lists no rate limits for this offering; not checked"));
    CHECK_FALSE(rate_check(r));
  }
  SECTION("tier-1 allows 200,000 tokens a minute; 1e9 a day is 694,444 a minute on average") {
    const OptionResult r = run("{id: w, tokens_per_day: 1000000000, input_share: 0.5, tokens_per_request: 1000}",
                               "{id: a, kind: api, model: gpt-4o-mini, tier: tier-1}");
    CHECK_FALSE(r.feasible);
    CHECK(has(r.reasons, "tier-1"));
    // The same volume is within tier-5's 150M tokens a minute.
    CHECK(run("{id: w, tokens_per_day: 1000000000, input_share: 0.5, tokens_per_request: 1000}",
              "{id: a, kind: api, model: gpt-4o-mini, tier: tier-5}")
              .feasible);
  }
  SECTION("a data class the offering does not accept") {
    const OptionResult r = run("{id: w, tokens_per_day: 1000, input_share: 0.5, data_class: confidential}",
                               "{id: a, kind: api, model: gpt-4o-mini}");
    CHECK_FALSE(r.feasible);
    CHECK(has(r.reasons, "confidential"));
  }
  SECTION("a model the workload does not accept") {
    const OptionResult r = run("{id: w, tokens_per_day: 1000, input_share: 0.5, models: [flat-1]}",
                               "{id: a, kind: api, model: gpt-4o-mini}");
    CHECK_FALSE(r.feasible);
    CHECK(has(r.reasons, "gpt-4o-mini"));
  }
  SECTION("a model the sheet lacks: infeasible, named by the model") {
    const OptionResult r = run(million, "{id: a, kind: api, model: no-such-model}");
    CHECK_FALSE(r.feasible);
    CHECK(r.what == "no-such-model");
    CHECK_FALSE(r.reasons.empty());
    CHECK(r.breakdown.total() == 0);
  }
}

TEST_CASE("an API option's floor cost per 1M tokens is its blended price", "[eval_api][finance]") {
  const Profile p = io::parse_profile("p.yaml", "name: t\nworkloads:\n  - " + million +
                                                    "\noptions:\n  - {id: a, kind: api, model: gpt-4o-mini}\n");
  // Half input at $0.15, half output at $0.60: 0.5 x 0.15 + 0.5 x 0.60 = $0.375 per 1M, at
  // any volume.
  OptionEvaluator e(p, basic_sheet(), p.options[0], nullptr);
  REQUIRE(floor_cost_per_mtok(e, p.tokens_per_day()));
  CHECK(*floor_cost_per_mtok(e, p.tokens_per_day()) == Approx(0.375));
}
