// Reads pricing/hardware/*.yaml. The format is documented in docs/pricing.md "Owned hardware".
#include "plan/io/hardware_loader.hpp"

#include "plan/core/serving/perf.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <set>
#include <tuple>

#include "entries.hpp"
#include "plan/io/files.hpp"
#include "yaml_strict.hpp"

namespace plan::io {

HardwareList parse_hardware_list(const std::string& file, const std::string& text) {
  Document doc = parse_document(file, text);
  Map top(file, doc.root, "owned-hardware list");
  HardwareList l;
  l.path = file;
  l.version = top.str("version");
  l.effective_date = top.str("effective_date");
  const std::string currency = top.str("currency");
  if (currency != "USD")
    throw Error(top.key_loc("currency"), fmt::format("currency '{}' is not supported (expected USD)", currency));
  top.opt_str("description");
  read_sources(file, top, l.sources);
  std::set<std::string> ids;
  top.seq("owned_hardware", [&](const Node& n, std::size_t i) {
    Map first(file, n, fmt::format("owned hardware {}", i + 1));
    HardwareEntry e;
    e.id = first.str("id");
    Map m(file, n, fmt::format("owned hardware '{}'", e.id));
    m.allow("id");
    e.kind = m.str("kind");
    if (e.kind != "server" && e.kind != "workstation")
      fail(file, m.node("kind"), fmt::format("'kind' of owned hardware '{}' is '{}' (expected server or workstation)",
                                             e.id, e.kind));
    e.gpu = m.str("gpu");
    e.gpu_count = m.integer("gpu_count", 1, perf::max_replica_gpus);  // up to rack-scale systems (NVL72)
    e.purchase_usd = m.opt_num("purchase_usd", Range::positive(1e8));
    e.power_kw = m.num("power_kw", Range::positive(1000));
    e.source = m.str("source");
    e.line = m.loc().line;
    m.finish();
    if (std::none_of(l.sources.begin(), l.sources.end(), [&](const Source& s) { return s.id == e.source; })) {
      std::vector<std::string> listed;
      for (const auto& s : l.sources) listed.push_back(s.id);
      throw Error(m.key_loc("source"), fmt::format("source '{}' of owned hardware '{}' is not listed under 'sources' "
                                                   "(expected one of: {})", e.source, e.id, fmt::join(listed, ", ")));
    }
    check_unique(ids, e, m, "owned hardware");
    l.entries.push_back(std::move(e));
  });
  top.finish();
  return l;
}

HardwareList load_hardware_list(const std::string& path) {
  Limits limits;
  return parse_hardware_list(path, read_text_file(path, limits.max_bytes));
}

HardwareList newest_hardware_list(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> paths;
  if (fs::is_directory(dir, ec)) {
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".yaml") paths.push_back(e.path().string());
  }
  if (paths.empty())
    throw Error(SourceLoc{dir, 0, 0}, "no owned-hardware list found (expected pricing/hardware/*.yaml)");
  std::sort(paths.begin(), paths.end());
  std::optional<HardwareList> newest;
  for (const auto& p : paths) {
    HardwareList l = load_hardware_list(p);
    // Named relative to the data directory ("pricing/hardware/F.yaml"), as shipped sheets
    // are, so that reports do not depend on where the tool is installed.
    const fs::path d(dir);
    l.path = (d.parent_path().filename() / d.filename() / fs::path(p).filename()).string();
    if (!newest || std::tie(l.effective_date, l.version) > std::tie(newest->effective_date, newest->version))
      newest = std::move(l);
  }
  return *newest;
}

bool names_hardware(const Profile& p) {
  return std::any_of(p.options.begin(), p.options.end(), [](const Option& o) {
    return o.fleet() && o.fleet()->owned && !o.fleet()->owned->hardware.empty();
  });
}

void resolve_owned_hardware(Profile& p, const HardwareList& list) {
  for (auto& o : p.options) {
    FleetSpec* f = o.fleet();
    if (!f || !f->owned || f->owned->hardware.empty()) continue;
    OwnedHardware& h = *f->owned;
    const HardwareEntry* e = list.find(h.hardware);
    if (!e) {
      std::vector<std::string> ids;
      for (const auto& x : list.entries) ids.push_back(x.id);
      throw Error(h.hardware_loc, fmt::format("unknown hardware '{}' (expected an owned_hardware id of {}: {})",
                                              h.hardware, list.path, fmt::join(ids, ", ")));
    }
    if (h.purchase_usd <= 0 && !e->purchase_usd)
      throw Error(h.hardware_loc, fmt::format("hardware '{}' has no public list price ({}) (expected purchase_usd in "
                                              "the owned block of option '{}')",
                                              h.hardware, list.cite(e->line), o.id));
    h.gpu = e->gpu;
    h.gpu_count = e->gpu_count;
    h.power_kw = e->power_kw;
    h.figures_source = list.cite(e->line);
    if (h.purchase_usd <= 0) h.purchase_usd = *e->purchase_usd;
    else h.figures_source += fmt::format("; purchase_usd from the owned block at {}:{}", h.hardware_loc.file, h.hardware_loc.line);
  }
}

}  // namespace plan::io
