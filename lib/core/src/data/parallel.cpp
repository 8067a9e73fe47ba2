#include "plan/core/data/parallel.hpp"

namespace plan {

const char* to_string(Parallel p) {
  switch (p) {
    case Parallel::tp: return "tp";
    case Parallel::ep: return "ep";
    case Parallel::dep: return "dep";
  }
  return "tp";
}

std::optional<Parallel> parse_parallel(const std::string& s) {
  if (s == "tp") return Parallel::tp;
  if (s == "ep") return Parallel::ep;
  if (s == "dep") return Parallel::dep;
  return std::nullopt;
}

}  // namespace plan
