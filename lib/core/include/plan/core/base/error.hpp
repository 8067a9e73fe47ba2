#pragma once
#include <stdexcept>
#include <string>

namespace plan {

// Where a value came from: a file and a 1-based line and column. line == 0 means
// "the file as a whole" (e.g. it is missing or empty).
struct SourceLoc {
  std::string file;
  int line = 0;
  int col = 0;
};

// "FILE:LINE:COL", "FILE" when the line is unknown, "" when the file is.
std::string to_string(const SourceLoc& loc);

// Exit codes of the plan executable (documented in docs/errors.md).
enum class ExitCode : int {
  ok = 0,
  check_failed = 1,    // a verification found a difference (e.g. `plan prices verify`)
  input_error = 2,     // a file's content is wrong or a file is missing
  usage_error = 64,    // bad command-line usage (EX_USAGE)
  unavailable = 69,    // a required facility is absent, e.g. no CUDA device (EX_UNAVAILABLE)
  internal_error = 70, // a bug in plan (EX_SOFTWARE)
  cannot_create = 73,  // an output file cannot be written (EX_CANTCREAT)
};

// The single error type thrown by loaders and models. The top level catches it once and
// prints `plan: error: FILE:LINE:COL: message`.
class Error : public std::runtime_error {
 public:
  Error(SourceLoc loc, const std::string& message, ExitCode code = ExitCode::input_error)
      : std::runtime_error(message), loc_(std::move(loc)), code_(code) {}
  explicit Error(const std::string& message, ExitCode code = ExitCode::input_error)
      : std::runtime_error(message), code_(code) {}

  const SourceLoc& loc() const { return loc_; }
  ExitCode code() const { return code_; }
  // "FILE:LINE:COL: message", "FILE: message" or just "message".
  std::string formatted() const;

 private:
  SourceLoc loc_;
  ExitCode code_;
};

}  // namespace plan
