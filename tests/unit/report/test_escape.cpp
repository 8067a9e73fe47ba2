// The escaping rule of each output format (lib/report/src/escape.cpp) and the writers that
// apply it: tables, Markdown, CSV, HTML/SVG.
#include <catch2/catch.hpp>

#include "plan/report/escape.hpp"
#include "plan/report/svg.hpp"
#include "plan/report/table.hpp"

using namespace plan::report;

TEST_CASE("html_escape: markup, both quotes, controls and invalid UTF-8", "[report][escape]") {
  CHECK(html_escape("a</title><script>alert(3)</script>") == "a&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt;");
  CHECK(html_escape("x\" onload=\"f()") == "x&quot; onload=&quot;f()");
  CHECK(html_escape("x' onload='f()") == "x&#39; onload=&#39;f()");
  CHECK(html_escape("R&D") == "R&amp;D");
  // ESC, NUL and the C1 CSI (U+009B) are not XML characters: U+FFFD (EF BF BD) each.
  CHECK(html_escape(std::string_view("a\x1b[31m\0b", 8)) == "a\xEF\xBF\xBD[31m\xEF\xBF\xBD" "b");
  CHECK(html_escape("\xC2\x9B") == "\xEF\xBF\xBD");
  // A lone 0xFF and an overlong '<' (C0 BC) are not UTF-8: U+FFFD each byte, never a '<'.
  CHECK(html_escape("\xff") == "\xEF\xBF\xBD");
  CHECK(html_escape("\xC0\xBC") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(html_escape("tab\tnl\n\xE2\x82\xAC") == "tab\tnl\n\xE2\x82\xAC");  // kept
  CHECK(xml_escape("<svg onload=x>") == "&lt;svg onload=x&gt;");  // the SVG writer's rule is the same
}

TEST_CASE("csv_guard: formula prefixes get a leading quote, numbers do not", "[report][escape][csv]") {
  CHECK(csv_guard("=HYPERLINK(\"http://x\",\"y\")") == "'=HYPERLINK(\"http://x\",\"y\")");
  CHECK(csv_guard("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_guard("+cmd") == "'+cmd");
  CHECK(csv_guard("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0");
  CHECK(csv_guard("\tx") == "'\tx");
  CHECK(csv_guard("\rx") == "'\rx");
  CHECK(csv_guard("-") == "'-");
  // Numbers as the writers print them stay numbers: negative savings, exponents.
  CHECK(csv_guard("-1234.56") == "-1234.56");
  CHECK(csv_guard("-0.5") == "-0.5");
  CHECK(csv_guard("-1e9") == "-1e9");
  CHECK(csv_guard("-1e+09") == "-1e+09");
  CHECK(csv_guard("plain") == "plain");
  CHECK(csv_guard("") == "");
  CHECK_FALSE(is_csv_number("-1."));
  CHECK_FALSE(is_csv_number("-.5"));
  CHECK_FALSE(is_csv_number("-1e"));
  CHECK_FALSE(is_csv_number("+1"));  // the writers never print a plus sign
  // csv_field applies the guard before quoting; --csv-raw turns it off.
  CHECK(csv_field("=1+2") == "'=1+2");
  CHECK(csv_field("=1,2") == "\"'=1,2\"");
  CHECK(csv_row({"@x", "-3.00", "ok"}) == "'@x,-3.00,ok\r\n");
  set_csv_formula_guard(false);
  CHECK(csv_field("=1+2") == "=1+2");
  set_csv_formula_guard(true);
  CHECK(csv_formula_guard());
}

TEST_CASE("terminal_text and terminal_cell: controls, bidi overrides and invalid UTF-8 escaped", "[report][escape]") {
  CHECK(terminal_text("a\x1b[31mred\x07") == "a\\x1b[31mred\\x07");
  CHECK(terminal_text("l1\nl2\tx") == "l1\nl2\tx");                 // newline and tab kept
  CHECK(terminal_text("cr\r") == "cr\\r");
  CHECK(terminal_text("\x7f") == "\\x7f");                           // DEL
  CHECK(terminal_text("\xC2\x9B" "31m") == "\\u009b31m");            // C1 CSI, U+009B
  CHECK(terminal_text("\xE2\x80\xAE" "cba") == "\\u202ecba");        // right-to-left override
  CHECK(terminal_text("\xE2\x81\xA6" "x") == "\\u2066x");            // left-to-right isolate
  CHECK(terminal_text("\x89PNG\xff\xfe") == "\\x89PNG\\xff\\xfe");  // bytes that are not UTF-8
  CHECK(terminal_text("caf\xC3\xA9 \xE2\x82\xAC") == "caf\xC3\xA9 \xE2\x82\xAC");  // UTF-8 kept
  CHECK(terminal_cell("l1\nl2\tx") == "l1\\nl2\\tx");
  CHECK(valid_utf8("a\xff\xC3\xA9") == "a\xEF\xBF\xBD\xC3\xA9");
}

TEST_CASE("Table: text cells one line with controls escaped; Markdown cells escape | and `", "[report][escape]") {
  Table t;
  t.add_column("id", Align::left);
  t.add_column("n");
  t.add_row({"a\x1b[2Jb\nc", "1"});
  // "a\x1b[2Jb\nc" is shown as a\x1b[2Jb\nc: 1 + 4 + 4 + 2 + 1 = 12 columns wide.
  CHECK(t.render_text() ==
        "id            n\n"
        "------------  -\n"
        "a\\x1b[2Jb\\nc  1\n");
  Table m;
  m.add_column("id", Align::left);
  m.add_row({"x|y`z`"});
  CHECK(m.render_markdown() ==
        "| id |\n"
        "| :--- |\n"
        "| x\\|y\\`z\\` |\n");
}
