// JSON documents read with nlohmann-json, with the error locations the YAML readers give:
// a parse error names FILE:LINE:COL, and a key's place is where `"key"` first appears (JSON
// values carry no positions in nlohmann-json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "plan/core/base/error.hpp"

namespace plan::io {

// The 1-based line and column of byte offset `at` (0-based) of `text`; columns count bytes.
// Shared by the YAML and JSON readers.
SourceLoc loc_at_byte(const std::string& file, std::string_view text, std::size_t at);

// Where `"key"` first appears in `text`; FILE:1:1 when it does not.
SourceLoc json_key_loc(const std::string& file, std::string_view text, std::string_view key);

// Parses `text` as JSON. A syntax error is one plan::Error at its line and column, reading
// "<what> is not valid JSON (expected <expected>)". Python's json module writes the bare
// words NaN, Infinity and -Infinity, which JSON does not have; with `python_nan` they are
// read as null (a missing value), so benchmark files written by Python tools load.
nlohmann::json parse_json_text(const std::string& file, std::string_view text, std::string_view what,
                               std::string_view expected, bool python_nan = false);

}  // namespace plan::io
