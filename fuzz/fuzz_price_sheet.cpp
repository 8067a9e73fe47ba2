// libFuzzer target: io::parse_price_sheet on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "plan/core/base/error.hpp"
#include "plan/io/loaders.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)plan::io::parse_price_sheet("fuzz.yaml", text);
  } catch (const plan::Error&) {
    // The expected outcome for bad input. Anything else escaping is a bug: libFuzzer
    // reports an uncaught exception as a crash.
  }
  return 0;
}
