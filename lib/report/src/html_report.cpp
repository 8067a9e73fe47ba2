#include "plan/report/html_report.hpp"

#include <fmt/format.h>

#include "plan/core/units.hpp"
#include "plan/report/charts.hpp"
#include "plan/report/risk_report.hpp"
#include "plan/report/recommend_report.hpp"
#include "plan/report/svg.hpp"
#include "plan/report/table.hpp"

namespace plan::report {
namespace {

constexpr const char* css = R"(
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px auto; max-width: 980px; color: #111; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #999; }
p.meta { color: #333; font-size: 13px; }
table { border-collapse: collapse; font-size: 12.5px; width: 100%; }
th, td { border: 1px solid #bbb; padding: 3px 6px; } th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.best td { font-weight: bold; background: #f4f4f4; }
tr.infeasible td { color: #666; font-style: italic; }
pre { background: #f6f6f6; padding: 8px; font-size: 12.5px; white-space: pre-wrap; }
figure { margin: 12px 0; } figcaption { font-size: 12px; color: #333; }
svg { max-width: 100%; height: auto; }
@media print { body { margin: 0; } section { page-break-inside: avoid; } }
)";

std::string esc(const std::string& s) { return xml_escape(s); }

std::string compare_table(const CompareResult& c) {
  std::string out = "<table id=\"compare-table\"><thead><tr><th>option</th><th>kind</th><th>monthly USD</th>"
                    "<th>USD per 1M tokens</th><th>replicas</th><th>GPUs</th><th>utilisation</th><th>TTFT p95 ms</th>"
                    "<th>TPOT ms</th><th>throughput from</th><th>feasible</th></tr></thead><tbody>\n";
  for (const auto& o : c.options) {
    bool best = c.cheapest && *c.cheapest == o.id;
    bool sh = o.self_hosted && o.feasible;
    bool lat = sh && o.self_hosted->latency_at_peak;
    out += fmt::format(
        "<tr class=\"{}\" data-option=\"{}\" data-monthly-cost-usd=\"{}\"><td>{}{}</td><td>{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
        best ? "best" : (o.feasible ? "" : "infeasible"), esc(o.id), o.feasible ? fixed(o.monthly_cost_usd, 2) : "",
        esc(o.id), best ? " (cheapest)" : "", to_string(o.kind), o.feasible ? usd(o.monthly_cost_usd) : "-",
        o.feasible ? fixed(o.cost_per_mtok_usd, 4) : "-", sh ? std::to_string(o.self_hosted->replicas) : "-",
        sh ? std::to_string(o.self_hosted->gpus) : "-", sh ? fixed(o.self_hosted->utilization * 100, 1) + "%" : "-",
        lat ? fixed(o.self_hosted->latency_at_peak->ttft_p95_ms, 1) : "-",
        lat ? fixed(o.self_hosted->latency_at_peak->tpot_ms, 1) : "-",
        o.self_hosted ? esc(provenance_text(o.self_hosted->throughput_provenance, "-")) : "-",
        o.feasible ? "yes" : esc("no: " + (o.reasons.empty() ? std::string() : o.reasons.front())));
  }
  return out + "</tbody></table>\n";
}

std::string figure(const std::string& id, const std::string& svg, const std::string& caption) {
  return fmt::format("<figure id=\"{}\">\n{}<figcaption>{}</figcaption></figure>\n", id, svg, esc(caption));
}

// The option whose private fleet is worth drawing: the recommended plan when it has one,
// else the cheapest feasible self-hosted option.
const OptionResult* fleet_option(const Recommendation& r) {
  if (r.best && r.plans[*r.best].result && r.plans[*r.best].result->self_hosted) return &*r.plans[*r.best].result;
  const OptionResult* best = nullptr;
  for (const auto& p : r.plans) {
    if (p.feasible && p.result && p.result->self_hosted && (!best || p.monthly_cost_usd < best->monthly_cost_usd))
      best = &*p.result;
  }
  return best;
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

  // Recommendation: the same summary as `plan recommend` prints below its header.
  out += "<section id=\"recommendation\"><h2>Recommendation</h2>\n<pre>" + esc(render_recommend_summary(rec)) +
         "</pre></section>\n";

  out += "<section id=\"comparison\"><h2>Options compared</h2>\n" + compare_table(c);
  std::string findings;
  for (const auto& n : c.notes) findings += "<li>" + esc(n) + "</li>\n";
  for (const auto& o : c.options) {
    for (const auto& why : o.reasons) findings += "<li>" + esc(o.id + ": infeasible: " + why) + "</li>\n";
    for (const auto& n : o.notes) findings += "<li>" + esc(o.id + ": " + n) + "</li>\n";
  }
  if (!findings.empty()) out += "<h3>Findings</h3><ul>\n" + findings + "</ul>\n";
  out += "</section>\n";

  if (in.sweep) {
    double projected = 0;
    if (in.projection && !in.projection->options.empty() && !in.projection->options.front().months.empty())
      projected = in.projection->tokens_per_day_today * in.projection->options.front().months.back().volume_scale;
    out += "<section id=\"cost-volume\"><h2>Cost against volume</h2>\n" +
           figure("chart-cost-volume", cost_vs_volume_svg(*in.sweep, c.monthly_tokens / days_per_month, projected),
                  "Monthly cost of each feasible option as the profile's daily volume scales (same mix and shape). "
                  "Dashed vertical lines: today's volume, the volume at the end of the horizon, and break-even "
                  "(crossover) volumes between options.");
    if (!in.sweep->crossovers.empty()) {
      out += "<table id=\"crossovers\"><thead><tr><th>mark</th><th>tokens/day</th><th>options that cost the same</th>"
             "<th>cheaper above</th></tr></thead><tbody>\n";
      int n = 0;
      for (const auto& x : in.sweep->crossovers)
        out += fmt::format("<tr><td>X{}</td><td class=\"num\">{}</td><td>{} = {}</td><td>{}</td></tr>\n", ++n,
                           fixed(x.tokens_per_day, 0), esc(x.a), esc(x.b), esc(x.cheaper_above));
      out += "</tbody></table>\n";
    }
    out += "</section>\n";
  }
  if (in.projection) {
    const Projection& p = *in.projection;
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
                         o.payback_month ? std::to_string(*o.payback_month) : "-");
    out += "</tbody></table></section>\n";
  }
  if (in.risk) {
    const RiskResult& r = *in.risk;
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
  }
  if (const OptionResult* f = fleet_option(rec)) {
    out += "<section id=\"hourly\"><h2>Traffic shape and private capacity</h2>\n" +
           figure("chart-hourly", hourly_capacity_svg(*in.profile, *f),
                  "Average demand in each hour of the day (all workloads), against the private capacity provisioned "
                  "for the peak" + std::string(f->hybrid ? "; hatched: overflow to the API." : "."));
    out += "</section>\n";
  }
  bool any_latency = false;
  for (const auto& o : c.options) any_latency = any_latency || (o.self_hosted && o.self_hosted->latency_at_peak);
  if (any_latency) {
    out += "<section id=\"latency\"><h2>Latency at peak against targets</h2>\n" +
           figure("chart-ttft", latency_svg(*in.profile, c, true), "TTFT p95 at the peak hour (queueing + prefill).") +
           figure("chart-tpot", latency_svg(*in.profile, c, false), "Time per output token at the peak hour.") +
           "</section>\n";
  }
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

}  // namespace plan::report
