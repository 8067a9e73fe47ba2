#include "plan/core/data/price_sheet.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>

namespace plan {
namespace {
template <typename T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
  return it == items.end() ? nullptr : &*it;
}

std::optional<std::chrono::sys_days> parse_iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i = 0; i < 10; ++i)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{std::stoi(s.substr(0, 4))},
                                        std::chrono::month{static_cast<unsigned>(std::stoi(s.substr(5, 2)))},
                                        std::chrono::day{static_cast<unsigned>(std::stoi(s.substr(8, 2)))}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
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

bool is_iso_date(const std::string& s) { return parse_iso_date(s).has_value(); }

std::optional<long> days_between(const std::string& from, const std::string& to) {
  auto a = parse_iso_date(from);
  auto b = parse_iso_date(to);
  if (!a || !b) return std::nullopt;
  return static_cast<long>((*b - *a).count());
}

std::optional<std::string> sheet_age_finding(const PriceSheet& sheet) {
  if (sheet.today.empty()) return std::nullopt;
  auto age = days_between(sheet.effective_date, sheet.today);
  if (!age || *age <= max_sheet_age_days) return std::nullopt;
  return fmt::format("price sheet {} ({}) is {} days old on {} (effective {}); prices may have changed since",
                     sheet.version, sheet.path, *age, sheet.today, sheet.effective_date);
}

}  // namespace plan
