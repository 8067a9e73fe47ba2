#pragma once
// One checking macro for every CUDA runtime and cuBLAS call: a failure becomes a
// plan::Error naming file:line, the error's name and text, and the call. The _NOEXCEPT
// variants, for destructors, print the same line to stderr instead of throwing.
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <string>

namespace plan::probe::detail {

[[noreturn]] void throw_cuda_error(cudaError_t e, const char* call, const char* file, int line);
[[noreturn]] void throw_cublas_error(cublasStatus_t s, const char* call, const char* file, int line);
void report_cuda_error(cudaError_t e, const char* call, const char* file, int line) noexcept;

}  // namespace plan::probe::detail

#define PLAN_CUDA_CALL(call)                                                              \
  do {                                                                                    \
    cudaError_t plan_cuda_status_ = (call);                                               \
    if (plan_cuda_status_ != cudaSuccess)                                                 \
      ::plan::probe::detail::throw_cuda_error(plan_cuda_status_, #call, __FILE__, __LINE__); \
  } while (0)

#define PLAN_CUDA_CALL_NOEXCEPT(call)                                                      \
  do {                                                                                     \
    cudaError_t plan_cuda_status_ = (call);                                                \
    if (plan_cuda_status_ != cudaSuccess)                                                  \
      ::plan::probe::detail::report_cuda_error(plan_cuda_status_, #call, __FILE__, __LINE__); \
  } while (0)

#define PLAN_CUBLAS_CALL(call)                                                               \
  do {                                                                                       \
    cublasStatus_t plan_cublas_status_ = (call);                                             \
    if (plan_cublas_status_ != CUBLAS_STATUS_SUCCESS)                                        \
      ::plan::probe::detail::throw_cublas_error(plan_cublas_status_, #call, __FILE__, __LINE__); \
  } while (0)

// A kernel launch: checks the launch configuration error right away.
#define PLAN_CUDA_CHECK_LAUNCH() PLAN_CUDA_CALL(cudaGetLastError())
