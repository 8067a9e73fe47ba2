// Cost of the performance model: one replica evaluation (roofline, operating batch,
// capacity, fleet size and latency) and a 10,000-point sizing sweep.
#include <benchmark/benchmark.h>

#include <cmath>

#include "plan/core/perf.hpp"
#include "plan/io/catalog_loader.hpp"

namespace {

const plan::Catalog& catalog() {
  static const plan::Catalog c = plan::io::load_catalog(PLAN_SOURCE_DIR "/calib/catalog.yaml");
  return c;
}

plan::Option option() {
  plan::Option o;
  o.id = "bench";
  o.kind = plan::OptionKind::self_hosted;
  o.model = "llama-3.1-70b";
  return o;
}

plan::GpuInstance instance() {
  plan::GpuInstance i;
  i.id = "p5";
  i.gpu = "h100-sxm";
  i.gpu_count = 8;
  return i;
}

plan::WorkloadMix mix() {
  plan::WorkloadMix m;
  m.input_tokens = 1000;
  m.output_tokens = 200;
  m.ttft_p95_ms = 1500;
  m.tpot_ms = 50;
  return m;
}

// One self-hosted option as compare evaluates it: choose TP, operating batch under the TPOT
// target, capacity, replicas at 20 requests/s and the latency of that fleet.
void BM_EvaluateReplica(benchmark::State& state) {
  const auto& cat = catalog();
  const auto o = option();
  const auto inst = instance();
  const auto m = mix();
  for (auto _ : state) {
    plan::perf::CatalogReplicaModel model(cat, o, inst, m);
    int n = model.replicas_for(20.0);
    auto lat = model.latency(20.0, n);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(lat);
  }
}
BENCHMARK(BM_EvaluateReplica);

// Fleet sizes for 10,000 arrival rates from 0.01 to 10,000 requests/s (log-spaced), on one
// replica model.
void BM_SizingSweep10k(benchmark::State& state) {
  plan::perf::CatalogReplicaModel model(catalog(), option(), instance(), mix());
  constexpr int points = 10000;
  for (auto _ : state) {
    long total = 0;
    for (int i = 0; i < points; ++i) {
      double rps = 0.01 * std::pow(10.0, 6.0 * i / (points - 1));
      total += model.replicas_for(rps);
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * points);
}
BENCHMARK(BM_SizingSweep10k)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
