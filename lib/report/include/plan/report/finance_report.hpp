#pragma once
// Rendering of finance results: projections (`plan project`), break-even tables
// (`plan breakeven`), sweeps (`plan sweep`) and diffs (`plan diff`). Column orders are
// documented in docs/finance.md and are stable.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/finance/diff.hpp"
#include "plan/core/finance/finance.hpp"
#include "plan/report/compare_report.hpp"

namespace plan::report {

// Payback (plan::payback) in words, as every text output shows it: "month 9 (2025-11)",
// with "; the cumulative savings were below zero again from month N (YYYY-MM)" where they
// dipped before it, or "none within N months: why".
std::string payback_text(const Payback& p, int horizon_months);

// The CSV header of a projection, in its documented order.
std::vector<std::string> projection_csv_header();
std::string render_projection(const Projection& p, Format f);

// Break-even table rows are plan::BreakEvenPair (finance.hpp), built by plan::break_even_table.
using BreakEvenRow = BreakEvenPair;
using BreakEvenReport = BreakEvenTable;
std::string render_breakeven(const BreakEvenReport& r, Format f);

// crossovers_only: CSV of the crossover points instead of the cost points.
std::string render_sweep(const Sweep& s, Format f, bool crossovers_only);

std::string render_diff(const CompareDiff& d, Format f);

}  // namespace plan::report
