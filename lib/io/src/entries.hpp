#pragma once
// Reading pieces shared by the files that list sourced, id-named entries (price sheets and
// the catalog). Private to plan_io.
#include <fmt/format.h>

#include <set>
#include <string>
#include <vector>

#include "plan/core/data/price_sheet.hpp"
#include "yaml_strict.hpp"

namespace plan::io {

// The fields of one entry under 'sources:'; the caller decides when to finish() the map.
inline Source read_source(Map& m) {
  Source s;
  s.id = m.str("id");
  s.url = m.str("url");
  s.retrieved = m.str("retrieved");
  s.note = m.opt_str("note").value_or("");
  return s;
}

template <typename T>
void check_unique(std::set<std::string>& ids, const T& item, Map& m, const char* kind) {
  if (!ids.insert(item.id).second)
    throw Error(m.key_loc("id"), fmt::format("duplicate {} id '{}' (expected each id once)", kind, item.id));
}

// The 'sources:' list of a price sheet, hardware list or catalog file, appended to `out`:
// each entry read and finished, its id unique among those already in `out` and the new ones.
inline void read_sources(const std::string& file, Map& top, std::vector<Source>& out) {
  std::set<std::string> ids;
  for (const auto& s : out) ids.insert(s.id);
  top.seq("sources", [&](const Node& n, std::size_t i) {
    Map m(file, n, fmt::format("source {}", i + 1));
    Source src = read_source(m);
    m.finish();
    check_unique(ids, src, m, "source");
    out.push_back(std::move(src));
  });
}

}  // namespace plan::io
