// plan validate: the performance model's TTFT and TPOT against measured serving runs, with
// error summaries by engine, GPU, model, model class, precision or shape. On the shipped runs
// (calib/measured/) the predictions are cross-validated (each run predicted by engine terms
// fitted without its deployment); on a user's own runs (--data) by the committed terms
// (calib/engine_terms.json). docs/performance-model.md, "Engine terms fitted to measured runs".
#include <fmt/format.h>
#include <map>
#include <optional>

#include "common.hpp"
#include "plan/core/serving/disagg.hpp"
#include "plan/core/serving/engine_fit.hpp"
#include "plan/core/serving/perf_run.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/io/files.hpp"
#include "plan/io/measured_disagg_io.hpp"
#include "plan/io/measured_io.hpp"

namespace plan::cli {
namespace {

struct ValidateOptions {
  std::string data;
  std::string by = "engine";
  std::string mode = "agg";
  bool rows = false;
  bool excluded = false;
  std::string write_terms;
  std::string out;
};

constexpr const char* shipped_runs = "calib/measured/silicon_train.csv";
constexpr const char* shipped_origin =
    "AIConfigurator silicon sample, ai-dynamo/aiconfigurator@095f58a, "
    "aic-core/src/aiconfigurator_core/systems/silicon_sample.csv, Apache-2.0";

std::string group_of(const perf::PreparedRun& r, const std::string& by) {
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

std::string disagg_group_of(const perf::DisaggPrediction& p, const perf::MeasuredDisaggRun& r, const std::string& by) {
  if (by == "engine") return p.engine;
  if (by == "gpu") return p.gpu_id;
  if (by == "model") return p.model_id;
  if (by == "class") return perf::to_string(p.cls);
  if (by == "precision") return p.precision_id;
  if (by == "generation") return perf::gpu_generation(p.gpu_id);
  if (by == "shape") return fmt::format("{}/{}", r.run.isl, r.run.osl);
  return "all";
}

// The disaggregated runs: each predicted by the disaggregated model on the committed engine
// terms (fitted to the aggregated runs only, so no disaggregated run took part in them), and
// by the catalog roofline alone.
std::string disagg_validation_table(const Catalog& cat, const std::vector<perf::TermSet>& sets,
                                    const std::vector<perf::MeasuredDisaggRun>& runs, const std::string& by,
                                    bool list_rows, bool list_excluded,
                                    const std::vector<perf::DisaggTerms>* given_terms = nullptr) {
  std::string out;
  std::map<std::string, int> reasons;
  struct Acc {
    std::vector<std::pair<double, double>> t, f, ut, uf, rt, rf;
  };
  std::map<std::string, Acc> groups;
  std::vector<perf::DisaggPrediction> preds;
  int predicted = 0;
  for (const auto& r : runs) {
    preds.push_back(perf::predict_disagg_run(cat, &sets, r));
    if (!preds.back().excluded_kind.empty()) ++reasons[preds.back().excluded_kind];
    else ++predicted;
  }
  // The shipped runs: cross-validated; a user's own: the terms fitted to the shipped runs.
  std::vector<std::optional<perf::DisaggLoad>> cv(preds.size());
  if (given_terms) {
    for (std::size_t i = 0; i < preds.size(); ++i) {
      if (!preds[i].excluded_kind.empty()) continue;
      cv[i] = preds[i].result.unfitted;
      for (const auto& t : *given_terms)
        if (t.engine == preds[i].engine)
          cv[i] = perf::solve_with_terms(preds[i].result.timing, t, preds[i].request.concurrency);
    }
  } else {
    cv = perf::cross_validate_disagg(runs, preds);
  }
  std::vector<std::size_t> all;
  for (std::size_t i = 0; i < preds.size(); ++i)
    if (preds[i].excluded_kind.empty()) all.push_back(i);
  std::string fitted;
  for (const auto& t : given_terms ? *given_terms : perf::fit_disagg_terms(runs, preds, all))
    fitted += fmt::format("  {}: decode step x {:.3g} ({} runs, {} deployments)\n", t.engine, t.decode_scale, t.rows,
                          t.deployments);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& p = preds[i];
    const auto& r = runs[i];
    if (!p.excluded_kind.empty() || !cv[i]) continue;
    const auto roof = perf::predict_disagg_run(cat, nullptr, r);
    for (const std::string& key : {std::string("all"), disagg_group_of(p, r, by)}) {
      auto& a = groups[key];
      a.t.emplace_back(cv[i]->tpot_s, r.run.tpot_ms / 1e3);
      a.f.emplace_back(cv[i]->ttft_s, r.run.ttft_ms / 1e3);
      a.ut.emplace_back(p.result.unfitted.tpot_s, r.run.tpot_ms / 1e3);
      a.uf.emplace_back(p.result.unfitted.ttft_s, r.run.ttft_ms / 1e3);
      if (roof.excluded_kind.empty()) {
        a.rt.emplace_back(roof.result.load.tpot_s, r.run.tpot_ms / 1e3);
        a.rf.emplace_back(roof.result.load.ttft_s, r.run.ttft_ms / 1e3);
      }
    }
  }
  out += fmt::format("Runs: {} disaggregated; predicted {} ({:.1f}%)\n", runs.size(), predicted,
                     runs.empty() ? 0.0 : 100.0 * predicted / runs.size());
  if (!reasons.empty()) {
    out += "Disaggregated runs left out, by rule:";
    for (const auto& [k, n] : reasons) out += fmt::format(" {} {};", k, n);
    out.back() = '\n';
  }
  if (!fitted.empty())
    out += std::string(given_terms ? "Disaggregated terms fitted to the shipped runs:\n"
                                   : "Disaggregated terms fitted to every predicted run:\n") +
           fitted;
  out += fmt::format("\n{:<14} {:>5}  {:>11} {:>8}  {:>11} {:>8}   {:>13} {:>13}   {:>5} {:>13} {:>13}\n", by, "runs",
                     "TPOT median", "p90", "TTFT median", "p90", "unfit TPOT", "unfit TTFT", "roof", "roof TPOT",
                     "roof TTFT");
  auto line = [&](const std::string& key, const Acc& a) {
    const auto s = perf::summarise(a.t, a.f);
    const auto u = perf::summarise(a.ut, a.uf);
    const auto r = perf::summarise(a.rt, a.rf);
    out += fmt::format("{:<14} {:>5}  {:>11} {:>8}  {:>11} {:>8}   {:>13} {:>13}   {:>5} {:>13} {:>13}\n", key, s.rows,
                       pct(s.tpot_median), pct(s.tpot_p90), pct(s.ttft_median), pct(s.ttft_p90), pct(u.tpot_median),
                       pct(u.ttft_median), r.rows, pct(r.tpot_median), pct(r.ttft_median));
  };
  for (const auto& [key, a] : groups)
    if (key != "all") line(key, a);
  if (groups.count("all")) line("all", groups["all"]);
  out += given_terms ? "\n|error| of predicted against measured (medians and 90th percentiles), with the terms fitted to "
                      "the shipped runs"
                    : "\n|error| of predicted against measured (medians and 90th percentiles): cross-validated, 5 folds "
                      "grouped by deployment (the disaggregated terms fitted without the run's deployment)";
  out += "; 'unfit': the loop on the engine terms alone, no disaggregated term; 'roof': both pools on the catalog "
         "roofline alone\n";
  if (list_rows) {
    out += "\nline,engine,model,gpu,precision,prefill,decode,isl,osl,concurrency,decode_batch,tpot_ms,tpot_pred_ms,"
           "ttft_ms,ttft_pred_ms,prefill_wait_ms,prefill_ms,kv_transfer_ms\n";
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const auto& p = preds[i];
      if (!p.excluded_kind.empty()) continue;
      const auto& r = runs[i].run;
      if (!cv[i]) continue;
      const auto& l = *cv[i];
      auto pool = [](const perf::PoolSpec& s) { return fmt::format("{}x{}{}", s.workers, s.gpus, to_string(s.layout)); };
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{:.2f},{:.3f},{:.3f},{:.1f},{:.1f},{:.1f},{:.1f},{:.3f}\n",
                         r.line, p.engine, p.model_id, p.gpu_id, p.precision_id, pool(p.request.prefill),
                         pool(p.request.decode), r.isl, r.osl, r.concurrency, l.decode_batch, r.tpot_ms,
                         l.tpot_s * 1e3, r.ttft_ms, l.ttft_s * 1e3, l.prefill_wait_s * 1e3, l.prefill_s * 1e3,
                         l.kv_transfer_s * 1e3);
    }
  }
  if (list_excluded) {
    out += "\nRuns not predicted (line: reason)\n";
    for (std::size_t i = 0; i < runs.size(); ++i)
      if (!preds[i].excluded_kind.empty()) out += fmt::format("{}: {}\n", runs[i].run.line, preds[i].excluded);
  }
  return out;
}

}  // namespace

std::string validation_table(const Catalog& cat, const std::vector<perf::MeasuredRun>& runs,
                             const std::vector<perf::PreparedRun>& prep,
                             const std::vector<std::optional<perf::Prediction>>& pred, const std::string& by,
                             bool list_rows, bool list_excluded) {
  std::string out;
  int agg = 0;
  std::map<std::string, int> reasons;
  int duplicates = 0;
  for (std::size_t i = 0; i < prep.size(); ++i) {
    const auto& r = prep[i];
    if (r.excluded_kind != "disagg") ++agg;
    if (!r.excluded.empty() && r.excluded_kind != "disagg" && !pred[i]) ++reasons[r.excluded_kind];
    if (!r.excluded.empty() && pred[i]) ++duplicates;
  }
  int predicted = 0;
  for (const auto& p : pred)
    if (p) ++predicted;
  out += fmt::format("Runs: {} ({} aggregated); predicted {} ({:.1f}% of the aggregated runs)\n", runs.size(), agg,
                     predicted, agg > 0 ? 100.0 * predicted / agg : 0.0);
  if (duplicates > 0)
    out += fmt::format("Of those, {} repeat an earlier run's deployment, lengths and concurrency (the same measurement "
                       "filed again): fitted once, each given its twin's prediction\n",
                       duplicates);
  if (!reasons.empty()) {
    out += "Aggregated runs left out, by rule:";
    for (const auto& [k, n] : reasons) out += fmt::format(" {} {};", k, n);
    out.back() = '\n';
  }
  struct Acc {
    std::vector<std::pair<double, double>> t, f, rt, rf;
  };
  std::map<std::string, Acc> groups;
  for (std::size_t i = 0; i < prep.size(); ++i) {
    if (!pred[i]) continue;
    const auto& r = prep[i];
    for (const std::string& key : {std::string("all"), group_of(r, by)}) {
      auto& a = groups[key];
      a.t.emplace_back(pred[i]->tpot_s, r.tpot_s);
      a.f.emplace_back(pred[i]->ttft_s, r.ttft_s);
      if (const auto rl = perf::roofline_closed_loop(cat, r)) {
        a.rt.emplace_back(rl->tpot_s, r.tpot_s);
        a.rf.emplace_back(rl->ttft_s, r.ttft_s);
      }
    }
  }
  out += fmt::format("\n{:<14} {:>5}  {:>11} {:>8}  {:>11} {:>8}   {:>5} {:>15} {:>8} {:>15} {:>8}\n", by, "runs",
                     "TPOT median", "p90", "TTFT median", "p90", "roof", "roof TPOT med", "p90", "roof TTFT med", "p90");
  auto line = [&](const std::string& key, const Acc& a) {
    const auto s = perf::summarise(a.t, a.f);
    const auto r = perf::summarise(a.rt, a.rf);
    out += fmt::format("{:<14} {:>5}  {:>11} {:>8}  {:>11} {:>8}   {:>5} {:>15} {:>8} {:>15} {:>8}\n", key, s.rows,
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
  if (list_rows) {
    out += "\nline,engine,model,gpu,precision,layout,gpus,isl,osl,concurrency,tpot_ms,tpot_pred_ms,ttft_ms,ttft_pred_ms\n";
    for (std::size_t i = 0; i < prep.size(); ++i) {
      if (!pred[i]) continue;
      const auto& r = prep[i];
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{:.3f},{:.3f},{:.1f},{:.1f}\n", runs[r.index].line, r.engine,
                         r.model_id, r.gpu_id, r.precision_id, to_string(r.layout), r.gpus, r.isl, r.osl,
                         r.concurrency, r.tpot_s * 1e3, pred[i]->tpot_s * 1e3, r.ttft_s * 1e3, pred[i]->ttft_s * 1e3);
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

void setup_validate(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<ValidateOptions>();
  auto* sub = app.add_subcommand(
      "validate", "TTFT and TPOT of the performance model against measured serving runs (the shipped ones, "
                  "cross-validated, or your own with --data), with error summaries");
  sub->add_option("--data", opt->data,
                  "CSV of measured runs in the columns of calib/measured/silicon_train.csv (default: those, "
                  "cross-validated by deployment)")
      ->type_name("CSV");
  sub->add_option("--by", opt->by, "Group the error summary by engine, gpu, model, class, precision, generation or shape")
      ->check(CLI::IsMember({"engine", "gpu", "model", "class", "precision", "generation", "shape"}))
      ->capture_default_str();
  sub->add_option("--mode", opt->mode,
                  "Which runs: agg (one pool serves prefill and decode) or disagg (separate prefill and decode pools, "
                  "predicted on the committed engine terms)")
      ->check(CLI::IsMember({"agg", "disagg"}))
      ->capture_default_str();
  sub->add_flag("--rows", opt->rows, "Also list every predicted run (CSV)");
  sub->add_flag("--excluded", opt->excluded, "Also list the runs not predicted, with the rule that left each out");
  sub->add_option("--write-terms", opt->write_terms,
                  "Fit the engine terms to the shipped runs and write them to FILE (calib/engine_terms.json is the "
                  "committed result)")
      ->type_name("FILE");
  sub->add_option("-o,--output-file", opt->out, "Write to FILE atomically instead of standard output");
  reg.add(sub, [opt, &g = reg.globals]() {
    const std::string shipped = g.data_dir + "/" + shipped_runs;
    if (!opt->write_terms.empty() && !opt->data.empty())
      throw Error("--write-terms fits the shipped runs only (expected no --data)", ExitCode::usage_error);
    std::string out;
    if (opt->mode == "disagg") {
      if (!opt->write_terms.empty())
        throw Error("--write-terms fits the aggregated runs (expected no --mode disagg)", ExitCode::usage_error);
      const Catalog cat = opt->data.empty() ? io::load_catalog(catalog_path(g)) : load_full_catalog(g);
      const std::string terms_path = g.calib_dir() + "/engine_terms.json";
      const auto terms = io::read_engine_terms(terms_path);
      const std::string data = opt->data.empty() ? shipped : opt->data;
      const auto runs = io::read_measured_disagg_runs(data);
      out += fmt::format("Measured runs: {}{}\nPredictions: the disaggregated model on the engine terms of "
                         "calib/engine_terms.json (fitted to {} aggregated runs, {}) and the decode-step term fitted to the shipped "
                         "disaggregated runs{}\n",
                         opt->data.empty() ? shipped_runs : opt->data,
                         opt->data.empty() ? fmt::format(" ({})", shipped_origin) : std::string(), terms.used,
                         terms.origin, opt->data.empty() ? " (cross-validated by deployment)" : "");
      std::optional<std::vector<perf::DisaggTerms>> shipped_terms;
      if (!opt->data.empty()) {
        const auto shipped_disagg = io::read_measured_disagg_runs(shipped);
        std::vector<perf::DisaggPrediction> preds;
        std::vector<std::size_t> use;
        for (const auto& r : shipped_disagg) {
          preds.push_back(perf::predict_disagg_run(cat, &terms.sets, r));
          if (preds.back().excluded_kind.empty()) use.push_back(preds.size() - 1);
        }
        shipped_terms = perf::fit_disagg_terms(shipped_disagg, preds, use);
      }
      out += disagg_validation_table(cat, terms.sets, runs, opt->by, opt->rows, opt->excluded,
                                     shipped_terms ? &*shipped_terms : nullptr);
      emit(out, opt->out);
      return 0;
    }
    if (opt->data.empty()) {
      const Catalog cat = io::load_catalog(catalog_path(g));
      const auto runs = io::read_measured_runs(shipped);
      std::vector<perf::PreparedRun> prep;
      std::vector<std::optional<perf::Prediction>> cv;
      const auto terms = perf::fit_engine_terms(cat, runs, shipped_runs, io::sha256_file(shipped), shipped_origin,
                                                &prep, &cv);
      if (!opt->write_terms.empty()) {
        io::write_file_atomic(opt->write_terms, io::engine_terms_json(terms));
        return 0;
      }
      out += fmt::format("Measured runs: {} ({})\nPredictions: cross-validated, {} folds grouped by deployment "
                         "(each run predicted by engine terms fitted without its deployment)\n",
                         shipped_runs, shipped_origin, perf::cv_folds);
      out += validation_table(cat, runs, prep, cv, opt->by, opt->rows, opt->excluded);
    } else {
      const Catalog cat = load_full_catalog(g);
      const std::string terms_path = g.calib_dir() + "/engine_terms.json";
      const auto terms = io::read_engine_terms(terms_path);
      const auto runs = io::read_measured_runs(opt->data);
      const auto prep = perf::prepare_runs(cat, runs);
      std::vector<std::optional<perf::Prediction>> pred(prep.size());
      for (std::size_t i = 0; i < prep.size(); ++i) pred[i] = perf::predict(terms.sets, prep[i]);
      perf::predict_duplicates(prep, pred);
      out += fmt::format("Measured runs: {}\nPredictions: engine terms of calib/engine_terms.json (fitted to {} "
                         "measured runs, {})\n",
                         opt->data, terms.used, terms.origin);
      out += validation_table(cat, runs, prep, pred, opt->by, opt->rows, opt->excluded);
    }
    emit(out, opt->out);
    return 0;
  });
}

}  // namespace plan::cli
