#pragma once
// Readers of usage data (request logs, hourly buckets, the OpenAI and Anthropic usage
// reports, LiteLLM spend logs as files or in a LiteLLM proxy's PostgreSQL database, vLLM
// metrics scrapes), streaming every file (or database) into a
// usage::Aggregator. Formats and their columns: docs/profiles.md, "Importing usage".
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plan/core/data/usage.hpp"
#include "plan/core/data/usage_options.hpp"

namespace plan::io {

enum class UsageSource {
  automatic, requests, buckets, openai_usage, anthropic_usage, litellm_spend, litellm_db, vllm_metrics
};
// "auto", "requests", "buckets", "openai-usage", "anthropic-usage", "litellm-spend", "litellm-db",
// "vllm-metrics".
const char* to_string(UsageSource s);
std::optional<UsageSource> parse_usage_source(std::string_view s);

struct UsageImportOptions {
  UsageSource source = UsageSource::automatic;
  bool by_tag = false;  // group by the tag column instead of the model
  // --column FIELD=COLUMN: the file's column for one of the fields (timestamp, model, tag,
  // input_tokens, output_tokens, cached_tokens, cache_write_tokens, batch, requests, end_time).
  std::vector<std::pair<std::string, std::string>> columns;
  bool skip_bad = false;             // import despite more than 1% malformed rows
  std::optional<double> interval_s;  // vLLM scrapes without sample timestamps: seconds apart
  // Called now and then while a file is read: (file, bytes read, file size).
  std::function<void(const std::string&, std::uint64_t, std::uint64_t)> progress;
  // A database: called now and then with the rows read so far (its size is not known).
  std::function<void(const std::string&, std::uint64_t)> rows_progress;
};

struct BadRow {
  int line = 0;  // 0: the row is named in the message (a JSON document's element)
  int col = 0;
  std::string message;
};

struct UsageFileReport {
  std::string path;    // a database: its connection string without the password
  std::string sha256;  // empty for a database
  std::string table;   // a database: the table read
  std::string read_at; // a database: when it was read (the server's clock, UTC, ISO 8601)
  UsageSource source = UsageSource::automatic;
  std::uint64_t rows = 0;  // rows read, malformed ones included
  std::uint64_t bad = 0;   // malformed rows, skipped
  std::vector<BadRow> first_bad;  // the first few, for the report
  std::vector<std::string> notes;  // e.g. counter resets seen in vLLM scrapes
};

// Malformed rows above this share of a file's rows are an error unless skip_bad.
constexpr double max_bad_share = 0.01;

// Reads every file into `agg`. Throws plan::Error (FILE:LINE:COL) for unreadable or empty
// files, a format that cannot be told, files of different formats, missing columns, and
// more than max_bad_share malformed rows in a file (unless skip_bad).
std::vector<UsageFileReport> import_usage(const std::vector<std::string>& files, const UsageImportOptions& opt,
                                          usage::Aggregator& agg);

// An OpenAI organization costs export (docs/profiles.md, "Reconciliation"), its daily
// buckets that overlap [from_s, to_s) summed per model of their line items.
using CostExport = usage::CostExport;  // the export as read; reconciled by usage::reconcile_cost_export
// Throws plan::Error (FILE:LINE:1) for a document that is not a costs page, a result without
// amount or line_item (an export not grouped by line_item), or a currency other than usd.
CostExport read_openai_costs(const std::string& path, std::int64_t from_s, std::int64_t to_s);
// The model of a cost line item: the text before its first comma, trimmed and lowercased
// ("gpt-4.1-2025-04-14, cached input" -> "gpt-4.1-2025-04-14").
std::string cost_line_item_model(std::string_view line_item);

// Whether FILE is a PostgreSQL connection string rather than a file: a URI
// (postgresql://, postgres://) or key=value pairs starting with host=, hostaddr=, dbname=,
// service=, user= or port=. Such a FILE is read with --source litellm-db.
bool is_database_uri(std::string_view file);
// The connection string without its password (the URI's user:password@, and password= or
// sslpassword= pairs or query parameters): how a database is named in messages and profiles.
std::string redact_connection_string(std::string_view conninfo);

// The format of a file's first bytes (nullopt when none fits). Exposed for tests.
std::optional<UsageSource> detect_usage_source(std::string_view head);

// Unix seconds of an ISO 8601 time ("2026-05-01T12:00:00Z", "2026-05-01 12:00:00.5+02:00",
// "2026-05-01") or of a number of seconds (milliseconds when >= 1e11). nullopt otherwise.
std::optional<std::int64_t> parse_timestamp(std::string_view s);

}  // namespace plan::io
