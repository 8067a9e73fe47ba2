#include "plan/report/calibration_report.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

#include "plan/core/base/units.hpp"
#include "plan/report/escape.hpp"
#include "plan/report/table.hpp"

namespace plan::report {
namespace {

// An optional figure, or "-" when the file does not have it.
std::string fmt_opt(const std::optional<double>& v, int decimals) { return v ? fixed(*v, decimals) : "-"; }

std::string probe_text(const Calibration& c) {
  const ProbeResult& p = *c.probe;
  std::string o = fmt::format("device {} ({}, {:.1f} GiB, driver {}, runtime {})\n", p.device_name, p.backend,
                              p.device_memory_bytes / bytes_per_gib, p.driver_version, p.runtime_version);
  o += fmt::format("layers run {} of {}, context {}, median of {} repeats\n", p.layers_run, p.layers, p.context,
                   p.repeats);
  o += fmt::format("stream bandwidth {:.2f} GB/s, GEMM {:.3f} TFLOP/s, prefill {} tokens: {:.1f} tokens/s\n\n",
                   p.stream_bandwidth_bytes_per_s / 1e9, p.gemm_flops_per_s / 1e12, p.prefill_tokens,
                   p.prefill_tokens_per_s);
  Table t;
  for (auto h : {"batch", "step ms", "tokens/s", "GB moved", "GB/s", "GFLOP", "fit ms"}) t.add_column(h);
  for (const auto& d : p.decode) {
    // The step time the fit gives this batch: t_fixed + max(bandwidth time, compute time).
    std::string model = "-";
    if (c.fit) {
      double bw = d.bytes * c.fit->seconds_per_byte, fl = d.flops * c.fit->seconds_per_flop;
      model = fixed((c.fit->t_fixed_s + std::max(bw, fl)) * 1e3, 3);
    }
    t.add_row({std::to_string(d.batch), fixed(d.step_s * 1e3, 3), fixed(d.tokens_per_s, 1), fixed(d.bytes / 1e9, 4),
               fixed(d.bytes / d.step_s / 1e9, 2), fixed(d.flops / 1e9, 3), model});
  }
  o += t.render_text();
  for (const auto& n : p.notes) o += "note: " + n + "\n";
  return o;
}

std::string serving_text(const Calibration& c) {
  const ServingMeasurement& s = *c.serving;
  std::string o = fmt::format("imported {} result {} (sha256 {})\n", serving_format_name(s.tool), s.source_file,
                              s.source_sha256);
  if (s.tool_model) o += fmt::format("model in file: {}\n", *s.tool_model);
  if (s.tool_tokenizer) o += fmt::format("tokenizer in file: {}\n", *s.tool_tokenizer);
  o += render_model_check(c);
  Table t;
  t.add_column("figure", Align::left);
  t.add_column("value");
  auto row = [&](const char* k, const std::optional<double>& v, int dec) {
    if (v) t.add_row({k, fixed(*v, dec)});
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
  return o + t.render_text();
}

}  // namespace

std::string render_calibration(const Calibration& c) {
  std::string o = fmt::format("calibration {} ({}, created {} on {}, {})\n", c.path.empty() ? "-" : c.path,
                              to_string(c.kind), c.created, c.host, c.probe_version);
  o += fmt::format("model {}, gpu {}, precision {}, tp {}, parallel {}\n", c.model, c.gpu, c.precision,
                   c.gpus_per_replica, to_string(c.parallel));
  if (c.probe) o += probe_text(c);
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
  if (c.serving) o += serving_text(c);
  return terminal_text(o);
}

std::string render_model_check(const Calibration& c) {
  if (!c.serving || !c.serving->model_check) return "";
  const ServingMeasurement& s = *c.serving;
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

std::string render_serving_fit(const std::vector<Calibration>& files, const std::optional<perf::ServingFit>& fit) {
  if (files.empty()) return "";
  const Calibration& c = files.front();
  if (!fit)
    return fmt::format("\nnot used for planning: {} on {} ({}, TP {}) is not a deployment of calib/catalog.yaml (its "
                       "model, GPU, precision or TP is not there)\n",
                       c.model, c.gpu, c.precision, c.gpus_per_replica);
  const perf::ServingFit& f = *fit;
  std::string o = "\nagainst the catalog model of this deployment:\n";
  Table t;
  if (files.size() > 1) t.add_column("file", Align::left);
  t.add_column("figure", Align::left);
  for (auto h : {"batch", "measured", "catalog", "calibrated"}) t.add_column(h);
  for (const auto& x : f.observations) {
    std::vector<std::string> row{x.figure, fixed(x.batch, 1), fixed(x.measured, 2), fixed(x.catalog, 2),
                                 f.ok ? fixed(x.fitted, 2) : std::string("-")};
    if (files.size() > 1) row.insert(row.begin(), std::filesystem::path(x.source).filename().string());
    t.add_row(row);
  }
  if (!f.observations.empty()) o += t.render_text();
  for (const auto& n : f.notes) o += "note: " + n + "\n";
  if (!f.ok) return o + "not used for planning: " + f.problem + "\n";
  o += fmt::format("time scales: memory x{:.3f}, compute x{:.3f}, fixed x{:.3f}; {}\n", f.scales.memory,
                   f.scales.compute, f.scales.fixed, f.method);
  for (const auto& h : f.held) o += "held at the catalog's value: " + h + "\n";
  o += fmt::format("plans for {} on {}x {} ({}, layout {}) use these scales; all files for the same deployment "
                   "are fitted together\n",
                   c.model, c.gpus_per_replica, c.gpu, c.precision, to_string(c.parallel));
  return o;
}

std::string render_import_summary(const std::string& source_file, const std::vector<Calibration>& files) {
  if (files.empty() || !files.front().serving) return "";
  Table t;
  for (auto h : {"#", "requests/s", "concurrency", "TTFT mean ms", "TPOT mean ms", "output tok/s"}) t.add_column(h);
  t.add_column("file", Align::left);
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!files[i].serving) continue;
    const ServingMeasurement& s = *files[i].serving;
    t.add_row({std::to_string(i + 1), fmt_opt(s.requests_per_s, 3), fmt_opt(s.concurrency, 2),
               fmt_opt(s.ttft_mean_ms, 2), fmt_opt(s.tpot_mean_ms, 3), fmt_opt(s.output_tokens_per_s, 1),
               files[i].path});
  }
  const Calibration& c = files.front();
  return fmt::format("imported {} benchmarks of {} (sha256 {}) for {} on {}x {} ({})\n", files.size(), source_file,
                     c.serving->source_sha256, c.model, c.gpus_per_replica, c.gpu, c.precision) +
         t.render_text() + render_model_check(c);
}

std::string render_calibration_list(const std::vector<CalibrationListEntry>& entries) {
  Table t;
  for (auto h : {"file", "kind", "model", "gpu", "precision"}) t.add_column(h, Align::left);
  // GPUs of the deployment and their layout, as compare's GPUs/rep column writes them.
  for (auto h : {"GPUs", "e_bw", "e_fl", "t_fixed ms", "tokens/s"}) t.add_column(h);
  t.add_column("created", Align::left);
  // Files that do not load are listed after the table, one line each, so that a long error
  // does not widen its columns.
  std::string invalid;
  for (const auto& e : entries) {
    if (!e.calibration) {
      std::string why = e.error;
      std::replace(why.begin(), why.end(), '\n', ' ');
      invalid += fmt::format("{}: invalid, not read by plans: {}\n", e.file, why);
      continue;
    }
    const Calibration& c = *e.calibration;
    std::string ebw = "-", efl = "-", tfix = "-", tps = "-";
    if (c.efficiencies) {
      ebw = fixed(c.efficiencies->e_bw, 3);
      efl = fmt_opt(c.efficiencies->e_fl, 3);
      tfix = fixed(c.efficiencies->t_fixed_s * 1e3, 4);
    }
    // A probe's largest decode batch, or a serving result's total throughput.
    if (c.probe && !c.probe->decode.empty()) tps = fixed(c.probe->decode.back().tokens_per_s, 1);
    if (c.serving && c.serving->total_tokens_per_s) tps = fixed(*c.serving->total_tokens_per_s, 1);
    std::string model = c.model;
    if (c.serving && c.serving->model_check == ModelCheck::forced)
      model += fmt::format(" (forced: file is for {})",
                           c.serving->tool_model.value_or(c.serving->tool_tokenizer.value_or("?")));
    t.add_row({e.file, to_string(c.kind), model, c.gpu, c.precision,
               fmt::format("{} {}", c.gpus_per_replica, to_string(c.parallel)), ebw, efl, tfix, tps, c.created});
  }
  return (std::any_of(entries.begin(), entries.end(), [](const CalibrationListEntry& e) { return bool(e.calibration); })
              ? t.render_text()
              : std::string()) +
         invalid;
}

}  // namespace plan::report
