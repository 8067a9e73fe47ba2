#pragma once
// Text of `plan calibrate show`, `list` and `import`: calibration files as loaded, and what
// an imported serving result does to the catalog model of its deployment.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/serving/calibration.hpp"
#include "plan/core/serving/serving_fit.hpp"

namespace plan::report {

// One calibration file: its header, the probe's measurements against its fit, the
// efficiencies, and the figures of an imported serving result.
std::string render_calibration(const Calibration& c);

// One line on how the model a serving result file names was checked against the model
// imported; empty for files written before the check, and for files without a serving result.
std::string render_model_check(const Calibration& c);

// What imported serving results `files` (one deployment, named by the first file) do to
// the catalog model: `fit` is perf::fit_serving's result, or nullopt when the catalog has no
// such deployment (perf::fit_serving_deployment).
std::string render_serving_fit(const std::vector<Calibration>& files, const std::optional<perf::ServingFit>& fit);

// `plan calibrate import --benchmark-index all`: one line on the source, one row per
// benchmark written (each file's path already set), and the model check of the first.
std::string render_import_summary(const std::string& source_file, const std::vector<Calibration>& files);

// One file of calib/results/: loaded, or the error that loading it raised.
struct CalibrationListEntry {
  std::string file;                        // file name, without the directory
  std::optional<Calibration> calibration;  // absent when the file could not be loaded
  std::string error;                       // why it failed: "LINE:COL: message" (the file named apart)
};

// `plan calibrate list`: one row per file that loads, then one line per invalid file with its
// error.
std::string render_calibration_list(const std::vector<CalibrationListEntry>& entries);

}  // namespace plan::report
