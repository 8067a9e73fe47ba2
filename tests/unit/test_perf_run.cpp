// A `plan perf` run (perf_run.cpp) on the fixture catalog, worked out by hand.
#include <catch2/catch.hpp>

#include "catalogs.hpp"

#include "plan/core/base/error.hpp"
#include "plan/core/serving/perf_run.hpp"

using namespace plan;
using namespace plan::perf;

namespace {

// Model 'round' on 'unit-gpu' (tests/data/catalog-test.yaml), I = 100, O = 1000.
// Hand-worked figures shared by the cases below (test_perf.cpp derives them in full):
//   t_dec(B) at C = 100 + 1000/2 = 600: 4 ms weight read + 0.048 B ms KV read + 2 ms fixed,
//     while the weight GEMMs stay memory-bound (B <= 100); above that the GEMMs take 0.04 B ms.
//   prefill work of 100 tokens: 4.208 ms; prefill on an idle replica t_pre(100): 4 ms linear
//     (weight read) + 0.008 ms attention + 2 ms fixed = 6.008 ms.
//   S = O - 1 = 999 decode steps after the prefill's first token.
//   KV cache: 9 GiB usable - 2e9 B weights - 1 GiB overhead = 6,589,934,592 B / 40,000 B per
//     token = 164,748 tokens; / 1,100 per request = 149 sequences.
PerfRunRequest request() {
  PerfRunRequest q;
  q.model = "round";
  q.gpu = "unit-gpu";
  q.input_tokens = 100;
  q.output_tokens = 1000;
  return q;
}

}  // namespace

TEST_CASE("run_perf: closed loop", "[perf_run]") {
  const Catalog& c = test::fixture_catalog();
  PerfRunRequest q = request();
  q.concurrency = 4;
  PerfRunResult r = run_perf(c, q);
  REQUIRE(r.fits);
  CHECK(r.mode == PerfRunMode::concurrency);
  CHECK(r.gpus_per_replica == 1);
  CHECK_FALSE(r.gpus_given);
  CHECK(r.max_concurrency == 149);
  CHECK(r.kv_bytes_per_token_total == 40000.0);  // 2 x 10 layers x 10 heads x 100 x 2 B
  REQUIRE(r.batch);
  CHECK(*r.batch == 4.0);
  // ITL = t_dec(4) = 6 + 0.192 = 6.192 ms. Each request's 999 steps also wait for the other
  // three requests' prefills: TPOT = 6.192 + 3 x 4.208 / 999 = 6.204637 ms.
  CHECK(*r.itl_ms == Approx(6.192));
  CHECK(*r.tpot_ms == Approx(6.204637));
  CHECK(*r.ttft_ms == Approx(6.008));
  CHECK(*r.prefill_ms == Approx(6.008));
  // The batch turns over every 4 x 4.208 + 999 x 6.192 = 6,202.64 ms: 0.644887 requests/s,
  // 644.887 output tokens/s, 709.375 tokens/s with the input.
  CHECK(*r.requests_per_s == Approx(4.0 / 6.20264));
  CHECK(*r.output_tokens_per_s == Approx(4000.0 / 6.20264));
  CHECK(*r.total_tokens_per_s == Approx(4400.0 / 6.20264));
  CHECK(r.bound == StepBound::memory);
  CHECK(r.e_bw == Approx(0.5));
  CHECK(r.e_fl == Approx(0.5));
  CHECK(r.notes.empty());
  CHECK_FALSE(r.ttft_p95_ms);
}

TEST_CASE("run_perf: a concurrency above what the replica holds waits for a slot", "[perf_run]") {
  PerfRunRequest q = request();
  q.concurrency = 500;
  PerfRunResult r = run_perf(test::fixture_catalog(), q);
  CHECK(*r.batch == 149.0);
  // B = 149 in service: t_dec(149) = 0.04 x 149 (compute-bound GEMMs) + 0.048 x 149 + 2 =
  // 15.112 ms; TPOT = 15.112 + 148 x 4.208 / 999 = 15.735407 ms; a request's time in service
  // T = 6.008 + 999 x 15.735407 = 15,725.68 ms. The other 351 wait: (500 / 149 - 1) x T =
  // 351 / 149 x 15,725.68 = 37,045.058 ms, and the TTFT is that plus 6.008 = 37,051.066 ms.
  CHECK(*r.tpot_ms == Approx(15.735407));
  REQUIRE(r.admission_wait_ms);
  CHECK(*r.admission_wait_ms == Approx(37045.058));
  CHECK(*r.ttft_ms == Approx(37051.066));
  REQUIRE(r.notes.size() == 1);
  CHECK_THAT(r.notes[0], Catch::StartsWith("concurrency 500 beyond the batch of 149 the replica holds (KV cache, and "
                                           "vllm's max_batch_seqs of 256): the other 351 wait for a slot"));
  // At the batch the replica holds, none waits.
  q.concurrency = 149;
  r = run_perf(test::fixture_catalog(), q);
  CHECK_FALSE(r.admission_wait_ms);
  CHECK(*r.ttft_ms == Approx(6.008));
  CHECK(r.notes.empty());
}

TEST_CASE("run_perf: offline saturation", "[perf_run]") {
  PerfRunRequest q = request();
  q.mode = PerfRunMode::max;
  PerfRunResult r = run_perf(test::fixture_catalog(), q);
  CHECK(*r.batch == 149.0);
  // t_dec(149): GEMMs compute-bound, 0.04 x 149 = 5.96 ms; KV read 0.048 x 149 = 7.152 ms;
  // fixed 2 ms: 15.112 ms, memory-bound (7.152 ms of memory-bound time against 5.96).
  CHECK(*r.itl_ms == Approx(15.112));
  CHECK(r.bound == StepBound::memory);
  // TPOT = 15.112 + 148 x 4.208 / 999 = 15.112 + 0.623407 = 15.735407 ms.
  CHECK(*r.tpot_ms == Approx(15.735407));
  // 149 / (149 x 4.208 + 999 x 15.112) ms = 149 / 15,723.88 ms = 9.476 requests/s.
  CHECK(*r.requests_per_s == Approx(149.0 / 15.72388));
  CHECK(r.notes.empty());
}

TEST_CASE("run_perf: open-loop rate", "[perf_run]") {
  PerfRunRequest q = request();
  q.mode = PerfRunMode::rate;
  SECTION("within capacity") {
    q.rate_rps = 1.0;
    PerfRunResult r = run_perf(test::fixture_catalog(), q);
    REQUIRE(r.stable);
    // Prefills take 1 x 4.208 ms of each second: decode share 0.995792. Little's law,
    // b = 1/s x (6.008 ms + 999 x (6 + 0.048 b) ms / 0.995792), is linear in b:
    // b = (0.006008 + 6.019329) / (1 - 0.0481546) = 6.330164.
    CHECK(*r.batch == Approx(6.330164));
    // ITL = 6 + 0.048 x 6.330164 = 6.303848 ms; TPOT = 6.303848 / 0.995792 = 6.330487 ms.
    CHECK(*r.itl_ms == Approx(6.303848));
    CHECK(*r.tpot_ms == Approx(6.330487));
    // 149 slots with a = 1 / (9.476 / 149) = 15.7 Erlangs: no wait at p99; TTFT = prefill.
    CHECK(*r.ttft_ms == Approx(6.008));
    CHECK(*r.ttft_p99_ms == Approx(6.008));
    CHECK(*r.requests_per_s == 1.0);
    CHECK(*r.output_tokens_per_s == 1000.0);
  }
  SECTION("above capacity") {
    q.rate_rps = 20.0;
    PerfRunResult r = run_perf(test::fixture_catalog(), q);
    CHECK_FALSE(r.stable);
    CHECK_FALSE(r.tpot_ms);
    CHECK_FALSE(r.batch);
    CHECK(*r.requests_per_s == Approx(149.0 / 15.72388));
    REQUIRE(r.notes.size() == 1);
    CHECK(r.notes[0] == "20 requests/s exceeds the replica's capacity of 9.48 requests/s");
  }
}

TEST_CASE("run_perf: a model that does not fit is a result", "[perf_run]") {
  PerfRunRequest q = request();
  q.input_tokens = 200000;  // beyond round's 100,000-token context
  PerfRunResult r = run_perf(test::fixture_catalog(), q);
  CHECK_FALSE(r.fits);
  // No degree fits, so the report is at TP 8, which does not divide 10 heads.
  CHECK(r.gpus_per_replica == 8);
  CHECK(r.reason == "does not fit at any TP up to 8: at TP 8, round has 10 attention heads, which TP 8 does not divide");
  CHECK_FALSE(r.tpot_ms);
  CHECK_FALSE(r.requests_per_s);
}

TEST_CASE("run_perf: calibration replaces the catalog's efficiencies", "[perf_run]") {
  const Catalog& c = test::fixture_catalog();
  std::vector<std::string> asked;
  PerfCalibrationLookup lookup = [&](const std::string& model, const std::string& gpu, const std::string& precision,
                                     int tp, Parallel layout,
                                     std::vector<std::string>* notes) -> std::optional<PerfCalibration> {
    asked.push_back(model + " " + gpu + " " + precision + " " + std::to_string(tp) + " " + to_string(layout));
    notes->push_back("one file skipped");
    PerfCalibration cal{c, "calib/results/x.yaml", "fitted to x"};
    cal.catalog.efficiency.e_bw.value = 1.0;
    return cal;
  };
  PerfRunRequest q = request();
  PerfRunResult r = run_perf(c, q, lookup);
  CHECK(asked == std::vector<std::string>{"round unit-gpu bf16 1 tp"});
  CHECK(r.calibration_source == "calib/results/x.yaml");
  CHECK(r.calibration_note == "fitted to x");
  CHECK(r.e_bw == Approx(1.0));
  // Twice the bandwidth halves the memory-bound step: t_dec(1) = 2 + 0.024 + 2 = 4.024 ms.
  CHECK(*r.itl_ms == Approx(4.024));
  CHECK(r.notes == std::vector<std::string>{"one file skipped"});
}

TEST_CASE("run_perf: bad requests are errors", "[perf_run]") {
  const Catalog& c = test::fixture_catalog();
  PerfRunRequest q = request();
  q.model = "nope";
  CHECK_THROWS_AS(run_perf(c, q), Error);
  q = request();
  q.gpu = "nope";
  CHECK_THROWS_AS(run_perf(c, q), Error);
  q = request();
  q.gpus_per_replica = 1025;
  CHECK_THROWS_AS(run_perf(c, q), Error);
  q = request();
  q.output_tokens = 0;
  CHECK_THROWS_AS(run_perf(c, q), Error);
  q = request();
  q.mode = PerfRunMode::rate;
  q.rate_rps = 0;
  CHECK_THROWS_AS(run_perf(c, q), Error);
  q = request();
  q.concurrency = 0;
  CHECK_THROWS_AS(run_perf(c, q), Error);
}

TEST_CASE("run_perf: any GPU count the layout allows, up to 1,024", "[perf_run]") {
  const Catalog& c = test::fixture_catalog();
  PerfRunRequest q = request();
  q.gpus_per_replica = 5;  // 10 heads over 5 GPUs, 2 a GPU
  PerfRunResult r = run_perf(c, q);
  CHECK(r.fits);
  CHECK(r.gpus_per_replica == 5);
  q.gpus_per_replica = 3;
  r = run_perf(c, q);
  CHECK_FALSE(r.fits);
  CHECK(r.reason == "round has 10 attention heads, which TP 3 does not divide");
  q.gpus_per_replica = 1025;
  CHECK_THROWS_WITH(run_perf(c, q), Catch::Contains("expected 1 to 1024"));
}

TEST_CASE("run_perf: each figure cites the file its catalog entry came from", "[perf_run]") {
  Catalog c = test::fixture_catalog();
  PerfRunRequest q = request();
  q.concurrency = 1;
  // 'round' is at line 5 and 'unit-gpu' at line 17 of tests/data/catalog-test.yaml, both with
  // source 'fixture'.
  const std::string fixture = PLAN_TEST_DATA "/catalog-test.yaml";
  SECTION("a catalog file other than a data directory's: that file") {
    PerfRunResult r = run_perf(c, q);
    CHECK(r.model_source == fixture + ":5 (fixture)");
    CHECK(r.gpu_source == fixture + ":17 (fixture)");
    CHECK(r.efficiency_source == fixture);
  }
  SECTION("a data directory's catalog (no file of its own): calib/catalog.yaml") {
    for (auto& m : c.models) m.file.clear();
    for (auto& g : c.gpus) g.file.clear();
    PerfRunResult r = run_perf(c, q);
    CHECK(r.model_source == "calib/catalog.yaml:5 (fixture)");
    CHECK(r.gpu_source == "calib/catalog.yaml:17 (fixture)");
    CHECK(r.efficiency_source == "calib/catalog.yaml");
  }
  SECTION("a user-catalog model: its own file") {
    for (auto& m : c.models)
      if (m.id == "round") m.file = "/home/u/.local/share/plan/models/round.yaml";
    PerfRunResult r = run_perf(c, q);
    CHECK(r.model_source == "/home/u/.local/share/plan/models/round.yaml:5 (fixture)");
  }
}

#include "plan/core/serving/deployment.hpp"

namespace {

// A term set whose figures can be worked by hand (as in test_deployment.cpp): every term 0 but
// three, so TPOT(C) = 0.010 + 1e-4 x C s (the per-sequence feature is the sequences on the
// busiest rank, C under tp), the decode step alone the same, and TTFT(C) = 0.100 s.
EngineTerms hand_terms() {
  EngineTerms t;
  t.origin = "hand-made runs";
  TermSet s;
  s.engine = "vllm";
  s.generation = "hopper";
  s.rows = 10;
  s.deployments = 3;
  s.cv_tpot_median = 12.0;
  s.cv_ttft_median = 20.0;
  s.tpot[tpot_term::step] = 0.010;
  s.tpot[tpot_term::sequence] = 1e-4;
  s.ttft[ttft_term::fixed] = 0.100;
  t.sets.push_back(s);
  return t;
}

// Llama 3.1 8B on an H100 (a dense model: tp only; it fits on 1 GPU), 1000 + 101 tokens:
// S = 100 decode steps after the first token. The replica holds 413 sequences: the KV cache,
// 80 GiB x 0.90 - 1.5 GiB - 8.03e9 x 2 B = 55.543 GiB / 131,072 B a token = 455,008 tokens,
// / 1,101 = 413.27 (under vLLM's max_num_seqs of 1,024 on an H100).
PerfRunRequest llama_request() {
  PerfRunRequest q;
  q.model = "llama-3.1-8b";
  q.gpu = "h100-sxm";
  q.input_tokens = 1000;
  q.output_tokens = 101;
  q.concurrency = 64;
  return q;
}

}  // namespace

TEST_CASE("run_perf: the engine terms size the run where they cover it, the roofline beside", "[perf_run][engine]") {
  const Catalog& c = test::shipped_catalog();
  const EngineTerms terms = hand_terms();
  const PerfRunResult roof = run_perf(c, llama_request());
  REQUIRE(roof.fits);
  REQUIRE(roof.requests_per_s);
  CHECK_FALSE(roof.engine_sized);
  CHECK_FALSE(roof.roofline);

  SECTION("a closed loop of 64") {
    const PerfRunResult r = run_perf(c, llama_request(), {}, &terms);
    REQUIRE(r.fits);
    CHECK(r.engine_sized);
    CHECK(r.gpus_per_replica == 1);
    // At C = 64: TPOT = 0.010 + 0.0064 = 16.4 ms, TTFT 100 ms; Little's law on the loop,
    // mu = 64 / (0.100 + 100 x 0.0164) = 64 / 1.74 = 36.7816 requests/s, x 101 = 3,714.94
    // output tokens/s.
    CHECK(*r.batch == 64.0);
    CHECK(*r.tpot_ms == Approx(16.4));
    CHECK(*r.itl_ms == Approx(16.4));
    CHECK(*r.ttft_ms == Approx(100.0));
    CHECK(*r.prefill_ms == Approx(100.0));
    CHECK(*r.requests_per_s == Approx(64.0 / 1.74));
    CHECK(*r.output_tokens_per_s == Approx(64.0 / 1.74 * 101));
    CHECK(*r.engine_requests_per_s == Approx(64.0 / 1.74));
    CHECK(r.engine_terms_source == "engine terms: vllm/hopper, fitted to 10 measured runs (hand-made runs), "
                                   "cross-validated median error 12.0% (TPOT), 20.0% (TTFT)");
    // The roofline's own figures, beside: those of the run without terms.
    REQUIRE(r.roofline);
    CHECK(*r.roofline->requests_per_s == Approx(*roof.requests_per_s));
    CHECK(*r.roofline->tpot_ms == Approx(*roof.tpot_ms));
    CHECK(*r.roofline->requests_per_s != Approx(64.0 / 1.74));
  }
  SECTION("offline saturation: the most the replica holds") {
    PerfRunRequest q = llama_request();
    q.mode = PerfRunMode::max;
    const PerfRunResult r = run_perf(c, q, {}, &terms);
    REQUIRE(r.engine_sized);
    // B = 413: TPOT = 0.010 + 0.0413 = 51.3 ms; mu = 413 / (0.100 + 5.13) = 78.967 requests/s.
    CHECK(*r.batch == 413.0);
    CHECK(*r.tpot_ms == Approx(51.3));
    CHECK(*r.requests_per_s == Approx(413.0 / 5.23));
  }
  SECTION("an open stream of 10 requests/s") {
    PerfRunRequest q = llama_request();
    q.mode = PerfRunMode::rate;
    q.rate_rps = 10;
    const PerfRunResult r = run_perf(c, q, {}, &terms);
    REQUIRE(r.engine_sized);
    REQUIRE(r.stable);
    // The mean batch solves b = 10 x (0.100 + 100 x (0.010 + 1e-4 b)) = 11 + 0.1 b: b = 11 / 0.9
    // = 12.2222, TPOT = 0.010 + 1e-4 x 12.2222 = 11.2222 ms (TPOT linear in C: the
    // interpolation is exact). 10 requests/s against 413 slots of 78.967 / 413 = 0.1912 each
    // (52.3 erlangs on 413 servers): no wait, so TTFT p95 is TTFT(b) = 100 ms.
    CHECK(*r.batch == Approx(11.0 / 0.9));
    CHECK(*r.tpot_ms == Approx(10.0 + 0.1 * 11.0 / 0.9));
    CHECK(*r.ttft_p95_ms == Approx(100.0));
    CHECK(*r.requests_per_s == Approx(10.0));
    // Beyond the terms' capacity of 78.967: not stable, a note with their capacity.
    q.rate_rps = 100;
    const PerfRunResult over = run_perf(c, q, {}, &terms);
    CHECK_FALSE(over.stable);
    REQUIRE_FALSE(over.notes.empty());
    CHECK(over.notes.back() == "100 requests/s exceeds the replica's capacity of 78.97 requests/s");
  }
  SECTION("a class the measured runs hold too few deployments of: the roofline, and why") {
    EngineCoverage few;
    few.deployments[coverage_key("vllm", "hopper", ModelClass::dense)] = 2;
    const PerfRunResult r = run_perf(c, llama_request(), {}, &terms, &few);
    CHECK_FALSE(r.engine_sized);
    CHECK_FALSE(r.roofline);
    CHECK_FALSE(r.engine_requests_per_s);
    CHECK(*r.requests_per_s == Approx(*roof.requests_per_s));
    CHECK(r.engine_terms_source == "not used, the catalog roofline sizes the run: the measured runs hold 2 "
                                   "deployments of dense models on hopper with vllm (at least 3 needed)");
  }
  SECTION("a calibration of the deployment comes first, the terms' figures beside it") {
    PerfCalibrationLookup lookup = [&](const std::string&, const std::string&, const std::string&, int, Parallel,
                                       std::vector<std::string>*) -> std::optional<PerfCalibration> {
      return PerfCalibration{c, "calib/results/x.yaml", "fitted to x"};
    };
    const PerfRunResult r = run_perf(c, llama_request(), lookup, &terms);
    CHECK_FALSE(r.engine_sized);
    CHECK(r.calibration_source == "calib/results/x.yaml");
    CHECK(*r.requests_per_s == Approx(*roof.requests_per_s));  // the calibrated catalog is the shipped one here
    CHECK(*r.engine_requests_per_s == Approx(64.0 / 1.74));
    CHECK(r.engine_terms_source.find("beside the calibrated roofline") != std::string::npos);
  }
}
