// Loads what the performance model of self-hosted options needs: the catalog
// (calib/catalog.yaml) and the calibration files that may apply: those of the data
// directory's calib/results/ and of the user's ($XDG_DATA_HOME/plan/calib/results/). Which calibration sizes a
// deployment is perf::CalibrationSet (lib/core).
#include <filesystem>
#include <fmt/format.h>

#include "common.hpp"
#include "plan/io/calibration_io.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/io/paths.hpp"
#include "plan/io/hf_config.hpp"
#include "plan/io/measured_io.hpp"
#include "plan/core/serving/deployment.hpp"

namespace plan::cli {

std::string catalog_path(const Globals& g) { return g.calib_dir() + "/catalog.yaml"; }

std::vector<std::string> Globals::calibration_dirs() const {
  std::vector<std::string> dirs{io::calibration_results_dir(data_dir)};
  if (user_dir) dirs.push_back(io::calibration_results_dir(*user_dir));
  return dirs;
}

Catalog load_full_catalog(const Globals& g, const std::vector<ModelArch>& extra) {
  Catalog cat = io::load_catalog(catalog_path(g));
  // The user catalog directory ($XDG_DATA_HOME/plan/models), when there is a home to find it in.
  if (g.user_dir) io::add_user_models(cat, *g.user_dir + "/models");
  for (const auto& m : extra)
    if (!cat.find_model(m.id)) cat.models.push_back(m);
  return cat;
}

perf::CalibrationSet load_calibrations(const Globals& g) {
  if (g.no_calibration) return {};
  std::vector<Calibration> files;
  if (!g.calibrations.empty()) {
    // Named on the command line: a file that does not load is an error, not a skip.
    for (const auto& f : g.calibrations) files.push_back(io::load_calibration(f));
    return perf::CalibrationSet(std::move(files), true);
  }
  std::vector<std::pair<std::string, std::string>> skipped;
  for (const auto& dir : g.calibration_dirs()) {
    for (const auto& f : io::list_calibrations(dir)) {
      try {
        files.push_back(io::load_calibration(f));
      } catch (const Error& e) {
        // Never sizes anything; plans say so in a finding, `plan calibrate list` shows it as invalid.
        const SourceLoc& at = e.loc();
        skipped.emplace_back(f, at.line > 0 ? fmt::format("line {}:{}: {}", at.line, at.col, e.what())
                                            : std::string(e.what()));
      }
    }
  }
  perf::CalibrationSet set(std::move(files), false);
  for (auto& [f, why] : skipped) set.add_skipped(std::move(f), std::move(why));
  return set;
}

EngineTermsFile load_engine_terms(const Globals& g, const Catalog& cat) {
  // The engine terms fitted to measured runs size the deployments they cover; without the
  // file every replica is sized by the catalog roofline. A term set covers the model classes
  // its measured runs hold: counted when the terms were written (the file's coverage
  // section); a terms file without that section has them counted from the runs file it names
  // (in the data directory), and without that file its terms size nothing.
  EngineTermsFile out;
  std::error_code ec;
  const std::string terms_path = g.calib_dir() + "/engine_terms.json";
  if (!std::filesystem::exists(terms_path, ec)) return out;
  auto t = std::make_shared<const perf::EngineTerms>(io::read_engine_terms(terms_path));
  if (t->coverage) {
    out.coverage = std::shared_ptr<const perf::EngineCoverage>(t, &*t->coverage);
    out.terms = std::move(t);
  } else if (const std::string runs_path = g.data_dir + "/" + t->data; std::filesystem::exists(runs_path, ec)) {
    perf::EngineCoverage c = perf::engine_coverage(cat, io::read_measured_deployments(runs_path));
    c.lowest_concurrency.clear();  // one row per deployment: not the lowest load of its runs
    out.coverage = std::make_shared<const perf::EngineCoverage>(std::move(c));
    out.terms = std::move(t);
  }
  return out;
}

std::unique_ptr<ReplicaModelProvider> make_replica_provider(const Globals& g, const std::string& calibration,
                                                            const std::vector<ModelArch>& extra) {
  const std::string path = catalog_path(g);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return nullptr;  // options then need an explicit throughput
  Globals use = g;
  if (!calibration.empty()) use.calibrations = {calibration};
  Catalog cat = load_full_catalog(g, extra);
  EngineTermsFile et = load_engine_terms(g, cat);
  return std::make_unique<perf::CalibratedReplicaModelProvider>(std::move(cat), load_calibrations(use),
                                                                std::move(et.terms), std::move(et.coverage));
}

}  // namespace plan::cli
