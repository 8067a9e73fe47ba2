// plan search PROFILE: the ranked points of each self-hosted option with open choices.
#include "common.hpp"
#include "plan/core/options/search.hpp"
#include "plan/core/base/units.hpp"
#include "plan/report/search_report.hpp"

namespace plan::cli {

void setup_search(CLI::App& app, Registry& reg) {
  struct Args : ProfileArgs {
    std::string option;
    int top = 10;
  };
  auto opt = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "search", "Search the open choices of self-hosted options (instance, gpu, precision, engine, gpus_per_replica, "
                "parallel as a list or auto; clouds, regions, terms): the cheapest feasible points, ranked");
  add_profile_args(*sub, *opt, "Workload profile (YAML) with a self-hosted option whose choices are open");
  sub->add_option("--option", opt->option, "Search only this option (default: every option with open choices)");
  sub->add_option("--top", opt->top, "Points ranked per option (0 = every feasible point)")
      ->check(CLI::Range(0, 100000));
  add_report_output_args(*sub, *opt, {"table", "csv", "json", "markdown"});
  add_scale_arg(*sub, opt->scale);
  reg.add(sub, [opt, &g = reg.globals]() {
    Loaded l = load_profile_and_sheet(g, opt->profile, opt->prices);
    const std::string scaled = apply_scale(l.profile, opt->scale);
    std::vector<const Option*> chosen;
    if (!opt->option.empty()) {
      const Option* o = l.profile.find_option(opt->option);
      if (!o) throw Error(fmt::format("--option '{}' is not an option of {}", opt->option, opt->profile),
                          ExitCode::usage_error);
      if (!has_open_choices(*o))
        throw Error(fmt::format("option '{}' has no open choices (expected a self_hosted option with a list or auto in "
                                "instance, gpu, precision, engine, gpus_per_replica or parallel)", opt->option),
                    ExitCode::usage_error);
      chosen.push_back(o);
    } else {
      for (const auto& o : l.profile.options)
        if (has_open_choices(o)) chosen.push_back(&o);
      if (chosen.empty())
        throw Error(l.profile.loc, "profile has no self_hosted option with open choices (expected a list or auto in "
                                   "instance, gpu, precision, engine, gpus_per_replica or parallel)");
    }
    auto perf = make_replica_provider(g, "", l.profile.models);
    SearchSettings s;
    s.top = static_cast<std::size_t>(opt->top);
    std::vector<SearchResult> results;
    for (const Option* o : chosen) {
      results.push_back(search_option(l.profile, l.sheet, *o, perf.get(), s));
      if (!scaled.empty()) results.back().notes.push_back(scaled);
    }
    report::SearchReportHeader h;
    h.profile_name = l.profile.name;
    h.price_sheet_version = l.sheet.version;
    h.price_sheet_path = l.sheet.path;
    h.monthly_tokens = l.profile.tokens_per_day() * days_per_month;
    emit(report::render_search(h, results, to_format(opt->format)), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
