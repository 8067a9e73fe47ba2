#include "yaml_strict.hpp"
#include "json_text.hpp"

#include <yaml.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <unordered_map>
#include <unordered_set>
#include <algorithm>
#include <string_view>
#include <vector>

namespace plan::io {

Node::Type Node::type() const { return d_ ? d_->type : Type::Undefined; }

const std::string& Node::Scalar() const {
  static const std::string none;
  return d_ && d_->type == Type::Scalar ? d_->scalar : none;
}

bool Node::quoted() const { return d_ && d_->quoted; }

Mark Node::mark() const { return d_ ? d_->mark : Mark{}; }

std::size_t Node::size() const {
  if (!d_) return 0;
  return d_->type == Type::Sequence ? d_->items.size() : d_->type == Type::Map ? d_->entries.size() : 0;
}

Node Node::operator[](std::size_t i) const {
  if (!IsSequence() || i >= d_->items.size()) return Node();
  return d_->items[i];
}

Node Node::operator[](std::string_view key) const {
  if (!IsMap()) return Node();
  for (const Entry& e : d_->entries) {
    if (e.first.IsScalar() && e.first.d_->scalar == key) return e.second;
  }
  return Node();
}

const Node::Entry* Node::begin() const { return IsMap() ? d_->entries.data() : nullptr; }
const Node::Entry* Node::end() const { return IsMap() ? d_->entries.data() + d_->entries.size() : nullptr; }

SourceLoc loc_of(const std::string& file, const Node& n) {
  SourceLoc l{file, 0, 0};
  if (n.IsDefined() && n.mark().line >= 0) {
    l.line = n.mark().line + 1;
    l.col = n.mark().column + 1;
  }
  return l;
}

void fail(const std::string& file, const Node& n, const std::string& msg) { throw Error(loc_of(file, n), msg); }

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

// Builds the tree from libyaml's event stream, one pass, checking as it goes: depth, node
// count and scalar size are bounded and duplicate keys rejected before the node is kept, and
// a second document is rejected at its start (libyaml's parser keeps no state per level
// beyond a small stack, so hostile texts stop early). Aliases share their anchor's node.
class Builder {
 public:
  Builder(std::string file, const Limits& limits) : file_(std::move(file)), limits_(limits) {}

  void scalar(const yaml_event_t& e) {
    auto d = std::make_shared<NodeData>();
    const auto& sc = e.data.scalar;
    d->mark = mark(e);
    if (sc.length > limits_.max_scalar_bytes)
      throw Error(at(d->mark), fmt::format("scalar of {} bytes (expected at most {})", sc.length, limits_.max_scalar_bytes));
    d->scalar.assign(reinterpret_cast<const char*>(sc.value), sc.length);
    d->quoted = sc.style != YAML_PLAIN_SCALAR_STYLE && sc.style != YAML_ANY_SCALAR_STYLE;
    d->type = !d->quoted && is_null(d->scalar) ? Node::Type::Null : Node::Type::Scalar;
    const Mark m = d->mark;
    done(Node(std::move(d)), m, sc.anchor);
  }

  void alias(const yaml_event_t& e) {
    const std::string name = reinterpret_cast<const char*>(e.data.alias.anchor);
    auto it = anchors_.find(name);
    if (it == anchors_.end())
      throw Error(at(mark(e)), fmt::format("alias '*{}' has no complete anchor '&{}' before it (expected an anchor first)", name, name));
    add(it->second, mark(e));
  }

  void open(const yaml_event_t& e, bool is_map) {
    count(mark(e));
    if (stack_.size() + 1 > limits_.max_depth)
      throw Error(at(mark(e)), fmt::format("nesting deeper than {} levels (expected a shallower document)", limits_.max_depth));
    auto d = std::make_shared<NodeData>();
    d->type = is_map ? Node::Type::Map : Node::Type::Sequence;
    d->mark = mark(e);
    const yaml_char_t* anchor = is_map ? e.data.mapping_start.anchor : e.data.sequence_start.anchor;
    stack_.push_back(Open{std::move(d), anchor ? reinterpret_cast<const char*>(anchor) : "", Node(), {}});
  }

  void close() {
    Open o = std::move(stack_.back());
    stack_.pop_back();
    const Mark m = o.d->mark;
    Node n(std::move(o.d));
    if (!o.anchor.empty()) anchors_[o.anchor] = n;
    place(n, m);
  }

  void document_start(const yaml_event_t& e) {
    if (++documents_ == 2) throw Error(at(mark(e)), "more than one YAML document (expected one)");
  }

  int documents() const { return documents_; }
  const Node& root() const { return root_; }

 private:
  struct Open {
    std::shared_ptr<NodeData> d;
    std::string anchor;
    Node key;                                  // a mapping's key waiting for its value
    std::unordered_set<std::string_view> keys; // the mapping's scalar keys so far
  };

  static Mark mark(const yaml_event_t& e) {
    return Mark{static_cast<int>(e.start_mark.line), static_cast<int>(e.start_mark.column)};
  }
  SourceLoc at(Mark m) const { return SourceLoc{file_, m.line + 1, m.column + 1}; }

  // YAML's null: an empty plain scalar or ~ / null (any of its three spellings).
  static bool is_null(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

  void count(Mark m) {
    if (++nodes_ > limits_.max_nodes)
      throw Error(at(m), fmt::format("more than {} nodes (expected a smaller document)", limits_.max_nodes));
  }

  void done(const Node& n, Mark m, const yaml_char_t* anchor) {
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = n;
    add(n, m);
  }

  void add(const Node& n, Mark m) {
    count(m);
    place(n, m);
  }

  // Puts a complete node where it belongs: the root, a sequence's item, a mapping's key or value.
  void place(const Node& n, Mark m) {
    if (stack_.empty()) {
      root_ = n;
      return;
    }
    Open& top = stack_.back();
    if (top.d->type == Node::Type::Sequence) {
      top.d->items.push_back(n);
    } else if (!top.key.IsDefined()) {
      if ((n.IsScalar() || n.IsNull()) && !raw(n).empty() && !top.keys.insert(raw(n)).second)
        throw Error(at(m), fmt::format("duplicate key '{}' (expected each key once)", raw(n)));
      top.key = n;
    } else {
      top.d->entries.emplace_back(std::move(top.key), n);
      top.key = Node();
    }
  }

  // The written text of a scalar or null key (kept alive by the node, so views stay valid).
  static std::string_view raw(const Node& n);

  std::string file_;
  Limits limits_;
  std::vector<Open> stack_;
  std::unordered_map<std::string, Node> anchors_;
  Node root_;
  std::size_t nodes_ = 0;
  int documents_ = 0;
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

std::string_view Builder::raw(const Node& n) {
  // Scalar() is empty for a null node; a null key's text is its spelling (~, null).
  return n.IsScalar() ? std::string_view(n.Scalar()) : std::string_view("~");
}

SourceLoc parse_error_loc(const std::string& file, const std::string& text, const yaml_parser_t& p) {
  // A reader error (bad bytes) has an offset and no position; the others have a mark.
  if (p.error == YAML_READER_ERROR) return loc_at_byte(file, text, std::min(p.problem_offset, text.size()));
  return SourceLoc{file, static_cast<int>(p.problem_mark.line) + 1, static_cast<int>(p.problem_mark.column) + 1};
}

std::string parse_error(const yaml_parser_t& p) {
  if (p.error == YAML_MEMORY_ERROR) return "out of memory while reading YAML (expected a smaller document)";
  std::string what = p.problem ? p.problem : "unreadable text";
  if (p.context) what += fmt::format(" {}", p.context);
  return fmt::format("invalid YAML: {} (expected well-formed YAML)", what);
}

}  // namespace

Document parse_document(const std::string& file, const std::string& text, const Limits& limits, bool any_root) {
  if (text.size() > limits.max_bytes)
    throw Error(SourceLoc{file, 0, 0}, fmt::format("file is larger than {} bytes (expected a smaller file)", limits.max_bytes));
  if (auto nul = text.find('\0'); nul != std::string::npos)
    throw Error(loc_at_byte(file, text, nul), "file contains a NUL byte (expected UTF-8 text)");
  if (auto bad = invalid_utf8(text); bad != std::string::npos)
    throw Error(loc_at_byte(file, text, bad), "file is not UTF-8 text (expected UTF-8)");

  struct Parser {
    yaml_parser_t p;
    Parser() { yaml_parser_initialize(&p); }
    ~Parser() { yaml_parser_delete(&p); }
  } parser;
  struct Event {
    yaml_event_t e{};
    ~Event() { yaml_event_delete(&e); }
  };
  yaml_parser_set_input_string(&parser.p, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  yaml_parser_set_encoding(&parser.p, YAML_UTF8_ENCODING);
  Builder b(file, limits);
  for (bool end = false; !end;) {
    Event ev;
    if (!yaml_parser_parse(&parser.p, &ev.e)) throw Error(parse_error_loc(file, text, parser.p), parse_error(parser.p));
    switch (ev.e.type) {
      case YAML_STREAM_END_EVENT: end = true; break;
      case YAML_DOCUMENT_START_EVENT: b.document_start(ev.e); break;
      case YAML_SCALAR_EVENT: b.scalar(ev.e); break;
      case YAML_ALIAS_EVENT: b.alias(ev.e); break;
      case YAML_SEQUENCE_START_EVENT: b.open(ev.e, false); break;
      case YAML_MAPPING_START_EVENT: b.open(ev.e, true); break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: b.close(); break;
      default: break;
    }
  }
  if (b.documents() == 0)
    throw Error(SourceLoc{file, 0, 0}, "file has no YAML document, only comments (expected a document)");
  Document d{file, b.root()};
  if (d.root.IsNull())
    throw Error(loc_of(file, d.root), "document is empty (expected 'key: value' lines)");
  if (!any_root && !d.root.IsMap())
    throw Error(loc_of(file, d.root), "top level is not a mapping (expected 'key: value' lines)");
  return d;
}

namespace {
const char* type_name(const Node& n) {
  switch (n.type()) {
    case Node::Type::Null: return "null";
    case Node::Type::Scalar: return "a scalar";
    case Node::Type::Sequence: return "a list";
    case Node::Type::Map: return "a mapping";
    default: return "nothing";
  }
}

std::string range_text(Range r) {
  return fmt::format("a number in {}{}, {}]", r.min_exclusive ? "(" : "[", r.min, r.max);
}
}  // namespace

double to_number(const std::string& file, const Node& n, const std::string& what, Range r) {
  if (!n.IsScalar()) fail(file, n, fmt::format("{} is {} (expected {})", what, type_name(n), range_text(r)));
  const std::string& s = n.Scalar();
  if (n.quoted())
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

int to_int(const std::string& file, const Node& n, const std::string& what, int min, int max) {
  double v = to_number(file, n, what, Range{double(min), double(max), false});
  if (v != std::floor(v)) fail(file, n, fmt::format("{} is {} (expected a whole number)", what, n.Scalar()));
  return static_cast<int>(v);
}

std::string to_string(const std::string& file, const Node& n, const std::string& what) {
  if (!n.IsScalar()) fail(file, n, fmt::format("{} is {} (expected a string)", what, type_name(n)));
  if (n.Scalar().empty()) fail(file, n, fmt::format("{} is empty (expected a string)", what));
  return n.Scalar();
}

bool to_bool(const std::string& file, const Node& n, const std::string& what) {
  if (n.IsScalar() && !n.quoted()) {
    if (n.Scalar() == "true") return true;
    if (n.Scalar() == "false") return false;
  }
  fail(file, n, fmt::format("{} is '{}' (expected true or false)", what, n.IsScalar() ? n.Scalar() : type_name(n)));
}

Map::Map(const std::string& file, const Node& node, std::string what)
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

namespace {
thread_local KeyRecorder* current_recorder = nullptr;
}  // namespace

KeyRecorder::KeyRecorder() : prev_(current_recorder) { current_recorder = this; }
KeyRecorder::~KeyRecorder() { current_recorder = prev_; }
void KeyRecorder::record(const char* key) {
  if (current_recorder) current_recorder->keys_.insert(key);
}

std::optional<Node> Map::opt_node(const char* key) {
  KeyRecorder::record(key);
  known_.insert(key);
  seen_.insert(key);
  Node n = node_[key];
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  return n;
}

Node Map::node(const char* key) {
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

void Map::seq(const char* key, const std::function<void(const Node&, std::size_t)>& each, bool required) {
  auto n = required ? std::optional<Node>(node(key)) : opt_node(key);
  if (!n) return;
  if (!n->IsSequence()) fail(file_, *n, fmt::format("{} is {} (expected a list)", field(key), type_name(*n)));
  for (std::size_t i = 0; i < n->size(); ++i) each((*n)[i], i);
}

std::vector<std::string> Map::opt_str_list(const char* key) {
  std::vector<std::string> out;
  seq(key, [&](const Node& e, std::size_t i) {
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
