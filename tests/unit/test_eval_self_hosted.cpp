// Self-hosted options (lib/core/src/options/eval_self_hosted.cpp) and what compare says about the
// models options serve.
#include <catch2/catch.hpp>

#include "catalogs.hpp"
#include "plan/core/options/compare.hpp"
#include "plan/core/finance/finance.hpp"
#include "plan/core/serving/perf.hpp"
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
  REQUIRE(fleet_detail(r));
  const double tokens_per_s = fleet_detail(r)->replica_tokens_per_s;
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
  REQUIRE(fleet_detail(r)->latency_at_peak);
  CHECK(fleet_detail(r)->latency_at_peak->tpot_ms <= 40.0 * (1 + 1e-9));
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

namespace {
// A replica of fixed capacity whose figure has a known gap to measurements (as the catalog
// model gives a mixture of experts).
class DoubtedReplica : public ReplicaModel {
 public:
  explicit DoubtedReplica(double rps, double doubt) {
    spec_.capacity_requests_per_s = rps;
    spec_.provenance = ThroughputProvenance::spec;
    spec_.provenance_source = "test";
    spec_.capacity_doubt = doubt;
    spec_.capacity_doubt_why = "a test gap";
  }
  const ReplicaSpec& spec() const override { return spec_; }

 private:
  ReplicaSpec spec_;
};
class DoubtedProvider : public ReplicaModelProvider {
 public:
  explicit DoubtedProvider(double doubt) : doubt_(doubt) {}
  std::unique_ptr<ReplicaModel> make(const Option&, const GpuInstance&, const WorkloadMix&) const override {
    return std::make_unique<DoubtedReplica>(10.0, doubt_);
  }

 private:
  double doubt_;
};

std::string note_with(const OptionResult& r, const std::string& text) {
  for (const auto& n : r.notes)
    if (n.find(text) != std::string::npos) return n;
  return "";
}
}  // namespace

// 1,728,000 requests/day, flat, is 20 requests/s: 2 replicas of 10 requests/s. At 2.5x less
// capacity per replica (4 requests/s) it is 20 / 4 = 5 replicas. On gpu-2.50 (one GPU at
// 2.50 USD/h, 730 h a month, no ops costs): 2 x 2.50 x 730 = 3,650.00 and 5 x 2.50 x 730 =
// 9,125.00 USD a month. The plan itself stays at 2 replicas.
TEST_CASE("a capacity with a known gap to measurements says what the far end of the gap needs", "[self_hosted]") {
  const PriceSheet sheet = io::load_price_sheet(PLAN_TEST_DATA "/sheet-basic.yaml");
  Profile p = io::parse_profile("test.yaml", R"(name: doubt
workloads:
  - {id: chat, requests_per_day: 1728000, input_tokens: 100, output_tokens: 100}
options:
  - {id: moe, kind: self_hosted, instance: gpu-2.50, model: some-moe}
)");
  DoubtedProvider doubted(2.5);
  OptionResult r = evaluate_option(p, sheet, p.options[0], &doubted);
  REQUIRE(r.feasible);
  REQUIRE(fleet_detail(r));
  CHECK(fleet_detail(r)->replicas == 2);
  CHECK(r.monthly_cost_usd == Approx(3650.00));
  CHECK(note_with(r, "capacity from the catalog alone") ==
        "capacity from the catalog alone: a test gap. With 2.50x less capacity per replica this plan needs 5 replicas "
        "(9125.00 USD a month) instead of 2 (3650.00); a serving result measured on this deployment (plan calibrate "
        "import) settles it");

  // Evaluations at many volumes (sweeps, projections) show no findings and skip the extra sizing.
  OptionEvaluator many(p, sheet, p.options[0], &doubted);
  CHECK(note_with(many(1.0), "capacity from the catalog alone").empty());
  CHECK(many(1.0).monthly_cost_usd == Approx(3650.00));

  // No gap, no note.
  DoubtedProvider none(1.0);
  OptionResult n = evaluate_option(p, sheet, p.options[0], &none);
  CHECK(note_with(n, "capacity from the catalog alone").empty());

  // A gap the fleet absorbs: 1,296,000 requests/day is 15 requests/s, 2 replicas; at 1.25x
  // less (8 requests/s per replica) 15 / 8 = 1.9, still 2.
  Profile slack = io::parse_profile("test.yaml", R"(name: slack
workloads:
  - {id: chat, requests_per_day: 1296000, input_tokens: 100, output_tokens: 100}
options:
  - {id: moe, kind: self_hosted, instance: gpu-2.50, model: some-moe}
)");
  DoubtedProvider small(1.25);
  OptionResult sr = evaluate_option(slack, sheet, slack.options[0], &small);
  REQUIRE(fleet_detail(sr));
  CHECK(fleet_detail(sr)->replicas == 2);
  CHECK(note_with(sr, "capacity from the catalog alone") ==
        "capacity from the catalog alone: a test gap. With 1.25x less capacity per replica this plan still needs 2 "
        "replicas");
}

// The same gap in a hybrid's private fleet. 20 requests/s of 100 + 100 tokens is
// 1,728,000 x 200 x 730 / 24 = 10,512,000,000 tokens a month, 10,512.00 USD on flat-1 (1 USD
// per 1M in and out). Two private replicas (10 requests/s each, 2 x 2.50 x 730 = 3,650.00)
// serve it all, against one replica and half the tokens overflowed (1,825.00 + 5,256.00) or
// the API alone. At 2.5x less capacity the two serve 20 / 2.5 = 8 requests/s, 40% of the
// tokens, and the other 60% overflow: 0.6 x 10,512.00 = 6,307.20 USD a month.
TEST_CASE("a hybrid's private capacity with a known gap says what the overflow would cost", "[self_hosted][hybrid]") {
  const PriceSheet sheet = io::load_price_sheet(PLAN_TEST_DATA "/sheet-basic.yaml");
  Profile p = io::parse_profile("test.yaml", R"(name: doubt
workloads:
  - {id: chat, requests_per_day: 1728000, input_tokens: 100, output_tokens: 100}
options:
  - {id: api, kind: api, model: flat-1}
  - {id: moe, kind: self_hosted, instance: gpu-2.50, model: some-moe}
  - {id: mix, kind: hybrid, private: moe, overflow: api}
)");
  DoubtedProvider doubted(2.5);
  CompareResult c = compare(p, sheet, &doubted);
  const OptionResult* mix = nullptr;
  for (const auto& o : c.options)
    if (o.id == "mix") mix = &o;
  REQUIRE(mix);
  REQUIRE(hybrid_detail(*mix));
  CHECK(hybrid_detail(*mix)->replicas == 2);
  CHECK(mix->monthly_cost_usd == Approx(3650.00));
  CHECK(note_with(*mix, "private capacity from the catalog alone") ==
        "private capacity from the catalog alone: a test gap. With 2.50x less capacity per replica these 2 private "
        "replicas would serve 40.0% of tokens and the overflow would cost 6307.20 USD/month (0.00 now); a serving "
        "result measured on this deployment (plan calibrate import) settles it");
}
