#include "plan/core/price_sheet.hpp"

#include <algorithm>

namespace plan {
namespace {
template <typename T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
  return it == items.end() ? nullptr : &*it;
}
}  // namespace

const ApiModel* PriceSheet::find_api(const std::string& id) const { return find_by_id(api_models, id); }
const ManagedOffering* PriceSheet::find_managed(const std::string& id) const { return find_by_id(managed, id); }
const GpuInstance* PriceSheet::find_instance(const std::string& id) const { return find_by_id(gpu_instances, id); }

std::string PriceSheet::cite(int line) const { return path + ":" + std::to_string(line); }

}  // namespace plan
