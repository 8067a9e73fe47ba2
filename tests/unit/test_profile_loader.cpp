// The profile loader (lib/io/src/profile_loader.cpp): what a workload, a horizon and the
// option list read into, and the errors at their line and column (1-based, counted by hand
// in the texts below). Keys of every kind against docs/profiles.md: test_profile_keys.cpp.
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "plan/core/base/error.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;

namespace {
std::string error_of(const std::string& yaml) {
  try {
    io::parse_profile("p.yaml", yaml);
  } catch (const Error& e) {
    return e.formatted();
  }
  return "";
}
const std::string one_option = "options:\n  - {id: a, kind: api, model: m}\n";
}  // namespace

TEST_CASE("parse_profile: a workload by tokens per day or by requests", "[profile_loader]") {
  SECTION("tokens_per_day without tokens_per_request: 1,000 tokens per request assumed") {
    // 2,000,000 tokens/day / 1,000 = 2,000 requests of 250 in (share 0.25) and 750 out.
    const Profile p = io::parse_profile(
        "p.yaml", "name: t\nworkloads:\n  - {id: w, tokens_per_day: 2000000, input_share: 0.25}\n" + one_option);
    REQUIRE(p.workloads.size() == 1);
    const Workload& w = p.workloads[0];
    CHECK(w.tokens_per_request_assumed);
    CHECK(w.requests_per_day == Approx(2000));
    CHECK(w.input_tokens == Approx(250));
    CHECK(w.output_tokens == Approx(750));
    CHECK(p.tokens_per_day() == Approx(2000000));
  }
  SECTION("tokens_per_request given: 2,000,000 / 4,000 = 500 requests of 2,000 + 2,000") {
    const Profile p = io::parse_profile(
        "p.yaml",
        "name: t\nworkloads:\n  - {id: w, tokens_per_day: 2000000, input_share: 0.5, tokens_per_request: 4000}\n" +
            one_option);
    CHECK_FALSE(p.workloads[0].tokens_per_request_assumed);
    CHECK(p.workloads[0].requests_per_day == Approx(500));
    CHECK(p.workloads[0].input_tokens == Approx(2000));
  }
  SECTION("requests: 100 a day of 300 + 700 tokens is 100,000 tokens a day") {
    const Profile p = io::parse_profile(
        "p.yaml",
        "name: t\nworkloads:\n  - {id: w, requests_per_day: 100, input_tokens: 300, output_tokens: 700}\n" +
            one_option);
    CHECK(p.tokens_per_day() == Approx(100000));
    CHECK(p.requests_per_day() == Approx(100));
    // A workload without an id is named by its place.
    const Profile q = io::parse_profile(
        "p.yaml", "name: t\nworkloads:\n  - {requests_per_day: 1, input_tokens: 1, output_tokens: 1}\n" + one_option);
    CHECK(q.workloads[0].id == "workload-1");
  }
}

TEST_CASE("parse_profile: the horizon", "[profile_loader]") {
  const std::string w = "name: t\nworkloads:\n  - {id: w, tokens_per_day: 1000, input_share: 0.5}\n" + one_option;
  const Profile none = io::parse_profile("p.yaml", w);
  CHECK_FALSE(none.horizon_given);
  CHECK(none.horizon.months == 12);
  CHECK_FALSE(none.horizon.start);
  const Profile p = io::parse_profile("p.yaml", w + "horizon: {months: 6, start: \"2026-11\", growth_per_month: 0.1}\n");
  CHECK(p.horizon_given);
  CHECK(p.horizon.months == 6);
  CHECK(p.horizon.start == YearMonth{2026, 11});
  // Month 2 (0-based) of 10% compound growth: 1.1^2 = 1.21.
  CHECK(p.horizon.volume_scale(2) == Approx(1.21));
  // Line 6 of the profile; "horizon: {months: 6, start: ..." puts 'start' at column 22.
  CHECK(error_of(w + "horizon: {months: 6, start: \"2026-13\"}\n") ==
        "p.yaml:6:22: 'start' in horizon is '2026-13' (expected YYYY-MM, month 01 to 12)");
  CHECK(error_of(w + "horizon: {months: 2, monthly_volume_scale: [1, 2, 3]}\n").find(
            "'monthly_volume_scale' has 3 values (expected 2, one per month of the horizon)") != std::string::npos);
}

TEST_CASE("parse_profile: ids are unique, and a profile has workloads and options", "[profile_loader]") {
  const std::string head = "name: t\nworkloads:\n  - {id: w, tokens_per_day: 1000, input_share: 0.5}\n";
  // Line 6, the second option: the error points at its id's value, column 10 of "  - {id: a, ...".
  CHECK(error_of(head + "options:\n  - {id: a, kind: api, model: m}\n  - {id: a, kind: api, model: n}\n") ==
        "p.yaml:6:10: duplicate option id 'a' (expected each id once)");
  CHECK(error_of("name: t\nworkloads:\n  - {id: w, tokens_per_day: 1, input_share: 0.5}\n  - {id: w, "
                 "tokens_per_day: 1, input_share: 0.5}\n" + one_option) ==
        "p.yaml:4:5: duplicate workload id 'w' (expected each id once)");
  CHECK(error_of("name: t\nworkloads: []\n" + one_option) ==
        "p.yaml:2:1: profile has no workloads (expected at least one)");
  CHECK(error_of(head + "options: []\n") == "p.yaml:4:1: profile has no options (expected at least one)");
  CHECK(error_of("name: t\nworkloads:\n  - {id: w, tokens_per_day: 1, requests_per_day: 1, input_share: 0.5}\n" +
                 one_option) ==
        "p.yaml:3:13: workload 'w' gives both tokens_per_day and requests_per_day (expected one)");
}
