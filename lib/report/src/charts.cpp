#include "plan/report/charts.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "plan/core/options/cost.hpp"
#include "plan/core/base/units.hpp"
#include "plan/report/summary.hpp"
#include "plan/report/svg.hpp"
#include "plan/report/table.hpp"

namespace plan::report {

std::string cost_vs_volume_svg(const Sweep& s, double today, double projected) {
  LineChart c;
  c.title = "Monthly cost against daily volume";
  c.x_label = "volume, tokens/day (log scale)";
  c.y_label = "cost, USD/month (log scale)";
  c.log_x = true;
  c.log_y = true;
  for (std::size_t i = 0; i < s.ids.size(); ++i) {
    Series ser{s.ids[i], {}, {}};
    for (const auto& pt : s.points) {
      double y = pt.feasible[i] ? pt.monthly_usd[i] : NAN;
      ser.points.emplace_back(pt.tokens_per_day, y);
    }
    c.series.push_back(std::move(ser));
  }
  c.markers.push_back({today, "today " + human(today) + "/day"});
  if (projected > 0 && std::fabs(projected / today - 1) > 0.05)
    c.markers.push_back({projected, "horizon end " + human(projected) + "/day"});
  // The volumes where the cheapest option changes, numbered in volume order as in the
  // report's table.
  const auto changes = cheapest_changes(s);
  for (std::size_t i = 0; i < changes.size(); ++i)
    c.markers.push_back({changes[i].tokens_per_day, fmt::format("X{}", i + 1)});
  return render_svg(c);
}

std::string cumulative_tco_svg(const Projection& p) {
  LineChart c;
  c.title = fmt::format("Cumulative cost over {} months from {}", p.months, p.start);
  c.x_label = "month of the horizon (1 = " + p.start + ")";
  c.y_label = "cumulative cost, USD";
  c.y_min = 0;
  for (const auto& o : p.options) {
    Series ser{o.id, {}, {}};
    for (const auto& m : o.months) ser.points.emplace_back(m.index + 1, m.feasible ? m.cumulative : NAN);
    c.series.push_back(std::move(ser));
  }
  return render_svg(c);
}

std::string hourly_capacity_svg(const Profile& p, const std::vector<const OptionResult*>& fleets) {
  BarChart c;
  c.title = "Hourly demand against private capacity";
  c.x_label = "hour of day (UTC)";
  c.y_label = "tokens/s (input + output)";
  const PerDay tokens = [](const Workload& w) { return w.tokens_per_day(); };
  const auto demand = hourly_rate_per_s(p.workloads, tokens, false);
  c.part_names = {"average demand in the hour"};
  c.parts = {std::vector<double>(demand.begin(), demand.end())};
  for (int h = 0; h < 24; ++h) c.categories.push_back(std::to_string(h));
  bool flat_factor = false;
  for (const auto& w : p.workloads) flat_factor = flat_factor || (!w.traffic.hourly_given && w.traffic.peak_to_average);
  if (flat_factor) {
    double mean = 0;
    for (double d : demand) mean += d / 24;
    c.lines.push_back({fmt::format("average {:.0f} tokens/s", mean), mean});
    const double peak = peak_rate_per_s(p.workloads, tokens);
    c.lines.push_back({fmt::format("peak (flat peak factor) {:.0f} tokens/s", peak), peak});
  }
  const double tokens_per_request = WorkloadMix::of(p.workloads).tokens_per_request();
  for (const OptionResult* o : fleets) {
    if (const auto f = fleet_capacity(*o, tokens_per_request))
      c.lines.push_back({fmt::format("{}: {} replicas, {:.0f} tokens/s", o->id, f->replicas, f->tokens_per_s),
                         f->tokens_per_s});
  }
  return render_svg(c);
}

std::string latency_svg(const Profile& p, const CompareResult& cr, bool ttft) {
  BarChart c;
  c.title = ttft ? "Time to first token at peak (p95)" : "Time per output token at peak";
  c.x_label = "self-hosted option";
  c.y_label = ttft ? "TTFT p95, ms" : "TPOT, ms";
  c.part_names = {ttft ? "TTFT p95 at peak" : "TPOT at peak"};
  std::vector<double> v;
  for (const auto& o : cr.options) {
    const SelfHostedDetail* f = fleet_detail(o);
    if (!o.feasible || !f || !f->latency_at_peak) continue;
    c.categories.push_back(o.id);
    v.push_back(ttft ? f->latency_at_peak->ttft_p95_ms : f->latency_at_peak->tpot_ms);
  }
  c.parts = {v};
  auto mix = WorkloadMix::of(p.workloads);
  auto target = ttft ? mix.ttft_p95_ms : mix.tpot_ms;
  if (target) c.lines.push_back({fmt::format("target {:.0f} ms", *target), *target});
  return render_svg(c);
}

std::string search_pareto_svg(const Profile& p, const SearchResult& r) {
  LineChart c;
  c.title = fmt::format("Option {}: cost against speed per user, every feasible point", r.option_id);
  c.x_label = "tokens/s per user (1000 / TPOT at peak)";
  c.y_label = "USD per 1M tokens";
  c.y_min = 0;
  Series all;
  all.name = fmt::format("feasible points ({})", r.ranked.size());
  all.scatter = true;
  for (const auto& pt : r.ranked)
    if (pt.tokens_per_s_per_user && pt.usd_per_mtok > 0) all.points.emplace_back(*pt.tokens_per_s_per_user, pt.usd_per_mtok);
  Series front;
  front.name = "Pareto front (no point both cheaper and faster)";
  for (const SearchPoint* pt : pareto_front(r.ranked))
    if (pt->usd_per_mtok > 0) front.points.emplace_back(*pt->tokens_per_s_per_user, pt->usd_per_mtok);
  // The TPOT target as a vertical series (not a marker: the axis then reaches it even when
  // every point decodes faster), from 0 to the dearest point.
  double top = 0;
  for (const auto& [x, y] : all.points) top = std::max(top, y);
  c.series = {std::move(all), std::move(front)};
  const auto mix = WorkloadMix::of(p.workloads);
  if (mix.tpot_ms && top > 0) {
    Series target;
    target.name = fmt::format("TPOT target {:.0f} ms ({:.1f} tokens/s per user)", *mix.tpot_ms, 1e3 / *mix.tpot_ms);
    target.points = {{1e3 / *mix.tpot_ms, 0.0}, {1e3 / *mix.tpot_ms, top}};
    c.series.push_back(std::move(target));
  }
  return render_svg(c);
}

}  // namespace plan::report
