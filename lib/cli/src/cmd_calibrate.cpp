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
#include <functional>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <iostream>

#include "common.hpp"
#include "plan/core/data/engine.hpp"
#include "plan/core/serving/calibration.hpp"
#include "plan/core/base/error.hpp"
#include "plan/core/serving/serving_fit.hpp"
#include "plan/core/base/units.hpp"
#include "plan/io/calibration_io.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/io/paths.hpp"
#include "plan/core/data/catalog.hpp"
#include "plan/probe/cpu_probe.hpp"
#include "plan/report/calibration_report.hpp"
#include "plan/report/escape.hpp"
#ifdef PLAN_HAVE_CUDA_PROBE
#include "plan/core/base/system_library.hpp"
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
  std::string parallel = "tp";  // layout of the deployment the probe is for (recorded; the probe runs one device)
  std::string out;
};

struct ImportOptions {
  std::string file;
  std::string model;
  std::string gpu;
  std::string precision;
  int gpus_per_replica = 1;      // GPUs of the replica (--gpus, or --tp)
  std::string parallel = "tp";   // their layout
  std::string engine;            // serving engine that was measured; empty: not recorded
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

// The default output path, among the user's files (never the data directory, which may be
// an install prefix or the source tree):
// $XDG_DATA_HOME/plan/calib/results/<model>-<gpu>-<precision>-<layout><N>-<source>-<time>.yaml
// (layout tp, ep or dep; N the GPU count).
std::string default_output(const Globals& g, const Calibration& c, const std::string& source) {
  std::string stamp = c.created;
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char ch) { return ch == '-' || ch == ':'; }), stamp.end());
  std::string dir = io::calibration_results_dir(g.user_dir ? *g.user_dir : io::require_user_data_dir());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(SourceLoc{dir, 0, 0}, "cannot create directory: " + ec.message(), ExitCode::cannot_create);
  return fmt::format("{}/{}-{}-{}-{}{}-{}-{}.yaml", dir, slug(c.model), slug(c.gpu), c.precision, to_string(c.parallel),
                     c.gpus_per_replica, source, stamp);
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
    if (const ModelArch* m = cat->find_model(name)) return probe_shape(*m);
  }
  if (auto s = builtin_shape(name)) return *s;
  throw Error(fmt::format("unknown model '{}' for the probe (expected one of: {}tiny, or its dimensions in --shape)", name,
                          cat ? cat->model_ids() + ", " : std::string()));
}

// The layout named by --parallel, for `model` (ep and dep need a mixture of experts).
Parallel checked_layout(const std::optional<Catalog>& cat, const std::string& model, const std::string& name) {
  return checked_layout(cat ? cat->find_model(model) : nullptr, model, *parse_parallel(name));
}

void progress(const std::string& line) { std::cerr << "plan: calibrate: " << line << "\n" << std::flush; }

// `calibrate show` and `import` of one file: the file, then, for an imported serving result
// and a catalog, what the result does to the catalog model of its deployment.
std::string show_calibration(const Calibration& c, const Catalog* cat = nullptr) {
  std::string o = report::render_calibration(c);
  if (c.serving && cat) o += report::render_serving_fit({c}, perf::fit_serving_deployment(*cat, {c}));
  return o;
}

#ifdef PLAN_HAVE_CUDA_PROBE
// The CUDA probe module: $PLAN_CUDA_PROBE when set, else the installed one beside the
// executable (<prefix>/lib/plan/), else the one of the build tree.
std::string cuda_probe_path() {
  const char* env = std::getenv("PLAN_CUDA_PROBE");
  return env && *env ? std::string(env)
                     : io::installed_file(io::executable_path(), PLAN_INSTALLED_CUDA_PROBE_MODULE)
                           .value_or(PLAN_CUDA_PROBE_MODULE);
}

// The CUDA probe module, loaded on first use; throws ExitCode::unavailable with the dynamic
// loader's own reason when it cannot be loaded (e.g. no CUDA runtime or cuBLAS here).
const probe::CudaProbeApi& cuda_probe() {
  static SystemLibrary module(cuda_probe_path(), "the CUDA runtime and cuBLAS, or use --backend cpu", "the CUDA probe");
  static const probe::CudaProbeApi* api = nullptr;
  if (!api) api = module.get<const probe::CudaProbeApi*()>("plan_cuda_probe_api")();
  return *api;
}

// Whether the CUDA probe loads and sees a device; when not, `why` says which of the two
// failed (the loader's error, or no device).
bool cuda_device_present(std::string& why) {
  try {
    if (cuda_probe().device_present()) return true;
    why = "no CUDA device found";
  } catch (const Error& e) {
    why = e.what();
  }
  return false;
}
#endif

// The backend to measure: the one asked for, else the CUDA probe when a device is present,
// else the CPU; a CUDA backend this build or machine cannot run is an error.
ProbeBackend choose_backend(const RunOptions& o) {
  if (o.backend.empty()) {
#ifdef PLAN_HAVE_CUDA_PROBE
    std::string why;
    if (cuda_device_present(why)) {
      cuda_probe().require_device();
      return ProbeBackend::cuda;
    }
    std::cerr << "plan: notice: " << report::terminal_cell(why) << "; measuring the CPU (--backend cpu)\n";
#else
    std::cerr << "plan: notice: this build has no CUDA probe; measuring the CPU (--backend cpu)\n";
#endif
    return ProbeBackend::cpu;
  }
  if (o.backend == "cpu") return ProbeBackend::cpu;
#ifdef PLAN_HAVE_CUDA_PROBE
  cuda_probe().require_device();
#else
  throw Error("this build has no CUDA probe (expected a build with a CUDA compiler, or --backend cpu)",
              ExitCode::unavailable);
#endif
  return ProbeBackend::cuda;
}

// The probe's configuration from the options: the model's shape, the precision (bf16 on
// CUDA, fp32 on the CPU unless asked) and the measurement sizes.
ProbeConfig probe_config(const std::optional<Catalog>& cat, const RunOptions& o, ProbeBackend backend) {
  ProbeConfig cfg;
  cfg.shape = resolve_model(cat, o.model, o.shape);
  cfg.precision = o.precision.empty() ? (backend == ProbeBackend::cuda ? "bf16" : "fp32") : o.precision;
  (void)bytes_per_element(cfg.precision);
  cfg.batches = o.batches;
  cfg.context = o.context;
  cfg.prefill_tokens = o.prefill_tokens;
  cfg.layers_run = o.layers;
  cfg.repeats = o.repeats;
  cfg.warmup = o.warmup;
  cfg.stream_array_bytes = o.stream_mib * 1048576.0;
  cfg.progress = progress;
  return cfg;
}

// Runs the probe on the chosen backend.
ProbeResult run_probe(const ProbeConfig& cfg, ProbeBackend backend) {
  ProbeResult r;
  if (backend == ProbeBackend::cuda) {
#ifdef PLAN_HAVE_CUDA_PROBE
    r = cuda_probe().run(cfg, 0);
#endif
  } else {
    r = probe::run_cpu_probe(cfg);
  }
  return r;
}

// The calibration's identity: when and where it was measured, the model, device, precision
// and the layout of the deployment it is for.
Calibration calibration_header(const ProbeConfig& cfg, const ProbeResult& r, const RunOptions& o,
                               const Parallel& layout) {
  Calibration c;
  c.kind = CalibrationKind::probe;
  c.created = utc_now();
  c.host = host_name();
  c.probe_version = std::string("plan ") + PLAN_VERSION;
  c.model = cfg.shape.name;
  c.gpu = o.gpu.empty() ? r.device_name : o.gpu;
  c.precision = cfg.precision;
  // The probe runs one device; the layout is that of the deployment it is for (its
  // efficiencies are per GPU and apply in every layout, docs/calibration.md).
  c.gpus_per_replica = 1;
  c.parallel = layout;
  return c;
}

// Fits the measured efficiencies into c, bounded by the reference device (measuring a copy
// bandwidth again on the CPU when the fit exceeds it), and records the findings in r's notes.
void fit_efficiencies(Calibration& c, ProbeResult& r, const ProbeConfig& cfg, const std::optional<Catalog>& cat,
                      const RunOptions& o, ProbeBackend backend) {
  if (const ModelArch* m = cat ? cat->find_model(o.model) : nullptr; m && m->is_moe() && o.shape.empty())
    r.notes.push_back(fmt::format("mixture of experts: measured as one token's path, attention and a gated MLP of "
                                  "(top_k {} + shared {}) x expert_ffn {} = {}; efficiencies are per GPU",
                                  m->top_k, m->shared_experts, m->expert_ffn(), cfg.shape.ffn));
  EfficiencyFit fit = fit_decode_roofline(r.decode, r.stream_bandwidth_bytes_per_s, r.gemm_flops_per_s);
  const double prefill_rate = probe_prefill_flops_per_s(cfg.shape, r);
  const GpuSpec* spec = cat && !o.gpu.empty() ? cat->find_gpu(o.gpu) : nullptr;
  const ProbeReference ref = probe_reference(r, backend,
                                             cfg.precision, spec);
  if (!ref.not_catalog_why.empty()) progress(ref.not_catalog_why);
  // An efficiency above 1 means the reference is wrong for this device: on the CPU the
  // bandwidth is then measured again as a STREAM-style copy of the bytes a decode step moves
  // (at most 1 GiB per array); the CUDA probe's own streaming kernels already ran.
  const double copy_bytes = std::clamp(r.decode.front().bytes * r.layers_run / std::max(1, r.layers), 1048576.0,
                                       1073741824.0);
  std::function<double()> measure_copy = [&]() {
    if (backend != ProbeBackend::cpu) return r.stream_bandwidth_bytes_per_s;
    progress(fmt::format("stream copy, 2 arrays of {:.0f} MiB (the fitted bandwidth exceeds the reference)",
                         copy_bytes / 1048576.0));
    return probe::stream_copy_bytes_per_s(std::size_t(copy_bytes), cfg.repeats);
  };
  std::vector<std::string> findings;
  c.efficiencies = bounded_efficiencies(fit, ref.bandwidth_bytes_per_s, ref.flops_per_s, ref.source, prefill_rate,
                                        measure_copy, r.gemm_flops_per_s, findings);
  for (const auto& f : findings) {
    progress(f);
    r.notes.push_back(f);
  }
  c.fit = fit;
}

// Writes the calibration to --out (or its default path) once it is known to read back, and
// shows what was written.
void write_checked(const Globals& g, Calibration& c, const RunOptions& o, ProbeBackend backend) {
  std::string path = o.out.empty() ? default_output(g, c, to_string(backend)) : o.out;
  // What is written must read back (calibrate show, list and plans read it with the same
  // reader): a file the reader would reject is an error here, and nothing is written.
  try {
    (void)io::parse_calibration(path, io::render_calibration(c));
  } catch (const Error& e) {
    throw Error(fmt::format("the calibration file for {} would not read back, so it was not written: {} (a fault "
                            "of plan; please report it)",
                            path, e.what()),
                ExitCode::internal_error);
  }
  io::write_calibration(path, c);
  if (path != "-") {
    c.path = path;
    emit(show_calibration(c) + fmt::format("wrote {}\n", path), "");
  }
}

int run_calibrate(const Globals& g, RunOptions o) {
  const ProbeBackend backend = choose_backend(o);
  std::optional<Catalog> cat = load_catalog_if_present(g);
  // Before anything runs: ep and dep need a mixture of experts.
  const Parallel layout = checked_layout(cat, o.model, o.parallel);
  const ProbeConfig cfg = probe_config(cat, o, backend);
  ProbeResult r = run_probe(cfg, backend);
  Calibration c = calibration_header(cfg, r, o, layout);
  fit_efficiencies(c, r, cfg, cat, o, backend);
  c.probe = std::move(r);
  write_checked(g, c, o, backend);
  return 0;
}

int import_calibrate(const Globals& g, const ImportOptions& o) {
  Calibration base;
  base.kind = CalibrationKind::import;
  base.created = utc_now();
  base.host = host_name();
  base.probe_version = std::string("plan ") + PLAN_VERSION;
  base.model = o.model;
  base.gpu = o.gpu;
  base.precision = o.precision;
  (void)bytes_per_element(base.precision);
  base.gpus_per_replica = o.gpus_per_replica;
  base.parallel = checked_layout(load_catalog_if_present(g), o.model, o.parallel);
  if (!o.engine.empty() && !perf::parse_engine_choice(o.engine))
    throw Error(fmt::format("--engine '{}' is not an engine (expected {}, optionally with a version: sglang@0.5.10)",
                            o.engine, perf::engine_names),
                ExitCode::usage_error);
  base.engine = o.engine;

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
  for (auto& s : results) check_result_model(cat ? cat->find_model(o.model) : nullptr, o.model, o.force, o.file, s);

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
    if (s.tool == ServingFormat::vllm_throughput && s.mean_input_tokens && s.mean_output_tokens && s.requests_per_s)
      s.output_tokens_per_s = *s.requests_per_s * *s.mean_output_tokens;
    c.serving = s;
    files.push_back(std::move(c));
  }

  // Paths: one file, or with `all` one per benchmark (in -o DIRECTORY when given).
  for (std::size_t i = 0; i < files.size(); ++i) {
    Calibration& c = files[i];
    const std::string tool = serving_format_name(c.serving->tool);
    const std::string source = all ? fmt::format("{}-b{}", tool, i + 1) : tool;
    if (!all) {
      c.path = o.out.empty() ? default_output(g, c, source) : o.out;
    } else if (o.out.empty()) {
      c.path = default_output(g, c, source);
    } else {
      std::error_code ec;
      std::filesystem::create_directories(o.out, ec);
      if (ec) throw Error(SourceLoc{o.out, 0, 0}, "cannot create directory: " + ec.message(), ExitCode::cannot_create);
      c.path = fmt::format("{}/{}-{}-{}-{}{}-{}.yaml", o.out, slug(c.model), slug(c.gpu), c.precision,
                           to_string(c.parallel), c.gpus_per_replica, source);
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
    out = report::render_import_summary(o.file, files);
    if (cat) out += report::render_serving_fit(files, perf::fit_serving_deployment(*cat, files));
  }
  for (const auto& c : files) out += fmt::format("wrote {}\n", c.path);
  emit(out, "");
  return 0;
}

// One table per directory that plans read (the data directory's, then the user's), each
// under a line saying where its files live.
int list_calibrate(const Globals& g) {
  const std::vector<std::string> dirs = g.calibration_dirs();
  std::string out;
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    const char* what = i == 0 ? "shipped with the data" : "user files";
    auto files = io::list_calibrations(dirs[i]);
    if (!out.empty()) out += "\n";
    if (files.empty()) {
      out += fmt::format("no calibration files in {} ({})\n", dirs[i], what);
      continue;
    }
    out += fmt::format("in {} ({}):\n", dirs[i], what);
    std::vector<report::CalibrationListEntry> entries;
    for (const auto& f : files) {
      report::CalibrationListEntry e;
      e.file = std::filesystem::path(f).filename().string();
      try {
        e.calibration = io::load_calibration(f);
      } catch (const Error& err) {
        // The file is named at the start of its line: its location is the line and column.
        const SourceLoc& at = err.loc();
        e.error = at.line > 0 ? fmt::format("{}:{}: {}", at.line, at.col, err.what()) : std::string(err.what());
      }
      entries.push_back(std::move(e));
    }
    out += report::render_calibration_list(entries);
  }
  if (!g.user_dir) out += "no directory for user files (HOME and XDG_DATA_HOME are unset)\n";
  emit(out, "");
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
  run->add_option("--parallel", ro->parallel,
                  "Layout of the deployment the measurement is for, recorded in the file: tp, ep or dep (ep and dep "
                  "need a mixture of experts; the probe runs one device, its efficiencies apply in every layout)")
      ->check(CLI::IsMember({"tp", "ep", "dep"}))
      ->capture_default_str();
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
  run->add_option("-o,--output", ro->out, "Calibration file to write (default: $XDG_DATA_HOME/plan/calib/results/<model>-<gpu>-...yaml, "
                  "XDG_DATA_HOME defaulting to ~/.local/share)");
  reg.add(run, [ro, &g = reg.globals]() { return run_calibrate(g, *ro); });

  auto io_ = std::make_shared<ImportOptions>();
  auto* imp = cal->add_subcommand("import", "Import a vLLM bench serve / bench throughput JSON or a GuideLLM benchmarks.json");
  imp->add_option("file", io_->file, "Benchmark result file")->required();
  imp->add_option("--model", io_->model, "Model that was served")->required();
  imp->add_option("--gpu", io_->gpu, "GPU it was served on (catalog name)")->required();
  imp->add_option("--precision", io_->precision, "Weight precision: fp32, fp16, bf16, fp8, int8, int4")->required();
  imp->add_option("--gpus,--tp", io_->gpus_per_replica,
                  "GPUs of the replica that was measured (--tp: the same, for tensor parallel)")
      ->required()
      ->check(CLI::Range(1, 64));
  imp->add_option("--parallel", io_->parallel,
                  "Layout of those GPUs: tp (tensor parallel), ep (experts split, attention tensor parallel) or dep "
                  "(experts split, attention data parallel); a calibration applies only to replicas of its layout")
      ->check(CLI::IsMember({"tp", "ep", "dep"}))
      ->capture_default_str();
  imp->add_option("--engine", io_->engine,
                  "Serving engine that produced the result: vllm, sglang or trtllm, optionally with a version "
                  "(sglang@0.5.10); recorded in the file");
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
  imp->add_option("-o,--output", io_->out, "Calibration file to write (default: $XDG_DATA_HOME/plan/calib/results/...yaml, XDG_DATA_HOME "
                  "defaulting to ~/.local/share)");
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

  auto* list = cal->add_subcommand("list", "List the calibration files that plans read: the data directory's calib/results/ and "
                                                   "the user's $XDG_DATA_HOME/plan/calib/results/, with where each lives");
  reg.add(list, [&g = reg.globals]() { return list_calibrate(g); });
}

}  // namespace plan::cli
