#pragma once
// A small streaming JSON writer with deterministic, locale-independent number formatting.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan::report {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(double v);                 // shortest round-trip form; null if not finite
  JsonWriter& value_fixed(double v, int decimals);  // e.g. money with 2 decimals
  JsonWriter& value(int v);
  JsonWriter& value(bool v);
  JsonWriter& null();
  // Convenience: key + value.
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  // An absent value is written as null, so that every document has the same keys.
  template <typename T>
  JsonWriter& field(std::string_view k, const std::optional<T>& v) {
    key(k);
    return v ? value(*v) : null();
  }
  JsonWriter& money(std::string_view k, double usd) {
    key(k);
    return value_fixed(usd, 2);
  }
  JsonWriter& money(std::string_view k, const std::optional<double>& usd) {
    key(k);
    return usd ? value_fixed(*usd, 2) : null();
  }
  // Key + an array of strings (reasons, notes).
  JsonWriter& strings(std::string_view k, const std::vector<std::string>& v);
  std::string str() const { return out_ + "\n"; }

 private:
  void before_value();
  void newline();
  std::string out_;
  struct Level {
    bool is_object;
    bool first = true;
  };
  std::vector<Level> stack_;
  bool after_key_ = false;
};

std::string json_escape(std::string_view s);

}  // namespace plan::report
