// lib/io/src/paths.cpp: where the data directory and the user's files are.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "plan/io/paths.hpp"

using namespace plan;
namespace fs = std::filesystem;

namespace {
// A fresh directory under the system's temporary directory (one per process, so that two
// builds' tests may run at once).
fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("plan-test-paths-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
}  // namespace

TEST_CASE("resolve_data_dir: --data-dir, PLAN_DATA_DIR, installed, source tree", "[paths]") {
  fs::path prefix = fresh_dir("prefix");
  fs::create_directories(prefix / "bin");
  fs::create_directories(prefix / "share/plan/pricing");
  const std::string exe = (prefix / "bin/plan").string();

  io::DataDirInputs in;
  in.flag = "/flag";
  in.env = "/env";
  in.executable = exe;
  in.installed_relative = "../share/plan";
  in.source_tree = "/src";

  SECTION("the flag wins over everything") {
    auto d = io::resolve_data_dir(in);
    CHECK(d.path == "/flag");
    CHECK(d.source == io::DataDirSource::flag);
  }
  SECTION("then the environment; an empty value counts as unset") {
    in.flag.reset();
    CHECK(io::resolve_data_dir(in).path == "/env");
    in.env = "";
    auto d = io::resolve_data_dir(in);
    CHECK(d.path == (prefix / "share/plan").string());  // <prefix>/bin/../share/plan, normalised
    CHECK(d.source == io::DataDirSource::installed);
  }
  SECTION("then the installed data beside the executable, then the source tree") {
    in.flag.reset();
    in.env.reset();
    CHECK(io::resolve_data_dir(in).source == io::DataDirSource::installed);
    fs::remove_all(prefix / "share");  // a build tree: no share/plan beside the executable
    auto d = io::resolve_data_dir(in);
    CHECK(d.path == "/src");
    CHECK(d.source == io::DataDirSource::source_tree);
    in.executable = "";  // /proc/self/exe unreadable
    CHECK(io::resolve_data_dir(in).path == "/src");
  }
  fs::remove_all(prefix);
}

TEST_CASE("user_data_dir follows the XDG Base Directory defaults", "[paths]") {
  CHECK(io::user_data_dir("/x/data", "/home/u") == std::optional<std::string>("/x/data/plan"));
  // Unset or relative XDG_DATA_HOME: $HOME/.local/share (a relative value is invalid per the spec).
  CHECK(io::user_data_dir(nullptr, "/home/u") == std::optional<std::string>("/home/u/.local/share/plan"));
  CHECK(io::user_data_dir("rel/data", "/home/u") == std::optional<std::string>("/home/u/.local/share/plan"));
  CHECK(io::user_data_dir("", "/home/u") == std::optional<std::string>("/home/u/.local/share/plan"));
  CHECK_FALSE(io::user_data_dir(nullptr, nullptr).has_value());
  CHECK_FALSE(io::user_data_dir(nullptr, "").has_value());
}

TEST_CASE("installed_file is the path beside the executable only when it exists", "[paths]") {
  fs::path prefix = fresh_dir("module");
  fs::create_directories(prefix / "bin");
  fs::create_directories(prefix / "lib/plan");
  std::ofstream(prefix / "lib/plan/mod.so") << "x";
  const std::string exe = (prefix / "bin/plan").string();
  CHECK(io::installed_file(exe, "../lib/plan/mod.so") == std::optional<std::string>((prefix / "lib/plan/mod.so").string()));
  CHECK_FALSE(io::installed_file(exe, "../lib/plan/other.so").has_value());
  CHECK_FALSE(io::installed_file("", "../lib/plan/mod.so").has_value());
  CHECK(io::calibration_results_dir("/d") == "/d/calib/results");
  fs::remove_all(prefix);
}
