// The Monte Carlo of `plan risk` on the B2B SaaS example with its uncertainty section
// (profiles/b2b-saas-risk.yaml: seven options including a hybrid, 12 months, volume,
// growth, API and GPU prices, peak and the default throughput widths): a whole run, from
// the draws' uniforms through each option's volume grid to the quantiles and the tornado,
// at 1 and 2 threads. The replica models come from the catalog alone.
#include <benchmark/benchmark.h>

#include <string>

#include "plan/core/serving/perf.hpp"
#include "plan/core/finance/risk.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/io/loaders.hpp"
#include "plan/io/uncertainty_loader.hpp"

namespace {

const std::string profile_path = std::string(PLAN_SOURCE_DIR) + "/profiles/b2b-saas-risk.yaml";

struct Data {
  plan::Profile profile = plan::io::load_profile(profile_path);
  plan::Uncertainty uncertainty = *plan::io::load_uncertainty(profile_path);
  plan::PriceSheet sheet = plan::io::load_price_sheet(std::string(PLAN_SOURCE_DIR) + "/pricing/2026-05.yaml");
  plan::perf::CatalogReplicaModelProvider perf{plan::io::load_catalog(std::string(PLAN_SOURCE_DIR) + "/calib/catalog.yaml")};
};

// range(0): draws; range(1): threads.
void BM_RiskB2bSaas(benchmark::State& state) {
  Data d;
  plan::RiskSettings st;
  st.draws = static_cast<int>(state.range(0));
  st.threads = static_cast<int>(state.range(1));
  for (auto _ : state) {
    plan::RiskResult r = plan::run_risk(d.profile, d.uncertainty, d.sheet, &d.perf, st);
    benchmark::DoNotOptimize(r.options.front().horizon_cost_usd.p50);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RiskB2bSaas)
    ->Args({100000, 1})
    ->Args({100000, 2})
    ->Args({10000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
