#pragma once
// Reader of owned-hardware lists (pricing/hardware/*.yaml, docs/pricing.md "Owned
// hardware"), and the step that gives a profile's owned options the figures of the entries
// they name. Throws plan::Error with file, line and column.
#include <string>

#include "plan/core/data/hardware.hpp"
#include "plan/core/data/profile.hpp"

namespace plan::io {

HardwareList parse_hardware_list(const std::string& file, const std::string& text);
HardwareList load_hardware_list(const std::string& path);

// The newest list (latest effective_date, then version) in `dir`; throws when there is none.
HardwareList newest_hardware_list(const std::string& dir);

// Whether any owned option of `profile` names a hardware entry.
bool names_hardware(const Profile& profile);

// Fills gpu, gpu_count, power_kw and (unless the option gives its own) purchase_usd of every
// owned option that names an entry of `list`, with the entry's citation. Throws at the
// option's `hardware` key when the entry is not listed, or when neither gives a purchase price.
void resolve_owned_hardware(Profile& profile, const HardwareList& list);

}  // namespace plan::io
