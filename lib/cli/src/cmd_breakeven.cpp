// plan breakeven PROFILE: break-even daily volume and payback month for each pair of options.
#include "common.hpp"
#include "plan/core/finance.hpp"
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
    const Profile& p = l.profile;
    if (!opt->against.empty() && !p.find_option(opt->against))
      throw Error(fmt::format("--against '{}' is not an option of profile {}", opt->against, p.name),
                  ExitCode::usage_error);
    auto perf = make_replica_provider(g, "");
    std::vector<std::unique_ptr<OptionEvaluator>> evals;
    for (const auto& o : p.options) evals.push_back(std::make_unique<OptionEvaluator>(p, l.sheet, o, perf.get()));
    Projection proj = project(p, l.sheet, perf.get(), "");
    auto projection_of = [&](const std::string& id) -> const OptionProjection& {
      for (const auto& op : proj.options) {
        if (op.id == id) return op;
      }
      return proj.options.front();
    };
    report::BreakEvenReport r;
    r.profile_name = p.name;
    r.price_sheet_version = l.sheet.version;
    r.tokens_per_day_today = p.tokens_per_day();
    if (r.tokens_per_day_today <= 0)
      throw Error(p.loc, "profile has no traffic (expected tokens per day > 0: break-even scales today's volume)");
    for (std::size_t i = 0; i < evals.size(); ++i) {
      for (std::size_t j = i + 1; j < evals.size(); ++j) {
        const std::string& xi = p.options[i].id;
        const std::string& xj = p.options[j].id;
        if (!opt->against.empty() && xi != opt->against && xj != opt->against) continue;
        report::BreakEvenRow row;
        row.be = find_break_even(*evals[i], *evals[j], r.tokens_per_day_today, range);
        row.horizon_months = proj.months;
        const OptionProjection& pa = projection_of(row.be.a);
        row.payback_month = payback_month(pa, projection_of(row.be.b));
        if (row.payback_month) row.payback_label = pa.months[static_cast<std::size_t>(*row.payback_month - 1)].month;
        r.rows.push_back(std::move(row));
      }
    }
    emit(report::render_breakeven(r, to_format(opt->format)), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
