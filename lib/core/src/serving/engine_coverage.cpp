// The model classes the measured runs hold per engine and GPU generation (engine_coverage.hpp).
#include "plan/core/serving/engine_coverage.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "plan/core/serving/engine_fit.hpp"

namespace plan::perf {

std::string coverage_key(const std::string& engine, const std::string& generation, ModelClass cls) {
  return engine + "|" + generation + "|" + to_string(cls);
}

ModelClass model_class_of(const ModelArch& m) {
  return m.attention == AttentionKind::mla ? ModelClass::mla : m.is_moe() ? ModelClass::moe : ModelClass::dense;
}

int EngineCoverage::of(const std::string& engine, const std::string& generation, ModelClass cls) const {
  const auto it = deployments.find(coverage_key(engine, generation, cls));
  return it == deployments.end() ? 0 : it->second;
}

double EngineCoverage::lowest(const std::string& engine, const std::string& generation, ModelClass cls) const {
  const auto it = lowest_concurrency.find(coverage_key(engine, generation, cls));
  return it == lowest_concurrency.end() ? 0.0 : it->second;
}

double EngineCoverage::lowest_for(const std::string& engine, const std::string& gpu_id, const ModelArch& m) const {
  return lowest(engine, gpu_generation(gpu_id), model_class_of(m));
}

bool EngineCoverage::covers(const std::string& engine, const std::string& generation, ModelClass cls) const {
  return of(engine, generation, cls) >= min_deployments;
}

EngineCoverage engine_coverage(const Catalog& cat, const std::vector<MeasuredRun>& runs) {
  EngineCoverage c;
  std::map<std::string, const ModelArch*> models;
  std::set<std::string> seen;
  for (const auto& r : runs) {
    if (!r.mode.empty() && r.mode != "agg") continue;
    const auto engine = parse_engine(r.engine);
    if (!engine) continue;
    const std::string generation = gpu_generation(measured_gpu(r.system));
    if (generation.empty()) continue;
    auto [it, fresh] = models.emplace(r.model_path, nullptr);
    if (fresh) it->second = measured_model(cat, r.model_path);
    if (!it->second) continue;
    const MeasuredRun d = as_deployed(cat, r);  // a layout filed as tp x ep counted as deployed
    const std::string key = coverage_key(to_string(*engine), generation, model_class_of(*it->second));
    if (d.concurrency > 0) {
      auto [low, added] = c.lowest_concurrency.emplace(key, d.concurrency);
      if (!added) low->second = std::min(low->second, d.concurrency);
    }
    const std::string deployment = fmt::format("{}|{}|{}|{}|{}|{} {} {} {} {}", d.model_path, d.system, d.engine,
                                               d.version, d.precision, d.tp, d.pp, d.dp, d.moe_tp, d.moe_ep);
    if (!seen.insert(deployment).second) continue;
    ++c.deployments[key];
  }
  return c;
}

}  // namespace plan::perf
