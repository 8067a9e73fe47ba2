// SystemLibrary (plan/core/base/system_library.hpp): a library loaded when first needed, with one
// clear error when it or a symbol is missing.
#include <catch2/catch.hpp>

#include <cstring>

#include "plan/core/base/error.hpp"
#include "plan/core/base/system_library.hpp"

using plan::Error;
using plan::ExitCode;
using plan::SystemLibrary;

namespace {
// The message of the Error `f` throws, checking its exit code is EX_UNAVAILABLE (69).
template <class F>
std::string unavailable(F f) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::unavailable);
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("a system library loads on first use and resolves typed symbols", "[system_library]") {
  // The C library is always there; strlen("plan") is 4.
  SystemLibrary libc("libc.so.6", "the Debian package libc6", "a test");
  auto* len = libc.get<decltype(std::strlen)>("strlen");
  REQUIRE(len != nullptr);
  CHECK(len("plan") == 4);
}

TEST_CASE("a missing system library or symbol is one error naming what to install", "[system_library]") {
  SystemLibrary none("libplan-no-such-library.so.0", "the Debian package plan-none", "--format none");
  const std::string m = unavailable([&] { none.symbol("f"); });
  CHECK(m.rfind("--format none needs libplan-no-such-library.so.0 (install the Debian package plan-none): ", 0) == 0);
  // Tried again on the next use, with the same message.
  CHECK(unavailable([&] { none.symbol("f"); }) == m);

  SystemLibrary libc("libc.so.6", "the Debian package libc6", "a test");
  const std::string s = unavailable([&] { libc.symbol("plan_no_such_symbol"); });
  CHECK(s.rfind("a test needs plan_no_such_symbol from libc.so.6 (install the Debian package libc6): ", 0) == 0);
}
