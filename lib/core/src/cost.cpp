#include "plan/core/cost.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "plan/core/traffic.hpp"
#include "plan/core/units.hpp"

namespace plan {

TokenCost& TokenCost::operator+=(const TokenCost& o) {
  input += o.input;
  cached_input += o.cached_input;
  cache_write += o.cache_write;
  output += o.output;
  batch_input += o.batch_input;
  batch_output += o.batch_output;
  return *this;
}

TokenCost token_cost(const Workload& w, const TokenPrices& p, double scale) {
  const double requests = w.requests_per_day * scale;
  return token_cost(w, p, requests * (1.0 - w.batchable_share), requests * w.batchable_share);
}

TokenCost token_cost(const Workload& w, const TokenPrices& p, double interactive_per_day, double batch_per_day) {
  TokenCost c;
  const bool has_batch = p.batch_input_per_mtok.has_value() && p.batch_output_per_mtok.has_value();
  const double interactive = (has_batch ? interactive_per_day : interactive_per_day + batch_per_day) * days_per_month;
  const double batch = has_batch ? batch_per_day * days_per_month : 0.0;

  const double in_tok = interactive * w.input_tokens;
  const double cached = in_tok * w.cached_input_share;
  const double written = in_tok * w.cache_write_share;
  const double plain = in_tok - cached - written;
  c.input = plain * p.input_per_mtok / tokens_per_mtok;
  c.cached_input = cached * p.cached_input_per_mtok.value_or(p.input_per_mtok) / tokens_per_mtok;
  c.cache_write = written * p.cache_write_per_mtok.value_or(p.input_per_mtok) / tokens_per_mtok;
  c.output = interactive * w.output_tokens * p.output_per_mtok / tokens_per_mtok;
  if (has_batch) {
    c.batch_input = batch * w.input_tokens * *p.batch_input_per_mtok / tokens_per_mtok;
    c.batch_output = batch * w.output_tokens * *p.batch_output_per_mtok / tokens_per_mtok;
  }
  return c;
}

std::array<double, 24> hourly_rate_per_s(const std::vector<Workload>& ws, const PerDay& q, bool peak) {
  std::array<double, 24> r{};
  for (const auto& w : ws) {
    const double per_s = q(w) / seconds_per_day;
    for (size_t h = 0; h < 24; ++h) {
      double weight = w.traffic.weight[h];
      if (peak && w.traffic.peak_to_average) weight = *w.traffic.peak_to_average;
      r[h] += per_s * weight;
    }
  }
  return r;
}

double peak_rate_per_s(const std::vector<Workload>& ws, const PerDay& q) {
  auto r = hourly_rate_per_s(ws, q, true);
  return *std::max_element(r.begin(), r.end());
}

RateCheck check_rate_limits(const std::vector<const Workload*>& ws, const std::vector<std::array<double, 24>>& rps,
                            const RateLimit& limit) {
  RateCheck rc;
  rc.tier = limit.tier;
  for (std::size_t h = 0; h < 24; ++h) {
    double rq = 0, in = 0, out = 0;
    for (std::size_t i = 0; i < ws.size(); ++i) {
      rq += rps[i][h];
      in += rps[i][h] * ws[i]->input_tokens;
      out += rps[i][h] * ws[i]->output_tokens;
    }
    rc.peak_requests_per_min = std::max(rc.peak_requests_per_min, 60.0 * rq);
    rc.peak_input_tokens_per_min = std::max(rc.peak_input_tokens_per_min, 60.0 * in);
    rc.peak_output_tokens_per_min = std::max(rc.peak_output_tokens_per_min, 60.0 * out);
    rc.peak_tokens_per_min = std::max(rc.peak_tokens_per_min, 60.0 * (in + out));
  }
  auto check = [&](const std::optional<double>& lim, double need, const char* what) {
    if (lim && need > *lim * (1.0 + 1e-9)) {
      rc.exceeded.push_back(fmt::format("peak {} {:.0f}/min exceeds the {} limit of {:.0f}/min", what, need,
                                        limit.tier, *lim));
    }
  };
  check(limit.requests_per_min, rc.peak_requests_per_min, "requests");
  check(limit.tokens_per_min, rc.peak_tokens_per_min, "tokens");
  check(limit.input_tokens_per_min, rc.peak_input_tokens_per_min, "input tokens");
  check(limit.output_tokens_per_min, rc.peak_output_tokens_per_min, "output tokens");
  return rc;
}

RateCheck check_rate_limits(const std::vector<Workload>& ws, const RateLimit& limit, double scale) {
  std::vector<const Workload*> ptrs;
  std::vector<std::array<double, 24>> rps;
  for (const auto& l : lanes_of(ws, scale)) {
    ptrs.push_back(l.w);
    rps.push_back(l.sizing_rps);
  }
  return check_rate_limits(ptrs, rps, limit);
}

ProvisionedCost provisioned_cost(const std::vector<Workload>& ws, const Provisioned& p,
                                 const ProvisionedTerm& term, double scale) {
  ProvisionedCost c;
  c.peak_input_tokens_per_min =
      60.0 * peak_rate_per_s(ws, [scale](const Workload& w) { return w.requests_per_day * scale * w.input_tokens; });
  c.peak_output_tokens_per_min =
      60.0 * peak_rate_per_s(ws, [scale](const Workload& w) { return w.requests_per_day * scale * w.output_tokens; });
  double need = 0;
  if (p.input_tokens_per_min_per_unit) need = c.peak_input_tokens_per_min / *p.input_tokens_per_min_per_unit;
  if (p.output_tokens_per_min_per_unit)
    need = std::max(need, c.peak_output_tokens_per_min / *p.output_tokens_per_min_per_unit);
  c.units_needed = need;
  // A provisioned endpoint has at least one unit; a need beyond any fleet leaves 0.
  const auto units = checked_count(need);
  c.units = units ? std::max(1, *units) : 0;
  c.usd_per_month = c.units * term.usd_per_unit_hour * hours_per_month;
  return c;
}

std::optional<double> instance_usd_per_hour(const GpuInstance& inst, PricingTerm term) {
  switch (term) {
    case PricingTerm::on_demand: return inst.on_demand_per_hour;
    case PricingTerm::reserved_1y: return inst.reserved_1y_per_hour;
    case PricingTerm::reserved_3y: return inst.reserved_3y_per_hour;
    case PricingTerm::spot: return inst.spot_per_hour;
  }
  return std::nullopt;
}

}  // namespace plan
