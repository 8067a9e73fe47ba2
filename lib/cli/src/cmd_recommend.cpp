// plan recommend PROFILE: the cheapest feasible plan, including hybrids, with reasons.
#include "common.hpp"
#include "plan/core/options/recommend.hpp"
#include "plan/report/recommend_report.hpp"

namespace plan::cli {

void setup_recommend(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<ProfileArgs>();
  auto* sub = app.add_subcommand(
      "recommend",
      "Recommend the cheapest feasible plan: one option, a hybrid of a private fleet with API overflow "
      "(the fleet size chosen to minimise cost), or each workload on its own option; with the runner-up");
  add_profile_args(*sub, *opt, "Workload profile (YAML)",
                   "Price-sheet version or file (default: the profile's, else the newest)");
  add_report_output_args(*sub, *opt, {"table", "csv", "json", "markdown"},
                         "Write to FILE atomically instead of standard output");
  add_scale_arg(*sub, opt->scale);
  reg.add(sub, [opt, &g = reg.globals]() {
    Loaded l = load_profile_and_sheet(g, opt->profile, opt->prices);
    const std::string scaled = apply_scale(l.profile, opt->scale);
    auto perf = make_replica_provider(g, "", l.profile.models);
    Recommendation r = recommend(l.profile, l.sheet, perf.get());
    if (!scaled.empty()) r.compare.notes.insert(r.compare.notes.begin(), scaled);
    emit(report::render_recommend(r, to_format(opt->format)), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
