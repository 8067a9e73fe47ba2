// plan project PROFILE: month-by-month cost of every option over the profile's horizon.
#include "common.hpp"
#include "binary_output.hpp"
#include "plan/report/charts.hpp"
#include "plan/core/finance/finance.hpp"
#include "plan/report/finance_report.hpp"
#include "plan/report/workbook.hpp"

namespace plan::cli {
namespace {
struct ProjectOptions : ProfileArgs {
  WindowArgs window;
  std::string baseline;
  std::string basis = "accrual";
};
}  // namespace

void setup_project(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<ProjectOptions>();
  auto* sub = app.add_subcommand(
      "project", "Project every option month by month over the profile's horizon (growth, commitments, one-time "
                 "costs): each cost line, total, cumulative, savings against a baseline, present value");
  add_profile_args(*sub, *opt, "Workload profile (YAML) with an optional horizon: section");
  sub->add_option("--baseline", opt->baseline, "Option id savings are measured against (default: the first option)");
  add_window_args(*sub, opt->window);
  sub->add_option("--basis", opt->basis,
                  "How owned hardware is counted: accrual (the purchase amortised month by month; default) or cash "
                  "(the purchase in its month, the residual value back when amortisation ends)")
      ->check(CLI::IsMember({"accrual", "cash"}));
  add_report_output_args(*sub, *opt, {"table", "csv", "json", "markdown", "svg", "xlsx"});
  reg.add(sub, [opt, &g = reg.globals]() {
    check_binary_output(opt->format, opt->out);
    Loaded l = load_profile_and_sheet(g, opt->profile, opt->prices);
    apply_window(l.profile, opt->window);
    auto perf = make_replica_provider(g, "", l.profile.models);
    const CostBasis basis = opt->basis == "cash" ? CostBasis::cash : CostBasis::accrual;
    Projection p = project(l.profile, l.sheet, perf.get(), opt->baseline, basis);
    if (opt->format == "svg") emit(report::cumulative_tco_svg(p), opt->out);
    else if (opt->format == "xlsx") emit(report::projection_workbook(p), opt->out);
    else emit(report::render_projection(p, to_format(opt->format)), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
