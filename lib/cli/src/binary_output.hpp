#pragma once
// Binary report formats (--format xlsx). Private to plan_cli.
#include <unistd.h>

#include <string>

#include "plan/core/base/error.hpp"

namespace plan::cli {

// --format xlsx writes a binary workbook: refuses (usage error) when it would go to a
// terminal. Called before any work is done. No-op for other formats.
inline void check_binary_output(const std::string& format, const std::string& out) {
  if (format != "xlsx") return;
  if ((out.empty() || out == "-") && ::isatty(STDOUT_FILENO))
    throw Error("--format xlsx writes a binary workbook: give -o FILE.xlsx or redirect standard output",
                ExitCode::usage_error);
}

}  // namespace plan::cli
