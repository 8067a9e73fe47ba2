// The search over a self-hosted option's open choices (lib/core/src/options/search.cpp) and the
// loader's open keys (lib/io/src/profile_loader.cpp).
#include <catch2/catch.hpp>

#include "catalogs.hpp"
#include "plan/core/options/compare.hpp"
#include "plan/core/serving/perf.hpp"
#include "plan/core/options/search.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;

namespace {

GpuInstance instance(const std::string& id, const std::string& provider, int gpus, double on_demand,
                     std::optional<double> one_year, std::optional<double> spot) {
  GpuInstance i;
  i.id = id;
  i.provider = provider;
  i.instance = id;
  i.gpu = "h100-sxm";
  i.gpu_count = gpus;
  i.region = provider == "aws" ? "us-east-1" : "us-central1";
  i.on_demand_per_hour = on_demand;
  i.reserved_1y_per_hour = one_year;
  i.spot_per_hour = spot;
  return i;
}

// Three instances: one GPU at 2.00 / 1.50 (1y) / 1.00 (spot) USD an hour, eight GPUs at 10.00
// (on demand only), and one GPU on another cloud at 1.20 (on demand only).
PriceSheet small_sheet() {
  PriceSheet s = io::load_price_sheet(PLAN_TEST_DATA "/sheet-basic.yaml");
  s.gpu_instances.clear();
  s.gpu_instances.push_back(instance("one", "aws", 1, 2.00, 1.50, 1.00));
  s.gpu_instances.push_back(instance("eight", "aws", 8, 10.00, std::nullopt, std::nullopt));
  s.gpu_instances.push_back(instance("other", "gcp", 1, 1.20, std::nullopt, std::nullopt));
  return s;
}

// 86,400 requests a day (1 request/s, flat) of 900 + 100 tokens; each replica serves 1,500
// tokens/s (an override): 1.5 requests/s, so one replica at any point.
Profile override_profile(const std::string& open_keys) {
  return io::parse_profile("test.yaml", R"(name: search
workloads:
  - {id: w, requests_per_day: 86400, input_tokens: 900, output_tokens: 100}
options:
  - id: open
    kind: self_hosted
    model: llama-3.1-8b
    tokens_per_second_per_replica: 1500
)" + open_keys);
}

}  // namespace

// Points (one replica each; an override replica takes the whole instance):
//   one on_demand: 2.00 x 730 = 1,460.00    one 1y: 1.50 x 730 = 1,095.00
//   one spot: 1.00 x 730 x 1.10 (spot interruption overhead) = 803.00
//   eight on_demand: 10.00 x 730 = 7,300.00  other on_demand: 1.20 x 730 = 876.00
// Month tokens: 86,400 x 1,000 x 730 / 24 = 2,628,000,000, so spot's 803.00 is
// 803 / 2,628 = 0.30556 USD per 1M tokens.
TEST_CASE("search ranks the points of an override option by hand-worked cost", "[search]") {
  const PriceSheet sheet = small_sheet();
  const Profile p = override_profile("    instance: auto\n    terms: auto\n");
  SearchSettings s;
  s.top = 0;
  const SearchResult r = search_option(p, sheet, p.options[0], nullptr, s);
  // 3 instances x 4 terms = 12 points; 'eight' has no 1y, 3y or spot, 'one' no 3y, 'other' only on demand.
  CHECK(r.counts.points == 12);
  CHECK(r.counts.no_price == 7);
  CHECK(r.counts.costed == 5);
  CHECK(r.counts.feasible == 5);
  REQUIRE(r.ranked.size() == 5);
  CHECK(r.ranked[0].instance == "one");
  CHECK(r.ranked[0].term == PricingTerm::spot);
  CHECK(r.ranked[0].monthly_usd == Approx(803.00));
  CHECK(r.ranked[0].usd_per_mtok == Approx(803.0 / 2628.0));
  CHECK(r.ranked[1].instance == "other");
  CHECK(r.ranked[1].monthly_usd == Approx(876.00));
  CHECK(r.ranked[2].monthly_usd == Approx(1095.00));
  CHECK(r.ranked[3].monthly_usd == Approx(1460.00));
  CHECK(r.ranked[4].instance == "eight");
  CHECK(r.ranked[4].monthly_usd == Approx(7300.00));
  CHECK(r.ranked[4].gpus == 8);
  CHECK(r.ranked[0].replicas == 1);
}

TEST_CASE("clouds, regions and listed instances limit the search", "[search]") {
  const PriceSheet sheet = small_sheet();
  SearchSettings s;
  s.top = 0;
  {
    const Profile p = override_profile("    instance: auto\n    clouds: [gcp]\n");
    const SearchResult r = search_option(p, sheet, p.options[0], nullptr, s);
    REQUIRE(r.ranked.size() == 1);
    CHECK(r.ranked[0].instance == "other");  // 876.00
  }
  {
    const Profile p = override_profile("    instance: [eight, one]\n    regions: [us-east-1]\n");
    const SearchResult r = search_option(p, sheet, p.options[0], nullptr, s);
    REQUIRE(r.ranked.size() == 2);
    CHECK(r.ranked[0].instance == "one");  // 1,460.00 on demand
    CHECK(r.ranked[1].instance == "eight");
  }
  {
    const Profile p = override_profile("    instance: auto\n    regions: [eu-west-1]\n");
    const SearchResult r = search_option(p, sheet, p.options[0], nullptr, s);
    CHECK(r.ranked.empty());
    CHECK(r.counts.points == 0);
  }
}

TEST_CASE("compare plans the cheapest point and says what was searched", "[search]") {
  const PriceSheet sheet = small_sheet();
  const Profile p = override_profile("    instance: auto\n    terms: [on_demand, 1y]\n");
  const OptionResult r = evaluate_option(p, sheet, p.options[0], nullptr);
  REQUIRE(r.feasible);
  // other on demand: 876.00 (one 1y: 1,095.00; spot not searched).
  CHECK(r.monthly_cost_usd == Approx(876.00));
  REQUIRE(fleet_detail(r));
  CHECK(fleet_detail(r)->instance == "other");
  REQUIRE(!r.provenance.empty());
  CHECK_THAT(r.provenance.front().source, Catch::Contains("6 points"));
  CHECK_THAT(r.provenance.front().source, Catch::Contains("2 of them feasible"));
  // The evaluator of sweeps and projections costs the same point.
  OptionEvaluator e(p, sheet, p.options[0], nullptr);
  CHECK(e(1.0).monthly_cost_usd == Approx(876.00));
  CHECK(std::get<SelfHostedOption>(e.option().spec).instance == "other");
}

TEST_CASE("an option whose search finds nothing feasible is infeasible with the reason", "[search]") {
  const PriceSheet sheet = small_sheet();
  const Profile p = override_profile("    instance: auto\n    clouds: [azure]\n");
  const OptionResult r = evaluate_option(p, sheet, p.options[0], nullptr);
  CHECK_FALSE(r.feasible);
  REQUIRE(!r.reasons.empty());
  CHECK_THAT(r.reasons.back(), Catch::Contains("no instance of price sheet"));
}

// Invariants on the catalog model and the shipped sheet: the pruned search ranks what the
// full one ranks, and its best is never dearer than any point priced alone.
TEST_CASE("the pruned search equals the full one and its best is the cheapest point", "[search][property]") {
  const PriceSheet sheet = io::load_price_sheet(PLAN_SOURCE_DIR "/pricing/2026-12.yaml");
  const Profile p = io::load_profile(PLAN_TEST_DATA "/profile-search-llama.yaml");
  perf::CatalogReplicaModelProvider perf(test::shipped_catalog());
  const Option& open = *p.find_option("open");
  SearchSettings full;
  full.top = 0;
  full.prune = false;
  const SearchResult all = search_option(p, sheet, open, &perf, full);
  REQUIRE(all.ranked.size() > 10);
  CHECK(all.counts.pruned_bound == 0);
  for (std::size_t top : {1u, 3u, 10u}) {
    SearchSettings pruned;
    pruned.top = top;
    const SearchResult r = search_option(p, sheet, open, &perf, pruned);
    CHECK(r.counts.pruned_bound > 0);
    REQUIRE(r.ranked.size() == top);
    for (std::size_t i = 0; i < top; ++i) {
      CHECK(r.ranked[i].instance == all.ranked[i].instance);
      CHECK(r.ranked[i].term == all.ranked[i].term);
      CHECK(r.ranked[i].monthly_usd == all.ranked[i].monthly_usd);
    }
  }
  // Every feasible point, priced alone as an option of its own, costs what the search says
  // and no less than the best.
  const double best = all.ranked.front().monthly_usd;
  for (const auto& pt : all.ranked) {
    const OptionResult alone = evaluate_option(p, sheet, pt.option, &perf);
    CHECK(alone.monthly_cost_usd == pt.monthly_usd);
    CHECK(best <= alone.monthly_cost_usd);
  }
  // So is each written-out option of the profile.
  for (const auto& o : p.options) {
    if (has_open_choices(o)) continue;
    CHECK(best <= evaluate_option(p, sheet, o, &perf).monthly_cost_usd);
  }
}

TEST_CASE("open keys: lists, auto, and their errors at the item", "[search][profile]") {
  const std::string head = R"(name: s
workloads:
  - {id: w, requests_per_day: 10, input_tokens: 10, output_tokens: 10}
options:
  - id: o
    kind: self_hosted
    model: llama-3.1-8b
)";
  const Profile p = io::parse_profile("t.yaml", head + "    instance: [a, b]\n    precision: auto\n    engine: [vllm, sglang@0.5.10]\n"
                                                      "    gpus_per_replica: [1, 2]\n    parallel: [tp]\n    terms: [1y, spot]\n");
  const auto& sp = *std::get<SelfHostedOption>(p.options[0].spec).search;
  CHECK(sp.instances.values == std::vector<std::string>{"a", "b"});
  CHECK(sp.precisions.any);
  REQUIRE(sp.engines.values.size() == 2);
  CHECK(sp.engines.values[1].version == "0.5.10");
  CHECK(sp.gpus_per_replica.values == std::vector<int>{1, 2});
  CHECK(sp.terms == std::vector<PricingTerm>{PricingTerm::reserved_1y, PricingTerm::spot});
  // A written-out option has no search space.
  CHECK_FALSE(std::get<SelfHostedOption>(io::parse_profile("t.yaml", head + "    instance: a\n").options[0].spec).search);
  auto error_of = [&](const std::string& keys) {
    try {
      (void)io::parse_profile("t.yaml", head + keys);
    } catch (const Error& e) {
      return e.formatted();
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("    instance: [a, a]\n"), Catch::Contains("t.yaml:8:19: item 2 of 'instance' in option 'o' repeats 'a'"));
  CHECK_THAT(error_of("    instance: [a, auto]\n"), Catch::Contains("t.yaml:8:19: item 2 of 'instance'"));
  CHECK_THAT(error_of("    instance: auto\n    terms: [2y]\n"), Catch::Contains("t.yaml:9:13: item 1 of 'terms' in option 'o' is '2y'"));
  CHECK_THAT(error_of("    instance: auto\n    parallel: [tp, xx]\n"), Catch::Contains("t.yaml:9:20: item 2 of 'parallel'"));
  CHECK_THAT(error_of("    instance: auto\n    term: spot\n    terms: [spot]\n"), Catch::Contains("gives both term and terms"));
  CHECK_THAT(error_of("    precision: [fp8]\n"), Catch::Contains("has open choices but no instance or gpu"));
  CHECK_THAT(error_of("    instance: []\n"), Catch::Contains("not a value, a non-empty list or auto"));
}

TEST_CASE("a listed instance the sheet lacks is an error at its item", "[search][profile]") {
  const PriceSheet sheet = small_sheet();
  const Profile p = io::parse_profile("t.yaml", R"(name: s
workloads:
  - {id: w, requests_per_day: 10, input_tokens: 10, output_tokens: 10}
options:
  - {id: o, kind: self_hosted, model: llama-3.1-8b, instance: [one, nope]}
)");
  try {
    io::check_references(p, sheet);
    FAIL("no error");
  } catch (const Error& e) {
    // "nope" starts at column 69 of line 5 (68 characters before it).
    CHECK_THAT(e.formatted(), Catch::Contains("t.yaml:5:69: unknown instance 'nope'"));
  }
}

TEST_CASE("the Pareto front of cost against speed per user", "[search]") {
  // (tokens/s per user, USD per 1M): a (10, 1), b (20, 2), c (15, 3), d (30, 2), e (30, 5), f: no TPOT.
  // c is beaten by b (faster and cheaper); b by d (as cheap, faster); e by d. Front: a, d.
  auto pt = [](std::optional<double> speed, double usd) {
    SearchPoint p;
    p.tokens_per_s_per_user = speed;
    p.usd_per_mtok = usd;
    return p;
  };
  const std::vector<SearchPoint> v{pt(10, 1), pt(20, 2), pt(15, 3), pt(30, 2), pt(30, 5), pt(std::nullopt, 0.5)};
  const auto front = pareto_front(v);
  REQUIRE(front.size() == 2);
  CHECK(front[0] == &v[0]);
  CHECK(front[1] == &v[3]);
}

TEST_CASE("the lower bound holds with autoscaling, min_replicas and a discount", "[search][property]") {
  const PriceSheet sheet = io::load_price_sheet(PLAN_SOURCE_DIR "/pricing/2026-12.yaml");
  perf::CatalogReplicaModelProvider perf(test::shipped_catalog());
  for (int variant = 0; variant < 3; ++variant) {
    Profile p = io::load_profile(PLAN_TEST_DATA "/profile-search-llama.yaml");
    Option& open = p.options.front();
    auto& sh = std::get<SelfHostedOption>(open.spec);
    if (variant == 0) {
      sh.fleet.autoscale = true;
      sh.search->terms = {PricingTerm::on_demand, PricingTerm::spot};
      p.workloads.front().traffic = TrafficShape::from_peak_to_average(3);
    } else if (variant == 1) {
      sh.fleet.min_replicas = 3;
    } else {
      p.discounts.push_back({"lambda", 0.5, {}});
      p.workloads.front().requests_per_day *= 20;  // several replicas
    }
    INFO("variant " << variant);
    SearchSettings full;
    full.top = 0;
    full.prune = false;
    const SearchResult all = search_option(p, sheet, open, &perf, full);
    REQUIRE(all.ranked.size() >= 5);
    SearchSettings pruned;
    pruned.top = 5;
    const SearchResult r = search_option(p, sheet, open, &perf, pruned);
    REQUIRE(r.ranked.size() == 5);
    for (std::size_t i = 0; i < 5; ++i) {
      CHECK(r.ranked[i].instance == all.ranked[i].instance);
      CHECK(r.ranked[i].monthly_usd == all.ranked[i].monthly_usd);
    }
  }
}
