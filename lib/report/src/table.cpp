#include "plan/report/table.hpp"

#include <algorithm>
#include <cmath>
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

std::string Table::render_text() const {
  // Cells are one line each, control characters shown escaped (escape.hpp).
  std::vector<std::string> heads;
  std::vector<std::vector<std::string>> rows;
  for (const auto& h : headers_) heads.push_back(terminal_cell(h));
  for (const auto& r : rows_) {
    rows.emplace_back();
    for (const auto& c : r) rows.back().push_back(terminal_cell(c));
  }
  std::vector<std::size_t> w(heads.size());
  for (std::size_t c = 0; c < heads.size(); ++c) {
    w[c] = width(heads[c]);
    for (const auto& r : rows) w[c] = std::max(w[c], width(r[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c) out += "  ";
      out += pad(cells[c], w[c], aligns_[c]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(heads);
  std::vector<std::string> rule;
  for (auto x : w) rule.push_back(std::string(x, '-'));
  out += line(rule);
  for (const auto& r : rows) out += line(r);
  return out;
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

std::string human(double v) {
  double a = std::fabs(v);
  if (a >= 1e12) return fmt::format("{:.2f}T", v / 1e12);
  if (a >= 1e9) return fmt::format("{:.2f}B", v / 1e9);
  if (a >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
  if (a >= 1e3) return fmt::format("{:.2f}k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

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
