// `plan calibrate show`, `list` and `import` text of lib/report/src/calibration_report.cpp,
// from calibrations built by hand.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "plan/core/base/units.hpp"
#include "plan/report/calibration_report.hpp"

using namespace plan;

namespace {
Calibration imported() {
  Calibration c;
  c.path = "calib/results/x.yaml";
  c.kind = CalibrationKind::import;
  c.created = "2025-02-01T10:00:00Z";
  c.host = "h1";
  c.probe_version = "plan 0.3.0";
  c.model = "llama-3-8b";
  c.gpu = "l4";
  c.precision = "bf16";
  c.gpus_per_replica = 1;
  ServingMeasurement s;
  s.tool = ServingFormat::vllm_serve;
  s.source_file = "bench.json";
  s.source_sha256 = "ff00";
  s.tool_model = "meta-llama/Llama-3.1-8B-Instruct";
  s.model_check = ModelCheck::matched;
  s.duration_s = 120.5;
  s.requests = 500;
  s.requests_per_s = 4.15;
  s.ttft_mean_ms = 85.333;
  s.tpot_mean_ms = 21.0004;
  c.serving = s;
  return c;
}

Calibration probed() {
  Calibration c;
  c.kind = CalibrationKind::probe;
  c.created = "2025-02-01T10:00:00Z";
  c.host = "h1";
  c.probe_version = "plan 0.3.0";
  c.model = "tiny";
  c.gpu = "cpu0";
  c.precision = "fp32";
  ProbeResult p;
  p.backend = "cpu";
  p.device_name = "cpu0";
  p.device_memory_bytes = 16 * bytes_per_gib;
  p.driver_version = "-";
  p.runtime_version = "eigen 3.4.0";
  p.layers = 2;
  p.layers_run = 2;
  p.context = 128;
  p.repeats = 5;
  p.stream_bandwidth_bytes_per_s = 20e9;
  p.gemm_flops_per_s = 0.5e12;
  p.prefill_tokens = 64;
  p.prefill_tokens_per_s = 1000;
  p.decode.push_back({1, 0.002, 500, 4e7, 2e7});
  p.notes.push_back("scaled");
  c.probe = p;
  EfficiencyFit f;
  f.t_fixed_s = 0.0005;
  f.seconds_per_byte = 5e-11;   // 20 GB/s
  f.seconds_per_flop = 1e-12;   // 1 TFLOP/s
  f.points = 1;
  f.bandwidth_bound_points = 1;
  f.method = "least squares";
  c.fit = f;
  Efficiencies e;
  e.e_bw = 0.8;
  e.t_fixed_s = 0.0005;
  e.reference_bandwidth_bytes_per_s = 25e9;
  e.reference_flops_per_s = 1e12;
  e.reference_source = "measured";
  c.efficiencies = e;
  return c;
}
}  // namespace

TEST_CASE("render_calibration: an imported serving result", "[report][calibration]") {
  // Only the figures the file has are rows; TTFT with 2 decimals (85.333 -> 85.33), TPOT
  // with 3 (21.0004 -> 21.000), requests/s with 3.
  CHECK(report::render_calibration(imported()) ==
        "calibration calib/results/x.yaml (import, created 2025-02-01T10:00:00Z on h1, plan 0.3.0)\n"
        "model llama-3-8b, gpu l4, precision bf16, tp 1, parallel tp\n"
        "imported vllm-bench-serve result bench.json (sha256 ff00)\n"
        "model in file: meta-llama/Llama-3.1-8B-Instruct\n"
        "model check: the result file names 'meta-llama/Llama-3.1-8B-Instruct', which is llama-3-8b\n"
        "figure         value\n"
        "------------  ------\n"
        "duration s    120.50\n"
        "requests         500\n"
        "requests/s     4.150\n"
        "TTFT mean ms   85.33\n"
        "TPOT mean ms  21.000\n");
}

TEST_CASE("render_calibration: a probe with its fit and efficiencies", "[report][calibration]") {
  // Decode point: 4e7 bytes in 2 ms = 20 GB/s; 2e7 FLOP = 0.020 GFLOP. The fit's step:
  // 0.5 ms + max(4e7 x 5e-11 s, 2e7 x 1e-12 s) = 0.5 + max(2, 0.02) = 2.500 ms.
  CHECK(report::render_calibration(probed()) ==
        "calibration - (probe, created 2025-02-01T10:00:00Z on h1, plan 0.3.0)\n"
        "model tiny, gpu cpu0, precision fp32, tp 1, parallel tp\n"
        "device cpu0 (cpu, 16.0 GiB, driver -, runtime eigen 3.4.0)\n"
        "layers run 2 of 2, context 128, median of 5 repeats\n"
        "stream bandwidth 20.00 GB/s, GEMM 0.500 TFLOP/s, prefill 64 tokens: 1000.0 tokens/s\n"
        "\n"
        "batch  step ms  tokens/s  GB moved   GB/s  GFLOP  fit ms\n"
        "-----  -------  --------  --------  -----  -----  ------\n"
        "    1    2.000     500.0    0.0400  20.00  0.020   2.500\n"
        "note: scaled\n"
        "\n"
        "fit: t_fixed 0.5000 ms, effective bandwidth 20.00 GB/s, effective compute 1.000 TFLOP/s, 1 points "
        "(1 bandwidth-bound, 0 compute-bound), rms residual 0.0000 ms\n"
        "method: least squares\n"
        "efficiencies: e_bw 0.800, e_fl -, t_fixed 0.5000 ms (reference 25.00 GB/s, 1.000 TFLOP/s: measured)\n");
}

TEST_CASE("render_model_check: matched, forced, unchecked, absent", "[report][calibration]") {
  Calibration c = imported();
  CHECK(report::render_model_check(c) ==
        "model check: the result file names 'meta-llama/Llama-3.1-8B-Instruct', which is llama-3-8b\n");
  SECTION("a tokenizer is named when the file names no model") {
    c.serving->tool_model.reset();
    c.serving->tool_tokenizer = "meta-llama/tok";
    CHECK(report::render_model_check(c) == "model check: the result file names 'meta-llama/tok', which is llama-3-8b\n");
  }
  SECTION("forced") {
    c.serving->tool_model = "other/model";
    c.serving->model_check = ModelCheck::forced;
    CHECK(report::render_model_check(c) ==
          "model check: FORCED: the result file is for model 'other/model', not llama-3-8b; imported with --force\n");
  }
  SECTION("unchecked") {
    c.serving->tool_model.reset();
    c.serving->model_check = ModelCheck::unchecked;
    CHECK(report::render_model_check(c) ==
          "model check: none: the result file names no model, so it could not be checked against llama-3-8b\n");
  }
  SECTION("files written before the check, and probes, have no line") {
    c.serving->model_check.reset();
    CHECK(report::render_model_check(c).empty());
    CHECK(report::render_model_check(probed()).empty());
  }
}

TEST_CASE("render_serving_fit: not in the catalog, fitted, not fitted", "[report][calibration]") {
  const std::vector<Calibration> one{imported()};
  SECTION("no such deployment in the catalog") {
    CHECK(report::render_serving_fit(one, std::nullopt) ==
          "\nnot used for planning: llama-3-8b on l4 (bf16, TP 1) is not a deployment of calib/catalog.yaml (its "
          "model, GPU, precision or TP is not there)\n");
  }
  SECTION("fitted: one file, no file column") {
    perf::ServingFit f;
    f.ok = true;
    f.scales.memory = 1.1;
    f.method = "memory";
    f.held.push_back("fixed: under 5%");
    perf::ServingObservation x;
    x.source = "calib/results/x.yaml";
    x.figure = "TPOT ms";
    x.batch = 8;
    x.measured = 21.0;
    x.catalog = 18.5;
    x.fitted = 20.95;
    f.observations.push_back(x);
    CHECK(report::render_serving_fit(one, f) ==
          "\nagainst the catalog model of this deployment:\n"
          "figure   batch  measured  catalog  calibrated\n"
          "-------  -----  --------  -------  ----------\n"
          "TPOT ms    8.0     21.00    18.50       20.95\n"
          "time scales: memory x1.100, compute x1.000, fixed x1.000; memory\n"
          "held at the catalog's value: fixed: under 5%\n"
          "plans for llama-3-8b on 1x l4 (bf16, layout tp) use these scales; all files for the same deployment "
          "are fitted together\n");
  }
  SECTION("not fitted: two files, a file column, no calibrated figures") {
    perf::ServingFit f;
    f.ok = false;
    f.problem = "too few measurements";
    f.notes.push_back("c.yaml: no TPOT");
    perf::ServingObservation a;
    a.source = "calib/results/a.yaml";  // shown by file name
    a.figure = "TPOT ms";
    a.batch = 8;
    a.measured = 21;
    a.catalog = 18.5;
    perf::ServingObservation b = a;
    b.source = "b.yaml";
    b.figure = "output tok/s";
    b.batch = 64;
    b.measured = 1500;
    b.catalog = 1800;
    f.observations = {a, b};
    CHECK(report::render_serving_fit({imported(), imported()}, f) ==
          "\nagainst the catalog model of this deployment:\n"
          "file    figure        batch  measured  catalog  calibrated\n"
          "------  ------------  -----  --------  -------  ----------\n"
          "a.yaml  TPOT ms         8.0     21.00    18.50           -\n"
          "b.yaml  output tok/s   64.0   1500.00  1800.00           -\n"
          "note: c.yaml: no TPOT\n"
          "not used for planning: too few measurements\n");
  }
}

TEST_CASE("render_import_summary: one row per benchmark written", "[report][calibration]") {
  Calibration a = imported(), b = imported();
  a.path = "out/a-b1.yaml";
  a.serving->requests_per_s = 0.5;
  a.serving->concurrency = 1;
  a.serving->ttft_mean_ms = 40;
  a.serving->tpot_mean_ms = 12.5;
  a.serving->output_tokens_per_s = 6.25;  // 6.2: round half to even at an exact binary tie
  b.path = "out/a-b2.yaml";
  CHECK(report::render_import_summary("sweep.json", {a, b}) ==
        "imported 2 benchmarks of sweep.json (sha256 ff00) for llama-3-8b on 1x l4 (bf16)\n"
        "#  requests/s  concurrency  TTFT mean ms  TPOT mean ms  output tok/s  file\n"
        "-  ----------  -----------  ------------  ------------  ------------  -------------\n"
        "1       0.500         1.00         40.00        12.500           6.2  out/a-b1.yaml\n"
        "2       4.150            -         85.33        21.000             -  out/a-b2.yaml\n"
        "model check: the result file names 'meta-llama/Llama-3.1-8B-Instruct', which is llama-3-8b\n");
}

TEST_CASE("render_calibration_list: valid, invalid and forced files", "[report][calibration]") {
  Calibration forced = imported();
  forced.created = "2025-02-02T00:00:00Z";
  forced.serving->tool_model = "other/model";
  forced.serving->model_check = ModelCheck::forced;
  forced.serving->total_tokens_per_s = 1234.56;
  std::vector<report::CalibrationListEntry> entries(3);
  entries[0].file = "a.yaml";
  entries[0].calibration = probed();  // tokens/s of its largest decode batch
  entries[1].file = "b.yaml";
  entries[1].error = "3:1: bad";
  entries[2].file = "c.yaml";
  entries[2].calibration = forced;    // no efficiencies: "-"
  // The invalid file on one line after the table, whose columns it does not widen. The
  // table is 140 columns (widths 6, 6, 44, 4, 9, 4, 5, 4, 10, 8, 20 and 10 gaps of 2), so at
  // 120 `created` (the 20 columns that end it) moves to a second table under the file column.
  const std::string table =
      "file    kind    model                                         gpu   precision  GPUs   e_bw  e_fl  t_fixed ms  tokens/s\n"
      "------  ------  --------------------------------------------  ----  ---------  ----  -----  ----  ----------  --------\n"
      "a.yaml  probe   tiny                                          cpu0  fp32       1 tp  0.800     -      0.5000     500.0\n"
      "c.yaml  import  llama-3-8b (forced: file is for other/model)  l4    bf16       1 tp      -     -           -    1234.6\n"
      "\n"
      "file    created\n"
      "------  --------------------\n"
      "a.yaml  2025-02-01T10:00:00Z\n"
      "c.yaml  2025-02-02T00:00:00Z\n";
  const char* saved = std::getenv("COLUMNS");
  const std::string keep = saved ? saved : "";
  ::unsetenv("COLUMNS");
  CHECK(report::render_calibration_list(entries) == table + "b.yaml: invalid, not read by plans: 3:1: bad\n");
  // Only invalid files: no table.
  CHECK(report::render_calibration_list({entries[1]}) == "b.yaml: invalid, not read by plans: 3:1: bad\n");
  if (saved) ::setenv("COLUMNS", keep.c_str(), 1);
}
