#include "cuda_check.hpp"

#include <cstdio>
#include <cstring>
#include <fmt/format.h>

#include "plan/core/base/error.hpp"

namespace plan::probe::detail {
namespace {

const char* base_name(const char* file) {
  const char* slash = std::strrchr(file, '/');
  return slash ? slash + 1 : file;
}

std::string cuda_message(cudaError_t e, const char* call, const char* file, int line) {
  return fmt::format("{}:{}: {} failed: {}: {}", base_name(file), line, call, cudaGetErrorName(e), cudaGetErrorString(e));
}

}  // namespace

void throw_cuda_error(cudaError_t e, const char* call, const char* file, int line) {
  throw Error(cuda_message(e, call, file, line), ExitCode::unavailable);
}

void throw_cublas_error(cublasStatus_t s, const char* call, const char* file, int line) {
  throw Error(fmt::format("{}:{}: {} failed: {}: {}", base_name(file), line, call, cublasGetStatusName(s),
                          cublasGetStatusString(s)),
              ExitCode::unavailable);
}

void report_cuda_error(cudaError_t e, const char* call, const char* file, int line) noexcept {
  std::fprintf(stderr, "plan: warning: %s\n", cuda_message(e, call, file, line).c_str());
}

}  // namespace plan::probe::detail
