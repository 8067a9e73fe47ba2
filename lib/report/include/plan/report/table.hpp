#pragma once
// Text tables for terminals and Markdown, and RFC 4180 CSV.
#include <string>
#include <vector>

namespace plan::report {

enum class Align { left, right };

class Table {
 public:
  void add_column(std::string header, Align align = Align::right);
  void add_row(std::vector<std::string> cells);
  // Columns padded to their widest cell, two spaces apart; cells as terminal_cell.
  std::string render_text() const;
  // GitHub-flavoured Markdown table; cells as markdown_cell.
  std::string render_markdown() const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;
};

// One CSV field, quoted when it holds a comma, quote, CR or LF (RFC 4180); a text field
// starting with a formula character gets a leading ' (csv_guard, escape.hpp).
std::string csv_field(const std::string& s);
// One CSV record terminated by CRLF.
std::string csv_row(const std::vector<std::string>& fields);

// Number formatting, locale-independent: fixed decimals, no thousands separators.
std::string fixed(double v, int decimals);
// Human-readable quantity with a suffix: 1.23k, 4.56M, 7.89B.
std::string human(double v);
// A volume (tokens or requests) to three significant figures with a K, M, B or T suffix:
// 2,349,063,273 -> "2.35B", 999,999 -> "1.00M", 950 -> "950". For reports a person reads;
// machine formats print the full number.
std::string human_volume(double v);
// USD with thousands separators for terminal tables: 12,345.67.
std::string usd(double v);

}  // namespace plan::report
