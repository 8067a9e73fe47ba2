// Which calibration sizes a deployment (perf::CalibrationSet, lib/core/src/serving/calibrated_provider.cpp)
// and the provider that builds calibrated replicas, on hand-built calibrations over the
// fixture catalog (tests/data/catalog-test.yaml: model 'round', 10 layers, on 'unit-gpu',
// every efficiency 0.5, 1 ms per step + 100 us per layer).
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "catalogs.hpp"

#include "plan/core/serving/calibrated_provider.hpp"

using namespace plan;
using namespace plan::perf;

namespace {

const Catalog& fixture() { return test::fixture_catalog(); }

// A probe calibration relative to the catalog GPU's spec figures.
Calibration probe(const std::string& path, const std::string& model, int tp, const std::string& created,
                  double e_bw, double t_fixed_s = 0.003) {
  Calibration c;
  c.kind = CalibrationKind::probe;
  c.path = path;
  c.model = model;
  c.gpu = "unit-gpu";
  c.precision = "bf16";
  c.gpus_per_replica = tp;
  c.created = created;
  Efficiencies e;
  e.e_bw = e_bw;
  e.e_fl = 0.4;
  e.t_fixed_s = t_fixed_s;
  e.reference_source = "catalog gpu unit-gpu";
  c.efficiencies = e;
  return c;
}

// A serving result imported for 'round' on 'unit-gpu' at TP 1: one latency run of 100 input
// and 100 output tokens at 0.1 requests/s with a mean TPOT of 10 ms, which fits the
// memory-bound time only (tests/unit/test_serving_fit.cpp works the case by hand).
Calibration serving_import(const std::string& path) {
  Calibration c;
  c.kind = CalibrationKind::import;
  c.path = path;
  c.model = "round";
  c.gpu = "unit-gpu";
  c.precision = "bf16";
  c.gpus_per_replica = 1;
  c.created = "2026-01-01T00:00:00Z";
  ServingMeasurement s;
  s.tool = ServingFormat::vllm_serve;
  s.mean_input_tokens = 100;
  s.mean_output_tokens = 100;
  s.requests_per_s = 0.1;
  s.output_tokens_per_s = 10;
  s.tpot_mean_ms = 10;
  c.serving = s;
  return c;
}

const CalibrationKey round_tp1{"round", "unit-gpu", "bf16", 1};

double e_bw_of(const PerfCalibration& a) { return *a.catalog.find_gpu("unit-gpu")->e_bw; }

GpuInstance instance(int gpus) {
  GpuInstance i;
  i.id = "unit";
  i.gpu = "unit-gpu";
  i.gpu_count = gpus;
  i.on_demand_per_hour = 1;
  return i;
}

Option round_option(int tp) {
  Option o;
  o.id = "x";
  o.spec = SelfHostedOption{"unit", FleetSpec{}};
  o.fleet()->model = "round";
  o.fleet()->gpus_per_replica = tp;
  return o;
}

WorkloadMix mix(std::optional<double> tpot_ms = std::nullopt) {
  WorkloadMix m;
  m.input_tokens = 100;
  m.output_tokens = 100;
  m.tpot_ms = tpot_ms;
  return m;
}

}  // namespace

TEST_CASE("calibration_matches compares model, GPU, precision, GPU count and layout", "[calibrated_provider]") {
  Calibration c = probe("a.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.4);
  CHECK(calibration_matches(c, round_tp1));
  CHECK_FALSE(calibration_matches(c, {"round-moe", "unit-gpu", "bf16", 1}));
  CHECK_FALSE(calibration_matches(c, {"round", "other-gpu", "bf16", 1}));
  CHECK_FALSE(calibration_matches(c, {"round", "unit-gpu", "fp8", 1}));
  CHECK_FALSE(calibration_matches(c, {"round", "unit-gpu", "bf16", 2}));
  CHECK_FALSE(calibration_matches(c, {"round", "unit-gpu", "bf16", 1, Parallel::ep}));
  c.parallel = Parallel::dep;
  CHECK(calibration_matches(c, {"round", "unit-gpu", "bf16", 1, Parallel::dep}));
  CHECK_FALSE(calibration_matches(c, round_tp1));
}

TEST_CASE("calibration set: a serving import for the same key wins over a probe", "[calibrated_provider]") {
  // The probe is newer and for the same key; the import is still preferred.
  CalibrationSet set({probe("probe.yaml", "round", 1, "2026-06-01T00:00:00Z", 0.4), serving_import("serve.yaml")},
                     false);
  std::vector<std::string> notes;
  auto a = set.apply(fixture(), round_tp1, &notes);
  REQUIRE(a);
  CHECK(a->source == "serve.yaml");
  CHECK_THAT(a->note, Catch::StartsWith("calibrated by serving results serve.yaml: time scales memory x1.993"));
  // The memory scale is 7.9958 / 4.012008 (test_serving_fit.cpp), so e_bw = 0.5 / 1.992967.
  CHECK(e_bw_of(*a) == Approx(0.5 * 4.012008 / 7.9958).epsilon(1e-6));

  SECTION("the import applies to its own TP only: at TP 2 the TP 1 probe is used") {
    auto tp2 = set.apply(fixture(), {"round", "unit-gpu", "bf16", 2}, nullptr);
    REQUIRE(tp2);
    CHECK(tp2->source == "probe.yaml");
  }
}

TEST_CASE("calibration set: ranking of probe files", "[calibrated_provider]") {
  SECTION("the same model beats another model, even an older file at TP 1") {
    CalibrationSet set({probe("other.yaml", "round-moe", 2, "2026-06-01T00:00:00Z", 0.3),
                        probe("same.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.4)},
                       false);
    auto a = set.apply(fixture(), {"round", "unit-gpu", "bf16", 2}, nullptr);
    REQUIRE(a);
    CHECK(a->source == "same.yaml");
    CHECK(e_bw_of(*a) == 0.4);
    CHECK_THAT(a->note, Catch::EndsWith("; measured at TP 1, all-reduces at TP 2 from the catalog"));
  }
  SECTION("the same TP beats TP 1, even an older file") {
    CalibrationSet set({probe("tp1.yaml", "round", 1, "2026-06-01T00:00:00Z", 0.3),
                        probe("tp2.yaml", "round", 2, "2026-01-01T00:00:00Z", 0.4)},
                       false);
    auto a = set.apply(fixture(), {"round", "unit-gpu", "bf16", 2}, nullptr);
    REQUIRE(a);
    CHECK(a->source == "tp2.yaml");
    CHECK(a->note.find("measured at TP") == std::string::npos);
  }
  SECTION("a probe at another TP than this one or 1 does not apply") {
    CalibrationSet set({probe("tp4.yaml", "round", 4, "2026-01-01T00:00:00Z", 0.4)}, false);
    CHECK_FALSE(set.apply(fixture(), {"round", "unit-gpu", "bf16", 2}, nullptr));
  }
  SECTION("newest first on ties, whatever the order of the files") {
    const Calibration older = probe("older.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.3);
    const Calibration newer = probe("newer.yaml", "round", 1, "2026-02-01T00:00:00Z", 0.4);
    CHECK(CalibrationSet({older, newer}, false).apply(fixture(), round_tp1, nullptr)->source == "newer.yaml");
    CHECK(CalibrationSet({newer, older}, false).apply(fixture(), round_tp1, nullptr)->source == "newer.yaml");
    // Equal times: the later in the list (files are listed by name).
    const Calibration twin = probe("twin.yaml", "round", 1, "2026-02-01T00:00:00Z", 0.35);
    CHECK(CalibrationSet({newer, twin}, false).apply(fixture(), round_tp1, nullptr)->source == "twin.yaml");
  }
  SECTION("efficiencies relative to the probe's own kernels, another GPU or precision do not apply") {
    Calibration own = probe("own.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.4);
    own.efficiencies->reference_source = "measured (stream triad, large GEMM)";
    Calibration gpu = probe("gpu.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.4);
    gpu.gpu = "other-gpu";
    Calibration fp8 = probe("fp8.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.4);
    fp8.precision = "fp8";
    CHECK_FALSE(CalibrationSet({own, gpu, fp8}, false).apply(fixture(), round_tp1, nullptr));
  }
}

TEST_CASE("calibration set: a probe of the same model sets the fixed cost per step", "[calibrated_provider]") {
  CalibrationSet set({probe("same.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.4, 0.003)}, false);
  auto a = set.apply(fixture(), round_tp1, nullptr);
  REQUIRE(a);
  // t_fixed 3 ms already holds the per-layer gaps, so the layer overhead is 0.
  CHECK(a->catalog.efficiency.step_overhead_ms.value == Approx(3.0));
  CHECK(a->catalog.efficiency.layer_overhead_us.value == 0);
  CHECK(a->catalog.efficiency.step_overhead_ms.source == "same.yaml");
  CHECK(a->note == "calibrated by same.yaml: e_bw 0.400, e_fl 0.400, t_fixed 3.000 ms (catalog gpu unit-gpu)");
}

TEST_CASE("calibration set: a reference the probe replaced replaces the catalog's figure", "[calibrated_provider]") {
  // The device streamed at 1,600 GB/s against the catalog's 1,000 (e_bw 1.6 would not read
  // back): the probe measured a 2,000 GB/s copy, e_bw 1,600 / 2,000 = 0.8 (bounded_efficiencies).
  // The plan then models 2,000 GB/s x 0.8 = 1,600 GB/s, what was measured; not 1,000 x 0.8.
  EfficiencyFit fit;
  fit.seconds_per_byte = 1.0 / 1.6e12;
  fit.seconds_per_flop = 1.0 / 4e13;  // 40 TFLOPS of the catalog's 100: e_fl 0.4, kept
  std::vector<std::string> notes;
  Calibration c = probe("fast.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.4);
  c.efficiencies = bounded_efficiencies(fit, 1e12, 1e14, "catalog gpu unit-gpu", 0, [] { return 2e12; }, 5e13, notes);
  REQUIRE(c.efficiencies->e_bw == Approx(0.8));
  auto a = CalibrationSet({c}, false).apply(fixture(), round_tp1, nullptr);
  REQUIRE(a);
  const GpuSpec& g = *a->catalog.find_gpu("unit-gpu");
  CHECK(g.hbm_gb_per_s == Approx(2000));
  CHECK(g.bf16_tflops == Approx(100));  // not replaced
  CHECK(*g.e_bw * g.hbm_gb_per_s == Approx(1600));
  // A file relative to the catalog's own figures leaves them as they are, whatever
  // reference figure it states (hand-made files state others).
  Calibration plain = probe("plain.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.4);
  plain.efficiencies->reference_bandwidth_bytes_per_s = 1e10;
  auto b = CalibrationSet({plain}, false).apply(fixture(), round_tp1, nullptr);
  REQUIRE(b);
  CHECK(b->catalog.find_gpu("unit-gpu")->hbm_gb_per_s == Approx(1000));
}

TEST_CASE("calibration set: a probe of another model keeps the catalog's fixed step cost", "[calibrated_provider]") {
  CalibrationSet set({probe("moe.yaml", "round-moe", 1, "2026-01-01T00:00:00Z", 0.4, 0.009)}, false);
  auto a = set.apply(fixture(), round_tp1, nullptr);
  REQUIRE(a);
  CHECK(e_bw_of(*a) == 0.4);  // the device's efficiency applies
  // The catalog's fixed cost of 'round': 1 ms per step + 10 layers x 100 us = 2 ms, not the
  // probe's 9 ms.
  CHECK(a->catalog.efficiency.step_overhead_ms.value == Approx(2.0));
  CHECK(a->catalog.efficiency.layer_overhead_us.value == 0);
  CHECK(fixed_step_seconds(*fixture().find_model("round"), a->catalog.efficiency) == Approx(0.002));
  CHECK_THAT(a->note, Catch::Contains("t_fixed 2.000 ms") &&
                          Catch::EndsWith("; probed with round-moe, so the fixed cost per step is the catalog's"));
}

TEST_CASE("calibration set: nothing matches", "[calibrated_provider]") {
  const Calibration other_gpu = [] {
    Calibration c = probe("gpu.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.4);
    c.gpu = "other-gpu";
    return c;
  }();
  std::vector<std::string> notes;
  SECTION("files from the results directory: no note") {
    CHECK_FALSE(CalibrationSet({other_gpu}, false).apply(fixture(), round_tp1, &notes));
    CHECK(notes.empty());
  }
  SECTION("files named by the user: a note says catalog figures are used") {
    CHECK_FALSE(CalibrationSet({other_gpu}, true).apply(fixture(), round_tp1, &notes));
    REQUIRE(notes.size() == 1);
    CHECK(notes[0] == "no --calibration file is for round on unit-gpu (bf16, 1 GPU, layout tp): not calibrated, sized as its throughput source says");
  }
  SECTION("a model, GPU or precision the catalog lacks") {
    CalibrationSet set({probe("a.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.4)}, true);
    CHECK_FALSE(set.apply(fixture(), {"nope", "unit-gpu", "bf16", 1}, &notes));
    CHECK_FALSE(set.apply(fixture(), {"round", "nope", "bf16", 1}, &notes));
    CHECK_FALSE(set.apply(fixture(), {"round", "unit-gpu", "nope", 1}, &notes));
    CHECK(notes.empty());
  }
}

TEST_CASE("calibrated provider: provenance of the replica", "[calibrated_provider]") {
  SECTION("no calibration, or none that matches, leaves the catalog model") {
    Calibration fp8 = probe("fp8.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.4);
    fp8.precision = "fp8";
    for (const CalibrationSet& set : {CalibrationSet(), CalibrationSet({fp8}, false)}) {
      CalibratedReplicaModelProvider p(fixture(), set);
      auto m = p.make(round_option(0), instance(1), mix());
      CHECK(m->spec().provenance == ThroughputProvenance::spec);
      CHECK(m->spec().fits);
      CHECK(m->spec().gpus_per_replica == 1);
    }
  }
  SECTION("a matching probe calibrates it") {
    CalibratedReplicaModelProvider p(fixture(),
                                     CalibrationSet({probe("p.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.4)}, false));
    auto m = p.make(round_option(0), instance(1), mix());
    CHECK(m->spec().provenance == ThroughputProvenance::calibrated);
    CHECK(m->spec().provenance_source == "p.yaml");
    // The catalog model's own notes come first, then what the calibration measured.
    REQUIRE(m->spec().notes.size() >= 2);
    CHECK_THAT(m->spec().notes[0], Catch::StartsWith("round on 1x unit-gpu (bf16)"));
    CHECK_THAT(m->spec().notes[1], Catch::StartsWith("calibrated by p.yaml: e_bw 0.400"));
  }
  SECTION("a serving import wins over a probe") {
    CalibratedReplicaModelProvider p(
        fixture(), CalibrationSet({probe("p.yaml", "round", 1, "2026-06-01T00:00:00Z", 0.4), serving_import("s.yaml")},
                                  false));
    auto m = p.make(round_option(0), instance(1), mix());
    CHECK(m->spec().provenance == ThroughputProvenance::calibrated);
    CHECK(m->spec().provenance_source == "s.yaml");
  }
}

TEST_CASE("calibrated provider: a TP left to the model grows when the calibration misses the targets",
          "[calibrated_provider]") {
  // A probe with e_bw 0.05: 1000 GB/s x 0.05 = 5e10 B/s, so reading 2e9 B of bf16 weights
  // takes 40 ms per decode step at TP 1, over a 30 ms TPOT target. At TP 2 each GPU reads
  // 1e9 B: 20 ms + 3 ms fixed + all-reduces, within the target.
  CalibrationSet set({probe("slow.yaml", "round", 1, "2026-01-01T00:00:00Z", 0.05, 0.003)}, false);
  CalibratedReplicaModelProvider p(fixture(), set);
  SECTION("the option leaves the TP to the model") {
    auto m = p.make(round_option(0), instance(2), mix(30.0));
    CHECK(m->spec().provenance == ThroughputProvenance::calibrated);
    CHECK(m->spec().feasible);
    CHECK(m->spec().gpus_per_replica == 2);
    CHECK_THAT(m->spec().notes.back(),
               Catch::Equals("TP 2 chosen: with the calibration, TP 1 misses the latency targets"));
  }
  SECTION("the option sets TP 1: it stays, infeasible") {
    auto m = p.make(round_option(1), instance(2), mix(30.0));
    CHECK(m->spec().provenance == ThroughputProvenance::calibrated);
    CHECK_FALSE(m->spec().feasible);
    CHECK(m->spec().gpus_per_replica == 1);
  }
}

namespace {

// The serving import above, for 'round-moe' on 2 GPUs in `layout`.
Calibration moe_import(const std::string& path, Parallel layout) {
  Calibration c = serving_import(path);
  c.model = "round-moe";
  c.gpus_per_replica = 2;
  c.parallel = layout;
  return c;
}

Option moe_option(std::optional<Parallel> layout) {
  Option o = round_option(2);
  o.fleet()->model = "round-moe";
  o.fleet()->parallel = layout;
  return o;
}

}  // namespace

TEST_CASE("calibration set: a serving result applies to its own layout only", "[calibrated_provider][moe]") {
  const CalibrationKey dep{"round-moe", "unit-gpu", "bf16", 2, Parallel::dep};
  const CalibrationKey tp{"round-moe", "unit-gpu", "bf16", 2, Parallel::tp};
  CalibrationSet set({moe_import("dep.yaml", Parallel::dep)}, false);
  SECTION("the same layout: fitted on the dep replica model") {
    auto a = set.apply(fixture(), dep, nullptr);
    REQUIRE(a);
    CHECK(a->source == "dep.yaml");
    // test_serving_fit.cpp works this fit by hand: memory scale 7.6985468407 / 3.652004.
    CHECK(e_bw_of(*a) == Approx(0.5 * 3.652004 / 7.6985468407).epsilon(1e-6));
  }
  SECTION("another layout: catalog figures, and a note says why") {
    std::vector<std::string> notes;
    CHECK_FALSE(set.apply(fixture(), tp, &notes));
    REQUIRE(notes.size() == 1);
    CHECK(notes[0] == "serving results dep.yaml (layout dep) not applied: measured in another layout than this "
                      "replica's tp (2 GPUs); a serving result applies only to the layout it was measured in");
  }
  SECTION("with both layouts present, each replica gets its own") {
    CalibrationSet both({moe_import("dep.yaml", Parallel::dep), moe_import("tp.yaml", Parallel::tp)}, false);
    std::vector<std::string> notes;
    auto a = both.apply(fixture(), tp, &notes);
    REQUIRE(a);
    CHECK(a->source == "tp.yaml");
    CHECK(notes.empty());
  }
}

TEST_CASE("calibration set: probes are per GPU, the same layout first", "[calibrated_provider][moe]") {
  const CalibrationKey dep{"round-moe", "unit-gpu", "bf16", 2, Parallel::dep};
  Calibration as_tp = probe("tp.yaml", "round-moe", 1, "2026-06-01T00:00:00Z", 0.3);
  Calibration as_dep = probe("dep.yaml", "round-moe", 1, "2026-01-01T00:00:00Z", 0.4);
  as_dep.parallel = Parallel::dep;
  SECTION("the same layout beats a newer file of another layout") {
    auto a = CalibrationSet({as_tp, as_dep}, false).apply(fixture(), dep, nullptr);
    REQUIRE(a);
    CHECK(a->source == "dep.yaml");
    CHECK(a->note.find("recorded for layout") == std::string::npos);
  }
  SECTION("a probe of another layout still applies, and says so") {
    auto a = CalibrationSet({as_tp}, false).apply(fixture(), dep, nullptr);
    REQUIRE(a);
    CHECK(e_bw_of(*a) == 0.3);
    CHECK_THAT(a->note, Catch::EndsWith("; recorded for layout tp: per-GPU efficiencies, so applied to layout dep "
                                        "with its all-reduces and all-to-alls from the catalog"));
  }
}

TEST_CASE("calibrated provider: the replica's layout is part of the match", "[calibrated_provider][moe]") {
  CalibratedReplicaModelProvider p(fixture(), CalibrationSet({moe_import("dep.yaml", Parallel::dep)}, false));
  SECTION("a dep replica is calibrated by the dep result") {
    auto m = p.make(moe_option(Parallel::dep), instance(2), mix());
    CHECK(m->spec().provenance == ThroughputProvenance::calibrated);
    CHECK(m->spec().provenance_source == "dep.yaml");
    REQUIRE(m->spec().parallel);
    CHECK(*m->spec().parallel == Parallel::dep);
  }
  SECTION("a tp replica keeps the spec model, with the finding") {
    auto m = p.make(moe_option(Parallel::tp), instance(2), mix());
    CHECK(m->spec().provenance == ThroughputProvenance::spec);
    CHECK_THAT(m->spec().notes.back(), Catch::StartsWith("serving results dep.yaml (layout dep) not applied"));
  }
  SECTION("the dep calibration slows the dep replica: capacity falls") {
    // The measured TPOT (10 ms) is slower than the catalog's, so the fitted memory scale is
    // above 1 and a replica serves fewer requests per second.
    CatalogReplicaModelProvider spec_only(fixture());
    auto before = spec_only.make(moe_option(Parallel::dep), instance(2), mix());
    auto after = p.make(moe_option(Parallel::dep), instance(2), mix());
    CHECK(after->spec().capacity_requests_per_s < before->spec().capacity_requests_per_s);
  }
}

TEST_CASE("calibrated provider: a measured deployment is chosen by the deployment chooser",
          "[calibrated_provider][moe]") {
  // Left open on an instance of 4, the catalog roofline chooses dep on 2 GPUs for round-moe.
  auto at = [](const std::string& path, Parallel layout, int gpus) {
    Calibration c = moe_import(path, layout);
    c.gpus_per_replica = gpus;
    return c;
  };
  auto per_gpu = [](const ReplicaModel& m) {
    return m.spec().capacity_requests_per_s / m.spec().gpus_per_replica;
  };
  auto given = [](Parallel layout, int gpus) {
    Option o = moe_option(layout);
    o.fleet()->gpus_per_replica = gpus;
    return o;
  };
  {
    CatalogReplicaModelProvider spec_only(fixture());
    auto m = spec_only.make(moe_option(std::nullopt), instance(4), mix());
    REQUIRE(m->spec().parallel);
    REQUIRE(*m->spec().parallel == Parallel::dep);
    REQUIRE(m->spec().gpus_per_replica == 2);
  }
  SECTION("a measured deployment before one chosen without a measurement") {
    CalibratedReplicaModelProvider p(fixture(), CalibrationSet({at("ep2.yaml", Parallel::ep, 2)}, false));
    auto m = p.make(moe_option(std::nullopt), instance(4), mix());
    REQUIRE(m->spec().provenance == ThroughputProvenance::calibrated);
    CHECK(*m->spec().parallel == Parallel::ep);
    CHECK(m->spec().gpus_per_replica == 2);
    CHECK_THAT(m->spec().notes.back(),
               Catch::StartsWith("layout ep on 2 GPUs chosen: measured by the serving results ep2.yaml ("));
    CHECK_THAT(m->spec().notes.back(),
               Catch::Contains("dep on 2 GPUs, chosen on the catalog roofline, has no measurement here ("));
    CHECK_THAT(m->spec().notes.back(), Catch::EndsWith(" requests/s per GPU from catalog figures)"));
  }
  SECTION("between layouts: the most requests/s per GPU, each measured deployment sized by its own file") {
    const CalibrationSet set({at("dep2.yaml", Parallel::dep, 2), at("ep2.yaml", Parallel::ep, 2)}, false);
    CalibratedReplicaModelProvider p(fixture(), set);
    auto m = p.make(moe_option(std::nullopt), instance(4), mix());
    REQUIRE(m->spec().provenance == ThroughputProvenance::calibrated);
    REQUIRE(m->spec().parallel);
    CHECK(m->spec().gpus_per_replica == 2);
    // Each deployment as an option that gives its layout and count is sized.
    auto on_dep = p.make(given(Parallel::dep, 2), instance(4), mix());
    auto on_ep = p.make(given(Parallel::ep, 2), instance(4), mix());
    REQUIRE(per_gpu(*on_dep) != Approx(per_gpu(*on_ep)));
    if (per_gpu(*on_dep) > per_gpu(*on_ep)) {
      // The roofline's own choice, calibrated by dep2.yaml, serves more: kept, with the other's figure.
      CHECK(*m->spec().parallel == Parallel::dep);
      CHECK(m->spec().provenance_source == "dep2.yaml");
      CHECK(m->spec().notes.back() ==
            fmt::format("dep on 2 GPUs kept: the serving results ep2.yaml (ep on 2 GPUs) give {:.2f} requests/s per "
                        "GPU, below its {:.2f}",
                        per_gpu(*on_ep), per_gpu(*on_dep)));
    } else {
      CHECK(*m->spec().parallel == Parallel::ep);
      CHECK(m->spec().provenance_source == "ep2.yaml");
    }
  }
  SECTION("within a layout: the smallest measured count that meets the targets") {
    const CalibrationSet set({at("dep4.yaml", Parallel::dep, 4), at("dep2.yaml", Parallel::dep, 2)}, false);
    CalibratedReplicaModelProvider p(fixture(), set);
    auto m = p.make(moe_option(std::nullopt), instance(4), mix());
    REQUIRE(m->spec().provenance == ThroughputProvenance::calibrated);
    CHECK(m->spec().gpus_per_replica == 2);
    CHECK(m->spec().provenance_source == "dep2.yaml");
  }
  SECTION("a count the option gives: only deployments measured at it") {
    const CalibrationSet set({at("dep4.yaml", Parallel::dep, 4), at("dep2.yaml", Parallel::dep, 2)}, false);
    CalibratedReplicaModelProvider p(fixture(), set);
    Option o = moe_option(std::nullopt);
    o.fleet()->gpus_per_replica = 4;
    auto m = p.make(o, instance(4), mix());
    REQUIRE(m->spec().provenance == ThroughputProvenance::calibrated);
    CHECK(m->spec().gpus_per_replica == 4);
    CHECK(m->spec().provenance_source == "dep4.yaml");
  }
  SECTION("measured on more GPUs than the instance has: not a candidate") {
    const CalibrationSet set({at("dep4.yaml", Parallel::dep, 4)}, false);
    CalibratedReplicaModelProvider p(fixture(), set);
    auto m = p.make(moe_option(std::nullopt), instance(2), mix());
    CHECK(m->spec().provenance == ThroughputProvenance::spec);
  }
}
