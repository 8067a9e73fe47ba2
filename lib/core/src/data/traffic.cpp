#include "plan/core/data/traffic.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "plan/core/base/units.hpp"

namespace plan {
namespace {
// A fleet's capacity comes from a bisection to 1e-7 relative: comparisons against it allow
// a little more, so traffic sized exactly at a fleet's capacity still fits it.
constexpr double capacity_tolerance = 1e-6;
}  // namespace

std::optional<int> checked_count(double need) {
  if (!std::isfinite(need) || need > max_fleet_count) return std::nullopt;
  if (need <= 0) return 0;
  return static_cast<int>(std::ceil(need * (1.0 - 1e-12)));
}

std::optional<std::string> model_exclusion(const Workload& w, const std::string& model, const std::string& who) {
  if (w.models.empty() || std::find(w.models.begin(), w.models.end(), model) != w.models.end()) return std::nullopt;
  return fmt::format("workload '{}' accepts models {}; {} serves {}", w.id, fmt::join(w.models, ", "), who,
                     model.empty() ? std::string("an unknown model") : model);
}

std::vector<Lane> lanes_of(const std::vector<Workload>& workloads, double scale) {
  std::vector<Lane> lanes;
  lanes.reserve(workloads.size());
  for (const auto& w : workloads) {
    Lane l;
    l.w = &w;
    const double interactive_per_s = w.requests_per_day * scale * (1.0 - w.batchable_share) / seconds_per_day;
    for (std::size_t h = 0; h < 24; ++h) {
      l.mean_rps[h] = interactive_per_s * w.traffic.weight[h];
      l.sizing_rps[h] = w.traffic.peak_to_average ? interactive_per_s * *w.traffic.peak_to_average : l.mean_rps[h];
    }
    l.interactive_per_day = w.requests_per_day * scale * (1.0 - w.batchable_share);
    l.batch_per_day = w.requests_per_day * scale * w.batchable_share;
    lanes.push_back(l);
  }
  return lanes;
}

double private_capacity_needed(const std::vector<Lane>& lanes) {
  double peak = 0, interactive_per_day = 0, batch = 0;
  for (std::size_t h = 0; h < 24; ++h) {
    double r = 0;
    for (const auto& l : lanes)
      if (l.private_only) r += l.sizing_rps[h];
    peak = std::max(peak, r);
    interactive_per_day += r * seconds_per_hour;
  }
  for (const auto& l : lanes)
    if (l.private_only) batch += l.batch_per_day;
  // Idle capacity over the day is 86400 C - sum of the hourly interactive requests; the
  // batch requests must fit in it.
  return std::max(peak, (batch + interactive_per_day) / seconds_per_day);
}

Split split_traffic(const std::vector<Lane>& lanes, double capacity_rps, bool batch_fills_idle) {
  const std::size_t n = lanes.size();
  Split s;
  s.capacity_rps = capacity_rps;
  s.lanes.assign(n, LaneSplit{});
  const double cap = capacity_rps * (1.0 + capacity_tolerance);
  std::array<double, 24> restricted{}, open{}, open_private{};
  for (std::size_t h = 0; h < 24; ++h) {
    for (const auto& l : lanes) (l.private_only ? restricted[h] : open[h]) += l.sizing_rps[h];
    if (restricted[h] > cap && s.fits) {
      s.fits = false;
      s.why_not = fmt::format("private-only traffic of {:.4g} requests/s in hour {} exceeds the fleet's {:.4g}",
                              restricted[h], h, capacity_rps);
    }
    open_private[h] = std::min(open[h], std::max(0.0, capacity_rps - restricted[h]));
  }
  // Batch requests that must stay private go into the capacity left after interactive
  // traffic; when that is short, they displace open interactive traffic to the overflow.
  double restricted_batch = 0, open_batch = 0, room_all = 0, idle = 0;
  for (const auto& l : lanes) (l.private_only ? restricted_batch : open_batch) += l.batch_per_day;
  for (std::size_t h = 0; h < 24; ++h) {
    room_all += std::max(0.0, cap - restricted[h]) * seconds_per_hour;
    idle += std::max(0.0, capacity_rps - restricted[h] - open_private[h]) * seconds_per_hour;
  }
  if (restricted_batch > room_all * (1.0 + 1e-12) && s.fits) {
    s.fits = false;
    s.why_not = fmt::format("{:.4g} private-only batch requests a day exceed the fleet's idle capacity of {:.4g}",
                            restricted_batch, room_all);
  }
  if (restricted_batch > idle) {
    const double open_day = [&] {
      double t = 0;
      for (std::size_t h = 0; h < 24; ++h) t += open_private[h] * seconds_per_hour;
      return t;
    }();
    const double keep = open_day > 0 ? std::max(0.0, 1.0 - (restricted_batch - idle) / open_day) : 0.0;
    for (auto& x : open_private) x *= keep;
    idle = restricted_batch;
  }
  const double open_batch_private =
      batch_fills_idle ? std::min(open_batch, std::max(0.0, idle - restricted_batch)) : 0.0;
  const double open_batch_share = open_batch > 0 ? open_batch_private / open_batch : 0.0;

  std::array<double, 24> free{};
  double free_total = 0;
  for (std::size_t h = 0; h < 24; ++h) {
    free[h] = std::max(0.0, capacity_rps - restricted[h] - open_private[h]);
    free_total += free[h];
  }
  const double batch_private = std::min(restricted_batch, room_all) + open_batch_private;
  for (std::size_t h = 0; h < 24; ++h) {
    const double share = open[h] > 0 ? open_private[h] / open[h] : 0.0;
    const double batch_rps = free_total > 0 ? batch_private / seconds_per_hour * free[h] / free_total : 0.0;
    s.private_sizing_rps[h] = restricted[h] + open_private[h] + batch_rps;
    for (std::size_t i = 0; i < n; ++i) {
      const Lane& l = lanes[i];
      LaneSplit& ls = s.lanes[i];
      const double requests = l.mean_rps[h] * seconds_per_hour;
      if (l.private_only) {
        ls.private_interactive += requests;
      } else {
        ls.private_interactive += requests * share;
        ls.overflow_interactive += requests * (1.0 - share);
        ls.overflow_sizing_rps[h] = l.sizing_rps[h] * (1.0 - share);
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Lane& l = lanes[i];
    LaneSplit& ls = s.lanes[i];
    if (l.private_only) {
      ls.private_batch = l.batch_per_day;
    } else {
      ls.private_batch = l.batch_per_day * open_batch_share;
      ls.overflow_batch = l.batch_per_day - ls.private_batch;
    }
    s.private_requests_per_day += ls.private_interactive + ls.private_batch;
  }
  return s;
}

}  // namespace plan
