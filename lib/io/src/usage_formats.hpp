#pragma once
// Shared pieces of the usage readers (private to plan_io): the buffered file reader, the
// per-file context that counts rows and malformed ones, number parsing, JSON documents.
// One file per format: usage_rows.cpp (requests, buckets, LiteLLM spend logs),
// usage_api.cpp (OpenAI and Anthropic usage reports), usage_vllm.cpp (vLLM scrapes),
// usage_litellm_db.cpp (LiteLLM spend logs read from the proxy's PostgreSQL database).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/io/usage_import.hpp"

namespace plan::io::detail {

// Reads a file in large chunks; hands out lines (or CSV records, which may span lines when
// a quoted field holds a newline) as views into its buffer, valid until the next call.
class FileChunks {
 public:
  explicit FileChunks(const std::string& path, const UsageImportOptions* opt = nullptr);
  ~FileChunks();
  FileChunks(const FileChunks&) = delete;
  FileChunks& operator=(const FileChunks&) = delete;

  // The next line without its '\n' (and '\r'); false at the end. line() is its number.
  bool next_line(std::string_view& out);
  // The next CSV record (RFC 4180: quoted fields, "" escapes, newlines inside quotes),
  // split into fields with their 1-based columns; quoted fields are unquoted in place.
  // Returns false at the end; throws plan::Error for an unterminated quote.
  bool next_record(std::vector<std::string_view>& fields, std::vector<int>& cols);
  int line() const { return line_; }
  std::uint64_t size() const { return size_; }

 private:
  bool fill();  // moves the unread tail to the front and reads more; false at EOF with nothing new
  void report_progress();
  std::string path_;
  const UsageImportOptions* opt_;
  std::FILE* f_ = nullptr;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  int line_ = 0;       // line number of the last record's first line
  int next_line_ = 1;  // line number where the next record starts
  std::uint64_t size_ = 0, read_ = 0, last_progress_ = 0;
};

// One file being read: the report it fills and the aggregator it feeds.
struct FileContext {
  std::string path;
  UsageFileReport* report;
  usage::Aggregator* agg;
  const UsageImportOptions* opt;

  void bad(int line, int col, std::string message);
  // Adds a record; a record stretching its key's period beyond ten years is a bad row.
  void add(const usage::UsageRecord& r, int line, int col);
};

// Why a record would give a workload the profile loader rejects (a figure above its limits,
// profile_limits.hpp), or nullopt: such a record is a malformed row.
std::optional<std::string> beyond_profile_limits(const usage::UsageRecord& r);

// A finite non-negative number ("12", "3.5", "1e6"); nullopt otherwise. Empty is nullopt.
std::optional<double> parse_count(std::string_view s);
// "true"/"false", "1"/"0", "yes"/"no" (any case); empty is false.
std::optional<bool> parse_flag(std::string_view s);

// A whole JSON document (usage reports are pages of at most a few hundred buckets), or one
// per line (JSONL). Throws plan::Error at the line and column of a syntax error.
std::vector<std::pair<int, nlohmann::json>> read_json_documents(const std::string& path);
// Unix seconds of a JSON number or ISO 8601 string; nullopt otherwise.
std::optional<std::int64_t> json_time(const nlohmann::json& v);
// A JSON number (or numeric string) as a non-negative count; 0 when absent or null.
std::optional<double> json_count(const nlohmann::json& obj, const char* key);

// Rows handed over as named text values (a database's result rows), read exactly as
// read_rows reads a CSV record of `source`: the same column names and aliases, the same
// checks and bad-row messages, LiteLLM's cached tokens from its metadata.
class TextRowReader {
 public:
  TextRowReader(FileContext& ctx, UsageSource source);
  ~TextRowReader();
  TextRowReader(const TextRowReader&) = delete;
  TextRowReader& operator=(const TextRowReader&) = delete;
  // The columns' names (lowercase), as a CSV header; `line` locates errors.
  void set_columns(const std::vector<std::string>& names, int line);
  // One row, a value per column (an SQL NULL as empty). `line` 0: the row is named in the
  // message instead (the caller adds its name).
  void row(int line, const std::vector<std::string_view>& values);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The readers, one per format.
void read_rows(FileContext& ctx, UsageSource source);
// `conninfo` is the connection string as given; ctx.path is it without the password.
void read_litellm_db(FileContext& ctx, const std::string& conninfo);
void read_openai_usage(FileContext& ctx);
void read_anthropic_usage(FileContext& ctx);
void read_vllm_metrics(std::vector<FileContext>& scrapes);

}  // namespace plan::io::detail
