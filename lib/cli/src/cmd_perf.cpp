// plan perf: what one replica of a model does on a GPU type, from the catalog roofline.
#include <cmath>
#include <fmt/format.h>
#include <optional>

#include "common.hpp"
#include "plan/core/perf.hpp"
#include "plan/core/units.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/report/json.hpp"
#include "plan/report/table.hpp"

namespace plan::cli {
namespace {

struct PerfOptions {
  std::string model;
  std::string gpu;
  std::string precision = "bf16";
  std::string kv_precision;
  int tp = 0;  // 0: smallest that fits
  double input_tokens = 0;
  double output_tokens = 0;
  std::string concurrency;  // N or "max"; default 1 when no --rate
  std::optional<double> rate;
  std::string format = "table";
  std::string out;
};

// Everything the command reports. Optional figures are absent when the model does not fit
// or the replica cannot keep up.
struct PerfResult {
  std::string model, gpu, precision, kv_precision, mode;
  int tp = 0;
  bool tp_given = false;
  bool fits = false;
  std::string reason;
  std::vector<std::string> notes;
  perf::MemoryPlan mem;
  double kv_bytes_per_token_total = 0;
  int max_concurrency = 0;
  std::optional<double> batch, prefill_ms, ttft_ms, ttft_p95_ms, ttft_p99_ms, tpot_ms, itl_ms;
  std::optional<double> requests_per_s, output_tokens_per_s, total_tokens_per_s;
  std::string bound;
  double e_bw = 0, e_fl = 0;
  bool stable = true;
  std::string model_source, gpu_source;  // catalog entries the figures come from
  std::string calibration_source;        // calibration file(s) behind the efficiencies; empty: catalog
  std::string calibration_note;
};

PerfResult run_perf(const Catalog& cat, const Calibrations& cal, const PerfOptions& o) {
  const ModelArch* m = cat.find_model(o.model);
  if (!m) throw Error(fmt::format("unknown model '{}' (expected one of: {})", o.model, cat.model_ids()));
  const GpuSpec* gpu = cat.find_gpu(o.gpu);
  if (!gpu) throw Error(fmt::format("unknown GPU '{}' (expected one of: {})", o.gpu, cat.gpu_ids()));
  const Precision* w = cat.find_precision(o.precision);
  if (!w) throw Error(fmt::format("unknown precision '{}' (expected one of: {})", o.precision, cat.precision_ids()));
  const std::string kv_id = o.kv_precision.empty() ? w->default_kv : o.kv_precision;
  const Precision* kv = cat.find_precision(kv_id);
  if (!kv) throw Error(fmt::format("unknown KV precision '{}' (expected one of: {})", kv_id, cat.precision_ids()));
  if (o.tp != 0 && !perf::is_tp_degree(o.tp))
    throw Error(fmt::format("--tp {} is not a tensor-parallel degree (expected 1, 2, 4 or 8)", o.tp));
  auto tokens_ok = [](double v) { return std::isfinite(v) && v >= 1 && v <= 1e9; };
  if (!tokens_ok(o.input_tokens) || !tokens_ok(o.output_tokens))
    throw Error(fmt::format("--input {:g} / --output {:g} (expected token counts from 1 to 1e9)", o.input_tokens,
                            o.output_tokens));
  if (o.rate && !o.concurrency.empty())
    throw Error("--rate and --concurrency both given (expected one: an open-loop rate or a closed-loop concurrency)",
                ExitCode::usage_error);
  int concurrency = 1;
  if (o.concurrency == "max") {
    concurrency = 0;
  } else if (!o.concurrency.empty()) {
    char* end = nullptr;
    long v = std::strtol(o.concurrency.c_str(), &end, 10);
    if (!end || *end != '\0' || v < 1 || v > 1'000'000)
      throw Error(fmt::format("--concurrency '{}' is not a count (expected an integer from 1 to 1000000, or max)",
                              o.concurrency),
                  ExitCode::usage_error);
    concurrency = static_cast<int>(v);
  }
  if (o.rate && !(*o.rate > 0 && std::isfinite(*o.rate)))
    throw Error(fmt::format("--rate {:g} (expected a finite rate above 0 requests/s)", *o.rate));

  PerfResult r;
  r.model = m->id;
  r.gpu = gpu->id;
  r.precision = w->id;
  r.kv_precision = kv->id;
  r.model_source = fmt::format("calib/catalog.yaml:{} ({})", m->line, m->source);
  r.gpu_source = fmt::format("calib/catalog.yaml:{} ({})", gpu->line, gpu->source);
  r.mode = o.rate ? "rate" : (concurrency == 0 ? "max" : "concurrency");
  r.kv_bytes_per_token_total = perf::kv_bytes_per_token(*m, *kv);
  const double ctx = o.input_tokens + o.output_tokens;
  r.tp = o.tp;
  r.tp_given = o.tp != 0;
  if (r.tp == 0) r.tp = perf::smallest_fitting_tp(cat, *m, *gpu, *w, *kv, ctx, 8).value_or(8);
  auto applied = cal.apply(cat, {m->id, gpu->id, w->id, r.tp}, &r.notes);
  if (applied) {
    r.calibration_source = applied->source;
    r.calibration_note = applied->note;
  }
  const Catalog& use = applied ? applied->catalog : cat;
  perf::PerfModel pm(*m, *use.find_gpu(gpu->id), *w, *kv, r.tp, use.efficiency);
  r.e_bw = pm.bandwidth_bytes_per_s() / (gpu->hbm_gb_per_s * bytes_per_gb);
  r.e_fl = pm.attention_flops_per_s() / (gpu->bf16_tflops * 1e12);
  r.mem = pm.memory(ctx);
  r.reason = perf::deployment_problem(pm, ctx);
  r.fits = r.reason.empty();
  if (!r.fits) {
    if (!r.tp_given) r.reason = "does not fit at any TP up to 8: at TP 8, " + r.reason;
    return r;
  }
  r.max_concurrency = std::min(pm.max_sequences(ctx), static_cast<int>(cat.efficiency.max_batch_seqs.value));
  if (concurrency > r.max_concurrency) {
    r.notes.push_back(fmt::format("concurrency {} limited to {} (KV cache and max_batch_seqs)", concurrency,
                                  r.max_concurrency));
  }
  perf::ServingModel sm(pm, o.input_tokens, o.output_tokens, std::nullopt, o.rate ? 0 : concurrency);
  r.prefill_ms = sm.prefill_s() * 1e3;
  const double c = sm.mean_context();
  if (o.rate) {
    perf::Load l = sm.at_rate(*o.rate);
    auto f = sm.latency(*o.rate, 1);
    r.stable = l.stable && f.has_value();
    if (!r.stable) {
      r.notes.push_back(fmt::format("{:g} requests/s exceeds the replica's capacity of {:.2f} requests/s", *o.rate,
                                    sm.capacity_rps()));
      r.requests_per_s = sm.capacity_rps();
    } else {
      r.batch = l.batch;
      r.ttft_ms = f->ttft_p50_ms;
      r.ttft_p95_ms = f->ttft_p95_ms;
      r.ttft_p99_ms = f->ttft_p99_ms;
      r.tpot_ms = f->tpot_ms;
      r.itl_ms = l.itl_s * 1e3;
      r.requests_per_s = *o.rate;
    }
    r.bound = pm.decode_step(std::max(l.batch, 1.0), c).memory_bound() ? "memory" : "compute";
  } else {
    const int b = sm.batch();
    r.batch = b;
    // Closed loop: each request's lifetime holds the prefills of the other B - 1.
    const double itl = pm.t_dec(b, c);
    r.itl_ms = itl * 1e3;
    r.tpot_ms = (itl + (b - 1) * pm.prefill_work(o.input_tokens) / o.output_tokens) * 1e3;
    r.ttft_ms = sm.prefill_s() * 1e3;
    r.requests_per_s = sm.capacity_rps();
    r.bound = pm.decode_step(b, c).memory_bound() ? "memory" : "compute";
  }
  if (r.requests_per_s) {
    r.output_tokens_per_s = *r.requests_per_s * o.output_tokens;
    r.total_tokens_per_s = *r.requests_per_s * ctx;
  }
  return r;
}

void opt_field(report::JsonWriter& j, const char* k, const std::optional<double>& v) {
  j.key(k);
  if (v) j.value(*v);
  else j.null();
}

std::string render_json(const PerfResult& r) {
  report::JsonWriter j;
  j.begin_object();
  j.field("model", r.model).field("gpu", r.gpu).field("precision", r.precision).field("kv_precision", r.kv_precision);
  j.field("tp", r.tp).field("fits", r.fits);
  j.key("reason");
  if (r.fits) j.null();
  else j.value(r.reason);
  j.field("mode", r.mode);
  j.field("weights_gib_per_gpu", r.mem.weights_bytes / bytes_per_gib);
  j.field("kv_cache_gib_per_gpu", std::max(0.0, r.mem.kv_budget_bytes) / bytes_per_gib);
  j.field("kv_bytes_per_token", r.kv_bytes_per_token_total);
  j.field("kv_bytes_per_token_per_gpu", r.mem.kv_bytes_per_token);
  j.field("kv_tokens", r.mem.kv_tokens);
  j.field("max_concurrency", r.max_concurrency);
  opt_field(j, "batch", r.batch);
  opt_field(j, "prefill_ms", r.prefill_ms);
  opt_field(j, "ttft_ms", r.ttft_ms);
  opt_field(j, "ttft_p95_ms", r.ttft_p95_ms);
  opt_field(j, "ttft_p99_ms", r.ttft_p99_ms);
  opt_field(j, "tpot_ms", r.tpot_ms);
  opt_field(j, "itl_ms", r.itl_ms);
  opt_field(j, "requests_per_s", r.requests_per_s);
  opt_field(j, "output_tokens_per_s", r.output_tokens_per_s);
  opt_field(j, "total_tokens_per_s", r.total_tokens_per_s);
  j.key("bound");
  if (r.bound.empty()) j.null();
  else j.value(r.bound);
  j.field("stable", r.stable);
  j.field("e_bw", r.e_bw).field("e_fl_16", r.e_fl);
  j.field("source", "calib/catalog.yaml");
  j.field("provenance", r.calibration_source.empty() ? "spec" : "calibrated");
  j.key("calibration");
  if (r.calibration_source.empty()) j.null();
  else j.value(r.calibration_source);
  j.field("model_source", r.model_source).field("gpu_source", r.gpu_source);
  j.key("notes").begin_array();
  for (const auto& n : r.notes) j.value(n);
  j.end_array();
  j.end_object();
  return j.str();
}

std::string render_table(const PerfResult& r) {
  using report::fixed;
  auto opt = [](const std::optional<double>& v, int d) { return v ? fixed(*v, d) : std::string("-"); };
  report::Table t;
  t.add_column("", report::Align::left);
  t.add_column("value", report::Align::right);
  t.add_column("", report::Align::left);
  t.add_row({"fits", r.fits ? "yes" : "no", r.fits ? "" : r.reason});
  t.add_row({"tensor parallel", std::to_string(r.tp), r.tp_given ? "given" : "smallest that fits"});
  t.add_row({"weights per GPU", fixed(r.mem.weights_bytes / bytes_per_gib, 2), "GiB"});
  t.add_row({"KV cache per GPU", fixed(std::max(0.0, r.mem.kv_budget_bytes) / bytes_per_gib, 2), "GiB"});
  t.add_row({"KV per token", fixed(r.kv_bytes_per_token_total, 0), "bytes, whole model (" + r.kv_precision + ")"});
  t.add_row({"max concurrent sequences", std::to_string(r.max_concurrency), "at input + output context"});
  t.add_row({"batch", opt(r.batch, 1), "sequences decoded together"});
  t.add_row({"prefill", opt(r.prefill_ms, 1), "ms, idle replica"});
  t.add_row({"TTFT", opt(r.ttft_ms, 1), r.mode == "rate" ? "ms, p50" : "ms"});
  if (r.mode == "rate") {
    t.add_row({"TTFT p95", opt(r.ttft_p95_ms, 1), "ms"});
    t.add_row({"TTFT p99", opt(r.ttft_p99_ms, 1), "ms"});
  }
  t.add_row({"TPOT", opt(r.tpot_ms, 2), "ms, including other requests' prefills"});
  t.add_row({"decode step", opt(r.itl_ms, 2), "ms (inter-token latency)"});
  t.add_row({"requests/s", opt(r.requests_per_s, 2), r.mode == "rate" ? "offered" : "capacity"});
  t.add_row({"output tokens/s", opt(r.output_tokens_per_s, 0), ""});
  t.add_row({"total tokens/s", opt(r.total_tokens_per_s, 0), "input + output"});
  t.add_row({"bound", r.bound.empty() ? "-" : r.bound, "decode step"});
  std::string out = fmt::format("{} on {}x {} ({}, KV {}), mode {}\n", r.model, r.tp, r.gpu, r.precision,
                                r.kv_precision, r.mode);
  out += t.render_text();
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  if (r.calibration_source.empty()) {
    out += fmt::format("Sources: model {}, GPU {}, efficiencies calib/catalog.yaml (e_bw {:g}, e_fl {:g}); "
                       "spec-derived, not measured.\n",
                       r.model_source, r.gpu_source, r.e_bw, r.e_fl);
  } else {
    out += fmt::format("Sources: model {}, GPU {}; {}.\n", r.model_source, r.gpu_source, r.calibration_note);
  }
  return out;
}

}  // namespace

void setup_perf(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<PerfOptions>();
  auto* sub = app.add_subcommand("perf", "Throughput and latency of one replica of a model on a GPU type, from the "
                                         "catalog roofline (calib/catalog.yaml), calibrated by calib/results/ when a file matches");
  sub->add_option("--model", opt->model, "Catalog model id, e.g. llama-3.1-8b")->required();
  sub->add_option("--gpu", opt->gpu, "Catalog GPU id, e.g. h100-sxm")->required();
  sub->add_option("--precision", opt->precision, "Weights precision: bf16, fp16, fp8, int8, int4")->capture_default_str();
  sub->add_option("--kv-precision", opt->kv_precision, "KV-cache precision (default: the weights precision's default)");
  sub->add_option("--tp", opt->tp, "Tensor-parallel degree: 1, 2, 4 or 8 (default: smallest that fits)");
  sub->add_option("--input", opt->input_tokens, "Input tokens per request")->required();
  sub->add_option("--output", opt->output_tokens, "Output tokens per request")->required();
  sub->add_option("--concurrency", opt->concurrency,
                  "Concurrent requests (closed loop), or 'max' for offline saturation (default 1)");
  sub->add_option("--rate", opt->rate, "Open-loop arrival rate, requests/s (Poisson), on one replica");
  add_format_option(*sub, opt->format, {"table", "json"});
  sub->add_option("-o,--output-file", opt->out, "Write to FILE atomically instead of standard output");
  reg.add(sub, [opt, &g = reg.globals]() {
    Catalog cat = io::load_catalog(catalog_path(g));
    PerfResult r = run_perf(cat, Calibrations(g), *opt);
    emit(opt->format == "json" ? render_json(r) : render_table(r), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
