#include "plan/report/finance_report.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "plan/core/base/units.hpp"
#include "plan/report/escape.hpp"
#include "plan/report/json.hpp"
#include "plan/report/table.hpp"
#include "option_json.hpp"

namespace plan::report {
namespace {

// Money cells: the values are already cent-rounded; fixed() only prints them.
std::string money(double v) { return fixed(v, 2); }
std::string opt_money(const std::optional<double>& v) { return v ? money(*v) : ""; }

}  // namespace

std::string payback_text(const Payback& p, int horizon_months) {
  if (!p.month) return fmt::format("none within {} months: {}", horizon_months, p.why_none);
  std::string out = fmt::format("month {} ({})", *p.month, p.label);
  if (p.negative_again_month)
    out += fmt::format("; the cumulative savings were below zero again from month {} ({}) until then",
                       *p.negative_again_month, p.negative_again_label);
  return out;
}

namespace {

// ---------------------------------------------------------------------------------------
// Projection

std::string projection_csv(const Projection& p) {
  std::string out = csv_row(projection_csv_header());
  for (const auto& o : p.options) {
    for (const auto& m : o.months) {
      std::vector<std::string> row = {p.profile_name, p.price_sheet_version, p.baseline, to_string(p.basis),
                                      std::to_string(m.index + 1),
                                      m.month, o.id, to_string(o.kind), fixed(m.volume_scale, 6), fixed(m.tokens, 0),
                                      fixed(m.requests, 0)};
      for (const auto& [name, v] : m.breakdown.lines()) row.push_back(money(v));
      row.push_back(money(m.one_time));
      row.push_back(money(m.capital));
      row.push_back(money(m.total));
      row.push_back(money(m.cumulative));
      row.push_back(opt_money(m.savings_vs_baseline));
      row.push_back(opt_money(m.cumulative_savings));
      row.push_back(opt_money(m.present_value));
      row.push_back(std::to_string(m.needed));
      row.push_back(std::to_string(m.paid));
      row.push_back(fixed(m.utilization, 4));
      row.push_back(m.feasible ? "true" : "false");
      out += csv_row(row);
    }
  }
  return out;
}

std::string projection_text(const Projection& p, bool markdown) {
  std::string out = fmt::format("plan project: {}, price sheet {}; {} months from {}; baseline {}; {} basis\n",
                                p.profile_name, p.price_sheet_version, p.months, p.start, p.baseline,
                                to_string(p.basis));
  out += fmt::format("today: {} tokens/day; month = {:.0f} hours; amounts in USD, each line rounded to the cent\n",
                     human(p.tokens_per_day_today), hours_per_month);
  if (p.discount_rate_per_year)
    out += fmt::format("present value at {:.2f}%/year, each month discounted to the start month\n",
                       *p.discount_rate_per_year * 100);
  for (const auto& n : p.notes) out += fmt::format("note: {}\n", n);
  for (const auto& o : p.options) {
    out += fmt::format("\n{}{} ({}, {})\n\n", markdown ? "## " : "", o.id, to_string(o.kind), o.what);
    // The text table leaves out cost lines that are zero in every month (CSV and JSON keep
    // every line).
    const auto names = CostBreakdown{}.lines();
    std::vector<bool> shown(names.size(), false);
    for (const auto& m : o.months) {
      auto lines = m.breakdown.lines();
      for (std::size_t k = 0; k < lines.size(); ++k) shown[k] = shown[k] || lines[k].second != 0;
    }
    Table t;
    t.add_column("month", Align::left);
    t.add_column("tokens");
    for (std::size_t k = 0; k < names.size(); ++k) {
      if (shown[k]) t.add_column(names[k].first);
    }
    t.add_column("one_time");
    const bool capital = o.total_capital != 0 ||
                         std::any_of(o.months.begin(), o.months.end(), [](const MonthLine& m) { return m.capital != 0; });
    if (capital) t.add_column("capital");
    t.add_column("total");
    t.add_column("cumulative");
    t.add_column("savings");
    t.add_column("paid/needed");
    t.add_column("util");
    auto fmt_money = [&](double v) { return markdown ? money(v) : usd(v); };
    for (const auto& m : o.months) {
      std::vector<std::string> row = {m.month, human(m.tokens)};
      auto lines = m.breakdown.lines();
      for (std::size_t k = 0; k < lines.size(); ++k) {
        if (shown[k]) row.push_back(fmt_money(lines[k].second));
      }
      row.push_back(fmt_money(m.one_time));
      if (capital) row.push_back(fmt_money(m.capital));
      row.push_back(fmt_money(m.total));
      row.push_back(fmt_money(m.cumulative));
      row.push_back(m.savings_vs_baseline ? fmt_money(*m.savings_vs_baseline) : "-");
      row.push_back(m.paid || m.needed ? fmt::format("{}/{}", m.paid, m.needed) : "-");
      row.push_back(o.utilization_always || m.utilization > 0 ? fixed(m.utilization * 100, 1) + "%" : "-");
      t.add_row(row);
    }
    std::vector<std::string> total = {"total", ""};
    auto tl = o.total_breakdown.lines();
    for (std::size_t k = 0; k < tl.size(); ++k) {
      if (shown[k]) total.push_back(fmt_money(tl[k].second));
    }
    total.push_back(fmt_money(o.total_one_time));
    if (capital) total.push_back(fmt_money(o.total_capital));
    total.push_back(fmt_money(o.total));
    total.push_back("");
    total.push_back(o.months.empty() || !o.months.back().cumulative_savings
                        ? ""
                        : fmt_money(*o.months.back().cumulative_savings));
    t.add_row(total);
    out += markdown ? t.render_markdown() : t.render_text();
    out += "\n";
    if (o.total_present_value) out += fmt::format("present value: {}\n", fmt_money(*o.total_present_value));
    if (o.id != p.baseline) out += fmt::format("payback against {}: {}\n", p.baseline, payback_text(o.payback, p.months));
    if (!o.feasible) out += "infeasible in some months:\n";
    for (const auto& m : o.months) {
      if (!m.feasible)
        for (const auto& why : m.reasons) out += fmt::format("  {}: {}\n", m.month, why);
    }
    for (const auto& n : o.notes) out += fmt::format("note: {}\n", n);
  }
  return out;
}

std::string projection_json(const Projection& p) {
  JsonWriter j;
  j.begin_object();
  j.field("profile", p.profile_name);
  j.field("price_sheet", p.price_sheet_version);
  j.field("hours_per_month", hours_per_month);
  j.field("start", p.start);
  j.field("months", p.months);
  j.field("baseline", p.baseline);
  j.field("basis", to_string(p.basis));
  if (!p.notes.empty()) j.strings("notes", p.notes);
  j.field("tokens_per_day_today", p.tokens_per_day_today);
  j.field("discount_rate_per_year", p.discount_rate_per_year);
  j.key("options").begin_array();
  for (const auto& o : p.options) {
    begin_option_object(j, o);
    j.field("commitment_months", o.commitment_months);
    j.key("totals").begin_object();
    for (const auto& [name, v] : o.total_breakdown.lines()) j.money(name, v);
    j.money("one_time", o.total_one_time);
    j.money("capital", o.total_capital);
    j.money("total", o.total);
    j.money("present_value", o.total_present_value);
    j.end_object();
    j.field("payback_month", o.payback.month);
    j.field("payback_negative_again_month", o.payback.negative_again_month);
    j.key("payback_none_reason");
    if (o.id != p.baseline && !o.payback.month) j.value(o.payback.why_none);
    else j.null();
    j.strings("notes", o.notes);
    j.key("months").begin_array();
    for (const auto& m : o.months) {
      j.begin_object();
      j.field("month", m.month);
      j.field("volume_scale", m.volume_scale);
      j.field("tokens", m.tokens);
      j.field("requests", m.requests);
      j.key("cost").begin_object();
      for (const auto& [name, v] : m.breakdown.lines()) j.money(name, v);
      j.money("one_time", m.one_time);
      j.money("capital", m.capital);
      j.end_object();
      j.money("total", m.total);
      j.money("cumulative", m.cumulative);
      j.money("savings_vs_baseline", m.savings_vs_baseline);
      j.money("cumulative_savings", m.cumulative_savings);
      j.money("present_value", m.present_value);
      j.field("needed", m.needed);
      j.field("paid", m.paid);
      j.field("utilization", m.utilization);
      j.field("feasible", m.feasible);
      j.strings("reasons", m.reasons);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str();
}

// ---------------------------------------------------------------------------------------
// Break-even

std::string per_mtok(const std::optional<double>& v) { return v ? fixed(*v, 6) : ""; }

std::string breakeven_cell(const BreakEven& be) {
  if (!be.found) return "none";
  if (be.a_cheaper_everywhere) return "always";
  return human(be.tokens_per_day);
}

std::string payback_cell(const BreakEvenRow& r) {
  return r.payback.month ? fmt::format("{} ({})", *r.payback.month, r.payback.label) : "none";
}

std::string breakeven_text(const BreakEvenReport& r, bool markdown) {
  std::string out = fmt::format("plan breakeven: {}, price sheet {}; today {} tokens/day\n", r.profile_name,
                                r.price_sheet_version, human(r.tokens_per_day_today));
  out += "break-even: the smallest daily volume above which the first option is cheaper and stays cheaper\n";
  for (const auto& n : r.notes) out += fmt::format("note: {}\n", n);
  if (!r.rows.empty())
    out += fmt::format("over the examined range {} to {} tokens/day\n\n", human(r.rows.front().be.range.from_tokens_per_day),
                       human(r.rows.front().be.range.to_tokens_per_day));
  Table t;
  t.add_column("option", Align::left);
  t.add_column("against", Align::left);
  t.add_column("break-even tokens/day");
  t.add_column("tokens/month");
  t.add_column("option USD/1M floor");
  t.add_column("against USD/1M floor");
  t.add_column("payback month", Align::left);
  for (const auto& row : r.rows) {
    const auto& be = row.be;
    t.add_row({be.a, be.b, breakeven_cell(be),
               be.found && !be.a_cheaper_everywhere ? human(be.tokens_per_day * days_per_month) : "-",
               per_mtok(be.a_floor_per_mtok), per_mtok(be.b_floor_per_mtok), payback_cell(row)});
  }
  out += markdown ? t.render_markdown() : t.render_text();
  std::string notes;
  for (const auto& row : r.rows) {
    const auto& be = row.be;
    if (!be.found) notes += fmt::format("{} vs {}: no break-even: {}\n", be.a, be.b, be.reason);
    if (be.a_cheaper_everywhere)
      notes += fmt::format("{} vs {}: {} is cheaper at every volume examined{}\n", be.a, be.b, be.a,
                           be.a_infeasible_somewhere ? ", but cannot serve all of them (where it is infeasible: below)" : "");
    for (const auto& n : be.notes) notes += fmt::format("{} vs {}: {}\n", be.a, be.b, n);
    if (!row.payback.month || row.payback.negative_again_month)
      notes += fmt::format("{} vs {}: payback {}\n", be.a, be.b, payback_text(row.payback, row.horizon_months));
  }
  if (!notes.empty()) out += "\n" + notes;
  out += "\nfloor: the cost per 1M tokens an option cannot go below (docs/finance.md); payback: the first month of "
         "the profile's horizon from which the option's cumulative savings stay at or above zero to its end\n";
  return out;
}

std::vector<std::string> breakeven_header() {
  return {"profile", "price_sheet", "option", "against", "found", "always_cheaper", "breakeven_tokens_per_day",
          "breakeven_tokens_per_month", "option_floor_usd_per_mtok", "against_floor_usd_per_mtok", "payback_month",
          "payback_month_label", "reason"};
}

std::string breakeven_csv(const BreakEvenReport& r) {
  std::string out = csv_row(breakeven_header());
  for (const auto& row : r.rows) {
    const auto& be = row.be;
    const bool v = be.found;
    out += csv_row({r.profile_name, r.price_sheet_version, be.a, be.b, v ? "true" : "false",
                    be.a_cheaper_everywhere ? "true" : "false", v ? fixed(be.tokens_per_day, 0) : "",
                    v ? fixed(be.tokens_per_day * days_per_month, 0) : "", per_mtok(be.a_floor_per_mtok),
                    per_mtok(be.b_floor_per_mtok), row.payback.month ? std::to_string(*row.payback.month) : "",
                    row.payback.month ? row.payback.label : "", be.reason});
  }
  return out;
}

std::string breakeven_json(const BreakEvenReport& r) {
  JsonWriter j;
  j.begin_object();
  j.field("profile", r.profile_name);
  j.field("price_sheet", r.price_sheet_version);
  j.field("tokens_per_day_today", r.tokens_per_day_today);
  if (!r.notes.empty()) j.strings("notes", r.notes);
  j.key("pairs").begin_array();
  for (const auto& row : r.rows) {
    const auto& be = row.be;
    j.begin_object();
    j.field("option", be.a);
    j.field("against", be.b);
    j.field("found", be.found);
    j.field("always_cheaper", be.a_cheaper_everywhere);
    j.key("breakeven_tokens_per_day");
    if (be.found) j.value(be.tokens_per_day);
    else j.null();
    j.key("range_tokens_per_day").begin_array().value(be.range.from_tokens_per_day).value(be.range.to_tokens_per_day).end_array();
    j.field("option_floor_usd_per_mtok", be.a_floor_per_mtok);
    j.field("against_floor_usd_per_mtok", be.b_floor_per_mtok);
    j.field("reason", be.reason);
    j.field("payback_month", row.payback.month);
    j.key("payback_month_label");
    if (row.payback.month) j.value(row.payback.label);
    else j.null();
    j.field("payback_negative_again_month", row.payback.negative_again_month);
    j.key("payback_none_reason");
    if (!row.payback.month) j.value(row.payback.why_none);
    else j.null();
    j.field("horizon_months", row.horizon_months);
    j.strings("notes", be.notes);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str();
}

// ---------------------------------------------------------------------------------------
// Sweep

std::string cost_cell(double v) { return std::isnan(v) ? "" : money(v); }

std::string sweep_csv(const Sweep& s) {
  std::vector<std::string> header = {"tokens_per_day", "tokens_per_month"};
  for (const auto& id : s.ids) header.push_back(id + "_usd");
  header.push_back("cheapest");
  header.push_back("infeasible");
  std::string out = csv_row(header);
  out.reserve(s.points.size() * (24 + 12 * s.ids.size()));
  std::vector<std::string> row;
  for (const auto& pt : s.points) {
    row.clear();
    row.push_back(fixed(pt.tokens_per_day, 0));
    row.push_back(fixed(pt.tokens_per_day * days_per_month, 0));
    std::string infeasible;
    for (std::size_t j = 0; j < s.ids.size(); ++j) {
      // An infeasible option has no price at this volume: the cell is empty.
      row.push_back(pt.feasible[j] ? cost_cell(pt.monthly_usd[j]) : "");
      if (!pt.feasible[j]) infeasible += (infeasible.empty() ? "" : ";") + s.ids[j];
    }
    row.push_back(pt.cheapest >= 0 ? s.ids[static_cast<std::size_t>(pt.cheapest)] : "");
    row.push_back(infeasible);
    out += csv_row(row);
  }
  return out;
}

std::string crossovers_csv(const Sweep& s) {
  std::string out = csv_row({"tokens_per_day", "tokens_per_month", "option_a", "option_b", "cheaper_above"});
  for (const auto& c : s.crossovers)
    out += csv_row({fixed(c.tokens_per_day, 0), fixed(c.tokens_per_day * days_per_month, 0), c.a, c.b, c.cheaper_above});
  return out;
}

std::string sweep_text(const Sweep& s, bool markdown) {
  Table t;
  t.add_column("tokens/day");
  for (const auto& id : s.ids) t.add_column(id);
  t.add_column("cheapest", Align::left);
  for (const auto& pt : s.points) {
    std::vector<std::string> row = {human(pt.tokens_per_day)};
    for (std::size_t j = 0; j < s.ids.size(); ++j) {
      std::string c = std::isnan(pt.monthly_usd[j]) ? "-" : (markdown ? money(pt.monthly_usd[j]) : usd(pt.monthly_usd[j]));
      if (!pt.feasible[j] && c != "-") c += " (infeasible)";
      row.push_back(c);
    }
    row.push_back(pt.cheapest >= 0 ? s.ids[static_cast<std::size_t>(pt.cheapest)] : "-");
    t.add_row(row);
  }
  std::string out;
  for (const auto& n : s.notes) out += fmt::format("note: {}\n", n);
  out += "monthly cost (USD) by daily volume\n\n";
  out += markdown ? t.render_markdown() : t.render_text();
  out += "\ncrossovers:\n";
  if (s.crossovers.empty()) out += "  none in the examined range\n";
  for (const auto& c : s.crossovers)
    out += fmt::format("  {} tokens/day ({} tokens/month): {} and {} cost the same; {} is cheaper above\n",
                       human(c.tokens_per_day), human(c.tokens_per_day * days_per_month), c.a, c.b, c.cheaper_above);
  return out;
}

std::string sweep_json(const Sweep& s) {
  JsonWriter j;
  j.begin_object();
  j.field("hours_per_month", hours_per_month);
  if (!s.notes.empty()) j.strings("notes", s.notes);
  j.key("options").begin_array();
  for (const auto& id : s.ids) j.value(id);
  j.end_array();
  j.key("points").begin_array();
  for (const auto& pt : s.points) {
    j.begin_object();
    j.field("tokens_per_day", pt.tokens_per_day);
    j.key("monthly_usd").begin_object();
    for (std::size_t k = 0; k < s.ids.size(); ++k) {
      j.key(s.ids[k]);
      if (std::isnan(pt.monthly_usd[k]) || !pt.feasible[k]) j.null();
      else j.value_fixed(pt.monthly_usd[k], 2);
    }
    j.end_object();
    j.key("cheapest");
    if (pt.cheapest >= 0) j.value(s.ids[static_cast<std::size_t>(pt.cheapest)]);
    else j.null();
    j.end_object();
  }
  j.end_array();
  j.key("crossovers").begin_array();
  for (const auto& c : s.crossovers) {
    j.begin_object().field("tokens_per_day", c.tokens_per_day).field("option_a", c.a).field("option_b", c.b);
    j.field("cheaper_above", c.cheaper_above).end_object();
  }
  j.end_array();
  j.end_object();
  return j.str();
}

// ---------------------------------------------------------------------------------------
// Diff

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string diff_text(const CompareDiff& d, bool markdown) {
  std::string out = fmt::format("plan diff: A = {}, B = {}\n", d.a_label, d.b_label);
  for (const auto& c : d.context) out += fmt::format("{}\n", c);
  out += "\n";
  Table t;
  t.add_column("option", Align::left);
  t.add_column("A monthly USD");
  t.add_column("B monthly USD");
  t.add_column("change");
  for (const auto& o : d.options) {
    auto cell = [&](const std::optional<double>& v) { return v ? (markdown ? money(*v) : usd(*v)) : "-"; };
    t.add_row({o.id, cell(o.a_usd), cell(o.b_usd),
               o.a_usd && o.b_usd ? (o.change_usd > 0 ? "+" : "") + (markdown ? money(o.change_usd) : usd(o.change_usd))
                                  : "-"});
  }
  out += markdown ? t.render_markdown() : t.render_text();
  out += "\nwhy:\n";
  for (const auto& o : d.options) {
    if (o.why.empty()) out += fmt::format("  {}: no change\n", o.id);
    for (const auto& w : o.why) out += fmt::format("  {}: {}\n", o.id, w);
  }
  return out;
}

std::string diff_csv(const CompareDiff& d) {
  std::string out = csv_row({"a", "b", "option", "a_monthly_usd", "b_monthly_usd", "change_usd", "why"});
  for (const auto& o : d.options)
    out += csv_row({d.a_label, d.b_label, o.id, opt_money(o.a_usd), opt_money(o.b_usd),
                    o.a_usd && o.b_usd ? money(o.change_usd) : "", join(o.why, "; ")});
  return out;
}

std::string diff_json(const CompareDiff& d) {
  JsonWriter j;
  j.begin_object();
  j.field("a", d.a_label);
  j.field("b", d.b_label);
  j.strings("context", d.context);
  j.key("options").begin_array();
  for (const auto& o : d.options) {
    j.begin_object();
    j.field("id", o.id);
    j.money("a_monthly_usd", o.a_usd);
    j.money("b_monthly_usd", o.b_usd);
    j.key("change_usd");
    if (o.a_usd && o.b_usd) j.value_fixed(o.change_usd, 2);
    else j.null();
    j.strings("why", o.why);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str();
}

// The finance reports share one layout per format: table and markdown come from the same text
// renderer.
template <typename R>
std::string render_as(const R& r, Format f, std::string (*csv)(const R&), std::string (*json)(const R&),
                      std::string (*text)(const R&, bool)) {
  switch (f) {
    case Format::csv: return csv(r);
    case Format::json: return json(r);
    case Format::markdown: return terminal_text(text(r, true));
    case Format::table: break;
  }
  return fit_lines(terminal_text(text(r, false)));
}

}  // namespace

std::vector<std::string> projection_csv_header() {
  std::vector<std::string> h = {"profile", "price_sheet", "baseline", "basis", "month_index", "month", "option", "kind",
                                "volume_scale", "tokens", "requests"};
  for (const auto& [name, v] : CostBreakdown{}.lines()) h.push_back(std::string(name) + "_usd");
  for (auto c : {"one_time_usd", "capital_usd", "total_usd", "cumulative_usd", "savings_vs_baseline_usd", "cumulative_savings_usd",
                 "present_value_usd", "needed", "paid", "utilization", "feasible"})
    h.push_back(c);
  return h;
}

std::string render_projection(const Projection& p, Format f) {
  return render_as(p, f, projection_csv, projection_json, projection_text);
}

std::string render_breakeven(const BreakEvenReport& r, Format f) {
  return render_as(r, f, breakeven_csv, breakeven_json, breakeven_text);
}

std::string render_sweep(const Sweep& s, Format f, bool crossovers_only) {
  return render_as(s, f, crossovers_only ? crossovers_csv : sweep_csv, sweep_json, sweep_text);
}

std::string render_diff(const CompareDiff& d, Format f) { return render_as(d, f, diff_csv, diff_json, diff_text); }

}  // namespace plan::report
