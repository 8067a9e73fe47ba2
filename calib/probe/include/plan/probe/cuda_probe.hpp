#pragma once
// The CUDA probe's host-side API. Plain C++: no CUDA header leaks out of plan_probe_cuda.
#include "plan/core/serving/calibration.hpp"

namespace plan::probe {

// True when the CUDA runtime reports at least one device. Never throws.
bool cuda_device_present() noexcept;

// Throws plan::Error with ExitCode::unavailable when cudaGetDeviceCount fails or reports
// no device: "no CUDA device found (expected an NVIDIA GPU and its driver, or --backend cpu)".
void require_cuda_device();

// Runs the measurement plan on device `device`: copy/triad bandwidth, a large cuBLASLt
// GEMM, prefill GEMMs and attention, and decode steps at each batch size with a KV cache.
// Precisions: fp32, fp16, bf16. Layers that do not fit in device memory are left out and
// their times scaled (recorded in ProbeResult::layers_run and notes).
ProbeResult run_cuda_probe(const ProbeConfig& cfg, int device = 0);

}  // namespace plan::probe
