// Calibration model (lib/core calibration.cpp) and the CPU probe (lib/probe).
#include <catch2/catch.hpp>

#include "plan/core/serving/calibration.hpp"
#include "plan/core/base/error.hpp"
#include "plan/core/data/catalog.hpp"
#include "plan/probe/cpu_probe.hpp"

using namespace plan;

namespace {

DecodePoint pt(int batch, double bytes, double flops, double step_s) {
  DecodePoint p;
  p.batch = batch;
  p.bytes = bytes;
  p.flops = flops;
  p.step_s = step_s;
  p.tokens_per_s = batch / step_s;
  return p;
}

}  // namespace

TEST_CASE("TransformerShape sizes the tiny model", "[calibration]") {
  TransformerShape s = *builtin_shape("tiny");
  // q 256x(8x32) = 65,536; k and v 2 x 256x(2x32) = 32,768; o 65,536; MLP 3 x 256 x 688 = 528,384.
  CHECK(s.params_per_layer() == 692224.0);
  // head 32,000 x 256 = 8,192,000; 4 layers x 692,224 = 2,768,896; total 10,960,896.
  CHECK(s.head_params() == 8192000.0);
  CHECK(s.active_params() == 10960896.0);
  CHECK(s.kv_elements_per_token_per_layer() == 128.0);  // 2 x 2 kv heads x 32
  CHECK_FALSE(builtin_shape("llama-70b").has_value());
}

TEST_CASE("decode_step_cost counts weights, KV cache and attention", "[calibration]") {
  TransformerShape s = *builtin_shape("tiny");
  StepCost c = decode_step_cost(s, s.layers, 4.0, 4.0, 2, 100);
  // Weights 10,960,896 x 4 B = 43,843,584; KV 4 layers x 2 seqs x 100 tokens x 128 x 4 B = 409,600.
  CHECK(c.bytes == Approx(44253184.0));
  // 2 FLOPs x 10,960,896 x 2 tokens = 43,843,584; attention 4 x 4 layers x 8 heads x 32 x 100 x 2 = 819,200.
  CHECK(c.flops == Approx(44662784.0));
  // Prefill of 10 tokens: layers 2 x 2,768,896 x 10 = 55,377,920; head once 2 x 8,192,000 = 16,384,000;
  // attention 4 x 4 x 8 x 32 x (10 x 11 / 2 = 55) = 225,280. Sum 71,987,200.
  CHECK(prefill_flops(s, s.layers, 10) == Approx(71987200.0));
}

TEST_CASE("bytes_per_element knows the precisions", "[calibration]") {
  CHECK(bytes_per_element("fp32") == 4);
  CHECK(bytes_per_element("bf16") == 2);
  CHECK(bytes_per_element("fp8") == 1);
  CHECK(bytes_per_element("int4") == 0.5);
  CHECK_THROWS_AS(bytes_per_element("fp6"), Error);
}

TEST_CASE("fit_decode_roofline recovers a known roofline", "[calibration][fit]") {
  // Truth: t_fixed 0.5 ms, 1 TB/s (k_bw 1e-12 s/B), 100 TFLOP/s (k_fl 1e-14 s/FLOP).
  // t = 0.5 ms + max(bytes x 1e-12, flops x 1e-14):
  std::vector<DecodePoint> pts = {
      pt(1, 1.0e9, 1.0e10, 1.5e-3),   // max(1.0 ms, 0.1 ms) + 0.5 = 1.5 ms
      pt(2, 1.1e9, 1.0e10, 1.6e-3),   // max(1.1, 0.1) + 0.5 = 1.6 ms
      pt(4, 1.2e9, 5.0e10, 1.7e-3),   // max(1.2, 0.5) + 0.5 = 1.7 ms
      pt(64, 1.5e9, 4.0e11, 4.5e-3),  // max(1.5, 4.0) + 0.5 = 4.5 ms
      pt(128, 2.0e9, 8.0e11, 8.5e-3), // max(2.0, 8.0) + 0.5 = 8.5 ms
  };
  SECTION("starting from the true peaks") {
    EfficiencyFit f = fit_decode_roofline(pts, 1e12, 1e14);
    CHECK(f.t_fixed_s == Approx(0.5e-3).epsilon(1e-9));
    CHECK(f.seconds_per_byte == Approx(1e-12).epsilon(1e-9));
    CHECK(f.seconds_per_flop == Approx(1e-14).epsilon(1e-9));
    CHECK(f.bandwidth_bound_points == 3);
    CHECK(f.compute_bound_points == 2);
    CHECK(f.rms_residual_s == Approx(0).margin(1e-12));
  }
  SECTION("starting from peaks that misplace a point") {
    // With 3 TB/s and 100 TFLOP/s the point at 1.2e9 B / 5e10 FLOP (0.4 vs 0.5 ms) starts on
    // the compute branch; refitting moves it back.
    EfficiencyFit f = fit_decode_roofline(pts, 3e12, 1e14);
    CHECK(f.seconds_per_byte == Approx(1e-12).epsilon(1e-9));
    CHECK(f.seconds_per_flop == Approx(1e-14).epsilon(1e-9));
    CHECK(f.bandwidth_bound_points == 3);
  }
}

TEST_CASE("fit_decode_roofline with only bandwidth-bound points", "[calibration][fit]") {
  // t = 0.2 ms + bytes / 500 GB/s: 1e9 B -> 2.2 ms, 1.5e9 -> 3.2 ms, 3e9 -> 6.2 ms.
  std::vector<DecodePoint> pts = {pt(1, 1e9, 1e9, 2.2e-3), pt(8, 1.5e9, 8e9, 3.2e-3), pt(32, 3e9, 3.2e10, 6.2e-3)};
  EfficiencyFit f = fit_decode_roofline(pts, 1e12, 1e15);
  CHECK(f.t_fixed_s == Approx(0.2e-3).epsilon(1e-9));
  CHECK(f.seconds_per_byte == Approx(2e-12).epsilon(1e-9));
  CHECK(f.seconds_per_flop == 0);
  CHECK(f.compute_bound_points == 0);

  // e_bw = 500 GB/s / 1000 GB/s = 0.5. No compute term: e_fl from prefill, 40 / 100 TFLOP/s = 0.4.
  Efficiencies e = efficiencies_from_fit(f, 1e12, 1e14, "test", 4e13);
  CHECK(e.e_bw == Approx(0.5));
  REQUIRE(e.e_fl.has_value());
  CHECK(*e.e_fl == Approx(0.4));
  CHECK(e.t_fixed_s == Approx(0.2e-3));
}

TEST_CASE("bounded_efficiencies replaces a reference that the device outran", "[calibration][fit]") {
  // The fit: 500 GB/s effective bandwidth (2e-12 s/B), 40 TFLOP/s effective (2.5e-14 s/FLOP).
  EfficiencyFit f;
  f.seconds_per_byte = 2e-12;
  f.seconds_per_flop = 2.5e-14;
  f.t_fixed_s = 1e-4;
  std::vector<std::string> notes;

  SECTION("within the references: unchanged, the copy is not measured") {
    // e_bw = 500 / 1000 = 0.5, e_fl = 40 / 100 = 0.4.
    bool measured = false;
    Efficiencies e = bounded_efficiencies(f, 1e12, 1e14, "catalog gpu x", 0, [&] {
      measured = true;
      return 9e11;
    }, 8e13, notes);
    CHECK(e.e_bw == Approx(0.5));
    CHECK(*e.e_fl == Approx(0.4));
    CHECK_FALSE(measured);
    CHECK(notes.empty());
    CHECK(e.reference_source == "catalog gpu x");
  }
  SECTION("e_bw above 1: the reference bandwidth is the measured copy") {
    // Against 245 GB/s, e_bw = 500 / 245 = 2.04 (the figure the CPU probe reported). A copy
    // at 625 GB/s: e_bw = 500 / 625 = 0.8. e_fl against 100 TFLOP/s stays 0.4.
    Efficiencies e = bounded_efficiencies(f, 2.45e11, 1e14, "catalog gpu x", 0, [] { return 6.25e11; }, 8e13, notes);
    CHECK(e.e_bw == Approx(0.8));
    CHECK(e.reference_bandwidth_bytes_per_s == Approx(6.25e11));
    CHECK(*e.e_fl == Approx(0.4));
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("e_bw 2.04 against the reference bandwidth 245.00 GB/s") != std::string::npos);
    CHECK(notes[0].find("STREAM-style copy measured on this device, 625.00 GB/s") != std::string::npos);
    CHECK(e.reference_source.rfind("catalog gpu x; reference bandwidth replaced by a STREAM-style copy", 0) == 0);
    CHECK(reference_bandwidth_replaced(e));
    CHECK_FALSE(reference_flops_replaced(e));
  }
  SECTION("e_bw above 1 against the copy too: the fit's own bandwidth, e_bw 1") {
    // Copy 400 GB/s < 500 GB/s effective: reference 500 GB/s, e_bw = 1.
    Efficiencies e = bounded_efficiencies(f, 2.45e11, 1e14, "measured", 0, [] { return 4e11; }, 8e13, notes);
    CHECK(e.e_bw == Approx(1.0));
    CHECK(e.reference_bandwidth_bytes_per_s == Approx(5e11));
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("reached only 400.00 GB/s") != std::string::npos);
  }
  SECTION("e_fl above 1: the measured GEMM, else the fit's own rate") {
    // Against 20 TFLOP/s, e_fl = 40 / 20 = 2. The GEMM at 50 TFLOP/s: e_fl = 40 / 50 = 0.8.
    Efficiencies e = bounded_efficiencies(f, 1e12, 2e13, "catalog gpu x", 0, nullptr, 5e13, notes);
    CHECK(*e.e_fl == Approx(0.8));
    CHECK(e.e_bw == Approx(0.5));
    // The GEMM at 30 TFLOP/s, below the fit's 40: e_fl = 1 against 40.
    notes.clear();
    Efficiencies e2 = bounded_efficiencies(f, 1e12, 2e13, "catalog gpu x", 0, nullptr, 3e13, notes);
    CHECK(*e2.e_fl == Approx(1.0));
    CHECK(e2.reference_flops_per_s == Approx(4e13));
  }
}

TEST_CASE("fit_decode_roofline holds t_fixed at 0 when it would swallow the bandwidth term", "[calibration][fit]") {
  // With peaks 1 TB/s and 5 TFLOP/s the first point is bandwidth-bound (1 ms vs 0.02 ms)
  // and the others compute-bound (1.01 vs 2 ms, 1.02 vs 4 ms). The compute line through
  // (1e10 FLOP, 4 ms) and (2e10, 6 ms) has an intercept of 2 ms, more than the bandwidth
  // point's 1.5 ms, so a free intercept leaves k_bw = 0. Through the origin the bandwidth
  // point alone gives k_bw = 1.5 ms / 1e9 B = 1.5e-12 s/B, and the compute points
  // k_fl = (1e10 x 4 + 2e10 x 6) / (1e20 + 4e20) ms = 3.2e-13 s/FLOP.
  std::vector<DecodePoint> pts = {pt(1, 1e9, 1e8, 1.5e-3), pt(8, 1.01e9, 1e10, 4e-3), pt(16, 1.02e9, 2e10, 6e-3)};
  EfficiencyFit f = fit_decode_roofline(pts, 1e12, 5e12);
  CHECK(f.t_fixed_s == 0);
  CHECK(f.seconds_per_byte == Approx(1.5e-12).epsilon(1e-9));
  CHECK(f.seconds_per_flop == Approx(3.2e-13).epsilon(1e-9));
  CHECK(f.method.find("t_fixed held at 0") != std::string::npos);
}

TEST_CASE("fit_decode_roofline rejects unusable points", "[calibration][fit]") {
  CHECK_THROWS_AS(fit_decode_roofline({}, 1e12, 1e14), Error);
  CHECK_THROWS_AS(fit_decode_roofline({pt(1, 1e9, 1e9, 0)}, 1e12, 1e14), Error);
}

TEST_CASE("run_cpu_probe measures the tiny model end to end", "[calibration][probe]") {
  ProbeConfig cfg;
  cfg.shape = *builtin_shape("tiny");
  cfg.batches = {1, 2};
  cfg.context = 64;
  cfg.prefill_tokens = 16;
  cfg.repeats = 2;
  cfg.warmup = 1;
  cfg.stream_array_bytes = 4 << 20;
  SECTION("all layers") {
    ProbeResult r = probe::run_cpu_probe(cfg);
    CHECK(r.backend == "cpu");
    CHECK(r.layers_run == 4);
    REQUIRE(r.decode.size() == 2);
    CHECK(r.decode[1].batch == 2);
    CHECK(r.decode[1].tokens_per_s == Approx(2 / r.decode[1].step_s));
    CHECK(r.stream_bandwidth_bytes_per_s > 0);
    CHECK(r.prefill_tokens_per_s == Approx(16 / r.prefill_s));
  }
  SECTION("a budget of the head and 2.5 layers runs 2 layers and says so") {
    double head = 4.0 * cfg.shape.head_params();
    double layer = probe::cpu_layer_bytes(cfg.shape, 2, 64);
    cfg.memory_budget_bytes = head + 2.5 * layer;
    ProbeResult r = probe::run_cpu_probe(cfg);
    CHECK(r.layers_run == 2);
    CHECK(r.notes.back() == "ran 2 of 4 layers; layer times scaled by 4/2");
  }
  SECTION("fp16 is refused") {
    cfg.precision = "fp16";
    CHECK_THROWS_AS(probe::run_cpu_probe(cfg), Error);
  }
}

TEST_CASE("probe_reference: the catalog entry's figures when it is of the probe's kind", "[calibration]") {
  ProbeResult r;
  r.stream_bandwidth_bytes_per_s = 100e9;
  r.gemm_flops_per_s = 50e12;
  GpuSpec gpu;
  gpu.id = "h100";
  gpu.line = 42;
  gpu.hbm_gb_per_s = 3350;
  gpu.bf16_tflops = 989;
  gpu.file = "cat.yaml";  // a catalog other than the shipped one: cited by its own file
  GpuSpec cpu = gpu;
  cpu.id = "xeon";
  cpu.device = DeviceKind::cpu;
  cpu.hbm_gb_per_s = 200;
  cpu.bf16_tflops = 3;  // the fp32 peak, for a CPU entry
  SECTION("a GPU probed with CUDA at bf16: 3,350 GB/s and 989 TFLOPS") {
    const ProbeReference ref = probe_reference(r, ProbeBackend::cuda, "bf16", &gpu);
    CHECK(ref.bandwidth_bytes_per_s == Approx(3350e9));
    CHECK(ref.flops_per_s == Approx(989e12));
    CHECK(ref.source == "catalog gpu h100 (cat.yaml line 42: 3350 GB/s, 989 TFLOPS bf16)");
    CHECK(ref.not_catalog_why.empty());
    CHECK(probe_reference(r, ProbeBackend::cuda, "fp16", &gpu).flops_per_s == Approx(989e12));
  }
  SECTION("a GPU probed with CUDA at fp32: the device's own figures, and why") {
    const ProbeReference ref = probe_reference(r, ProbeBackend::cuda, "fp32", &gpu);
    CHECK(ref.bandwidth_bytes_per_s == Approx(100e9));
    CHECK(ref.flops_per_s == Approx(50e12));
    CHECK(ref.source == "measured on this device: triad streaming kernel, large GEMM");
    CHECK(ref.not_catalog_why == "efficiencies are relative to this device's own measurements, not to catalog gpu "
                                 "h100 (that needs --backend cuda at bf16 or fp16)");
  }
  SECTION("a catalog CPU entry probed on the CPU: 200 GB/s, 3 TFLOPS fp32") {
    const ProbeReference ref = probe_reference(r, ProbeBackend::cpu, "fp32", &cpu);
    CHECK(ref.bandwidth_bytes_per_s == Approx(200e9));
    CHECK(ref.flops_per_s == Approx(3e12));
    CHECK(ref.source == "catalog gpu xeon (cat.yaml line 42: 200 GB/s, 3 TFLOPS fp32)");
  }
  SECTION("a catalog CPU entry probed with CUDA, a GPU probed on the CPU, no entry") {
    const ProbeReference c = probe_reference(r, ProbeBackend::cuda, "bf16", &cpu);
    CHECK(c.bandwidth_bytes_per_s == Approx(100e9));
    CHECK(c.not_catalog_why == "efficiencies are relative to this device's own measurements, not to catalog gpu "
                               "xeon (that needs --backend cuda at bf16 or fp16, or --backend cpu for a catalog cpu "
                               "entry)");
    const ProbeReference g = probe_reference(r, ProbeBackend::cpu, "fp32", &gpu);
    CHECK(g.source == "measured on this device: STREAM triad streaming kernel, large GEMM");
    CHECK(g.flops_per_s == Approx(50e12));
    CHECK_FALSE(g.not_catalog_why.empty());
    const ProbeReference none = probe_reference(r, ProbeBackend::cpu, "fp32", nullptr);
    CHECK(none.bandwidth_bytes_per_s == Approx(100e9));
    CHECK(none.not_catalog_why.empty());
  }
}

TEST_CASE("probe_prefill_flops_per_s: the whole model's prefill FLOPs over the prefill time", "[calibration]") {
  // layers 2, hidden 4, heads 2, kv_heads 1, head_dim 2, ffn 8, vocab 10. Per layer: q 4x2x2
  // = 16, k and v 2x4x1x2 = 16, o 2x2x4 = 16, MLP 3x4x8 = 96: 144; head 10 x 4 = 40.
  // 3 tokens: 2 x (2 x 144) x 3 = 1,728; head 2 x 40 = 80; attention 4 x 2 layers x 2 heads
  // x 2 x (3 x 4 / 2 = 6 pairs) = 192. 2,000 FLOPs in 0.5 s: 4,000 FLOP/s.
  TransformerShape s;
  s.layers = 2;
  s.hidden = 4;
  s.heads = 2;
  s.kv_heads = 1;
  s.head_dim = 2;
  s.ffn = 8;
  s.vocab = 10;
  ProbeResult r;
  r.prefill_tokens = 3;
  r.prefill_s = 0.5;
  CHECK(probe_prefill_flops_per_s(s, r) == Approx(4000));
}
