// The error summary of `plan validate`; see validation_report.hpp.
#include "plan/report/validation_report.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "plan/core/serving/perf.hpp"
#include "plan/core/serving/repeatability.hpp"

namespace plan::report {
namespace {

std::string group_of(const Catalog& cat, const perf::MeasuredRun& m, const perf::PreparedRun& r, const std::string& by) {
  if (by == "version") return fmt::format("{} {}", r.engine, m.version.empty() ? "(none)" : m.version);
  if (by == "layout") {
    const GpuSpec* gpu = cat.find_gpu(r.gpu_id);
    const bool across = gpu && perf::scaleup_domains(*gpu, r.gpus).count > 1;
    return fmt::format("{}{}", to_string(r.layout), across ? " across servers" : "");
  }
  if (by == "engine") return r.engine;
  if (by == "gpu") return r.gpu_id;
  if (by == "model") return r.model_id;
  if (by == "class") return perf::to_string(r.cls);
  if (by == "precision") return r.precision_id;
  if (by == "generation") return r.generation;
  if (by == "shape") return fmt::format("{}/{}", r.isl, r.osl);
  return "all";
}

std::string pct(double v) { return fmt::format("{:.1f}%", v); }

// How far the runs repeat (perf::repeatability): two lines under a heading, or none where no
// deployment and load is measured twice with other figures.
std::string repeat_lines(const Catalog& cat, const std::vector<perf::MeasuredRun>& runs,
                         const std::vector<perf::PreparedRun>& prep) {
  const auto rep = perf::repeatability(cat, runs, prep);
  if (rep.any_version.groups == 0) return {};
  std::string out =
      "Repeated measurements: each run predicted by another of the same architecture, engine, GPU, precision, "
      "layout, lengths and concurrency filed with other figures (a floor for any model of these runs)\n";
  for (const auto& [label, s] : {std::pair{"same engine version", rep.same_version},
                                 std::pair{"any engine version", rep.any_version}}) {
    if (s.groups == 0) {
      out += fmt::format("  {}: none\n", label);
      continue;
    }
    out += fmt::format("  {}: {} {}, {} runs: TPOT median {} (p90 {}), TTFT median {} (p90 {})\n", label, s.groups,
                       s.groups == 1 ? "deployment and load" : "deployments and loads", s.runs,
                       pct(s.error.tpot_median), pct(s.error.tpot_p90), pct(s.error.ttft_median),
                       pct(s.error.ttft_p90));
  }
  return out;
}

// The error of the terms fitted to every run on those same runs, each measurement once.
std::string in_sample_line(const std::vector<perf::PreparedRun>& prep,
                           const std::vector<std::optional<perf::Prediction>>& fitted) {
  std::vector<std::pair<double, double>> t, f;
  for (std::size_t i = 0; i < prep.size() && i < fitted.size(); ++i) {
    if (!fitted[i] || !prep[i].excluded.empty()) continue;
    t.emplace_back(fitted[i]->tpot_s, prep[i].tpot_s);
    f.emplace_back(fitted[i]->ttft_s, prep[i].ttft_s);
  }
  const auto s = perf::summarise(t, f);
  return fmt::format("In-sample: the terms fitted to every run, on those {} distinct runs: TPOT median {} (p90 {}), "
                     "TTFT median {} (p90 {}); what the terms leave unexplained even on the runs they were fitted to\n",
                     s.rows, pct(s.tpot_median), pct(s.tpot_p90), pct(s.ttft_median), pct(s.ttft_p90));
}

}  // namespace

std::string render_validation(const Catalog& cat, const std::vector<perf::MeasuredRun>& runs,
                              const std::vector<perf::PreparedRun>& prep,
                              const std::vector<std::optional<perf::Prediction>>& pred, const std::string& by,
                              bool list_rows, bool list_excluded,
                              const std::vector<std::optional<perf::Prediction>>* in_sample) {
  std::string out;
  int agg = 0;
  std::map<std::string, int> reasons;
  int duplicates = 0, predicted = 0, reread = 0;
  for (std::size_t i = 0; i < prep.size(); ++i) {
    const auto& r = prep[i];
    if (r.excluded_kind != "disagg") ++agg;
    if (r.reread && r.excluded_kind != "disagg") ++reread;
    if (pred[i]) ++predicted;
    if (!r.excluded.empty() && r.excluded_kind != "disagg" && !pred[i]) ++reasons[r.excluded_kind];
    if (!r.excluded.empty() && pred[i]) ++duplicates;
  }
  out += fmt::format("Runs: {} ({} aggregated); predicted {} ({:.1f}% of the aggregated runs)\n", runs.size(), agg,
                     predicted, agg > 0 ? 100.0 * predicted / agg : 0.0);
  if (duplicates > 0)
    out += fmt::format("Of those, {} repeat an earlier run's deployment, lengths and concurrency: fitted once (the "
                       "first run's figures), each given its twin's prediction\n",
                       duplicates);
  if (!reasons.empty()) {
    out += "Aggregated runs left out, by rule:";
    for (const auto& [k, n] : reasons) out += fmt::format(" {} {};", k, n);
    out.back() = '\n';
  }
  if (reread > 0)
    out += fmt::format("Read as deployed: {} runs whose columns file tp x ep as the GPU count (their id, or past one "
                       "server the k x k signature, gives the layout; docs/performance-model.md)\n",
                       reread);
  out += repeat_lines(cat, runs, prep);
  struct Acc {
    std::vector<std::pair<double, double>> t, f, rt, rf;
  };
  std::map<std::string, Acc> groups;
  for (std::size_t i = 0; i < prep.size(); ++i) {
    if (!pred[i]) continue;
    const auto& r = prep[i];
    for (const std::string& key : {std::string("all"), group_of(cat, runs[r.index], r, by)}) {
      auto& a = groups[key];
      a.t.emplace_back(pred[i]->tpot_s, r.tpot_s);
      a.f.emplace_back(pred[i]->ttft_s, r.ttft_s);
      if (const auto rl = perf::roofline_closed_loop(cat, r)) {
        a.rt.emplace_back(rl->tpot_s, r.tpot_s);
        a.rf.emplace_back(rl->ttft_s, r.ttft_s);
      }
    }
  }
  // The first column as wide as its longest group (model names, layouts across servers).
  std::size_t width = 14;
  for (const auto& [key, a] : groups) width = std::max(width, key.size());
  out += fmt::format("\n{:<{}} {:>5}  {:>11} {:>8}  {:>11} {:>8}   {:>5} {:>15} {:>8} {:>15} {:>8}\n", by, width, "runs",
                     "TPOT median", "p90", "TTFT median", "p90", "roof", "roof TPOT med", "p90", "roof TTFT med", "p90");
  auto line = [&](const std::string& key, const Acc& a) {
    const auto s = perf::summarise(a.t, a.f);
    const auto r = perf::summarise(a.rt, a.rf);
    out += fmt::format("{:<{}} {:>5}  {:>11} {:>8}  {:>11} {:>8}   {:>5} {:>15} {:>8} {:>15} {:>8}\n", key, width, s.rows,
                       pct(s.tpot_median), pct(s.tpot_p90), pct(s.ttft_median), pct(s.ttft_p90), r.rows,
                       pct(r.tpot_median), pct(r.tpot_p90), pct(r.ttft_median), pct(r.ttft_p90));
  };
  for (const auto& [key, a] : groups)
    if (key != "all") line(key, a);
  if (groups.count("all")) line("all", groups["all"]);
  if (duplicates > 0) {
    Acc d;
    for (std::size_t i = 0; i < prep.size(); ++i) {
      if (!pred[i] || !prep[i].excluded.empty()) continue;
      d.t.emplace_back(pred[i]->tpot_s, prep[i].tpot_s);
      d.f.emplace_back(pred[i]->ttft_s, prep[i].ttft_s);
      if (const auto rl = perf::roofline_closed_loop(cat, prep[i])) {
        d.rt.emplace_back(rl->tpot_s, prep[i].tpot_s);
        d.rf.emplace_back(rl->ttft_s, prep[i].ttft_s);
      }
    }
    line("distinct", d);
  }
  out += "\n|error| of predicted against measured; 'roof': the catalog roofline alone (plan perf --concurrency C) on "
         "the runs it can size\n";
  if (duplicates > 0) out += "'distinct': each measurement once (duplicates left out), as the fit weighs them\n";
  if (in_sample) out += in_sample_line(prep, *in_sample);
  if (list_rows) {
    out += "\nline,engine,model,gpu,precision,layout,gpus,isl,osl,concurrency,tpot_ms,tpot_pred_ms,ttft_ms,ttft_pred_ms,"
           "kv_occupancy\n";
    for (std::size_t i = 0; i < prep.size(); ++i) {
      if (!pred[i]) continue;
      const auto& r = prep[i];
      // The share of the sequences the KV cache holds (catalog memory plan) that the run keeps in
      // flight; empty where the plan is not known.
      const std::string occupancy =
          r.kv_sequences > 0 ? fmt::format("{:.3f}", r.concurrency / r.kv_sequences) : std::string();
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{:.3f},{:.3f},{:.1f},{:.1f},{}\n", runs[r.index].line,
                         r.engine, r.model_id, r.gpu_id, r.precision_id, to_string(r.layout), r.gpus, r.isl, r.osl,
                         r.concurrency, r.tpot_s * 1e3, pred[i]->tpot_s * 1e3, r.ttft_s * 1e3, pred[i]->ttft_s * 1e3,
                         occupancy);
    }
  }
  if (list_excluded) {
    out += "\nRuns not predicted (line: reason)\n";
    for (std::size_t i = 0; i < prep.size(); ++i)
      if (!pred[i] && prep[i].excluded_kind != "disagg")
        out += fmt::format("{}: {}\n", runs[prep[i].index].line,
                           prep[i].excluded.empty() ? "no engine terms for its engine" : prep[i].excluded);
  }
  return out;
}

}  // namespace plan::report
