// Excel workbooks of the finance reports (see workbook.hpp). Values are what plan computed;
// formulas are what a reader recomputes. Cell references are built here in A1 notation.
#include "plan/report/workbook.hpp"

#include <xlsxwriter.h>

#include "plan/core/base/system_library.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "plan/core/base/error.hpp"
#include "plan/core/base/units.hpp"
#include "plan/report/escape.hpp"

namespace plan::report {
namespace {

// libxlsxwriter's functions, loaded when a workbook is first written: linked, the library
// (and zlib and minizip under it) cost every run of plan about 2 ms of CPU at start-up.
struct Xlsx : SystemFunctions {
  Xlsx() : SystemFunctions(PLAN_XLSXWRITER_SONAME, "the Debian package " PLAN_XLSXWRITER_PACKAGE, "--format xlsx") {}
  PLAN_SYSTEM_FUNCTION(format_set_bold);
  PLAN_SYSTEM_FUNCTION(format_set_num_format);
  PLAN_SYSTEM_FUNCTION(lxw_strerror);
  PLAN_SYSTEM_FUNCTION(workbook_add_format);
  PLAN_SYSTEM_FUNCTION(workbook_add_worksheet);
  PLAN_SYSTEM_FUNCTION(workbook_close);
  PLAN_SYSTEM_FUNCTION(workbook_new);
  PLAN_SYSTEM_FUNCTION(worksheet_freeze_panes);
  PLAN_SYSTEM_FUNCTION(worksheet_set_column);
  PLAN_SYSTEM_FUNCTION(worksheet_write_datetime);
  PLAN_SYSTEM_FUNCTION(worksheet_write_formula_num);
  PLAN_SYSTEM_FUNCTION(worksheet_write_formula_str);
  PLAN_SYSTEM_FUNCTION(worksheet_write_number);
  PLAN_SYSTEM_FUNCTION(worksheet_write_string);
};

const Xlsx& xlsx() { return loaded<Xlsx>(); }

// "A", "B", ..., "Z", "AA", ... for a 0-based column.
std::string col_name(int col) {
  std::string s;
  for (int c = col + 1; c > 0; c = (c - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
  return s;
}
// A1 reference of a 0-based row and column; `abs` gives $A$1.
std::string cell(int row, int col, bool abs = false) {
  return abs ? fmt::format("${}${}", col_name(col), row + 1) : fmt::format("{}{}", col_name(col), row + 1);
}
// 'Sheet name'!A1
std::string on_sheet(const std::string& sheet, const std::string& ref) {
  std::string quoted;
  for (char c : sheet) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return fmt::format("'{}'!{}", quoted, ref);
}

// The first code points of UTF-8 `s` that fit in `bytes` bytes.
std::string utf8_prefix(const std::string& s, std::size_t bytes) {
  std::size_t end = 0;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t n = std::max<std::size_t>(utf8_sequence(s, i, cp), 1);
    if (i + n > bytes) break;
    end = i += n;
  }
  return s.substr(0, end);
}

// A sheet name Excel accepts (at most 31 characters, none of []:*?/\, no control character,
// not starting or ending with '), unique in `taken`.
std::string sheet_name(const std::string& wanted, std::set<std::string>& taken) {
  std::string base;
  const std::string text = valid_utf8(wanted);
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(text, i, cp);
    const bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
    if (control || (cp < 0x80 && std::string("[]:*?/\\").find(static_cast<char>(cp)) != std::string::npos)) base += '_';
    else base.append(text, i, n);
    i += n;
  }
  while (!base.empty() && base.front() == '\'') base.erase(0, 1);
  if (base.empty()) base = "sheet";
  std::string name = utf8_prefix(base, 31);
  while (!name.empty() && name.back() == '\'') name.pop_back();
  for (int k = 2; taken.count(name); ++k) {
    std::string suffix = fmt::format(" ({})", k);
    name = utf8_prefix(base, 31 - suffix.size()) + suffix;
  }
  taken.insert(name);
  return name;
}

// yyyy-mm as an Excel date (the first of the month); false when `ym` is not YYYY-MM.
bool month_date(const std::string& ym, lxw_datetime& out) {
  int y = 0, m = 0;
  if (std::sscanf(ym.c_str(), "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12) return false;
  out = lxw_datetime{y, m, 1, 0, 0, 0.0};
  return true;
}

// A workbook written to a temporary file, read back as bytes and removed.
class Book {
 public:
  Book() {
    auto dir = std::filesystem::temp_directory_path();
    std::string templ = (dir / "plan-workbook-XXXXXX").string();
    int fd = mkstemp(templ.data());
    if (fd < 0) throw Error("cannot create a temporary file for the workbook in " + dir.string(), ExitCode::cannot_create);
    ::close(fd);
    path_ = templ;
    wb_ = xlsx().workbook_new(path_.c_str());
    if (!wb_) {
      std::filesystem::remove(path_);
      throw Error("cannot start the workbook in " + path_, ExitCode::cannot_create);
    }
    bold = xlsx().workbook_add_format(wb_);
    xlsx().format_set_bold(bold);
    auto number_format = [&](const char* f) {
      lxw_format* x = xlsx().workbook_add_format(wb_);
      xlsx().format_set_num_format(x, f);
      return x;
    };
    money = number_format("#,##0.00");
    money4 = number_format("#,##0.0000");
    count = number_format("#,##0");
    ratio = number_format("0.0000");
    percent = number_format("0.00%");
    month = number_format("yyyy-mm");
  }
  Book(const Book&) = delete;
  Book& operator=(const Book&) = delete;
  ~Book() {
    if (wb_) xlsx().workbook_close(wb_);  // only on an exception: finish() closed it otherwise
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }

  lxw_worksheet* sheet(const std::string& wanted) {
    std::string name = sheet_name(wanted, names_);
    lxw_worksheet* ws = xlsx().workbook_add_worksheet(wb_, name.c_str());
    if (!ws) throw Error("cannot add sheet '" + name + "' to the workbook", ExitCode::internal_error);
    last_name_ = name;
    return ws;
  }
  const std::string& last_name() const { return last_name_; }

  std::string finish() {
    lxw_error err = xlsx().workbook_close(wb_);
    wb_ = nullptr;
    if (err != LXW_NO_ERROR)
      throw Error(fmt::format("cannot write the workbook: {}", xlsx().lxw_strerror(err)), ExitCode::cannot_create);
    std::ifstream in(path_, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) throw Error("cannot read back the workbook " + path_, ExitCode::cannot_create);
    return bytes;
  }

  lxw_format* bold = nullptr;
  lxw_format* money = nullptr;
  lxw_format* money4 = nullptr;
  lxw_format* count = nullptr;
  lxw_format* ratio = nullptr;
  lxw_format* percent = nullptr;
  lxw_format* month = nullptr;

 private:
  std::string path_;
  lxw_workbook* wb_ = nullptr;
  std::set<std::string> names_;
  std::string last_name_;
};

// A formula's cached text value: libxlsxwriter writes it into the XML as it is, so characters
// XML forbids (C0 but tab, newline and CR; DEL; C1) and invalid UTF-8 become U+FFFD. The
// spreadsheet recomputes the value anyway.
std::string xml_chars(const std::string& s) {
  const std::string v = valid_utf8(s);
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(v, i, cp);
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F)) out += "\xEF\xBF\xBD";
    else out.append(v, i, n);
    i += n;
  }
  return out;
}

// Text is stored as a string, never a formula; invalid UTF-8 as U+FFFD (escape.hpp), so that
// the workbook's XML stays well-formed.
void text(lxw_worksheet* ws, int row, int col, const std::string& s, lxw_format* f = nullptr) {
  xlsx().worksheet_write_string(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), valid_utf8(s).c_str(), f);
}
void number(lxw_worksheet* ws, int row, int col, double v, lxw_format* f) {
  xlsx().worksheet_write_number(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), v, f);
}
// A formula with its value as plan computed it (shown until the spreadsheet recalculates).
void formula(lxw_worksheet* ws, int row, int col, const std::string& f, double value, lxw_format* fmt_) {
  xlsx().worksheet_write_formula_num(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), ("=" + f).c_str(), fmt_,
                              std::isfinite(value) ? value : 0.0);
}
void date_or_text(Book& b, lxw_worksheet* ws, int row, int col, const std::string& ym) {
  lxw_datetime d{};
  if (month_date(ym, d))
    xlsx().worksheet_write_datetime(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), &d, b.month);
  else
    text(ws, row, col, ym);
}
void header(lxw_worksheet* ws, int row, const std::vector<std::string>& names, lxw_format* bold) {
  for (std::size_t c = 0; c < names.size(); ++c) text(ws, row, static_cast<int>(c), names[c], bold);
}
void widths(lxw_worksheet* ws, int first, int last, double w) {
  xlsx().worksheet_set_column(ws, static_cast<lxw_col_t>(first), static_cast<lxw_col_t>(last), w, nullptr);
}

// Key-value rows of an Inputs sheet; returns the row of each key written.
struct InputRows {
  lxw_worksheet* ws;
  Book& book;
  int row = 2;
  int add(const std::string& key, const std::string& value) {
    text(ws, row, 0, key);
    text(ws, row, 1, value);
    return row++;
  }
  int add(const std::string& key, double value, lxw_format* f, const std::string& note = "") {
    text(ws, row, 0, key);
    number(ws, row, 1, value, f);
    if (!note.empty()) text(ws, row, 2, note);
    return row++;
  }
};

}  // namespace

// --- plan project ---------------------------------------------------------------------
namespace {

// Where things sit on a projection's option sheets: one row per month, in the same rows on
// every sheet so savings can refer to the baseline's row of the same month.
struct ProjectionLayout {
  int n_lines = 0;
  int first_row = 3, last_row = 0;
  int c_month = 0, c_index = 1, c_scale = 2, c_tokens = 3, c_requests = 4, c_line0 = 5;
  int c_one_time = 0, c_capital = 0, c_total = 0, c_cum = 0, c_save = 0, c_cum_save = 0, c_pv = 0;
  int c_needed = 0, c_paid = 0, c_util = 0, c_feasible = 0;
  int rate_row = -1;        // on the Inputs sheet; -1 without a discount rate
  std::string rate_ref;     // that cell, on its sheet
  std::string baseline_sheet;

  ProjectionLayout(const Projection& p, int rate) : rate_row(rate) {
    n_lines = static_cast<int>(CostBreakdown{}.lines().size());
    last_row = first_row + p.months - 1;
    c_one_time = c_line0 + n_lines;
    c_capital = c_one_time + 1;
    c_total = c_capital + 1;
    c_cum = c_total + 1;
    c_save = c_cum + 1;
    c_cum_save = c_save + 1;
    c_pv = c_cum_save + 1;
    c_needed = c_pv + (rate_row >= 0 ? 1 : 0);
    c_paid = c_needed + 1;
    c_util = c_paid + 1;
    c_feasible = c_util + 1;
  }
};

// The Inputs sheet; returns the row of the discount rate, or -1.
int projection_inputs(Book& b, lxw_worksheet* inputs, const Projection& p) {
  text(inputs, 0, 0, "plan project: inputs", b.bold);
  InputRows in{inputs, b};
  in.add("profile", p.profile_name);
  in.add("price sheet", p.price_sheet_version);
  in.add("baseline option", p.baseline);
  in.add("basis", p.basis == CostBasis::cash ? "cash (owned hardware: purchase in its month, residual back)"
                                              : "accrual (owned hardware amortised month by month)");
  int start_row = in.row++;
  text(inputs, start_row, 0, "start month");
  date_or_text(b, inputs, start_row, 1, p.start);
  in.add("months", p.months, b.count);
  in.add("hours per month", hours_per_month, b.count, "every monthly figure uses a 730-hour month");
  in.add("tokens per day today", p.tokens_per_day_today, b.count);
  int rate_row = -1;
  if (p.discount_rate_per_year)
    rate_row = in.add("discount rate per year", *p.discount_rate_per_year, b.percent,
                      "present values discount each month to the start month: total / (1 + rate)^((month - 1) / 12)");
  ++in.row;
  in.add("note", "cost lines on the option sheets are plan's figures, each rounded to the cent; totals, "
                 "cumulative sums, savings and present values are formulas over them and this sheet");
  widths(inputs, 0, 0, 24);
  widths(inputs, 1, 1, 16);
  return rate_row;
}

// One option's sheet: its months, with totals, cumulative sums, savings and present values
// as formulas.
void projection_option_sheet(Book& b, lxw_worksheet* ws, const Projection& p, const OptionProjection& o,
                             const ProjectionLayout& L) {
  const auto line_names = CostBreakdown{}.lines();
  text(ws, 0, 0, fmt::format("{} ({}, {})", o.id, to_string(o.kind), o.what), b.bold);
  text(ws, 1, 0, fmt::format("USD; month = {:.0f} hours; savings against {}", hours_per_month, p.baseline));
  std::vector<std::string> cols = {"month", "month number", "volume scale", "tokens", "requests"};
  for (const auto& [name, v] : line_names) cols.push_back(std::string(name) + "_usd");
  for (const char* c : {"one_time_usd", "capital_usd", "total_usd", "cumulative_usd", "savings_vs_baseline_usd",
                        "cumulative_savings_usd"})
    cols.push_back(c);
  if (L.rate_row >= 0) cols.push_back("present_value_usd");
  for (const char* c : {"needed", "paid", "utilization", "feasible"}) cols.push_back(c);
  header(ws, 2, cols, b.bold);
  xlsx().worksheet_freeze_panes(ws, 3, 1);
  widths(ws, 0, 0, 10);
  widths(ws, 1, L.c_feasible, 14);

  for (std::size_t i = 0; i < o.months.size(); ++i) {
    const MonthLine& m = o.months[i];
    const int r = L.first_row + static_cast<int>(i);
    date_or_text(b, ws, r, L.c_month, m.month);
    number(ws, r, L.c_index, m.index + 1, b.count);
    number(ws, r, L.c_scale, m.volume_scale, b.ratio);
    number(ws, r, L.c_tokens, m.tokens, b.count);
    number(ws, r, L.c_requests, m.requests, b.count);
    int c = L.c_line0;
    for (const auto& [name, v] : m.breakdown.lines()) number(ws, r, c++, v, b.money);
    number(ws, r, L.c_one_time, m.one_time, b.money);
    number(ws, r, L.c_capital, m.capital, b.money);
    formula(ws, r, L.c_total, fmt::format("SUM({}:{})", cell(r, L.c_line0), cell(r, L.c_capital)), m.total, b.money);
    formula(ws, r, L.c_cum, i == 0 ? cell(r, L.c_total) : fmt::format("{}+{}", cell(r - 1, L.c_cum), cell(r, L.c_total)),
            m.cumulative, b.money);
    // Savings of or against an infeasible month are not computed: the cells stay empty.
    if (m.savings_vs_baseline)
      formula(ws, r, L.c_save, fmt::format("{}-{}", on_sheet(L.baseline_sheet, cell(r, L.c_total)), cell(r, L.c_total)),
              *m.savings_vs_baseline, b.money);
    if (m.cumulative_savings)
      formula(ws, r, L.c_cum_save,
              i == 0 ? cell(r, L.c_save) : fmt::format("{}+{}", cell(r - 1, L.c_cum_save), cell(r, L.c_save)),
              *m.cumulative_savings, b.money);
    if (L.rate_row >= 0)
      formula(ws, r, L.c_pv,
              fmt::format("ROUND({}/(1+{})^(({}-1)/12),2)", cell(r, L.c_total), L.rate_ref, cell(r, L.c_index)),
              m.present_value.value_or(0), b.money);
    number(ws, r, L.c_needed, m.needed, b.count);
    number(ws, r, L.c_paid, m.paid, b.count);
    number(ws, r, L.c_util, m.utilization, b.ratio);
    text(ws, r, L.c_feasible, m.feasible ? "true" : "false");
  }
}

// The Summary sheet: one row per option, every money figure a formula over its sheet.
void projection_summary(Book& b, lxw_worksheet* summary, const Projection& p,
                        const std::vector<std::string>& option_sheets, const ProjectionLayout& L) {
  text(summary, 0, 0, fmt::format("plan project: {}, price sheet {}; {} months from {}; baseline {}", p.profile_name,
                                  p.price_sheet_version, p.months, p.start, p.baseline),
       b.bold);
  text(summary, 1, 0, "USD; month = 730 hours; figures are formulas over the option sheets");
  std::vector<std::string> cols = {"option", "kind", "what", "horizon_total_usd", "one_time_usd",
                                   "savings_vs_baseline_usd"};
  if (L.rate_row >= 0) cols.push_back("present_value_usd");
  cols.push_back("payback_month");
  cols.push_back("feasible");
  header(summary, 2, cols, b.bold);
  widths(summary, 0, 0, 18);
  widths(summary, 1, 1, 12);
  widths(summary, 2, 2, 36);
  widths(summary, 3, 8, 18);
  int baseline_row = 3;
  for (std::size_t k = 0; k < p.options.size(); ++k)
    if (option_sheets[k] == L.baseline_sheet) baseline_row = 3 + static_cast<int>(k);
  for (std::size_t k = 0; k < p.options.size(); ++k) {
    const auto& o = p.options[k];
    const int r = 3 + static_cast<int>(k);
    const std::string& sh = option_sheets[k];
    auto column_sum = [&](int col) {
      return fmt::format("SUM({})", on_sheet(sh, cell(L.first_row, col) + ":" + cell(L.last_row, col)));
    };
    text(summary, r, 0, o.id);
    text(summary, r, 1, to_string(o.kind));
    text(summary, r, 2, o.what);
    const bool has_months = p.months > 0;
    formula(summary, r, 3, has_months ? column_sum(L.c_total) : "0", o.total, b.money);
    formula(summary, r, 4, has_months ? column_sum(L.c_one_time) : "0", o.total_one_time, b.money);
    const OptionProjection& base = p.options[static_cast<std::size_t>(baseline_row - 3)];
    if (o.feasible && base.feasible)
      formula(summary, r, 5, fmt::format("{}-{}", cell(baseline_row, 3), cell(r, 3)), base.total - o.total, b.money);
    else
      text(summary, r, 5, "");  // savings of or against an option infeasible in some month: not computed
    int c = 6;
    if (L.rate_row >= 0) {
      formula(summary, r, c, has_months ? column_sum(L.c_pv) : "0", o.total_present_value.value_or(0), b.money);
      ++c;
    }
    if (o.payback.month)
      number(summary, r, c, *o.payback.month, b.count);
    else
      text(summary, r, c, o.id == p.baseline ? "" : "none");
    text(summary, r, c + 1, o.feasible ? "true" : "false");
  }
}

}  // namespace

std::string projection_workbook(const Projection& p) {
  Book b;
  lxw_worksheet* summary = b.sheet("Summary");
  lxw_worksheet* inputs = b.sheet("Inputs");
  const std::string inputs_name = b.last_name();
  ProjectionLayout L(p, projection_inputs(b, inputs, p));

  std::vector<std::string> option_sheets;
  std::vector<lxw_worksheet*> option_ws;
  for (const auto& o : p.options) {
    option_ws.push_back(b.sheet(o.id));
    option_sheets.push_back(b.last_name());
    if (o.id == p.baseline) L.baseline_sheet = b.last_name();
  }
  if (L.baseline_sheet.empty() && !option_sheets.empty()) L.baseline_sheet = option_sheets.front();
  if (L.rate_row >= 0) L.rate_ref = on_sheet(inputs_name, cell(L.rate_row, 1, true));
  for (std::size_t k = 0; k < p.options.size(); ++k) projection_option_sheet(b, option_ws[k], p, p.options[k], L);
  projection_summary(b, summary, p, option_sheets, L);
  return b.finish();
}

// --- plan compare ---------------------------------------------------------------------
std::string compare_workbook(const CompareResult& r) {
  Book b;
  lxw_worksheet* ws = b.sheet("Options");
  lxw_worksheet* inputs = b.sheet("Inputs");
  text(inputs, 0, 0, "plan compare: inputs", b.bold);
  InputRows in{inputs, b};
  in.add("profile", r.profile_name);
  in.add("profile file", r.profile_path);
  in.add("price sheet", r.price_sheet_version);
  in.add("price sheet file", r.price_sheet_path);
  in.add("price sheet sha256", r.price_sheet_sha256);
  in.add("currency", r.currency);
  in.add("hours per month", r.hours_per_month, b.count, "every monthly figure uses a 730-hour month");
  in.add("tokens per month", r.monthly_tokens, b.count);
  in.add("requests per month", r.monthly_requests, b.count);
  in.add("cheapest feasible (plan)", r.cheapest.value_or("none"));
  for (const auto& n : r.notes) in.add("finding", n);
  widths(inputs, 0, 0, 24);
  widths(inputs, 1, 1, 40);

  const auto line_names = CostBreakdown{}.lines();
  const int n_lines = static_cast<int>(line_names.size());
  const int c_line0 = 4, c_total = c_line0 + n_lines, c_tokens = c_total + 1, c_per_mtok = c_tokens + 1,
            c_reasons = c_per_mtok + 1;
  text(ws, 0, 0, fmt::format("plan compare: {}, price sheet {}", r.profile_name, r.price_sheet_version), b.bold);
  text(ws, 1, 0, "USD per month (730 hours); cost lines are plan's figures rounded to the cent, totals and "
                 "cost per 1M tokens are formulas");
  std::vector<std::string> cols = {"option", "kind", "what", "feasible"};
  for (const auto& [name, v] : line_names) cols.push_back(std::string(name) + "_usd");
  for (const char* c : {"monthly_total_usd", "monthly_tokens", "usd_per_mtok", "reasons"}) cols.push_back(c);
  header(ws, 2, cols, b.bold);
  xlsx().worksheet_freeze_panes(ws, 3, 1);
  widths(ws, 0, 0, 18);
  widths(ws, 2, 2, 36);
  widths(ws, 4, c_per_mtok, 15);
  for (std::size_t k = 0; k < r.options.size(); ++k) {
    const auto& o = r.options[k];
    const int row = 3 + static_cast<int>(k);
    text(ws, row, 0, o.id);
    text(ws, row, 1, to_string(o.kind));
    text(ws, row, 2, o.what);
    text(ws, row, 3, o.feasible ? "true" : "false");
    // An infeasible option has no price: its cost cells stay empty.
    if (o.feasible) {
      int c = c_line0;
      for (const auto& [name, v] : o.breakdown.lines()) number(ws, row, c++, round_cents(v), b.money);
      formula(ws, row, c_total, fmt::format("SUM({}:{})", cell(row, c_line0), cell(row, c_total - 1)),
              o.monthly_cost_usd, b.money);
    }
    number(ws, row, c_tokens, o.monthly_tokens, b.count);
    if (o.feasible)
      formula(ws, row, c_per_mtok,
              fmt::format("IF({1}>0,{0}/{1}*1000000,0)", cell(row, c_total), cell(row, c_tokens)), o.cost_per_mtok_usd,
              b.money4);
    std::string reasons;
    for (const auto& why : o.reasons) reasons += (reasons.empty() ? "" : "; ") + why;
    text(ws, row, c_reasons, reasons);
  }
  return b.finish();
}

// --- plan sweep -----------------------------------------------------------------------
std::string sweep_workbook(const Sweep& s) {
  Book b;
  lxw_worksheet* ws = b.sheet("Sweep");
  lxw_worksheet* xs = b.sheet("Crossovers");
  const int n = static_cast<int>(s.ids.size());
  text(ws, 0, 0, "plan sweep: monthly cost (USD, 730-hour month) of each option at each daily volume", b.bold);
  text(ws, 1, 0, "a cell reads 'infeasible' or 'undefined' where the option cannot serve the volume; the cheapest "
                 "column is a formula over the feasible costs");
  std::vector<std::string> cols = {"tokens_per_day"};
  for (const auto& id : s.ids) cols.push_back(id);
  cols.push_back("cheapest");
  header(ws, 2, cols, b.bold);
  xlsx().worksheet_freeze_panes(ws, 3, 1);
  widths(ws, 0, n + 1, 16);
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const auto& pt = s.points[i];
    const int row = 3 + static_cast<int>(i);
    number(ws, row, 0, pt.tokens_per_day, b.count);
    for (int k = 0; k < n; ++k) {
      const double v = pt.monthly_usd[static_cast<std::size_t>(k)];
      if (!std::isfinite(v))
        text(ws, row, 1 + k, "undefined");
      else if (!pt.feasible[static_cast<std::size_t>(k)])
        text(ws, row, 1 + k, "infeasible");
      else
        number(ws, row, 1 + k, v, b.money);
    }
    const std::string range = cell(row, 1) + ":" + cell(row, n);
    const std::string names = cell(2, 1, true) + ":" + cell(2, n, true);
    if (pt.cheapest >= 0)
      xlsx().worksheet_write_formula_str(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(n + 1),
                                  fmt::format("=INDEX({},MATCH(MIN({}),{},0))", names, range, range).c_str(), nullptr,
                                  xml_chars(s.ids[static_cast<std::size_t>(pt.cheapest)]).c_str());
    else
      text(ws, row, n + 1, "none");
  }
  text(xs, 0, 0, "plan sweep: crossovers (where two options cost the same)", b.bold);
  header(xs, 2, {"tokens_per_day", "option_a", "option_b", "cheaper_above"}, b.bold);
  widths(xs, 0, 3, 18);
  for (std::size_t i = 0; i < s.crossovers.size(); ++i) {
    const auto& c = s.crossovers[i];
    const int row = 3 + static_cast<int>(i);
    number(xs, row, 0, c.tokens_per_day, b.count);
    text(xs, row, 1, c.a);
    text(xs, row, 2, c.b);
    text(xs, row, 3, c.cheaper_above);
  }
  return b.finish();
}

}  // namespace plan::report
