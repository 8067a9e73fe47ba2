// The JSON writer of lib/report/src/json.cpp: escaping, layout, numbers, nulls.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <optional>

#include "plan/report/json.hpp"

using namespace plan::report;

TEST_CASE("json_escape: quotes, backslashes and control characters", "[report][json]") {
  CHECK(json_escape("plain") == "plain");
  CHECK(json_escape("a\"b") == "a\\\"b");
  CHECK(json_escape("C:\\dir") == "C:\\\\dir");
  CHECK(json_escape("l1\nl2\r\tx") == "l1\\nl2\\r\\tx");
  CHECK(json_escape(std::string_view("\x01\x1f", 2)) == "\\u0001\\u001f");
  CHECK(json_escape(std::string_view("nul\0end", 7)) == "nul\\u0000end");
  // DEL, C1 and bidirectional controls are legal raw in JSON but escaped, so that a document
  // shown on a terminal carries none of them (escape.hpp).
  CHECK(json_escape("\x7f") == "\\u007f");
  CHECK(json_escape("\xC2\x9B" "31m") == "\\u009b31m");              // U+009B, the C1 CSI
  CHECK(json_escape("\xE2\x80\xAE" "txt") == "\\u202etxt");         // U+202E right-to-left override
  // Invalid UTF-8 (a lone 0xFF, a truncated sequence) becomes U+FFFD: the document stays UTF-8.
  CHECK(json_escape("a\xff" "b") == "a\\ufffdb");
  CHECK(json_escape("\xE2\x82") == "\\ufffd\\ufffd");
  CHECK(json_escape("\xE2\x82\xAC") == "\xE2\x82\xAC");            // UTF-8 passes through
}

TEST_CASE("JsonWriter: a document with nested arrays, two-space indent", "[report][json]") {
  JsonWriter j;
  j.begin_object();
  j.field("name", std::string("a \"quoted\" \\ name"));
  j.field("count", 3);
  j.field("ok", true);
  j.strings("notes", {"x", "y"});
  j.key("empty").begin_array().end_array();
  j.key("inner").begin_object().end_object();
  j.end_object();
  CHECK(j.str() ==
        "{\n"
        "  \"name\": \"a \\\"quoted\\\" \\\\ name\",\n"
        "  \"count\": 3,\n"
        "  \"ok\": true,\n"
        "  \"notes\": [\n"
        "    \"x\",\n"
        "    \"y\"\n"
        "  ],\n"
        "  \"empty\": [],\n"
        "  \"inner\": {}\n"
        "}\n");
}

TEST_CASE("JsonWriter::money: two decimals, null when absent", "[report][json]") {
  JsonWriter j;
  j.begin_object();
  j.money("whole", 1234.0);
  j.money("half", 1234.5);
  j.money("pi", 3.14159);
  j.money("negative_zero", -0.0);  // 0.00, not -0.00
  j.money("absent", std::optional<double>{});
  j.money("present", std::optional<double>{12.3});
  j.end_object();
  CHECK(j.str() ==
        "{\n"
        "  \"whole\": 1234.00,\n"
        "  \"half\": 1234.50,\n"
        "  \"pi\": 3.14,\n"
        "  \"negative_zero\": 0.00,\n"
        "  \"absent\": null,\n"
        "  \"present\": 12.30\n"
        "}\n");
}

TEST_CASE("JsonWriter: optionals, doubles and non-finite numbers", "[report][json]") {
  JsonWriter j;
  j.begin_array();
  j.value(2.0);                                          // integral: no decimals
  j.value(0.1);                                          // shortest round-trip form
  j.value(std::numeric_limits<double>::quiet_NaN());    // not finite: null
  j.value_fixed(std::numeric_limits<double>::infinity(), 2);
  j.null();
  j.end_array();
  CHECK(j.str() == "[\n  2,\n  0.1,\n  null,\n  null,\n  null\n]\n");

  JsonWriter k;
  k.begin_object();
  k.field("none", std::optional<double>{});
  k.field("some", std::optional<double>{2.5});
  k.field("text", std::optional<std::string>{"t"});
  k.end_object();
  CHECK(k.str() == "{\n  \"none\": null,\n  \"some\": 2.5,\n  \"text\": \"t\"\n}\n");
}
