#include "plan/core/finance/finance.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <memory>

#include "options/evaluators.hpp"
#include "plan/core/base/units.hpp"

namespace plan {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

long long to_cents(double usd) { return std::llround(usd * 100.0); }

// Unrounded monthly total, +inf when the cost is not defined.
double cost_of(const OptionResult& r) { return cost_defined(r) ? r.breakdown.total() : inf; }

}  // namespace

int commitment_months(const Option& o, const PriceSheet& sheet) {
  return commitment_months(o, sheet, nullptr);
}

int commitment_months(const Option& o, const PriceSheet& sheet, const Profile* profile) {
  return std::visit([&](const auto& k) { return detail::commitment_months(k, o, sheet, profile); }, o.spec);
}

const char* to_string(CostBasis b) { return b == CostBasis::cash ? "cash" : "accrual"; }

bool cost_defined(const OptionResult& r) {
  if (r.feasible) return true;
  return std::visit([&](const auto& d) { return detail::cost_defined(d, r.breakdown); }, r.detail);
}

bool capacity_priced(const Option& o) { return !o.pay_per_token(); }

// ---------------------------------------------------------------------------------------
// Projection

namespace {

// One option's month-by-month results over the horizon and the capacity each month needs
// and pays for (replicas or units; committed blocks held and paid).
struct OptionMonths {
  std::vector<OptionResult> rs;
  std::vector<int> needed;
  std::vector<int> needed_blocks;
  std::vector<int> paid_blocks;
};

detail::ProjectionTraits projection_traits(const Option& o) {
  return std::visit([](const auto& k) { return detail::projection_traits(k); }, o.spec);
}

detail::CapacityNeed capacity_need(const OptionResult& r) {
  return std::visit([](const auto& d) { return detail::capacity_need(d); }, r.detail);
}

// The option evaluated at each month's volume (its successor from the month an offering
// retires), with the replicas or units each month needs; notes a successor switch.
void evaluate_months(const Profile& p, const PriceSheet& sheet, const Option& o, const ReplicaModelProvider* perf,
                     YearMonth start, OptionProjection& op, OptionMonths& om) {
  const Horizon& h = p.horizon;
  OptionEvaluator eval(p, sheet, o, perf);
  std::vector<OptionResult>& rs = om.rs;
  rs.reserve(static_cast<std::size_t>(h.months));
  // An offering that retires within the horizon is replaced by its successor from the
  // month it retires.
  const auto sw = successor_switch(o, sheet, start, h.months);
  std::unique_ptr<OptionEvaluator> succ_eval;
  if (sw) {
    succ_eval = std::make_unique<OptionEvaluator>(p, sheet, sw->option, perf);
    op.notes.push_back(sw->note);
  }
  for (int m = 0; m < h.months; ++m) {
    rs.push_back(sw && m + 1 >= sw->month ? (*succ_eval)(h.volume_scale(m)) : eval(h.volume_scale(m)));
    const OptionResult& r = rs.back();
    om.needed.push_back(capacity_need(r).needed);
  }
}

// Committed capacity is bought in blocks (instances for self-hosted, model units for
// provisioned), each held for the term from the month it is bought: a month that needs
// more blocks than are held buys the difference, and blocks are paid until their term
// ends even if volume falls. See docs/finance.md "Commitments".
void hold_commitments(const Option& o, const Horizon& h, YearMonth start, OptionProjection& op, OptionMonths& om) {
  const int c = op.commitment_months;
  const std::vector<OptionResult>& rs = om.rs;
  std::vector<int>& needed_blocks = om.needed_blocks;
  std::vector<int>& paid_blocks = om.paid_blocks;
  needed_blocks.assign(om.needed.size(), 0);
  paid_blocks.assign(om.needed.size(), 0);
  for (std::size_t m = 0; m < rs.size(); ++m) needed_blocks[m] = capacity_need(rs[m]).blocks;
  if (c <= 0) {
    paid_blocks = needed_blocks;
    return;
  }
  std::vector<std::pair<int, int>> held;  // (first month no longer paid, blocks)
  int last_expiry = 0;
  for (int m = 0; m < h.months; ++m) {
    held.erase(std::remove_if(held.begin(), held.end(), [m](const auto& b) { return b.first <= m; }), held.end());
    int active = 0;
    for (const auto& b : held) active += b.second;
    const int need = needed_blocks[static_cast<std::size_t>(m)];
    if (need > active) {
      held.emplace_back(m + c, need - active);
      last_expiry = std::max(last_expiry, m + c);
      active = need;
    }
    paid_blocks[static_cast<std::size_t>(m)] = active;
  }
  op.notes.push_back(fmt::format("{} committed for {} months from the month each is bought; paid until the term "
                                 "ends even when volume falls",
                                 projection_traits(o).committed, c));
  if (last_expiry > h.months)
    op.notes.push_back(fmt::format("commitments run to {} ({} months beyond the horizon); those months are owed "
                                   "but not shown",
                                   start.plus(last_expiry - 1).str(), last_expiry - h.months));
}

// Month m's line before rounding: its figures, the capacity paid (committed blocks held
// beyond need are paid for), utilisation, and owned servers' service and cash capital.
MonthLine month_line(const Horizon& h, YearMonth start, CostBasis basis, int c, const OptionMonths& om, int m,
                     CostBreakdown& b) {
  const OptionResult& r = om.rs[static_cast<std::size_t>(m)];
  MonthLine line;
  line.index = m;
  line.month = start.plus(m).str();
  line.volume_scale = h.volume_scale(m);
  line.tokens = r.monthly_tokens;
  line.requests = r.monthly_requests;
  line.feasible = r.feasible && cost_defined(r);
  line.reasons = r.reasons;
  line.needed = om.needed[static_cast<std::size_t>(m)];
  line.paid = line.needed;
  b = r.breakdown;
  const detail::MonthTerms t{c, om.paid_blocks[static_cast<std::size_t>(m)],
                             om.needed_blocks[static_cast<std::size_t>(m)], m, basis};
  std::visit([&](const auto& d) { detail::price_month(d, t, line, b); }, r.detail);
  return line;
}

// The month lines: each rounded to cents, with the one-time costs in the first month, the
// running total and present value.
void add_month_lines(const Horizon& h, YearMonth start, CostBasis basis, const OptionMonths& om,
                     long long one_time_cents, OptionProjection& op) {
  long long cumulative = 0;
  for (int m = 0; m < h.months; ++m) {
    CostBreakdown b;
    MonthLine line = month_line(h, start, basis, op.commitment_months, om, m, b);
    long long cents = to_cents(line.capital);
    for (auto* v : b.fields()) {
      *v = round_cents(*v);
      cents += to_cents(*v);
    }
    line.breakdown = b;
    if (m == 0) {
      line.one_time = static_cast<double>(one_time_cents) / 100.0;
      cents += one_time_cents;
    }
    line.total = static_cast<double>(cents) / 100.0;
    cumulative += cents;
    line.cumulative = static_cast<double>(cumulative) / 100.0;
    if (h.discount_rate_per_year) {
      line.present_value = round_cents(line.total / std::pow(1.0 + *h.discount_rate_per_year, m / 12.0));
    }
    if (!line.feasible) op.feasible = false;
    op.months.push_back(std::move(line));
  }
}

// The option's totals: sums of the printed (rounded) lines, in cents.
void add_totals(const Horizon& h, long long one_time_cents, OptionProjection& op) {
  const std::size_t n_lines = CostBreakdown{}.lines().size();
  std::vector<long long> tot(n_lines, 0);
  long long pv = 0, capital = 0;
  for (const auto& line : op.months) {
    auto lines = line.breakdown.lines();
    for (std::size_t k = 0; k < n_lines; ++k) tot[k] += to_cents(lines[k].second);
    if (line.present_value) pv += to_cents(*line.present_value);
    capital += to_cents(line.capital);
  }
  auto fields = op.total_breakdown.fields();
  for (std::size_t k = 0; k < n_lines; ++k) *fields[k] = static_cast<double>(tot[k]) / 100.0;
  op.total_one_time = static_cast<double>(one_time_cents) / 100.0;
  op.total_capital = static_cast<double>(capital) / 100.0;
  op.total = op.months.empty() ? 0 : op.months.back().cumulative;
  if (h.discount_rate_per_year) op.total_present_value = static_cast<double>(pv) / 100.0;
}

// One option's projection over the horizon.
OptionProjection project_option(const Profile& p, const PriceSheet& sheet, const Option& o,
                                const ReplicaModelProvider* perf, YearMonth start, CostBasis basis) {
  const Horizon& h = p.horizon;
  OptionProjection op;
  op.id = o.id;
  op.kind = kind_label(o);
  op.commitment_months = commitment_months(o, sheet, &p);
  op.utilization_always = projection_traits(o).utilization_always;
  OptionMonths om;
  evaluate_months(p, sheet, o, perf, start, op, om);
  op.what = om.rs.empty() ? "" : om.rs.front().what;
  hold_commitments(o, h, start, op, om);
  long long one_time_cents = 0;
  for (const auto& ot : o.one_time) one_time_cents += to_cents(ot.usd);
  add_month_lines(h, start, basis, om, one_time_cents, op);
  add_totals(h, one_time_cents, op);
  return op;
}

// Each option's monthly and cumulative savings against the baseline (not computed against
// or for an infeasible month), and its payback.
void add_savings(Projection& out) {
  const OptionProjection* base = nullptr;
  for (const auto& op : out.options) {
    if (op.id == out.baseline) base = &op;
  }
  for (auto& op : out.options) {
    long long cum = 0;
    bool computed = true;
    for (std::size_t m = 0; m < op.months.size(); ++m) {
      MonthLine& line = op.months[m];
      if (!line.feasible || !base->months[m].feasible) {
        computed = false;  // savings of or against an infeasible option: not computed
        continue;
      }
      const long long s = to_cents(base->months[m].total) - to_cents(line.total);
      line.savings_vs_baseline = static_cast<double>(s) / 100.0;
      cum += s;
      if (computed) line.cumulative_savings = static_cast<double>(cum) / 100.0;
    }
    if (op.id != base->id) op.payback = payback(op, *base);
  }
}

}  // namespace

Projection project(const Profile& p, const PriceSheet& sheet, const ReplicaModelProvider* perf,
                   const std::string& baseline, CostBasis basis) {
  Projection out;
  out.basis = basis;
  out.profile_name = p.name;
  out.price_sheet_version = sheet.version;
  const Horizon& h = p.horizon;
  out.months = h.months;
  out.discount_rate_per_year = h.discount_rate_per_year;
  out.tokens_per_day_today = p.tokens_per_day();
  // Without a start month: the current month (the sheet's "today", which --today or
  // PLAN_TODAY pins), else the month of the sheet's effective date.
  const auto start = horizon_start(p, sheet);
  if (!start)
    throw Error(h.loc, fmt::format("projection start '{}' is not a month (expected horizon start: YYYY-MM, or a "
                                   "date YYYY-MM-DD for today)",
                                   sheet.effective_date.substr(0, std::min<std::size_t>(7, sheet.effective_date.size()))));
  out.start = start->str();
  out.baseline = baseline.empty() ? p.options.front().id : baseline;
  if (!p.find_option(out.baseline)) {
    std::vector<std::string> ids;
    for (const auto& o : p.options) ids.push_back(o.id);
    throw Error(fmt::format("unknown baseline option '{}' (expected one of: {})", out.baseline, fmt::join(ids, ", ")),
                ExitCode::usage_error);
  }

  for (const auto& o : p.options) out.options.push_back(project_option(p, sheet, o, perf, *start, basis));
  add_savings(out);
  if (auto age = sheet_age_finding(sheet)) out.notes.push_back(*age);
  return out;
}

Payback payback(const OptionProjection& a, const OptionProjection& b) {
  Payback out;
  const std::size_t n = std::min(a.months.size(), b.months.size());
  auto month_text = [&](std::size_t m) { return fmt::format("month {} ({})", m + 1, a.months[m].month); };
  for (std::size_t m = 0; m < n; ++m) {
    const bool a_ok = a.months[m].feasible, b_ok = b.months[m].feasible;
    if (a_ok && b_ok) continue;
    out.infeasible_month = static_cast<int>(m) + 1;
    out.infeasible_option = a_ok ? b.id : a.id;
    out.why_none = fmt::format("{} is infeasible in {}, and savings of or against an infeasible option are not "
                               "computed",
                               out.infeasible_option, month_text(m));
    return out;
  }
  if (n == 0) {
    out.why_none = "the horizon has no months";
    return out;
  }
  long long cum = 0;
  std::optional<std::size_t> last_negative;  // last month whose cumulative savings are < 0
  for (std::size_t m = 0; m < n; ++m) {
    const long long before = cum;
    cum += to_cents(b.months[m].total) - to_cents(a.months[m].total);
    if (cum < 0) {
      last_negative = m;
      if (m > 0 && before >= 0) {
        out.negative_again_month = static_cast<int>(m) + 1;
        out.negative_again_label = a.months[m].month;
      }
    }
  }
  out.final_savings_usd = static_cast<double>(cum) / 100.0;
  if (!last_negative) {
    out.month = 1;
  } else if (*last_negative + 1 < n) {
    out.month = static_cast<int>(*last_negative) + 2;
  }
  if (out.month) {
    out.label = a.months[static_cast<std::size_t>(*out.month - 1)].month;
  } else if (out.negative_again_month) {
    out.why_none = fmt::format("the cumulative savings turn negative again in {} and stay below zero to the end",
                               month_text(static_cast<std::size_t>(*out.negative_again_month - 1)));
  } else {
    out.why_none = "the cumulative savings stay below zero to the end";
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Floors, break-even

std::optional<double> floor_cost_per_mtok(const OptionEvaluator& e, double tokens_per_day_today) {
  if (tokens_per_day_today <= 0) return std::nullopt;
  return std::visit([&](const auto& k) { return detail::floor_cost_per_mtok(k, e, tokens_per_day_today); },
                    e.option().spec);
}

namespace {

// The break-even search's grid: n log-spaced daily volumes over the range, scaled from today's.
struct VolumeGrid {
  int n = 2;
  double lo = 0, hi = 0;
  double today = 1;
  double volume_at(int i) const { return std::exp(lo + (hi - lo) * i / (n - 1)); }
};

// Per grid volume: whether each option is infeasible and its first reason, and the last
// volume where a is not cheaper than b (-1 when a is cheaper at every one).
struct GridScan {
  int last_not_cheaper = -1;
  std::vector<char> a_bad, b_bad;
  std::vector<std::string> a_why, b_why;
};

// The two options costed at every grid volume.
GridScan scan_grid(const OptionEvaluator& a, const OptionEvaluator& b, const VolumeGrid& grid) {
  const int n = grid.n;
  GridScan g;
  g.a_bad.resize(static_cast<std::size_t>(n));
  g.b_bad.resize(static_cast<std::size_t>(n));
  g.a_why.resize(static_cast<std::size_t>(n));
  g.b_why.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const double s = grid.volume_at(i) / grid.today;
    const OptionResult ra = a(s), rb = b(s);
    const auto k = static_cast<std::size_t>(i);
    g.a_bad[k] = !ra.feasible;
    g.b_bad[k] = !rb.feasible;
    if (!ra.reasons.empty()) g.a_why[k] = ra.reasons.front();
    if (!rb.reasons.empty()) g.b_why[k] = rb.reasons.front();
    const double ca = cost_of(ra), cb = cost_of(rb);
    const double d = std::isinf(ca) ? inf : (std::isinf(cb) ? -inf : ca - cb);
    if (!(d < 0)) g.last_not_cheaper = i;
  }
  return g;
}

// One option's runs of infeasible grid volumes, each noted with its edges refined by
// bisection (an owned fleet above its servers' capacity, a rate limit, a fleet beyond any
// count). A cost there is not a price anyone can pay.
void note_infeasible_runs(BreakEven& be, const OptionEvaluator& e, bool is_a, const std::vector<char>& bad,
                          const std::vector<std::string>& why, const VolumeGrid& grid, const BreakEvenRange& range) {
  const int n = grid.n;
  auto volume_at = [&](int i) { return grid.volume_at(i); };
  auto feasible_at = [&](double v) { return e(v / grid.today).feasible; };
  // The volume between grid points i (state x) and i + 1 (the other state) where it changes.
  auto edge = [&](int i) {
    double v0 = volume_at(i), v1 = volume_at(i + 1);
    const bool f0 = feasible_at(v0);
    for (int it = 0; it < 60 && (v1 - v0) > 1e-9 * v1; ++it) {
      const double mid = std::sqrt(v0 * v1);
      if (feasible_at(mid) == f0) v0 = mid;
      else v1 = mid;
    }
    return v1;
  };
  for (int i = 0; i < n;) {
    if (!bad[static_cast<std::size_t>(i)]) {
      ++i;
      continue;
    }
    int j = i;
    while (j + 1 < n && bad[static_cast<std::size_t>(j + 1)]) ++j;
    if (is_a) be.a_infeasible_somewhere = true;
    const std::string& reason = why[static_cast<std::size_t>(i)];
    const std::string at = fmt::format(" (at {} tokens/day: {})", si_quantity(volume_at(i)), reason);
    if (i == 0 && j == n - 1)
      be.notes.push_back(fmt::format("{} is infeasible at every volume examined{}", e.option().id, at));
    else if (i == 0)
      be.notes.push_back(fmt::format("{} is infeasible below {} tokens/day, from the bottom of the examined "
                                     "range{}", e.option().id, si_quantity(edge(j)), at));
    else if (j == n - 1)
      be.notes.push_back(fmt::format("{} is infeasible above {} tokens/day, to the top of the examined range "
                                     "({}){}", e.option().id, si_quantity(edge(i - 1)), si_quantity(range.to_tokens_per_day), at));
    else
      be.notes.push_back(fmt::format("{} is infeasible from {} to {} tokens/day{}", e.option().id,
                                     si_quantity(edge(i - 1)), si_quantity(edge(j)), at));
    i = j + 1;
  }
}

// Why a is not cheaper than b anywhere up to the top of the range: its floor is not below
// b's, or peaks, idle capacity and fixed costs keep it above its floor.
std::string not_cheaper_reason(const BreakEven& be, const OptionEvaluator& a, const OptionEvaluator& b, double today,
                               const BreakEvenRange& range) {
  auto money = [](const std::optional<double>& v) { return v ? fmt::format("${:.4f}", *v) : std::string("unknown"); };
  if (be.a_floor_per_mtok && be.b_floor_per_mtok && *be.a_floor_per_mtok >= *be.b_floor_per_mtok) {
    return fmt::format("{} costs {} per 1M tokens even at full SLA-bound utilisation, at or above {}'s {} per 1M",
                       be.a, money(be.a_floor_per_mtok), be.b, money(be.b_floor_per_mtok));
  }
  // Below its floor on paper, yet not cheaper: peaks, idle capacity or fixed costs.
  const double top = range.to_tokens_per_day / today;
  const OptionResult ra = a(top), rb = b(top);
  auto per_mtok = [](const OptionResult& r) {
    return r.monthly_tokens > 0 ? r.breakdown.total() / r.monthly_tokens * tokens_per_mtok : 0.0;
  };
  return fmt::format("{} is not cheaper than {} at the top of the examined range ({} tokens/day), where "
                     "it costs ${:.4f} per 1M against ${:.4f}, above its full-utilisation floor of {} "
                     "(capacity sized for the peak hour and idle between peaks)",
                     be.a, be.b, si_quantity(range.to_tokens_per_day), per_mtok(ra), per_mtok(rb), money(be.a_floor_per_mtok));
}

// The break-even volume between grid point i (a not cheaper) and i + 1 (a cheaper), by
// bisection on the volume's logarithm.
double bisect_break_even(const OptionEvaluator& a, const OptionEvaluator& b, const VolumeGrid& grid, int i) {
  // d(v) < 0 where a is cheaper.
  auto diff = [&](double v) {
    const double s = v / grid.today;
    const double ca = cost_of(a(s)), cb = cost_of(b(s));
    if (std::isinf(ca)) return inf;
    if (std::isinf(cb)) return -inf;
    return ca - cb;
  };
  double v0 = grid.volume_at(i), v1 = grid.volume_at(i + 1);
  for (int it = 0; it < 100 && (v1 - v0) > 1e-12 * v1; ++it) {
    const double mid = std::sqrt(v0 * v1);
    if (diff(mid) < 0) v1 = mid;
    else v0 = mid;
  }
  return v1;
}

}  // namespace

BreakEven find_break_even(const OptionEvaluator& x, const OptionEvaluator& y, double today, const BreakEvenRange& range) {
  if (today <= 0) throw Error("the profile has no traffic (expected tokens per day > 0 to scale from)");
  std::optional<double> fx = floor_cost_per_mtok(x, today), fy = floor_cost_per_mtok(y, today);
  const bool cx = capacity_priced(x.option()), cy = capacity_priced(y.option());
  bool swap = false;
  if (cx != cy) swap = cy;
  else if (fx && fy) swap = *fy < *fx;
  const OptionEvaluator& a = swap ? y : x;
  const OptionEvaluator& b = swap ? x : y;
  BreakEven be;
  be.a = a.option().id;
  be.b = b.option().id;
  be.range = range;
  be.a_floor_per_mtok = swap ? fy : fx;
  be.b_floor_per_mtok = swap ? fx : fy;

  // An option whose cost cannot be computed (no price, no throughput) has no break-even.
  for (const OptionEvaluator* e : {&a, &b}) {
    OptionResult r = (*e)(1.0);
    if (!cost_defined(r)) {
      std::string why;
      for (const auto& w : r.reasons) why += (why.empty() ? "" : "; ") + w;
      be.reason = fmt::format("the cost of {} cannot be computed: {}", r.id, why);
      return be;
    }
  }
  VolumeGrid grid;
  grid.n = std::max(2, range.grid_points);
  grid.lo = std::log(range.from_tokens_per_day);
  grid.hi = std::log(range.to_tokens_per_day);
  grid.today = today;
  const GridScan scan = scan_grid(a, b, grid);
  // Where either option is infeasible over the examined range.
  note_infeasible_runs(be, a, true, scan.a_bad, scan.a_why, grid, range);
  note_infeasible_runs(be, b, false, scan.b_bad, scan.b_why, grid, range);
  if (scan.last_not_cheaper == grid.n - 1) {
    be.found = false;
    be.reason = not_cheaper_reason(be, a, b, today, range);
    return be;
  }
  be.found = true;
  if (scan.last_not_cheaper < 0) {
    be.a_cheaper_everywhere = true;
    be.tokens_per_day = range.from_tokens_per_day;
  } else {
    be.tokens_per_day = bisect_break_even(a, b, grid, scan.last_not_cheaper);
  }
  for (const OptionEvaluator* e : {&a, &b}) {
    OptionResult r = (*e)(be.tokens_per_day / today);
    for (const auto& why : r.reasons)
      be.notes.push_back(fmt::format("{} at {} tokens/day: infeasible: {}", r.id, si_quantity(be.tokens_per_day), why));
  }
  return be;
}

// ---------------------------------------------------------------------------------------
// Sweep

Sweep sweep(const std::vector<const OptionEvaluator*>& options, double today, double from, double to, int points,
            bool log_spaced) {
  if (today <= 0) throw Error("the profile has no traffic (expected tokens per day > 0 to scale from)");
  Sweep s;
  const std::size_t k = options.size();
  for (const auto* e : options) s.ids.push_back(e->option().id);
  const int n = std::max(1, points);
  auto volume_at = [&](int i) {
    if (n == 1) return from;
    const double t = static_cast<double>(i) / (n - 1);
    return log_spaced ? std::exp(std::log(from) + (std::log(to) - std::log(from)) * t) : from + (to - from) * t;
  };
  std::vector<std::vector<double>> raw(static_cast<std::size_t>(n), std::vector<double>(k));
  s.points.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    SweepPoint pt;
    pt.tokens_per_day = volume_at(i);
    for (std::size_t j = 0; j < k; ++j) {
      OptionResult r = (*options[j])(pt.tokens_per_day / today);
      const bool defined = cost_defined(r);
      raw[static_cast<std::size_t>(i)][j] = defined ? r.breakdown.total() : inf;
      pt.monthly_usd.push_back(defined ? r.monthly_cost_usd : nan);
      pt.feasible.push_back(r.feasible && defined);
      if (pt.feasible.back() && (pt.cheapest < 0 || r.monthly_cost_usd < pt.monthly_usd[static_cast<std::size_t>(pt.cheapest)]))
        pt.cheapest = static_cast<int>(j);
    }
    s.points.push_back(std::move(pt));
  }
  // Crossovers: a change of sign of cost(a) - cost(b) between consecutive points. Costs
  // within half a cent are equal: two ways of summing the same tokens (a hybrid with an
  // empty fleet and its overflow option) must not cross back and forth on rounding noise.
  auto sign = [](double d) { return d < -0.005 ? -1 : (d > 0.005 ? 1 : 0); };
  auto exact_sign = [](double d) { return d < 0 ? -1 : (d > 0 ? 1 : 0); };
  for (std::size_t a = 0; a < k; ++a) {
    for (std::size_t b = a + 1; b < k; ++b) {
      int prev = 0;
      int prev_i = -1;
      for (int i = 0; i < n; ++i) {
        const double ca = raw[static_cast<std::size_t>(i)][a], cb = raw[static_cast<std::size_t>(i)][b];
        if (std::isinf(ca) || std::isinf(cb)) continue;
        const int sg = sign(ca - cb);
        if (sg == 0) continue;
        if (prev != 0 && sg != prev) {
          double v0 = s.points[static_cast<std::size_t>(prev_i)].tokens_per_day;
          double v1 = s.points[static_cast<std::size_t>(i)].tokens_per_day;
          for (int it = 0; it < 100 && (v1 - v0) > 1e-12 * v1; ++it) {
            const double mid = log_spaced ? std::sqrt(v0 * v1) : 0.5 * (v0 + v1);
            const double d = cost_of((*options[a])(mid / today)) - cost_of((*options[b])(mid / today));
            if (exact_sign(d) == sg) v1 = mid;
            else v0 = mid;
          }
          s.crossovers.push_back({v1, s.ids[a], s.ids[b], sg < 0 ? s.ids[a] : s.ids[b]});
        }
        prev = sg;
        prev_i = i;
      }
    }
  }
  std::stable_sort(s.crossovers.begin(), s.crossovers.end(),
                   [](const Crossover& l, const Crossover& r) { return l.tokens_per_day < r.tokens_per_day; });
  return s;
}

BreakEvenTable break_even_table(const Profile& p, const PriceSheet& sheet, const ReplicaModelProvider* perf,
                                const std::string& against, const BreakEvenRange& range) {
  if (!against.empty() && !p.find_option(against))
    throw Error(fmt::format("--against '{}' is not an option of profile {}", against, p.name), ExitCode::usage_error);
  std::vector<std::unique_ptr<OptionEvaluator>> evals;
  for (const auto& o : p.options) evals.push_back(std::make_unique<OptionEvaluator>(p, sheet, o, perf));
  const Projection proj = project(p, sheet, perf, "");
  auto projection_of = [&](const std::string& id) -> const OptionProjection& {
    for (const auto& op : proj.options) {
      if (op.id == id) return op;
    }
    return proj.options.front();
  };
  BreakEvenTable t;
  t.profile_name = p.name;
  t.price_sheet_version = sheet.version;
  t.tokens_per_day_today = p.tokens_per_day();
  if (t.tokens_per_day_today <= 0)
    throw Error(p.loc, "profile has no traffic (expected tokens per day > 0: break-even scales today's volume)");
  for (std::size_t i = 0; i < evals.size(); ++i) {
    for (std::size_t j = i + 1; j < evals.size(); ++j) {
      const std::string& xi = p.options[i].id;
      const std::string& xj = p.options[j].id;
      if (!against.empty() && xi != against && xj != against) continue;
      BreakEvenPair row;
      row.be = find_break_even(*evals[i], *evals[j], t.tokens_per_day_today, range);
      row.horizon_months = proj.months;
      const OptionProjection& pa = projection_of(row.be.a);
      row.payback = payback(pa, projection_of(row.be.b));
      t.rows.push_back(std::move(row));
    }
  }
  t.notes = proj.notes;
  return t;
}

}  // namespace plan
