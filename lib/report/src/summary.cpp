#include "plan/report/summary.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "plan/core/base/units.hpp"
#include "plan/report/table.hpp"

namespace plan::report {

std::vector<CheapestChange> cheapest_changes(const Sweep& s) {
  std::vector<CheapestChange> out;
  int prev = -1;  // cheapest option at the last point that had one
  std::size_t prev_i = 0;
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const int now = s.points[i].cheapest;
    if (now < 0) continue;
    if (prev >= 0 && now != prev) {
      const std::string& from = s.ids[static_cast<std::size_t>(prev)];
      const std::string& to = s.ids[static_cast<std::size_t>(now)];
      const double lo = s.points[prev_i].tokens_per_day, hi = s.points[i].tokens_per_day;
      CheapestChange c{hi, from, to, false};
      // The last crossover of the pair in (lo, hi] after which `to` is the cheaper one.
      for (const auto& x : s.crossovers) {
        const bool pair = (x.a == from && x.b == to) || (x.a == to && x.b == from);
        if (pair && x.tokens_per_day > lo && x.tokens_per_day <= hi && x.cheaper_above == to) {
          c.tokens_per_day = x.tokens_per_day;
          c.at_crossover = true;
        }
      }
      out.push_back(c);
    }
    prev = now;
    prev_i = i;
  }
  return out;
}

std::string volume_per_day_text(double tokens_per_day, std::optional<double> tokens_per_request) {
  std::string out = human_volume(tokens_per_day) + " tokens/day";
  if (tokens_per_request && *tokens_per_request > 0)
    out += " (" + human_volume(tokens_per_day / *tokens_per_request) + " requests/day)";
  return out;
}

namespace {

std::string percent(double x) { return fixed(x * 100, 1) + "%"; }

const OptionProjection* find(const Projection& p, const std::string& id) {
  for (const auto& o : p.options)
    if (o.id == id) return &o;
  return nullptr;
}

std::string plan_kind(const Plan& p) {
  if (p.result) return to_string(p.result->kind);
  return p.id == "split" ? "split" : "hybrid";
}

// The sentences of "what would change the answer".
std::vector<std::string> changes(const ExecutiveSummary& sum, const Recommendation& r, const Sweep* sweep,
                                 const Projection* projection, const RiskResult* risk,
                                 std::optional<double> tokens_per_request) {
  std::vector<std::string> out;
  const double today = projection ? projection->tokens_per_day_today : r.compare.monthly_tokens / days_per_month;
  if (sweep && today > 0) {
    const auto xs = cheapest_changes(*sweep);
    const CheapestChange* nearest = nullptr;
    for (const auto& x : xs)
      if (!nearest || std::fabs(std::log(x.tokens_per_day / today)) < std::fabs(std::log(nearest->tokens_per_day / today)))
        nearest = &x;
    const double lo = sweep->points.empty() ? 0 : sweep->points.front().tokens_per_day;
    const double hi = sweep->points.empty() ? 0 : sweep->points.back().tokens_per_day;
    if (nearest) {
      const bool above = nearest->tokens_per_day > today;
      out.push_back(fmt::format("Volume: if the daily volume {} {}, {}x today's, the cheapest of the profile's options "
                                "changes from {} to {}{}.",
                                above ? "rises above" : "falls below",
                                volume_per_day_text(nearest->tokens_per_day, tokens_per_request),
                                fmt::format("{:.3g}", nearest->tokens_per_day / today), above ? nearest->from : nearest->to,
                                above ? nearest->to : nearest->from,
                                nearest->at_crossover ? "" : " (where one of them stops or starts being feasible)"));
    }
    else if (!sweep->points.empty())
      out.push_back(fmt::format("Volume: the cheapest of the profile's options is the same from {} to {}.",
                                volume_per_day_text(lo, tokens_per_request), volume_per_day_text(hi, tokens_per_request)));
    // Growth over the horizon: the changes between today's volume and the horizon end's.
    if (projection && !projection->options.empty() && !projection->options.front().months.empty()) {
      const auto& last = projection->options.front().months.back();
      const double end = today * last.volume_scale;
      if (std::fabs(last.volume_scale - 1) > 1e-9) {
        std::vector<const CheapestChange*> within;
        for (const auto& x : xs)
          if (x.tokens_per_day > std::min(today, end) && x.tokens_per_day <= std::max(today, end)) within.push_back(&x);
        if (within.empty())
          out.push_back(fmt::format("Growth: volume reaches {} by {}; the cheapest option does not change on the way.",
                                    volume_per_day_text(end, tokens_per_request), last.month));
        else
          out.push_back(fmt::format("Growth: volume reaches {} by {}; on the way the cheapest option changes {} time{}, "
                                    "first from {} to {} at {}.",
                                    volume_per_day_text(end, tokens_per_request), last.month, within.size(),
                                    within.size() == 1 ? "" : "s", within.front()->from, within.front()->to,
                                    volume_per_day_text(within.front()->tokens_per_day, tokens_per_request)));
      } else {
        const CheapestChange* up = nullptr;
        for (const auto& x : xs)
          if (!up && x.tokens_per_day > today) up = &x;
        out.push_back(up ? fmt::format("Growth: the profile's volume does not grow over the horizon; growth to {} would "
                                       "make {} the cheapest.",
                                       volume_per_day_text(up->tokens_per_day, tokens_per_request), up->to)
                         : fmt::format("Growth: the profile's volume does not grow over the horizon, and no growth up to "
                                       "the top of the volumes swept, {}, changes the cheapest option.",
                                       volume_per_day_text(hi, tokens_per_request)));
      }
    }
  }
  if (sum.runner_up && sum.monthly_cost_usd > 0 && sum.runner_up_monthly_cost_usd > 0) {
    const double gap = sum.runner_up_monthly_cost_usd - sum.monthly_cost_usd;
    out.push_back(fmt::format("Prices: the runner-up {} costs {} USD/month more ({} USD against {} USD); a rise of {} "
                              "in {}'s monthly cost, or a fall of {} in {}'s, makes {} the cheaper.",
                              *sum.runner_up, usd(gap), usd(sum.runner_up_monthly_cost_usd), usd(sum.monthly_cost_usd),
                              percent(gap / sum.monthly_cost_usd), sum.option,
                              percent(gap / sum.runner_up_monthly_cost_usd), *sum.runner_up, *sum.runner_up));
  }
  if (risk && risk->recommended) {
    for (const auto& o : risk->options) {
      if (o.id != *risk->recommended) continue;
      std::string s = fmt::format("Uncertainty: over {} draws of the profile's uncertain inputs, {} is the cheapest "
                                  "over the horizon in {} of them",
                                  risk->draws, o.id, percent(o.probability_cheapest));
      if (!risk->tornado.empty() && risk->runner_up)
        s += fmt::format("; its margin over {} swings most with {} ({} USD with it at its p10, {} USD at its p90)",
                         *risk->runner_up,
                         risk->tornado.front().input, usd(risk->tornado.front().low_usd),
                         usd(risk->tornado.front().high_usd));
      out.push_back(s + ".");
    }
  }
  return out;
}

}  // namespace

ExecutiveSummary executive_summary(const Recommendation& r, const Sweep* sweep, const Projection* projection,
                                   const RiskResult* risk, std::optional<double> tokens_per_request) {
  ExecutiveSummary sum;
  if (!r.best) return sum;
  const Plan& best = r.plans[*r.best];
  sum.any_feasible = true;
  sum.option = best.id;
  sum.kind = plan_kind(best);
  sum.description = best.description;
  sum.monthly_cost_usd = best.monthly_cost_usd;
  if (r.runner_up) {
    sum.runner_up = r.plans[*r.runner_up].id;
    sum.runner_up_monthly_cost_usd = r.plans[*r.runner_up].monthly_cost_usd;
  }
  if (projection) {
    if (const OptionProjection* o = find(*projection, best.id); o && !o->months.empty()) {
      sum.projected = true;
      sum.start = projection->start;
      sum.months = projection->months;
      sum.month1_usd = o->months.front().total;
      sum.month1_feasible = o->months.front().feasible;
      sum.horizon_total_usd = o->total;
      sum.horizon_feasible = o->feasible;
      sum.baseline = projection->baseline;
      sum.payback = o->payback;
      for (const auto& a : projection->options) {
        if (a.id == o->id) continue;
        sum.alternatives.push_back({a.id, a.feasible, a.total, a.total - o->total});
      }
    }
  }
  sum.changes = changes(sum, r, sweep, projection, risk, tokens_per_request);
  return sum;
}

}  // namespace plan::report
