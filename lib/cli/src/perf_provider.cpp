// Builds the performance model used for self-hosted options.
#include "common.hpp"

namespace plan::cli {

std::unique_ptr<ReplicaModelProvider> make_replica_provider(const Globals&, const std::string&) {
  // The catalog-based performance model is not wired in yet: self-hosted options need an
  // explicit tokens_per_second_per_replica.
  return nullptr;
}

}  // namespace plan::cli
