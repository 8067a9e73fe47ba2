#include "plan/report/json.hpp"

#include <cmath>
#include <fmt/format.h>

#include "plan/report/escape.hpp"

namespace plan::report {

// Control characters (C0, DEL, C1) and bidirectional controls as \u escapes, invalid UTF-8
// as U+FFFD: the document is valid UTF-8 and shows nothing raw on a terminal (escape.hpp).
std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for_each_code_point(
      s,
      [&](char32_t cp, std::string_view bytes) {
        switch (cp) {
          case '"': out += "\\\""; break;
          case '\\': out += "\\\\"; break;
          case '\n': out += "\\n"; break;
          case '\r': out += "\\r"; break;
          case '\t': out += "\\t"; break;
          default:
            if (is_control(cp) || is_bidi_control(cp)) out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
            else out.append(bytes);
        }
      },
      [&](unsigned char) { out += "\\ufffd"; });
  return out;
}

void JsonWriter::newline() {
  out_ += '\n';
  out_.append(stack_.size() * 2, ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!stack_.empty()) {
    if (!stack_.back().first) out_ += ',';
    stack_.back().first = false;
    newline();
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  stack_.push_back({true});
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  bool empty = stack_.back().first;
  stack_.pop_back();
  if (!empty) newline();
  out_ += '}';
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  stack_.push_back({false});
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  bool empty = stack_.back().first;
  stack_.pop_back();
  if (!empty) newline();
  out_ += ']';
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  out_ += '"' + json_escape(k) + "\": ";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  out_ += '"' + json_escape(s) + '"';
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  before_value();
  if (!std::isfinite(v)) out_ += "null";
  else if (v == std::floor(v) && std::fabs(v) < 1e15) out_ += fmt::format("{:.0f}", v);
  else out_ += fmt::format("{}", v);
  return *this;
}

JsonWriter& JsonWriter::value_fixed(double v, int decimals) {
  before_value();
  if (!std::isfinite(v)) out_ += "null";
  else out_ += fmt::format("{:.{}f}", v + 0.0, decimals);  // + 0.0 turns -0 into 0
  return *this;
}

JsonWriter& JsonWriter::value(int v) {
  before_value();
  out_ += std::to_string(v);
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  before_value();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::strings(std::string_view k, const std::vector<std::string>& v) {
  key(k).begin_array();
  for (const auto& s : v) value(s);
  return end_array();
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

}  // namespace plan::report
