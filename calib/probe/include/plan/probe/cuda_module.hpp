#pragma once
// The CUDA probe is a module loaded at run time (dlopen) by `plan calibrate run`, so that
// no other command pays for loading the CUDA runtime and cuBLAS at start-up.
#include <string>

#include "plan/core/serving/calibration.hpp"

namespace plan::probe {

struct CudaProbeApi {
  bool (*device_present)() noexcept;
  void (*require_device)();
  ProbeResult (*run)(const ProbeConfig& cfg, int device);
};

}  // namespace plan::probe

// The module's one exported symbol.
extern "C" const plan::probe::CudaProbeApi* plan_cuda_probe_api();
