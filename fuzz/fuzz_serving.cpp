// libFuzzer target: io::parse_serving (vLLM serve/throughput and GuideLLM result files) on
// arbitrary bytes, and the fit of what it reads (perf::fit_serving) against Llama 3.1 8B
// on an A100 80GB from the shipped catalog.
#include <cstddef>
#include <cstdint>
#include <string>

#include "plan/core/base/error.hpp"
#include "plan/core/serving/serving_fit.hpp"
#include "plan/io/calibration_io.hpp"
#include "plan/io/catalog_loader.hpp"

namespace {
const plan::Catalog& catalog() {
  static const plan::Catalog c = plan::io::load_catalog(PLAN_FUZZ_CATALOG);
  return c;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    plan::Calibration c;
    c.kind = "import";
    c.path = "fuzz.yaml";
    c.serving = plan::io::parse_serving("fuzz.json", text);
    const plan::Catalog& cat = catalog();
    const plan::Precision& w = *cat.find_precision("bf16");
    (void)plan::perf::fit_serving(cat, *cat.find_model("llama-3.1-8b"), *cat.find_gpu("a100-80gb-sxm"), w,
                                  *cat.find_precision(w.kv_default()), 1, {c});
  } catch (const plan::Error&) {
    // The expected outcome for bad input.
  }
  return 0;
}
