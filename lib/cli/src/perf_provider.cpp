// Builds the performance model used for self-hosted options: the catalog roofline of
// calib/catalog.yaml.
#include <filesystem>

#include "common.hpp"
#include "plan/core/perf.hpp"
#include "plan/io/catalog_loader.hpp"

namespace plan::cli {

std::string catalog_path(const Globals& g) { return g.calib_dir() + "/catalog.yaml"; }

std::unique_ptr<ReplicaModelProvider> make_replica_provider(const Globals& g, const std::string&) {
  // Calibration files are not read yet: the catalog's efficiency defaults apply.
  const std::string path = catalog_path(g);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return nullptr;  // options then need an explicit throughput
  return std::make_unique<perf::CatalogReplicaModelProvider>(io::load_catalog(path));
}

}  // namespace plan::cli
