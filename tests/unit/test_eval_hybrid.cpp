// Hybrid options (lib/core/src/options/eval_hybrid.cpp): the private fleet is costed as its
// self-hosted option is, and overflow as its pay-per-token option is. Expected values by hand.
#include <catch2/catch.hpp>

#include "catalogs.hpp"
#include "plan/core/options/compare.hpp"
#include "plan/core/serving/perf.hpp"
#include "plan/core/options/recommend.hpp"
#include "fixtures.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;
using plan::test::find;

namespace {
Profile profile(const std::string& yaml) { return io::parse_profile("test.yaml", yaml); }
}  // namespace

// 10 requests/s all day (864,000 a day) of 500 + 500 tokens; a replica serves 1,000 tokens/s
// = 1 request/s on one GPU, so 8 replicas to an 8-GPU instance; spot $8.00/h with 10% extra
// instance-hours for interruptions. The private option alone: 10 replicas, 2 instances:
//   2 x 730 x 8.00 x 1.10 = $12,848.00.
// The overflow costs $15 per 1M tokens = $0.015 a request, so the hybrid keeps all traffic
// private: 8 replicas (1 instance, $6,424.00) leave 2 requests/s = 172,800 a day to the API:
//   172,800 x 30.416667 x 0.015 = $78,840.00, far more than the second instance.
// The hybrid therefore is the private option: $12,848.00, spot overhead included.
TEST_CASE("hybrid whose fleet takes all traffic costs what its private option costs (spot)", "[hybrid]") {
  Profile p = profile(R"(name: spot
workloads:
  - {id: chat, requests_per_day: 864000, input_tokens: 500, output_tokens: 500}
options:
  - {id: api, kind: api, model: flat-15}
  - {id: gpu, kind: self_hosted, instance: gpu-8x, term: spot, gpus_per_replica: 1, model: m,
     tokens_per_second_per_replica: 1000}
  - {id: mix, kind: hybrid, private: gpu, overflow: api}
)");
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  const auto& gpu = find(c, "gpu");
  const auto& mix = find(c, "mix");
  REQUIRE(fleet_detail(gpu));
  CHECK(fleet_detail(gpu)->replicas == 10);
  CHECK(fleet_detail(gpu)->instances == 2);
  CHECK(gpu.monthly_cost_usd == Approx(12848.00));
  REQUIRE(hybrid_detail(mix));
  CHECK(hybrid_detail(mix)->replicas == 10);
  CHECK(mix.breakdown.api_tokens == 0.0);
  CHECK(mix.monthly_cost_usd == Approx(12848.00));
  CHECK(mix.breakdown.gpu_compute == gpu.breakdown.gpu_compute);
}

// 1 request/s all day (86,400 a day) of 1,000 tokens. The API (flat-1, $0.001 a request)
// alone: 86,400 x 30.416667 x 0.001 = $2,628.00. The private option asks for 8 replicas at
// least (min_replicas), one GPU each at $2.50/h: 8 x 730 x 2.50 = $14,600.00. The hybrid
// keeps those 8: they take all traffic, $14,600.00, not the 0 replicas it used to choose.
TEST_CASE("hybrid keeps its private option's min_replicas", "[hybrid]") {
  Profile p = profile(R"(name: min
workloads:
  - {id: chat, requests_per_day: 86400, input_tokens: 500, output_tokens: 500}
options:
  - {id: api, kind: api, model: flat-1}
  - {id: gpu, kind: self_hosted, instance: gpu-2.50, model: m, tokens_per_second_per_replica: 1000,
     min_replicas: 8}
  - {id: mix, kind: hybrid, private: gpu, overflow: api}
)");
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  CHECK(find(c, "api").monthly_cost_usd == Approx(2628.00));
  CHECK(find(c, "gpu").monthly_cost_usd == Approx(14600.00));
  const auto& mix = find(c, "mix");
  REQUIRE(hybrid_detail(mix));
  CHECK(hybrid_detail(mix)->replicas == 8);
  CHECK(hybrid_detail(mix)->min_replicas == 8);
  CHECK(mix.monthly_cost_usd == Approx(14600.00));
  SECTION("a fixed fleet below min_replicas is raised to it") {
    std::get<HybridOption>(p.options[2].spec).replicas = 2;
    OptionResult r = evaluate_option(p, test::basic_sheet(), p.options[2], nullptr);
    REQUIRE(hybrid_detail(r));
    CHECK(hybrid_detail(r)->replicas == 8);
    CHECK(r.monthly_cost_usd == Approx(14600.00));
  }
}

// 1,000 requests/s all day of 500 + 500 tokens. gpt-4o-mini's tier-5 limit is 30,000
// requests/min = 500 requests/s (and 150M tokens/min): alone it is infeasible at 60,000/min.
// A request costs 500 x 0.15/1M + 500 x 0.60/1M = $0.000375 on it, and a replica (1 request/s,
// $1,825.00 a month) serves 2,628,000 requests a month = $985.50 of API: the API is cheaper
// per request, so the hybrid overflows as much as the limit allows: 500 requests/s private.
//   fleet    500 x 730 x 2.50 = $912,500.00
//   overflow 500 x 86,400 x 30.416667 x 0.000375 = $492,750.00
//   total    $1,405,250.00, overflow at 30,000 requests/min exactly.
TEST_CASE("hybrid overflow is held to the overflow option's rate limits", "[hybrid]") {
  Profile p = profile(R"(name: limits
workloads:
  - {id: chat, requests_per_day: 86400000, input_tokens: 500, output_tokens: 500}
options:
  - {id: mini, kind: api, model: gpt-4o-mini}
  - {id: gpu, kind: self_hosted, instance: gpu-2.50, model: m, tokens_per_second_per_replica: 1000}
  - {id: mix, kind: hybrid, private: gpu, overflow: mini}
)");
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  const auto& mini = find(c, "mini");
  CHECK_FALSE(mini.feasible);
  REQUIRE(rate_check(mini));
  CHECK(rate_check(mini)->peak_requests_per_min == Approx(60000.0));
  const auto& mix = find(c, "mix");
  REQUIRE(hybrid_detail(mix));
  CHECK(mix.feasible);
  CHECK(hybrid_detail(mix)->replicas == 500);
  CHECK(mix.breakdown.gpu_compute == Approx(912500.00));
  CHECK(mix.breakdown.api_tokens == Approx(492750.00));
  CHECK(mix.monthly_cost_usd == Approx(1405250.00));
  REQUIRE(rate_check(mix));
  CHECK(rate_check(mix)->peak_requests_per_min == Approx(30000.0));
  SECTION("a fleet too small for the limit is infeasible and names the limit") {
    std::get<HybridOption>(p.options[2].spec).replicas = 400;  // overflow 600/s = 36,000/min
    OptionResult r = evaluate_option(p, test::basic_sheet(), p.options[2], nullptr);
    CHECK_FALSE(r.feasible);
    REQUIRE_FALSE(r.reasons.empty());
    CHECK_THAT(r.reasons[0], Catch::Contains("36000/min exceeds the tier-5 limit of 30000/min"));
  }
}

// A workload of 190,000 input tokens per request does not fit gpt-4o-mini's 128,000-token
// input limit, so it never overflows: it is kept private, with the rule.
TEST_CASE("hybrid keeps private what the overflow's context cannot take", "[hybrid]") {
  Profile p = profile(R"(name: context
workloads:
  - {id: chat, requests_per_day: 86400, input_tokens: 500, output_tokens: 500}
  - {id: long, requests_per_day: 864, input_tokens: 190000, output_tokens: 10000}
options:
  - {id: mini, kind: api, model: gpt-4o-mini}
  - {id: gpu, kind: self_hosted, instance: gpu-2.50, model: m, tokens_per_second_per_replica: 100000}
  - {id: mix, kind: hybrid, private: gpu, overflow: mini}
)");
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  CHECK_FALSE(find(c, "mini").feasible);
  const auto& mix = find(c, "mix");
  REQUIRE(hybrid_detail(mix));
  REQUIRE(hybrid_detail(mix)->restricted_workloads.size() == 1);
  CHECK_THAT(hybrid_detail(mix)->restricted_workloads[0], Catch::Contains("workload 'long' sends 190000 input tokens") &&
                                                          Catch::Contains("gpt-4o-mini accepts at most 128000"));
  REQUIRE(hybrid_detail(mix)->workload_private_share.size() == 2);
  CHECK(hybrid_detail(mix)->workload_private_share[1].second == Approx(1.0));
}

// Without a TTFT target the private fleet is still held to a stable queue. 90B tokens a day
// of 1,000-token requests, 80% of them in 4 hours: 72B / 4 h = 5M tokens/s = 5,000
// requests/s at peak (300,000/min); gpt-4o-mini's tier-5 limit takes 500/s, so the fleet
// must take at least 4,500/s at peak. The latency the hybrid reports at peak is that of a
// stable queue: its p95 wait at most a request's own service time (ServingModel).
TEST_CASE("hybrid at a peak far above the overflow limit reports a stable queue", "[hybrid]") {
  std::string hourly;
  for (int h = 0; h < 24; ++h) hourly += (h ? ", " : "") + std::string(h >= 10 && h < 14 ? "20" : "1");
  // 4 hours at 20 and 20 at 1: 80 / 100 of the day in the 4 hours.
  Profile p = profile(R"(name: peak
workloads:
  - {id: chat, tokens_per_day: 90000000000, input_share: 0.8, tokens_per_request: 1000, hourly: [)" + hourly + R"(]}
options:
  - {id: mini, kind: api, model: gpt-4o-mini}
  - {id: gpu, kind: self_hosted, instance: gpu-8x, model: llama-3.1-8b, gpus_per_replica: 1}
  - {id: mix, kind: hybrid, private: gpu, overflow: mini}
)");
  perf::CatalogReplicaModelProvider perf(test::shipped_catalog());
  CompareResult c = compare(p, test::basic_sheet(), &perf);
  const auto& mini = find(c, "mini");
  CHECK_FALSE(mini.feasible);
  REQUIRE(rate_check(mini));
  CHECK(rate_check(mini)->peak_requests_per_min == Approx(300000.0));
  const auto& mix = find(c, "mix");
  REQUIRE(hybrid_detail(mix));
  CHECK(mix.feasible);
  REQUIRE(rate_check(mix));
  CHECK(rate_check(mix)->peak_requests_per_min <= 30000.0 * (1 + 1e-9));
  CHECK(hybrid_detail(mix)->private_capacity_requests_per_s >= 4500.0 * (1 - 1e-6));
  REQUIRE(fleet_detail(mix));
  REQUIRE(fleet_detail(mix)->latency_at_peak);
  // Far from the 34 hours an unstable queue reports: under a minute.
  CHECK(fleet_detail(mix)->latency_at_peak->ttft_p95_ms < 60e3);
}

// Workloads that list the models they accept hold the overflow to them.
TEST_CASE("hybrid overflow to a model a workload does not accept stays private", "[hybrid]") {
  Profile p = profile(R"(name: models
workloads:
  - {id: chat, requests_per_day: 86400, input_tokens: 500, output_tokens: 500, models: [llama-3.1-8b]}
options:
  - {id: api, kind: api, model: flat-1}
  - {id: gpu, kind: self_hosted, instance: gpu-2.50, model: llama-3.1-8b, tokens_per_second_per_replica: 1000}
  - {id: mix, kind: hybrid, private: gpu, overflow: api}
)");
  CompareResult c = compare(p, test::basic_sheet(), nullptr);
  const auto& api = find(c, "api");
  CHECK_FALSE(api.feasible);
  REQUIRE_FALSE(api.reasons.empty());
  CHECK_THAT(api.reasons[0], Catch::Contains("accepts models llama-3.1-8b; flat-1 serves flat-1"));
  CHECK(find(c, "gpu").feasible);
  const auto& mix = find(c, "mix");
  REQUIRE(hybrid_detail(mix));
  CHECK(mix.breakdown.api_tokens == 0.0);
  CHECK(hybrid_detail(mix)->private_token_share == Approx(1.0));
  CHECK(c.notes.empty());  // every workload lists its models: nothing to warn about
}
