#pragma once
#include <string>

#include "plan/core/options/compare.hpp"

namespace plan::report {

enum class Format { table, csv, json, markdown };
// Parses "table", "csv", "json", "markdown"; returns false for anything else.
bool parse_format(const std::string& s, Format& out);

std::string render_compare(const CompareResult& r, Format f);

}  // namespace plan::report
