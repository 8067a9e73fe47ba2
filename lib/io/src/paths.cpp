#include "plan/io/paths.hpp"

#include <cstdlib>
#include <filesystem>

#include "plan/core/base/error.hpp"

namespace plan::io {
namespace fs = std::filesystem;

const char* to_string(DataDirSource s) {
  switch (s) {
    case DataDirSource::flag: return "--data-dir";
    case DataDirSource::environment: return "PLAN_DATA_DIR";
    case DataDirSource::installed: return "installed";
    case DataDirSource::source_tree: return "source tree";
  }
  return "?";
}

DataDir resolve_data_dir(const DataDirInputs& in) {
  if (in.flag) return {*in.flag, DataDirSource::flag};
  if (in.env && !in.env->empty()) return {*in.env, DataDirSource::environment};
  if (!in.installed_relative.empty()) {
    if (auto dir = installed_file(in.executable, in.installed_relative)) {
      std::error_code ec;
      if (fs::is_directory(*dir, ec)) return {*dir, DataDirSource::installed};
    }
  }
  return {in.source_tree.empty() ? std::string(".") : in.source_tree, DataDirSource::source_tree};
}

std::string executable_path() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

std::optional<std::string> installed_file(const std::string& executable, const std::string& relative) {
  if (executable.empty() || relative.empty()) return std::nullopt;
  std::error_code ec;
  fs::path p = (fs::path(executable).parent_path() / relative).lexically_normal();
  if (!fs::exists(p, ec)) return std::nullopt;
  std::string s = p.string();
  if (s.size() > 1 && s.back() == '/') s.pop_back();  // "a/b/../" normalises to "a/"
  return s;
}

std::optional<std::string> user_data_dir(const char* xdg_data_home, const char* home) {
  // The XDG Base Directory specification: a relative XDG_DATA_HOME is invalid and ignored.
  if (xdg_data_home && xdg_data_home[0] == '/') return (fs::path(xdg_data_home) / "plan").string();
  if (home && *home) return (fs::path(home) / ".local/share/plan").string();
  return std::nullopt;
}

std::optional<std::string> user_data_dir() { return user_data_dir(std::getenv("XDG_DATA_HOME"), std::getenv("HOME")); }

std::string require_user_data_dir() {
  if (auto d = user_data_dir()) return *d;
  throw Error("no directory for user files (expected HOME or an absolute XDG_DATA_HOME, or -o FILE)",
              ExitCode::cannot_create);
}

std::string calibration_results_dir(const std::string& base) { return base + "/calib/results"; }

}  // namespace plan::io
