// plan calibrate run | import | show | list: measure a device, import serving benchmarks,
// and read the calibration files that the performance model uses.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cctype>
#include <charconv>
#include <chrono>
#include <map>
#include <set>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <iostream>

#include "common.hpp"
#include "plan/core/calibration.hpp"
#include "plan/core/error.hpp"
#include "plan/core/serving_fit.hpp"
#include "plan/core/units.hpp"
#include "plan/io/calibration_io.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/core/catalog.hpp"
#include "plan/probe/cpu_probe.hpp"
#include "plan/report/table.hpp"
#ifdef PLAN_HAVE_CUDA_PROBE
#include <dlfcn.h>

#include "plan/probe/cuda_module.hpp"
#endif

#ifndef PLAN_VERSION
#define PLAN_VERSION "0.0.0"
#endif

namespace plan::cli {
namespace {

struct RunOptions {
  std::string backend;
  std::string model;
  std::string shape;
  std::string precision;
  std::string gpu;
  std::vector<int> batches{1, 8, 32};
  int context = 1024;
  int layers = 0;
  int prefill_tokens = 512;
  int repeats = 5;
  int warmup = 2;
  double stream_mib = 0;
  std::string out;
};

struct ImportOptions {
  std::string file;
  std::string model;
  std::string gpu;
  std::string precision;
  int tp = 1;
  std::string benchmark;             // GuideLLM: "" (the only one), N (1-based) or "all"
  std::optional<double> input_len;   // mean tokens per request, for files that do not state them
  std::optional<double> output_len;
  bool force = false;                // import a result whose file names another model
  std::string out;
};

std::string utc_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "unknown";
  return buf;
}

// Lower-case letters, digits and '-' only, for file names.
std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += char(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "x" : out;
}

// The default output path: calib/results/<model>-<gpu>-<precision>-tp<N>-<source>-<time>.yaml.
std::string default_output(const Globals& g, const Calibration& c, const std::string& source) {
  std::string stamp = c.created;
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char ch) { return ch == '-' || ch == ':'; }), stamp.end());
  std::string dir = g.calib_dir() + "/results";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(SourceLoc{dir, 0, 0}, "cannot create directory: " + ec.message(), ExitCode::cannot_create);
  return fmt::format("{}/{}-{}-{}-tp{}-{}-{}.yaml", dir, slug(c.model), slug(c.gpu), c.precision, c.tp, source, stamp);
}

// "layers=80,hidden=8192,heads=64,kv_heads=8,head_dim=128,ffn=28672,vocab=128256".
TransformerShape parse_shape(const std::string& name, const std::string& text) {
  TransformerShape s;
  s.name = name;
  std::map<std::string, int*> fields = {{"layers", &s.layers},     {"hidden", &s.hidden},   {"heads", &s.heads},
                                        {"kv_heads", &s.kv_heads}, {"head_dim", &s.head_dim}, {"ffn", &s.ffn},
                                        {"vocab", &s.vocab}};
  const std::string expected =
      "expected --shape layers=N,hidden=N,heads=N,kv_heads=N,head_dim=N,ffn=N,vocab=N";
  std::set<std::string> seen;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(pos, end - pos);
    auto eq = item.find('=');
    std::string key = item.substr(0, eq);
    auto it = fields.find(key);
    if (eq == std::string::npos || it == fields.end())
      throw Error(fmt::format("--shape item '{}' ({})", item, expected), ExitCode::usage_error);
    std::string value = item.substr(eq + 1);
    int v = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || ptr != value.data() + value.size() || v <= 0)
      throw Error(fmt::format("--shape {} is '{}' (expected a positive whole number)", key, value), ExitCode::usage_error);
    *it->second = v;
    seen.insert(key);
    pos = end + 1;
  }
  for (const auto& [k, _] : fields) {
    if (!seen.count(k)) throw Error(fmt::format("--shape lacks {} ({})", k, expected), ExitCode::usage_error);
  }
  s.validate();
  return s;
}

std::optional<Catalog> load_catalog_if_present(const Globals& g) {
  std::error_code ec;
  std::string path = catalog_path(g);
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  return io::load_catalog(path);
}

// --shape, then the catalog's models, then the built-in shapes.
TransformerShape resolve_model(const std::optional<Catalog>& cat, const std::string& name, const std::string& shape) {
  if (!shape.empty()) return parse_shape(name, shape);
  if (cat) {
    if (const ModelArch* m = cat->find_model(name)) {
      if (m->is_moe())
        throw Error(fmt::format("model '{}' is a mixture of experts and the probe measures dense models (expected a "
                                "dense model, or a dense stand-in given with --shape)",
                                name),
                    ExitCode::usage_error);
      return TransformerShape{m->id, m->layers, m->hidden, m->heads, m->kv_heads, m->head_dim, m->ffn, m->vocab};
    }
  }
  if (auto s = builtin_shape(name)) return *s;
  throw Error(fmt::format("unknown model '{}' for the probe (expected one of: {}tiny, or its dimensions in --shape)", name,
                          cat ? cat->model_ids() + ", " : std::string()));
}

void progress(const std::string& line) { std::cerr << "plan: calibrate: " << line << "\n" << std::flush; }

std::string fmt_opt(const std::optional<double>& v, int decimals) { return v ? report::fixed(*v, decimals) : "-"; }

// What an imported serving result does to the catalog model of its deployment: the fit of
// that file alone (perf::fit_serving), measured against predicted.
std::string show_serving_fit(const Catalog& cat, const std::vector<Calibration>& files) {
  const Calibration& c = files.front();
  const ModelArch* m = cat.find_model(c.model);
  const GpuSpec* gpu = cat.find_gpu(c.gpu);
  const Precision* w = cat.find_precision(c.precision);
  if (!m || !gpu || !w || !perf::is_tp_degree(c.tp))
    return fmt::format("\nnot used for planning: {} on {} ({}, TP {}) is not a deployment of calib/catalog.yaml (its "
                       "model, GPU, precision or TP is not there)\n",
                       c.model, c.gpu, c.precision, c.tp);
  const Precision* kv = cat.find_precision(w->kv_default());
  if (!kv) return "";
  perf::ServingFit f = perf::fit_serving(cat, *m, *gpu, *w, *kv, c.tp, files);
  std::string o = "\nagainst the catalog model of this deployment:\n";
  report::Table t;
  if (files.size() > 1) t.add_column("file", report::Align::left);
  t.add_column("figure", report::Align::left);
  for (auto h : {"batch", "measured", "catalog", "calibrated"}) t.add_column(h);
  for (const auto& x : f.observations) {
    std::vector<std::string> row{x.figure, report::fixed(x.batch, 1), report::fixed(x.measured, 2),
                                 report::fixed(x.catalog, 2), f.ok ? report::fixed(x.fitted, 2) : std::string("-")};
    if (files.size() > 1) row.insert(row.begin(), std::filesystem::path(x.source).filename().string());
    t.add_row(row);
  }
  if (!f.observations.empty()) o += t.render_text();
  for (const auto& n : f.notes) o += "note: " + n + "\n";
  if (!f.ok) return o + "not used for planning: " + f.problem + "\n";
  o += fmt::format("time scales: memory x{:.3f}, compute x{:.3f}, fixed x{:.3f}; {}\n", f.scales.memory,
                   f.scales.compute, f.scales.fixed, f.method);
  for (const auto& h : f.held) o += "held at the catalog's value: " + h + "\n";
  o += fmt::format("plans for {} on {}x {} ({}) use these scales; all files for the same deployment are fitted "
                   "together\n",
                   c.model, c.tp, c.gpu, c.precision);
  return o;
}

// One line on how the model the result file names was checked; empty for files written
// before the check.
std::string model_check_line(const Calibration& c) {
  const ServingMeasurement& s = *c.serving;
  if (!s.model_check) return "";
  const std::string named = s.tool_model ? *s.tool_model : s.tool_tokenizer.value_or("");
  switch (*s.model_check) {
    case ModelCheck::matched: return fmt::format("model check: the result file names '{}', which is {}\n", named, c.model);
    case ModelCheck::forced:
      return fmt::format("model check: FORCED: the result file is for model '{}', not {}; imported with --force\n",
                         named, c.model);
    case ModelCheck::unchecked:
      return fmt::format("model check: none: the result file names no model, so it could not be checked against {}\n",
                         c.model);
  }
  return "";
}

std::string show_calibration(const Calibration& c, const Catalog* cat = nullptr) {
  std::string o = fmt::format("calibration {} ({}, created {} on {}, {})\n", c.path.empty() ? "-" : c.path, c.kind,
                              c.created, c.host, c.probe_version);
  o += fmt::format("model {}, gpu {}, precision {}, tp {}\n", c.model, c.gpu, c.precision, c.tp);
  if (c.probe) {
    const ProbeResult& p = *c.probe;
    o += fmt::format("device {} ({}, {:.1f} GiB, driver {}, runtime {})\n", p.device_name, p.backend,
                     p.device_memory_bytes / bytes_per_gib, p.driver_version, p.runtime_version);
    o += fmt::format("layers run {} of {}, context {}, median of {} repeats\n", p.layers_run, p.layers, p.context,
                     p.repeats);
    o += fmt::format("stream bandwidth {:.2f} GB/s, GEMM {:.3f} TFLOP/s, prefill {} tokens: {:.1f} tokens/s\n\n",
                     p.stream_bandwidth_bytes_per_s / 1e9, p.gemm_flops_per_s / 1e12, p.prefill_tokens,
                     p.prefill_tokens_per_s);
    report::Table t;
    for (auto h : {"batch", "step ms", "tokens/s", "GB moved", "GB/s", "GFLOP", "fit ms"}) t.add_column(h);
    for (const auto& d : p.decode) {
      std::string model = "-";
      if (c.fit) {
        double bw = d.bytes * c.fit->seconds_per_byte, fl = d.flops * c.fit->seconds_per_flop;
        model = report::fixed((c.fit->t_fixed_s + std::max(bw, fl)) * 1e3, 3);
      }
      t.add_row({std::to_string(d.batch), report::fixed(d.step_s * 1e3, 3), report::fixed(d.tokens_per_s, 1),
                 report::fixed(d.bytes / 1e9, 4), report::fixed(d.bytes / d.step_s / 1e9, 2),
                 report::fixed(d.flops / 1e9, 3), model});
    }
    o += t.render_text();
    for (const auto& n : p.notes) o += "note: " + n + "\n";
  }
  if (c.fit) {
    const EfficiencyFit& f = *c.fit;
    o += fmt::format("\nfit: t_fixed {:.4f} ms, effective bandwidth {:.2f} GB/s, effective compute {}, {} points "
                     "({} bandwidth-bound, {} compute-bound), rms residual {:.4f} ms\n",
                     f.t_fixed_s * 1e3, 1.0 / f.seconds_per_byte / 1e9,
                     f.seconds_per_flop > 0 ? fmt::format("{:.3f} TFLOP/s", 1.0 / f.seconds_per_flop / 1e12)
                                            : std::string("not identified by decode"),
                     f.points, f.bandwidth_bound_points, f.compute_bound_points, f.rms_residual_s * 1e3);
    o += "method: " + f.method + "\n";
  }
  if (c.efficiencies) {
    const Efficiencies& e = *c.efficiencies;
    o += fmt::format("efficiencies: e_bw {:.3f}, e_fl {}, t_fixed {:.4f} ms (reference {:.2f} GB/s, {:.3f} TFLOP/s: {})\n",
                     e.e_bw, fmt_opt(e.e_fl, 3), e.t_fixed_s * 1e3, e.reference_bandwidth_bytes_per_s / 1e9,
                     e.reference_flops_per_s / 1e12, e.reference_source);
  }
  if (c.serving) {
    const ServingMeasurement& s = *c.serving;
    o += fmt::format("imported {} result {} (sha256 {})\n", s.tool, s.source_file, s.source_sha256);
    if (s.tool_model) o += fmt::format("model in file: {}\n", *s.tool_model);
    if (s.tool_tokenizer) o += fmt::format("tokenizer in file: {}\n", *s.tool_tokenizer);
    o += model_check_line(c);
    report::Table t;
    t.add_column("figure", report::Align::left);
    t.add_column("value");
    auto row = [&](const char* k, const std::optional<double>& v, int dec) {
      if (v) t.add_row({k, report::fixed(*v, dec)});
    };
    row("duration s", s.duration_s, 2);
    row("requests", s.requests, 0);
    row("concurrency", s.concurrency, 2);
    row("request rate /s", s.request_rate, 2);
    row("mean input tokens", s.mean_input_tokens, 1);
    row("mean output tokens", s.mean_output_tokens, 1);
    row("requests/s", s.requests_per_s, 3);
    row("output tokens/s", s.output_tokens_per_s, 1);
    row("total tokens/s", s.total_tokens_per_s, 1);
    row("TTFT mean ms", s.ttft_mean_ms, 2);
    row("TTFT p50 ms", s.ttft_p50_ms, 2);
    row("TTFT p90 ms", s.ttft_p90_ms, 2);
    row("TTFT p95 ms", s.ttft_p95_ms, 2);
    row("TTFT p99 ms", s.ttft_p99_ms, 2);
    row("TPOT mean ms", s.tpot_mean_ms, 3);
    row("TPOT p50 ms", s.tpot_p50_ms, 3);
    row("TPOT p90 ms", s.tpot_p90_ms, 3);
    row("TPOT p95 ms", s.tpot_p95_ms, 3);
    row("TPOT p99 ms", s.tpot_p99_ms, 3);
    row("ITL mean ms", s.itl_mean_ms, 3);
    row("ITL p50 ms", s.itl_p50_ms, 3);
    row("ITL p99 ms", s.itl_p99_ms, 3);
    row("E2E mean ms", s.e2el_mean_ms, 2);
    row("E2E p50 ms", s.e2el_p50_ms, 2);
    row("E2E p99 ms", s.e2el_p99_ms, 2);
    o += t.render_text();
    if (cat) o += show_serving_fit(*cat, {c});
  }
  return o;
}

#ifdef PLAN_HAVE_CUDA_PROBE
// Loads the CUDA probe module once; throws ExitCode::unavailable when it cannot be loaded
// (e.g. no CUDA runtime on this machine). $PLAN_CUDA_PROBE names another module file.
const probe::CudaProbeApi& cuda_probe() {
  static const probe::CudaProbeApi* api = nullptr;
  if (api) return *api;
  const char* env = std::getenv("PLAN_CUDA_PROBE");
  const std::string path = env && *env ? env : PLAN_CUDA_PROBE_MODULE;
  void* h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* why = ::dlerror();
    throw Error(fmt::format("cannot load the CUDA probe {}: {} (expected the CUDA runtime and cuBLAS, or --backend cpu)",
                            path, why ? why : "unknown error"),
                ExitCode::unavailable);
  }
  auto entry = reinterpret_cast<const probe::CudaProbeApi* (*)()>(::dlsym(h, "plan_cuda_probe_api"));
  if (!entry) throw Error(fmt::format("{} is not a plan CUDA probe (no plan_cuda_probe_api)", path), ExitCode::unavailable);
  api = entry();
  return *api;
}

bool cuda_device_present() noexcept {
  try {
    return cuda_probe().device_present();
  } catch (...) {
    return false;
  }
}
#endif

int run_calibrate(const Globals& g, RunOptions o) {
  std::string backend = o.backend;
  if (backend.empty()) {
#ifdef PLAN_HAVE_CUDA_PROBE
    if (cuda_device_present()) {
      backend = "cuda";
    } else {
      std::cerr << "plan: notice: no CUDA device found; measuring the CPU (--backend cpu)\n";
      backend = "cpu";
    }
#else
    std::cerr << "plan: notice: this build has no CUDA probe; measuring the CPU (--backend cpu)\n";
    backend = "cpu";
#endif
  }
  if (backend == "cuda") {
#ifdef PLAN_HAVE_CUDA_PROBE
    cuda_probe().require_device();
#else
    throw Error("this build has no CUDA probe (expected a build with a CUDA compiler, or --backend cpu)",
                ExitCode::unavailable);
#endif
  }
  std::optional<Catalog> cat = load_catalog_if_present(g);
  ProbeConfig cfg;
  cfg.shape = resolve_model(cat, o.model, o.shape);
  cfg.precision = o.precision.empty() ? (backend == "cuda" ? "bf16" : "fp32") : o.precision;
  (void)bytes_per_element(cfg.precision);
  cfg.batches = o.batches;
  cfg.context = o.context;
  cfg.prefill_tokens = o.prefill_tokens;
  cfg.layers_run = o.layers;
  cfg.repeats = o.repeats;
  cfg.warmup = o.warmup;
  cfg.stream_array_bytes = o.stream_mib * 1048576.0;
  cfg.progress = progress;

  ProbeResult r;
  if (backend == "cuda") {
#ifdef PLAN_HAVE_CUDA_PROBE
    r = cuda_probe().run(cfg, 0);
#endif
  } else {
    r = probe::run_cpu_probe(cfg);
  }

  Calibration c;
  c.kind = "probe";
  c.created = utc_now();
  c.host = host_name();
  c.probe_version = std::string("plan ") + PLAN_VERSION;
  c.model = cfg.shape.name;
  c.gpu = o.gpu.empty() ? r.device_name : o.gpu;
  c.precision = cfg.precision;
  c.tp = 1;
  EfficiencyFit fit = fit_decode_roofline(r.decode, r.stream_bandwidth_bytes_per_s, r.gemm_flops_per_s);
  double prefill_rate = prefill_flops(cfg.shape, cfg.shape.layers, r.prefill_tokens) / r.prefill_s;
  // Efficiencies are relative to the catalog entry's spec figures when --gpu names one of
  // the same kind (a GPU probed with CUDA at a tensor-core precision, or a catalog CPU entry
  // probed on the CPU); otherwise to what this device's own streaming kernel and large GEMM
  // reached, which the performance model does not use.
  double ref_bw = r.stream_bandwidth_bytes_per_s, ref_fl = r.gemm_flops_per_s;
  std::string ref_source = fmt::format("measured on this device: {} streaming kernel, large GEMM",
                                       backend == "cuda" ? "triad" : "STREAM triad");
  const GpuSpec* spec = cat && !o.gpu.empty() ? cat->find_gpu(o.gpu) : nullptr;
  const bool gpu_match = spec && spec->device == "gpu" && backend == "cuda" &&
                         (cfg.precision == "bf16" || cfg.precision == "fp16");
  const bool cpu_match = spec && spec->device == "cpu" && backend == "cpu";
  if (gpu_match || cpu_match) {
    ref_bw = spec->hbm_gb_per_s * bytes_per_gb;
    ref_fl = spec->bf16_tflops * 1e12;
    ref_source = fmt::format("catalog gpu {} (calib/catalog.yaml line {}: {} GB/s, {} TFLOPS {})", spec->id, spec->line,
                             spec->hbm_gb_per_s, spec->bf16_tflops, cpu_match ? "fp32" : "bf16");
  } else if (spec) {
    progress(fmt::format("efficiencies are relative to this device's own measurements, not to catalog gpu {} "
                         "(that needs --backend cuda at bf16 or fp16{})",
                         spec->id, spec->device == "cpu" ? ", or --backend cpu for a catalog cpu entry" : ""));
  }
  c.efficiencies = efficiencies_from_fit(fit, ref_bw, ref_fl, ref_source, prefill_rate);
  c.fit = fit;
  c.probe = std::move(r);

  std::string path = o.out.empty() ? default_output(g, c, backend) : o.out;
  io::write_calibration(path, c);
  if (path != "-") {
    c.path = path;
    emit(show_calibration(c) + fmt::format("wrote {}\n", path), "");
  }
  return 0;
}

// Checks the model a result file names against --model: a catalog model by its id and
// hf_ids, any other name by itself. A file that names another model is an error unless
// --force is given; the outcome is recorded in the measurement.
void check_result_model(const std::optional<Catalog>& cat, const ImportOptions& o, ServingMeasurement& s) {
  if (!s.tool_model && !s.tool_tokenizer) {
    s.model_check = ModelCheck::unchecked;
    return;
  }
  const ModelArch* m = cat ? cat->find_model(o.model) : nullptr;
  const std::vector<std::string> none;
  const std::vector<std::string>& ids = m ? m->hf_ids : none;
  auto matches = [&](const std::optional<std::string>& name) {
    return name && model_name_matches(*name, o.model, ids);
  };
  if (matches(s.tool_model) || matches(s.tool_tokenizer)) {
    s.model_check = ModelCheck::matched;
    return;
  }
  if (o.force) {
    s.model_check = ModelCheck::forced;
    return;
  }
  std::string known = !m ? std::string("not a catalog model, so only its own name is accepted")
                          : ids.empty() ? std::string("catalog hf_ids: none")
                                        : fmt::format("catalog hf_ids: {}", fmt::join(ids, ", "));
  throw Error(SourceLoc{o.file, 0, 0},
              fmt::format("result file is for model '{}', not {} ({}); pass --force to import it anyway",
                          s.tool_model ? *s.tool_model : *s.tool_tokenizer, o.model, known));
}

int import_calibrate(const Globals& g, const ImportOptions& o) {
  Calibration base;
  base.kind = "import";
  base.created = utc_now();
  base.host = host_name();
  base.probe_version = std::string("plan ") + PLAN_VERSION;
  base.model = o.model;
  base.gpu = o.gpu;
  base.precision = o.precision;
  (void)bytes_per_element(base.precision);
  base.tp = o.tp;

  const bool all = o.benchmark == "all";
  std::vector<ServingMeasurement> results;
  if (all) {
    if (o.out == "-")
      throw Error("--benchmark-index all writes one file per benchmark (expected -o DIRECTORY, or no -o)",
                  ExitCode::usage_error);
    results = io::import_serving_all(o.file);
  } else {
    std::optional<int> index;
    if (!o.benchmark.empty()) {
      int v = 0;
      auto [end, ec] = std::from_chars(o.benchmark.data(), o.benchmark.data() + o.benchmark.size(), v);
      if (ec != std::errc() || end != o.benchmark.data() + o.benchmark.size() || v < 1)
        throw Error(fmt::format("--benchmark-index '{}' (expected a benchmark number from 1, or all)", o.benchmark),
                    ExitCode::usage_error);
      index = v;
    }
    results.push_back(io::import_serving(o.file, index));
  }

  // Before anything is written: the model each result names must be the one imported.
  std::optional<Catalog> cat = load_catalog_if_present(g);
  for (auto& s : results) check_result_model(cat, o, s);

  std::vector<Calibration> files;
  for (auto& s : results) {
    Calibration c = base;
    // vLLM bench throughput does not record the request shape; the run's --input-len and
    // --output-len supply it.
    auto supply = [&](std::optional<double>& field, const std::optional<double>& given, const char* flag) {
      if (!given) return;
      if (field)
        throw Error(fmt::format("{} gives {:.1f} mean tokens per request already ({} applies to files that do not)",
                                o.file, *field, flag),
                    ExitCode::usage_error);
      field = *given;
    };
    supply(s.mean_input_tokens, o.input_len, "--input-len");
    supply(s.mean_output_tokens, o.output_len, "--output-len");
    if (s.tool == "vllm-bench-throughput" && s.mean_input_tokens && s.mean_output_tokens && s.requests_per_s)
      s.output_tokens_per_s = *s.requests_per_s * *s.mean_output_tokens;
    c.serving = s;
    files.push_back(std::move(c));
  }

  // Paths: one file, or with `all` one per benchmark (in -o DIRECTORY when given).
  for (std::size_t i = 0; i < files.size(); ++i) {
    Calibration& c = files[i];
    const std::string source = all ? fmt::format("{}-b{}", c.serving->tool, i + 1) : c.serving->tool;
    if (!all) {
      c.path = o.out.empty() ? default_output(g, c, source) : o.out;
    } else if (o.out.empty()) {
      c.path = default_output(g, c, source);
    } else {
      std::error_code ec;
      std::filesystem::create_directories(o.out, ec);
      if (ec) throw Error(SourceLoc{o.out, 0, 0}, "cannot create directory: " + ec.message(), ExitCode::cannot_create);
      c.path = fmt::format("{}/{}-{}-{}-tp{}-{}.yaml", o.out, slug(c.model), slug(c.gpu), c.precision, c.tp, source);
    }
  }
  // All or nothing: files already written are removed when a later one fails.
  std::vector<std::string> written;
  try {
    for (auto& c : files) {
      io::write_calibration(c.path, c);
      written.push_back(c.path);
    }
  } catch (...) {
    for (const auto& w : written) std::filesystem::remove(w);
    throw;
  }
  if (files.size() == 1 && files[0].path == "-") return 0;

  std::string out;
  if (files.size() == 1) {
    out = show_calibration(files[0], cat ? &*cat : nullptr);
  } else {
    report::Table t;
    for (auto h : {"#", "requests/s", "concurrency", "TTFT mean ms", "TPOT mean ms", "output tok/s"}) t.add_column(h);
    t.add_column("file", report::Align::left);
    for (std::size_t i = 0; i < files.size(); ++i) {
      const ServingMeasurement& s = *files[i].serving;
      t.add_row({std::to_string(i + 1), fmt_opt(s.requests_per_s, 3), fmt_opt(s.concurrency, 2),
                 fmt_opt(s.ttft_mean_ms, 2), fmt_opt(s.tpot_mean_ms, 3), fmt_opt(s.output_tokens_per_s, 1),
                 files[i].path});
    }
    out = fmt::format("imported {} benchmarks of {} (sha256 {}) for {} on {}x {} ({})\n", files.size(), o.file,
                      files[0].serving->source_sha256, base.model, base.tp, base.gpu, base.precision) +
          t.render_text() + model_check_line(files[0]);
    if (cat) out += show_serving_fit(*cat, files);
  }
  for (const auto& c : files) out += fmt::format("wrote {}\n", c.path);
  emit(out, "");
  return 0;
}

int list_calibrate(const Globals& g) {
  report::Table t;
  for (auto h : {"file", "kind", "model", "gpu", "precision"}) t.add_column(h, report::Align::left);
  for (auto h : {"tp", "e_bw", "e_fl", "t_fixed ms", "tokens/s"}) t.add_column(h);
  t.add_column("created", report::Align::left);
  auto files = io::list_calibrations(g.calib_dir() + "/results");
  for (const auto& f : files) {
    try {
      Calibration c = io::load_calibration(f);
      std::string ebw = "-", efl = "-", tfix = "-", tps = "-";
      if (c.efficiencies) {
        ebw = report::fixed(c.efficiencies->e_bw, 3);
        efl = fmt_opt(c.efficiencies->e_fl, 3);
        tfix = report::fixed(c.efficiencies->t_fixed_s * 1e3, 4);
      }
      if (c.probe && !c.probe->decode.empty()) tps = report::fixed(c.probe->decode.back().tokens_per_s, 1);
      if (c.serving && c.serving->total_tokens_per_s) tps = report::fixed(*c.serving->total_tokens_per_s, 1);
      std::string model = c.model;
      if (c.serving && c.serving->model_check == ModelCheck::forced)
        model += fmt::format(" (forced: file is for {})", c.serving->tool_model.value_or(c.serving->tool_tokenizer.value_or("?")));
      t.add_row({std::filesystem::path(f).filename().string(), c.kind, model, c.gpu, c.precision, std::to_string(c.tp),
                 ebw, efl, tfix, tps, c.created});
    } catch (const Error& e) {
      t.add_row({std::filesystem::path(f).filename().string(), "invalid", e.formatted(), "", "", "", "", "", "", "", ""});
    }
  }
  if (files.empty()) {
    emit(fmt::format("no calibration files in {}/results\n", g.calib_dir()), "");
    return 0;
  }
  emit(t.render_text(), "");
  return 0;
}

}  // namespace

void setup_calibrate(CLI::App& app, Registry& reg) {
  auto* cal = app.add_subcommand("calibrate", "Measure a device, or import serving benchmarks, into calibration files");
  cal->require_subcommand(1);

  auto ro = std::make_shared<RunOptions>();
  auto* run = cal->add_subcommand("run", "Run the probe (synthetic weights at the model's shapes) and fit e_bw, e_fl, t_fixed");
  run->add_option("--backend", ro->backend, "cuda or cpu (default: cuda when a device is present, else cpu)")
      ->check(CLI::IsMember({"cuda", "cpu"}));
  run->add_option("--model", ro->model, "Model whose shapes are measured (built in: tiny)")->required();
  run->add_option("--shape", ro->shape,
                  "Dimensions of a model that is not built in: "
                  "layers=N,hidden=N,heads=N,kv_heads=N,head_dim=N,ffn=N,vocab=N");
  run->add_option("--precision", ro->precision, "fp32, fp16, bf16 (default: bf16 on cuda, fp32 on cpu)");
  run->add_option("--gpu", ro->gpu, "Name recorded as the GPU (default: the device's name)");
  run->add_option("--batch", ro->batches, "Decode batch sizes, comma-separated")->delimiter(',')->capture_default_str();
  run->add_option("--context", ro->context, "KV-cache tokens per sequence during decode")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  run->add_option("--layers", ro->layers, "Layers to run (times scaled to the whole model; default: all that fit)")
      ->check(CLI::Range(1, 100000));
  run->add_option("--prefill-tokens", ro->prefill_tokens, "Prompt tokens of the prefill measurement")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  run->add_option("--repeats", ro->repeats, "Timed repetitions per figure (median reported)")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  run->add_option("--warmup", ro->warmup, "Untimed runs before each figure")->check(CLI::Range(0, 10000))->capture_default_str();
  run->add_option("--stream-mib", ro->stream_mib, "Size of each streaming-kernel array in MiB (default: 64 on cpu, 1024 on cuda)")
      ->check(CLI::Range(1.0, 65536.0));
  run->add_option("-o,--output", ro->out, "Calibration file to write (default: calib/results/<model>-<gpu>-...yaml)");
  reg.add(run, [ro, &g = reg.globals]() { return run_calibrate(g, *ro); });

  auto io_ = std::make_shared<ImportOptions>();
  auto* imp = cal->add_subcommand("import", "Import a vLLM bench serve / bench throughput JSON or a GuideLLM benchmarks.json");
  imp->add_option("file", io_->file, "Benchmark result file")->required();
  imp->add_option("--model", io_->model, "Model that was served")->required();
  imp->add_option("--gpu", io_->gpu, "GPU it was served on (catalog name)")->required();
  imp->add_option("--precision", io_->precision, "Weight precision: fp32, fp16, bf16, fp8, int8, int4")->required();
  imp->add_option("--tp", io_->tp, "Tensor-parallel degree")->required()->check(CLI::Range(1, 64));
  imp->add_option("--benchmark-index", io_->benchmark,
                  "For a GuideLLM file of several benchmarks: which one (1-based), or 'all' for one calibration file "
                  "per benchmark (a sweep), fitted together by plans");
  imp->add_option("--input-len", io_->input_len,
                  "Input tokens per request of the run, for files that do not record them (vLLM bench throughput)")
      ->check(CLI::Range(1.0, 1e7));
  imp->add_option("--output-len", io_->output_len,
                  "Output tokens per request of the run, for files that do not record them (vLLM bench throughput)")
      ->check(CLI::Range(1.0, 1e7));
  imp->add_flag("--force", io_->force,
                "Import even when the result file names another model than --model (recorded in the file)");
  imp->add_option("-o,--output", io_->out, "Calibration file to write (default: calib/results/...yaml)");
  reg.add(imp, [io_, &g = reg.globals]() { return import_calibrate(g, *io_); });

  auto file = std::make_shared<std::string>();
  auto* show = cal->add_subcommand("show", "Show a calibration file: measurements, fit and efficiencies");
  show->add_option("file", *file, "Calibration file")->required();
  reg.add(show, [file, &g = reg.globals]() {
    Calibration c = io::load_calibration(*file);
    std::optional<Catalog> cat = load_catalog_if_present(g);
    emit(show_calibration(c, cat ? &*cat : nullptr), "");
    return 0;
  });

  auto* list = cal->add_subcommand("list", "List the calibration files in calib/results/");
  reg.add(list, [&g = reg.globals]() { return list_calibrate(g); });
}

}  // namespace plan::cli
