#pragma once
// A list of servers and workstations one may buy (pricing/hardware/*.yaml, docs/pricing.md
// "Owned hardware"): the figures an owned option may take by naming an entry instead of
// repeating them. Kept apart from the price sheets: a sheet prices what is rented, this
// lists what is bought, and each has its own version.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/data/price_sheet.hpp"

namespace plan {

struct HardwareEntry {
  std::string id;
  std::string kind;  // "server" or "workstation"
  std::string gpu;   // catalog GPU id
  int gpu_count = 1;
  // List price of one unit, USD; absent where none is published (the option must give it).
  std::optional<double> purchase_usd;
  double power_kw = 0;  // at full load (IT power)
  std::string source;
  int line = 0;
};

struct HardwareList {
  std::string version;
  std::string effective_date;
  std::string path;
  std::vector<Source> sources;
  std::vector<HardwareEntry> entries;

  const HardwareEntry* find(const std::string& id) const;
  // "pricing/hardware/2026-11.yaml:12"
  std::string cite(int line) const { return path + ":" + std::to_string(line); }
};

}  // namespace plan
