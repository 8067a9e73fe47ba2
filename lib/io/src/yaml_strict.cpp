#include "yaml_strict.hpp"
#include "json_text.hpp"

#include <yaml-cpp/eventhandler.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace plan::io {

SourceLoc loc_of(const std::string& file, const YAML::Node& n) {
  SourceLoc l{file, 0, 0};
  if (n.IsDefined() && n.Mark().line >= 0) {
    l.line = n.Mark().line + 1;
    l.col = n.Mark().column + 1;
  }
  return l;
}

void fail(const std::string& file, const YAML::Node& n, const std::string& msg) { throw Error(loc_of(file, n), msg); }

std::string read_text_file(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(SourceLoc{path, 0, 0}, "is a directory (expected a file)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(SourceLoc{path, 0, 0}, "cannot open file (expected a readable file)");
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes)
      throw Error(SourceLoc{path, 0, 0}, fmt::format("file is larger than {} bytes (expected a smaller file)", max_bytes));
  }
  if (in.bad()) throw Error(SourceLoc{path, 0, 0}, "cannot read file (expected a readable file)");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw Error(SourceLoc{path, 0, 0}, "file is empty (expected a document)");
  return text;
}

namespace {

// First pass over the event stream: bounds depth, node count and scalar size, and finds
// duplicate keys, all before a tree is built. Aliases are not expanded here or later:
// readers visit only the fields they know, so an alias bomb cannot multiply work.
class Guard : public YAML::EventHandler {
 public:
  Guard(std::string file, const Limits& limits) : file_(std::move(file)), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark& m) override {
    if (++documents_ == 2) second_ = at(m);
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { value(m, "~"); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { value(m, "*alias"); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string& v) override {
    if (v.size() > limits_.max_scalar_bytes)
      throw Error(at(m), fmt::format("scalar of {} bytes (expected at most {})", v.size(), limits_.max_scalar_bytes));
    value(m, v);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    value(m, "");
    push(m, false);
  }
  void OnSequenceEnd() override { stack_.pop_back(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    value(m, "");
    push(m, true);
  }
  void OnMapEnd() override { stack_.pop_back(); }

 private:
  struct Level {
    bool is_map;
    bool expect_key = true;
    std::set<std::string> keys;
  };

  SourceLoc at(const YAML::Mark& m) const { return SourceLoc{file_, m.line + 1, m.column + 1}; }

  void push(const YAML::Mark& m, bool is_map) {
    if (stack_.size() + 1 > limits_.max_depth)
      throw Error(at(m), fmt::format("nesting deeper than {} levels (expected a shallower document)", limits_.max_depth));
    stack_.push_back(Level{is_map, true, {}});
  }

  // Called for every node; in a mapping, alternate nodes are keys.
  void value(const YAML::Mark& m, const std::string& scalar) {
    if (++nodes_ > limits_.max_nodes)
      throw Error(at(m), fmt::format("more than {} nodes (expected a smaller document)", limits_.max_nodes));
    if (stack_.empty() || !stack_.back().is_map) return;
    Level& lv = stack_.back();
    if (lv.expect_key && !scalar.empty() && !lv.keys.insert(scalar).second)
      throw Error(at(m), fmt::format("duplicate key '{}' (expected each key once)", scalar));
    lv.expect_key = !lv.expect_key;
  }

  std::string file_;
  Limits limits_;
  std::vector<Level> stack_;
  std::size_t nodes_ = 0;
  int documents_ = 0;
  SourceLoc second_;

 public:
  int documents() const { return documents_; }
  const SourceLoc& second_document() const { return second_; }
};


// Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or npos.
std::size_t invalid_utf8(const std::string& text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::string::npos;
}

// yaml-cpp recurses once per nesting level (and its own guard stops only at 2000 levels,
// with large frames), so before handing it the text, reject flow nesting ('[' and '{'
// outside quotes and comments) deeper than the limit. Block nesting needs indentation,
// one column or more per level, and is bounded by Guard from the event stream. Linear.
void prescan_depth(const std::string& file, const std::string& text, const Limits& limits) {
  std::size_t depth = 0;
  char quote = 0;
  bool comment = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      comment = false;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (quote == '"' && c == '\\') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    switch (c) {
      case '#':
        comment = i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n';
        break;
      case '"': case '\'':
        // A quote opens a string only where a scalar can start; inside a plain scalar
        // (it's) it is an ordinary character.
        if (i == 0 || std::string_view(" \t\n[{,:-").find(text[i - 1]) != std::string_view::npos) quote = c;
        break;
      case '[': case '{':
        if (++depth > limits.max_depth)
          throw Error(loc_at_byte(file, text, i),
                      fmt::format("nesting deeper than {} levels (expected a shallower document)", limits.max_depth));
        break;
      case ']': case '}':
        if (depth > 0) --depth;
        break;
      default: break;
    }
  }
}

SourceLoc loc_of_exception(const std::string& file, const YAML::Exception& e) {
  SourceLoc l{file, 0, 0};
  if (!e.mark.is_null()) {
    l.line = e.mark.line + 1;
    l.col = e.mark.column + 1;
  }
  return l;
}

}  // namespace

Document parse_document(const std::string& file, const std::string& text, const Limits& limits, bool any_root) {
  if (text.size() > limits.max_bytes)
    throw Error(SourceLoc{file, 0, 0}, fmt::format("file is larger than {} bytes (expected a smaller file)", limits.max_bytes));
  if (auto nul = text.find('\0'); nul != std::string::npos)
    throw Error(loc_at_byte(file, text, nul), "file contains a NUL byte (expected UTF-8 text)");
  if (auto bad = invalid_utf8(text); bad != std::string::npos)
    throw Error(loc_at_byte(file, text, bad), "file is not UTF-8 text (expected UTF-8)");
  prescan_depth(file, text, limits);
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    Guard guard(file, limits);
    while (parser.HandleNextDocument(guard)) {
      if (guard.documents() > 1)
        throw Error(guard.second_document(), "more than one YAML document (expected one)");
    }
    if (guard.documents() == 0)
      throw Error(SourceLoc{file, 0, 0}, "file has no YAML document, only comments (expected a document)");
    Document d{file, YAML::Load(text)};
    if (d.root.IsNull())
      throw Error(loc_of(file, d.root), "document is empty (expected 'key: value' lines)");
    if (!any_root && !d.root.IsMap())
      throw Error(loc_of(file, d.root), "top level is not a mapping (expected 'key: value' lines)");
    return d;
  } catch (const YAML::Exception& e) {
    throw Error(loc_of_exception(file, e), fmt::format("invalid YAML: {} (expected well-formed YAML)", e.msg));
  }
}

namespace {
const char* type_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return "null";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

std::string range_text(Range r) {
  return fmt::format("a number in {}{}, {}]", r.min_exclusive ? "(" : "[", r.min, r.max);
}
}  // namespace

double to_number(const std::string& file, const YAML::Node& n, const std::string& what, Range r) {
  if (!n.IsScalar()) fail(file, n, fmt::format("{} is {} (expected {})", what, type_name(n), range_text(r)));
  const std::string& s = n.Scalar();
  if (n.Tag() == "!")
    fail(file, n, fmt::format("{} is the quoted string \"{}\" (expected {}, unquoted)", what, s, range_text(r)));
  double v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, e, v);
  if (ec == std::errc::result_out_of_range) fail(file, n, fmt::format("{} '{}' is out of range (expected {})", what, s, range_text(r)));
  if (ec != std::errc() || ptr != e || b == e)
    fail(file, n, fmt::format("{} is '{}' (expected {})", what, s, range_text(r)));
  if (!std::isfinite(v)) fail(file, n, fmt::format("{} is '{}' (expected a finite number)", what, s));
  bool below = r.min_exclusive ? v <= r.min : v < r.min;
  if (below || v > r.max) fail(file, n, fmt::format("{} is {} (expected {})", what, s, range_text(r)));
  return v;
}

int to_int(const std::string& file, const YAML::Node& n, const std::string& what, int min, int max) {
  double v = to_number(file, n, what, Range{double(min), double(max), false});
  if (v != std::floor(v)) fail(file, n, fmt::format("{} is {} (expected a whole number)", what, n.Scalar()));
  return static_cast<int>(v);
}

std::string to_string(const std::string& file, const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) fail(file, n, fmt::format("{} is {} (expected a string)", what, type_name(n)));
  if (n.Scalar().empty()) fail(file, n, fmt::format("{} is empty (expected a string)", what));
  return n.Scalar();
}

bool to_bool(const std::string& file, const YAML::Node& n, const std::string& what) {
  if (n.IsScalar() && n.Tag() != "!") {
    if (n.Scalar() == "true") return true;
    if (n.Scalar() == "false") return false;
  }
  fail(file, n, fmt::format("{} is '{}' (expected true or false)", what, n.IsScalar() ? n.Scalar() : type_name(n)));
}

Map::Map(const std::string& file, const YAML::Node& node, std::string what)
    : file_(file), node_(node), what_(std::move(what)) {
  if (!node_.IsMap()) fail(file_, node_, fmt::format("{} is {} (expected a mapping)", what_, type_name(node_)));
}

std::string Map::field(const char* key) const { return fmt::format("'{}' in {}", key, what_); }

bool Map::has(const char* key) const {
  known_.insert(key);
  return node_[key].IsDefined() && !node_[key].IsNull();
}

SourceLoc Map::key_loc(const char* key) const {
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return loc_of(file_, it->first);
  }
  return loc();
}

std::optional<YAML::Node> Map::opt_node(const char* key) {
  known_.insert(key);
  seen_.insert(key);
  YAML::Node n = node_[key];
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  return n;
}

YAML::Node Map::node(const char* key) {
  auto n = opt_node(key);
  if (!n) throw Error(loc(), fmt::format("missing key '{}' in {} (expected '{}: ...')", key, what_, key));
  return *n;
}

std::string Map::str(const char* key) { return to_string(file_, node(key), field(key)); }

std::optional<std::string> Map::opt_str(const char* key) {
  auto n = opt_node(key);
  if (!n) return std::nullopt;
  return to_string(file_, *n, field(key));
}

double Map::num(const char* key, Range r) { return to_number(file_, node(key), field(key), r); }

std::optional<double> Map::opt_num(const char* key, Range r) {
  auto n = opt_node(key);
  if (!n) return std::nullopt;
  return to_number(file_, *n, field(key), r);
}

int Map::integer(const char* key, int min, int max) { return to_int(file_, node(key), field(key), min, max); }

std::optional<int> Map::opt_integer(const char* key, int min, int max) {
  auto n = opt_node(key);
  if (!n) return std::nullopt;
  return to_int(file_, *n, field(key), min, max);
}

std::optional<bool> Map::opt_bool(const char* key) {
  auto n = opt_node(key);
  if (!n) return std::nullopt;
  return to_bool(file_, *n, field(key));
}

void Map::seq(const char* key, const std::function<void(const YAML::Node&, std::size_t)>& each, bool required) {
  auto n = required ? std::optional<YAML::Node>(node(key)) : opt_node(key);
  if (!n) return;
  if (!n->IsSequence()) fail(file_, *n, fmt::format("{} is {} (expected a list)", field(key), type_name(*n)));
  for (std::size_t i = 0; i < n->size(); ++i) each((*n)[i], i);
}

std::vector<std::string> Map::opt_str_list(const char* key) {
  std::vector<std::string> out;
  seq(key, [&](const YAML::Node& e, std::size_t i) {
    out.push_back(to_string(file_, e, fmt::format("item {} of {}", i + 1, field(key))));
  }, false);
  return out;
}

void Map::finish() {
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar()) fail(file_, it->first, fmt::format("a key in {} is {} (expected a string)", what_, type_name(it->first)));
    const std::string& k = it->first.Scalar();
    if (!seen_.count(k)) {
      std::vector<std::string> expected(known_.begin(), known_.end());
      fail(file_, it->first,
           fmt::format("unknown key '{}' in {} (expected one of: {})", k, what_, fmt::join(expected, ", ")));
    }
  }
}

}  // namespace plan::io
