#include "plan/core/catalog.hpp"

#include <algorithm>

namespace plan {
namespace {

template <typename T>
const T* find_id(const std::vector<T>& v, const std::string& id) {
  auto it = std::find_if(v.begin(), v.end(), [&](const T& x) { return x.id == id; });
  return it == v.end() ? nullptr : &*it;
}

template <typename T>
std::string join_ids(const std::vector<T>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x.id;
  return out;
}

}  // namespace

const ModelArch* Catalog::find_model(const std::string& id) const { return find_id(models, id); }
const GpuSpec* Catalog::find_gpu(const std::string& id) const { return find_id(gpus, id); }
const Precision* Catalog::find_precision(const std::string& id) const { return find_id(precisions, id); }
std::string Catalog::model_ids() const { return join_ids(models); }
std::string Catalog::gpu_ids() const { return join_ids(gpus); }
std::string Catalog::precision_ids() const { return join_ids(precisions); }

}  // namespace plan
