#pragma once
// One escaping rule per output format, applied by the writers where text is written
// (docs/reports.md, "Untrusted text"). Names in a plan come from files the user may not have
// written (a shared profile, model names and tags of usage exports), so every string a
// writer interpolates goes through the rule of its format:
//   HTML and SVG   html_escape: & < > " ' as references; invalid UTF-8 and the control
//                  characters XML forbids as U+FFFD.
//   CSV            csv_field (table.hpp): a text cell starting with = + - @ tab or CR gets a
//                  leading ' (OWASP), numbers stay as they are; off with --csv-raw.
//   terminal       terminal_text: C0 and C1 control characters other than newline and tab,
//                  DEL, bidirectional overrides and invalid UTF-8 shown as \x1b, \u202e, \xff.
//   table cells    terminal_cell: the same, newline and tab escaped too (one line per row).
//   Markdown cells markdown_cell: terminal_cell, then | and ` backslash-escaped.
//   JSON           json_escape (json.hpp): control characters as \u00XX, invalid UTF-8 as U+FFFD.
//   YAML (import)  comments: terminal_cell (one line); quoted scalars: valid UTF-8, control
//                  characters as YAML escapes.
#include <string>
#include <string_view>

namespace plan::report {

// Text and attribute values of HTML and XML (SVG): safe in element content and in
// double- or single-quoted attributes.
std::string html_escape(std::string_view s);

// Whether CSV text cells starting with a formula character are prefixed with ' (default
// true). `plan --csv-raw` turns it off for pipelines that want the bytes unchanged.
bool csv_formula_guard();
void set_csv_formula_guard(bool on);
// A CSV cell's text with the guard applied (no quoting): "=1+2" -> "'=1+2"; numbers such as
// "-12.50" and "1e9" unchanged.
std::string csv_guard(std::string_view s);
// A cell that is a plain decimal number: optional '-', digits, optional fraction and
// exponent (what the writers print for numbers).
bool is_csv_number(std::string_view s);

// Terminal text: keeps newline and tab, escapes every other control character.
std::string terminal_text(std::string_view s);
// One line of a table (or a YAML comment): terminal_text with newline and tab escaped too.
std::string terminal_cell(std::string_view s);
// A Markdown table cell: terminal_cell, then '|' and '`' escaped with a backslash.
std::string markdown_cell(std::string_view s);
// Valid UTF-8: each byte that does not start a well-formed sequence replaced with U+FFFD.
std::string valid_utf8(std::string_view s);

// Length in bytes of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms,
// no surrogates, at most U+10FFFF), 0 when the byte there does not start one. `cp` gets the
// code point.
std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp);

// C0 controls, DEL and C1 controls.
constexpr bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }
// Bidirectional embeddings, overrides and isolates: text that reorders what follows it.
constexpr bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// Walks `s` one well-formed UTF-8 sequence at a time: `valid(cp, bytes)` for each, and
// `invalid(byte)` for each byte that starts none (utf8_sequence).
template <class Valid, class Invalid>
void for_each_code_point(std::string_view s, Valid valid, Invalid invalid) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(s, i, cp);
    if (n == 0) {
      invalid(static_cast<unsigned char>(s[i]));
      ++i;
    } else {
      valid(cp, s.substr(i, n));
      i += n;
    }
  }
}

}  // namespace plan::report
