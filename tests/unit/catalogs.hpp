#pragma once
// Catalogs the unit tests share, each loaded once.
#include "plan/core/data/catalog.hpp"
#include "plan/io/catalog_loader.hpp"

namespace plan::test {

// calib/catalog.yaml, as shipped.
inline const Catalog& shipped_catalog() {
  static const Catalog c = io::load_catalog(PLAN_SOURCE_DIR "/calib/catalog.yaml");
  return c;
}

// tests/data/catalog-test.yaml: model 'round' (10 layers, width 1000, 10 KV heads of 100,
// 1e9 params, tied embeddings) on 'unit-gpu' (10 GiB, 1000 GB/s, 100 TFLOPS), every
// efficiency 0.5, 1 ms per step + 100 us per layer, prefill batches of 1000 tokens.
inline const Catalog& fixture_catalog() {
  static const Catalog c = io::load_catalog(PLAN_TEST_DATA "/catalog-test.yaml");
  return c;
}

}  // namespace plan::test
