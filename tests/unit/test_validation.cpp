// Predictions of the shipped catalog against published measurements
// (/docs/performance-model.md, "Validation"). The efficiencies in calib/catalog.yaml come
// from streaming/GEMM benchmarks and first principles, not from these points; the errors
// below are what the model gets, reported, not fitted.
//
// Tolerance. Decode latency at light load and prefill of long prompts: +-30%. The inputs
// carry about that much uncertainty on their own: two engines on the same hardware and
// workload differ by 7-10% (SGLang vs vLLM, same table), the mean ShareGPT prompt length is
// an estimate (+-25%), and fixed per-step overheads are engineering estimates.
// Known deviations, pinned with a wider band and their sign so that a change that moves the
// model further away fails:
//  - offline (saturated) throughput is overestimated: the roofline assumes GEMMs at batch
//    256 run at the prefill efficiency and ignores engine scheduling costs per sequence;
//    more so at TP 4, where the per-GPU GEMMs are 4x narrower;
//  - TTFT of 128-token prompts at batch 1 is underestimated: such GEMMs leave most SMs idle
//    (one 128-row tile), which a roofline does not see.
#include <catch2/catch.hpp>

#include "catalogs.hpp"
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "plan/core/serving/perf.hpp"
#include "plan/core/serving/serving_fit.hpp"

using namespace plan;
using namespace plan::perf;

namespace {

// The shipped catalog with the batch limit of vLLM 0.6.0, which measured the ShareGPT points:
// max_num_seqs 256 on every GPU (the larger default of GPUs of 70 GiB or more came later).
const Catalog& shipped() {
  static const Catalog c = [] {
    Catalog k = test::shipped_catalog();
    k.efficiency.max_batch_seqs_vllm_large = k.efficiency.max_batch_seqs;
    return k;
  }();
  return c;
}

PerfModel deploy(const char* model, const char* gpu, const char* prec, int tp) {
  const Catalog& c = shipped();
  const Precision& p = *c.find_precision(prec);
  return PerfModel(*c.find_model(model), *c.find_gpu(gpu), p, *c.find_precision(p.default_kv), tp, c.efficiency);
}

// Relative error of a prediction; printed with PLAN_VALIDATION_PRINT=1 (the docs table).
double error_of(const char* what, double predicted, double measured) {
  double err = (predicted - measured) / measured;
  if (std::getenv("PLAN_VALIDATION_PRINT"))
    std::printf("| %s | %.2f | %.2f | %+.0f%% |\n", what, predicted, measured, err * 100.0);
  return err;
}

// ShareGPT request shape of the sglang benchmark_vllm_060 runs. Output: 4,132.37 output tok/s
// / 21.27 requests/s = 194.3 tokens per request (the README's own table). Input: ~215 tokens,
// the commonly quoted ShareGPT mean prompt length with Llama-family tokenizers (an estimate).
constexpr double sharegpt_in = 215;
constexpr double sharegpt_out = 4132.37 / 21.27;

constexpr double tol = 0.30;

}  // namespace

TEST_CASE("validation: Llama 3.1 8B BF16 on one A100 80GB (vLLM 0.6.0, ShareGPT)", "[validation]") {
  PerfModel pm = deploy("llama-3.1-8b", "a100-80gb-sxm", "bf16", 1);
  ServingModel sm(pm, sharegpt_in, sharegpt_out);
  // Offline: 4,132.37 output tok/s (sglang benchmark/benchmark_vllm_060/README.md).
  double e_off = error_of("8B A100 offline output tok/s", sm.capacity_rps() * sharegpt_out, 4132.37);
  CHECK(e_off > 0.0);   // known deviation: overestimate
  CHECK(e_off < 0.50);
  // 4 requests/s: median TPOT 14.14 ms (vLLM), 13.17 ms (SGLang).
  Load l = sm.at_rate(4.0);
  REQUIRE(l.stable);
  double e_tpot = error_of("8B A100 TPOT at 4 req/s, ms (vLLM)", l.tpot_s * 1e3, 14.14);
  CHECK(std::abs(e_tpot) < tol);
  double e_tpot_sg = error_of("8B A100 TPOT at 4 req/s, ms (SGLang)", l.tpot_s * 1e3, 13.17);
  CHECK(std::abs(e_tpot_sg) < tol);
}

TEST_CASE("validation: Llama 3.1 70B BF16 TP4 on H100 (ShareGPT)", "[validation]") {
  PerfModel pm = deploy("llama-3.1-70b", "h100-sxm", "bf16", 4);
  ServingModel sm(pm, sharegpt_in, sharegpt_out);
  // Offline: 3,700.64 output tok/s (vLLM 0.6.0).
  double e_off = error_of("70B 4xH100 offline output tok/s", sm.capacity_rps() * sharegpt_out, 3700.64);
  CHECK(e_off > 0.0);   // known deviation: overestimate, larger at TP 4
  CHECK(e_off < 1.00);
  // 4 requests/s: median ITL 21.67 ms (SGLang) is one decode step.
  Load l = sm.at_rate(4.0);
  REQUIRE(l.stable);
  double e_itl = error_of("70B 4xH100 ITL at 4 req/s, ms (SGLang)", l.itl_s * 1e3, 21.67);
  CHECK(std::abs(e_itl) < tol);
  // Median TPOT 23.58 ms (vLLM).
  double e_tpot = error_of("70B 4xH100 TPOT at 4 req/s, ms (vLLM)", l.tpot_s * 1e3, 23.58);
  CHECK(std::abs(e_tpot) < tol);
}

TEST_CASE("validation: LLaMA 7B TTFT at batch 1 (TensorRT-LLM v0.5)", "[validation]") {
  // NVIDIA/TensorRT-LLM docs/source/performance.md (v0.5): first-token latency, batch 1.
  struct Point {
    const char* what;
    const char* gpu;
    const char* prec;
    double tokens;
    double measured_ms;
    bool short_prompt;
  };
  const Point points[] = {
      {"LLaMA 7B TTFT 128 tok, H100 FP8, ms", "h100-sxm", "fp8", 128, 7, true},
      {"LLaMA 7B TTFT 128 tok, L40S FP8, ms", "l40s", "fp8", 128, 14, true},
      {"LLaMA 7B TTFT 128 tok, A100 FP16, ms", "a100-80gb-sxm", "fp16", 128, 16, true},
      {"LLaMA 7B TTFT 2048 tok, H100 FP8, ms", "h100-sxm", "fp8", 2048, 36, false},
      {"LLaMA 7B TTFT 2048 tok, L40S FP8, ms", "l40s", "fp8", 2048, 73, false},
      {"LLaMA 7B TTFT 2048 tok, A100 FP16, ms", "a100-80gb-sxm", "fp16", 2048, 133, false},
  };
  for (const auto& p : points) {
    INFO(p.what);
    PerfModel pm = deploy("llama-7b", p.gpu, p.prec, 1);
    double e = error_of(p.what, pm.t_pre(p.tokens) * 1e3, p.measured_ms);
    if (p.short_prompt) {
      CHECK(e < 0.0);  // known deviation: underestimate
      CHECK(e > -0.50);
    } else {
      CHECK(std::abs(e) < tol);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Calibration from serving results: fitted to one published figure, the model predicts
// the other figure of the same deployment. Median TPOTs stand in for means (the source
// gives medians).

namespace {

Calibration published(const char* what, double in, double out, double rps, std::optional<double> tpot_ms) {
  Calibration c;
  c.kind = CalibrationKind::import;
  c.path = what;
  ServingMeasurement s;
  s.mean_input_tokens = in;
  s.mean_output_tokens = out;
  s.requests_per_s = rps;
  if (tpot_ms) {
    s.tpot_mean_ms = *tpot_ms;
    s.output_tokens_per_s = rps * out;
  }
  c.serving = s;
  return c;
}

struct CrossCase {
  const char* model;
  const char* gpu;
  int tp;
  double tpot_ms;        // at 4 requests/s
  double offline_tok_s;  // output tokens/s, saturated
};

// Relative errors of the catalog and of the model calibrated on the other figure.
struct CrossErrors {
  double offline_catalog, offline_calibrated;  // offline output tok/s; calibrated on the TPOT
  double tpot_catalog, tpot_calibrated;        // TPOT at 4 req/s; calibrated on offline
};

// Fits on the latency run and predicts offline throughput, then the reverse.
CrossErrors cross_predict(const CrossCase& k, const std::string& label) {
  const Catalog& c = shipped();
  const Precision& w = *c.find_precision("bf16");
  const Precision& kv = *c.find_precision(w.default_kv);
  const ModelArch& m = *c.find_model(k.model);
  const GpuSpec& g = *c.find_gpu(k.gpu);
  Calibration lat = published("latency", sharegpt_in, sharegpt_out, 4.0, k.tpot_ms);
  Calibration off = published("offline", sharegpt_in, sharegpt_out, k.offline_tok_s / sharegpt_out, std::nullopt);
  ServingFit from_lat = fit_serving(c, m, g, w, kv, k.tp, {lat});
  ServingFit from_off = fit_serving(c, m, g, w, kv, k.tp, {off});
  REQUIRE(from_lat.ok);
  REQUIRE(from_off.ok);
  // What a model calibrated by `f` predicts for `other`: the catalog prediction of a fit
  // made on the scaled catalog.
  auto predict_with = [&](const ServingFit& f, const Calibration& other) {
    Catalog cal = scaled_catalog(c, k.gpu, f.scales);
    return fit_serving(cal, m, *cal.find_gpu(k.gpu), w, kv, k.tp, {other}).observations.at(0).catalog;
  };
  CrossErrors e;
  e.offline_catalog = (from_off.observations.at(0).catalog - k.offline_tok_s) / k.offline_tok_s;
  e.tpot_catalog = (from_lat.observations.at(0).catalog - k.tpot_ms) / k.tpot_ms;
  e.offline_calibrated =
      error_of((label + " offline output tok/s, calibrated on TPOT").c_str(), predict_with(from_lat, off), k.offline_tok_s);
  e.tpot_calibrated =
      error_of((label + " TPOT at 4 req/s, ms, calibrated on offline").c_str(), predict_with(from_off, lat), k.tpot_ms);
  return e;
}

}  // namespace

TEST_CASE("validation: serving calibration predicts the other figure of a deployment", "[validation]") {
  // Calibrating on one measured figure must bring the other closer than the catalog alone.
  // 8B on an A100: both lie within the +-30% band. 70B at TP 4: a light-load TPOT is
  // memory-bound and says nothing of GEMM efficiency, so offline throughput stays
  // overestimated (known deviation, pinned with its sign).
  CrossErrors a = cross_predict({"llama-3.1-8b", "a100-80gb-sxm", 1, 14.14, 4132.37}, "8B A100");
  CHECK(std::abs(a.offline_calibrated) < std::abs(a.offline_catalog));
  CHECK(std::abs(a.tpot_calibrated) < std::abs(a.tpot_catalog));
  CHECK(std::abs(a.offline_calibrated) < tol);
  CHECK(std::abs(a.tpot_calibrated) < tol);
  CrossErrors b = cross_predict({"llama-3.1-70b", "h100-sxm", 4, 23.58, 3700.64}, "70B 4xH100");
  CHECK(std::abs(b.offline_calibrated) < std::abs(b.offline_catalog));
  CHECK(std::abs(b.tpot_calibrated) < std::abs(b.tpot_catalog));
  CHECK(b.offline_calibrated > 0.0);
  CHECK(b.offline_calibrated < 0.60);
  CHECK(std::abs(b.tpot_calibrated) < tol);
}

// ---------------------------------------------------------------------------------------
// The models of 2025-26 (mixtures of experts, 4-bit formats, expert parallelism) against
// TensorRT-LLM v1.0's published offline throughput (NVIDIA/TensorRT-LLM,
// docs/source/performance/perf-overview.md, "Throughput Measurements": trtllm-bench
// throughput, PyTorch backend, synthetic requests of exactly ISL input and OSL output tokens,
// all queued at once; "Total Output Throughput (tokens/sec)" of the whole TP group; NVIDIA's
// ModelOpt FP8 / NVFP4 checkpoints; MoE models with enable_attention_dp, i.e. layout dep).
// The run's engine settings replace the catalog's vLLM defaults, as a user would describe
// their engine: TensorRT-LLM's LLM API defaults max_batch_size 2048 and max_num_tokens 8192
// (tensorrt_llm/llmapi/llm_args.py); the KV fraction stays 0.90 (the page's default).
// Nothing here is fitted: the errors are reported in docs/performance-model.md.

namespace {

struct TrtPoint {
  const char* model;
  const char* gpu;
  const char* prec;
  int gpus;
  Parallel layout;
  double in, out;
  double measured_tok_s;  // total output tokens/s
};

const TrtPoint trt_points[] = {
    // Llama 3.3 70B: H200 TP1 (FP8), H100 TP2 (FP8), B200 TP1 (FP4).
    {"llama-3.3-70b", "h200", "fp8", 1, Parallel::tp, 1000, 1000, 2909},
    {"llama-3.3-70b", "h200", "fp8", 1, Parallel::tp, 128, 2048, 4336},
    {"llama-3.3-70b", "h200", "fp8", 1, Parallel::tp, 2048, 2048, 2003},
    {"llama-3.3-70b", "h200", "fp8", 1, Parallel::tp, 5000, 500, 566},
    {"llama-3.3-70b", "h100-sxm", "fp8", 2, Parallel::tp, 1000, 1000, 4205},
    {"llama-3.3-70b", "b200", "nvfp4", 1, Parallel::tp, 1000, 1000, 7007},
    // Qwen3-235B-A22B: H200 and H100 TP8 (FP8), B200 TP8 (FP4).
    {"qwen3-235b-a22b", "h200", "fp8", 8, Parallel::dep, 1000, 1000, 23789},
    {"qwen3-235b-a22b", "h200", "fp8", 8, Parallel::dep, 2048, 2048, 16672},
    {"qwen3-235b-a22b", "h100-sxm", "fp8", 8, Parallel::dep, 1000, 1000, 14898},
    {"qwen3-235b-a22b", "b200", "nvfp4", 8, Parallel::dep, 1000, 1000, 42391},
    // Qwen3-30B-A3B: B200 TP1 (FP4).
    {"qwen3-30b-a3b", "b200", "nvfp4", 1, Parallel::tp, 1000, 1000, 25828},
    {"qwen3-30b-a3b", "b200", "nvfp4", 1, Parallel::tp, 2048, 2048, 17554},
    // Llama 4 Maverick: H200 and H100 TP8 (FP8).
    {"llama-4-maverick", "h200", "fp8", 8, Parallel::dep, 1000, 1000, 31782},
    {"llama-4-maverick", "h200", "fp8", 8, Parallel::dep, 2048, 2048, 20957},
    {"llama-4-maverick", "h100-sxm", "fp8", 8, Parallel::dep, 1000, 1000, 9677},
    // Llama 4 Scout: H200 and H100 TP4 (FP8).
    {"llama-4-scout", "h200", "fp8", 4, Parallel::dep, 1000, 1000, 21636},
    {"llama-4-scout", "h100-sxm", "fp8", 4, Parallel::dep, 1000, 1000, 12129},
    {"llama-4-scout", "h200", "fp8", 4, Parallel::dep, 2048, 2048, 14949},
};

// The shipped catalog with the measured engine's prefill batch (max_num_tokens 8,192); its
// batch limit, max_batch_size 2,048, is the catalog's for trtllm.
const Catalog& trtllm_catalog() {
  static const Catalog c = [] {
    Catalog k = test::shipped_catalog();
    REQUIRE(k.efficiency.max_batch_seqs_trtllm.value == 2048);
    k.efficiency.prefill_batch_tokens.value = 8192;
    return k;
  }();
  return c;
}

}  // namespace

TEST_CASE("validation: 2025-26 models, TensorRT-LLM v1.0 offline throughput", "[validation][moe]") {
  const Catalog& c = trtllm_catalog();
  std::vector<double> errors;
  for (const auto& p : trt_points) {
    const std::string what = fmt::format("{} {}x {} {} {} ISL/OSL {:.0f}/{:.0f}, output tok/s", p.model, p.gpus, p.gpu,
                                         p.prec, to_string(p.layout), p.in, p.out);
    INFO(what);
    const Precision& w = *c.find_precision(p.prec);
    const Precision& kv = *c.find_precision(w.default_kv);
    PerfModel pm(*c.find_model(p.model), *c.find_gpu(p.gpu), w, kv, p.gpus, c.efficiency, p.layout, 1,
                 Engine::trtllm);
    REQUIRE(deployment_problem(pm, p.in + p.out).empty());
    ServingModel sm(pm, p.in, p.out);
    errors.push_back(error_of(what.c_str(), sm.capacity_rps() * p.out, p.measured_tok_s));
  }
  std::vector<double> abs_err;
  for (double e : errors) abs_err.push_back(std::abs(e));
  std::sort(abs_err.begin(), abs_err.end());
  const std::size_t n = abs_err.size();
  const double median = n % 2 ? abs_err[n / 2] : (abs_err[n / 2 - 1] + abs_err[n / 2]) / 2.0;
  const double worst = abs_err.back();
  if (std::getenv("PLAN_VALIDATION_PRINT"))
    std::printf("| median absolute error | %.0f%% | worst | %.0f%% | points | %zu |\n", median * 100, worst * 100, n);
  // The aim is a median within 20% and no point beyond 50%. The dense points meet it; the
  // mixtures of experts do not: every MoE point is overestimated, by 65-142% (known
  // deviation, docs/performance-model.md), pinned here by its sign and its current size so
  // that a change making it worse fails.
  CHECK(n >= 15);
  double moe_low = 1e9, moe_high = 0;  // predicted / measured over the MoE points
  for (std::size_t i = 0; i < n; ++i) {
    INFO(trt_points[i].model << " " << trt_points[i].gpu);
    if (c.find_model(trt_points[i].model)->is_moe()) {
      CHECK(errors[i] > 0.0);
      CHECK(errors[i] < 1.50);
      moe_low = std::min(moe_low, 1.0 + errors[i]);
      moe_high = std::max(moe_high, 1.0 + errors[i]);
    } else {
      CHECK(std::abs(errors[i]) < 0.50);
    }
  }
  // The range every plan of a MoE sized from the catalog alone quotes (perf.hpp) is this one,
  // to the two decimals it is quoted with: a change of the model must update it.
  CHECK(moe_low == Approx(perf::moe_catalog_over_measured_low).margin(0.005));
  CHECK(moe_high == Approx(perf::moe_catalog_over_measured_high).margin(0.005));
  CHECK(median < 0.80);
  CHECK(worst < 1.50);
}

// Leave-one-out over the TensorRT-LLM points: a calibration fitted to one shape of a
// deployment (one offline throughput figure, on the replica model of its layout) predicts
// the other shape of the same deployment, which it was not fitted to. The errors are
// reported in docs/performance-model.md ("Calibrated on one shape").
TEST_CASE("validation: a calibration fitted to one shape predicts the other shape of a deployment",
          "[validation][moe][calibration]") {
  const Catalog& c = trtllm_catalog();
  struct Pair {
    std::size_t fit, predict;  // indices into trt_points, the same deployment
  };
  // Deployments measured at 1000/1000 and 2048/2048, in both directions.
  const Pair pairs[] = {{6, 7}, {7, 6}, {10, 11}, {11, 10}, {12, 13}, {13, 12}, {15, 17}, {17, 15}, {0, 2}, {2, 0}};
  for (const Pair& pr : pairs) {
    const TrtPoint& a = trt_points[pr.fit];
    const TrtPoint& b = trt_points[pr.predict];
    REQUIRE(std::string(a.model) == b.model);
    REQUIRE(std::string(a.gpu) == b.gpu);
    REQUIRE(a.gpus == b.gpus);
    REQUIRE(a.layout == b.layout);
    const std::string what =
        fmt::format("{} {}x {} {} {}: fitted to ISL/OSL {:.0f}/{:.0f}, predicts {:.0f}/{:.0f}, output tok/s", a.model,
                    a.gpus, a.gpu, a.prec, to_string(a.layout), a.in, a.out, b.in, b.out);
    INFO(what);
    const ModelArch& m = *c.find_model(a.model);
    const GpuSpec& g = *c.find_gpu(a.gpu);
    const Precision& w = *c.find_precision(a.prec);
    const Precision& kv = *c.find_precision(w.default_kv);
    Calibration file = published("one shape", a.in, a.out, a.measured_tok_s / a.out, std::nullopt);
    file.engine = "trtllm";
    ServingFit f = fit_serving(c, m, g, w, kv, a.gpus, {file}, a.layout);
    REQUIRE(f.ok);
    // The point it was fitted to is reproduced.
    CHECK(f.observations.at(0).fitted == Approx(a.measured_tok_s).epsilon(0.01));
    const Catalog cal = scaled_catalog(c, a.gpu, f.scales);
    const PerfModel before(m, g, w, kv, b.gpus, c.efficiency, b.layout, 1, Engine::trtllm);
    const PerfModel after(m, *cal.find_gpu(b.gpu), w, kv, b.gpus, cal.efficiency, b.layout, 1, Engine::trtllm);
    const double catalog_err = (ServingModel(before, b.in, b.out).capacity_rps() * b.out - b.measured_tok_s) / b.measured_tok_s;
    const double err = error_of(what.c_str(), ServingModel(after, b.in, b.out).capacity_rps() * b.out, b.measured_tok_s);
    // The mixtures of experts are overestimated by the catalog alone (65-142%, above); one
    // shape's calibration must bring the other closer.
    if (m.is_moe()) CHECK(std::abs(err) < std::abs(catalog_err));
    if (std::string(a.model) == "qwen3-30b-a3b") {
      // Known deviation: the catalog's error on this deployment changes with the shape
      // (+142% at 1000/1000, +82% at 2048/2048: the per-sequence engine costs at the
      // thousands of sequences its small active size lets the KV cache hold, which the model
      // leaves out), so no one multiplier carries from one shape to the other. Fitted to
      // 1000/1000 it underestimates 2048/2048 and the reverse overestimates; pinned by sign
      // and size.
      CHECK(err * (a.in < b.in ? -1.0 : 1.0) > 0.0);
      CHECK(std::abs(err) < 0.50);
    } else {
      CHECK(std::abs(err) < tol);
    }
  }
}
