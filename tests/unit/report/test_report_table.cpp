// Text tables, Markdown, CSV and number formatting of lib/report/src/table.cpp.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "plan/report/table.hpp"

using namespace plan::report;

TEST_CASE("Table::render_text: columns padded to the widest cell, two spaces apart", "[report][table]") {
  Table t;
  t.add_column("name", Align::left);
  t.add_column("USD");
  t.add_row({"a", "1.50"});
  t.add_row({"long name", "12.00"});
  // Widths: name = 9 ("long name"), USD = 5 ("12.00"). Left cells are padded on the right,
  // right cells on the left; the header and rule follow the same widths.
  CHECK(t.render_text() ==
        "name         USD\n"
        "---------  -----\n"
        "a           1.50\n"
        "long name  12.00\n");
}

TEST_CASE("Table::render_text: trailing spaces are trimmed, missing cells are empty", "[report][table]") {
  Table t;
  t.add_column("n");
  t.add_column("what", Align::left);
  t.add_row({"1", "ab"});
  t.add_row({"10"});  // one cell short: the second is empty
  // Widths: n = 2, what = 4. "1" right-aligned in 2 is " 1"; "ab" padded to "ab  " is trimmed.
  CHECK(t.render_text() ==
        " n  what\n"
        "--  ----\n"
        " 1  ab\n"
        "10\n");
}

TEST_CASE("Table::render_text: a UTF-8 symbol counts as one column", "[report][table]") {
  Table t;
  t.add_column("price");
  t.add_row({"\xE2\x82\xAC" "5"});  // "€5": 4 bytes, 2 code points
  // Width 5 ("price"); "€5" takes 2, so 3 spaces of padding, not 1.
  CHECK(t.render_text() ==
        "price\n"
        "-----\n"
        "   \xE2\x82\xAC" "5\n");
}

TEST_CASE("Table::render_text: a table without rows has its header and rule", "[report][table]") {
  Table t;
  t.add_column("a", Align::left);
  t.add_column("bb");
  CHECK(t.render_text() == "a  bb\n-  --\n");
}

TEST_CASE("Table::render_markdown: alignment row and escaped pipes", "[report][table]") {
  Table t;
  t.add_column("a|b", Align::left);
  t.add_column("n");
  t.add_row({"x|y", "1"});
  t.add_row({"z", "22"});
  CHECK(t.render_markdown() ==
        "| a\\|b | n |\n"
        "| :--- | ---: |\n"
        "| x\\|y | 1 |\n"
        "| z | 22 |\n");
}

TEST_CASE("csv_field and csv_row: RFC 4180 quoting", "[report][table]") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");  // quotes doubled inside quotes
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\r") == "\"cr\r\"");
  CHECK(csv_row({"a", "b,c", ""}) == "a,\"b,c\",\r\n");
}

TEST_CASE("fixed, usd and human: locale-independent numbers", "[report][table]") {
  CHECK(fixed(3.14159, 2) == "3.14");
  CHECK(fixed(2.5, 0) == "2");       // round half to even at an exact binary tie, as printf
  CHECK(fixed(-0.001, 2) == "0.00");  // "-0.00" would read as a loss
  CHECK(fixed(-1.5, 1) == "-1.5");
  CHECK(usd(1234567.891) == "1,234,567.89");
  CHECK(usd(999.5) == "999.50");
  CHECK(usd(-1234.5) == "-1,234.50");
  CHECK(human(950) == "950");
  CHECK(human(1234) == "1.23k");
  CHECK(human(4.56e6) == "4.56M");
  CHECK(human(7.891e9) == "7.89B");
  CHECK(human(2e12) == "2.00T");
  // The suffix of the value as printed: 999,999 rounds to 1.00M (not "1000.00k"), 999.7 to
  // 1.00k (not "1000").
  CHECK(human(999999) == "1.00M");
  CHECK(human(999.7) == "1.00k");
  CHECK(human(994999) == "995.00k");
}

TEST_CASE("human_volume: three significant figures with K, M, B, T", "[report][table][volume]") {
  // 2,349,063,273 = 2.349063273e9 -> 2.35 (three figures, the 4th digit 9 rounds 2.349 up) B.
  CHECK(human_volume(2349063273.0) == "2.35B");
  // 5,250,000,000 = 5.25e9 -> "5.25B" exactly.
  CHECK(human_volume(5.25e9) == "5.25B");
  // 12,345 = 12.345e3 -> two figures before the point leave one after it: 12.3K.
  CHECK(human_volume(12345) == "12.3K");
  // 123,456,789 = 123.456789e6 -> three figures before the point, none after: 123M.
  CHECK(human_volume(123456789) == "123M");
  // 999,999 is 999.999K, which rounds to 1000K at three figures: it is written 1.00M.
  CHECK(human_volume(999999) == "1.00M");
  // 999,400 = 999.4K rounds to 999K (below the 999.5K that would round up).
  CHECK(human_volume(999400) == "999K");
  // 1.5e12 = 1.50T; 2.5e15 = 2500T (T is the largest suffix).
  CHECK(human_volume(1.5e12) == "1.50T");
  CHECK(human_volume(2.5e15) == "2500T");
  // Below 1000: whole numbers as they are, others to three figures.
  CHECK(human_volume(950) == "950");
  CHECK(human_volume(12.5) == "12.5");
  CHECK(human_volume(0) == "0");
  // Negative volumes keep their sign: -2,349,063,273 -> -2.35B.
  CHECK(human_volume(-2349063273.0) == "-2.35B");
}

TEST_CASE("Table::render_text: columns that do not fit move to a second table", "[report][table][width]") {
  // Widths: id 2 ("id", "aa"), x 10, y 10, z 10. One line of all four: 2 + 3 x (2 + 10) = 38.
  Table t;
  t.add_column("id", Align::left);
  for (const char* h : {"x", "y", "z"}) t.add_column(h);
  t.add_row({"aa", "1111111111", "2222222222", "3333333333"});
  CHECK(t.render_text(38) ==
        "id           x           y           z\n"
        "--  ----------  ----------  ----------\n"
        "aa  1111111111  2222222222  3333333333\n");
  // At 30: id + x + y = 2 + 12 + 12 = 26 fits, z (26 + 12 = 38) moves to a second table that
  // repeats the key column.
  CHECK(t.render_text(30) ==
        "id           x           y\n"
        "--  ----------  ----------\n"
        "aa  1111111111  2222222222\n"
        "\n"
        "id           z\n"
        "--  ----------\n"
        "aa  3333333333\n");
  // Narrower than the key and one column: each part still holds one column.
  CHECK(t.render_text(5) ==
        "id           x\n--  ----------\naa  1111111111\n\n"
        "id           y\n--  ----------\naa  2222222222\n\n"
        "id           z\n--  ----------\naa  3333333333\n");
  // Two key columns: both repeated.
  t.set_key_columns(2);
  CHECK(t.render_text(30) ==
        "id           x           y\n"
        "--  ----------  ----------\n"
        "aa  1111111111  2222222222\n"
        "\n"
        "id           x           z\n"
        "--  ----------  ----------\n"
        "aa  1111111111  3333333333\n");
}

TEST_CASE("wrap: words to lines of at most the width, continuation indented", "[report][table][width]") {
  // "  " + "one two three" = 15 columns; at 12: "  one two" (9; + " three" = 15 > 12), then
  // "      three" (rest "      " + "three" = 11).
  CHECK(wrap("one two three", 12, "  ", "      ") == "  one two\n      three\n");
  // Fits: one line.
  CHECK(wrap("one two three", 15, "  ", "      ") == "  one two three\n");
  // A word longer than the line stands alone.
  CHECK(wrap("a verylongwordindeed b", 8, "", "") == "a\nverylongwordindeed\nb\n");
  // Runs of spaces collapse.
  CHECK(wrap("a   b", 80, "- ", "  ") == "- a b\n");
}

TEST_CASE("table_width and text_width follow COLUMNS, else 120 and 100", "[report][table][width]") {
  const char* saved = std::getenv("COLUMNS");
  const std::string keep = saved ? saved : "";
  ::unsetenv("COLUMNS");
  CHECK(table_width() == 120);
  CHECK(text_width() == 100);
  ::setenv("COLUMNS", "80", 1);
  CHECK(table_width() == 80);
  CHECK(text_width() == 80);
  ::setenv("COLUMNS", "12", 1);  // below 40: not a terminal width
  CHECK(text_width() == 100);
  ::setenv("COLUMNS", "wide", 1);
  CHECK(table_width() == 120);
  if (saved) ::setenv("COLUMNS", keep.c_str(), 1);
  else ::unsetenv("COLUMNS");
}

TEST_CASE("fit_lines: prose wider than a table is wrapped, tables are not", "[report][table][width]") {
  ::unsetenv("COLUMNS");  // tables 120, text 100
  // A table row of 110 columns (columns two spaces apart) stays; prose of 110 wraps at 100.
  const std::string row = std::string(50, 'a') + "  " + std::string(58, 'b');
  CHECK(fit_lines(row + "\n") == row + "\n");
  const std::string prose = std::string(50, 'a') + " " + std::string(59, 'b');
  CHECK(fit_lines(prose + "\n") == std::string(50, 'a') + "\n    " + std::string(59, 'b') + "\n");
  ::setenv("COLUMNS", "40", 1);  // tables 40, text 40
  // 30 columns: kept. 47 columns: wrapped at 40, continuation indented 4 more than the line
  // (its own indent 2): "  note: aaaa bbbb cccc dddd eeee ffff" is 37; + " gggg" = 42 > 40.
  const std::string in = "a table line of width thirty..\n  note: aaaa bbbb cccc dddd eeee ffff gggg\nlast";
  CHECK(fit_lines(in) ==
        "a table line of width thirty..\n  note: aaaa bbbb cccc dddd eeee ffff\n      gggg\nlast");
  ::unsetenv("COLUMNS");
}
