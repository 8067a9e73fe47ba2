#pragma once
// Strict, located reading of YAML (and JSON, which is YAML's flow style). Private to
// plan_io: the parser (libyaml) never leaves this library.
//
// Every reader goes through here, so that every bad input gets one line
// `FILE:LINE:COL: what is wrong (what was expected)`:
//  - parse_document() bounds size, nesting depth and node count, rejects duplicate keys
//    and multiple documents before building the tree;
//  - Map reads a mapping field by field and, on finish(), rejects keys it did not read.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plan/core/base/error.hpp"

namespace plan::io {

// Where a node starts in its file, 0-based (-1: no position).
struct Mark {
  int line = -1;
  int column = -1;
};

struct NodeData;

// A node of a parsed document: immutable, cheap to copy (copies share the node). A node
// that is not there (a missing key, an index past the end) is "undefined". An alias shares
// its anchor's node, so aliases are never expanded.
class Node {
 public:
  enum class Type { Undefined, Null, Scalar, Sequence, Map };
  using Entry = std::pair<Node, Node>;

  Node() = default;
  explicit Node(std::shared_ptr<const NodeData> d) : d_(std::move(d)) {}
  Type type() const;
  bool IsDefined() const { return d_ != nullptr; }
  explicit operator bool() const { return IsDefined(); }
  bool IsNull() const { return type() == Type::Null; }
  bool IsScalar() const { return type() == Type::Scalar; }
  bool IsSequence() const { return type() == Type::Sequence; }
  bool IsMap() const { return type() == Type::Map; }
  // The text of a scalar (empty for other nodes).
  const std::string& Scalar() const;
  // A scalar written quoted or as a block ("5", '5', |): a string, never a number.
  bool quoted() const;
  Mark mark() const;
  // Items of a sequence or entries of a mapping; 0 for anything else.
  std::size_t size() const;
  Node operator[](std::size_t i) const;          // item of a sequence, or undefined
  Node operator[](std::string_view key) const;   // value of a mapping's scalar key, or undefined
  Node operator[](const char* key) const { return (*this)[std::string_view(key)]; }
  Node operator[](const std::string& key) const { return (*this)[std::string_view(key)]; }
  // A mapping's entries in document order (empty for anything else).
  const Entry* begin() const;
  const Entry* end() const;

 private:
  std::shared_ptr<const NodeData> d_;
};

struct NodeData {
  Node::Type type = Node::Type::Null;
  bool quoted = false;
  Mark mark;
  std::string scalar;
  std::vector<Node> items;
  std::vector<Node::Entry> entries;
};

struct Limits {
  std::size_t max_bytes = 8u << 20;       // 8 MiB
  std::size_t max_depth = 64;             // nesting of mappings/sequences
  // Scalars + collections, aliases not expanded. A node of the tree takes about 200 bytes,
  // so this also bounds memory (about 50 MB).
  std::size_t max_nodes = 250'000;
  std::size_t max_scalar_bytes = 1u << 20;
};

// A parsed document and the name of its file, for locations.
struct Document {
  std::string file;
  Node root;
};

// Reads `path` whole; errors: missing, unreadable, empty, over the size limit.
std::string read_text_file(const std::string& path, std::size_t max_bytes);

// Parses text already read from `file`. The root must be a mapping unless `any_root`.
Document parse_document(const std::string& file, const std::string& text, const Limits& limits = {},
                        bool any_root = false);

SourceLoc loc_of(const std::string& file, const Node& n);
[[noreturn]] void fail(const std::string& file, const Node& n, const std::string& msg);

// Allowed range of a number, for error messages: "expected a number in [0, 1]".
struct Range {
  double min = 0;
  double max = 1e15;
  bool min_exclusive = false;
  static Range non_negative(double max = 1e15) { return {0, max, false}; }
  static Range positive(double max = 1e15) { return {0, max, true}; }
  static Range share() { return {0, 1, false}; }
};

// A scalar read as a number: plain (unquoted), finite, within range.
double to_number(const std::string& file, const Node& n, const std::string& what, Range r);
int to_int(const std::string& file, const Node& n, const std::string& what, int min, int max);
std::string to_string(const std::string& file, const Node& n, const std::string& what);
bool to_bool(const std::string& file, const Node& n, const std::string& what);

// While one lives, every key a Map on this thread reads (required or optional, present or
// not) is added to its set: the list of keys a loader accepts, which a test compares with the
// documentation (docs/profiles.md).
class KeyRecorder {
 public:
  KeyRecorder();
  ~KeyRecorder();
  KeyRecorder(const KeyRecorder&) = delete;
  KeyRecorder& operator=(const KeyRecorder&) = delete;
  const std::set<std::string>& keys() const { return keys_; }
  static void record(const char* key);

 private:
  std::set<std::string> keys_;
  KeyRecorder* prev_ = nullptr;
};

class Map {
 public:
  // `what` names the mapping in messages, e.g. "workload 'chat'".
  Map(const std::string& file, const Node& node, std::string what);

  bool has(const char* key) const;
  Node node(const char* key);                 // required, any type
  std::optional<Node> opt_node(const char* key);
  std::string str(const char* key);
  std::optional<std::string> opt_str(const char* key);
  double num(const char* key, Range r);
  std::optional<double> opt_num(const char* key, Range r);
  int integer(const char* key, int min, int max);
  std::optional<int> opt_integer(const char* key, int min, int max);
  std::optional<bool> opt_bool(const char* key);
  // A sequence; each element handed to `each` with its index.
  void seq(const char* key, const std::function<void(const Node&, std::size_t)>& each, bool required = true);
  std::vector<std::string> opt_str_list(const char* key);

  // Rejects the first key that was not read, naming the keys that were expected.
  void finish();
  // Declares keys accepted but read elsewhere (so finish() does not reject them).
  void allow(const char* key) { seen_.insert(key); known_.insert(key); }

  const Node& yaml() const { return node_; }
  const std::string& file() const { return file_; }
  const std::string& what() const { return what_; }
  SourceLoc loc() const { return loc_of(file_, node_); }
  SourceLoc key_loc(const char* key) const;

 private:
  std::string field(const char* key) const;
  std::string file_;
  Node node_;
  std::string what_;
  std::set<std::string> seen_;
  mutable std::set<std::string> known_;
};

}  // namespace plan::io
