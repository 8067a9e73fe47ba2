#include "plan/report/perf_report.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>

#include "plan/core/base/units.hpp"
#include "plan/report/escape.hpp"
#include "plan/report/json.hpp"
#include "plan/report/table.hpp"

namespace plan::report {
namespace {

void opt_field(JsonWriter& j, const char* k, const std::optional<double>& v) {
  j.key(k);
  if (v) j.value(*v);
  else j.null();
}

const char* bound_name(perf::StepBound b) { return b == perf::StepBound::memory ? "memory" : "compute"; }

}  // namespace

std::string render_perf_json(const perf::PerfRunResult& r) {
  JsonWriter j;
  j.begin_object();
  j.field("model", r.model).field("gpu", r.gpu).field("precision", r.precision).field("kv_precision", r.kv_precision);
  j.field("tp", r.gpus_per_replica).field("gpus", r.gpus_per_replica);
  j.field("parallel", to_string(r.parallel)).field("moe_tp", r.moe_tp);
  j.field("fits", r.fits);
  j.key("reason");
  if (r.fits) j.null();
  else j.value(r.reason);
  j.field("mode", perf::to_string(r.mode));
  j.field("weights_gib_per_gpu", r.mem.weights_bytes / bytes_per_gib);
  j.field("kv_cache_gib_per_gpu", std::max(0.0, r.mem.kv_budget_bytes) / bytes_per_gib);
  j.field("kv_bytes_per_token", r.kv_bytes_per_token_total);
  j.field("kv_bytes_per_token_per_gpu", r.mem.kv_bytes_per_token);
  j.field("kv_tokens", r.mem.kv_tokens);
  j.field("max_concurrency", r.max_concurrency);
  j.field("max_concurrency_source", r.max_concurrency_source);
  if (!r.batch_limit_source.empty()) j.field("batch_limit_source", r.batch_limit_source);
  opt_field(j, "batch", r.batch);
  opt_field(j, "prefill_ms", r.prefill_ms);
  opt_field(j, "ttft_ms", r.ttft_ms);
  opt_field(j, "ttft_p95_ms", r.ttft_p95_ms);
  opt_field(j, "ttft_p99_ms", r.ttft_p99_ms);
  opt_field(j, "admission_wait_ms", r.admission_wait_ms);
  opt_field(j, "tpot_ms", r.tpot_ms);
  opt_field(j, "itl_ms", r.itl_ms);
  opt_field(j, "requests_per_s", r.requests_per_s);
  opt_field(j, "output_tokens_per_s", r.output_tokens_per_s);
  opt_field(j, "total_tokens_per_s", r.total_tokens_per_s);
  j.key("bound");
  if (!r.bound) j.null();
  else j.value(bound_name(*r.bound));
  j.field("stable", r.stable);
  j.field("e_bw", r.e_bw).field("e_fl_16", r.e_fl);
  j.field("sized_by", r.engine_sized ? "engine terms" : "catalog roofline");
  j.field("source", r.engine_sized ? std::string("calib/engine_terms.json") : r.efficiency_source);
  j.field("provenance", r.engine_sized ? "engine" : r.calibration_source.empty() ? "spec" : "calibrated");
  j.key("calibration");
  if (r.calibration_source.empty()) j.null();
  else j.value(r.calibration_source);
  j.field("model_source", r.model_source).field("gpu_source", r.gpu_source);
  j.field("engine", r.engine);
  j.key("engine_terms");
  if (!r.engine_requests_per_s) {
    j.null();
  } else {
    j.begin_object();
    opt_field(j, "batch", r.engine_batch);
    opt_field(j, "ttft_ms", r.engine_ttft_ms);
    opt_field(j, "tpot_ms", r.engine_tpot_ms);
    opt_field(j, "itl_ms", r.engine_itl_ms);
    opt_field(j, "requests_per_s", r.engine_requests_per_s);
    j.end_object();
  }
  j.field("engine_terms_source", r.engine_terms_source);
  // The catalog roofline's figures, beside the engine terms' when they sized the run.
  j.key("roofline");
  if (!r.roofline) {
    j.null();
  } else {
    j.begin_object();
    opt_field(j, "batch", r.roofline->batch);
    opt_field(j, "prefill_ms", r.roofline->prefill_ms);
    opt_field(j, "ttft_ms", r.roofline->ttft_ms);
    opt_field(j, "ttft_p95_ms", r.roofline->ttft_p95_ms);
    opt_field(j, "ttft_p99_ms", r.roofline->ttft_p99_ms);
    opt_field(j, "tpot_ms", r.roofline->tpot_ms);
    opt_field(j, "itl_ms", r.roofline->itl_ms);
    opt_field(j, "requests_per_s", r.roofline->requests_per_s);
    j.field("stable", r.roofline->stable);
    j.end_object();
  }
  j.key("notes").begin_array();
  for (const auto& n : r.notes) j.value(n);
  j.end_array();
  j.end_object();
  return j.str();
}

std::string render_perf_table(const perf::PerfRunResult& r) {
  auto opt = [](const std::optional<double>& v, int d) { return v ? fixed(*v, d) : std::string("-"); };
  const bool rate = r.mode == perf::PerfRunMode::rate;
  Table t;
  t.add_column("", Align::left);
  t.add_column("value", Align::right);
  t.add_column("", Align::left);
  t.add_row({"fits", r.fits ? "yes" : "no", r.fits ? "" : r.reason});
  t.add_row({"GPUs per replica", std::to_string(r.gpus_per_replica), r.gpus_given ? "given" : "smallest that fits"});
  t.add_row({"parallel layout", to_string(r.parallel), r.parallel_given ? "given" : "most requests/s per GPU"});
  if (r.moe_tp > 1)
    t.add_row({"experts", fmt::format("{} x {}", r.moe_tp, std::max(1, r.gpus_per_replica / r.moe_tp)),
               "moe_tp x moe_ep: each expert sliced over moe_tp GPUs, split over moe_ep groups"});
  t.add_row({"weights per GPU", fixed(r.mem.weights_bytes / bytes_per_gib, 2), "GiB"});
  t.add_row({"KV cache per GPU", fixed(std::max(0.0, r.mem.kv_budget_bytes) / bytes_per_gib, 2), "GiB"});
  t.add_row({"KV per token", fixed(r.kv_bytes_per_token_total, 0), "bytes, whole model (" + r.kv_precision + ")"});
  t.add_row({"max concurrent sequences", std::to_string(r.max_concurrency), r.max_concurrency_source});
  t.add_row({"batch", opt(r.batch, 1), "sequences decoded together"});
  t.add_row({"prefill", opt(r.prefill_ms, 1), "ms, idle replica"});
  t.add_row({"TTFT", opt(r.ttft_ms, 1), rate ? "ms, p50" : "ms"});
  if (r.admission_wait_ms)
    t.add_row({"admission wait", opt(r.admission_wait_ms, 1), "ms of the TTFT, waiting for a slot in the batch"});
  if (rate) {
    t.add_row({"TTFT p95", opt(r.ttft_p95_ms, 1), "ms"});
    t.add_row({"TTFT p99", opt(r.ttft_p99_ms, 1), "ms"});
  }
  t.add_row({"TPOT", opt(r.tpot_ms, 2), "ms, including other requests' prefills"});
  t.add_row({"decode step", opt(r.itl_ms, 2), "ms (inter-token latency)"});
  t.add_row({"requests/s", opt(r.requests_per_s, 2), rate ? "offered" : "capacity"});
  t.add_row({"output tokens/s", opt(r.output_tokens_per_s, 0), ""});
  t.add_row({"total tokens/s", opt(r.total_tokens_per_s, 0), "input + output"});
  t.add_row({"bound", r.bound ? bound_name(*r.bound) : "-",
             r.engine_sized ? "decode step, catalog roofline" : "decode step"});
  if (r.roofline) {
    // The engine terms sized the run: the roofline's figures beside theirs.
    const auto& f = *r.roofline;
    t.add_row({"batch, catalog roofline", opt(f.batch, 1), "sequences"});
    t.add_row({"TTFT, catalog roofline", opt(f.ttft_ms, 1), rate ? "ms, p50" : "ms"});
    t.add_row({"TPOT, catalog roofline", opt(f.tpot_ms, 2), "ms"});
    t.add_row({"decode step, catalog roofline", opt(f.itl_ms, 2), "ms"});
    t.add_row({"requests/s, catalog roofline", opt(f.requests_per_s, 2), rate && f.stable ? "offered" : "capacity"});
  } else if (r.engine_requests_per_s) {
    // A calibration sized the run: the engine terms' figures beside it.
    t.add_row({"TTFT, engine terms", opt(r.engine_ttft_ms, 1), "ms, fitted to measured runs"});
    t.add_row({"TPOT, engine terms", opt(r.engine_tpot_ms, 2), "ms, fitted to measured runs"});
    t.add_row({"decode step, engine terms", opt(r.engine_itl_ms, 2), "ms"});
    t.add_row({"requests/s, engine terms", opt(r.engine_requests_per_s, 2), rate ? "offered" : "capacity"});
  }
  std::string out = fmt::format("{} on {}x {} ({}, KV {}), mode {}, engine {}\n", r.model, r.gpus_per_replica, r.gpu,
                                r.precision, r.kv_precision, perf::to_string(r.mode), r.engine);
  out += t.render_text();
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  // Which model sized the run, first; then where the roofline's figures come from.
  if (r.engine_sized) out += "Sized by the " + r.engine_terms_source + ".\n";
  else out += fmt::format("Sized by the {}roofline.\n", r.calibration_source.empty() ? "catalog " : "calibrated ");
  // The engine's batch limit, where it binds, is cited beside the GPU.
  const std::string gpu_source =
      r.batch_limit_source.empty() ? r.gpu_source : r.gpu_source + ", batch limit " + r.batch_limit_source;
  if (r.engine_sized) {
    out += fmt::format("Sources: model {}, GPU {}; the catalog roofline beside it: efficiencies {} "
                       "(e_bw {:g}, e_fl {:g}), spec-derived, not measured.\n",
                       r.model_source, gpu_source, r.efficiency_source, r.e_bw, r.e_fl);
  } else if (r.calibration_source.empty()) {
    out += fmt::format("Sources: model {}, GPU {}, efficiencies {} (e_bw {:g}, e_fl {:g}); "
                       "spec-derived, not measured.\n",
                       r.model_source, gpu_source, r.efficiency_source, r.e_bw, r.e_fl);
  } else {
    out += fmt::format("Sources: model {}, GPU {}; {}.\n", r.model_source, gpu_source, r.calibration_note);
  }
  if (!r.engine_sized && !r.engine_terms_source.empty()) out += "Engine terms: " + r.engine_terms_source + ".\n";
  return terminal_text(out);
}

}  // namespace plan::report
