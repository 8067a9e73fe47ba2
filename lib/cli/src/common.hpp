#pragma once
// Shared pieces of the subcommands. Private to plan_cli.
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/serving/calibrated_provider.hpp"
#include "plan/core/serving/calibration.hpp"
#include "plan/core/data/catalog.hpp"
#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/profile.hpp"
#include "plan/core/serving/replica_model.hpp"
#include "plan/io/calibration_io.hpp"
#include "plan/report/compare_report.hpp"

namespace plan::cli {

// Options every subcommand shares.
struct Globals {
  std::string data_dir;                 // shipped data: pricing/, profiles/, calib/ (read only)
  std::optional<std::string> user_dir;  // the user's own files ($XDG_DATA_HOME/plan); none without HOME
  std::vector<std::string> calibrations;  // --calibration: use these files instead of calib/results/
  bool no_calibration = false;            // --no-calibration: catalog figures only
  std::string today_arg;                  // --today / PLAN_TODAY as given (YYYY-MM-DD), or empty
  Date today;                             // today_arg parsed, else the system date
  std::string pricing_dir() const { return data_dir + "/pricing"; }
  std::string calib_dir() const { return data_dir + "/calib"; }
  // Directories of calibration results, read in this order: the data directory's, then the user's.
  std::vector<std::string> calibration_dirs() const;
};

// A subcommand's action, set up by its setup_* function and run after parsing.
using Action = std::function<int()>;

struct Registry {
  Globals globals;
  std::vector<std::pair<CLI::App*, Action>> actions;
  void add(CLI::App* sub, Action a) { actions.emplace_back(sub, std::move(a)); }
};

// One setup function per subcommand file.
void setup_compare(CLI::App& app, Registry& reg);
void setup_prices(CLI::App& app, Registry& reg);
void setup_recommend(CLI::App& app, Registry& reg);
void setup_report(CLI::App& app, Registry& reg);
void setup_project(CLI::App& app, Registry& reg);
void setup_breakeven(CLI::App& app, Registry& reg);
void setup_sweep(CLI::App& app, Registry& reg);
void setup_risk(CLI::App& app, Registry& reg);
void setup_diff(CLI::App& app, Registry& reg);
void setup_calibrate(CLI::App& app, Registry& reg);
void setup_profile(CLI::App& app, Registry& reg);
void setup_models(CLI::App& app, Registry& reg);
void setup_validate(CLI::App& app, Registry& reg);
void setup_search(CLI::App& app, Registry& reg);
// Last: it reads the command tree the others built.
void setup_completion(CLI::App& app, Registry& reg);

// A volume such as 250000, 2.5M or 1e9; suffixes k (1e3), M (1e6), B or G (1e9), T (1e12).
// False unless the whole string is a finite positive number.
bool parse_volume(const std::string& s, double& out);
// "FROM..TO" with FROM < TO, both parsed by parse_volume.
bool parse_volume_range(const std::string& s, double& from, double& to);
void setup_perf(CLI::App& app, Registry& reg);

// Writes a rendered report to `out` ("" or "-" is standard output), atomically.
void emit(const std::string& content, const std::string& out);
// Adds --format with the given choices.
CLI::Option* add_format_option(CLI::App& sub, std::string& target, const std::vector<std::string>& choices);
report::Format to_format(const std::string& s);

// What the commands that price one profile take: PROFILE, --prices, and (for those that
// render a report) --format and -o. A command's own options derive from this.
struct ProfileArgs {
  std::string profile;
  std::string prices;
  std::string format = "table";
  std::string out;
  double scale = 1;  // --scale, where the command has it
};
// Adds the PROFILE argument (required) and --prices; the help texts are each command's own.
void add_profile_args(CLI::App& sub, ProfileArgs& a, const std::string& profile_help,
                      const std::string& prices_help = "Price-sheet version or file; default: the profile's "
                                                       "price_sheet, else the newest");
// Adds --format with `formats` and -o/--output.
void add_report_output_args(CLI::App& sub, ProfileArgs& a, const std::vector<std::string>& formats,
                            const std::string& out_help = "Write to FILE atomically instead of standard output "
                                                          "('-' = stdout)");

// --scale X of the commands that cost a profile (compare, recommend, risk, report): every
// workload's volume times X, without editing the profile.
void add_scale_arg(CLI::App& sub, double& scale);
// Multiplies every workload's requests per day by `scale`; returns the finding that says so
// ("" when scale is 1), for the command's notes.
std::string apply_scale(Profile& p, double scale);

// --start and --months of the commands that project over months (project, report, risk):
// they replace the profile's horizon start and length.
struct WindowArgs {
  std::string start;  // YYYY-MM; empty = the horizon's, else the current month
  int months = 0;     // 0 = the horizon's
};
void add_window_args(CLI::App& sub, WindowArgs& w);
// Applies --start / --months to the profile's horizon (usage error when --months differs from
// an explicit monthly_volume_scale list's length).
void apply_window(Profile& p, const WindowArgs& w);

// The profile and the price sheet it resolves to: --prices wins, then the profile's
// pinned version, then the newest sheet. Checks the profile's references.
struct Loaded {
  Profile profile;
  PriceSheet sheet;
};
Loaded load_profile_and_sheet(const Globals& g, const std::string& profile_path, const std::string& prices);

// The calibration files that may apply to self-hosted deployments: those given with
// --calibration (a file that does not load is an error), else every file that loads in
// Globals::calibration_dirs(); none with --no-calibration.
perf::CalibrationSet load_calibrations(const Globals& g);

// The performance model behind self-hosted options (catalog rooflines, calibration files).
// `calibration` is an explicit calibration file, or empty for what the globals select.
// Returns nullptr when no model is available: options then need an explicit throughput.
// The catalog with perf's and compare's additions: calib/catalog.yaml, the user catalog
// entries (`plan models add`, io::user_models_dir) and `extra` (a profile's hf: models).
Catalog load_full_catalog(const Globals& g, const std::vector<ModelArch>& extra = {});
std::unique_ptr<ReplicaModelProvider> make_replica_provider(const Globals& g, const std::string& calibration,
                                                            const std::vector<ModelArch>& extra = {});
// calib/engine_terms.json of the data directory and the model classes its sets cover; both
// null when the file is not there (every replica is then sized by the catalog roofline).
struct EngineTermsFile {
  std::shared_ptr<const perf::EngineTerms> terms;
  std::shared_ptr<const perf::EngineCoverage> coverage;
};
EngineTermsFile load_engine_terms(const Globals& g, const Catalog& cat);
// calib/catalog.yaml under the data directory.
std::string catalog_path(const Globals& g);

}  // namespace plan::cli
