#pragma once
// The profile YAML of `plan profile import`: workloads measured from usage data, options
// from the price sheet, and comments naming where every figure came from. The strict
// profile loader reads it back (docs/profiles.md).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/data/usage.hpp"
#include "plan/core/data/usage_options.hpp"

namespace plan::report {

// One usage file (or database) read, for the profile's header comments.
struct ImportSource {
  std::string path;
  std::string format;
  std::string sha256;
  unsigned long long rows = 0;     // read, malformed included
  unsigned long long skipped = 0;  // malformed
  std::vector<std::string> notes;  // first malformed rows, counter resets
  std::string table;    // a database: the table read (then path is its connection string
  std::string read_at;  // without the password, there is no sha256, and this is when it was read)
};

// An option of the written profile (built by usage::add_workload_options).
using ImportOptionKind = usage::ImportOptionKind;
using ImportOption = usage::ImportOption;

struct ImportedProfile {
  std::string name = "imported";
  std::string tz_label = "UTC";    // as given to --tz
  int utc_offset_s = 0;
  int window_days = 28;
  bool by_tag = false;
  std::string sheet_version;       // pinned price_sheet
  std::string sheet_path;          // for citing lines
  std::vector<ImportOption> options;
  bool options_are_whole_sheet = false;  // no model seen is on the sheet: every API model
  std::vector<ImportSource> sources;
  usage::ImportSummary summary;
  // Per workload key: the models that may serve it (written as `models:`), and why, one
  // comment line each. A key without an entry accepts any model.
  std::map<std::string, std::vector<std::string>> models;
  std::map<std::string, std::vector<std::string>> models_why;
  // Per workload key: comment lines after its rows (billed cost against list prices).
  std::map<std::string, std::vector<std::string>> notes;
  // Per workload key: the option that served it (written as `current_option`).
  std::map<std::string, std::string> current_option;
  // Per workload key: what the data billed over `days`, and the list price of the same tokens
  // (written as billed_usd, billed_days, billed_list_usd).
  using Billed = usage::BilledFigures;
  std::map<std::string, Billed> billed;
};

// Renders the profile. Workloads without any tokens are left out (named in a comment);
// ids are usage::workload_id of the key, made unique with "-2", "-3" ...
std::string render_imported_profile(const ImportedProfile& p);

}  // namespace plan::report
