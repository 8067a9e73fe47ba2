#include "plan/core/profile.hpp"

#include <algorithm>
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

}  // namespace plan
