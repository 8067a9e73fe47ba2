#pragma once
// Text tables for terminals and Markdown, and RFC 4180 CSV.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan::report {

enum class Align { left, right };

// The terminal's width when the environment says it: COLUMNS, a whole number from 40 to
// 100000; nullopt otherwise.
std::optional<std::size_t> terminal_width();
// Text tables fit the terminal's width, else 120 columns.
std::size_t table_width();
// Findings and other prose lines wrap at the terminal's width, else 100 columns.
std::size_t text_width();
// `text` wrapped at spaces into lines of at most `width` display columns (a word longer than
// a line stands alone), the first line starting with `first`, the others with `rest`; each
// line ends with a newline.
std::string wrap(std::string_view text, std::size_t width, std::string_view first, std::string_view rest);
// Text output fitted to the terminal: a prose line (no run of two spaces after its indent,
// unlike a table row) wider than text_width(), and any line wider than table_width(), is
// wrapped at text_width(), its continuation lines indented four more than it.
std::string fit_lines(const std::string& text);

class Table {
 public:
  void add_column(std::string header, Align align = Align::right);
  void add_row(std::vector<std::string> cells);
  // The leading columns that name a row (default 1): repeated in each part of a table split
  // to fit the width.
  void set_key_columns(std::size_t n) { key_columns_ = n; }
  // Columns padded to their widest cell, two spaces apart, in lines of at most
  // table_width() columns: columns that do not fit move, in order, to a second table (and a
  // third ...) under the first, each repeating the key columns. Cells as terminal_cell.
  std::string render_text() const { return render_text(table_width()); }
  std::string render_text(std::size_t max_width) const;
  // GitHub-flavoured Markdown table; cells as markdown_cell.
  std::string render_markdown() const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;
  std::size_t key_columns_ = 1;
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
