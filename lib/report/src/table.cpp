#include "plan/report/table.hpp"

#include "plan/core/base/units.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <fmt/format.h>

#include "plan/report/escape.hpp"

namespace plan::report {

void Table::add_column(std::string header, Align align) {
  headers_.push_back(std::move(header));
  aligns_.push_back(align);
}

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

namespace {
// Display width in code points (cells hold ASCII and a few UTF-8 symbols).
std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

std::string pad(const std::string& s, std::size_t w, Align a) {
  std::size_t n = width(s);
  if (n >= w) return s;
  std::string fill(w - n, ' ');
  return a == Align::left ? s + fill : fill + s;
}
}  // namespace

std::string Table::render_text(std::size_t max_width) const {
  // Cells are one line each, control characters shown escaped (escape.hpp).
  std::vector<std::string> heads;
  std::vector<std::vector<std::string>> rows;
  for (const auto& h : headers_) heads.push_back(terminal_cell(h));
  for (const auto& r : rows_) {
    rows.emplace_back();
    for (const auto& c : r) rows.back().push_back(terminal_cell(c));
  }
  const std::size_t n = heads.size();
  std::vector<std::size_t> w(n);
  for (std::size_t c = 0; c < n; ++c) {
    w[c] = width(heads[c]);
    for (const auto& r : rows) w[c] = std::max(w[c], width(r[c]));
  }
  // The parts: key columns, then as many of the next columns as fit (at least one).
  const std::size_t keys = std::min(key_columns_, n);
  std::vector<std::vector<std::size_t>> parts;
  std::size_t next = keys;
  do {
    std::vector<std::size_t> cols;
    std::size_t used = 0;
    for (std::size_t c = 0; c < keys; ++c) {
      used += (cols.empty() ? 0 : 2) + w[c];
      cols.push_back(c);
    }
    const std::size_t first = next;
    while (next < n && (next == first || used + 2 + w[next] <= max_width)) {
      used += (cols.empty() ? 0 : 2) + w[next];
      cols.push_back(next++);
    }
    parts.push_back(std::move(cols));
  } while (next < n);
  auto line = [&](const std::vector<std::size_t>& cols, auto cell) {
    std::string out;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (i) out += "  ";
      out += pad(cell(cols[i]), w[cols[i]], aligns_[cols[i]]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out;
  for (const auto& cols : parts) {
    if (!out.empty()) out += "\n";
    out += line(cols, [&](std::size_t c) { return heads[c]; });
    out += line(cols, [&](std::size_t c) { return std::string(w[c], '-'); });
    for (const auto& r : rows) out += line(cols, [&](std::size_t c) { return r[c]; });
  }
  return out;
}

std::optional<std::size_t> terminal_width() {
  const char* env = std::getenv("COLUMNS");
  if (!env || !*env) return std::nullopt;
  char* end = nullptr;
  const long v = std::strtol(env, &end, 10);
  if (*end != '\0' || v < 40 || v > 100000) return std::nullopt;
  return static_cast<std::size_t>(v);
}

std::size_t table_width() { return terminal_width().value_or(120); }

std::size_t text_width() { return terminal_width().value_or(100); }

std::string fit_lines(const std::string& text) {
  const std::size_t limit = table_width(), wrap_at = text_width();
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    const bool newline = end != std::string::npos;
    if (!newline) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    const std::size_t w = width(std::string(line));
    // Prose (after its indent, no run of two spaces, which separates table columns) wraps at
    // the text width; anything wider than a table wraps too.
    const std::size_t start = std::min(line.find_first_not_of(' '), line.size());
    const bool prose = line.substr(start).find("  ") == std::string_view::npos;
    if (w <= limit && !(prose && w > wrap_at)) {
      out.append(line);
      if (newline) out += '\n';
    } else {
      const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
      const std::string lead(indent, ' ');
      out += wrap(line.substr(indent), wrap_at, lead, lead + "    ");
      if (!newline) out.pop_back();
    }
    pos = end + 1;
  }
  return out;
}

std::string wrap(std::string_view text, std::size_t width_cols, std::string_view first, std::string_view rest) {
  std::string out;
  std::string line(first);
  std::size_t line_w = width(line), prefix_w = line_w;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    if (pos >= text.size()) break;
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string word(text.substr(pos, end - pos));
    const std::size_t ww = width(word);
    if (line_w > prefix_w && line_w + 1 + ww > width_cols) {
      out += line + "\n";
      line = std::string(rest);
      line_w = prefix_w = width(line);
    }
    if (line_w > prefix_w) {
      line += ' ';
      ++line_w;
    }
    line += word;
    line_w += ww;
    pos = end;
  }
  return out + line + "\n";
}

std::string Table::render_markdown() const {
  const auto esc = [](const std::string& s) { return markdown_cell(s); };
  std::string out = "|";
  for (const auto& h : headers_) out += " " + esc(h) + " |";
  out += "\n|";
  for (auto a : aligns_) out += a == Align::right ? " ---: |" : " :--- |";
  out += "\n";
  for (const auto& r : rows_) {
    out += "|";
    for (const auto& c : r) out += " " + esc(c) + " |";
    out += "\n";
  }
  return out;
}

std::string csv_field(const std::string& text) {
  const std::string s = csv_guard(text);
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "\"\"";
    else out += c;
  }
  return out + "\"";
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  return out + "\r\n";
}

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "";
  std::string s = fmt::format("{:.{}f}", v, decimals);
  // "-0.00" reads as a loss to a finance reader; print zero.
  if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);
  return s;
}

std::string human(double v) { return si_quantity(v); }

std::string human_volume(double v) {
  if (!std::isfinite(v)) return "-";
  static constexpr const char* suffixes[] = {"", "K", "M", "B", "T"};
  const double a = std::fabs(v);
  std::size_t unit = 0;
  double scaled = a;
  while (unit + 1 < std::size(suffixes) && scaled >= 999.5) {
    scaled /= 1000;
    ++unit;
  }
  if (unit == 0 && a < 1) return fmt::format("{:.3g}", v);
  // Rounded to three significant figures first, so that 999.96K becomes 1.00M.
  const int decimals = scaled >= 99.95 ? 0 : (scaled >= 9.995 ? 1 : 2);
  if (unit == 0 && decimals > 0 && a == std::floor(a)) return fmt::format("{:.0f}", v);
  return fmt::format("{}{:.{}f}{}", v < 0 ? "-" : "", scaled, decimals, suffixes[unit]);
}

std::string usd(double v) {
  std::string s = fixed(v, 2);
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.erase(0, 1);
  auto dot = s.find('.');
  std::string whole = s.substr(0, dot), frac = s.substr(dot);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  return (neg ? "-" : "") + grouped + frac;
}

}  // namespace plan::report
