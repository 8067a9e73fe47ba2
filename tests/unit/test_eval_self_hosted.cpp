// Self-hosted options (lib/core/src/eval_self_hosted.cpp) and what compare says about the
// models options serve.
#include <catch2/catch.hpp>

#include "catalogs.hpp"
#include "plan/core/compare.hpp"
#include "plan/core/finance.hpp"
#include "plan/core/perf.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;

namespace {
PriceSheet sheet_with_l40s() {
  PriceSheet s = io::load_price_sheet(PLAN_TEST_DATA "/sheet-basic.yaml");
  GpuInstance i;
  i.id = "l40s-1";
  i.provider = "test";
  i.instance = "one-l40s";
  i.gpu = "l40s";
  i.gpu_count = 1;
  i.on_demand_per_hour = 1.80;
  s.gpu_instances.push_back(i);
  return s;
}
}  // namespace

// Llama 3.1 8B on one L40S with a 40 ms TPOT target. The capacity compare credits a replica
// with (and utilisation, the cost floor and the report's capacity line use) is one at which
// TPOT, as `vllm bench serve` measures it (prefill stalls included), meets the target: one
// replica fed at that capacity reports TPOT <= 40 ms. The floor is the instance price over
// what it serves at that capacity: 1.80 / (T x 3,600) x 1e6 USD per 1M tokens.
TEST_CASE("self-hosted capacity is the one at which TPOT meets its target", "[self_hosted]") {
  const PriceSheet sheet = sheet_with_l40s();
  Profile p = io::parse_profile("test.yaml", R"(name: tpot
workloads:
  - {id: chat, requests_per_day: 2000000, input_tokens: 1000, output_tokens: 200, tpot_ms: 40}
options:
  - {id: l40s, kind: self_hosted, instance: l40s-1, model: llama-3.1-8b}
)");
  perf::CatalogReplicaModelProvider perf(test::shipped_catalog());
  OptionResult r = evaluate_option(p, sheet, p.options[0], &perf);
  REQUIRE(r.feasible);
  REQUIRE(r.self_hosted);
  const double tokens_per_s = r.self_hosted->replica_tokens_per_s;
  REQUIRE(tokens_per_s > 0);
  auto model = build_replica_model(p, sheet, p.options[0], &perf);
  REQUIRE(model);
  auto at_capacity = model->latency(tokens_per_s / 1200.0 * (1 - 1e-9), 1);  // just below: a queue at capacity never drains
  REQUIRE(at_capacity);
  CHECK(at_capacity->tpot_ms <= 40.0 * (1 + 1e-9));
  OptionEvaluator e(p, sheet, p.options[0], &perf);
  auto floor = floor_cost_per_mtok(e, p.tokens_per_day());
  REQUIRE(floor);
  CHECK(*floor == Approx(1.80 / (tokens_per_s * 3600.0) * 1e6));
  // The fleet's TPOT at its peak meets the target too.
  REQUIRE(r.self_hosted->latency_at_peak);
  CHECK(r.self_hosted->latency_at_peak->tpot_ms <= 40.0 * (1 + 1e-9));
}

TEST_CASE("compare says when options serve different models, and models: holds them", "[self_hosted]") {
  const PriceSheet sheet = sheet_with_l40s();
  const std::string options = R"(
options:
  - {id: llama, kind: self_hosted, instance: gpu-2.50, model: llama-3.1-8b, tokens_per_second_per_replica: 5000}
  - {id: mini, kind: api, model: gpt-4o-mini}
)";
  Profile any = io::parse_profile("test.yaml", R"(name: any
workloads:
  - {id: chat, requests_per_day: 1000, input_tokens: 500, output_tokens: 500})" + options);
  CompareResult c = compare(any, sheet, nullptr);
  REQUIRE(c.notes.size() == 1);
  CHECK_THAT(c.notes[0], Catch::Contains("serve 2 different models (llama-3.1-8b, gpt-4o-mini)"));
  CHECK(c.options[0].model == "llama-3.1-8b");
  CHECK(c.options[1].model == "gpt-4o-mini");

  Profile held = io::parse_profile("test.yaml", R"(name: held
workloads:
  - {id: chat, requests_per_day: 1000, input_tokens: 500, output_tokens: 500, models: [gpt-4o-mini]})" + options);
  CompareResult h = compare(held, sheet, nullptr);
  CHECK(h.notes.empty());
  CHECK_FALSE(h.options[0].feasible);
  REQUIRE_FALSE(h.options[0].reasons.empty());
  CHECK_THAT(h.options[0].reasons[0], Catch::Contains("accepts models gpt-4o-mini; llama serves llama-3.1-8b"));
  CHECK(h.options[1].feasible);
  CHECK(h.cheapest == std::optional<std::string>("mini"));
}
