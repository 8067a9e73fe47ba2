// Sizing disaggregated units for a workload, on hand-worked cases.
#include <catch2/catch.hpp>

#include <cmath>

#include "plan/core/options/disagg_plan.hpp"

using namespace plan;

namespace {

// A unit whose loop at concurrency C has: prefill 0.1 s, a prefill wait of 2 ms per request in
// the loop, no KV transfer or decode wait, TTFT (mean) 0.1 + 0.002 C, TPOT 10 ms + 0.5 ms C.
std::optional<perf::DisaggLoad> linear_unit(int c) {
  perf::DisaggLoad l;
  l.concurrency = c;
  l.prefill_s = 0.1;
  l.prefill_wait_s = 0.002 * c;
  l.ttft_s = l.prefill_s + l.prefill_wait_s;
  l.tpot_s = 0.010 + 0.0005 * c;
  return l;
}

}  // namespace

TEST_CASE("disagg unit capacity: the largest concurrency meeting TPOT", "[disagg_plan]") {
  // TTFT p95 = 0.1 + ln 20 x 0.002 C (ln 20 = 2.995732) <= 0.5 s: C <= 0.4 / 0.005991465 = 66.76.
  // TPOT 0.010 + 0.0005 C <= 0.030 s: C <= 40. TPOT binds: C = 40.
  // At 40: TTFT mean 0.1 + 0.08 = 0.18 s, TPOT 0.030 s; O = 201 tokens: a request takes
  // 0.18 + 200 x 0.030 = 6.18 s; capacity 40 / 6.18 = 6.472492 requests/s.
  auto u = disagg_unit_capacity(linear_unit, 201, 0.5, 0.030);
  REQUIRE(u);
  CHECK(u->concurrency == 40);
  CHECK(u->tpot_s == Approx(0.030));
  CHECK(u->ttft_p95_s == Approx(0.1 + std::log(20.0) * 0.08));  // 0.339659
  CHECK(u->capacity_rps == Approx(6.472492).epsilon(1e-6));
}

TEST_CASE("disagg unit capacity: the largest concurrency meeting TTFT p95", "[disagg_plan]") {
  // Without a TPOT target: C <= 66.76, so 66 (at 66: 0.1 + 2.995732 x 0.132 = 0.49544 s; at 67:
  // 0.1 + 2.995732 x 0.134 = 0.50143 s, over). At 66: TTFT mean 0.232 s, TPOT 0.043 s; a request
  // takes 0.232 + 200 x 0.043 = 8.832 s; capacity 66 / 8.832 = 7.472826 requests/s.
  auto u = disagg_unit_capacity(linear_unit, 201, 0.5, std::nullopt);
  REQUIRE(u);
  CHECK(u->concurrency == 66);
  CHECK(u->capacity_rps == Approx(7.472826).epsilon(1e-6));
  // No target at all: the cap.
  auto capped = disagg_unit_capacity(linear_unit, 201, std::nullopt, std::nullopt, 100);
  REQUIRE(capped);
  CHECK(capped->concurrency == 100);
}

TEST_CASE("disagg unit capacity: none when one request misses a target", "[disagg_plan]") {
  // TPOT at C = 1 is 10.5 ms, over a 10 ms target.
  CHECK_FALSE(disagg_unit_capacity(linear_unit, 201, 0.5, 0.010));
}

TEST_CASE("disagg fleet: units, GPUs of both pools, monthly cost", "[disagg_plan]") {
  auto u = disagg_unit_capacity(linear_unit, 201, 0.5, 0.030);
  REQUIRE(u);
  perf::PoolSpec pre{1, 8, Parallel::tp, 1}, dec{2, 8, Parallel::dep, 1};
  // 20 requests/s at peak over 6.472492 per unit: 3.09 -> 4 units. A unit: 1 x 8 prefill GPUs
  // on ceil(8 / 8) = 1 instance + 2 x 8 decode GPUs on ceil(16 / 8) = 2: 3 instances of 8 GPUs.
  // 4 units: 12 instances, 96 GPUs. At 98.32 USD/h an instance (12.29 a GPU): 12 x 98.32 x 730
  // = 861,283.20 USD/month (= 96 GPUs x 12.29 x 730).
  DisaggPlan d = size_disagg_fleet(pre, dec, *u, 20.0, 8, 98.32);
  CHECK(d.shape == "1P:tp8+2D:dep8");
  CHECK(d.units == 4);
  CHECK(d.instances_per_unit == 3);
  CHECK(d.instances == 12);
  CHECK(d.gpus == 96);
  CHECK(d.monthly_usd == Approx(861283.20));
  // Workers of 4 GPUs share instances of their pool: 2P of 4 GPUs = 8 GPUs, ceil(8 / 8) = 1
  // instance; 3D of 4 = 12 GPUs, ceil(12 / 8) = 2 instances; 3 a unit. 1 request/s needs 1
  // unit: 3 instances, 24 GPUs, 3 x 98.32 x 730 = 215,320.80 USD/month.
  DisaggPlan e = size_disagg_fleet({2, 4, Parallel::tp, 1}, {3, 4, Parallel::ep, 1}, *u, 1.0, 8, 98.32);
  CHECK(e.shape == "2P:tp4+3D:ep4");
  CHECK(e.units == 1);
  CHECK(e.instances == 3);
  CHECK(e.gpus == 24);
  CHECK(e.monthly_usd == Approx(215320.80));
}

TEST_CASE("disagg unit: the engine's disaggregated term scales the decode step", "[disagg_plan]") {
  // A unit whose decode step is 10 ms at every batch (prefill 1 s, 2 decode workers, 100 steps,
  // 64 slots). Without a term its TPOT is 10 ms at every concurrency, under a 12 ms target, so
  // the cap (8) is its concurrency. With a term of decode step x 1.28 for trtllm the step is
  // 1.28 x 10 = 12.8 ms, over 12 ms already at C = 1: no capacity.
  perf::DisaggTiming t;
  t.prefill_s = 1;
  t.prefill_work_s = 1;
  t.prefill_workers = 1;
  t.decode_step_s = [](double) { return 0.010; };
  t.decode_workers = 2;
  t.decode_steps = 100;
  t.decode_slots = 64;
  perf::DisaggTerms term;
  term.engine = "trtllm";
  term.decode_scale = 1.28;
  term.rows = 90;
  term.cv_tpot_median = 12.8;
  std::string why = "unchanged";
  const auto none = with_disagg_term(t, nullptr, &why);
  CHECK(none.decode_step_s(1) == Approx(0.010));
  CHECK(why == "unchanged");
  const auto scaled = with_disagg_term(t, &term, &why);
  CHECK(scaled.decode_step_s(1) == Approx(0.0128));
  CHECK(scaled.decode_step_s(40) == Approx(0.0128));
  CHECK(why == "decode step x 1.28, fitted to 90 disaggregated runs, CV median error 12.8% (TPOT)");
  auto solve = [](const perf::DisaggTiming& x) {
    return [x](int c) { return perf::solve_disagg_loop(x, c); };
  };
  const auto plain = disagg_unit_capacity(solve(none), 101, std::nullopt, 0.012, 8);
  REQUIRE(plain);
  CHECK(plain->concurrency == 8);
  CHECK(plain->tpot_s == Approx(0.010));
  CHECK_FALSE(disagg_unit_capacity(solve(scaled), 101, std::nullopt, 0.012, 8));
}
