// plan compare PROFILE: every option of a profile side by side.
#include "common.hpp"
#include "plan/core/compare.hpp"

namespace plan::cli {
namespace {
struct CompareOptions {
  std::string profile;
  std::string prices;
  std::string format = "table";
  std::string out;
};
}  // namespace

void setup_compare(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<CompareOptions>();
  auto* sub = app.add_subcommand("compare", "Compare every option of a workload profile: monthly cost, cost per 1M "
                                            "tokens, replicas, GPUs, utilisation, latency and feasibility");
  sub->add_option("profile", opt->profile, "Workload profile (YAML), e.g. profiles/early-chat.yaml")
      ->required();
  sub->add_option("--prices", opt->prices,
                  "Price-sheet version (see `plan prices list`) or file; default: the profile's "
                  "price_sheet, else the newest");
  add_format_option(*sub, opt->format, {"table", "csv", "json", "markdown"});
  sub->add_option("-o,--output", opt->out, "Write to FILE atomically instead of standard output ('-' = stdout)");
  reg.add(sub, [opt, &g = reg.globals]() {
    Loaded l = load_profile_and_sheet(g, opt->profile, opt->prices);
    auto perf = make_replica_provider(g, "");
    CompareResult r = compare(l.profile, l.sheet, perf.get());
    emit(report::render_compare(r, to_format(opt->format)), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
