// plan project PROFILE: month-by-month cost of every option over the profile's horizon.
#include "common.hpp"
#include "plan/report/charts.hpp"
#include "plan/core/finance.hpp"
#include "plan/report/finance_report.hpp"

namespace plan::cli {
namespace {
struct ProjectOptions {
  std::string profile;
  std::string prices;
  std::string baseline;
  std::string format = "table";
  std::string out;
};
}  // namespace

void setup_project(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<ProjectOptions>();
  auto* sub = app.add_subcommand(
      "project", "Project every option month by month over the profile's horizon (growth, commitments, one-time "
                 "costs): each cost line, total, cumulative, savings against a baseline, present value");
  sub->add_option("profile", opt->profile, "Workload profile (YAML) with an optional horizon: section")->required();
  sub->add_option("--prices", opt->prices,
                  "Price-sheet version or file; default: the profile's price_sheet, else the newest");
  sub->add_option("--baseline", opt->baseline, "Option id savings are measured against (default: the first option)");
  add_format_option(*sub, opt->format, {"table", "csv", "json", "markdown", "svg"});
  sub->add_option("-o,--output", opt->out, "Write to FILE atomically instead of standard output ('-' = stdout)");
  reg.add(sub, [opt, &g = reg.globals]() {
    Loaded l = load_profile_and_sheet(g, opt->profile, opt->prices);
    auto perf = make_replica_provider(g, "");
    Projection p = project(l.profile, l.sheet, perf.get(), opt->baseline);
    if (opt->format == "svg") emit(report::cumulative_tco_svg(p), opt->out);
    else emit(report::render_projection(p, to_format(opt->format)), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
