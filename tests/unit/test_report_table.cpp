// Text tables, Markdown, CSV and number formatting of lib/report/src/table.cpp.
#include <catch2/catch.hpp>

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
