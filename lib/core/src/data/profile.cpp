#include "plan/core/data/profile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace plan {

TrafficShape TrafficShape::flat() {
  TrafficShape s;
  s.weight.fill(1.0);
  return s;
}

TrafficShape TrafficShape::from_hourly(const std::array<double, 24>& raw) {
  TrafficShape s;
  double sum = std::accumulate(raw.begin(), raw.end(), 0.0);
  double mean = sum / 24.0;
  for (size_t h = 0; h < 24; ++h) s.weight[h] = raw[h] / mean;
  s.hourly_given = true;
  return s;
}

TrafficShape TrafficShape::from_peak_to_average(double ratio) {
  TrafficShape s = flat();
  s.peak_to_average = ratio;
  return s;
}

double TrafficShape::peak_factor() const {
  if (peak_to_average) return *peak_to_average;
  return *std::max_element(weight.begin(), weight.end());
}

bool same_data_class(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    // ASCII case folding: class names are identifiers, and the locale must not change them.
    auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (fold(a[i]) != fold(b[i])) return false;
  }
  return true;
}

bool has_data_class(const std::vector<std::string>& classes, std::string_view c) {
  return std::any_of(classes.begin(), classes.end(), [&](const std::string& x) { return same_data_class(x, c); });
}

std::optional<std::string> air_gapped_exclusion(const Workload& w, const std::string& who) {
  if (!same_data_class(w.data_class, air_gapped_class)) return std::nullopt;
  return "workload '" + w.id + "' has data class '" + w.data_class + "', which only owned hardware may serve (" + who +
         " may not receive it)";
}

const char* to_string(OptionKind k) {
  switch (k) {
    case OptionKind::api: return "api";
    case OptionKind::managed: return "managed";
    case OptionKind::self_hosted: return "self_hosted";
    case OptionKind::hybrid: return "hybrid";
  }
  return "?";
}

const char* to_string(ManagedMode m) {
  switch (m) {
    case ManagedMode::on_demand: return "on_demand";
    case ManagedMode::provisioned: return "provisioned";
    case ManagedMode::dedicated: return "dedicated";
  }
  return "?";
}

const char* to_string(PricingTerm t) {
  switch (t) {
    case PricingTerm::on_demand: return "on_demand";
    case PricingTerm::reserved_1y: return "reserved_1y";
    case PricingTerm::reserved_3y: return "reserved_3y";
    case PricingTerm::spot: return "spot";
  }
  return "?";
}

const char* term_key(PricingTerm t) {
  switch (t) {
    case PricingTerm::on_demand: return "on_demand";
    case PricingTerm::reserved_1y: return "1y";
    case PricingTerm::reserved_3y: return "3y";
    case PricingTerm::spot: return "spot";
  }
  return "?";
}

const FleetSpec* Option::fleet() const {
  if (const auto* s = std::get_if<SelfHostedOption>(&spec)) return &s->fleet;
  if (const auto* m = std::get_if<ManagedOption>(&spec); m && m->mode == ManagedMode::dedicated) return &m->fleet;
  return nullptr;
}

FleetSpec* Option::fleet() { return const_cast<FleetSpec*>(static_cast<const Option*>(this)->fleet()); }

bool Option::pay_per_token() const {
  if (std::get_if<ApiOption>(&spec)) return true;
  const auto* m = std::get_if<ManagedOption>(&spec);
  return m && m->mode == ManagedMode::on_demand;
}

OptionKind kind_label(const Option& o) { return static_cast<OptionKind>(o.spec.index()); }

SourceLoc Option::loc_of(const std::string& key) const {
  auto it = key_locs.find(key);
  return it == key_locs.end() ? loc : it->second;
}

double Profile::tokens_per_day() const {
  double t = 0;
  for (const auto& w : workloads) t += w.tokens_per_day();
  return t;
}

double Profile::requests_per_day() const {
  double r = 0;
  for (const auto& w : workloads) r += w.requests_per_day;
  return r;
}

const Option* Profile::find_option(const std::string& id) const {
  auto it = std::find_if(options.begin(), options.end(), [&](const Option& o) { return o.id == id; });
  return it == options.end() ? nullptr : &*it;
}

double Horizon::volume_scale(int m) const {
  if (!monthly_volume_scale.empty()) {
    if (m < 0 || m >= static_cast<int>(monthly_volume_scale.size())) return monthly_volume_scale.back();
    return monthly_volume_scale[static_cast<std::size_t>(m)];
  }
  return std::pow(1.0 + growth_per_month, m);
}

}  // namespace plan
