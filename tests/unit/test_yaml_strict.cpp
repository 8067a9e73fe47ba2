// The strict YAML reader (lib/io/src/yaml_strict.cpp, private to plan_io): limits, duplicate
// keys, typed fields and unknown keys, each error at its file, line and column (1-based,
// counted by hand in the texts below).
#include <catch2/catch.hpp>

#include <functional>
#include <string>

#include "plan/core/base/error.hpp"
#include "yaml_strict.hpp"

using namespace plan;
using namespace plan::io;

namespace {
// The error `f` throws, as plan prints it after "plan: error: "; "" when it throws none.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.formatted();
  }
  return "";
}

Map top(const std::string& text) {
  static Document d;  // the Map keeps the node, which the document shares
  d = parse_document("t.yaml", text);
  return Map("t.yaml", d.root, "the test");
}
}  // namespace

TEST_CASE("parse_document: what a document must be", "[yaml_strict]") {
  // Line 3, column 1: the second 'a'.
  CHECK(error_of([] { parse_document("t.yaml", "a: 1\nb: 2\na: 3\n"); }) ==
        "t.yaml:3:1: duplicate key 'a' (expected each key once)");
  // Three mappings deep with a limit of 2: the third opens at column 8 of "a: {b: {c: 1}}".
  Limits two_deep;
  two_deep.max_depth = 2;
  CHECK(error_of([&] { parse_document("t.yaml", "a: {b: {c: 1}}\n", two_deep); }) ==
        "t.yaml:1:8: nesting deeper than 2 levels (expected a shallower document)");
  CHECK_NOTHROW(parse_document("t.yaml", "a: {b: 1}\n", two_deep));
  Limits small;
  small.max_bytes = 4;
  CHECK(error_of([&] { parse_document("t.yaml", "a: 12\n", small); }) ==
        "t.yaml: file is larger than 4 bytes (expected a smaller file)");
  CHECK(error_of([] { parse_document("t.yaml", "# only a comment\n"); }) ==
        "t.yaml: file has no YAML document, only comments (expected a document)");
  // A list at the top: line 1, column 1.
  CHECK(error_of([] { parse_document("t.yaml", "- a\n- b\n"); }) ==
        "t.yaml:1:1: top level is not a mapping (expected 'key: value' lines)");
  CHECK(parse_document("t.yaml", "- a\n- b\n", {}, true).root.size() == 2);
  // A NUL byte at offset 5 ("a: 1\n" is 5 bytes): line 2, column 1.
  CHECK(error_of([] { parse_document("t.yaml", std::string("a: 1\n\0", 6)); }) ==
        "t.yaml:2:1: file contains a NUL byte (expected UTF-8 text)");
}

TEST_CASE("Map: typed fields and their errors", "[yaml_strict]") {
  SECTION("a number in range, a quoted number, out of range") {
    Map m = top("share: 0.25\nquoted: '5'\nbig: 2\n");
    CHECK(m.num("share", Range::share()) == 0.25);
    // "quoted: '5'": the value starts at column 9.
    CHECK(error_of([&] { m.num("quoted", Range::share()); }) ==
          "t.yaml:2:9: 'quoted' in the test is the quoted string \"5\" (expected a number in [0, 1], unquoted)");
    CHECK(error_of([&] { m.num("big", Range::share()); }) ==
          "t.yaml:3:6: 'big' in the test is 2 (expected a number in [0, 1])");
    CHECK(error_of([&] { m.num("big", Range::positive(1)); }) ==
          "t.yaml:3:6: 'big' in the test is 2 (expected a number in (0, 1])");
  }
  SECTION("whole numbers, booleans, strings") {
    Map m = top("n: 2.5\nk: 7\nf: yes\nt: true\ns: ''\n");
    CHECK(error_of([&] { m.integer("n", 0, 10); }) == "t.yaml:1:4: 'n' in the test is 2.5 (expected a whole number)");
    CHECK(m.integer("k", 0, 10) == 7);
    CHECK(error_of([&] { m.opt_bool("f"); }) == "t.yaml:3:4: 'f' in the test is 'yes' (expected true or false)");
    CHECK(m.opt_bool("t") == true);
    CHECK(error_of([&] { m.str("s"); }) == "t.yaml:5:4: 's' in the test is empty (expected a string)");
  }
  SECTION("missing and absent keys") {
    Map m = top("a: x\nnothing: ~\n");
    CHECK(error_of([&] { m.str("b"); }) == "t.yaml:1:1: missing key 'b' in the test (expected 'b: ...')");
    CHECK_FALSE(m.opt_str("b"));
    // A null value is as good as absent.
    CHECK_FALSE(m.opt_num("nothing", Range::non_negative()));
    CHECK_FALSE(m.has("nothing"));
  }
  SECTION("finish rejects the first key not read, naming those that were") {
    Map m = top("name: x\nrate: 1\nextra: 2\n");
    m.str("name");
    m.opt_num("rate", Range::non_negative());
    m.opt_str("note");  // read though absent: it is expected too
    CHECK(error_of([&] { m.finish(); }) ==
          "t.yaml:3:1: unknown key 'extra' in the test (expected one of: name, note, rate)");
    m.allow("extra");
    CHECK_NOTHROW(m.finish());
  }
  SECTION("a list where a mapping is expected, a scalar where a list is") {
    Document d = parse_document("t.yaml", "items: [1, 2]\nname: x\n");
    CHECK(error_of([&] { Map("t.yaml", d.root["items"], "'items'"); }) ==
          "t.yaml:1:8: 'items' is a list (expected a mapping)");
    Map m("t.yaml", d.root, "the test");
    std::size_t n = 0;
    m.seq("items", [&](const Node&, std::size_t) { ++n; });
    CHECK(n == 2);
    CHECK(error_of([&] { m.seq("name", [](const Node&, std::size_t) {}); }) ==
          "t.yaml:2:7: 'name' in the test is a scalar (expected a list)");
  }
}

TEST_CASE("KeyRecorder: every key a Map reads while it lives", "[yaml_strict]") {
  std::set<std::string> keys;
  {
    KeyRecorder rec;
    Map m = top("a: 1\n");
    m.opt_num("a", Range::non_negative());
    m.opt_str("b");  // absent, still a key the reader accepts
    keys = rec.keys();
  }
  CHECK(keys == std::set<std::string>{"a", "b"});
  // No recorder alive: nothing is recorded, nothing fails.
  Map m = top("c: 1\n");
  CHECK(m.opt_num("c", Range::non_negative()) == 1);
}
