#pragma once
// Small text helpers shared by the readers of identifiers and names.
#include <cctype>
#include <string>

namespace plan {

// `s` with its ASCII letters in lower case (ids, engine and GPU names compare case-blind).
inline std::string ascii_lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace plan
