#pragma once
// Excel workbooks (.xlsx) of the finance reports, for readers who audit and change the
// figures in a spreadsheet (docs/finance.md "Workbooks"). The figures plan computes (each
// month's cost lines, tokens, replicas) are written as values; every total, cumulative sum,
// saving, cost per 1M tokens and present value is a live formula over those values and the
// Inputs sheet, so editing a cost line or the discount rate recomputes the rest.
//
// Each function returns the bytes of the .xlsx file. Written with libxlsxwriter through a
// temporary file that is removed before returning; plan::Error (cannot_create) when that
// file cannot be written.
#include <string>

#include "plan/core/options/compare.hpp"
#include "plan/core/finance/finance.hpp"

namespace plan::report {

// Sheets: Summary (per option: horizon total, one-time, present value, savings against the
// baseline, payback), Inputs (profile, price sheet, start month, months, discount rate,
// hours per month), and one sheet per option with its months as rows.
std::string projection_workbook(const Projection& p);

// Sheets: Options (per option: cost lines, monthly total, tokens, cost per 1M tokens) and
// Inputs.
std::string compare_workbook(const CompareResult& r);

// Sheets: Sweep (one row per daily volume, one column per option, the cheapest by formula)
// and Crossovers.
std::string sweep_workbook(const Sweep& s);

}  // namespace plan::report
