// The CPU probe's decode bandwidth next to a STREAM triad measured in the same run.
// Decode at small batch streams every weight once per step, so its bytes per second
// should approach the triad's; `ratio_to_triad` is decode bandwidth / triad bandwidth.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "plan/probe/cpu_probe.hpp"

namespace {

// Larger than any CPU cache: 4 x 11.2 M layer weights + 32.8 M head = 77.6 M fp32
// parameters (310 MB), so every decode step reads them from memory.
plan::TransformerShape bench_shape() { return {"bench", 4, 1024, 16, 4, 64, 2816, 32000}; }

constexpr int kContext = 1024;
constexpr std::size_t kTriadArrayBytes = std::size_t(64) << 20;

double triad_bytes_per_s() {
  // Measured once per run, before the decode benchmarks, with the same arrays as BM_StreamTriad.
  static const double bw = plan::probe::stream_triad_bytes_per_s(kTriadArrayBytes, 10);
  return bw;
}

plan::probe::CpuTransformer& model() {
  static auto m = std::make_unique<plan::probe::CpuTransformer>(bench_shape(), 4, 8, kContext, 1);
  return *m;
}

void BM_StreamTriad(benchmark::State& state) {
  std::size_t n = kTriadArrayBytes / sizeof(double);
  std::vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0);
  const double s = 3.0;
  for (auto _ : state) {
    double* __restrict pa = a.data();
    const double* __restrict pb = b.data();
    const double* __restrict pc = c.data();
    for (std::size_t i = 0; i < n; ++i) pa[i] = pb[i] + s * pc[i];
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(3 * n * sizeof(double)));
}
BENCHMARK(BM_StreamTriad)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CpuDecodeStep(benchmark::State& state) {
  const int batch = int(state.range(0));
  double triad = triad_bytes_per_s();
  auto& m = model();
  double bytes = m.step_cost(batch).bytes;
  m.decode_layers(batch);  // warm-up
  m.head(batch);
  for (auto _ : state) {
    m.decode_layers(batch);
    m.head(batch);
  }
  benchmark::DoNotOptimize(m.checksum());
  state.SetBytesProcessed(int64_t(double(state.iterations()) * bytes));
  state.counters["triad_GBps"] = triad / 1e9;
  // Rate counters divide by the elapsed time: (bytes x iterations / s) / triad = ratio.
  state.counters["ratio_to_triad"] = benchmark::Counter(double(state.iterations()) * bytes / triad,
                                                        benchmark::Counter::kIsRate);
  state.counters["tokens_per_s"] = benchmark::Counter(double(state.iterations()) * batch, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CpuDecodeStep)->Arg(1)->Arg(2)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
