// The search of `plan search` and of `plan compare` on an option with open choices: every
// instance of the default price sheet (2026-12), every term, the catalog's GPU counts per
// replica and (for the mixture of experts) the three layouts, for one model at about 50M
// tokens/day; with the lower-bound pruning (as the commands run) and without it; for
// deepseek-r1 also with `serving: auto` (the disaggregated units searched too).
#include <benchmark/benchmark.h>

#include <string>

#include "plan/core/serving/perf.hpp"
#include "plan/core/options/search.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/io/loaders.hpp"

namespace {

const std::string root = PLAN_SOURCE_DIR;

plan::Profile profile_for(const std::string& model, const std::string& precision, bool moe,
                          plan::Serving serving = plan::Serving::aggregated) {
  plan::Profile p = plan::io::load_profile(root + "/tests/data/profile-search-llama.yaml");
  for (auto& o : p.options) {
    auto* sh = std::get_if<plan::SelfHostedOption>(&o.spec);
    if (!sh || !sh->search) continue;
    sh->fleet.model = model;
    sh->search->precisions.values = {precision};
    sh->search->precisions.locs.clear();
    if (moe) sh->search->parallels.any = true;
    sh->search->serving = serving;
  }
  return p;
}

struct Data {
  plan::PriceSheet sheet = plan::io::load_price_sheet(root + "/pricing/2026-12.yaml");
  plan::perf::CatalogReplicaModelProvider perf{plan::io::load_catalog(root + "/calib/catalog.yaml")};
};

void run(benchmark::State& state, const plan::Profile& p, bool prune) {
  Data d;
  plan::SearchSettings s;
  s.prune = prune;
  const plan::Option& o = *p.find_option("open");
  std::size_t costed = 0, points = 0;
  for (auto _ : state) {
    plan::SearchResult r = plan::search_option(p, d.sheet, o, &d.perf, s);
    costed = r.counts.costed;
    points = r.counts.points;
    benchmark::DoNotOptimize(r.ranked.data());
  }
  state.counters["points"] = static_cast<double>(points);
  state.counters["costed"] = static_cast<double>(costed);
}

void BM_SearchLlama70b(benchmark::State& state) {
  run(state, profile_for("llama-3.3-70b", "fp8", false), state.range(0) != 0);
}
BENCHMARK(BM_SearchLlama70b)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

void BM_SearchDeepseekR1(benchmark::State& state) {
  run(state, profile_for("deepseek-r1", "fp8", true), state.range(0) != 0);
}
BENCHMARK(BM_SearchDeepseekR1)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// The same with `serving: auto`: the aggregated points and the disaggregated xPyD units.
void BM_SearchDeepseekR1ServingAuto(benchmark::State& state) {
  run(state, profile_for("deepseek-r1", "fp8", true, plan::Serving::any), state.range(0) != 0);
}
BENCHMARK(BM_SearchDeepseekR1ServingAuto)->Arg(1)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

}  // namespace

BENCHMARK_MAIN();
