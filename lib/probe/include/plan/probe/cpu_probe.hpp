#pragma once
// The CPU probe: the calibration measurement plan run on the host CPU with Eigen (fp32,
// one thread). Small shapes or a subset of layers; times by steady_clock, median of repeats.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "plan/core/serving/calibration.hpp"

namespace plan::probe {

// Median bandwidth of the STREAM triad a[i] = b[i] + s * c[i] over three arrays of
// `array_bytes` bytes each, counting 3 x array_bytes per pass (STREAM's convention: the
// write-allocate read is not counted). Bytes per second.
double stream_triad_bytes_per_s(std::size_t array_bytes, int repeats);

// Median bandwidth of the STREAM copy a[i] = b[i] over two arrays of `array_bytes` bytes
// each, counting 2 x array_bytes per pass (STREAM's convention). Bytes per second.
double stream_copy_bytes_per_s(std::size_t array_bytes, int repeats);

// Median FLOP rate of an n x n x n fp32 GEMM (2 n^3 FLOPs per product).
double gemm_flops_per_s(int n, int repeats);

// Synthetic weights and a KV cache for `layers_run` layers of `shape`, sized for
// `max_batch` sequences of `context` tokens (or `max_tokens` prefill tokens).
class CpuTransformer {
 public:
  CpuTransformer(const TransformerShape& shape, int layers_run, int max_batch, int context, int max_tokens,
                 std::uint32_t seed = 1);
  ~CpuTransformer();
  CpuTransformer(const CpuTransformer&) = delete;
  CpuTransformer& operator=(const CpuTransformer&) = delete;

  // One decode step of `batch` sequences through the layers (weights and KV cache read).
  void decode_layers(int batch);
  // The output head for `batch` tokens.
  void head(int batch);
  // A prefill of `tokens` tokens through the layers, then the head for the last token.
  void prefill(int tokens);
  // Bytes one decode step through the layers and head moves (StepCost, fp32).
  StepCost step_cost(int batch) const;
  // A value depending on every output, so that the work cannot be optimised away.
  float checksum() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Bytes of weights and KV cache one layer of the CPU probe holds.
double cpu_layer_bytes(const TransformerShape& shape, int max_batch, int context);

// Runs the whole plan: triad, GEMM, prefill and decode at each batch size.
// Throws plan::Error (usage_error) for a precision other than fp32 or bad sizes.
ProbeResult run_cpu_probe(const ProbeConfig& cfg);

}  // namespace plan::probe
