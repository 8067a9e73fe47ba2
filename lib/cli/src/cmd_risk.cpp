// plan risk PROFILE: Monte Carlo over the profile's uncertainty: section.
#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>

#include "common.hpp"
#include "plan/core/finance/risk.hpp"
#include "plan/io/uncertainty_loader.hpp"
#include "plan/report/risk_report.hpp"

namespace plan::cli {
namespace {
struct RiskOptions : ProfileArgs {
  WindowArgs window;
  std::optional<int> draws;
  std::optional<std::int64_t> seed;
  std::optional<int> threads;
  std::vector<std::string> groups;
};

// --threads, else PLAN_THREADS, else 0 (every core).
int thread_count(const std::optional<int>& flag) {
  if (flag) return *flag;
  const char* env = std::getenv("PLAN_THREADS");
  if (!env || !*env) return 0;
  char* end = nullptr;
  const long v = std::strtol(env, &end, 10);
  if (*end != '\0' || v < 1 || v > 1024)
    throw Error(fmt::format("PLAN_THREADS is '{}' (expected a whole number from 1 to 1024)", env),
                ExitCode::usage_error);
  return static_cast<int>(v);
}
}  // namespace

void setup_risk(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<RiskOptions>();
  auto* sub = app.add_subcommand(
      "risk", "Monte Carlo over the profile's uncertainty: section (volume, growth, prices, throughput, spot, "
              "peak): p10/p50/p90 of each option's month-1 and horizon cost, the probability each is cheapest, "
              "the spread of the break-even volume, and a tornado of what the recommendation hinges on");
  add_profile_args(*sub, *opt, "Workload profile (YAML) with an uncertainty: section");
  add_window_args(*sub, opt->window);
  sub->add_option("--draws", opt->draws, "Number of draws (default: the profile's uncertainty.draws, else 10000)")
      ->check(CLI::Range(1, 1'000'000));
  sub->add_option("--seed", opt->seed, "Seed of the draws (default: the profile's uncertainty.seed, else 1)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{2'147'483'647}));
  sub->add_option("--threads", opt->threads,
                  "Threads drawing (default: $PLAN_THREADS, else every core); the output does not depend on it")
      ->check(CLI::Range(1, 1024));
  add_report_output_args(*sub, *opt, {"table", "csv", "json", "markdown"});
  add_scale_arg(*sub, opt->scale);
  sub->add_option("--group", opt->groups,
                  "Also give the probability that the cheapest option is of this kind (some option of the kind beats "
                  "every other): self_hosted, api, managed or hybrid; repeatable")
      ->check(CLI::IsMember({"self_hosted", "api", "managed", "hybrid"}));
  reg.add(sub, [opt, &g = reg.globals]() {
    RiskSettings st;
    st.threads = thread_count(opt->threads);
    st.draws = opt->draws;
    if (opt->seed) st.seed = static_cast<std::uint64_t>(*opt->seed);
    for (const auto& k : opt->groups) {
      const OptionKind kind = k == "api"       ? OptionKind::api
                              : k == "managed" ? OptionKind::managed
                              : k == "hybrid"  ? OptionKind::hybrid
                                               : OptionKind::self_hosted;
      if (std::find(st.groups.begin(), st.groups.end(), kind) == st.groups.end()) st.groups.push_back(kind);
    }
    Loaded l = load_profile_and_sheet(g, opt->profile, opt->prices);
    apply_window(l.profile, opt->window);
    const std::string scaled = apply_scale(l.profile, opt->scale);
    const std::optional<Uncertainty> u = io::load_uncertainty(opt->profile);
    if (!u)
      throw Error(l.profile.loc, "profile has no uncertainty section (expected 'uncertainty:' with the inputs to "
                                 "vary; see docs/risk.md)");
    io::check_uncertainty_providers(*u, l.sheet);
    auto perf = make_replica_provider(g, "", l.profile.models);
    RiskResult r = run_risk(l.profile, *u, l.sheet, perf.get(), st);
    if (!scaled.empty()) r.notes.insert(r.notes.begin(), scaled);
    emit(report::render_risk(r, to_format(opt->format)), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
