// plan diff: what changed between two evaluations, option by option, and why.
//   plan diff A.json B.json                      two `plan compare --format json` results
//   plan diff PROFILE --prices-a V --prices-b V  one profile under two price sheets
//   plan diff A.yaml B.yaml                      two profiles (each with its own sheet)
#include "common.hpp"
#include "plan/core/options/compare.hpp"
#include "plan/core/finance/diff.hpp"
#include "plan/io/loaders.hpp"
#include "plan/report/finance_report.hpp"

#include <fmt/format.h>

namespace plan::cli {
namespace {
struct DiffOptions {
  std::vector<std::string> files;
  std::string prices_a;
  std::string prices_b;
  std::string format = "table";
  std::string out;
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Adds the price lines behind each option's change when the two sheets differ.
void add_price_reasons(CompareDiff& d, const Profile& pa, const PriceSheet& sa, const Profile& pb,
                       const PriceSheet& sb) {
  if (sa.sha256 == sb.sha256) return;
  for (auto& od : d.options) {
    const Option* oa = pa.find_option(od.id);
    const Option* ob = pb.find_option(od.id);
    if (!oa || !ob) continue;
    auto changes = price_changes(*oa, sa, sb);
    od.why.insert(od.why.begin(), changes.begin(), changes.end());
  }
}
// Adds the option settings that differ between two profiles.
void add_option_reasons(CompareDiff& d, const Profile& pa, const Profile& pb) {
  for (auto& od : d.options) {
    const Option* a = pa.find_option(od.id);
    const Option* b = pb.find_option(od.id);
    if (!a || !b) continue;
    std::vector<std::string> why;
    auto cmp = [&](const char* what, const std::string& x, const std::string& y) {
      if (x != y) why.push_back(fmt::format("option {}: {} -> {}", what, x, y));
    };
    cmp("kind", to_string(a->kind()), to_string(b->kind()));
    for (const auto& c : option_settings(*a, *b)) cmp(c.key.c_str(), c.before, c.after);
    od.why.insert(od.why.begin(), why.begin(), why.end());
  }
}
}  // namespace

void setup_diff(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<DiffOptions>();
  auto* sub = app.add_subcommand(
      "diff", "Per option: monthly cost in A and B, the change, and why (which cost lines and which price lines "
              "moved). A and B are two `plan compare --format json` results, two profiles, or one profile under "
              "--prices-a and --prices-b");
  sub->add_option("files", opt->files, "A.json B.json | A.yaml B.yaml | PROFILE")->required()->expected(1, 2);
  sub->add_option("--prices-a", opt->prices_a, "Price sheet for A (version or file)");
  sub->add_option("--prices-b", opt->prices_b, "Price sheet for B (version or file)");
  add_format_option(*sub, opt->format, {"table", "csv", "json", "markdown"});
  sub->add_option("-o,--output", opt->out, "Write to FILE atomically instead of standard output ('-' = stdout)");
  reg.add(sub, [opt, &g = reg.globals]() {
    const auto& f = opt->files;
    const bool json = f.size() == 2 && ends_with(f[0], ".json") && ends_with(f[1], ".json");
    CompareDiff d;
    if (json) {
      if (!opt->prices_a.empty() || !opt->prices_b.empty())
        throw Error("--prices-a and --prices-b do not apply to two compare results (they were priced already)",
                    ExitCode::usage_error);
      CompareResult a = io::load_compare_json(f[0]);
      CompareResult b = io::load_compare_json(f[1]);
      d = diff_results(a, b);
      d.a_label = f[0];
      d.b_label = f[1];
    } else if (f.size() == 1) {
      if (opt->prices_a.empty() || opt->prices_b.empty())
        throw Error("one profile needs --prices-a and --prices-b (expected: plan diff PROFILE --prices-a V --prices-b V)",
                    ExitCode::usage_error);
      auto perf = make_replica_provider(g, "");
      Loaded la = load_profile_and_sheet(g, f[0], opt->prices_a);
      Loaded lb = load_profile_and_sheet(g, f[0], opt->prices_b);
      d = diff_results(compare(la.profile, la.sheet, perf.get()), compare(lb.profile, lb.sheet, perf.get()));
      add_price_reasons(d, la.profile, la.sheet, lb.profile, lb.sheet);
      d.a_label = fmt::format("{} @ {}", f[0], la.sheet.version);
      d.b_label = fmt::format("{} @ {}", f[0], lb.sheet.version);
    } else {
      if (ends_with(f[0], ".json") || ends_with(f[1], ".json"))
        throw Error("diff takes two .json compare results or two profiles, not one of each", ExitCode::usage_error);
      auto perf = make_replica_provider(g, "");
      Loaded la = load_profile_and_sheet(g, f[0], opt->prices_a);
      Loaded lb = load_profile_and_sheet(g, f[1], opt->prices_b);
      d = diff_results(compare(la.profile, la.sheet, perf.get()), compare(lb.profile, lb.sheet, perf.get()));
      add_price_reasons(d, la.profile, la.sheet, lb.profile, lb.sheet);
      add_option_reasons(d, la.profile, lb.profile);
      d.a_label = fmt::format("{} @ {}", f[0], la.sheet.version);
      d.b_label = fmt::format("{} @ {}", f[1], lb.sheet.version);
    }
    emit(report::render_diff(d, to_format(opt->format)), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
