// Fitting the performance model to imported serving benchmarks (perf::fit_serving), on
// hand-worked cases and on synthetic measurements with known scales.
#include <catch2/catch.hpp>

#include "catalogs.hpp"

#include "plan/core/serving/calibrated_provider.hpp"
#include "plan/core/serving/serving_fit.hpp"

using namespace plan;
using namespace plan::perf;

namespace {

const Catalog& fixture() { return test::fixture_catalog(); }

const Catalog& shipped() { return test::shipped_catalog(); }

Calibration import_of(const std::string& path, ServingMeasurement s) {
  Calibration c;
  c.kind = CalibrationKind::import;
  c.path = path;
  c.serving = std::move(s);
  return c;
}

// A latency run (vLLM bench serve / GuideLLM): mean TPOT, requests/s and token counts.
ServingMeasurement latency_run(double in, double out, double rps, double tpot_ms) {
  ServingMeasurement s;
  s.tool = ServingFormat::vllm_serve;
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
  s.tool = ServingFormat::vllm_throughput;
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
  c.gpus_per_replica = 1;
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
    other.gpus_per_replica = 3;  // not a tensor-parallel degree
    CHECK_FALSE(fit_serving_deployment(fixture(), {other}));
  }
}

TEST_CASE("serving fit: a mixture of experts is fitted on the replica model of its layout", "[serving_fit][moe]") {
  // 'round-moe' (tests/data/catalog-test.yaml: 10 layers, width 1000, 4 experts of ffn 1000,
  // top_k 1, 1e9 params of which 0.5e9 active, tied embeddings) in bf16 on 2 unit-gpus,
  // layout dep. The same latency run as the dense case: 100 + 100 tokens, 0.1 requests/s,
  // mean TPOT 10 ms, so B = 1 sequence, C = 150, r T = 0.001.
  // Routed experts: 10 layers x 4 x 3 x 1000 x 1000 = 1.2e8 params = 2.4e8 B; the rest
  // 2e9 - 2.4e8 = 1.76e9 B (no untied embedding to leave out).
  //  decode, B = 1, dep: each GPU reads all dense weights and its 2 experts per layer as far
  //    as touched: share touched 1 - (3/4)^1 = 0.25, imbalance 1 + sqrt(2 x 2 x ln 2 / 1) =
  //    2.665 capped at g = 2, so 2.4e8 / 2 x 0.5 = 6e7 B: 1.82e9 B / 5e11 = 3.64 ms (memory;
  //    GEMMs (9.4e8 dense + 6e7 routed) FLOP / 5e13 = 0.02 ms). KV: the sequence sits on one
  //    rank whole: 10 x 150 x 2,000 x 2 B = 6e6 B / 5e11 = 0.012 ms (memory). All-to-alls:
  //    2 x 10 MoE layers x (10 + 5 us + 500 B / 5e10 B/s) = 0.3002 ms (unscaled). Fixed 2 ms.
  //  prefill work of 100 tokens in a 1000-token step (share 0.1): weights 1.76e9 + 1.2e8 B
  //    = 3.76 ms vs GEMMs 9.4e8 x 500 + 6e7 x 1000 / 2 x (1 + sqrt(4 ln 2 / 1000)) =
  //    5.0157965e11 FLOP / 5e13 = 10.0315930 ms (compute) x 0.1 = 1.0031593 ms; KV write
  //    10 x 100 x 2,000 x 2 / 2 B / 5e11 = 0.004 ms (memory); all-to-alls 20 x (15 us +
  //    5e5 B / 5e10) x 0.1 = 0.05 ms; fixed 0.2 ms.
  // Equation T = t_dec + r T pw:
  //  memory  3.64 + 0.012 + 0.001 x 0.004 = 3.652004 ms (fitted)
  //  compute 0.001 x 1.0031593 = 0.0010031593 ms (held: under 5%)
  //  fixed   2 + 0.001 x 0.2 = 2.0002 ms (held: one measurement fits one scale)
  //  unscaled 0.3002 + 0.001 x 0.05 = 0.30025 ms
  // memory scale = (10 - 0.0010031593 - 2.0002 - 0.30025) / 3.652004 = 2.108033...
  const Catalog& c = fixture();
  const Precision& bf16 = *c.find_precision("bf16");
  const ModelArch& moe = *c.find_model("round-moe");
  const std::vector<Calibration> files{import_of("moe.yaml", latency_run(100, 100, 0.1, 10.0))};
  ServingFit dep = fit_serving(c, moe, *c.find_gpu("unit-gpu"), bf16, bf16, 2, files, Parallel::dep);
  REQUIRE(dep.ok);
  CHECK(dep.scales.memory == Approx((10 - 0.0010031593 - 2.0002 - 0.30025) / 3.652004).epsilon(1e-7));
  CHECK(dep.scales.compute == 1.0);
  CHECK(dep.scales.fixed == 1.0);
  CHECK(dep.fitted == std::vector<std::string>{"memory"});
  REQUIRE(dep.observations.size() == 1);
  CHECK(dep.observations[0].fitted == Approx(10.0).epsilon(1e-9));

  SECTION("the same measurement read as tensor parallel is another fit") {
    // tp on 2 GPUs: (1.76e9 + 2.4e8 x 0.25) / 2 = 9.1e8 B per GPU = 1.82 ms, half of dep's
    // weight reads, so the memory scale comes out larger.
    ServingFit tp = fit_serving(c, moe, *c.find_gpu("unit-gpu"), bf16, bf16, 2, files, Parallel::tp);
    REQUIRE(tp.ok);
    CHECK(tp.scales.memory > dep.scales.memory * 1.5);
  }
  SECTION("a layout the model cannot run is not fitted") {
    // 'round' is dense: ep and dep split routed experts it does not have.
    ServingFit f = fit_serving(c, *c.find_model("round"), *c.find_gpu("unit-gpu"), bf16, bf16, 2, files, Parallel::ep);
    CHECK_FALSE(f.ok);
    CHECK(f.problem == "round on 2 GPUs of unit-gpu in layout ep cannot be modelled: layout ep splits routed experts, "
                       "and round is a dense model (expected tp)");
  }
}

TEST_CASE("serving fit: MoE deployments of the shipped catalog round-trip their measurement", "[serving_fit][moe]") {
  // Synthetic measurements from the shipped catalog with every memory-bound time x1.5 and
  // compute-bound x1.25 (fixed as cataloged), on the replica model of the deployment's
  // layout. One measurement fits one free scale, so the fit need not recover those two
  // scales; the fitted model must reproduce the measurement it was fitted to (within 1%),
  // and the calibration applied back (CalibrationSet::apply) must reproduce it too.
  const Catalog& base = shipped();
  const TimeScales truth{1.5, 1.25, 1.0};
  struct Case {
    const char* model;
    const char* gpu;
    const char* prec;
    int gpus;
    Parallel layout;
    bool offline;  // else a latency run at batch 16
  };
  for (const Case& k : {Case{"qwen3-30b-a3b", "h200", "fp8", 1, Parallel::tp, false},
                        Case{"qwen3-235b-a22b", "h200", "fp8", 8, Parallel::dep, true},
                        Case{"qwen3-235b-a22b", "h200", "fp8", 8, Parallel::dep, false}}) {
    INFO(k.model << " " << k.gpus << "x " << k.gpu << " " << to_string(k.layout) << (k.offline ? " offline" : " latency"));
    const ModelArch& m = *base.find_model(k.model);
    const Precision& w = *base.find_precision(k.prec);
    const Precision& kv = *base.find_precision(w.kv_default());
    const Catalog truth_cat = scaled_catalog(base, k.gpu, truth);
    const PerfModel real(m, *truth_cat.find_gpu(k.gpu), w, kv, k.gpus, truth_cat.efficiency, k.layout);
    REQUIRE(deployment_problem(real, 1000 + 1000).empty());
    const double in = 1000, out = 1000, ctx = in + out / 2;
    Calibration file = import_of("moe.yaml", offline_run(in, out, 0));
    file.model = k.model;
    file.gpu = k.gpu;
    file.precision = k.prec;
    file.gpus_per_replica = k.gpus;
    file.parallel = k.layout;
    double measured = 0;
    if (k.offline) {
      const double rps = ServingModel(real, in, out).capacity_rps();
      file.serving = offline_run(in, out, rps);
      measured = rps * out;
    } else {
      // T = t_dec(B) + B pw / O at B = 16, and r = B / (O T) (as above).
      const double b = 16;
      const double t = real.t_dec(b, ctx) + b * real.prefill_work(in) / out;
      file.serving = latency_run(in, out, b / (out * t), t * 1e3);
      measured = t * 1e3;
    }
    ServingFit f = fit_serving(base, m, *base.find_gpu(k.gpu), w, kv, k.gpus, {file}, k.layout);
    REQUIRE(f.ok);
    REQUIRE(f.observations.size() == 1);
    CHECK(f.observations[0].measured == Approx(measured).epsilon(1e-9));
    CHECK(f.observations[0].fitted == Approx(measured).epsilon(0.01));
    // The catalog alone is off by the scales (at least 10% here), so the fit did something.
    CHECK(std::abs(f.observations[0].catalog - measured) / measured > 0.10);

    // Applied back through the calibration set, for the key of this deployment.
    perf::CalibrationSet set({file}, false);
    auto a = set.apply(base, {k.model, k.gpu, k.prec, k.gpus, k.layout}, nullptr);
    REQUIRE(a);
    const PerfModel cal(m, *a->catalog.find_gpu(k.gpu), w, kv, k.gpus, a->catalog.efficiency, k.layout);
    double predicted = 0;
    if (k.offline) {
      predicted = ServingModel(cal, in, out).capacity_rps() * out;
    } else {
      const double r = file.serving->requests_per_s.value();
      predicted = cal.t_dec(16, ctx) / (1 - r * cal.prefill_work(in)) * 1e3;
    }
    CHECK(predicted == Approx(measured).epsilon(0.01));
  }
}
