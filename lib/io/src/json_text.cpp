#include "json_text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace plan::io {

SourceLoc loc_at_byte(const std::string& file, std::string_view text, std::size_t at) {
  at = std::min(at, text.size());
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  const std::size_t nl = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
  const int col = static_cast<int>(at - (nl == std::string_view::npos ? 0 : nl + 1)) + 1;
  return SourceLoc{file, line, col};
}

SourceLoc json_key_loc(const std::string& file, std::string_view text, std::string_view key) {
  const std::string quoted = fmt::format("\"{}\"", key);
  const std::size_t at = text.find(quoted);
  if (at == std::string_view::npos) return SourceLoc{file, 1, 1};
  return loc_at_byte(file, text, at);
}

namespace {

// `text` with NaN, Infinity and -Infinity outside strings written as null. The infinities
// are padded with spaces to their own length; "NaN" becomes the one byte longer "null".
// Newlines are untouched, so an error's line is exact; its column is one more per NaN
// before it on the same line.
std::string without_python_nan(std::string_view text) {
  std::string out(text);
  bool in_string = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    auto word_at = [&](std::string_view w) { return out.compare(i, w.size(), w) == 0; };
    if (word_at("-Infinity")) {
      out.replace(i, 9, "null     ");
      i += 8;
    } else if (word_at("Infinity")) {
      out.replace(i, 8, "null    ");
      i += 7;
    } else if (word_at("NaN")) {
      out.replace(i, 3, "null");
      i += 3;
    }
  }
  return out;
}

}  // namespace

nlohmann::json parse_json_text(const std::string& file, std::string_view text, std::string_view what,
                               std::string_view expected, bool python_nan) {
  std::string cleaned;
  std::string_view src = text;
  if (python_nan && (text.find("NaN") != std::string_view::npos || text.find("Infinity") != std::string_view::npos)) {
    cleaned = without_python_nan(text);
    src = cleaned;
  }
  try {
    return nlohmann::json::parse(src);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the byte the parser stopped at.
    throw Error(loc_at_byte(file, src, e.byte > 0 ? e.byte - 1 : 0),
                fmt::format("{} is not valid JSON (expected {})", what, expected));
  } catch (const nlohmann::json::exception&) {
    // A number beyond double's range (2e1601) is out_of_range.406, with no byte offset.
    throw Error(SourceLoc{file, 0, 0}, fmt::format("{} holds a number out of range (expected {})", what, expected));
  }
}

}  // namespace plan::io
