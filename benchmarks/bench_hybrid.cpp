// Cost of hybrid plans: the B2B SaaS example's hybrid option (a reserved L40S fleet with
// API overflow, sized by the catalog performance model) evaluated across volumes, as
// `plan sweep` and `plan report` do, with its replica model built once per run.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>

#include "plan/core/options/compare.hpp"
#include "plan/core/serving/perf.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/io/loaders.hpp"

namespace {

struct Data {
  plan::Profile profile = plan::io::load_profile(std::string(PLAN_SOURCE_DIR) + "/profiles/b2b-saas.yaml");
  plan::PriceSheet sheet = plan::io::load_price_sheet(std::string(PLAN_SOURCE_DIR) + "/pricing/2026-05.yaml");
  plan::perf::CatalogReplicaModelProvider perf{plan::io::load_catalog(std::string(PLAN_SOURCE_DIR) + "/calib/catalog.yaml")};
  const plan::Option& hybrid() const { return *profile.find_option("hybrid"); }
};

// One evaluation at the profile's own volume (3M requests/day).
void BM_HybridAtVolume(benchmark::State& state) {
  Data d;
  plan::OptionEvaluator ev(d.profile, d.sheet, d.hybrid(), &d.perf);
  for (auto _ : state) {
    plan::OptionResult r = ev(1.0);
    benchmark::DoNotOptimize(r.monthly_cost_usd);
  }
}
BENCHMARK(BM_HybridAtVolume)->Unit(benchmark::kMicrosecond);

// A sweep of N volumes from 1/100 to 100 times the profile's (log-spaced), from a cold
// replica model each time: what one `plan sweep --points N` spends on the hybrid.
void BM_HybridSweep(benchmark::State& state) {
  Data d;
  const int points = static_cast<int>(state.range(0));
  for (auto _ : state) {
    plan::OptionEvaluator ev(d.profile, d.sheet, d.hybrid(), &d.perf);
    double total = 0;
    for (int i = 0; i < points; ++i) total += ev(std::pow(10.0, -2.0 + 4.0 * i / (points - 1))).monthly_cost_usd;
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * points);
}
BENCHMARK(BM_HybridSweep)->Arg(200)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
