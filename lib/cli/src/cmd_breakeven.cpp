// plan breakeven PROFILE: break-even daily volume and payback month for each pair of options.
#include "common.hpp"
#include "plan/core/finance/finance.hpp"
#include "plan/report/finance_report.hpp"

#include <fmt/format.h>

namespace plan::cli {
namespace {
struct BreakEvenOptions : ProfileArgs {
  std::string against;
  std::string range;
};
}  // namespace

void setup_breakeven(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<BreakEvenOptions>();
  auto* sub = app.add_subcommand(
      "breakeven", "Break-even daily volume between options (found by search over the replica steps), or why there "
                   "is none, with each option's floor cost per 1M tokens, and the payback month under the horizon");
  add_profile_args(*sub, *opt, "Workload profile (YAML)");
  sub->add_option("--against", opt->against, "Compare every other option with this one (default: every pair)");
  sub->add_option("--range", opt->range,
                  "Daily volumes examined, FROM..TO tokens/day (suffixes k, M, B, T); default 1k..1T");
  add_report_output_args(*sub, *opt, {"table", "csv", "json", "markdown"});
  reg.add(sub, [opt, &g = reg.globals]() {
    BreakEvenRange range;
    if (!opt->range.empty() && !parse_volume_range(opt->range, range.from_tokens_per_day, range.to_tokens_per_day))
      throw Error(fmt::format("--range '{}' is not FROM..TO (expected two positive volumes, FROM < TO, e.g. 1M..10B)",
                              opt->range),
                  ExitCode::usage_error);
    Loaded l = load_profile_and_sheet(g, opt->profile, opt->prices);
    auto perf = make_replica_provider(g, "", l.profile.models);
    const BreakEvenTable r = break_even_table(l.profile, l.sheet, perf.get(), opt->against, range);
    emit(report::render_breakeven(r, to_format(opt->format)), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
