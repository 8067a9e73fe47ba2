// Cost of a 10,000-point sweep across daily volumes: every option of a profile evaluated
// at each volume with its replica model built once (OptionEvaluator), crossovers refined,
// and the CSV rendered. Data: tests/data/profile-fin-a.yaml on tests/data/sheet-finance.yaml.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "plan/core/finance/finance.hpp"
#include "plan/io/loaders.hpp"
#include "plan/report/finance_report.hpp"

namespace {

struct Data {
  plan::Profile profile;
  plan::PriceSheet sheet;
  std::vector<std::unique_ptr<plan::OptionEvaluator>> evals;
  std::vector<const plan::OptionEvaluator*> ptrs;
  Data()
      : profile(plan::io::load_profile(std::string(PLAN_SOURCE_DIR) + "/tests/data/profile-fin-a.yaml")),
        sheet(plan::io::load_price_sheet(std::string(PLAN_SOURCE_DIR) + "/tests/data/sheet-finance.yaml")) {
    // A third option (the $15 per 1M API) gives the sweep a crossover with the GPU.
    plan::Option extra = profile.options.front();
    extra.id = "api-15";
    std::get<plan::ApiOption>(extra.spec).model = "flat-15";
    profile.options.push_back(extra);
    for (const auto& o : profile.options) {
      evals.push_back(std::make_unique<plan::OptionEvaluator>(profile, sheet, o, nullptr));
      ptrs.push_back(evals.back().get());
    }
  }
};

void BM_Sweep(benchmark::State& state) {
  Data d;
  const int points = static_cast<int>(state.range(0));
  for (auto _ : state) {
    plan::Sweep s = plan::sweep(d.ptrs, d.profile.tokens_per_day(), 1e5, 1e10, points, true);
    benchmark::DoNotOptimize(s.points.data());
  }
  state.SetItemsProcessed(state.iterations() * points * static_cast<long>(d.ptrs.size()));
}
BENCHMARK(BM_Sweep)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_SweepCsv(benchmark::State& state) {
  Data d;
  for (auto _ : state) {
    plan::Sweep s = plan::sweep(d.ptrs, d.profile.tokens_per_day(), 1e5, 1e10, 10000, true);
    std::string csv = plan::report::render_sweep(s, plan::report::Format::csv, false);
    benchmark::DoNotOptimize(csv.data());
  }
}
BENCHMARK(BM_SweepCsv)->Unit(benchmark::kMillisecond);

void BM_BreakEven(benchmark::State& state) {
  Data d;
  for (auto _ : state) {
    plan::BreakEven be = plan::find_break_even(*d.ptrs[2], *d.ptrs[1], d.profile.tokens_per_day());
    benchmark::DoNotOptimize(be.tokens_per_day);
  }
}
BENCHMARK(BM_BreakEven)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
