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
#include "plan/report/disagg_report.hpp"
#include "plan/report/validation_report.hpp"

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

std::string disagg_terms_source() {
  return fmt::format("the mode=disagg runs of {} ({}) with worker counts; decode_scale = exp(median of "
                     "log(measured / predicted TPOT)) over the engine's predicted runs; cross-validated, {} folds "
                     "grouped by deployment",
                     shipped_runs, shipped_origin, perf::cv_folds);
}

}  // namespace

void setup_validate(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<ValidateOptions>();
  auto* sub = app.add_subcommand(
      "validate", "TTFT and TPOT of the performance model against measured serving runs (the shipped ones, "
                  "cross-validated, or your own with --data), with error summaries");
  sub->add_option("--data", opt->data,
                  "CSV of measured runs in the columns of calib/measured/silicon_train.csv (default: those, "
                  "cross-validated by deployment)")
      ->type_name("CSV");
  sub->add_option("--by", opt->by, "Group the error summary by engine, gpu, model, class, precision, generation, shape (ISL/OSL), "
                  "layout (tp, ep, dep; aggregated replicas across servers apart) or version (engine and its "
                  "version as the runs state it)")
      ->check(CLI::IsMember({"engine", "gpu", "model", "class", "precision", "generation", "shape", "layout",
                             "version"}))
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
      // A user's own runs: the committed disaggregated terms (fitted to the shipped runs).
      std::optional<std::vector<perf::DisaggTerms>> shipped_terms;
      if (!opt->data.empty()) shipped_terms = terms.disagg;
      out += report::render_disagg_validation(cat, terms.sets, runs, opt->by, opt->rows, opt->excluded,
                                     shipped_terms ? &*shipped_terms : nullptr);
      emit(out, opt->out);
      return 0;
    }
    if (opt->data.empty()) {
      const Catalog cat = io::load_catalog(catalog_path(g));
      const auto runs = io::read_measured_runs(shipped);
      std::vector<perf::PreparedRun> prep;
      std::vector<std::optional<perf::Prediction>> cv;
      auto terms = perf::fit_engine_terms(cat, runs, shipped_runs, io::sha256_file(shipped), shipped_origin,
                                          &prep, &cv);
      if (!opt->write_terms.empty()) {
        // The disaggregated model's term, fitted on these sets to the disaggregated runs of the
        // same file, as `plan validate --mode disagg` fits and cross-validates it.
        terms.disagg = perf::fit_disagg_terms_cv(cat, terms.sets, io::read_measured_disagg_runs(shipped),
                                                 disagg_terms_source());
        io::write_file_atomic(opt->write_terms, io::engine_terms_json(terms));
        return 0;
      }
      out += fmt::format("Measured runs: {} ({})\nPredictions: cross-validated, {} folds grouped by deployment "
                         "(each run predicted by engine terms fitted without its deployment)\n",
                         shipped_runs, shipped_origin, perf::cv_folds);
      // The same runs predicted by the terms fitted to all of them: the error's in-sample floor.
      const auto fitted = perf::predict_runs(terms.sets, prep);
      out += report::render_validation(cat, runs, prep, cv, opt->by, opt->rows, opt->excluded, &fitted);
    } else {
      const Catalog cat = load_full_catalog(g);
      const std::string terms_path = g.calib_dir() + "/engine_terms.json";
      const auto terms = io::read_engine_terms(terms_path);
      const auto runs = io::read_measured_runs(opt->data);
      const auto prep = perf::prepare_runs(cat, runs);
      const auto pred = perf::predict_runs(terms.sets, prep);
      out += fmt::format("Measured runs: {}\nPredictions: engine terms of calib/engine_terms.json (fitted to {} "
                         "measured runs, {})\n",
                         opt->data, terms.used, terms.origin);
      out += report::render_validation(cat, runs, prep, pred, opt->by, opt->rows, opt->excluded);
    }
    emit(out, opt->out);
    return 0;
  });
}

}  // namespace plan::cli
