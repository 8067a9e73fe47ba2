#include "plan/core/base/error.hpp"

namespace plan {

std::string to_string(const SourceLoc& loc) {
  std::string out = loc.file;
  if (!out.empty() && loc.line > 0)
    out += ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col > 0 ? loc.col : 1);
  return out;
}

std::string Error::formatted() const {
  std::string out = to_string(loc_);
  if (!out.empty()) out += ": ";
  out += what();
  return out;
}

}  // namespace plan
