#include "plan/report/escape.hpp"

#include <atomic>
#include <fmt/format.h>

namespace plan::report {
namespace {

std::atomic<bool> formula_guard{true};

constexpr const char* replacement = "\xEF\xBF\xBD";  // U+FFFD

// Escapes for the terminal: control characters (C0 other than those kept, DEL, C1),
// bidirectional controls and bytes of invalid UTF-8.
std::string escape_controls(std::string_view s, bool keep_newline_tab) {
  std::string out;
  out.reserve(s.size());
  for_each_code_point(
      s,
      [&](char32_t cp, std::string_view bytes) {
        if (cp < 0x20 || cp == 0x7F) {
          if (keep_newline_tab && (cp == '\n' || cp == '\t')) out += static_cast<char>(cp);
          else if (cp == '\n') out += "\\n";
          else if (cp == '\t') out += "\\t";
          else if (cp == '\r') out += "\\r";
          else out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
        } else if (is_control(cp) || is_bidi_control(cp)) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
        } else {
          out.append(bytes);
        }
      },
      [&](unsigned char byte) { out += fmt::format("\\x{:02x}", byte); });
  return out;
}

}  // namespace

std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t n = 0;
  char32_t min = 0;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07, min = 0x10000;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for_each_code_point(
      s, [&](char32_t, std::string_view bytes) { out.append(bytes); }, [&](unsigned char) { out += replacement; });
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for_each_code_point(
      s,
      [&](char32_t cp, std::string_view bytes) {
        switch (cp) {
          case '&': out += "&amp;"; break;
          case '<': out += "&lt;"; break;
          case '>': out += "&gt;"; break;
          case '"': out += "&quot;"; break;
          case '\'': out += "&#39;"; break;
          default:
            // XML 1.0 allows tab, newline and CR of C0; the others (and C1, DEL) read as
            // U+FFFD, so that a standalone SVG stays well-formed.
            if (is_control(cp) && cp != '\t' && cp != '\n' && cp != '\r') out += replacement;
            else out.append(bytes);
        }
      },
      [&](unsigned char) { out += replacement; });
  return out;
}

bool csv_formula_guard() { return formula_guard.load(std::memory_order_relaxed); }
void set_csv_formula_guard(bool on) { formula_guard.store(on, std::memory_order_relaxed); }

bool is_csv_number(std::string_view s) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

std::string csv_guard(std::string_view s) {
  if (s.empty() || !csv_formula_guard()) return std::string(s);
  switch (s.front()) {
    case '=': case '+': case '-': case '@': case '\t': case '\r':
      if (is_csv_number(s)) return std::string(s);
      return "'" + std::string(s);
    default: return std::string(s);
  }
}

std::string terminal_text(std::string_view s) { return escape_controls(s, true); }

std::string terminal_cell(std::string_view s) { return escape_controls(s, false); }

std::string markdown_cell(std::string_view s) {
  std::string out;
  for (char c : terminal_cell(s)) {
    if (c == '|' || c == '`') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace plan::report
