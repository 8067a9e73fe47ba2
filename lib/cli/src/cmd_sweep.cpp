// plan sweep PROFILE --volume FROM..TO: monthly cost of every option across daily volumes,
// and the volumes where two options cost the same.
#include "common.hpp"
#include "binary_output.hpp"
#include "plan/core/finance/finance.hpp"
#include "plan/report/charts.hpp"
#include "plan/report/finance_report.hpp"
#include "plan/report/workbook.hpp"

#include <fmt/format.h>

namespace plan::cli {
namespace {
struct SweepOptions : ProfileArgs {
  SweepOptions() { format = "csv"; }
  std::string volume;
  int points = 50;
  bool log = false;
  bool crossovers = false;
};
constexpr int max_points = 1'000'000;
}  // namespace

void setup_sweep(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<SweepOptions>();
  auto* sub = app.add_subcommand("sweep", "Monthly cost of every option at each daily volume of a range, and the "
                                          "crossover volumes where two options cost the same");
  add_profile_args(*sub, *opt, "Workload profile (YAML); its mix and traffic shape are scaled");
  sub->add_option("--volume", opt->volume, "Daily volumes FROM..TO in tokens/day (suffixes k, M, B, T), e.g. 1M..10B")
      ->required();
  sub->add_option("--points", opt->points, "Number of volumes, both ends included")
      ->check(CLI::Range(1, max_points))
      ->capture_default_str();
  sub->add_flag("--log", opt->log, "Space the volumes logarithmically (default: linearly)");
  sub->add_flag("--crossovers", opt->crossovers,
                "CSV only: write the crossover points instead of the cost points (table and json hold both)");
  add_report_output_args(*sub, *opt, {"csv", "json", "table", "markdown", "svg", "xlsx"});
  reg.add(sub, [opt, &g = reg.globals]() {
    double from = 0, to = 0;
    if (!parse_volume_range(opt->volume, from, to))
      throw Error(fmt::format("--volume '{}' is not FROM..TO (expected two positive volumes, FROM < TO, e.g. 1M..10B)",
                              opt->volume),
                  ExitCode::usage_error);
    if (opt->crossovers && opt->format != "csv")
      throw Error("--crossovers applies to --format csv only (table and json always include the crossovers)",
                  ExitCode::usage_error);
    check_binary_output(opt->format, opt->out);
    Loaded l = load_profile_and_sheet(g, opt->profile, opt->prices);
    if (l.profile.tokens_per_day() <= 0)
      throw Error(l.profile.loc, "profile has no traffic (expected tokens per day > 0: the sweep scales its mix)");
    auto perf = make_replica_provider(g, "", l.profile.models);
    std::vector<std::unique_ptr<OptionEvaluator>> evals;
    std::vector<const OptionEvaluator*> ptrs;
    for (const auto& o : l.profile.options) {
      evals.push_back(std::make_unique<OptionEvaluator>(l.profile, l.sheet, o, perf.get()));
      ptrs.push_back(evals.back().get());
    }
    Sweep s = sweep(ptrs, l.profile.tokens_per_day(), from, to, opt->points, opt->log);
    if (auto age = sheet_age_finding(l.sheet)) s.notes.push_back(*age);
    if (opt->format == "svg") emit(report::cost_vs_volume_svg(s, l.profile.tokens_per_day()), opt->out);
    else if (opt->format == "xlsx") emit(report::sweep_workbook(s), opt->out);
    else emit(report::render_sweep(s, to_format(opt->format), opt->crossovers), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
