// Calibration files: writer, strict reader, and importers of serving-benchmark results.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>

#include "plan/io/calibration_io.hpp"

#include "plan/core/data/engine.hpp"
#include "plan/io/files.hpp"
#include "json_text.hpp"
#include "yaml_strict.hpp"

namespace plan::io {
namespace {

// A YAML double-quoted scalar.
std::string q(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      out += fmt::format("\\x{:02x}", unsigned(c));
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

// Shortest text that reads back as the same double.
std::string n(double v) { return fmt::format("{}", v); }

void opt_line(std::string& out, const char* indent, const char* key, const std::optional<double>& v) {
  if (v) out += fmt::format("{}{}: {}\n", indent, key, n(*v));
}

struct Stat {
  const char* key;
  const std::optional<double>* v;
};

void stat_block(std::string& out, const char* key, std::initializer_list<Stat> stats) {
  bool any = false;
  for (const auto& s : stats) any = any || s.v->has_value();
  if (!any) return;
  out += fmt::format("  {}:\n", key);
  for (const auto& s : stats) opt_line(out, "    ", s.key, *s.v);
}

}  // namespace

std::string render_calibration(const Calibration& c) {
  std::string o;
  o += "# plan calibration file (format: docs/calibration.md)\n";
  o += fmt::format("format_version: {}\n", c.format_version);
  o += fmt::format("kind: {}\n", to_string(c.kind));
  o += fmt::format("created: {}\n", q(c.created));
  o += fmt::format("host: {}\n", q(c.host));
  o += fmt::format("probe_version: {}\n", q(c.probe_version));
  o += fmt::format("model: {}\n", q(c.model));
  o += fmt::format("gpu: {}\n", q(c.gpu));
  o += fmt::format("precision: {}\n", c.precision);
  o += fmt::format("tp: {}\n", c.gpus_per_replica);
  o += fmt::format("parallel: {}\n", to_string(c.parallel));
  if (!c.engine.empty()) o += fmt::format("engine: {}\n", q(c.engine));
  if (c.probe) {
    const ProbeResult& p = *c.probe;
    o += "device:\n";
    o += fmt::format("  backend: {}\n", p.backend);
    o += fmt::format("  name: {}\n", q(p.device_name));
    o += fmt::format("  memory_bytes: {}\n", n(p.device_memory_bytes));
    o += fmt::format("  driver_version: {}\n", q(p.driver_version));
    o += fmt::format("  runtime_version: {}\n", q(p.runtime_version));
    o += "measurement:\n";
    o += fmt::format("  precision: {}\n", p.precision);
    o += fmt::format("  layers: {}\n", p.layers);
    o += fmt::format("  layers_run: {}\n", p.layers_run);
    o += fmt::format("  context: {}\n", p.context);
    o += fmt::format("  repeats: {}\n", p.repeats);
    o += fmt::format("  stream_bandwidth_gb_per_s: {}\n", n(p.stream_bandwidth_bytes_per_s / 1e9));
    o += fmt::format("  gemm_tflops: {}\n", n(p.gemm_flops_per_s / 1e12));
    o += "  prefill:\n";
    o += fmt::format("    tokens: {}\n", p.prefill_tokens);
    o += fmt::format("    seconds: {}\n", n(p.prefill_s));
    o += fmt::format("    tokens_per_s: {}\n", n(p.prefill_tokens_per_s));
    o += "  decode:\n";
    for (const auto& d : p.decode) {
      o += fmt::format("    - {{batch: {}, step_ms: {}, tokens_per_s: {}, bytes: {}, flops: {}}}\n", d.batch,
                       n(d.step_s * 1e3), n(d.tokens_per_s), n(d.bytes), n(d.flops));
    }
    if (!p.notes.empty()) {
      o += "  notes:\n";
      for (const auto& note : p.notes) o += fmt::format("    - {}\n", q(note));
    }
  }
  if (c.fit) {
    const EfficiencyFit& f = *c.fit;
    o += "fit:\n";
    o += fmt::format("  method: {}\n", q(f.method));
    o += fmt::format("  t_fixed_ms: {}\n", n(f.t_fixed_s * 1e3));
    o += fmt::format("  effective_bandwidth_gb_per_s: {}\n", n(f.seconds_per_byte > 0 ? 1.0 / f.seconds_per_byte / 1e9 : 0));
    if (f.seconds_per_flop > 0) o += fmt::format("  effective_tflops: {}\n", n(1.0 / f.seconds_per_flop / 1e12));
    o += fmt::format("  points: {}\n", f.points);
    o += fmt::format("  bandwidth_bound_points: {}\n", f.bandwidth_bound_points);
    o += fmt::format("  compute_bound_points: {}\n", f.compute_bound_points);
    o += fmt::format("  rms_residual_ms: {}\n", n(f.rms_residual_s * 1e3));
  }
  if (c.efficiencies) {
    const Efficiencies& e = *c.efficiencies;
    o += "efficiencies:\n";
    o += fmt::format("  e_bw: {}\n", n(e.e_bw));
    if (e.e_fl) o += fmt::format("  e_fl: {}\n", n(*e.e_fl));
    o += fmt::format("  t_fixed_ms: {}\n", n(e.t_fixed_s * 1e3));
    o += fmt::format("  reference_bandwidth_gb_per_s: {}\n", n(e.reference_bandwidth_bytes_per_s / 1e9));
    o += fmt::format("  reference_tflops: {}\n", n(e.reference_flops_per_s / 1e12));
    o += fmt::format("  reference_source: {}\n", q(e.reference_source));
  }
  if (c.serving) {
    const ServingMeasurement& s = *c.serving;
    o += "serving:\n";
    o += fmt::format("  tool: {}\n", serving_format_name(s.tool));
    o += fmt::format("  source_file: {}\n", q(s.source_file));
    o += fmt::format("  source_sha256: {}\n", s.source_sha256);
    if (s.tool_model) o += fmt::format("  model_in_file: {}\n", q(*s.tool_model));
    if (s.tool_tokenizer) o += fmt::format("  tokenizer_in_file: {}\n", q(*s.tool_tokenizer));
    if (s.model_check) o += fmt::format("  model_check: {}\n", to_string(*s.model_check));
    opt_line(o, "  ", "duration_s", s.duration_s);
    opt_line(o, "  ", "requests", s.requests);
    opt_line(o, "  ", "concurrency", s.concurrency);
    opt_line(o, "  ", "request_rate_per_s", s.request_rate);
    opt_line(o, "  ", "mean_input_tokens", s.mean_input_tokens);
    opt_line(o, "  ", "mean_output_tokens", s.mean_output_tokens);
    opt_line(o, "  ", "requests_per_s", s.requests_per_s);
    opt_line(o, "  ", "output_tokens_per_s", s.output_tokens_per_s);
    opt_line(o, "  ", "total_tokens_per_s", s.total_tokens_per_s);
    stat_block(o, "ttft_ms", {{"mean", &s.ttft_mean_ms}, {"p50", &s.ttft_p50_ms}, {"p90", &s.ttft_p90_ms},
                              {"p95", &s.ttft_p95_ms}, {"p99", &s.ttft_p99_ms}});
    stat_block(o, "tpot_ms", {{"mean", &s.tpot_mean_ms}, {"p50", &s.tpot_p50_ms}, {"p90", &s.tpot_p90_ms},
                              {"p95", &s.tpot_p95_ms}, {"p99", &s.tpot_p99_ms}});
    stat_block(o, "itl_ms", {{"mean", &s.itl_mean_ms}, {"p50", &s.itl_p50_ms}, {"p99", &s.itl_p99_ms}});
    stat_block(o, "e2el_ms", {{"mean", &s.e2el_mean_ms}, {"p50", &s.e2el_p50_ms}, {"p99", &s.e2el_p99_ms}});
  }
  return o;
}

void write_calibration(const std::string& path, const Calibration& c) { write_file_atomic(path, render_calibration(c)); }

namespace {

void read_stats(Map& parent, const char* key, std::initializer_list<std::pair<const char*, std::optional<double>*>> out) {
  auto node = parent.opt_node(key);
  if (!node) return;
  Map m(parent.file(), *node, fmt::format("'{}' in {}", key, parent.what()));
  for (auto& [k, v] : out) *v = m.opt_num(k, Range::non_negative());
  m.finish();
}

std::string one_of(const std::string& file, Map& m, const char* key, std::initializer_list<const char*> allowed) {
  std::string v = m.str(key);
  for (const char* a : allowed) {
    if (v == a) return v;
  }
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  throw Error(loc_of(file, m.node(key)), fmt::format("'{}' is '{}' (expected one of: {})", key, v, list));
}

// The device and measurement sections of a probe calibration.
ProbeResult read_probe(const std::string& file, Map& top, const Node& dev) {
  ProbeResult p;
  Map m(file, dev, "'device'");
  p.backend = one_of(file, m, "backend", {"cuda", "cpu"});
  p.device_name = m.str("name");
  p.device_memory_bytes = m.num("memory_bytes", Range::non_negative());
  p.driver_version = m.str("driver_version");
  p.runtime_version = m.str("runtime_version");
  m.finish();

  Map ms(file, top.node("measurement"), "'measurement'");
  p.precision = ms.str("precision");
  p.layers = ms.integer("layers", 1, 100000);
  p.layers_run = ms.integer("layers_run", 1, p.layers);
  p.context = ms.integer("context", 1, 100000000);
  p.repeats = ms.integer("repeats", 1, 1000000);
  p.stream_bandwidth_bytes_per_s = ms.num("stream_bandwidth_gb_per_s", Range::positive()) * 1e9;
  p.gemm_flops_per_s = ms.num("gemm_tflops", Range::positive()) * 1e12;
  {
    Map pf(file, ms.node("prefill"), "'prefill' in 'measurement'");
    p.prefill_tokens = pf.integer("tokens", 1, 100000000);
    p.prefill_s = pf.num("seconds", Range::positive());
    p.prefill_tokens_per_s = pf.num("tokens_per_s", Range::positive());
    pf.finish();
  }
  ms.seq("decode", [&](const Node& node, std::size_t i) {
    Map dm(file, node, fmt::format("decode point {}", i + 1));
    DecodePoint dp;
    dp.batch = dm.integer("batch", 1, 1000000);
    dp.step_s = dm.num("step_ms", Range::positive()) / 1e3;
    dp.tokens_per_s = dm.num("tokens_per_s", Range::positive());
    dp.bytes = dm.num("bytes", Range::positive());
    dp.flops = dm.num("flops", Range::positive());
    dm.finish();
    p.decode.push_back(dp);
  });
  if (p.decode.empty()) throw Error(ms.key_loc("decode"), "'decode' in 'measurement' is empty (expected at least one batch size)");
  p.notes = ms.opt_str_list("notes");
  ms.finish();
  return p;
}

// The decode roofline fitted to a probe's measurements.
EfficiencyFit read_fit(const std::string& file, const Node& node) {
  Map m(file, node, "'fit'");
  EfficiencyFit f;
  f.method = m.str("method");
  f.t_fixed_s = m.num("t_fixed_ms", Range::non_negative()) / 1e3;
  f.seconds_per_byte = 1.0 / (m.num("effective_bandwidth_gb_per_s", Range::positive()) * 1e9);
  if (auto tf = m.opt_num("effective_tflops", Range::positive())) f.seconds_per_flop = 1.0 / (*tf * 1e12);
  f.points = m.integer("points", 1, 1000000);
  f.bandwidth_bound_points = m.integer("bandwidth_bound_points", 0, f.points);
  f.compute_bound_points = m.integer("compute_bound_points", 0, f.points);
  f.rms_residual_s = m.num("rms_residual_ms", Range::non_negative()) / 1e3;
  m.finish();
  return f;
}

// The efficiencies plans use, with the reference device they are relative to.
Efficiencies read_efficiencies(const std::string& file, const Node& node) {
  Map m(file, node, "'efficiencies'");
  Efficiencies e;
  e.e_bw = m.num("e_bw", Range{0, 1.5, true});
  e.e_fl = m.opt_num("e_fl", Range{0, 1.5, true});
  e.t_fixed_s = m.num("t_fixed_ms", Range::non_negative()) / 1e3;
  e.reference_bandwidth_bytes_per_s = m.num("reference_bandwidth_gb_per_s", Range::positive()) * 1e9;
  e.reference_flops_per_s = m.num("reference_tflops", Range::non_negative()) * 1e12;
  e.reference_source = m.str("reference_source");
  m.finish();
  return e;
}

// An imported serving benchmark: its tool and source file, throughput and latency statistics.
ServingMeasurement read_serving(const std::string& file, const Node& node) {
  Map m(file, node, "'serving'");
  ServingMeasurement s;
  s.tool = *serving_format_from_name(
      one_of(file, m, "tool", {"vllm-bench-serve", "vllm-bench-throughput", "guidellm"}));
  s.source_file = m.str("source_file");
  s.source_sha256 = m.str("source_sha256");
  if (s.source_sha256.size() != 64 || s.source_sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw Error(loc_of(file, m.node("source_sha256")), "'source_sha256' is not 64 lower-case hex digits (expected a sha256)");
  s.tool_model = m.opt_str("model_in_file");
  s.tool_tokenizer = m.opt_str("tokenizer_in_file");
  if (m.has("model_check")) {
    std::string v = one_of(file, m, "model_check", {"matched", "forced", "unchecked"});
    s.model_check = model_check_from_string(v);
  }
  auto nn = Range::non_negative();
  s.duration_s = m.opt_num("duration_s", nn);
  s.requests = m.opt_num("requests", nn);
  s.concurrency = m.opt_num("concurrency", nn);
  s.request_rate = m.opt_num("request_rate_per_s", nn);
  s.mean_input_tokens = m.opt_num("mean_input_tokens", nn);
  s.mean_output_tokens = m.opt_num("mean_output_tokens", nn);
  s.requests_per_s = m.opt_num("requests_per_s", nn);
  s.output_tokens_per_s = m.opt_num("output_tokens_per_s", nn);
  s.total_tokens_per_s = m.opt_num("total_tokens_per_s", nn);
  read_stats(m, "ttft_ms", {{"mean", &s.ttft_mean_ms}, {"p50", &s.ttft_p50_ms}, {"p90", &s.ttft_p90_ms},
                            {"p95", &s.ttft_p95_ms}, {"p99", &s.ttft_p99_ms}});
  read_stats(m, "tpot_ms", {{"mean", &s.tpot_mean_ms}, {"p50", &s.tpot_p50_ms}, {"p90", &s.tpot_p90_ms},
                            {"p95", &s.tpot_p95_ms}, {"p99", &s.tpot_p99_ms}});
  read_stats(m, "itl_ms", {{"mean", &s.itl_mean_ms}, {"p50", &s.itl_p50_ms}, {"p99", &s.itl_p99_ms}});
  read_stats(m, "e2el_ms", {{"mean", &s.e2el_mean_ms}, {"p50", &s.e2el_p50_ms}, {"p99", &s.e2el_p99_ms}});
  m.finish();
  return s;
}

}  // namespace

Calibration parse_calibration(const std::string& file, const std::string& text) {
  Document d = parse_document(file, text);
  Map top(file, d.root, "the calibration file");
  Calibration c;
  c.path = file;
  c.format_version = top.integer("format_version", 1, 1);
  c.kind = one_of(file, top, "kind", {"probe", "import"}) == "import" ? CalibrationKind::import
                                                                     : CalibrationKind::probe;
  c.created = top.str("created");
  c.host = top.str("host");
  c.probe_version = top.str("probe_version");
  c.model = top.str("model");
  c.gpu = top.str("gpu");
  c.precision = top.str("precision");
  try {
    (void)bytes_per_element(c.precision);
  } catch (const Error& e) {
    throw Error(loc_of(file, top.node("precision")), e.what());
  }
  c.gpus_per_replica = top.integer("tp", 1, 64);
  // Files written before layouts have no `parallel`: their replicas were tensor parallel.
  if (top.has("parallel")) {
    const std::string v = top.str("parallel");
    auto layout = parse_parallel(v);
    if (!layout)
      throw Error(loc_of(file, top.node("parallel")), fmt::format("'parallel' is '{}' (expected one of: tp, ep, dep)", v));
    c.parallel = *layout;
  }
  if (top.has("engine")) {
    c.engine = top.str("engine");
    if (!perf::parse_engine_choice(c.engine))
      throw Error(loc_of(file, top.node("engine")),
                  fmt::format("'engine' is '{}' (expected {}, optionally name@version)", c.engine, perf::engine_names));
  }

  if (auto dev = top.opt_node("device")) c.probe = read_probe(file, top, *dev);
  if (auto fn = top.opt_node("fit")) c.fit = read_fit(file, *fn);
  if (auto en = top.opt_node("efficiencies")) c.efficiencies = read_efficiencies(file, *en);
  if (auto sn = top.opt_node("serving")) c.serving = read_serving(file, *sn);
  top.finish();

  // What each kind must hold.
  if (c.kind == CalibrationKind::probe && !(c.probe && c.fit && c.efficiencies))
    throw Error(top.loc(), "a 'probe' calibration lacks device, measurement, fit or efficiencies (expected all four)");
  if (c.kind == CalibrationKind::import && !c.serving)
    throw Error(top.loc(), "an 'import' calibration lacks 'serving' (expected the imported measurement)");
  return c;
}

Calibration load_calibration(const std::string& path) {
  return parse_calibration(path, read_text_file(path, Limits{}.max_bytes));
}

std::vector<std::string> list_calibrations(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec) && e.path().extension() == ".yaml") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<Calibration> find_calibration(const std::string& dir, const CalibrationKey& key,
                                            std::vector<std::string>* skipped) {
  std::optional<Calibration> best;
  for (const auto& f : list_calibrations(dir)) {
    Calibration c;
    try {
      c = load_calibration(f);
    } catch (const Error& e) {
      if (skipped) skipped->push_back(e.formatted());
      continue;
    }
    if (!c.efficiencies || !calibration_matches(c, key)) continue;
    // Files are visited in name order, so on equal `created` the later name wins.
    if (!best || c.created >= best->created) best = std::move(c);
  }
  return best;
}

// ---------------------------------------------------------------------------------------
// Importers.

namespace {

// Benchmark files can hold per-request detail; they are read whole, up to this size.
constexpr std::size_t kMaxImportBytes = 64u << 20;

using nlohmann::json;

// Reads numeric fields of a JSON object, collecting the names of required ones that are
// absent (or null) so that one error can name them all.
class Fields {
 public:
  Fields(const std::string& file, std::string_view text, const json& node, std::string prefix)
      : file_(file), text_(text), node_(node), prefix_(std::move(prefix)) {}

  // The value at `path`, or nothing when a key is absent or null.
  const json* at(const std::vector<std::string>& path) const {
    const json* cur = &node_;
    for (const auto& k : path) {
      if (!cur->is_object()) return nullptr;
      auto it = cur->find(k);
      if (it == cur->end() || it->is_null()) return nullptr;
      cur = &*it;
    }
    return cur;
  }
  std::optional<double> opt(const std::vector<std::string>& path) const {
    const json* v = at(path);
    if (!v) return std::nullopt;
    if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() < 0)
      throw Error(json_key_loc(file_, text_, path.back()),
                  fmt::format("'{}' is {} (expected a non-negative number)", name(path), v->dump()));
    return v->get<double>();
  }
  double req(const std::vector<std::string>& path) {
    auto v = opt(path);
    if (!v) {
      missing_.push_back(name(path));
      return 0;
    }
    return *v;
  }
  std::string name(const std::vector<std::string>& path) const {
    std::string s = prefix_;
    for (const auto& k : path) s += (s.empty() ? "" : ".") + k;
    return s;
  }
  const std::vector<std::string>& missing() const { return missing_; }

 private:
  const std::string& file_;
  std::string_view text_;
  const json& node_;
  std::string prefix_;
  std::vector<std::string> missing_;
};

void check_missing(const std::string& file, const Fields& f, const char* what) {
  if (f.missing().empty()) return;
  throw Error(SourceLoc{file, 0, 0}, fmt::format("{} is missing field{} {} (expected every field that format writes)",
                                                 what, f.missing().size() == 1 ? "" : "s", fmt::join(f.missing(), ", ")));
}

// A non-empty string at `path` (keys from `root`), or nothing.
std::optional<std::string> opt_name(const json& root, std::initializer_list<const char*> path) {
  const json* cur = &root;
  for (const char* k : path) {
    if (!cur->is_object()) return std::nullopt;
    auto it = cur->find(k);
    if (it == cur->end()) return std::nullopt;
    cur = &*it;
  }
  if (!cur->is_string() || cur->get_ref<const std::string&>().empty()) return std::nullopt;
  return cur->get<std::string>();
}

ServingMeasurement parse_vllm_serve(const std::string& file, std::string_view text, const json& root) {
  ServingMeasurement s;
  s.tool = ServingFormat::vllm_serve;
  Fields f(file, text, root, "");
  s.duration_s = f.req({"duration"});
  double completed = f.req({"completed"});
  double in = f.req({"total_input_tokens"});
  double out = f.req({"total_output_tokens"});
  s.requests_per_s = f.req({"request_throughput"});
  s.output_tokens_per_s = f.req({"output_throughput"});
  s.total_tokens_per_s = f.req({"total_token_throughput"});
  s.ttft_mean_ms = f.req({"mean_ttft_ms"});
  s.ttft_p50_ms = f.req({"median_ttft_ms"});
  s.tpot_mean_ms = f.req({"mean_tpot_ms"});
  s.tpot_p50_ms = f.req({"median_tpot_ms"});
  check_missing(file, f, "vLLM bench serve result");
  s.requests = completed;
  if (completed > 0) {
    s.mean_input_tokens = in / completed;
    s.mean_output_tokens = out / completed;
  }
  // Percentiles other than the median are present when --metric-percentiles asked for them (99 by default).
  s.ttft_p90_ms = f.opt({"p90_ttft_ms"});
  s.ttft_p95_ms = f.opt({"p95_ttft_ms"});
  s.ttft_p99_ms = f.opt({"p99_ttft_ms"});
  s.tpot_p90_ms = f.opt({"p90_tpot_ms"});
  s.tpot_p95_ms = f.opt({"p95_tpot_ms"});
  s.tpot_p99_ms = f.opt({"p99_tpot_ms"});
  s.itl_mean_ms = f.opt({"mean_itl_ms"});
  s.itl_p50_ms = f.opt({"median_itl_ms"});
  s.itl_p99_ms = f.opt({"p99_itl_ms"});
  s.e2el_mean_ms = f.opt({"mean_e2el_ms"});
  s.e2el_p50_ms = f.opt({"median_e2el_ms"});
  s.e2el_p99_ms = f.opt({"p99_e2el_ms"});
  s.concurrency = f.opt({"max_concurrency"});
  // request_rate is a number, or the string "inf" for an unbounded rate.
  if (auto it = root.find("request_rate"); it != root.end() && !(it->is_string() && it->get<std::string>() == "inf"))
    s.request_rate = f.opt({"request_rate"});
  s.tool_model = opt_name(root, {"model_id"});
  s.tool_tokenizer = opt_name(root, {"tokenizer_id"});
  return s;
}

ServingMeasurement parse_vllm_throughput(const std::string& file, std::string_view text, const json& root) {
  ServingMeasurement s;
  s.tool = ServingFormat::vllm_throughput;
  Fields f(file, text, root, "");
  s.duration_s = f.req({"elapsed_time"});
  s.requests = f.req({"num_requests"});
  double total = f.req({"total_num_tokens"});
  s.requests_per_s = f.req({"requests_per_second"});
  s.total_tokens_per_s = f.req({"tokens_per_second"});
  check_missing(file, f, "vLLM bench throughput result");
  // Offline throughput has no latencies and does not tell input from output tokens;
  // total_num_tokens is required only as a check of the file's shape.
  (void)total;
  return s;
}

ServingMeasurement parse_guidellm(const std::string& file, std::string_view text, const json& root,
                                  std::optional<int> index) {
  const json* list = root.contains("benchmarks") ? &root.at("benchmarks") : nullptr;
  if (!list || !list->is_array() || list->empty())
    throw Error(json_key_loc(file, text, "benchmarks"),
                "'benchmarks' is not a non-empty list (expected GuideLLM benchmarks.json)");
  int count = int(list->size());
  if (!index && count > 1)
    throw Error(SourceLoc{file, 0, 0},
                fmt::format("GuideLLM file holds {} benchmarks (expected --benchmark-index 1 to {} to pick one)", count, count),
                ExitCode::usage_error);
  int i = index.value_or(1);
  if (i < 1 || i > count)
    throw Error(SourceLoc{file, 0, 0}, fmt::format("benchmark index {} (expected 1 to {})", i, count), ExitCode::usage_error);
  const json& b = (*list)[std::size_t(i - 1)];
  if (!b.is_object() || !b.contains("metrics") || !b.at("metrics").is_object())
    throw Error(json_key_loc(file, text, "benchmarks"),
                fmt::format("malformed GuideLLM benchmark {} (expected each benchmark to be a mapping with 'metrics')", i));
  ServingMeasurement s;
  s.tool = ServingFormat::guidellm;
  std::string prefix = fmt::format("benchmarks[{}].metrics", i - 1);
  Fields f(file, text, b.at("metrics"), prefix);
  auto ok = [](const char* metric, const char* stat) { return std::vector<std::string>{metric, "successful", stat}; };
  auto pct = [](const char* metric, const char* p) {
    return std::vector<std::string>{metric, "successful", "percentiles", p};
  };
  s.requests_per_s = f.req(ok("requests_per_second", "mean"));
  s.concurrency = f.req(ok("request_concurrency", "mean"));
  s.mean_input_tokens = f.req(ok("prompt_token_count", "mean"));
  s.mean_output_tokens = f.req(ok("output_token_count", "mean"));
  s.output_tokens_per_s = f.req(ok("output_tokens_per_second", "mean"));
  s.total_tokens_per_s = f.req(ok("tokens_per_second", "mean"));
  s.ttft_mean_ms = f.req(ok("time_to_first_token_ms", "mean"));
  s.ttft_p99_ms = f.req(pct("time_to_first_token_ms", "p99"));
  // GuideLLM's time_per_output_token_ms counts the first token's wait too; its
  // inter_token_latency_ms is vLLM's TPOT (decode only), which is what the plan uses.
  s.tpot_mean_ms = f.req(ok("inter_token_latency_ms", "mean"));
  s.tpot_p99_ms = f.req(pct("inter_token_latency_ms", "p99"));
  check_missing(file, f, "GuideLLM benchmark");
  // The median is `percentiles.p50` in newer files and `median` in older ones.
  s.ttft_p50_ms = f.opt(pct("time_to_first_token_ms", "p50"));
  if (!s.ttft_p50_ms) s.ttft_p50_ms = f.opt(ok("time_to_first_token_ms", "median"));
  s.tpot_p50_ms = f.opt(pct("inter_token_latency_ms", "p50"));
  if (!s.tpot_p50_ms) s.tpot_p50_ms = f.opt(ok("inter_token_latency_ms", "median"));
  s.ttft_p90_ms = f.opt(pct("time_to_first_token_ms", "p90"));
  s.ttft_p95_ms = f.opt(pct("time_to_first_token_ms", "p95"));
  s.tpot_p90_ms = f.opt(pct("inter_token_latency_ms", "p90"));
  s.tpot_p95_ms = f.opt(pct("inter_token_latency_ms", "p95"));
  s.e2el_mean_ms = f.opt(ok("request_latency", "mean"));
  if (s.e2el_mean_ms) *s.e2el_mean_ms *= 1e3;  // GuideLLM's request_latency is in seconds
  s.requests = f.opt(ok("request_latency", "count"));
  s.duration_s = Fields(file, text, b, "").opt({"duration"});
  // The model served: the benchmark's worker (GuideLLM 0.2 and 0.3), else the report's
  // arguments (later versions).
  s.tool_model = opt_name(b, {"worker", "backend_model"});
  if (!s.tool_model) s.tool_model = opt_name(root, {"args", "model"});
  return s;
}

}  // namespace

namespace {

// One result of a parsed benchmark file; `guidellm_index` as for parse_serving.
ServingMeasurement parse_root(const std::string& file, std::string_view text, const json& r,
                              std::optional<int> guidellm_index) {
  if (!r.is_object())
    throw Error(SourceLoc{file, 1, 1}, "benchmark result is not a JSON object (expected one)");
  auto has = [&](const char* k) { return r.contains(k); };
  ServingMeasurement s;
  if (has("benchmarks")) {
    s = parse_guidellm(file, text, r, guidellm_index);
  } else if (has("request_throughput") || has("mean_ttft_ms") || has("total_token_throughput")) {
    s = parse_vllm_serve(file, text, r);
  } else if (has("elapsed_time") || has("tokens_per_second")) {
    s = parse_vllm_throughput(file, text, r);
  } else {
    throw Error(SourceLoc{file, 0, 0},
                "not a known benchmark result (expected `vllm bench serve --save-result` JSON with request_throughput, "
                "`vllm bench throughput --output-json` JSON with elapsed_time and tokens_per_second, or a GuideLLM "
                "benchmarks.json with a 'benchmarks' list)");
  }
  if (guidellm_index && s.tool != ServingFormat::guidellm)
    throw Error(SourceLoc{file, 0, 0},
                fmt::format("--benchmark-index applies to GuideLLM files, and this is a {} result",
                            serving_format_name(s.tool)),
                ExitCode::usage_error);
  return s;
}

json parse_import(const std::string& file, const std::string& text) {
  return parse_json_text(file, text, "benchmark result",
                         "the JSON of vllm bench serve or throughput, or GuideLLM's benchmarks.json",
                         /*python_nan=*/true);
}

}  // namespace

ServingMeasurement parse_serving(const std::string& file, const std::string& text, std::optional<int> guidellm_index) {
  const json root = parse_import(file, text);
  ServingMeasurement s = parse_root(file, text, root, guidellm_index);
  s.source_file = file;
  s.source_sha256 = sha256_hex(text);
  return s;
}

ServingMeasurement import_serving(const std::string& path, std::optional<int> guidellm_index) {
  return parse_serving(path, read_text_file(path, kMaxImportBytes), guidellm_index);
}

std::vector<ServingMeasurement> import_serving_all(const std::string& path) {
  const std::string text = read_text_file(path, kMaxImportBytes);
  const json root = parse_import(path, text);
  const auto list = root.is_object() ? root.find("benchmarks") : root.end();
  const int count = list != root.end() && list->is_array() ? int(list->size()) : 0;
  std::vector<ServingMeasurement> out;
  if (count == 0) {
    out.push_back(parse_root(path, text, root, std::nullopt));
  } else {
    for (int i = 1; i <= count; ++i) out.push_back(parse_root(path, text, root, i));
  }
  const std::string sha = sha256_hex(text);
  for (auto& s : out) {
    s.source_file = path;
    s.source_sha256 = sha;
  }
  return out;
}

}  // namespace plan::io
