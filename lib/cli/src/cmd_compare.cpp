// plan compare PROFILE: every option of a profile side by side.
#include "common.hpp"
#include "binary_output.hpp"
#include "plan/core/options/compare.hpp"
#include "plan/report/workbook.hpp"

namespace plan::cli {

void setup_compare(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<ProfileArgs>();
  auto* sub = app.add_subcommand("compare", "Compare every option of a workload profile: monthly cost, cost per 1M "
                                            "tokens, replicas, GPUs, utilisation, latency and feasibility");
  add_profile_args(*sub, *opt, "Workload profile (YAML), e.g. profiles/early-chat.yaml",
                   "Price-sheet version (see `plan prices list`) or file; default: the profile's "
                   "price_sheet, else the newest");
  add_report_output_args(*sub, *opt, {"table", "csv", "json", "markdown", "xlsx"});
  add_scale_arg(*sub, opt->scale);
  reg.add(sub, [opt, &g = reg.globals]() {
    check_binary_output(opt->format, opt->out);
    Loaded l = load_profile_and_sheet(g, opt->profile, opt->prices);
    const std::string scaled = apply_scale(l.profile, opt->scale);
    auto perf = make_replica_provider(g, "", l.profile.models);
    CompareResult r = compare(l.profile, l.sheet, perf.get());
    if (!scaled.empty()) r.notes.insert(r.notes.begin(), scaled);
    if (opt->format == "xlsx") emit(report::compare_workbook(r), opt->out);
    else emit(report::render_compare(r, to_format(opt->format)), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
