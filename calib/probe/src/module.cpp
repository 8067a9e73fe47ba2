// Entry point of the CUDA probe module (see plan/probe/cuda_module.hpp).
#include "plan/probe/cuda_module.hpp"
#include "plan/probe/cuda_probe.hpp"

extern "C" __attribute__((visibility("default"))) const plan::probe::CudaProbeApi* plan_cuda_probe_api() {
  static const plan::probe::CudaProbeApi api{&plan::probe::cuda_device_present, &plan::probe::require_cuda_device,
                                             &plan::probe::run_cuda_probe};
  return &api;
}
