#include "plan/core/data/catalog.hpp"
#include "plan/core/base/text.hpp"

#include <algorithm>
#include <fmt/format.h>

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

int ModelArch::moe_layers() const {
  if (!is_moe()) return 0;
  const int after = std::max(layers - dense_layers, 0);
  const int every = std::max(moe_every, 1);
  return after / every;
}

const ModelArch* Catalog::find_model(const std::string& id) const { return find_id(models, id); }
const GpuSpec* Catalog::find_gpu(const std::string& id) const { return find_id(gpus, id); }
const Precision* Catalog::find_precision(const std::string& id) const { return find_id(precisions, id); }
namespace {

// Lower case, without trailing '/'.
std::string normalised(const std::string& s) {
  std::string out = ascii_lower(s);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

std::string basename_of(const std::string& s) {
  auto slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

}  // namespace

bool model_name_matches(const std::string& name, const std::string& model_id, const std::vector<std::string>& hf_ids) {
  const std::string n = normalised(name);
  if (n.empty()) return false;
  const std::string nb = basename_of(n);
  auto matches = [&](const std::string& id) {
    const std::string c = normalised(id);
    return !c.empty() && (n == c || nb == basename_of(c));
  };
  if (matches(model_id)) return true;
  return std::any_of(hf_ids.begin(), hf_ids.end(), matches);
}

std::string Catalog::model_ids() const { return join_ids(models); }
std::string Catalog::gpu_ids() const { return join_ids(gpus); }
std::string Catalog::precision_ids() const { return join_ids(precisions); }

const char* to_string(DeviceKind d) { return d == DeviceKind::cpu ? "cpu" : "gpu"; }

std::string catalog_file(const ModelArch& m) { return m.file.empty() ? std::string(shipped_catalog_file) : m.file; }
std::string catalog_file(const GpuSpec& g) { return g.file.empty() ? std::string(shipped_catalog_file) : g.file; }

std::string cite(const ModelArch& m) {
  const std::string file = catalog_file(m);
  return m.line > 0 ? fmt::format("{}:{}", file, m.line) : file;
}

std::string cite(const GpuSpec& g) {
  const std::string file = catalog_file(g);
  return g.line > 0 ? fmt::format("{}:{}", file, g.line) : file;
}

}  // namespace plan
