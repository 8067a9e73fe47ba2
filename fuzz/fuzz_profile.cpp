// libFuzzer target: io::parse_profile on arbitrary bytes, check_references against the
// shipped price sheet (pricing/2026-05.yaml), and, when both pass, plan::compare with that
// sheet and the catalog performance model (calib/catalog.yaml): the sheet and catalog are
// read once at start. A plan::Error is the expected outcome for bad input at every step.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "plan/core/options/compare.hpp"
#include "plan/core/base/error.hpp"
#include "plan/core/serving/perf.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/io/loaders.hpp"

namespace {
std::optional<plan::PriceSheet> sheet;
std::optional<plan::perf::CatalogReplicaModelProvider> perf;

// Profiles above these limits are parsed and checked but not evaluated: a compare of
// millions of requests a second or of many options is slow, and the fuzzer's rate of
// inputs matters more than those cases (the input limits have their own unit tests).
constexpr double max_requests_per_day = 1e9;
constexpr std::size_t max_options = 8;

bool small_enough(const plan::Profile& p) {
  if (p.options.size() > max_options) return false;
  double requests = 0;
  for (const auto& w : p.workloads) requests += w.requests_per_day;
  return requests <= max_requests_per_day;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  sheet = plan::io::load_price_sheet(PLAN_FUZZ_SHEET);
  perf.emplace(plan::io::load_catalog(PLAN_FUZZ_CATALOG));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    plan::Profile p = plan::io::parse_profile("fuzz.yaml", text);
    plan::io::check_references(p, *sheet);
    if (small_enough(p)) (void)plan::compare(p, *sheet, &*perf);
  } catch (const plan::Error&) {
    // The expected outcome for bad input. Anything else escaping is a bug: libFuzzer
    // reports an uncaught exception as a crash.
  }
  return 0;
}
