#include "plan/core/data/price_sheet.hpp"

#include <algorithm>
#include <fmt/format.h>

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

const BatchRule* PriceSheet::find_batch_rule(const std::string& provider) const {
  auto it = std::find_if(batch_rules.begin(), batch_rules.end(), [&](const BatchRule& r) { return r.provider == provider; });
  return it == batch_rules.end() ? nullptr : &*it;
}

std::string PriceSheet::cite(int line) const { return path + ":" + std::to_string(line); }

const TokenPrices& prices_for_request(const TokenPrices& p, double input_tokens, int* tier_line) {
  const TokenPrices* out = &p;
  for (const auto& t : p.tiers) {
    if (input_tokens > t.above_input_tokens) {
      out = &t.prices;
      if (tier_line) *tier_line = t.line;
    }
  }
  return *out;
}

bool is_iso_date(const std::string& s) { return Date::parse(s).has_value(); }

std::optional<std::string> sheet_age_finding(const PriceSheet& sheet) {
  const auto effective = Date::parse(sheet.effective_date);
  if (!sheet.today || !effective) return std::nullopt;
  const long age = sheet.today->days_since(*effective);
  if (age <= max_sheet_age_days) return std::nullopt;
  return fmt::format("price sheet {} ({}) is {} days old on {} (effective {}); prices may have changed since",
                     sheet.version, sheet.path, age, sheet.today->str(), sheet.effective_date);
}

}  // namespace plan
