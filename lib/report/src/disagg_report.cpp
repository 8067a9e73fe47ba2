#include "plan/report/disagg_report.hpp"

#include <algorithm>
#include <fmt/format.h>

#include <map>
#include <optional>

#include "plan/core/serving/engine_fit.hpp"
#include "plan/report/json.hpp"
#include "plan/report/table.hpp"

namespace plan::report {
namespace {

std::string pct(double v) { return fmt::format("{:.1f}%", v); }

std::string disagg_group_of(const perf::DisaggPrediction& p, const perf::MeasuredDisaggRun& r, const std::string& by) {
  if (by == "engine") return p.engine;
  if (by == "gpu") return p.gpu_id;
  if (by == "model") return p.model_id;
  if (by == "class") return perf::to_string(p.cls);
  if (by == "precision") return p.precision_id;
  if (by == "generation") return perf::gpu_generation(p.gpu_id);
  if (by == "shape") return fmt::format("{}/{}", r.run.isl, r.run.osl);
  if (by == "layout")
    return fmt::format("prefill {} / decode {}", to_string(p.request.prefill.layout), to_string(p.request.decode.layout));
  return "all";
}


std::string pool_text(const perf::PoolSpec& p) {
  return fmt::format("{} x {} GPU{} {}{}", p.workers, p.gpus, p.gpus == 1 ? "" : "s", to_string(p.layout),
                     p.moe_tp > 1 ? fmt::format(" (moe_tp {})", p.moe_tp) : std::string());
}

void pool_json(JsonWriter& j, const char* key, const perf::PoolSpec& p, const perf::PoolFigures& f) {
  j.key(key).begin_object();
  j.field("workers", p.workers).field("gpus_per_worker", p.gpus).field("parallel", to_string(p.layout));
  j.field("moe_tp", p.moe_tp).field("slots_per_worker", f.slots).field("source", f.source);
  j.end_object();
}

}  // namespace

std::string render_disagg_table(const perf::DisaggRequest& q, const perf::DisaggResult& r, const std::string& engine) {
  Table t;
  t.add_column("", Align::left);
  t.add_column("value", Align::right);
  t.add_column("", Align::left);
  const auto& l = r.load;
  t.add_row({"fits", r.fits ? "yes" : "no", r.fits ? "" : r.reason});
  t.add_row({"prefill pool", pool_text(q.prefill), fmt::format("{} GPUs", r.prefill_gpus)});
  t.add_row({"decode pool", pool_text(q.decode), fmt::format("{} GPUs", r.decode_gpus)});
  if (r.fits) {
    t.add_row({"concurrency", std::to_string(q.concurrency), "requests in the closed loop, whole deployment"});
    t.add_row({"prefill", fixed(l.prefill_s * 1e3, 1), "ms, one request alone on a prefill worker"});
    t.add_row({"prefill batch", fixed(l.prefill_batch, 1), "requests a prefill worker prefills at once"});
    t.add_row({"prefill wait", fixed(l.prefill_wait_s * 1e3, 1),
               fmt::format("ms, for a prefill worker ({:.0f}% busy)", l.prefill_utilisation * 100)});
    t.add_row({"KV transfer", fixed(l.kv_transfer_s * 1e3, 2),
               fmt::format("ms, {:.1f} MB over {} link{} of {:g} GB/s x {:g}", r.kv_bytes_per_request / 1e6, r.links,
                           r.links == 1 ? "" : "s", r.link_gb_per_s, r.link_efficiency)});
    if (l.decode_wait_s > 0)
      t.add_row({"decode wait", fixed(l.decode_wait_s * 1e3, 1), "ms, queue for a decode slot"});
    t.add_row({"TTFT", fixed(l.ttft_s * 1e3, 1), "ms"});
    t.add_row({"decode batch", fixed(l.decode_batch, 1),
               fmt::format("sequences per decode worker (its KV cache holds {})", r.decode.slots)});
    t.add_row({"TPOT", fixed(l.tpot_s * 1e3, 2), "ms, the decode step at that batch"});
    t.add_row({"requests/s", fixed(l.throughput_rps, 2), ""});
    t.add_row({"output tokens/s", fixed(r.output_tokens_per_s, 0), ""});
    t.add_row({"output tokens/s per GPU", fixed(r.output_tokens_per_s_per_gpu, 1),
               fmt::format("over both pools' {} GPUs", r.prefill_gpus + r.decode_gpus)});
  }
  std::string out = fmt::format("{} on {} ({}), disaggregated {}P{}D, engine {}, {:.0f} + {:.0f} tokens\n", q.model,
                                q.gpu, q.precision, q.prefill.workers, q.decode.workers, engine, q.input_tokens,
                                q.output_tokens);
  out += t.render_text();
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  if (r.fits) out += "note: KV transfer over " + r.link + "\n";
  out += "Sources: model, GPU and link figures calib/catalog.yaml; engine terms calib/engine_terms.json; "
         "docs/performance-model.md \"Disaggregated prefill and decode\"\n";
  return out;
}

std::string render_disagg_json(const perf::DisaggRequest& q, const perf::DisaggResult& r, const std::string& engine) {
  JsonWriter j;
  const auto& l = r.load;
  j.begin_object();
  j.field("serving", "disaggregated");
  j.field("model", q.model).field("gpu", q.gpu).field("precision", q.precision).field("engine", engine);
  j.field("input_tokens", q.input_tokens).field("output_tokens", q.output_tokens).field("concurrency", q.concurrency);
  pool_json(j, "prefill", q.prefill, r.prefill);
  pool_json(j, "decode", q.decode, r.decode);
  j.field("gpus", r.prefill_gpus + r.decode_gpus);
  j.field("fits", r.fits);
  j.key("reason");
  if (r.fits) j.null();
  else j.value(r.reason);
  if (r.fits) {
    j.field("prefill_ms", l.prefill_s * 1e3).field("prefill_wait_ms", l.prefill_wait_s * 1e3);
    j.field("prefill_utilisation", l.prefill_utilisation);
    j.field("kv_bytes_per_request", r.kv_bytes_per_request).field("kv_transfer_ms", l.kv_transfer_s * 1e3);
    j.field("link", r.link).field("link_gb_per_s", r.link_gb_per_s).field("links", r.links);
    j.field("link_efficiency", r.link_efficiency);
    j.field("decode_wait_ms", l.decode_wait_s * 1e3);
    j.field("ttft_ms", l.ttft_s * 1e3).field("decode_batch", l.decode_batch).field("tpot_ms", l.tpot_s * 1e3);
    j.field("requests_per_s", l.throughput_rps).field("output_tokens_per_s", r.output_tokens_per_s);
    j.field("output_tokens_per_s_per_gpu", r.output_tokens_per_s_per_gpu);
  }
  j.key("notes").begin_array();
  for (const auto& n : r.notes) j.value(n);
  j.end_array();
  j.end_object();
  return j.str();
}

// The disaggregated runs: each predicted by the disaggregated model on the committed engine
// terms (fitted to the aggregated runs only, so no disaggregated run took part in them), and
// by the catalog roofline alone.
std::string render_disagg_validation(const Catalog& cat, const std::vector<perf::TermSet>& sets,
                                    const std::vector<perf::MeasuredDisaggRun>& runs, const std::string& by,
                                    bool list_rows, bool list_excluded,
                                    const std::vector<perf::DisaggTerms>* given_terms) {
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
                     runs.empty() ? 0.0 : 100.0 * predicted / static_cast<double>(runs.size()));
  if (!reasons.empty()) {
    out += "Disaggregated runs left out, by rule:";
    for (const auto& [k, n] : reasons) out += fmt::format(" {} {};", k, n);
    out.back() = '\n';
  }
  if (!fitted.empty())
    out += std::string(given_terms ? "Disaggregated terms fitted to the shipped runs:\n"
                                   : "Disaggregated terms fitted to every predicted run:\n") +
           fitted;
  // The first column as wide as its longest group (model names, layouts across servers).
  std::size_t width = 14;
  for (const auto& [key, a] : groups) width = std::max(width, key.size());
  out += fmt::format("\n{:<{}} {:>5}  {:>11} {:>8}  {:>11} {:>8}   {:>13} {:>13}   {:>5} {:>13} {:>13}\n", by, width, "runs",
                     "TPOT median", "p90", "TTFT median", "p90", "unfit TPOT", "unfit TTFT", "roof", "roof TPOT",
                     "roof TTFT");
  auto line = [&](const std::string& key, const Acc& a) {
    const auto s = perf::summarise(a.t, a.f);
    const auto u = perf::summarise(a.ut, a.uf);
    const auto r = perf::summarise(a.rt, a.rf);
    out += fmt::format("{:<{}} {:>5}  {:>11} {:>8}  {:>11} {:>8}   {:>13} {:>13}   {:>5} {:>13} {:>13}\n", key, width, s.rows,
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


}  // namespace plan::report
