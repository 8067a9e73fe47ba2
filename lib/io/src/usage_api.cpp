// Provider usage reports: the OpenAI Usage API's completions pages and the Anthropic Admin
// API's messages usage report. Both are pages of time buckets, each with results per model;
// a file holds one page, a JSON array of pages, or one page per line.
#include <fmt/format.h>

#include <vector>

#include "plan/core/base/error.hpp"
#include "usage_formats.hpp"

namespace plan::io::detail {
namespace {

// Calls fn(line, where, bucket) for every bucket of every page in the file.
template <class Fn>
void for_each_bucket(FileContext& ctx, Fn&& fn) {
  auto docs = read_json_documents(ctx.path);
  std::size_t page_no = 0;
  auto page = [&](int line, const nlohmann::json& p) {
    ++page_no;
    const auto data = p.is_object() ? p.find("data") : p.end();
    if (!p.is_object() || data == p.end() || !data->is_array()) {
      ctx.bad(line, 1, fmt::format("page {} has no 'data' list of buckets (expected a usage report page)", page_no));
      return;
    }
    std::size_t b = 0;
    for (const auto& bucket : *data) {
      fn(line, fmt::format("page {} bucket {}", page_no, ++b), bucket);
    }
  };
  for (const auto& [line, d] : docs) {
    if (d.is_array()) for (const auto& p : d) page(line, p);
    else page(line, d);
  }
}

// A bucket's start and end in Unix seconds, when both are times and end > start.
bool bucket_span(const nlohmann::json& bucket, const char* start_key, const char* end_key, std::int64_t& start,
                 std::int64_t& end) {
  auto s = bucket.find(start_key);
  auto e = bucket.find(end_key);
  if (s == bucket.end() || e == bucket.end()) return false;
  const auto st = json_time(*s);
  const auto en = json_time(*e);
  if (!st || !en || *en <= *st) return false;
  start = *st;
  end = *en;
  return true;
}

std::string tag_from(const nlohmann::json& r, const std::vector<const char*>& keys) {
  for (const char* k : keys) {
    auto it = r.find(k);
    if (it != r.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) return it->get<std::string>();
  }
  return "untagged";
}

// What the two reports differ in, around the walk they share.
struct ReportShape {
  const char* start_key;
  const char* end_key;
  const char* span_expected;       // how the bucket times are written
  std::vector<const char*> tag_keys;  // the fields a result is tagged by, with --by tag
  const char* group_by;            // the query parameter that groups a report by model
};

// Walks every result of every bucket: checks the bucket's span and results list and the
// result's key (model, or tag with --by tag), and passes fn(result, where, line, record) a
// record with its span and key; fn fills the counts and returns true to add it, or reports
// the row as bad and returns false.
template <class Fn>
void for_each_result(FileContext& ctx, const ReportShape& shape, Fn&& fn) {
  for_each_bucket(ctx, [&](int line, const std::string& where, const nlohmann::json& bucket) {
    if (!bucket.is_object()) return ctx.bad(line, 1, where + " is not an object");
    std::int64_t start = 0, end = 0;
    if (!bucket_span(bucket, shape.start_key, shape.end_key, start, end))
      return ctx.bad(line, 1, fmt::format("{}: no {}/{} (expected {}, end after start)", where, shape.start_key,
                                          shape.end_key, shape.span_expected));
    auto results = bucket.find("results");
    if (results == bucket.end() || !results->is_array()) return ctx.bad(line, 1, where + ": no 'results' list");
    std::size_t k = 0;
    for (const auto& r : *results) {
      ++k;
      const std::string at = fmt::format("{} result {}", where, k);
      if (!r.is_object()) {
        ctx.bad(line, 1, at + " is not an object");
        continue;
      }
      std::string key;  // outlives the record, which holds a view of it
      if (ctx.opt->by_tag) {
        key = tag_from(r, shape.tag_keys);
      } else {
        auto m = r.find("model");
        if (m == r.end() || !m->is_string()) {
          ctx.bad(line, 1, fmt::format("{}: no model (expected a report grouped by model: {})", at, shape.group_by));
          continue;
        }
        key = m->get<std::string>();
      }
      usage::UsageRecord rec;
      rec.key = key;
      rec.start_s = start;
      rec.duration_s = end - start;
      if (fn(r, at, line, rec)) ctx.add(rec, line, 1);
    }
  });
}

}  // namespace

void read_openai_usage(FileContext& ctx) {
  const ReportShape shape{"start_time", "end_time", "Unix seconds", {"project_id", "api_key_id", "user_id"},
                          "group_by=model"};
  for_each_result(ctx, shape, [&](const nlohmann::json& r, const std::string& at, int line, usage::UsageRecord& rec) {
    auto in = json_count(r, "input_tokens");
    auto out = json_count(r, "output_tokens");
    auto cached = json_count(r, "input_cached_tokens");
    auto n = json_count(r, "num_model_requests");
    if (!in || !out || !cached || !n) {
      ctx.bad(line, 1, at + ": a token or request count is not a non-negative number");
      return false;
    }
    rec.input_tokens = *in;
    rec.output_tokens = *out;
    rec.cached_tokens = *cached;
    rec.requests = *n;
    auto b = r.find("batch");
    rec.batch = b != r.end() && b->is_boolean() && b->get<bool>();
    return true;
  });
}

void read_anthropic_usage(FileContext& ctx) {
  const ReportShape shape{"starting_at", "ending_at", "RFC 3339 times", {"workspace_id", "api_key_id"},
                          "group_by[]=model"};
  for_each_result(ctx, shape, [&](const nlohmann::json& r, const std::string& at, int line, usage::UsageRecord& rec) {
    auto uncached = json_count(r, "uncached_input_tokens");
    auto read = json_count(r, "cache_read_input_tokens");
    auto out = json_count(r, "output_tokens");
    std::optional<double> w5 = 0.0, w1h = 0.0;
    if (auto cc = r.find("cache_creation"); cc != r.end() && cc->is_object()) {
      w5 = json_count(*cc, "ephemeral_5m_input_tokens");
      w1h = json_count(*cc, "ephemeral_1h_input_tokens");
    }
    if (!uncached || !read || !out || !w5 || !w1h) {
      ctx.bad(line, 1, at + ": a token count is not a non-negative number");
      return false;
    }
    // Input is every input token: uncached, written to the cache and read from it.
    rec.input_tokens = *uncached + *w5 + *w1h + *read;
    rec.output_tokens = *out;
    rec.cached_tokens = *read;
    rec.cache_write_tokens = *w5 + *w1h;
    rec.cache_write_1h_tokens = *w1h;  // billed at the 1-hour write price
    rec.requests = std::nullopt;  // the report does not count requests
    auto tier = r.find("service_tier");
    rec.batch = tier != r.end() && tier->is_string() && tier->get_ref<const std::string&>() == "batch";
    return true;
  });
}

}  // namespace plan::io::detail
