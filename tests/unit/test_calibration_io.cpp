// Calibration files and importers (lib/io calibration_io.cpp).
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <sstream>

#include "plan/core/base/error.hpp"
#include "plan/io/calibration_io.hpp"

using namespace plan;

namespace {

const std::string data = std::string(PLAN_TEST_DATA) + "/calib/";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.formatted();
  }
  return "(no error)";
}

Calibration probe_calibration() {
  Calibration c;
  c.kind = CalibrationKind::probe;
  c.created = "2026-11-22T05:00:00Z";
  c.host = "box";
  c.probe_version = "plan 0.1.0";
  c.model = "tiny";
  c.gpu = "H100 \"SXM\"";
  c.precision = "bf16";
  ProbeResult p;
  p.backend = "cuda";
  p.device_name = "NVIDIA H100 80GB HBM3";
  p.device_memory_bytes = 85e9;
  p.driver_version = "13.0";
  p.runtime_version = "13.0";
  p.precision = "bf16";
  p.layers = 80;
  p.layers_run = 40;
  p.context = 2048;
  p.repeats = 5;
  p.stream_bandwidth_bytes_per_s = 3.0e12;
  p.gemm_flops_per_s = 7.0e14;
  p.prefill_tokens = 512;
  p.prefill_s = 0.25;
  p.prefill_tokens_per_s = 2048;
  p.decode.push_back(DecodePoint{1, 0.05, 20, 1.4e11, 1.4e11});
  p.decode.push_back(DecodePoint{8, 0.052, 153.8, 1.45e11, 1.1e12});
  p.notes.push_back("ran 40 of 80 layers; layer times scaled by 80/40");
  c.probe = p;
  EfficiencyFit f;
  f.t_fixed_s = 0.001;
  f.seconds_per_byte = 1.0 / 2.5e12;
  f.points = 2;
  f.bandwidth_bound_points = 2;
  f.method = "test";
  f.rms_residual_s = 1e-5;
  c.fit = f;
  Efficiencies e;
  e.e_bw = 0.75;
  e.e_fl = 0.6;
  e.t_fixed_s = 0.001;
  e.reference_bandwidth_bytes_per_s = 3.35e12;
  e.reference_flops_per_s = 9.89e14;
  e.reference_source = "spec";
  c.efficiencies = e;
  return c;
}

}  // namespace

TEST_CASE("import_serving reads vllm bench serve --save-result", "[calibration][import]") {
  ServingMeasurement s = io::import_serving(data + "vllm_bench_serve.json");
  CHECK(s.tool == ServingFormat::vllm_serve);
  CHECK(s.source_sha256 == "aecdbccf820c7336d47e06f8aa41291c6d405d32cfd081d2c1c723d6aacf0488");
  CHECK(s.tool_model == "facebook/opt-125m");
  CHECK(s.tool_tokenizer == "facebook/opt-125m");
  CHECK_FALSE(s.model_check.has_value());  // checked by `plan calibrate import`, not by the reader
  // Values as the file states them.
  CHECK(*s.requests_per_s == Approx(5.859229976904171));
  CHECK(*s.output_tokens_per_s == Approx(93.74767963046673));
  CHECK(*s.total_tokens_per_s == Approx(281.2430388914002));
  CHECK(*s.ttft_p50_ms == Approx(44.92285849846667));
  CHECK(*s.ttft_p99_ms == Approx(762.4942294094944));
  CHECK(*s.tpot_mean_ms == Approx(8.204553624697533));
  CHECK(*s.tpot_p99_ms == Approx(9.394318119331729));
  CHECK(*s.concurrency == 2);
  CHECK_FALSE(s.request_rate.has_value());  // "inf"
  CHECK_FALSE(s.ttft_p95_ms.has_value());   // not asked for by --percentile-metrics
  // 256 input and 128 output tokens over 8 completed requests: 32 and 16 per request.
  CHECK(*s.mean_input_tokens == Approx(32));
  CHECK(*s.mean_output_tokens == Approx(16));
  CHECK(*s.requests == 8);
}

TEST_CASE("import_serving reads the model a GuideLLM file names", "[calibration][import]") {
  std::ifstream in(data + "guidellm_benchmarks.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const std::string first = "\"id_\": \"synchronous-1\",";
  REQUIRE(text.find(first) != std::string::npos);
  SECTION("none: the fixture names no model") {
    CHECK_FALSE(io::parse_serving("g.json", text, 1).tool_model.has_value());
  }
  SECTION("the benchmark's worker (GuideLLM 0.2, 0.3)") {
    std::string t = text;
    t.replace(t.find(first), first.size(), first + " \"worker\": {\"backend_model\": \"Qwen/Qwen2.5-7B-Instruct\"},");
    CHECK(io::parse_serving("g.json", t, 1).tool_model == "Qwen/Qwen2.5-7B-Instruct");
    CHECK_FALSE(io::parse_serving("g.json", t, 2).tool_model.has_value());  // only the first names it
  }
  SECTION("the report's arguments") {
    std::string t = text;
    t.replace(t.find('{'), 1, "{\"args\": {\"model\": \"facebook/opt-125m\"},");
    CHECK(io::parse_serving("g.json", t, 2).tool_model == "facebook/opt-125m");
  }
}

TEST_CASE("import_serving reads vllm bench throughput --output-json", "[calibration][import]") {
  ServingMeasurement s = io::import_serving(data + "vllm_bench_throughput.json");
  CHECK(s.tool == ServingFormat::vllm_throughput);
  CHECK(*s.duration_s == 40);
  CHECK(*s.requests == 1000);
  CHECK(*s.requests_per_s == 25);
  CHECK(*s.total_tokens_per_s == 10000);
  CHECK_FALSE(s.ttft_mean_ms.has_value());
}

TEST_CASE("import_serving reads GuideLLM benchmarks.json", "[calibration][import]") {
  SECTION("first benchmark") {
    ServingMeasurement s = io::import_serving(data + "guidellm_benchmarks.json", 1);
    CHECK(s.tool == ServingFormat::guidellm);
    CHECK(*s.requests_per_s == 0.5);
    CHECK(*s.concurrency == 1.0);
    CHECK(*s.ttft_p50_ms == 175.0);
    CHECK(*s.ttft_p99_ms == 240.0);
    // TPOT is inter_token_latency_ms (14.2), not time_per_output_token_ms (15.495, includes TTFT).
    CHECK(*s.tpot_mean_ms == 14.2);
    CHECK(*s.tpot_p50_ms == 14.0);
    CHECK(*s.tpot_p99_ms == 16.5);
    CHECK(*s.e2el_mean_ms == Approx(1983.4));  // 1.9834 s
    CHECK(*s.requests == 15);
    CHECK(*s.duration_s == 30);
  }
  SECTION("second benchmark: median only, as older GuideLLM wrote it") {
    ServingMeasurement s = io::import_serving(data + "guidellm_benchmarks.json", 2);
    CHECK(*s.ttft_p50_ms == 850.0);
    CHECK(*s.tpot_p50_ms == 51.0);
    CHECK(*s.total_tokens_per_s == 2560.0);
  }
  SECTION("several benchmarks need an index") {
    CHECK(error_of([] { io::import_serving(data + "guidellm_benchmarks.json"); }) ==
          data + "guidellm_benchmarks.json: GuideLLM file holds 2 benchmarks (expected --benchmark-index 1 to 2 to pick one)");
    CHECK(error_of([] { io::import_serving(data + "guidellm_benchmarks.json", 3); }) ==
          data + "guidellm_benchmarks.json: benchmark index 3 (expected 1 to 2)");
  }
}

TEST_CASE("import_serving names missing fields and unknown files", "[calibration][import]") {
  CHECK(error_of([] { io::import_serving(data + "vllm_bench_throughput_incomplete.json"); }) ==
        data + "vllm_bench_throughput_incomplete.json: vLLM bench throughput result is missing fields "
               "total_num_tokens, requests_per_second (expected every field that format writes)");
  CHECK(error_of([] { io::import_serving(data + "guidellm_incomplete.json"); }) ==
        data + "guidellm_incomplete.json: GuideLLM benchmark is missing fields "
               "benchmarks[0].metrics.tokens_per_second.successful.mean, "
               "benchmarks[0].metrics.inter_token_latency_ms.successful.mean, "
               "benchmarks[0].metrics.inter_token_latency_ms.successful.percentiles.p99 "
               "(expected every field that format writes)");
  CHECK(error_of([] { io::import_serving(data + "unknown.json"); }).rfind(data + "unknown.json: not a known benchmark result", 0) ==
        0);
  try {
    io::import_serving(data + "unknown.json");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::input_error);
  }
}

TEST_CASE("import_serving reads JSON as Python writes it, and places syntax errors", "[calibration][import]") {
  // A vLLM serve result whose optional fields Python wrote as NaN and Infinity: they read
  // as absent, and the required fields are the numbers given.
  const std::string nan_result =
      "{\"duration\": 10.0, \"completed\": 20, \"total_input_tokens\": 4000, \"total_output_tokens\": 2000,\n"
      " \"request_throughput\": 2.0, \"output_throughput\": 200.0, \"total_token_throughput\": 600.0,\n"
      " \"mean_ttft_ms\": 50.0, \"median_ttft_ms\": 45.0, \"mean_tpot_ms\": 12.0, \"median_tpot_ms\": 11.0,\n"
      " \"std_itl_ms\": NaN, \"p99_itl_ms\": NaN, \"max_concurrency\": Infinity, \"model_id\": \"NaN-model\"}";
  const auto s = io::parse_serving("r.json", nan_result);
  CHECK(s.requests == 20);
  CHECK(s.mean_input_tokens == 200);  // 4000 input tokens / 20 requests
  CHECK(s.mean_output_tokens == 100); // 2000 / 20
  CHECK_FALSE(s.itl_p99_ms.has_value());
  CHECK_FALSE(s.concurrency.has_value());
  CHECK(s.tool_model == std::optional<std::string>("NaN-model"));  // inside a string: left alone

  // A syntax error names its line and column: the stray '}' on line 2, column 15.
  CHECK(error_of([] { io::parse_serving("bad.json", "{\"duration\": 1,\n \"completed\": }"); }) ==
        "bad.json:2:15: benchmark result is not valid JSON (expected the JSON of vllm bench serve or throughput, "
        "or GuideLLM's benchmarks.json)");
  // A value of the wrong type names the key's line.
  CHECK(error_of([] { io::parse_serving("t.json", "{\"elapsed_time\": 1,\n\"num_requests\": \"ten\"}"); }) ==
        "t.json:2:1: 'num_requests' is \"ten\" (expected a non-negative number)");
  CHECK(error_of([] { io::parse_serving("a.json", "[1, 2]"); }) ==
        "a.json:1:1: benchmark result is not a JSON object (expected one)");
  // A number beyond double's range is an error, not an exception that escapes.
  CHECK(error_of([] { io::parse_serving("n.json", "{\"elapsed_time\": 2e1601}"); }) ==
        "n.json: benchmark result holds a number out of range (expected the JSON of vllm bench serve or "
        "throughput, or GuideLLM's benchmarks.json)");
  // A GuideLLM benchmark that is not a mapping: named by its place, at the 'benchmarks' key.
  CHECK(error_of([] { io::parse_serving("g.json", "{\"benchmarks\": [1]}"); }) ==
        "g.json:1:2: malformed GuideLLM benchmark 1 (expected each benchmark to be a mapping with 'metrics')");
}

TEST_CASE("calibration files round-trip through render and parse", "[calibration][file]") {
  Calibration c = probe_calibration();
  std::string text = io::render_calibration(c);
  Calibration r = io::parse_calibration("mem.yaml", text);
  CHECK(r.kind == CalibrationKind::probe);
  CHECK(r.gpu == "H100 \"SXM\"");
  CHECK(r.precision == "bf16");
  REQUIRE(r.probe.has_value());
  CHECK(r.probe->layers_run == 40);
  CHECK(r.probe->stream_bandwidth_bytes_per_s == Approx(3.0e12));
  REQUIRE(r.probe->decode.size() == 2);
  CHECK(r.probe->decode[1].step_s == Approx(0.052));
  CHECK(r.probe->notes.front() == "ran 40 of 80 layers; layer times scaled by 80/40");
  REQUIRE(r.fit.has_value());
  CHECK(r.fit->seconds_per_byte == Approx(1.0 / 2.5e12));
  CHECK(r.fit->seconds_per_flop == 0);
  REQUIRE(r.efficiencies.has_value());
  CHECK(r.efficiencies->e_bw == 0.75);
  CHECK(*r.efficiencies->e_fl == 0.6);
  CHECK(r.efficiencies->t_fixed_s == Approx(0.001));
  // Rendering is deterministic.
  CHECK(io::render_calibration(r) == text);
  // The layout is written beside the GPU count; a probe defaults to tp.
  CHECK(text.find("\ntp: 1\nparallel: tp\n") != std::string::npos);
  CHECK(r.parallel == Parallel::tp);

  SECTION("a file without 'parallel' (written before layouts) is tensor parallel") {
    std::string old = text;
    old.erase(old.find("parallel: tp\n"), 13);
    Calibration o = io::parse_calibration("old.yaml", old);
    CHECK(o.parallel == Parallel::tp);
    CHECK(o.gpus_per_replica == 1);
  }

  SECTION("an import") {
    Calibration i;
    i.kind = CalibrationKind::import;
    i.created = "2026-11-22T05:00:00Z";
    i.host = "h";
    i.probe_version = "plan 0.1.0";
    i.model = "opt-125m";
    i.gpu = "l4";
    i.precision = "fp16";
    i.gpus_per_replica = 2;
    i.parallel = Parallel::dep;
    i.engine = "sglang@0.5.10";
    i.serving = io::import_serving(data + "vllm_bench_serve.json");
    i.serving->model_check = ModelCheck::forced;
    Calibration back = io::parse_calibration("imp.yaml", io::render_calibration(i));
    REQUIRE(back.serving.has_value());
    CHECK(back.serving->tool_model == "facebook/opt-125m");
    CHECK(back.serving->tool_tokenizer == "facebook/opt-125m");
    CHECK(back.serving->model_check == ModelCheck::forced);
    CHECK(back.gpus_per_replica == 2);
    CHECK(back.parallel == Parallel::dep);
    CHECK(back.engine == "sglang@0.5.10");
    CHECK(*back.serving->ttft_p99_ms == Approx(762.4942294094944));
    CHECK(back.serving->source_sha256 == "aecdbccf820c7336d47e06f8aa41291c6d405d32cfd081d2c1c723d6aacf0488");
  }
}

TEST_CASE("parse_calibration is strict", "[calibration][file]") {
  std::string text = io::render_calibration(probe_calibration());
  SECTION("unknown key") {
    std::string bad = text + "colour: blue\n";
    CHECK(error_of([&] { io::parse_calibration("c.yaml", bad); }).find("c.yaml:") == 0);
    CHECK(error_of([&] { io::parse_calibration("c.yaml", bad); }).find("unknown key 'colour'") != std::string::npos);
  }
  SECTION("a probe without its fit") {
    std::string cut = text.substr(0, text.find("fit:\n"));
    CHECK(error_of([&] { io::parse_calibration("c.yaml", cut); }) ==
          "c.yaml:2:1: a 'probe' calibration lacks device, measurement, fit or efficiencies (expected all four)");
  }
  SECTION("an unknown layout") {
    // Line 11 (after the comment line and format_version, kind, created, host,
    // probe_version, model, gpu, precision, tp), column 11 (after "parallel: ").
    std::string bad = text;
    bad.replace(bad.find("parallel: tp"), 12, "parallel: pp");
    CHECK(error_of([&] { io::parse_calibration("c.yaml", bad); }) ==
          "c.yaml:11:11: 'parallel' is 'pp' (expected one of: tp, ep, dep)");
  }
  SECTION("an unknown engine") {
    // Line 12, after the layout; column 9, after "engine: ".
    std::string bad = text;
    bad.insert(bad.find("parallel: tp\n") + 13, "engine: ollama\n");
    CHECK(error_of([&] { io::parse_calibration("c.yaml", bad); }) ==
          "c.yaml:12:9: 'engine' is 'ollama' (expected vllm, sglang or trtllm, optionally name@version)");
  }
  SECTION("an efficiency out of range") {
    std::string bad = text;
    bad.replace(bad.find("e_bw: 0.75"), 10, "e_bw: 3");
    CHECK(error_of([&] { io::parse_calibration("c.yaml", bad); }).find("'e_bw' in 'efficiencies' is 3") != std::string::npos);
  }
}

TEST_CASE("find_calibration picks the newest matching probe file", "[calibration][file]") {
  const std::string dir = std::string(PLAN_TEST_DATA) + "/calib-find";
  std::vector<std::string> skipped;
  // a-older (2026-11-20, e_bw 0.5) and b-newer (2026-11-21, e_bw 0.8) match; c-tp2 has tp 2.
  auto c = io::find_calibration(dir, {"llama-3.1-8b", "h100-sxm", "bf16", 1}, &skipped);
  REQUIRE(c.has_value());
  CHECK(c->efficiencies->e_bw == 0.8);
  CHECK(c->path == dir + "/b-newer.yaml");
  REQUIRE(skipped.size() == 1);  // d-broken.yaml
  CHECK(skipped[0].find("d-broken.yaml") != std::string::npos);

  auto tp2 = io::find_calibration(dir, {"llama-3.1-8b", "h100-sxm", "bf16", 2});
  REQUIRE(tp2.has_value());
  CHECK(tp2->path == dir + "/c-tp2.yaml");
  CHECK_FALSE(io::find_calibration(dir, {"llama-3.1-8b", "h100-sxm", "fp8", 1}).has_value());
  CHECK_FALSE(io::find_calibration(dir, {"llama-3.1-8b", "a100-80gb", "bf16", 1}).has_value());
  CHECK_FALSE(io::find_calibration(dir + "/no-such-dir", {"llama-3.1-8b", "h100-sxm", "bf16", 1}).has_value());
}
