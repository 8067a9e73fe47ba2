// libFuzzer target: io::parse_profile on arbitrary bytes, then check_references against
// the test price sheet (tests/data/sheet-basic.yaml, read once at start).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "plan/core/error.hpp"
#include "plan/io/loaders.hpp"

namespace {
std::optional<plan::PriceSheet> sheet;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  sheet = plan::io::load_price_sheet(PLAN_FUZZ_SHEET);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    plan::Profile p = plan::io::parse_profile("fuzz.yaml", text);
    plan::io::check_references(p, *sheet);
  } catch (const plan::Error&) {
    // The expected outcome for bad input. Anything else escaping is a bug: libFuzzer
    // reports an uncaught exception as a crash.
  }
  return 0;
}
