#pragma once
// Calibration files (calib/results/*.yaml, docs/calibration.md) and the importers of
// serving-benchmark results. Every function throws plan::Error with the file and, where
// there is one, the line and column of the first problem.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/serving/calibration.hpp"

namespace plan::io {

// The YAML text of a calibration file. Deterministic: the same Calibration gives the same bytes.
std::string render_calibration(const Calibration& c);
// Writes render_calibration(c) atomically (io::write_file_atomic).
void write_calibration(const std::string& path, const Calibration& c);

// Strict reader: unknown keys, missing keys and out-of-range numbers are errors.
Calibration parse_calibration(const std::string& file, const std::string& text);
Calibration load_calibration(const std::string& path);

// The calibration files (*.yaml) in `dir`, sorted by name; empty when `dir` does not exist.
std::vector<std::string> list_calibrations(const std::string& dir);

// The calibration in `dir` (see list_calibrations) that matches `key` (plan::calibration_matches) and carries
// efficiencies (a probe), newest `created` first, ties by file name; nullopt when none does.
// Files that fail to load are skipped; their errors are appended to `skipped` if given.
std::optional<Calibration> find_calibration(const std::string& dir, const CalibrationKey& key,
                                            std::vector<std::string>* skipped = nullptr);

// Serving-benchmark formats this reader understands.
enum class ServingFormat { vllm_serve, vllm_throughput, guidellm };
const char* serving_format_name(ServingFormat f);

// Reads a benchmark result and recognises its format by its keys:
//  - `vllm bench serve --save-result` JSON (request_throughput, mean_ttft_ms, ...),
//  - `vllm bench throughput --output-json` JSON (elapsed_time, tokens_per_second, ...),
//  - GuideLLM benchmarks.json ({"benchmarks": [...]}); `guidellm_index` (1-based) picks
//    one benchmark of several; required when the file holds more than one.
// A file of no known format, or one missing fields its format needs, is one error naming
// the missing fields. The file's sha256 and name are recorded.
ServingMeasurement import_serving(const std::string& path, std::optional<int> guidellm_index = std::nullopt);
ServingMeasurement parse_serving(const std::string& file, const std::string& text,
                                 std::optional<int> guidellm_index = std::nullopt);
// Every result the file holds: each benchmark of a GuideLLM file (a sweep), else the one.
std::vector<ServingMeasurement> import_serving_all(const std::string& path);

}  // namespace plan::io
