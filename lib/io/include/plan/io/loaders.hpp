#pragma once
// Readers of the project's input files. Every function throws plan::Error with the file,
// line and column of the first problem; none returns a partly-read object.
#include <set>
#include <string>
#include <vector>

#include "plan/core/options/compare.hpp"
#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/profile.hpp"

namespace plan::io {

// Price sheets (pricing/*.yaml).
PriceSheet parse_price_sheet(const std::string& file, const std::string& text);
PriceSheet load_price_sheet(const std::string& path);

struct SheetFile {
  std::string version;
  std::string effective_date;
  std::string path;
};
// Every sheet in `dir`, oldest first (by effective date, then version).
std::vector<SheetFile> list_price_sheets(const std::string& dir);
// `spec` is a version in `dir`, or a path to a file (anything containing '/' or ending .yaml).
// An empty spec picks the newest sheet in `dir`.
PriceSheet resolve_price_sheet(const std::string& spec, const std::string& dir);

// Workload profiles (profiles/*.yaml).
Profile parse_profile(const std::string& file, const std::string& text);
Profile load_profile(const std::string& path);
// The keys the profile loader reads while loading `paths` (every mapping's, sections and
// options of every kind those files have; without their paths): docs/profiles.md names
// each (tests/unit/test_profile_keys.cpp).
std::set<std::string> profile_keys(const std::vector<std::string>& paths);

// Checks that every option of `profile` names entries the sheet has, and throws at the
// option's key otherwise.
void check_references(const Profile& profile, const PriceSheet& sheet);

// The JSON of `plan compare --format json`, read back for `plan diff`: the fields a diff
// uses (options, cost lines, feasibility, replicas and units); other keys are ignored.
CompareResult parse_compare_json(const std::string& file, const std::string& text);
CompareResult load_compare_json(const std::string& path);

}  // namespace plan::io
