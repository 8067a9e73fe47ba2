#pragma once
// Which model classes (dense, MoE, MLA) the measured runs behind the engine terms hold, per
// engine and GPU generation. A term set says nothing of a class it saw no run of (its
// attention term for that class stays at its bound), so the engine terms size a deployment
// only when its engine and generation's runs hold at least min_deployments deployments of
// its class. The counts are taken once, when the terms are fitted (`plan validate
// --write-terms`), and stored beside them in calib/engine_terms.json.
// docs/performance-model.md, "Engine terms fitted to measured runs".
#include <map>
#include <string>
#include <vector>

#include "plan/core/data/catalog.hpp"

namespace plan::perf {

enum class ModelClass;  // engine_fit.hpp
struct MeasuredRun;     // engine_fit.hpp

// Distinct deployments (model, system, engine version, precision, layout) of aggregated runs
// whose model the catalog knows, counted per engine, generation and class.
struct EngineCoverage {
  std::map<std::string, int> deployments;  // key: coverage_key(engine, generation, class)
  // The lowest concurrency (as deployed: the client's) of those runs: below it the terms are
  // extrapolated. Empty when the runs were read without their loads (read_measured_deployments).
  std::map<std::string, double> lowest_concurrency;
  int of(const std::string& engine, const std::string& generation, ModelClass cls) const;
  // At least min_deployments deployments of the class on that engine and generation.
  bool covers(const std::string& engine, const std::string& generation, ModelClass cls) const;
  // The lowest concurrency measured for the class on that engine and generation; 0 if unknown.
  double lowest(const std::string& engine, const std::string& generation, ModelClass cls) const;
  // The same for a deployment: the engine, the GPU's generation and the model's class.
  double lowest_for(const std::string& engine, const std::string& gpu_id, const ModelArch& m) const;
};
// "engine|generation|class", e.g. "vllm|hopper|moe".
std::string coverage_key(const std::string& engine, const std::string& generation, ModelClass cls);
EngineCoverage engine_coverage(const Catalog& cat, const std::vector<MeasuredRun>& runs);
ModelClass model_class_of(const ModelArch& m);

}  // namespace plan::perf
