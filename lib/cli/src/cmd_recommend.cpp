// plan recommend PROFILE: the cheapest feasible plan, including hybrids, with reasons.
#include "common.hpp"
#include "plan/core/recommend.hpp"
#include "plan/report/recommend_report.hpp"

namespace plan::cli {

void setup_recommend(CLI::App& app, Registry& reg) {
  struct Opts {
    std::string profile, prices, format = "table", out;
  };
  auto opt = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "recommend",
      "Recommend the cheapest feasible plan: one option, a hybrid of a private fleet with API overflow "
      "(the fleet size chosen to minimise cost), or each workload on its own option; with the runner-up");
  sub->add_option("profile", opt->profile, "Workload profile (YAML)")->required();
  sub->add_option("--prices", opt->prices, "Price-sheet version or file (default: the profile's, else the newest)");
  add_format_option(*sub, opt->format, {"table", "csv", "json", "markdown"});
  sub->add_option("-o,--output", opt->out, "Write to FILE atomically instead of standard output");
  reg.add(sub, [opt, &g = reg.globals]() {
    Loaded l = load_profile_and_sheet(g, opt->profile, opt->prices);
    auto perf = make_replica_provider(g, "");
    Recommendation r = recommend(l.profile, l.sheet, perf.get());
    emit(report::render_recommend(r, to_format(opt->format)), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
