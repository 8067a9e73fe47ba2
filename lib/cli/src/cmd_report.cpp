// plan report PROFILE [-o report.html]: one self-contained HTML page with a summary, the
// recommendation, the comparison and charts, on standard output unless -o names a file.
#include "common.hpp"
#include "plan/core/finance/finance.hpp"
#include "plan/core/options/recommend.hpp"
#include "plan/core/finance/risk.hpp"
#include "plan/core/options/search.hpp"
#include "plan/io/uncertainty_loader.hpp"
#include "plan/report/html_report.hpp"

#ifndef PLAN_VERSION
#define PLAN_VERSION "0.0.0"
#endif

namespace plan::cli {

void setup_report(CLI::App& app, Registry& reg) {
  struct Opts : ProfileArgs {
    WindowArgs window;
    int points = 160;
  };
  auto opt = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "report",
      "Write a self-contained HTML report (inline SVG charts, no network): a summary (recommendation, month-1 and "
      "horizon totals, payback, savings against each alternative, what would change the answer), the "
      "recommendation, comparison, cost against volume with the volumes where the cheapest option changes, "
      "cumulative cost over the horizon, hourly demand against each fleet's capacity, latency, provenance "
      "(docs/reports.md)");
  add_profile_args(*sub, *opt, "Workload profile (YAML)",
                   "Price-sheet version or file (default: the profile's, else the newest)");
  sub->add_option("-o,--output", opt->out, "HTML file to write atomically (default, or '-': standard output)");
  add_window_args(*sub, opt->window);
  add_scale_arg(*sub, opt->scale);
  sub->add_option("--points", opt->points, "Volumes in the cost-against-volume chart (100x below to 100x above today)")
      ->check(CLI::Range(10, 5000))
      ->capture_default_str();
  reg.add(sub, [opt, &g = reg.globals]() {
    Loaded l = load_profile_and_sheet(g, opt->profile, opt->prices);
    apply_window(l.profile, opt->window);
    const std::string scaled = apply_scale(l.profile, opt->scale);
    auto perf = make_replica_provider(g, "", l.profile.models);
    Recommendation rec = recommend(l.profile, l.sheet, perf.get());
    if (!scaled.empty()) rec.compare.notes.insert(rec.compare.notes.begin(), scaled);

    std::vector<std::unique_ptr<OptionEvaluator>> evals;
    std::vector<const OptionEvaluator*> ptrs;
    for (const auto& o : l.profile.options) {
      evals.push_back(std::make_unique<OptionEvaluator>(l.profile, l.sheet, o, perf.get()));
      ptrs.push_back(evals.back().get());
    }
    const double today = l.profile.tokens_per_day();
    std::optional<Sweep> sw;
    if (today > 0) sw = sweep(ptrs, today, today / 100, today * 100, opt->points, true);
    Projection proj = project(l.profile, l.sheet, perf.get(), "");

    // With an uncertainty: section, the fan and tornado charts of `plan risk`.
    std::optional<RiskResult> risk;
    if (const std::optional<Uncertainty> u = io::load_uncertainty(opt->profile)) {
      io::check_uncertainty_providers(*u, l.sheet);
      risk = run_risk(l.profile, *u, l.sheet, perf.get(), {});
    }

    // Every feasible point of the options with open choices, for their cost-speed chart.
    std::vector<SearchResult> searches;
    SearchSettings every;
    every.top = 0;
    for (const auto& o : l.profile.options)
      if (has_open_choices(o)) searches.push_back(search_option(l.profile, l.sheet, o, perf.get(), every));

    report::HtmlReportInput in;
    in.searches = &searches;
    in.risk = risk ? &*risk : nullptr;
    in.profile = &l.profile;
    in.recommendation = &rec;
    in.sweep = sw ? &*sw : nullptr;
    in.projection = &proj;
    in.tool_version = PLAN_VERSION;
    emit(report::render_html_report(in), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
