// docs/profiles.md names every key the profile loader reads (lib/io profile_loader.cpp): the
// loader's own list, recorded while it loads the shipped profiles and the test profiles,
// against the document.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "plan/core/base/error.hpp"
#include "plan/io/loaders.hpp"

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The profiles that load: every shipped one, and the test fixtures that are not bad inputs.
std::vector<std::string> loadable_profiles() {
  std::vector<std::string> out;
  for (const std::string& dir : {std::string(PLAN_SOURCE_DIR) + "/profiles", std::string(PLAN_TEST_DATA)}) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (e.path().extension() != ".yaml") continue;
      if (dir == PLAN_TEST_DATA && name.rfind("profile", 0) != 0) continue;
      try {
        (void)plan::io::load_profile(e.path().string());
        out.push_back(e.path().string());
      } catch (const plan::Error&) {
        // A fixture of a bad input.
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("docs/profiles.md names every key the profile loader reads", "[docs][profile]") {
  const std::vector<std::string> files = loadable_profiles();
  // Every shipped profile loads (7 of them), and fixtures with each kind of option.
  REQUIRE(files.size() >= 7);
  const std::set<std::string> keys = plan::io::profile_keys(files);
  // Keys of every level are in the list: top level, a workload, an option, a hybrid, policy.
  for (const char* k : {"name", "workloads", "requests_per_day", "options", "kind", "private", "overflow",
                        "self_hosted_only", "owned", "uncertainty"})
    CHECK(keys.count(k) == 1);
  const std::string doc = read_all(std::string(PLAN_SOURCE_DIR) + "/docs/profiles.md");
  std::vector<std::string> missing;
  for (const auto& k : keys)
    if (doc.find("`" + k + "`") == std::string::npos && doc.find(" " + k + ":") == std::string::npos)
      missing.push_back(k);
  INFO("keys the loader reads that docs/profiles.md does not name (as `key` or key:): "
       << Catch::Detail::stringify(missing));
  CHECK(missing.empty());
}

TEST_CASE("profile_keys records what was read, present or not", "[profile]") {
  // A profile with one api option: its keys and the optional keys asked along the way
  // (e.g. `discount` of the option, `policy` at the top), none of an unused kind.
  const std::string path = std::string(PLAN_TEST_DATA) + "/profile-hf.yaml";
  const std::set<std::string> keys = plan::io::profile_keys({path});
  CHECK(keys.count("instance") == 1);
  CHECK(keys.count("policy") == 1);
  CHECK(keys.count("discount") == 1);
  CHECK(keys.count("private") == 0);  // no hybrid option there
}
