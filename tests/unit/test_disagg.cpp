// Disaggregated prefill/decode serving, on hand-worked cases.
#include <algorithm>
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "catalogs.hpp"

#include "plan/core/serving/disagg.hpp"
#include "plan/io/measured_disagg_io.hpp"
#include "plan/io/measured_io.hpp"

using namespace plan;
using namespace plan::perf;

namespace {

DisaggTiming timing(double prefill_s, double work_s, int prefill_workers, double kv_s, double step_s,
                    int decode_workers, double steps, int slots) {
  DisaggTiming t;
  t.prefill_s = prefill_s;
  t.prefill_work_s = work_s;
  t.prefill_workers = prefill_workers;
  t.kv_transfer_s = kv_s;
  t.decode_step_s = [step_s](double) { return step_s; };
  t.decode_workers = decode_workers;
  t.decode_steps = steps;
  t.decode_slots = slots;
  return t;
}

// x prefill and y decode workers of one GPU each in tp, 1,000 input and 101 output tokens.
DisaggRequest one_gpu_workers(const char* model, const char* gpu, int x, int y, int concurrency = 1) {
  DisaggRequest q;
  q.model = model;
  q.gpu = gpu;
  q.precision = "bf16";
  q.prefill = {x, 1, Parallel::tp, 1};
  q.decode = {y, 1, Parallel::tp, 1};
  q.input_tokens = 1000;
  q.output_tokens = 101;
  q.concurrency = concurrency;
  return q;
}

}  // namespace

TEST_CASE("disaggregated loop: one prefill worker at low load, hand-worked", "[disagg]") {
  // Prefill t1 = w = 1 s on one worker, no transfer, decode 100 steps of 10 ms = 1 s on 2
  // workers of 64 slots; 2 requests. At x requests/s the worker gets lambda = x; a batch
  // n = max(1, lambda (t1 - w) / (1 - lambda w)) = 1, busy rho = lambda t(1) = x, so
  // R_p = 1 x (1 + x / 2). The loop: 2 = x (1 + x/2 + 0 + 1), x^2 + 4x - 4 = 0,
  // x = -2 + 2 sqrt(2) = 0.828427/s. TTFT = R_p = 1.414214 s (0.414214 s waiting);
  // decode batch = x x 1 s / 2 workers = 0.414214; the worker busy 0.828427 of the time.
  const auto l = solve_disagg_loop(timing(1, 1, 1, 0, 0.01, 2, 100, 64), 2);
  REQUIRE(l);
  CHECK(l->throughput_rps == Approx(0.828427).epsilon(1e-5));
  CHECK(l->ttft_s == Approx(1.414214).epsilon(1e-5));
  CHECK(l->prefill_wait_s == Approx(0.414214).epsilon(1e-5));
  CHECK(l->decode_wait_s == 0.0);
  CHECK(l->decode_batch == Approx(0.414214).epsilon(1e-5));
  CHECK(l->prefill_batch == 1.0);
  CHECK(l->prefill_utilisation == Approx(0.828427).epsilon(1e-5));
  CHECK(l->tpot_s == Approx(0.01));
}

TEST_CASE("disaggregated loop: batched prefill on two workers, hand-worked", "[disagg]") {
  // t1 = 1 s, w = 0.25 s, 2 workers; decode a 1 s delay (4 workers of 64 slots); 8 requests.
  // Per worker lambda = x / 2. Batching (n > 1) when 0.75 lambda > 1 - 0.25 lambda, lambda > 1;
  // then rho = 1 and t(n) = 0.75 + 0.25 n = 0.75 / (1 - 0.25 lambda), R_p = 1.5 t(n) =
  // 1.125 / (1 - x / 8). The loop: 8 = x (1.125 / (1 - x/8) + 1), so x^2 - 25 x + 64 = 0,
  // x = (25 - sqrt(369)) / 2 = 2.895314/s, lambda = 1.447657 (> 1: batching holds).
  // n = 0.75 x 1.447657 / (1 - 0.361914) = 1.701561; R_p = 8 / x - 1 = 1.763084 s = TTFT.
  const auto l = solve_disagg_loop(timing(1, 0.25, 2, 0, 0.01, 4, 100, 64), 8);
  REQUIRE(l);
  CHECK(l->throughput_rps == Approx(2.895314).epsilon(1e-5));
  CHECK(l->prefill_batch == Approx(1.701561).epsilon(1e-5));
  CHECK(l->ttft_s == Approx(1.763084).epsilon(1e-5));
  CHECK(l->prefill_utilisation == Approx(1.0));
}

TEST_CASE("disaggregated loop: requests beyond the decode slots wait for one, hand-worked", "[disagg]") {
  // t1 = 1 s, w = 0.5 s, one worker; one decode worker of one slot, 100 steps of 10 ms; 4
  // requests. The slot passes at most 1 request/s (1 slot / 1 s); the prefill worker at
  // lambda = 1: n = max(1, 1 x 0.5 / 0.5) = 1, busy 1, R_p = 1.5 s. The cycle 1.5 + 1 = 2.5 s
  // holds 2.5 requests at 1/s; the other 1.5 wait for the slot: 1.5 s. TTFT = 1.5 + 1.5 = 3 s.
  const auto l = solve_disagg_loop(timing(1, 0.5, 1, 0, 0.01, 1, 100, 1), 4);
  REQUIRE(l);
  CHECK(l->throughput_rps == Approx(1.0).epsilon(1e-6));
  CHECK(l->decode_wait_s == Approx(1.5).epsilon(1e-6));
  CHECK(l->ttft_s == Approx(3.0).epsilon(1e-6));
  CHECK(l->decode_batch == Approx(1.0).epsilon(1e-6));
}

TEST_CASE("disaggregated loop: the decode step follows the batch to a fixed point", "[disagg]") {
  // Step 1 ms x (1 + b), 10 steps, one decode worker of 64 slots; a prefill of 1 ns (8 workers,
  // w = 0): 4 requests. The loop holds x R_p + b = 4 with x R_p below 1e-6, so b = 4 (to 1e-6):
  // TPOT 1 ms x 5 = 5 ms, and Little's law b = x x 10 x 5 ms gives x = 80/s.
  DisaggTiming t = timing(1e-9, 0, 8, 0, 0, 1, 10, 64);
  t.decode_step_s = [](double b) { return 1e-3 * (1 + b); };
  const auto l = solve_disagg_loop(t, 4);
  REQUIRE(l);
  CHECK(l->decode_batch == Approx(4).epsilon(1e-6));
  CHECK(l->tpot_s == Approx(5e-3).epsilon(1e-6));
  CHECK(l->throughput_rps == Approx(80).epsilon(1e-6));
}

TEST_CASE("disaggregated loop: a decode step with a kink, its root found past the kink", "[disagg]") {
  // Step 1 ms up to a batch of 10, then 0.05 ms more a sequence (as the engine terms' table is
  // linear between its batches); 100 steps, one worker of 64 slots, a prefill of 1 ns: 20
  // requests. With the prefill negligible the batch is the loop's 20: TPOT 1 + 0.05 x 10 =
  // 1.5 ms, and Little's law 20 = x x 100 x 1.5 ms gives x = 133.33/s (below the slots' 64 /
  // (100 x 3.7 ms) = 173/s).
  DisaggTiming t = timing(1e-9, 0, 8, 0, 0, 1, 100, 64);
  t.decode_step_s = [](double b) { return 1e-3 + 0.05e-3 * std::max(0.0, b - 10); };
  const auto l = solve_disagg_loop(t, 20);
  REQUIRE(l);
  CHECK(l->decode_batch == Approx(20).epsilon(1e-6));
  CHECK(l->tpot_s == Approx(1.5e-3).epsilon(1e-6));
  CHECK(l->throughput_rps == Approx(400.0 / 3).epsilon(1e-6));
}

TEST_CASE("disaggregated 1P2D on the round fixture: batches, TTFT with the KV transfer, GPUs, hand-worked",
          "[disagg]") {
  const Catalog& cat = test::fixture_catalog();
  const DisaggRequest q = one_gpu_workers("round", "unit-gpu", 1, 2, 2);
  const DisaggResult r = run_disagg(cat, nullptr, q);  // no engine terms: the catalog roofline
  REQUIRE(r.fits);
  // Prefill of 1,000 tokens alone: 42.36004 ms (test_perf "prefill time, hand-worked").
  CHECK(r.load.prefill_s == Approx(42.36004e-3));
  // KV: 2 x 10 layers x 10 heads x 100 x 2 B = 40,000 B a token x 1,000 = 4e7 B. Three GPUs sit
  // in one scale-up domain of 8: NVLink 100 GB/s x link efficiency 0.5, one link (one GPU a
  // worker): 4e7 / 5e10 = 0.8 ms.
  CHECK(r.kv_bytes_per_request == Approx(4e7));
  CHECK(r.links == 1);
  CHECK(r.load.kv_transfer_s == Approx(0.8e-3));
  // Decode slots per worker: 164,748 KV tokens / (1,000 + 101) = 149.
  CHECK(r.decode.slots == 149);
  // Batched prefill work of a request: 40 linear + 0.4 attention + 2 fixed = 42.4 ms (test_perf
  // "prefix cache"); above t1, so a batch stays at 1 and R_p = t1 (1 + x t1 / 2).
  CHECK(r.prefill.prefill_work_s == Approx(42.4e-3));
  // Decode step at batch 1, context 1,000 + 101/2 = 1,050.5: weights 2e9 B / 5e11 = 4 ms,
  // KV 1,050.5 x 40,000 / 5e11 = 0.08404 ms, fixed 2 ms: 6.08404 ms; 100 steps 608.404 ms.
  // The loop: 2 = x (t1 + x t1^2 / 2 + 0.8 ms + 608.404 ms), a x^2 + b x - 2 = 0 with
  // a = 0.04236004^2 / 2 = 0.000897186, b = 0.65156404: x = (-b + sqrt(b^2 + 8a)) / 2a =
  // (-0.65156404 + sqrt(0.42453569 + 0.00717749)) / 0.00179437 = 0.00548477 / 0.00179437
  // = 3.05667/s. R_p = 42.36004 x (1 + 3.05667 x 0.04236004 / 2) = 45.1024 ms; TTFT =
  // 45.1024 + 0.8 = 45.9024 ms (2.7424 ms waiting). Decode batch per worker = x x 608.404 ms
  // / 2 = 0.92985 (below 1: the step is batch 1's).
  CHECK(r.load.tpot_s == Approx(6.08404e-3));
  CHECK(r.load.throughput_rps == Approx(3.05667).epsilon(1e-5));
  CHECK(r.load.prefill_wait_s == Approx(2.7424e-3).epsilon(1e-4));
  CHECK(r.load.ttft_s == Approx(45.9024e-3).epsilon(1e-5));
  CHECK(r.load.decode_batch == Approx(0.92985).epsilon(1e-4));
  CHECK(r.load.prefill_utilisation == Approx(3.05667 * 42.36004e-3).epsilon(1e-5));
  // Both pools: 1 + 2 GPUs; 3.05667 x 101 = 308.724 output tokens/s, 102.908 per GPU.
  CHECK(r.prefill_gpus == 1);
  CHECK(r.decode_gpus == 2);
  CHECK(r.output_tokens_per_s == Approx(308.724).epsilon(1e-5));
  CHECK(r.output_tokens_per_s_per_gpu == Approx(102.908).epsilon(1e-5));
}

TEST_CASE("disaggregated pools past the scale-up domain need a scale-out link", "[disagg]") {
  const Catalog& cat = test::fixture_catalog();
  const DisaggRequest q = one_gpu_workers("round", "unit-gpu", 4, 5);
  // 4 + 5 = 9 GPUs span more than one domain of 8, and unit-gpu has no scaleout_gb_per_s.
  const DisaggResult r = run_disagg(cat, nullptr, q);
  CHECK_FALSE(r.fits);
  CHECK(r.reason.find("scaleout_gb_per_s") != std::string::npos);
  // On the shipped catalog an H200 pool pair of 16 GPUs runs over its 50 GB/s NIC.
  DisaggRequest h;
  h.model = "deepseek-r1";
  h.gpu = "h200";
  h.precision = "fp8";
  h.prefill = {1, 8, Parallel::ep, 1};
  h.decode = {1, 8, Parallel::ep, 1};
  h.input_tokens = 1000;
  h.output_tokens = 100;
  const DisaggResult rh = run_disagg(test::shipped_catalog(), nullptr, h);
  REQUIRE(rh.fits);
  CHECK(rh.link_gb_per_s == 50.0);
  CHECK(rh.links == 8);
}

TEST_CASE("disaggregated runs without worker counts are left out by rule", "[disagg]") {
  MeasuredDisaggRun d;
  d.run.engine = "sglang";
  d.run.model_path = "deepseek-ai/DeepSeek-R1";
  d.run.system = "h200_sxm";
  d.run.precision = "fp8";
  d.run.isl = d.run.osl = 1024;
  d.run.concurrency = 8;
  d.run.ttft_ms = d.run.tpot_ms = 10;
  d.prefill.tp = d.decode.tp = 8;
  d.prefill.moe_tp = d.decode.moe_tp = 8;  // the experts sliced like attention (the reader's default)
  const auto p = predict_disagg_run(test::shipped_catalog(), nullptr, d);
  CHECK(p.excluded_kind == "workers");
  d.prefill.workers = 1;
  d.decode.workers = 1;
  const auto q = predict_disagg_run(test::shipped_catalog(), nullptr, d);
  CHECK(q.excluded_kind.empty());
  CHECK(q.request.prefill.gpus == 8);
  CHECK(q.result.fits);
}

TEST_CASE("disaggregated term: the decode step scaled, fitted as the median ratio per engine", "[disagg]") {
  // The first case's loop with the decode step x 2: decode 2 s, 2 = x (1 + x/2 + 2),
  // x^2 + 6x - 4 = 0, x = -3 + sqrt(13) = 0.605551/s; TPOT 20 ms.
  DisaggTerms twice;
  twice.engine = "sglang";
  twice.decode_scale = 2;
  const auto l = solve_with_terms(timing(1, 1, 1, 0, 0.01, 2, 100, 64), twice, 2);
  REQUIRE(l);
  CHECK(l->throughput_rps == Approx(0.605551).epsilon(1e-5));
  CHECK(l->tpot_s == Approx(0.02));
  // Fit: sglang runs of three deployments measured at 1.2, 1.5 and 2 x the predicted TPOT of
  // 10 ms: the scale is the median ratio, 1.5. trtllm with two deployments (fewer than
  // min_deployments = 3) gets none.
  std::vector<MeasuredDisaggRun> runs;
  std::vector<DisaggPrediction> preds;
  const std::pair<const char*, double> rows[] = {{"sglang", 1.2}, {"sglang", 1.5}, {"sglang", 2.0},
                                                 {"trtllm", 1.1}, {"trtllm", 1.3}};
  for (const auto& [engine, ratio] : rows) {
    MeasuredDisaggRun r;
    r.run.tpot_ms = 10 * ratio;
    runs.push_back(r);
    DisaggPrediction p;
    p.engine = engine;
    p.deployment = fmt::format("{}-{}", engine, ratio);
    p.result.unfitted.tpot_s = 0.01;
    preds.push_back(p);
  }
  const auto sets = fit_disagg_terms(runs, preds, {0, 1, 2, 3, 4});
  REQUIRE(sets.size() == 1);
  CHECK(sets[0].engine == "sglang");
  CHECK(sets[0].decode_scale == Approx(1.5));
  CHECK(sets[0].rows == 3);
  CHECK(sets[0].deployments == 3);
}

TEST_CASE("a re-fit reproduces the committed disaggregated terms", "[disagg][fit]") {
  // `plan validate --write-terms` fits the disaggregated term on the engine terms' sets; the
  // aggregated refit test checks that those sets reproduce, so the committed sets stand in.
  const auto committed = io::read_engine_terms(PLAN_SOURCE_DIR "/calib/engine_terms.json");
  const auto runs = io::read_measured_disagg_runs(PLAN_SOURCE_DIR "/calib/measured/silicon_train.csv");
  REQUIRE(committed.disagg.size() == 2);
  const auto fresh = fit_disagg_terms_cv(test::shipped_catalog(), committed.sets, runs, committed.disagg[0].source);
  REQUIRE(fresh.size() == committed.disagg.size());
  for (std::size_t k = 0; k < fresh.size(); ++k) {
    const auto& a = fresh[k];
    const auto& b = committed.disagg[k];
    INFO(a.engine);
    CHECK(a.engine == b.engine);
    CHECK(a.rows == b.rows);
    CHECK(a.deployments == b.deployments);
    CHECK(a.decode_scale == Approx(b.decode_scale).epsilon(1e-9));
    CHECK(a.cv_tpot_median == Approx(b.cv_tpot_median).epsilon(1e-9));
    CHECK(a.cv_ttft_median == Approx(b.cv_ttft_median).epsilon(1e-9));
    CHECK(a.source == b.source);
  }
  // The runs each term is fitted to, documented in docs/performance-model.md ("Disaggregated
  // prefill and decode"): SGLang 61 runs of 27 deployments, TensorRT-LLM 90 of 45 (151 = 919
  // disaggregated rows - 755 without worker counts - 3 incomplete - 10 artefacts). The bar:
  // TensorRT-LLM's cross-validated TPOT median within the model's aim of 15%.
  CHECK(committed.disagg[0].engine == "sglang");
  CHECK(committed.disagg[0].rows == 61);
  CHECK(committed.disagg[0].deployments == 27);
  CHECK(committed.disagg[1].engine == "trtllm");
  CHECK(committed.disagg[1].rows == 90);
  CHECK(committed.disagg[1].deployments == 45);
  CHECK(committed.disagg[1].cv_tpot_median <= 15.0);
}

TEST_CASE("a prefill worker's batched work is the roofline's, whatever prices its lone prefill", "[disagg][fit]") {
  // The engine terms price one request alone on the prefill worker (its TTFT at a concurrency
  // of 1); the aggregated runs' prefill-between-steps term measures what prefills cost a mixed
  // batch's decode steps, which a prefill worker does not have, so each further request of a
  // batch adds the roofline's batched prefill work (hand-worked on the round fixture above).
  const Catalog& cat = test::shipped_catalog();
  const auto committed = io::read_engine_terms(PLAN_SOURCE_DIR "/calib/engine_terms.json");
  DisaggRequest q = one_gpu_workers("llama-3.1-8b", "h100-sxm", 1, 1, 4);
  q.engine = Engine::vllm;
  const DisaggResult with = run_disagg(cat, &committed.sets, q);
  const DisaggResult without = run_disagg(cat, nullptr, q);
  REQUIRE(with.fits);
  REQUIRE(without.fits);
  CHECK(with.prefill.source == "engine terms vllm/hopper");
  CHECK(without.prefill.source == "catalog roofline");
  CHECK(with.prefill.prefill_s != without.prefill.prefill_s);
  CHECK(with.prefill.prefill_work_s == without.prefill.prefill_work_s);
  CHECK(with.prefill.prefill_work_s > 0);
}
