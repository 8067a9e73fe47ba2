#include "plan/core/options/cost.hpp"

#include "options/evaluators.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "plan/core/data/traffic.hpp"
#include "plan/core/base/units.hpp"

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

  // Cache writes are billed at the price of the workload's TTL; without a 1-hour price the
  // 5-minute one applies (the token path notes it), without either the input price.
  const double read_price = p.cached_input_per_mtok.value_or(p.input_per_mtok);
  const double write_5m = p.cache_write_per_mtok.value_or(p.input_per_mtok);
  const double write_price = w.cache_write_1h ? p.cache_write_1h_per_mtok.value_or(write_5m) : write_5m;

  const double in_tok = interactive * w.input_tokens;
  const double cached = in_tok * w.cached_input_share;
  const double written = in_tok * w.cache_write_share;
  const double plain = in_tok - cached - written;
  c.input = plain * p.input_per_mtok / tokens_per_mtok;
  c.cached_input = cached * read_price / tokens_per_mtok;
  c.cache_write = written * write_price / tokens_per_mtok;
  c.output = interactive * w.output_tokens * p.output_per_mtok / tokens_per_mtok;
  if (has_batch) {
    const double batch_in = batch * w.input_tokens;
    if (p.batch_with_cache && p.input_per_mtok > 0) {
      // The batch discount applies on top of the cache prices: each input line x batch/list.
      const double ratio = *p.batch_input_per_mtok / p.input_per_mtok;
      const double b_cached = batch_in * w.cached_input_share;
      const double b_written = batch_in * w.cache_write_share;
      const double b_plain = batch_in - b_cached - b_written;
      c.batch_input = (b_plain * *p.batch_input_per_mtok + b_cached * read_price * ratio +
                       b_written * write_price * ratio) / tokens_per_mtok;
    } else {
      c.batch_input = batch_in * *p.batch_input_per_mtok / tokens_per_mtok;
    }
    c.batch_output = batch * w.output_tokens * *p.batch_output_per_mtok / tokens_per_mtok;
  }
  return c;
}

std::optional<AppliedDiscount> discount_for(const Profile& p, const Option& o, const std::string& provider) {
  if (o.discount) return AppliedDiscount{*o.discount, o.loc_of("discount")};
  for (const auto& d : p.discounts)
    if (d.provider == provider) return AppliedDiscount{d.fraction, d.loc};
  return std::nullopt;
}

std::string cite_price(const std::string& citation, const std::optional<AppliedDiscount>& d) {
  if (!d) return citation;
  return fmt::format("list price at {}, less {:g}% from profile line {} ({})", citation, d->fraction * 100.0,
                     d->loc.line, d->loc.file);
}

double price_factor(const std::optional<AppliedDiscount>& d) { return d ? 1.0 - d->fraction : 1.0; }

TokenCost scaled(const TokenCost& c, double factor) {
  TokenCost s = c;
  s.input *= factor;
  s.cached_input *= factor;
  s.cache_write *= factor;
  s.output *= factor;
  s.batch_input *= factor;
  s.batch_output *= factor;
  return s;
}

std::optional<YearMonth> horizon_start(const Profile& p, const PriceSheet& sheet) {
  if (p.horizon.start) return p.horizon.start;
  if (sheet.today) return sheet.today->year_month();
  if (auto effective = Date::parse(sheet.effective_date)) return effective->year_month();
  return std::nullopt;
}

std::optional<int> retirement_month(const std::optional<std::string>& retires, YearMonth start, int months) {
  const auto day = retires ? Date::parse(*retires) : std::nullopt;
  if (!day) return std::nullopt;
  const int k = day->year_month().months_since(start) + 1;
  if (k < 1 || k > months) return std::nullopt;
  return k;
}

bool retires_within_horizon(const std::optional<std::string>& retires, const Profile& p, const PriceSheet& sheet) {
  const auto start = horizon_start(p, sheet);
  return start && retirement_month(retires, *start, p.horizon.months);
}

std::optional<std::string> retirement_finding(const std::string& id, const std::optional<std::string>& retires,
                                              const Profile& p, const PriceSheet& sheet,
                                              const std::string& successor_cost) {
  const auto start = horizon_start(p, sheet);
  if (!start) return std::nullopt;
  const auto k = retirement_month(retires, *start, p.horizon.months);
  if (!k) return std::nullopt;
  std::string out = fmt::format("{} retires on {}: month {} ({}) of the {}-month horizon from {}; plan a migration "
                                "before then",
                                id, *retires, *k, retires->substr(0, 7), p.horizon.months, start->str());
  if (!successor_cost.empty()) out += "; " + successor_cost;
  return out;
}

std::optional<std::string> retired_reason(const std::string& id, const std::optional<std::string>& retires,
                                          const PriceSheet& sheet, int line,
                                          const std::optional<std::string>& successor) {
  if (!retires || *retires > sheet.effective_date) return std::nullopt;
  std::string out = fmt::format("{} was retired on {} ({}), before price sheet {} (effective {}); it is no longer offered",
                                id, *retires, sheet.cite(line), sheet.version, sheet.effective_date);
  if (successor) {
    int succ_line = 0;
    if (const ApiModel* a = sheet.find_api(*successor)) succ_line = a->line;
    else if (const ManagedOffering* m = sheet.find_managed(*successor)) succ_line = m->line;
    out += fmt::format("; its successor is {} ({})", *successor, sheet.cite(succ_line));
  }
  return out;
}

std::optional<SuccessorSwitch> successor_switch(const Option& o, const PriceSheet& sheet, YearMonth start, int months) {
  const auto entry = std::visit([&](const auto& k) { return detail::token_entry(k, sheet); }, o.spec);
  if (!entry || !entry->on_demand) return std::nullopt;
  const std::string& id = entry->id;
  const std::optional<std::string>& retires = entry->retires;
  const std::optional<std::string>& successor = entry->successor;
  SuccessorSwitch sw{o, 0, ""};
  if (successor) std::visit([&](auto& k) { detail::bill_by(k, *successor); }, sw.option.spec);
  if (!successor) return std::nullopt;
  const auto k = retirement_month(retires, start, months);
  if (!k) return std::nullopt;
  int line = 0;
  if (const ApiModel* a = sheet.find_api(*successor)) line = a->line;
  else if (const ManagedOffering* m = sheet.find_managed(*successor)) line = m->line;
  sw.month = *k;
  sw.note = fmt::format("{} retires on {}: from month {} ({}) the projection prices its successor {} ({}) for the "
                        "same workload",
                        id, *retires, *k, retires->substr(0, 7), *successor, sheet.cite(line));
  return sw;
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
  double in_per_min = 0, out_per_min = 0;
  for (const auto& w : ws) {
    in_per_min += w.requests_per_day * scale * w.input_tokens / minutes_per_day;
    out_per_min += w.requests_per_day * scale * w.output_tokens / minutes_per_day;
  }
  double average = 0;
  if (p.input_tokens_per_min_per_unit) average = in_per_min / *p.input_tokens_per_min_per_unit;
  if (p.output_tokens_per_min_per_unit) average = std::max(average, out_per_min / *p.output_tokens_per_min_per_unit);
  c.average_units_needed = average;
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
