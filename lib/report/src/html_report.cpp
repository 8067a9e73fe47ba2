#include "plan/report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <optional>

#include "plan/core/serving/replica_model.hpp"
#include "plan/core/base/units.hpp"
#include "plan/report/charts.hpp"
#include "plan/report/escape.hpp"
#include "plan/report/finance_report.hpp"
#include "plan/report/risk_report.hpp"
#include "plan/report/recommend_report.hpp"
#include "plan/report/summary.hpp"
#include "plan/report/svg.hpp"
#include "plan/report/table.hpp"

namespace plan::report {
namespace {

constexpr const char* css = R"(
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px auto; max-width: 980px; color: #111; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #999; }
h3 { font-size: 14.5px; margin: 14px 0 4px; }
p.meta { color: #333; font-size: 13px; }
table { border-collapse: collapse; font-size: 12.5px; width: 100%; }
th, td { border: 1px solid #bbb; padding: 3px 6px; } th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.best td { font-weight: bold; background: #f4f4f4; }
tr.infeasible td { color: #666; font-style: italic; }
pre { background: #f6f6f6; padding: 8px; font-size: 12.5px; white-space: pre-wrap; }
figure { margin: 12px 0; } figcaption { font-size: 12px; color: #333; }
svg { max-width: 100%; height: auto; }
.card { border: 1px solid #888; border-left: 6px solid #0072B2; border-radius: 4px; padding: 10px 16px; margin: 10px 0; background: #fafcfe; }
.card h3 { font-size: 14px; margin: 12px 0 4px; } .card ul { margin: 4px 0; padding-left: 20px; font-size: 13px; }
.card .head { font-size: 18px; } .card .kind { font-size: 12px; border: 1px solid #555; border-radius: 3px; padding: 0 4px; margin-left: 6px; }
.card .cost { float: right; font-size: 16px; font-weight: bold; }
#summary table { width: auto; min-width: 60%; } #summary .lead { font-size: 16px; }
p.source { font-size: 11.5px; color: #444; }
li.saving { color: #064; } li.extra { color: #822; }
@media print { body { margin: 0; } section { page-break-inside: avoid; } }
)";

std::string esc(const std::string& s) { return html_escape(s); }

std::string compare_table(const CompareResult& c) {
  std::string out = "<table id=\"compare-table\"><thead><tr><th>option</th><th>kind</th><th>monthly USD</th>"
                    "<th>USD per 1M tokens</th><th>replicas</th><th>GPUs</th><th>utilisation</th><th>TTFT p95 ms</th>"
                    "<th>TPOT ms</th><th>throughput from</th><th>feasible</th></tr></thead><tbody>\n";
  for (const auto& o : c.options) {
    bool best = c.cheapest && *c.cheapest == o.id;
    const SelfHostedDetail* f = fleet_detail(o);
    bool sh = f && o.feasible;
    bool lat = sh && f->latency_at_peak;
    out += fmt::format(
        "<tr class=\"{}\" data-option=\"{}\" data-monthly-cost-usd=\"{}\"><td>{}{}</td><td>{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
        best ? "best" : (o.feasible ? "" : "infeasible"), esc(o.id), o.feasible ? fixed(o.monthly_cost_usd, 2) : "",
        esc(o.id), best ? " (cheapest)" : "", to_string(o.kind), o.feasible ? usd(o.monthly_cost_usd) : "-",
        o.feasible ? fixed(o.cost_per_mtok_usd, 4) : "-", sh ? std::to_string(f->replicas) : "-",
        sh ? std::to_string(f->gpus) : "-", sh ? fixed(f->utilization * 100, 1) + "%" : "-",
        lat ? fixed(f->latency_at_peak->ttft_p95_ms, 1) : "-",
        lat ? fixed(f->latency_at_peak->tpot_ms, 1) : "-",
        f ? esc(provenance_text(f->throughput_provenance, "-")) : "-",
        o.feasible ? "yes" : esc("no: " + (o.reasons.empty() ? std::string() : o.reasons.front())));
  }
  return out + "</tbody></table>\n";
}

std::string figure(const std::string& id, const std::string& svg, const std::string& caption) {
  return fmt::format("<figure id=\"{}\">\n{}<figcaption>{}</figcaption></figure>\n", id, svg, esc(caption));
}

// The options whose private fleets are drawn against demand: every feasible self-hosted and
// hybrid option of the profile, and the recommended plan when it is a hybrid the profile
// does not declare.
std::vector<const OptionResult*> fleet_options(const Recommendation& r) {
  std::vector<const OptionResult*> out;
  for (const auto& o : r.compare.options)
    if (o.feasible && fleet_capacity(o, 0)) out.push_back(&o);
  if (r.best && r.plans[*r.best].result && hybrid_detail(*r.plans[*r.best].result)) {
    const OptionResult& b = *r.plans[*r.best].result;
    if (std::none_of(out.begin(), out.end(), [&](const OptionResult* o) { return o->id == b.id; })) out.push_back(&b);
  }
  return out;
}

// Tokens per request of the profile's mix, when its volume is in requests (no workload
// assumed the default tokens per request).
std::optional<double> tokens_per_request(const Profile& p) {
  for (const auto& w : p.workloads)
    if (w.tokens_per_request_assumed) return std::nullopt;
  const double tpr = WorkloadMix::of(p.workloads).tokens_per_request();
  return tpr > 0 ? std::optional<double>(tpr) : std::nullopt;
}

std::string money_cell(double v) {
  return fmt::format("<td class=\"num\" data-usd=\"{}\">{}</td>", fixed(v, 2), usd(v));
}

std::string summary_section(const ExecutiveSummary& s, const CompareResult& c, const Projection* p) {
  std::string out = "<section id=\"summary\"><h2>Summary</h2>\n";
  if (!s.any_feasible)
    return out + "<p class=\"lead\">No plan is feasible: every option is excluded (see the findings below).</p></section>\n";
  out += fmt::format("<p class=\"lead\">Recommended: <b id=\"summary-option\" data-kind=\"{}\">{}</b> ({}) &mdash; {}.</p>\n",
                     esc(s.kind), esc(s.option), esc(s.kind), esc(s.description));
  out += "<table id=\"summary-figures\"><tbody>\n";
  out += "<tr data-figure=\"monthly\"><th>monthly cost at today's volume</th>" + money_cell(s.monthly_cost_usd) +
         "<td>USD/month (plan recommend)</td></tr>\n";
  if (s.projected) {
    out += fmt::format("<tr data-figure=\"month1\"><th>month 1 ({})</th>{}<td>USD (plan project){}</td></tr>\n",
                       esc(s.start), money_cell(s.month1_usd), s.month1_feasible ? "" : "; infeasible in that month");
    out += fmt::format("<tr data-figure=\"horizon\"><th>total over {} months</th>{}<td>USD{}</td></tr>\n", s.months,
                       money_cell(s.horizon_total_usd), s.horizon_feasible ? "" : " (infeasible in some month)");
    std::string payback;
    if (s.option == s.baseline)
      payback = "it is the projection's baseline";
    else if (s.payback.month)
      payback = fmt::format("{} against {}", payback_text(s.payback, s.months), s.baseline);
    else
      payback = fmt::format("no payback within {} months against {}: {}", s.months, s.baseline, s.payback.why_none);
    out += fmt::format("<tr data-figure=\"payback\" data-month=\"{}\"><th>payback</th><td colspan=\"2\">{}</td></tr>\n",
                       s.payback.month && s.option != s.baseline ? std::to_string(*s.payback.month) : "",
                       esc(payback));
  }
  out += "</tbody></table>\n";
  if (s.projected && !s.alternatives.empty()) {
    out += fmt::format("<h3>Against the alternatives over {} months</h3>\n<ul id=\"summary-alternatives\">\n", s.months);
    for (const auto& a : s.alternatives) {
      if (!a.feasible) {
        out += fmt::format("<li data-option=\"{}\">{}: infeasible in some month of the horizon</li>\n", esc(a.id), esc(a.id));
        continue;
      }
      if (!s.horizon_feasible) {  // savings of an option infeasible in some month: not computed
        out += fmt::format("<li data-option=\"{}\">{}: not compared ({} is infeasible in some month of the horizon)</li>\n",
                           esc(a.id), esc(a.id), esc(s.option));
        continue;
      }
      const bool saves = a.savings_usd >= 0;
      out += fmt::format("<li class=\"{}\" data-option=\"{}\" data-savings-usd=\"{}\">{} {} USD against {} ({} USD over "
                         "the horizon)</li>\n",
                         saves ? "saving" : "extra", esc(a.id), fixed(a.savings_usd, 2), saves ? "saves" : "costs",
                         usd(std::fabs(a.savings_usd)) + (saves ? "" : " more"), esc(a.id), usd(a.total_usd));
    }
    out += "</ul>\n";
  } else if (!s.projected) {
    out += fmt::format("<p>{} is not one of the profile's options, so it has no month-by-month projection; declare it "
                       "under <code>options:</code> to project it.</p>\n",
                       esc(s.option));
  }
  if (!s.changes.empty()) {
    out += "<h3>What would change the answer</h3>\n<ul id=\"summary-changes\">\n";
    for (const auto& ch : s.changes) out += "<li>" + esc(ch) + "</li>\n";
    out += "</ul>\n";
  }
  out += fmt::format("<p class=\"source\">Source: price sheet {} (<code>{}</code>, sha256 <code>{}</code>); a month is "
                     "{:.0f} hours; monthly cost from <code>plan recommend</code>; month 1, totals, savings and payback "
                     "from <code>plan project</code>{}; volumes from <code>plan sweep</code> of the profile's options.</p>\n",
                     esc(c.price_sheet_version), esc(c.price_sheet_path), esc(c.price_sheet_sha256), c.hours_per_month,
                     p ? fmt::format(" ({} months from {}, {} basis, baseline {})", p->months, esc(p->start),
                                     esc(to_string(p->basis)), esc(p->baseline))
                       : std::string());
  return out + "</section>\n";
}

std::string recommendation_card(const Recommendation& r) {
  using K = RecommendLine::Kind;
  const CompareResult& c = r.compare;
  std::string out = "<section id=\"recommendation\"><h2>Recommendation</h2>\n<div class=\"card\" id=\"recommendation-card\">\n";
  if (r.best) {
    const Plan& b = r.plans[*r.best];
    out += fmt::format("<div class=\"head\"><b>{}</b><span class=\"kind\">{}</span><span class=\"cost\">{} USD/month</span>"
                       "</div>\n",
                       esc(b.id), esc(plan_kind(b)),
                       usd(b.monthly_cost_usd));
  } else {
    out += "<div class=\"head\"><b>No feasible plan</b></div>\n";
  }
  const auto lines = recommend_summary_lines(r);
  auto list = [&](K kind, const char* title, const char* cls) {
    std::string items;
    for (const auto& l : lines)
      if (l.kind == kind) items += "<li>" + esc(l.text) + "</li>\n";
    if (kind == K::note) {
      for (const auto& o : c.options) {
        for (const auto& why : o.reasons) items += "<li>" + esc(o.id + ": infeasible: " + why) + "</li>\n";
        for (const auto& n : o.notes) items += "<li>" + esc(o.id + ": " + n) + "</li>\n";
      }
    }
    return items.empty() ? std::string() : fmt::format("<h3>{}</h3><ul class=\"{}\">\n{}</ul>\n", title, cls, items);
  };
  for (const auto& l : lines)
    if (l.kind == K::what) out += "<p class=\"what\">" + esc(l.text) + "</p>\n";
  out += list(K::reason, "Why", "reasons") + list(K::workload, "Where the traffic goes", "assignments") +
         list(K::note, "Feasibility notes and findings", "findings");
  return out + "</div></section>\n";
}

// The decision summary of a profile with models: or current_option, at the top: per
// workload, then the one line of what to do.
std::string decision_section(const Recommendation& r) {
  const auto lines = recommend_decision_lines(r);
  if (lines.empty()) return "";
  std::string out = "<section id=\"decision\"><h2>Decision</h2>\n<ul class=\"decision\">\n";
  std::string act;
  for (const auto& l : lines) {
    if (l.kind == RecommendLine::Kind::action) act = "<p class=\"action\"><b>Do:</b> " + esc(l.text) + "</p>\n";
    else out += "<li><b>" + esc(l.label) + "</b>" + esc(l.text) + "</li>\n";
  }
  return out + "</ul>\n" + act + "</section>\n";
}

// The cost-against-volume chart and the volumes at which the cheapest option changes.
std::string html_cost_volume(const HtmlReportInput& in, const CompareResult& c, std::optional<double> tpr) {
  std::string out;
  double projected = 0;
  if (in.projection && !in.projection->options.empty() && !in.projection->options.front().months.empty())
    projected = in.projection->tokens_per_day_today * in.projection->options.front().months.back().volume_scale;
  out += "<section id=\"cost-volume\"><h2>Cost against volume</h2>\n" +
         figure("chart-cost-volume", cost_vs_volume_svg(*in.sweep, c.monthly_tokens / days_per_month, projected),
                "Monthly cost of each feasible option as the profile's daily volume scales (same mix and shape). "
                "Dashed vertical lines: today's volume, the volume at the end of the horizon, and the volumes "
                "X1, X2, ... at which the cheapest option changes (the table below).");
  const auto changes = cheapest_changes(*in.sweep);
  if (!changes.empty()) {
    out += fmt::format("<p>Volumes at which the cheapest option changes ({} of the {} crossovers of pairs of options; "
                       "at the others the cheapest option stays the same).</p>\n",
                       changes.size(), in.sweep->crossovers.size());
    out += "<table id=\"crossovers\"><thead><tr><th>mark</th><th>daily volume</th><th>x today's</th>"
           "<th>cheapest below</th><th>cheapest above</th></tr></thead><tbody>\n";
    int n = 0;
    const double today = c.monthly_tokens / days_per_month;
    for (const auto& x : changes)
      out += fmt::format("<tr data-tokens-per-day=\"{}\"><td>X{}</td><td>{}{}</td><td class=\"num\">{}</td><td>{}</td>"
                         "<td>{}</td></tr>\n",
                         fixed(x.tokens_per_day, 0), ++n, esc(volume_per_day_text(x.tokens_per_day, tpr)),
                         x.at_crossover ? "" : " (feasibility)", fmt::format("{:.3g}", x.tokens_per_day / today),
                         esc(x.from), esc(x.to));
    out += "</tbody></table>\n";
  } else {
    out += "<p>The cheapest option is the same at every volume swept.</p>\n";
  }
  out += "</section>\n";
  return out;
}

// The cumulative cost over the horizon: chart and totals with payback months.
std::string html_tco(const Projection& p) {
  std::string out;
  out += "<section id=\"tco\"><h2>Cumulative cost over the horizon</h2>\n" +
         figure("chart-tco", cumulative_tco_svg(p),
                fmt::format("Cumulative cost month by month from {} for {} months, with the profile's growth, "
                            "commitments and one-time costs (plan project).",
                            p.start, p.months));
  out += "<table id=\"tco-totals\"><thead><tr><th>option</th><th>total USD over the horizon</th><th>payback month "
         "against " + esc(p.baseline) + "</th></tr></thead><tbody>\n";
  for (const auto& o : p.options)
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n", esc(o.id),
                       o.feasible ? usd(o.total) : "- (infeasible in some month)",
                       o.payback.month ? std::to_string(*o.payback.month) : "-");
  out += "</tbody></table></section>\n";
  return out;
}

// The cost under uncertainty: the fan and tornado charts and each option's percentiles.
std::string html_risk(const RiskResult& r) {
  std::string out;
  out += "<section id=\"risk\"><h2>Under uncertainty</h2>\n" +
         figure("chart-fan", risk_fan_svg(r),
                fmt::format("Cumulative cost over the horizon in {} draws of the profile's uncertain inputs (seed {}): "
                            "line, the median; band, p10 to p90 (plan risk, docs/risk.md). At most five options, "
                            "those with the lowest median total among the options feasible in most draws.",
                            r.draws, r.seed));
  const std::string tornado = risk_tornado_svg(r);
  if (!tornado.empty())
    out += figure("chart-tornado", tornado,
                  fmt::format("Margin of {} over {} over the horizon with one input at its p10 and at its p90, the "
                              "others at their medians; the longest bars are what the choice hinges on. Solid line: "
                              "every input at its median; dashed line: no margin (the two cost the same).",
                              *r.recommended, *r.runner_up));
  out += "<table id=\"risk-options\"><thead><tr><th>option</th><th>horizon p10</th><th>median</th><th>p90</th>"
         "<th>probability cheapest</th></tr></thead><tbody>\n";
  for (const auto& o : r.options)
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td></tr>\n",
                       esc(o.id), usd(o.horizon_cost_usd.p10), usd(o.horizon_cost_usd.p50), usd(o.horizon_cost_usd.p90),
                       fixed(o.probability_cheapest, 3));
  out += "</tbody></table></section>\n";
  return out;
}

// The traffic shape with each fleet's private capacity, when there is a fleet or a workload.
std::string html_hourly(const HtmlReportInput& in, const Recommendation& rec) {
  std::string out;
  if (const auto fleets = fleet_options(rec); !fleets.empty() || !in.profile->workloads.empty()) {
    bool flat_factor = false;
    for (const auto& w : in.profile->workloads) flat_factor = flat_factor || (!w.traffic.hourly_given && w.traffic.peak_to_average);
    std::string caption = "Average demand in each hour of the day (all workloads), as the profile gives it";
    if (flat_factor)
      caption += "; the profile gives a flat peak factor (peak_to_average) rather than an hourly shape for some "
                 "workloads, so their hours are drawn flat, with the average and the peak the fleets are sized for "
                 "drawn as lines";
    caption += fleets.empty() ? "." : ". Lines: the private capacity of each self-hosted and hybrid option (replicas "
                                      "x SLA-bound tokens/s of a replica).";
    out += "<section id=\"hourly\"><h2>Traffic shape and private capacity</h2>\n" +
           figure("chart-hourly", hourly_capacity_svg(*in.profile, fleets), caption) + "</section>\n";
  }
  return out;
}

// The latency at peak against targets, when an option has it.
std::string html_latency(const HtmlReportInput& in, const CompareResult& c) {
  std::string out;
  bool any_latency = false;
  for (const auto& o : c.options) any_latency = any_latency || (fleet_detail(o) && fleet_detail(o)->latency_at_peak);
  if (any_latency) {
    out += "<section id=\"latency\"><h2>Latency at peak against targets</h2>\n" +
           figure("chart-ttft", latency_svg(*in.profile, c, true), "TTFT p95 at the peak hour (queueing + prefill).") +
           figure("chart-tpot", latency_svg(*in.profile, c, false), "Time per output token at the peak hour.") +
           "</section>\n";
  }
  return out;
}

// The Pareto charts of the options searched (plan search).
std::string html_search(const HtmlReportInput& in) {
  std::string out;
  std::string figs;
  for (std::size_t i = 0; i < in.searches->size(); ++i) {
    const SearchResult& r = (*in.searches)[i];
    if (r.ranked.empty()) continue;
    const auto mix = WorkloadMix::of(in.profile->workloads);
    std::string caption = fmt::format(
        "Each feasible point of option {} (plan search): {} of {} points searched. The line joins the points no "
        "other point beats on both cost and speed per user",
        r.option_id, r.ranked.size(), r.counts.points);
    if (mix.tpot_ms) caption += fmt::format("; the vertical line is the TPOT target ({:.0f} ms: {:.1f} tokens/s per user)",
                                            *mix.tpot_ms, 1e3 / *mix.tpot_ms);
    if (mix.ttft_p95_ms) caption += fmt::format("; every point meets the TTFT p95 target of {:.0f} ms", *mix.ttft_p95_ms);
    figs += figure("chart-search-" + std::to_string(i + 1), search_pareto_svg(*in.profile, r), caption + ".");
  }
  if (!figs.empty()) out += "<section id=\"search\"><h2>Cheapest ways to serve: open choices searched</h2>\n" + figs + "</section>\n";
  return out;
}

// The assumptions and the provenance of every figure.
std::string html_provenance(const CompareResult& c) {
  std::string out;
  out += "<section id=\"provenance\"><h2>Assumptions and provenance</h2>\n<ul>\n";
  out += fmt::format("<li>Prices: sheet {} (<code>{}</code>), sha256 <code>{}</code>.</li>\n", esc(c.price_sheet_version),
                     esc(c.price_sheet_path), esc(c.price_sheet_sha256));
  out += fmt::format("<li>A month is {:.0f} hours (8760 / 12); daily figures x {:.4f} days.</li>\n", hours_per_month,
                     days_per_month);
  out += "<li>Money is rounded to the cent when shown; totals are sums of the rounded lines.</li>\n";
  for (const auto& o : c.options)
    for (const auto& pv : o.provenance)
      out += fmt::format("<li>{}: {} from <code>{}</code></li>\n", esc(o.id), esc(pv.what), esc(pv.source));
  out += "</ul></section>\n</body>\n</html>\n";
  return out;
}

}  // namespace

std::string render_html_report(const HtmlReportInput& in) {
  const Recommendation& rec = *in.recommendation;
  const CompareResult& c = rec.compare;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<title>plan report: {}</title>\n<style>{}</style>\n</head>\n<body>\n", esc(c.profile_name), css);
  out += fmt::format("<h1>plan report: {}</h1>\n", esc(c.profile_name));
  out += fmt::format(
      "<p class=\"meta\">Profile <code>{}</code>. Price sheet <b>{}</b> (<code>{}</code>, sha256 <code>{}</code>). "
      "Currency {}. A month is {:.0f} hours. Volume today: {} tokens/day, {} tokens/month. plan {}.</p>\n",
      esc(c.profile_path), esc(c.price_sheet_version), esc(c.price_sheet_path), esc(c.price_sheet_sha256),
      esc(c.currency), c.hours_per_month, human(c.monthly_tokens / days_per_month), human(c.monthly_tokens),
      esc(in.tool_version));

  const std::optional<double> tpr = tokens_per_request(*in.profile);
  out += decision_section(rec);
  out += summary_section(executive_summary(rec, in.sweep, in.projection, in.risk, tpr), c, in.projection);
  out += recommendation_card(rec);
  out += "<section id=\"comparison\"><h2>Options compared</h2>\n" + compare_table(c) + "</section>\n";

  if (in.sweep) out += html_cost_volume(in, c, tpr);
  if (in.projection) out += html_tco(*in.projection);
  if (in.risk) out += html_risk(*in.risk);
  out += html_hourly(in, rec);
  out += html_latency(in, c);
  if (in.searches) out += html_search(in);
  out += html_provenance(c);
  return out;
}

}  // namespace plan::report
