// libFuzzer target: io::parse_calibration (calibration result files) on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "plan/core/base/error.hpp"
#include "plan/io/calibration_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)plan::io::parse_calibration("fuzz.yaml", text);
  } catch (const plan::Error&) {
    // The expected outcome for bad input.
  }
  return 0;
}
