#pragma once
// Where plan finds its shipped data (price sheets, catalog, example profiles) and where it
// keeps the user's own files (calibration results, and anything else a command adds).
// Shipped data is only ever read; every file a command creates by default goes under
// user_data_dir(), never into the install prefix or the source tree.
#include <optional>
#include <string>

namespace plan::io {

// Where the data directory came from, in the order it is looked for.
enum class DataDirSource { flag, environment, installed, source_tree };
// "--data-dir", "PLAN_DATA_DIR", "installed", "source tree".
const char* to_string(DataDirSource s);

struct DataDir {
  std::string path;
  DataDirSource source = DataDirSource::source_tree;
};

struct DataDirInputs {
  std::optional<std::string> flag;  // --data-dir, when given
  std::optional<std::string> env;   // $PLAN_DATA_DIR; unset or empty counts as absent
  std::string executable;           // the running program ("" when unknown)
  std::string installed_relative;   // from the executable's directory to the installed data, e.g. "../share/plan"
  std::string source_tree;          // the source tree of a development build ("" for none)
};

// The data directory: --data-dir, else $PLAN_DATA_DIR, else the installed data beside the
// executable (<prefix>/bin/plan -> <prefix>/share/plan) when that directory exists, else the
// source tree. The first two are taken as given (a wrong one fails where it is read).
DataDir resolve_data_dir(const DataDirInputs& in);

// The running executable (/proc/self/exe, links resolved), or "" when it cannot be read.
std::string executable_path();

// A file installed beside the executable: <executable's directory>/<relative>, when it
// exists; nullopt otherwise (also when the executable is unknown).
std::optional<std::string> installed_file(const std::string& executable, const std::string& relative);

// The directory of the user's own files: $XDG_DATA_HOME/plan when XDG_DATA_HOME is an
// absolute path, else $HOME/.local/share/plan (the XDG Base Directory default); nullopt
// when neither is set. Arguments are the variables' values (nullptr when unset).
std::optional<std::string> user_data_dir(const char* xdg_data_home, const char* home);
// The same, from this process's environment.
std::optional<std::string> user_data_dir();
// user_data_dir(), or plan::Error (exit 73) naming the variables when there is none.
std::string require_user_data_dir();

// Where calibration results live under a data directory or the user directory.
std::string calibration_results_dir(const std::string& base);

}  // namespace plan::io
