// How well measured runs repeat (lib/core/src/serving/repeatability.cpp): runs of one
// architecture, engine, GPU, precision, layout, lengths and concurrency with different figures,
// each predicted by another; worked by hand below.
#include <catch2/catch.hpp>
#include <tuple>

#include "catalogs.hpp"
#include "plan/core/serving/engine_fit.hpp"
#include "plan/core/serving/repeatability.hpp"

using namespace plan;
using namespace plan::perf;

namespace {
MeasuredRun run(const std::string& model, const std::string& version, double c, double ttft_ms, double tpot_ms) {
  MeasuredRun m;
  m.line = 2;
  m.engine = "vllm";
  m.version = version;
  m.model_path = model;
  m.system = "h100_sxm";
  m.mode = "agg";
  m.isl = 1024;
  m.osl = 1024;
  m.concurrency = c;
  m.ttft_ms = ttft_ms;
  m.tpot_ms = tpot_ms;
  return m;
}
}  // namespace

TEST_CASE("repeated measurements: the spread of runs filed twice with other figures", "[engine][repeat]") {
  const Catalog& cat = test::shipped_catalog();
  const std::string llama = "meta-llama/Llama-3.1-8B-Instruct";
  std::vector<MeasuredRun> runs = {
      run(llama, "0.18.0", 8, 100, 10),        // A
      run(llama, "0.18.0", 8, 150, 12.5),      // B: A's deployment and load, other figures
      run(llama, "0.18.0", 8, 100.05, 10.004), // A rounded in another file: the same measurement
      run(llama, "0.15.1", 8, 200, 10),        // D: another engine version
      run(llama, "0.18.0", 16, 300, 20),       // another load: alone
  };
  // DeepSeek-V3 and R1, one architecture under two names, on 8 H200 in FP8 with SGLang.
  for (const auto& [model, ttft, tpot] : {std::tuple{"deepseek-ai/DeepSeek-V3", 400.0, 20.0},
                                          std::tuple{"deepseek-ai/DeepSeek-R1", 500.0, 25.0}}) {
    MeasuredRun m = run(model, "0.5.9", 8, ttft, tpot);
    m.engine = "sglang";
    m.system = "h200_sxm";
    m.precision = "fp8";
    m.tp = 8;
    m.moe_tp = 8;
    m.moe_ep = 1;
    runs.push_back(m);
  }
  const auto prep = prepare_runs(cat, runs);
  for (std::size_t i : {0u, 4u, 5u, 6u}) REQUIRE(prep[i].excluded.empty());
  REQUIRE(prep[1].excluded_kind == "duplicate");
  const auto rep = repeatability(cat, runs, prep);
  // Same version: {A, B} and {V3, R1}. Each run predicted by the other: TTFT |100/150 - 1| =
  // 33.33%, 150/100 -> 50%, 400/500 -> 20%, 500/400 -> 25%: sorted 20, 25, 33.33, 50; median
  // (25 + 33.33) / 2 = 29.17, p90 at rank 0.9 x 3 = 2.7: 33.33 + 0.7 x 16.67 = 45.0. TPOT
  // 10/12.5 -> 20%, 12.5/10 -> 25%, 20/25 -> 20%, 25/20 -> 25%: median 22.5, p90 25.
  CHECK(rep.same_version.groups == 2);
  CHECK(rep.same_version.runs == 4);
  CHECK(rep.same_version.error.ttft_median == Approx(29.1667).epsilon(1e-4));
  CHECK(rep.same_version.error.ttft_p90 == Approx(45.0).epsilon(1e-4));
  CHECK(rep.same_version.error.tpot_median == Approx(22.5).epsilon(1e-4));
  CHECK(rep.same_version.error.tpot_p90 == Approx(25.0).epsilon(1e-4));
  // Any version: {A, B, D} and {V3, R1}. A, B, D's six ordered pairs: TTFT 100/150 33.33,
  // 100/200 50, 150/100 50, 150/200 25, 200/100 100, 200/150 33.33; TPOT 20, 0, 25, 25, 0, 20.
  // With V3 and R1's: TTFT 20, 25, 25, 33.33, 33.33, 50, 50, 100: median at rank 3.5 33.33, p90
  // at rank 6.3: 50 + 0.3 x 50 = 65; TPOT 0, 0, 20, 20, 20, 25, 25, 25: median 20, p90 25.
  CHECK(rep.any_version.groups == 2);
  CHECK(rep.any_version.runs == 5);
  CHECK(rep.any_version.error.ttft_median == Approx(33.3333).epsilon(1e-4));
  CHECK(rep.any_version.error.ttft_p90 == Approx(65.0).epsilon(1e-4));
  CHECK(rep.any_version.error.tpot_median == Approx(20.0).epsilon(1e-4));
  CHECK(rep.any_version.error.tpot_p90 == Approx(25.0).epsilon(1e-4));
}

TEST_CASE("repeated measurements: none where every run is measured once", "[engine][repeat]") {
  const Catalog& cat = test::shipped_catalog();
  const std::vector<MeasuredRun> runs = {run("meta-llama/Llama-3.1-8B-Instruct", "0.18.0", 8, 100, 10),
                                         run("meta-llama/Llama-3.1-8B-Instruct", "0.18.0", 16, 150, 12)};
  const auto rep = repeatability(cat, runs, prepare_runs(cat, runs));
  CHECK(rep.same_version.groups == 0);
  CHECK(rep.any_version.groups == 0);
  CHECK(rep.any_version.error.rows == 0);
}
