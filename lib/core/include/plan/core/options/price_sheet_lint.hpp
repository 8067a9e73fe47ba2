#pragma once
// `plan prices lint`: consistency checks of a price sheet's figures that its loader does not
// make (docs/pricing.md "Linting a sheet"), and of the shipped profiles against it.
#include <string>
#include <vector>

#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/profile.hpp"

namespace plan {

struct LintFinding {
  std::string file;
  int line = 0;
  std::string check;    // short name of the rule: cache, batch, spot, reserved, limits, successor, retired
  std::string message;  // names the entry
};

// Every finding on `sheet`, in entry order: cache read < input <= cache write (each price
// list: standard, long-context tiers, service tiers); batch prices = the provider's batch
// rule unless the entry says why not (`batch_note`); spot and reserved <= on demand; every
// per-token entry has input and output limits; every retiring entry names a successor.
std::vector<LintFinding> lint_price_sheet(const PriceSheet& sheet);

// Options of `profile` whose API model or managed offering is retired on or before the
// first day of the profile's first month (its horizon start, else the sheet's month).
std::vector<LintFinding> lint_profile(const Profile& profile, const PriceSheet& sheet);

}  // namespace plan
