#include "plan/core/error.hpp"

namespace plan {

std::string Error::formatted() const {
  std::string out;
  if (!loc_.file.empty()) {
    out += loc_.file;
    if (loc_.line > 0) {
      out += ":" + std::to_string(loc_.line) + ":" + std::to_string(loc_.col > 0 ? loc_.col : 1);
    }
    out += ": ";
  }
  out += what();
  return out;
}

}  // namespace plan
