// The strict reader's limits (lib/io/src/yaml_strict.cpp) seen through parse_profile: what
// must still be accepted next to what is rejected. The rejections themselves are covered
// line by line by tests/bad_inputs/.
#include <catch2/catch.hpp>

#include <string>

#include "plan/core/base/error.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;

namespace {
const std::string body =
    "workloads:\n"
    "  - id: chat\n"
    "    requests_per_day: 10\n"
    "    input_tokens: 1\n"
    "    output_tokens: 1\n"
    "options:\n"
    "  - id: mini\n"
    "    kind: api\n"
    "    model: gpt-4o-mini\n";

// The error parse_profile throws for `text`, or "" when it loads.
std::string error_of(const std::string& text) {
  try {
    io::parse_profile("p.yaml", text);
  } catch (const Error& e) {
    return e.formatted();
  }
  return "";
}
}  // namespace

TEST_CASE("well-formed UTF-8 is accepted, malformed UTF-8 is located", "[limits]") {
  // 2-, 3- and 4-byte sequences: e-acute, an em dash, CJK, an emoji.
  CHECK(error_of("name: caf\xC3\xA9 \xE2\x80\x94 \xE6\x97\xA5 \xF0\x9F\x9A\x80\n" + body) == "");
  // Overlong '/' (C0 AF): the C0 is byte 7 of line 1.
  CHECK(error_of("name: a\xC0\xAF\n" + body) == "p.yaml:1:8: file is not UTF-8 text (expected UTF-8)");
  // A UTF-16 surrogate encoded as UTF-8 (ED A0 80).
  CHECK(error_of("name: \xED\xA0\x80\n" + body) == "p.yaml:1:7: file is not UTF-8 text (expected UTF-8)");
  // Above U+10FFFF (F4 90 80 80).
  CHECK(error_of("name: \xF4\x90\x80\x80\n" + body) == "p.yaml:1:7: file is not UTF-8 text (expected UTF-8)");
  // A sequence cut short by the end of the file.
  CHECK(error_of("name: x\n" + body + "# \xE2\x80") ==
        "p.yaml:11:3: file is not UTF-8 text (expected UTF-8)");
}

TEST_CASE("nesting: 64 levels pass, 65 do not; brackets in strings and comments do not count", "[limits]") {
  // The top-level mapping is level 1, so 63 lists inside it make 64 levels: the document
  // parses and the complaint is the unknown key.
  std::string ok = "name: x\nextra: " + std::string(63, '[') + std::string(63, ']') + "\n" + body;
  CHECK(error_of(ok) ==
        "p.yaml:2:1: unknown key 'extra' in profile (expected one of: data_classes, description, discounts, horizon, name, ops, options, policy, price_sheet, uncertainty, workloads)");
  // 64 lists make 65 levels: the 64th '[' (column 8 + 63 = 71) is one too deep.
  std::string deep = "name: x\nextra: " + std::string(64, '[') + std::string(64, ']') + "\n" + body;
  CHECK(error_of(deep) == "p.yaml:2:71: nesting deeper than 64 levels (expected a shallower document)");
  // 100 '[' inside a quoted string and a comment are text, not nesting.
  std::string text = "name: \"" + std::string(100, '[') + "\" # " + std::string(100, '{') + "\n" + body;
  CHECK(error_of(text) == "");
}

TEST_CASE("aliases are shared, not expanded", "[limits]") {
  // Nine levels of nine-fold aliases would be 9^9 = 387,420,489 scalars if expanded; the
  // reader sees 90 nodes and rejects the unknown key quickly.
  std::string bomb = "name: x\nlol: &a [a, a, a, a, a, a, a, a, a]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'i'; ++c) {
    bomb += std::string("l") + c + ": &" + c + " [";
    for (int k = 0; k < 9; ++k) bomb += std::string(k ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = c;
  }
  CHECK(error_of(bomb + body) ==
        "p.yaml:2:1: unknown key 'lol' in profile (expected one of: data_classes, description, discounts, horizon, name, ops, options, policy, price_sheet, uncertainty, workloads)");
}

TEST_CASE("the same first error with or without an anchor in the text", "[limits]") {
  // Checks run on the event stream before the tree is built, anchor or not: both stop at the
  // same place. Line 3 repeats the key of line 2 in the first workload (column 5, after "  - "):
  const std::string dup = "workloads:\n"
                          "  - {id: chat, requests_per_day: 10, input_tokens: 1, output_tokens: 1}\n"
                          "  - id: chat2\n"
                          "    id: chat3\n";
  const std::string expected = "p.yaml:4:5: duplicate key 'id' (expected each key once)";
  CHECK(error_of(dup + "options: []\n") == expected);
  // The same with an anchor on a later node: the same message.
  CHECK(error_of(dup + "options: &o []\n") == expected);
  // A duplicate key after a syntax error is never reached: the parser's message comes first
  // in both. Line 2's "[1, 2" is never closed; the duplicate is on line 3.
  const std::string broken = "name: x\nextra: [1, 2\nname: y\n";
  const std::string e1 = error_of(broken), e2 = error_of(broken + "z: &a 1\n");
  CHECK(e1.find("invalid YAML") != std::string::npos);
  CHECK(e1 == e2);
  // The node limit counts keys and values alike in both: an anchor changes nothing.
  CHECK(error_of("name: x\n" + body) == error_of("name: &n x\n" + body));
  // A stray comma (fuzz/corpus/price_sheet/timeout-comma.yaml, kept from a parser that never
  // returned on it): a comma cannot start a node in block context, so the first character is
  // the error.
  CHECK(error_of(",") == "p.yaml:1:1: invalid YAML: did not find expected node content while parsing a block node (expected well-formed YAML)");
}
