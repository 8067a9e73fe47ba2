// Hybrid plans (lib/core/src/options/hybrid.cpp) and recommendations (recommend.cpp), by hand.
#include <catch2/catch.hpp>

#include <algorithm>

#include "plan/core/options/compare.hpp"
#include "plan/core/options/recommend.hpp"
#include "fixtures.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;
using plan::test::find;

// The profile: 1 req/s in hours 0-11, 3 req/s in hours 12-23, 1,000 tokens per request.
// API flat-1: $1 per 1M tokens = $0.001 per request. A replica serves 1,000 tokens/s =
// 1 req/s and costs $2.50 x 730 = $1,825 a month (no ops costs in this profile).
//   K = 0: all 172,800 req/day on the API: 172,800 x 30.41667 x 0.001 = $5,256.00 (the
//          api option; the hybrid keeps the private option's min_replicas, 1 by default)
//   K = 1: overflow 2 req/s for 12 h = 86,400 req/day = $2,628; + $1,825 = $4,453.00
//   K = 2: overflow 1 req/s for 12 h = 43,200 req/day = $1,314; + $3,650 = $4,964.00
//   K = 3: no overflow; 3 x $1,825 = $5,475.00
// The first replica saves $2,628 for $1,825; the second saves only $1,314: K = 1.
TEST_CASE("hybrid: optimal fleet size on a business-hours shape", "[hybrid]") {
  Profile p = io::load_profile(PLAN_TEST_DATA "/profile-hybrid.yaml");
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  const auto& api = find(c, "api");
  const auto& gpu = find(c, "gpu");
  const auto& mix = find(c, "mix");
  CHECK(api.monthly_cost_usd == Approx(5256.00));
  CHECK(gpu.monthly_cost_usd == Approx(5475.00));
  REQUIRE(hybrid_detail(mix));
  CHECK(hybrid_detail(mix)->replicas == 1);
  CHECK(mix.monthly_cost_usd == Approx(4453.00));
  CHECK(mix.breakdown.gpu_compute == Approx(1825.00));
  CHECK(mix.breakdown.api_tokens == Approx(2628.00));
  // The private option keeps its min_replicas (1 by default): K runs from 1 to 3.
  REQUIRE(hybrid_detail(mix)->curve.size() == 3);
  CHECK(hybrid_detail(mix)->curve[0].monthly_cost_usd == Approx(4453.00));
  CHECK(hybrid_detail(mix)->curve[1].monthly_cost_usd == Approx(4964.00));
  CHECK(hybrid_detail(mix)->curve[2].monthly_cost_usd == Approx(5475.00));
  // Private share: 86,400 of 172,800 requests = 50%; utilisation 100% (1 req/s all day).
  CHECK(hybrid_detail(mix)->private_token_share == Approx(0.5));
  CHECK(hybrid_detail(mix)->private_utilization == Approx(1.0));
  CHECK(c.cheapest == std::optional<std::string>("mix"));

  Recommendation r = recommend(p, test::basic_sheet(), nullptr);
  REQUIRE(r.best);
  CHECK(r.plans[*r.best].id == "mix");
  REQUIRE(r.pure_private_usd);
  REQUIRE(r.pure_overflow_usd);
  CHECK(*r.pure_overflow_usd - r.plans[*r.best].monthly_cost_usd == Approx(803.00));
  CHECK(*r.pure_private_usd - r.plans[*r.best].monthly_cost_usd == Approx(1022.00));
}

TEST_CASE("hybrid: restricted data never overflows", "[hybrid]") {
  Profile p = io::load_profile(PLAN_TEST_DATA "/profile-hybrid.yaml");
  // Make the whole workload PHI: the API may not receive it (sheet allows public, internal).
  p.workloads[0].data_class = "phi";
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  const auto& api = find(c, "api");
  CHECK_FALSE(api.feasible);
  REQUIRE(api.reasons.size() == 1);
  CHECK_THAT(api.reasons[0], Catch::Contains("data class 'phi'") && Catch::Contains("flat-1 may not receive"));
  const auto& mix = find(c, "mix");
  REQUIRE(hybrid_detail(mix));
  // All traffic must stay private: 3 replicas for the 3 req/s peak, nothing to the API.
  CHECK(hybrid_detail(mix)->replicas == 3);
  CHECK(mix.breakdown.api_tokens == 0);
  CHECK(hybrid_detail(mix)->private_token_share == Approx(1.0));
}

// Classes compare without regard to case: a policy written INTERNAL holds for workloads of
// class internal (as a policy written PHI must hold for phi).
TEST_CASE("hybrid: a policy class holds whatever its case", "[hybrid][data_class]") {
  Profile p = io::load_profile(PLAN_TEST_DATA "/profile-hybrid.yaml");
  p.workloads[0].data_class = "internal";
  p.policy.self_hosted_only = {"INTERNAL"};
  p.policy.loc = {"policy.yaml", 3, 1};
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  const auto& api = find(c, "api");
  CHECK_FALSE(api.feasible);
  REQUIRE_FALSE(api.reasons.empty());
  CHECK_THAT(api.reasons[0], Catch::Contains("policy.self_hosted_only at policy.yaml:3"));
  // The sheet's data_classes compare the same way: flat-1 accepts public and internal.
  p.policy.self_hosted_only.clear();
  p.workloads[0].data_class = "Internal";
  CHECK(find(compare(p, test::basic_sheet(), nullptr), "api").feasible);
  CHECK(same_data_class("PHI", "phi"));
  CHECK_FALSE(same_data_class("phi", "phi2"));
}

TEST_CASE("hybrid: policy keeps a class private", "[hybrid]") {
  Profile p = io::load_profile(PLAN_TEST_DATA "/profile-hybrid.yaml");
  p.workloads[0].data_class = "internal";
  p.policy.self_hosted_only = {"internal"};
  p.policy.loc = {"policy.yaml", 3, 1};
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  const auto& api = find(c, "api");
  CHECK_FALSE(api.feasible);
  CHECK_THAT(api.reasons[0], Catch::Contains("policy.self_hosted_only at policy.yaml:3"));
}

// Batch routing: interactive traffic 1 req/s in hours 0-11 only (43,200 req/day); one
// replica (1 req/s) is idle in hours 12-23: 12 x 3,600 = 43,200 requests of room.
// A batch workload of 60,000 req/day fills it: 43,200 private, 16,800 to the API at
// $0.001 each: 16,800 x 30.41667 x 0.001 = $511.00.
TEST_CASE("hybrid: batch requests fill idle private capacity first", "[hybrid]") {
  Profile p = io::load_profile(PLAN_TEST_DATA "/profile-hybrid.yaml");
  p.workloads[0].requests_per_day = 43200;
  std::array<double, 24> day{};
  for (int h = 0; h < 12; ++h) day[h] = 1;
  p.workloads[0].traffic = TrafficShape::from_hourly(day);
  Workload batch = p.workloads[0];
  batch.id = "batch";
  batch.requests_per_day = 60000;
  batch.batchable_share = 1.0;
  batch.traffic = TrafficShape::flat();
  p.workloads.push_back(batch);
  std::get<HybridOption>(p.options[2].spec).replicas = 1;
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  const auto& mix = find(c, "mix");
  REQUIRE(hybrid_detail(mix));
  CHECK(mix.breakdown.api_tokens == Approx(511.00));
  CHECK(hybrid_detail(mix)->batch_private_share == Approx(43200.0 / 60000.0));
  SECTION("without filling idle capacity, all batch goes to the API") {
    // 60,000 x 30.41667 x 0.001 = $1,825.00
    std::get<HybridOption>(p.options[2].spec).batch_fills_idle = false;
    CompareResult c2 = compare(p, test::basic_sheet(), nullptr);
    CHECK(find(c2, "mix").breakdown.api_tokens == Approx(1825.00));
  }
}

// Split plan: two PHI workloads can only go to the GPU option; a small public one is
// cheapest on the API. Flat traffic, 1,000 tokens per request, ops $1,000 a month
// (0.1 FTE x $120,000 / 12) per self-hosted option.
//   phi-a 43,200 req/day = 0.5 req/s, phi-b 21,600 req/day = 0.25 req/s: together
//   0.75 req/s, one replica of 1 req/s: $2.50 x 730 = $1,825 + $1,000 ops = $2,825.00
//   (costed per workload it would be two replicas and ops twice: $5,650.00).
//   pub 8,640 req/day x 730/24 days = 262,800 requests = 262.8M tokens at $1/1M: $262.80
//   (the GPU option would cost $2,825.00 for it alone).
// Split: $2,825.00 + $262.80 = $3,087.80.
TEST_CASE("recommend: a split plan costs a shared option once, for the combined traffic", "[hybrid]") {
  Profile p = io::load_profile(PLAN_TEST_DATA "/profile-hybrid.yaml");
  p.ops.fte_share = 0.1;
  p.ops.loaded_cost_per_fte_year = 120000;
  Workload a = p.workloads[0];
  a.traffic = TrafficShape::flat();
  a.id = "phi-a";
  a.data_class = "phi";
  a.requests_per_day = 43200;
  Workload b = a;
  b.id = "phi-b";
  b.requests_per_day = 21600;
  Workload pub = a;
  pub.id = "pub";
  pub.data_class = "public";
  pub.requests_per_day = 8640;
  p.workloads = {a, b, pub};
  Recommendation r = recommend(p, test::basic_sheet(), nullptr);
  auto it = std::find_if(r.plans.begin(), r.plans.end(), [](const Plan& x) { return x.id == "split"; });
  REQUIRE(it != r.plans.end());
  CHECK(it->feasible);
  CHECK(it->monthly_cost_usd == Approx(3087.80));
  REQUIRE(it->assignments.size() == 3);
  CHECK(it->assignments[0].option == "gpu");
  CHECK(it->assignments[1].option == "gpu");
  CHECK(it->assignments[2].option == "api");
  // All on the GPU option: 0.85 req/s on one replica, $2,825.00, cheaper than the split.
  REQUIRE(r.best);
  CHECK(r.plans[*r.best].monthly_cost_usd == Approx(2825.00));
}

// The fleet search (coarse pass, pattern search, and whole instances only) must find the
// cheapest fleet that evaluating every size finds. Scaled 100x, the profile needs up to 300
// replicas of 1 req/s: 301 sizes, beyond the exhaustive limit of 200. On 8-GPU instances
// (one GPU per replica) and scaled 600x, up to 1,800 replicas: 225 whole instances, also
// beyond it; scaled 37x, 111 replicas, searched exhaustively over whole instances.
TEST_CASE("hybrid: the fleet search finds the cheapest size that trying every size finds", "[hybrid]") {
  struct Case {
    double scale;
    const char* instance;
  };
  for (const Case& k : {Case{100, "gpu-2.50"}, Case{600, "gpu-8x"}, Case{37, "gpu-8x"}}) {
    INFO(k.instance << " x" << k.scale);
    Profile p = io::load_profile(PLAN_TEST_DATA "/profile-hybrid.yaml");
    p.workloads[0].requests_per_day *= k.scale;
    std::get<SelfHostedOption>(p.options[1].spec).instance = k.instance;
    p.options[1].fleet()->gpus_per_replica = 1;
    CompareResult c = compare(p, test::basic_sheet(), nullptr);
    const auto& mix = find(c, "mix");
    REQUIRE(hybrid_detail(mix));
    const int k_hi = hybrid_detail(mix)->full_replicas;
    double cheapest = 1e300;
    int at = -1;
    for (int n = 0; n <= k_hi; ++n) {
      Option fixed = p.options[2];
      std::get<HybridOption>(fixed.spec).replicas = n;
      OptionResult r = evaluate_option(p, test::basic_sheet(), fixed, nullptr);
      if (r.feasible && r.monthly_cost_usd < cheapest - 1e-9) {
        cheapest = r.monthly_cost_usd;
        at = n;
      }
    }
    CHECK(mix.monthly_cost_usd == Approx(cheapest).epsilon(1e-12));
    CHECK(hybrid_detail(mix)->replicas == at);
  }
}

TEST_CASE("plan_kind: the option's kind, or split, from the plan's fields, not its id", "[recommend]") {
  Plan split;
  split.id = "anything";
  split.shape = PlanShape::split;
  CHECK(std::string(plan_kind(split)) == "split");
  Plan one;
  one.id = "split";  // an option may be called so: its kind still comes from its result
  one.result = OptionResult{};
  one.result->kind = OptionKind::api;
  CHECK(std::string(plan_kind(one)) == "api");
  one.result->kind = OptionKind::hybrid;
  CHECK(std::string(plan_kind(one)) == "hybrid");
}
