#include "plan/report/risk_report.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "plan/report/escape.hpp"
#include "plan/report/json.hpp"
#include "plan/report/svg.hpp"
#include "plan/report/table.hpp"

namespace plan::report {
namespace {

std::string money_cell(double v) { return std::isfinite(v) ? usd(v) : "-"; }
std::string money_plain(double v) { return std::isfinite(v) ? fixed(v, 2) : ""; }
std::string share(double v) { return fixed(v, 4); }

void quantiles_json(JsonWriter& w, std::string_view key, const Quantiles& q) {
  w.key(key).begin_object();
  auto m = [&](const char* k, double v) {
    if (std::isfinite(v)) w.money(k, v);
    else w.key(k).null();
  };
  m("p10", q.p10);
  m("p50", q.p50);
  m("p90", q.p90);
  m("mean", q.mean);
  w.end_object();
}

std::string risk_json(const RiskResult& r) {
  JsonWriter w;
  w.begin_object();
  w.field("profile", r.profile_name);
  w.field("price_sheet", r.price_sheet_version);
  w.field("draws", r.draws);
  w.key("seed").value(static_cast<double>(r.seed));
  w.field("months", r.months);
  w.key("inputs").begin_array();
  for (const auto& in : r.inputs) {
    w.begin_object();
    w.field("name", in.name);
    w.field("distribution", in.distribution);
    w.field("source", in.source);
    w.field("p10", in.p10);
    w.field("p50", in.p50);
    w.field("p90", in.p90);
    w.end_object();
  }
  w.end_array();
  w.key("options").begin_array();
  for (const auto& o : r.options) {
    w.begin_object();
    w.field("id", o.id);
    w.field("kind", to_string(o.kind));
    quantiles_json(w, "monthly_cost_usd", o.monthly_cost_usd);
    quantiles_json(w, "horizon_cost_usd", o.horizon_cost_usd);
    w.field("probability_cheapest", o.probability_cheapest);
    w.field("probability_feasible", o.probability_feasible);
    w.key("cumulative_usd").begin_array();
    for (std::size_t f = 0; f < o.cumulative_usd.size(); ++f) {
      w.begin_object();
      w.field("month", r.fan_months[f]);
      w.money("p10", o.cumulative_usd[f].p10);
      w.money("p50", o.cumulative_usd[f].p50);
      w.money("p90", o.cumulative_usd[f].p90);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  if (!r.groups.empty()) {
    w.key("groups").begin_array();
    for (const auto& g : r.groups) {
      w.begin_object();
      w.field("kind", to_string(g.kind));
      w.strings("options", g.options);
      w.field("probability_cheapest", g.probability_cheapest);
      w.end_object();
    }
    w.end_array();
  }
  w.field("recommended", r.recommended);
  w.field("runner_up", r.runner_up);
  w.money("median_margin_usd", r.median_margin_usd);
  w.key("break_even");
  if (r.break_even) {
    const auto& b = *r.break_even;
    w.begin_object();
    w.field("option", b.a);
    w.field("against", b.b);
    w.field("share_found", b.share_found);
    w.key("tokens_per_day").begin_object();
    for (auto [k, v] : {std::pair{"p10", b.tokens_per_day.p10}, std::pair{"p50", b.tokens_per_day.p50},
                        std::pair{"p90", b.tokens_per_day.p90}, std::pair{"mean", b.tokens_per_day.mean}}) {
      w.key(k);
      if (b.share_found > 0) w.value_fixed(v, 0);
      else w.null();
    }
    w.end_object();
    w.end_object();
  } else {
    w.null();
  }
  w.key("tornado").begin_array();
  for (const auto& b : r.tornado) {
    w.begin_object();
    w.field("input", b.input);
    w.field("low_value", b.low_value);
    w.field("high_value", b.high_value);
    w.money("low_usd", b.low_usd);
    w.money("high_usd", b.high_usd);
    w.money("swing_usd", b.swing_usd);
    w.end_object();
  }
  w.end_array();
  w.field("grid_points", r.grid_points);
  w.field("grid_max_step", r.grid_max_step);
  w.strings("notes", r.notes);
  w.end_object();
  return w.str();
}

std::string risk_csv(const RiskResult& r) {
  std::string out = csv_row({"profile", "price_sheet", "draws", "seed", "option", "kind", "monthly_p10_usd",
                             "monthly_p50_usd", "monthly_p90_usd", "monthly_mean_usd", "horizon_p10_usd",
                             "horizon_p50_usd", "horizon_p90_usd", "horizon_mean_usd", "probability_cheapest",
                             "probability_feasible"});
  for (const auto& o : r.options) {
    const auto& m = o.monthly_cost_usd;
    const auto& h = o.horizon_cost_usd;
    out += csv_row({r.profile_name, r.price_sheet_version, std::to_string(r.draws), std::to_string(r.seed), o.id,
                    to_string(o.kind), money_plain(m.p10), money_plain(m.p50), money_plain(m.p90), money_plain(m.mean),
                    money_plain(h.p10), money_plain(h.p50), money_plain(h.p90), money_plain(h.mean),
                    share(o.probability_cheapest), share(o.probability_feasible)});
  }
  // --group: one row per kind, its options in the option column, joined by '+'.
  for (const auto& g : r.groups) {
    std::string ids;
    for (const auto& id : g.options) ids += (ids.empty() ? "" : "+") + id;
    out += csv_row({r.profile_name, r.price_sheet_version, std::to_string(r.draws), std::to_string(r.seed), ids,
                    std::string("group:") + to_string(g.kind), "", "", "", "", "", "", "", "",
                    share(g.probability_cheapest), ""});
  }
  return out;
}

std::string risk_text(const RiskResult& r, bool markdown) {
  std::string out = fmt::format("plan risk: {}, price sheet {}; {} draws, seed {}, {} months\n\n", r.profile_name,
                                r.price_sheet_version, r.draws, r.seed, r.months);
  auto render = [&](const Table& t) { return markdown ? t.render_markdown() : t.render_text(); };
  Table in;
  in.add_column("input", Align::left);
  in.add_column("distribution", Align::left);
  in.add_column("p10");
  in.add_column("p50");
  in.add_column("p90");
  in.add_column("source", Align::left);
  for (const auto& i : r.inputs)
    in.add_row({i.name, i.distribution, fmt::format("{:.4g}", i.p10), fmt::format("{:.4g}", i.p50),
                fmt::format("{:.4g}", i.p90), i.source});
  out += render(in) + "\n";
  Table t;
  t.add_column("option", Align::left);
  t.add_column("month 1 p10");
  t.add_column("p50");
  t.add_column("p90");
  t.add_column("horizon p10");
  t.add_column("p50");
  t.add_column("p90");
  t.add_column("mean");
  t.add_column("P(cheapest)");
  t.add_column("P(feasible)");
  for (const auto& o : r.options) {
    const auto& m = o.monthly_cost_usd;
    const auto& h = o.horizon_cost_usd;
    t.add_row({o.id, money_cell(m.p10), money_cell(m.p50), money_cell(m.p90), money_cell(h.p10), money_cell(h.p50),
               money_cell(h.p90), money_cell(h.mean), fixed(o.probability_cheapest, 3),
               fixed(o.probability_feasible, 3)});
  }
  out += render(t);
  if (!r.groups.empty()) {
    out += "\n";
    Table gt;
    gt.add_column("kind", Align::left);
    gt.add_column("P(cheapest)");
    gt.add_column("options", Align::left);
    for (const auto& g : r.groups) {
      std::string ids;
      for (const auto& id : g.options) ids += (ids.empty() ? "" : ", ") + id;
      gt.add_row({to_string(g.kind), fixed(g.probability_cheapest, 3), ids.empty() ? "(none in the profile)" : ids});
    }
    out += render(gt);
    out += "P(cheapest) of a kind: share of draws in which the cheapest feasible option is of that kind\n";
  }
  if (r.recommended && r.runner_up) {
    out += fmt::format("\nwith every input at its median, {} is cheapest over the horizon, {} below {}\n",
                       *r.recommended, money_cell(r.median_margin_usd), *r.runner_up);
    out += fmt::format("tornado: margin of {} over {} with one input at its p10 and p90, the others at their medians\n\n",
                       *r.recommended, *r.runner_up);
    Table tt;
    tt.add_column("input", Align::left);
    tt.add_column("p10 value");
    tt.add_column("p90 value");
    tt.add_column("margin at p10");
    tt.add_column("margin at p90");
    tt.add_column("swing");
    for (const auto& b : r.tornado)
      tt.add_row({b.input, fmt::format("{:.4g}", b.low_value), fmt::format("{:.4g}", b.high_value),
                  money_cell(b.low_usd), money_cell(b.high_usd), money_cell(b.swing_usd)});
    out += render(tt);
  }
  if (r.break_even) {
    const auto& b = *r.break_even;
    if (b.share_found > 0)
      out += fmt::format("\nbreak-even of {} against {} in month 1 (found in {:.1f}% of draws): p10 {} p50 {} p90 {} "
                         "tokens/day\n",
                         b.a, b.b, b.share_found * 100, human(b.tokens_per_day.p10), human(b.tokens_per_day.p50),
                         human(b.tokens_per_day.p90));
    else
      out += fmt::format("\nbreak-even of {} against {} in month 1: none within the volumes drawn\n", b.a, b.b);
  }
  for (const auto& n : r.notes) out += "\nnote: " + n;
  if (!r.notes.empty()) out += "\n";
  out += fmt::format("\nmonth 1: recurring cost of the first month; horizon: every month plus one-time costs; "
                     "P(cheapest): share of draws in which the option is the cheapest feasible over the horizon. "
                     "Costs are read from the compare engine at {} volumes per option (largest step {:.3f}%), "
                     "see docs/risk.md\n",
                     r.grid_points, r.grid_max_step * 100);
  return out;
}

}  // namespace

std::string risk_fan_svg(const RiskResult& r) {
  std::vector<const RiskOption*> shown;
  for (const auto& o : r.options)
    if (o.probability_feasible >= 0.5 && std::isfinite(o.horizon_cost_usd.p50)) shown.push_back(&o);
  std::stable_sort(shown.begin(), shown.end(), [](const RiskOption* a, const RiskOption* b) {
    return a->horizon_cost_usd.p50 < b->horizon_cost_usd.p50;
  });
  if (shown.size() > 5) shown.resize(5);
  LineChart c;
  c.title = fmt::format("Cumulative cost over {} months: median and p10-p90 of {} draws", r.months, r.draws);
  c.x_label = "month of the horizon";
  c.y_label = "cumulative cost, USD";
  c.y_min = 0;
  for (const RiskOption* o : shown) {
    Series s{o->id, {}, {}};
    for (std::size_t f = 0; f < o->cumulative_usd.size() && f < r.fan_months.size(); ++f) {
      s.points.emplace_back(r.fan_months[f], o->cumulative_usd[f].p50);
      s.band.emplace_back(o->cumulative_usd[f].p10, o->cumulative_usd[f].p90);
    }
    c.series.push_back(std::move(s));
  }
  return render_svg(c);
}

std::string risk_tornado_svg(const RiskResult& r) {
  if (!r.recommended || !r.runner_up || r.tornado.empty()) return "";
  TornadoChart c;
  c.title = fmt::format("What the choice of {} over {} hinges on", *r.recommended, *r.runner_up);
  c.x_label = fmt::format("margin of {} over {}, USD over the horizon", *r.recommended, *r.runner_up);
  c.low_name = "input at its p10";
  c.high_name = "input at its p90";
  c.base = r.median_margin_usd;
  for (const auto& b : r.tornado)
    c.rows.push_back({fmt::format("{} ({:.3g} .. {:.3g})", b.input, b.low_value, b.high_value), b.low_usd, b.high_usd});
  return render_svg(c);
}

std::string render_risk(const RiskResult& r, Format f) {
  switch (f) {
    case Format::csv: return risk_csv(r);
    case Format::json: return risk_json(r);
    case Format::markdown: return terminal_text(risk_text(r, true));
    case Format::table: break;
  }
  return fit_lines(terminal_text(risk_text(r, false)));
}

}  // namespace plan::report
