// Fitting the performance model to imported serving benchmarks (perf::fit_serving), on
// hand-worked cases and on synthetic measurements with known scales.
#include <catch2/catch.hpp>

#include "catalogs.hpp"

#include "plan/core/serving_fit.hpp"

using namespace plan;
using namespace plan::perf;

namespace {

const Catalog& fixture() { return test::fixture_catalog(); }

const Catalog& shipped() { return test::shipped_catalog(); }

Calibration import_of(const std::string& path, ServingMeasurement s) {
  Calibration c;
  c.kind = "import";
  c.path = path;
  c.serving = std::move(s);
  return c;
}

// A latency run (vLLM bench serve / GuideLLM): mean TPOT, requests/s and token counts.
ServingMeasurement latency_run(double in, double out, double rps, double tpot_ms) {
  ServingMeasurement s;
  s.tool = "vllm-bench-serve";
  s.mean_input_tokens = in;
  s.mean_output_tokens = out;
  s.requests_per_s = rps;
  s.output_tokens_per_s = rps * out;
  s.tpot_mean_ms = tpot_ms;
  return s;
}

// An offline run (vLLM bench throughput): requests/s only.
ServingMeasurement offline_run(double in, double out, double rps) {
  ServingMeasurement s;
  s.tool = "vllm-bench-throughput";
  s.mean_input_tokens = in;
  s.mean_output_tokens = out;
  s.requests_per_s = rps;
  return s;
}

ServingFit fit_round(const std::vector<Calibration>& files) {
  const Catalog& c = fixture();
  const Precision& bf16 = *c.find_precision("bf16");
  return fit_serving(c, *c.find_model("round"), *c.find_gpu("unit-gpu"), bf16, bf16, 1, files);
}

}  // namespace

TEST_CASE("serving fit: one latency run scales the memory-bound time only", "[serving_fit]") {
  // 100 input and 100 output tokens, 0.1 requests/s (10 output tok/s), mean TPOT 10 ms.
  // Decode batch B = 10 tok/s x 0.010 s = 0.1 -> 1 sequence; context C = 100 + 100/2 = 150.
  // Catalog times (bandwidth 1000 GB/s x 0.5 = 5e11 B/s, 100 TFLOPS x 0.5 = 5e13 FLOP/s):
  //  decode, B = 1: weights 2e9 B / 5e11 = 4 ms (memory; GEMM 2e9 FLOP / 5e13 = 0.04 ms);
  //    KV 150 x 40,000 B / 5e11 = 0.012 ms (memory); fixed 1 ms + 10 x 0.1 ms = 2 ms.
  //  prefill work of 100 tokens in a 1000-token step (share 0.1): GEMMs 2e9 x 1000 / 5e13 =
  //    40 ms (compute) x 0.1 = 4 ms; KV write 100 x 40,000 / 5e11 = 0.008 ms (memory);
  //    fixed 2 ms x 0.1 = 0.2 ms.
  // Equation T = t_dec + r T pw with r T = 0.1 x 0.010 = 0.001:
  //  memory  4.012 ms + 0.001 x 0.008 ms = 4.012008 ms  (40% of T: fitted)
  //  compute 0.001 x 4 ms = 0.004 ms                    (0.04% of T: held)
  //  fixed   2 ms + 0.001 x 0.2 ms = 2.0002 ms          (20% of T; one measurement fits one scale)
  // memory scale = (10 - 0.004 - 2.0002) / 4.012008 = 7.9958 / 4.012008 = 1.992967...
  ServingFit f = fit_round({import_of("a.yaml", latency_run(100, 100, 0.1, 10.0))});
  REQUIRE(f.ok);
  CHECK(f.scales.memory == Approx(7.9958 / 4.012008).epsilon(1e-9));
  CHECK(f.scales.compute == 1.0);
  CHECK(f.scales.fixed == 1.0);
  REQUIRE(f.fitted == std::vector<std::string>{"memory"});
  REQUIRE(f.held.size() == 2);
  CHECK(f.held[0] == "compute (under 5% of every measured time)");
  CHECK(f.held[1] == "fixed (too few measurements to fit it as well)");
  REQUIRE(f.observations.size() == 1);
  const ServingObservation& o = f.observations[0];
  CHECK(o.batch == 1.0);
  CHECK(o.measured == 10.0);
  // Catalog TPOT: t_dec 4.012 + 2 = 6.012 ms over a decode share of 1 - 0.1 x 4.208 ms
  // = 0.9995792: 6.014531 ms.
  CHECK(o.catalog == Approx(6.012 / (1 - 0.1 * 4.208e-3)).epsilon(1e-9));
  // The fitted model reproduces the one measurement it was fitted to.
  CHECK(o.fitted == Approx(10.0).epsilon(1e-9));
  CHECK(f.rms_error_fitted == Approx(0.0).margin(1e-9));
}

TEST_CASE("serving fit: one offline run scales memory and compute together", "[serving_fit]") {
  // 100 + 100 tokens, 5,120 output tok/s measured: 51.2 requests/s.
  // Batch limit: KV budget 10 GiB x 0.9 - 2e9 B - 1 GiB = 6,589,934,592 B / 40,000 B =
  // 164,748 tokens = 823 requests of 200 tokens, capped by max_batch_seqs at 256.
  // Decode, B = 256, C = 150: weights 4 ms vs GEMMs 0.04 ms x 256 = 10.24 ms (compute);
  //   KV 256 x 150 x 40,000 / 5e11 = 3.072 ms (memory); fixed 2 ms.
  // Equation B / r = B pw + S t_dec with S = O - 1 = 99 decode steps (the prefill emits
  // the first token), B / r = 256 / 51.2 = 5 s:
  //  memory  256 x 0.008 ms + 99 x 3.072 ms = 0.306176 s
  //  compute 256 x 4 ms + 99 x 10.24 ms = 2.03776 s
  //  fixed   256 x 0.2 ms + 99 x 2 ms = 0.2492 s (4.98% of 5 s; one measurement fits one
  //          scale, so memory and compute share it and fixed is held)
  // scale = (5 - 0.2492) / (0.306176 + 2.03776) = 4.7508 / 2.343936 = 2.026847...
  ServingFit f = fit_round({import_of("b.yaml", offline_run(100, 100, 51.2))});
  REQUIRE(f.ok);
  CHECK(f.scales.memory == Approx(4.7508 / 2.343936).epsilon(1e-9));
  CHECK(f.scales.compute == Approx(4.7508 / 2.343936).epsilon(1e-9));
  CHECK(f.scales.fixed == 1.0);
  CHECK(f.fitted == std::vector<std::string>{"memory=compute"});
  REQUIRE(f.observations.size() == 1);
  CHECK(f.observations[0].batch == 256.0);
  CHECK(f.observations[0].figure == "output tok/s");
  // Catalog: 256 x 100 tokens per 256 x 4.208 ms + 99 x 15.312 ms = 2.593136 s:
  // 9,872.22 tok/s, 93% above the measurement.
  CHECK(f.observations[0].catalog == Approx(25600 / 2.593136).epsilon(1e-9));
  CHECK(f.observations[0].fitted == Approx(5120.0).epsilon(1e-9));
}

TEST_CASE("serving fit: recovers known scales from synthetic measurements", "[serving_fit]") {
  // Measurements generated by the shipped catalog's Llama 3.1 8B on an A100 80GB with
  // every memory-bound time x1.3, compute-bound x1.6 and fixed costs x0.8; the fit from the
  // unscaled catalog must find those scales.
  const Catalog& base = shipped();
  const TimeScales truth{1.3, 1.6, 0.8};
  const Catalog scaled = scaled_catalog(base, "a100-80gb-sxm", truth);
  const ModelArch& m = *base.find_model("llama-3.1-8b");
  const Precision& bf16 = *base.find_precision("bf16");
  const Precision& kv = *base.find_precision(bf16.kv_default());
  const PerfModel pm(m, *scaled.find_gpu("a100-80gb-sxm"), bf16, kv, 1, scaled.efficiency);
  const double in = 512, out = 256, ctx = in + out / 2;
  std::vector<Calibration> files;
  for (double b : {1.0, 16.0, 64.0}) {
    // Closed form of the latency equation at batch B: T = t_dec(B) + B pw / O, and the
    // request rate that keeps B sequences decoding, r = B / (O T).
    const double t = pm.t_dec(b, ctx) + b * pm.prefill_work(in) / out;
    files.push_back(import_of("lat.yaml", latency_run(in, out, b / (out * t), t * 1e3)));
  }
  ServingModel sm(pm, in, out);
  files.push_back(import_of("off.yaml", offline_run(in, out, sm.capacity_rps())));
  ServingFit f = fit_serving(base, m, *base.find_gpu("a100-80gb-sxm"), bf16, kv, 1, files);
  REQUIRE(f.ok);
  CHECK(f.fitted == std::vector<std::string>{"memory", "compute", "fixed"});
  CHECK(f.scales.memory == Approx(1.3).epsilon(1e-6));
  CHECK(f.scales.compute == Approx(1.6).epsilon(1e-6));
  CHECK(f.scales.fixed == Approx(0.8).epsilon(1e-6));
  CHECK(f.rms_error_fitted < 1e-6);
  CHECK(f.rms_error_catalog > 0.1);
}

TEST_CASE("serving fit: implausible or unusable measurements are not fitted", "[serving_fit]") {
  SECTION("faster than the spec sheet allows") {
    // TPOT 1 ms is below the 2 ms of fixed cost plus 2e9 B / 1e12 B/s = 2 ms of weights at
    // 100% of the spec bandwidth: no scaling within the spec reaches it.
    ServingFit f = fit_round({import_of("fast.yaml", latency_run(100, 100, 0.1, 1.0))});
    CHECK_FALSE(f.ok);
    CHECK_THAT(f.problem, Catch::Contains("100% of the spec"));
    REQUIRE(f.observations.size() == 1);
  }
  SECTION("no token counts") {
    ServingMeasurement s = offline_run(100, 100, 10);
    s.mean_input_tokens.reset();
    ServingFit f = fit_round({import_of("t.json.yaml", s)});
    CHECK_FALSE(f.ok);
    CHECK(f.problem == "no usable serving measurement");
    REQUIRE(f.notes.size() == 1);
    CHECK_THAT(f.notes[0], Catch::StartsWith("t.json.yaml not used: it does not give the mean input and output"));
  }
}

TEST_CASE("scaled_catalog divides efficiencies and multiplies fixed costs", "[serving_fit]") {
  const Catalog& c = fixture();
  Catalog s = scaled_catalog(c, "unit-gpu", {2.0, 4.0, 3.0});
  const GpuSpec& g = *s.find_gpu("unit-gpu");
  CHECK(*g.e_bw == 0.25);      // 0.5 / 2
  CHECK(*g.e_fl_16 == 0.125);  // 0.5 / 4
  CHECK(*g.e_fl_8 == 0.125);
  CHECK(s.efficiency.step_overhead_ms.value == 3.0);    // 1 ms x 3
  CHECK(s.efficiency.layer_overhead_us.value == 300.0);  // 100 us x 3
}

TEST_CASE("serving fit: a run one request at a time also fits the prefill", "[serving_fit]") {
  // 1,000 input and 100 output tokens at concurrency 1: 0.95 requests/s (95 output tok/s),
  // mean TPOT 10 ms, mean TTFT 60 ms. B = 95 x 0.010 = 0.95 -> 1; C = 1,050; r T = 0.0095.
  //  decode, B = 1: weights 4 ms (memory), KV 1,050 x 40,000 / 5e11 = 0.084 ms (memory),
  //    fixed 2 ms.
  //  prefill work of 1,000 tokens (one full 1000-token step): GEMMs 2e9 x 1000 / 5e13 = 40 ms
  //    (compute), attention 4 x 10 x 1000 x 1000^2 / 2 / 5e13 = 0.4 ms (compute; KV write
  //    0.08 ms), fixed 2 ms.
  //  TPOT: memory 4.084 ms; compute 0.0095 x 40.4 = 0.3838 ms; fixed 2 + 0.0095 x 2 = 2.019 ms.
  //  TTFT, prefill of one 1,000-token prompt: GEMMs (2e9 - 2 x 1e6) x 1000 + 2 x 1e6 (the
  //    head for the last token only) = 1.998002e12 FLOP / 5e13 = 39.96004 ms, attention
  //    0.4 ms, fixed 2 ms: compute 40.36004 ms.
  // Two equations, memory and compute free, fixed held:
  //  compute = (60 - 2) / 40.36004; memory = (10 - 2.019 - 0.3838 x compute) / 4.084.
  ServingMeasurement s = latency_run(1000, 100, 0.95, 10.0);
  s.concurrency = 1;
  s.ttft_mean_ms = 60;
  ServingFit f = fit_round({import_of("sync.yaml", s)});
  REQUIRE(f.ok);
  const double compute = 58.0 / 40.36004;
  CHECK(f.scales.compute == Approx(compute).epsilon(1e-9));
  CHECK(f.scales.memory == Approx((10 - 2.019 - 0.3838 * compute) / 4.084).epsilon(1e-9));
  CHECK(f.scales.fixed == 1.0);
  REQUIRE(f.observations.size() == 2);
  CHECK(f.observations[1].figure == "TTFT ms");
  CHECK(f.observations[1].catalog == Approx(42.36004).epsilon(1e-9));
  CHECK(f.observations[1].fitted == Approx(60.0).epsilon(1e-9));
  SECTION("at concurrency 2 the TTFT includes queueing and is not fitted") {
    s.concurrency = 2;
    ServingFit g = fit_round({import_of("c2.yaml", s)});
    CHECK(g.observations.size() == 1);
  }
}

TEST_CASE("serving fit: figures out of range are not used", "[serving_fit]") {
  ServingFit f = fit_round({import_of("huge.yaml", latency_run(100, 100, 1e300, 10.0))});
  CHECK_FALSE(f.ok);
  REQUIRE(f.notes.size() == 1);
  CHECK_THAT(f.notes[0], Catch::Contains("out of range"));
  // 2e6 requests/s x 100 tokens x 10 ms: two million sequences at once.
  ServingFit g = fit_round({import_of("wide.yaml", latency_run(100, 100, 2e6, 10.0))});
  CHECK_FALSE(g.ok);
  REQUIRE(g.notes.size() == 1);
  CHECK_THAT(g.notes[0], Catch::Contains("sequences decoding at once"));
}

TEST_CASE("fit_serving_deployment: the deployment the first file names, or none", "[serving_fit]") {
  Calibration c = import_of("a.yaml", latency_run(100, 100, 0.1, 10.0));
  c.model = "round";
  c.gpu = "unit-gpu";
  c.precision = "bf16";
  c.tp = 1;
  SECTION("a catalog deployment: the same fit as fit_serving with the weights' default KV precision") {
    auto f = fit_serving_deployment(fixture(), {c});
    REQUIRE(f);
    CHECK(f->ok);
    CHECK(f->scales.memory == Approx(fit_round({c}).scales.memory).epsilon(1e-12));
  }
  SECTION("not in the catalog") {
    CHECK_FALSE(fit_serving_deployment(fixture(), {}));
    Calibration other = c;
    other.gpu = "no-such-gpu";
    CHECK_FALSE(fit_serving_deployment(fixture(), {other}));
    other = c;
    other.model = "no-such-model";
    CHECK_FALSE(fit_serving_deployment(fixture(), {other}));
    other = c;
    other.precision = "no-such-precision";
    CHECK_FALSE(fit_serving_deployment(fixture(), {other}));
    other = c;
    other.tp = 3;  // not a tensor-parallel degree
    CHECK_FALSE(fit_serving_deployment(fixture(), {other}));
  }
}
