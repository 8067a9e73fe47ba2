// Row formats: request logs (one row per request), hourly buckets (a request count per row)
// and LiteLLM spend logs (its SpendLogs columns), as CSV, JSONL or a JSON array of objects.
// Columns are found by their common names or mapped with --column FIELD=COLUMN.
#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>
#include <unordered_map>

#include "plan/core/base/error.hpp"
#include "usage_formats.hpp"

namespace plan::io::detail {
namespace {

enum Field { f_timestamp, f_end_time, f_model, f_tag, f_input, f_output, f_cached, f_cache_write, f_batch, f_requests, f_spend, f_count };

struct FieldInfo {
  const char* name;  // as given to --column
  std::vector<const char*> aliases;  // lowercase column names, preferred first
};

const std::array<FieldInfo, f_count>& fields() {
  static const std::array<FieldInfo, f_count> f{{
      {"timestamp", {"timestamp", "created", "created_at", "start_time", "starttime", "time", "start", "hour", "bucket", "date"}},
      {"end_time", {"end_time", "endtime", "end"}},
      {"model", {"model", "model_name"}},
      {"tag", {"tag", "tags", "request_tags", "metadata"}},
      {"input_tokens", {"input_tokens", "prompt_tokens"}},
      {"output_tokens", {"output_tokens", "completion_tokens"}},
      {"cached_tokens", {"cached_tokens", "input_cached_tokens", "cache_read_input_tokens"}},
      {"cache_write_tokens", {"cache_write_tokens", "cache_creation_input_tokens"}},
      {"batch", {"batch", "is_batch"}},
      {"requests", {"requests", "num_requests", "num_model_requests", "request_count"}},
      {"spend", {"spend", "cost", "cost_usd"}},
  }};
  return f;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Which column (by lowercase name) holds each field: --column first, then the aliases.
// `names` are the file's column names, lowercase. -1: absent.
std::array<int, f_count> map_columns(const FileContext& ctx, const std::vector<std::string>& names, int header_line) {
  std::array<int, f_count> idx;
  idx.fill(-1);
  auto find = [&](std::string_view n) {
    auto it = std::find(names.begin(), names.end(), lower(n));
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
  };
  auto found_list = [&] {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
  };
  for (const auto& [field, column] : ctx.opt->columns) {
    auto it = std::find_if(fields().begin(), fields().end(), [&, &f = field](const FieldInfo& fi) { return f == fi.name; });
    if (it == fields().end()) {
      std::string known;
      for (const auto& fi : fields()) known += (known.empty() ? "" : ", ") + std::string(fi.name);
      throw Error(fmt::format("--column {}={}: unknown field '{}' (expected one of {})", field, column, field, known),
                  ExitCode::usage_error);
    }
    const int c = find(column);
    if (c < 0)
      throw Error(SourceLoc{ctx.path, header_line, 1},
                  fmt::format("no column '{}' (given with --column {}={}; found: {})", column, field, column, found_list()));
    idx[static_cast<std::size_t>(it - fields().begin())] = c;
  }
  for (std::size_t f = 0; f < f_count; ++f) {
    if (idx[f] >= 0) continue;
    for (const char* a : fields()[f].aliases) {
      if ((idx[f] = find(a)) >= 0) break;
    }
  }
  return idx;
}

void require(const FileContext& ctx, const std::array<int, f_count>& idx, Field f, const std::vector<std::string>& names,
             int line) {
  if (idx[f] >= 0) return;
  std::string aliases, found;
  for (const char* a : fields()[f].aliases) aliases += (aliases.empty() ? "" : ", ") + std::string(a);
  for (const auto& n : names) found += (found.empty() ? "" : ", ") + n;
  throw Error(SourceLoc{ctx.path, line, 1},
              fmt::format("no {} column (expected one of {}, or --column {}=NAME; found: {})", fields()[f].name, aliases,
                          fields()[f].name, found.empty() ? "none" : found));
}

// The first tag of a tag column: a plain string, a JSON array's first string, or a JSON
// object's "tag" (or first of "tags"/"request_tags"). Empty: "untagged".
std::string tag_of(std::string_view v) {
  auto first = v.find_first_not_of(' ');
  if (first != std::string_view::npos && (v[first] == '[' || v[first] == '{')) {
    auto j = nlohmann::json::parse(v, nullptr, false);
    if (!j.is_discarded()) {
      const nlohmann::json* arr = &j;
      if (j.is_object()) {
        if (auto t = j.find("tag"); t != j.end() && t->is_string()) return t->get<std::string>();
        arr = nullptr;
        for (const char* k : {"tags", "request_tags"})
          if (auto t = j.find(k); t != j.end() && t->is_array()) { arr = &*t; break; }
      }
      if (arr && arr->is_array() && !arr->empty() && arr->front().is_string()) return arr->front().get<std::string>();
      return "untagged";
    }
  }
  return v.empty() ? "untagged" : std::string(v);
}

// LiteLLM keeps cached prompt tokens inside its metadata JSON
// (usage_object.prompt_tokens_details.cached_tokens); found without parsing the JSON.
double litellm_cached_tokens(std::string_view metadata) {
  auto p = metadata.find("\"cached_tokens\"");
  if (p == std::string_view::npos) return 0;
  p = metadata.find(':', p);
  if (p == std::string_view::npos) return 0;
  ++p;
  while (p < metadata.size() && metadata[p] == ' ') ++p;
  std::size_t e = p;
  while (e < metadata.size() && (std::isdigit(static_cast<unsigned char>(metadata[e])) || metadata[e] == '.')) ++e;
  return parse_count(metadata.substr(p, e - p)).value_or(0);
}

class RowReader {
 public:
  RowReader(FileContext& ctx, UsageSource source) : ctx_(ctx), source_(source) {}

  void set_columns(const std::vector<std::string>& names, int line) {
    idx_ = map_columns(ctx_, names, line);
    require(ctx_, idx_, f_timestamp, names, line);
    require(ctx_, idx_, ctx_.opt->by_tag ? f_tag : f_model, names, line);
    require(ctx_, idx_, f_input, names, line);
    require(ctx_, idx_, f_output, names, line);
    if (source_ == UsageSource::buckets) require(ctx_, idx_, f_requests, names, line);
    metadata_ = -1;
    if (source_ == UsageSource::litellm_spend && idx_[f_cached] < 0) {
      auto it = std::find(names.begin(), names.end(), "metadata");
      if (it != names.end()) metadata_ = static_cast<int>(it - names.begin());
    }
  }
  const std::array<int, f_count>& columns() const { return idx_; }
  int metadata_column() const { return metadata_; }

  // One row: `value(i)` is column i's text, `col(i)` its column in the line.
  template <class Value, class Col>
  void row(int line, const Value& value, const Col& col, std::size_t n_columns) {
    auto get = [&](Field f) -> std::string_view {
      const int i = idx_[f];
      return i >= 0 && static_cast<std::size_t>(i) < n_columns ? value(static_cast<std::size_t>(i)) : std::string_view{};
    };
    auto at = [&](Field f) { return idx_[f] >= 0 ? col(static_cast<std::size_t>(idx_[f])) : 1; };
    if (static_cast<std::size_t>(std::max({idx_[f_timestamp], idx_[f_input], idx_[f_output]})) >= n_columns) {
      ctx_.bad(line, 1, fmt::format("row has {} fields (expected at least {})", n_columns,
                                    std::max({idx_[f_timestamp], idx_[f_input], idx_[f_output]}) + 1));
      return;
    }
    usage::UsageRecord r;
    auto ts = parse_timestamp(get(f_timestamp));
    if (!ts) return ctx_.bad(line, at(f_timestamp), fmt::format("timestamp '{}' is not a time (expected ISO 8601 or "
                                                                "seconds since 1970)", clip(get(f_timestamp))));
    r.start_s = *ts;
    if (ctx_.opt->by_tag) {
      tag_ = tag_of(get(f_tag));
      r.key = tag_;
    } else {
      r.key = get(f_model);
      if (r.key.empty()) return ctx_.bad(line, at(f_model), "empty model (expected the model's name)");
    }
    auto count = [&](Field f, double& out, bool required) {
      std::string_view v = get(f);
      if (v.empty() && !required) return true;
      auto c = parse_count(v);
      if (!c) {
        ctx_.bad(line, at(f), fmt::format("{} '{}' is not a count (expected a non-negative number)", fields()[f].name, clip(v)));
        return false;
      }
      out = *c;
      return true;
    };
    if (!count(f_input, r.input_tokens, true) || !count(f_output, r.output_tokens, true) ||
        !count(f_cached, r.cached_tokens, false) || !count(f_cache_write, r.cache_write_tokens, false))
      return;
    if (idx_[f_spend] >= 0 && !get(f_spend).empty()) {
      double usd = 0;
      if (!count(f_spend, usd, false)) return;
      r.billed_usd = usd;
    }
    if (metadata_ >= 0 && static_cast<std::size_t>(metadata_) < n_columns)
      r.cached_tokens = litellm_cached_tokens(value(static_cast<std::size_t>(metadata_)));
    if (idx_[f_batch] >= 0) {
      auto b = parse_flag(get(f_batch));
      if (!b) return ctx_.bad(line, at(f_batch), fmt::format("batch '{}' is not true or false", clip(get(f_batch))));
      r.batch = *b;
    }
    if (source_ == UsageSource::buckets) {
      double n = 0;
      if (!count(f_requests, n, true)) return;
      r.requests = n;
      r.duration_s = 3600;
      if (idx_[f_end_time] >= 0 && !get(f_end_time).empty()) {
        auto end = parse_timestamp(get(f_end_time));
        if (!end || *end < *ts)
          return ctx_.bad(line, at(f_end_time), fmt::format("end time '{}' is not a time after the start", clip(get(f_end_time))));
        r.duration_s = *end - *ts;
      }
    }
    ctx_.add(r, line, 1);
  }

 private:
  static std::string clip(std::string_view v) {
    return v.size() > 40 ? std::string(v.substr(0, 40)) + "..." : std::string(v);
  }
  FileContext& ctx_;
  UsageSource source_;
  std::array<int, f_count> idx_{};
  int metadata_ = -1;
  std::string tag_;
};

std::string json_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// An OpenAI response logged whole: its `usage` object's counts read as the row's own columns
// (Responses: input_tokens, output_tokens, input_tokens_details.cached_tokens; Chat
// Completions: prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens). The
// output count already includes the reasoning tokens (output_tokens_details.reasoning_tokens
// is a breakdown of it), so reasoning is billed as output and never added twice.
const nlohmann::json& with_usage_fields(const nlohmann::json& obj, nlohmann::json& scratch) {
  auto u = obj.find("usage");
  if (u == obj.end() || !u->is_object()) return obj;
  scratch = obj;
  for (const auto& [k, v] : u->items()) {
    if (v.is_number() && !scratch.contains(k)) scratch[k] = v;
    if ((k == "input_tokens_details" || k == "prompt_tokens_details") && v.is_object())
      if (auto c = v.find("cached_tokens"); c != v.end() && !scratch.contains("cached_tokens")) scratch["cached_tokens"] = *c;
  }
  return scratch;
}

// JSON objects (JSONL lines or array elements) as rows: the keys are the columns.
struct JsonColumns {
  std::vector<std::string> names;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::string> values;
  bool mapped = false;
  std::size_t element = 0;
};

void read_json_rows(FileContext& ctx, RowReader& reader, JsonColumns& jc,
                    const std::vector<std::pair<int, const nlohmann::json*>>& rows) {
  auto& names = jc.names;
  auto& index = jc.index;
  auto& values = jc.values;
  auto& mapped = jc.mapped;
  auto& element = jc.element;
  nlohmann::json scratch;
  for (const auto& [line, given] : rows) {
    const nlohmann::json* obj = given->is_object() ? &with_usage_fields(*given, scratch) : given;
    ++element;
    if (!obj->is_object()) {
      ctx.bad(line, 1, line == 0 ? fmt::format("element {} is not an object (expected one usage row)", element)
                                 : "line is not a JSON object (expected one usage row)");
      continue;
    }
    // The first object names the columns; later objects may add keys, which are ignored.
    if (!mapped) {
      for (const auto& [k, v] : obj->items()) {
        index.emplace(lower(k), names.size());
        names.push_back(lower(k));
      }
      reader.set_columns(names, line == 0 ? 1 : line);
      mapped = true;
    }
    values.assign(names.size(), std::string());
    for (const auto& [k, v] : obj->items()) {
      auto it = index.find(lower(k));
      if (it != index.end()) values[it->second] = json_text(v);
    }
    reader.row(line, [&](std::size_t i) { return std::string_view(values[i]); }, [](std::size_t) { return 1; },
               names.size());
  }
}

}  // namespace

struct TextRowReader::Impl {
  RowReader reader;
};

TextRowReader::TextRowReader(FileContext& ctx, UsageSource source) : impl_(new Impl{RowReader(ctx, source)}) {}
TextRowReader::~TextRowReader() = default;

void TextRowReader::set_columns(const std::vector<std::string>& names, int line) { impl_->reader.set_columns(names, line); }

void TextRowReader::row(int line, const std::vector<std::string_view>& values) {
  impl_->reader.row(line, [&](std::size_t i) { return values[i]; },
                    [](std::size_t i) { return static_cast<int>(i) + 1; }, values.size());
}

void read_rows(FileContext& ctx, UsageSource source) {
  RowReader reader(ctx, source);
  // JSON: an array of objects (LiteLLM's /spend/logs) or one object per line.
  FileChunks chunks(ctx.path, ctx.opt);
  std::string_view first;
  while (chunks.next_line(first) && first.find_first_not_of(" \t\xEF\xBB\xBF") == std::string_view::npos) {
  }
  const auto lead = first.find_first_not_of(" \t\xEF\xBB\xBF");
  if (lead != std::string_view::npos && (first[lead] == '[' || first[lead] == '{')) {
    if (first[lead] == '{') {
      // JSONL, streamed line by line.
      FileChunks lines(ctx.path, ctx.opt);
      std::string_view l;
      std::vector<std::pair<int, const nlohmann::json*>> one(1);
      nlohmann::json doc;
      JsonColumns jc;
      while (lines.next_line(l)) {
        if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        doc = nlohmann::json::parse(l, nullptr, false);
        if (doc.is_discarded()) {
          ctx.bad(lines.line(), 1, "line is not valid JSON (expected one usage row as a JSON object)");
          continue;
        }
        one[0] = {lines.line(), &doc};
        read_json_rows(ctx, reader, jc, one);
      }
      return;
    }
    auto docs = read_json_documents(ctx.path);
    std::vector<std::pair<int, const nlohmann::json*>> rows;
    for (const auto& [line, d] : docs) {
      if (d.is_array()) for (const auto& e : d) rows.emplace_back(0, &e);
      else rows.emplace_back(line, &d);
    }
    JsonColumns jc;
    read_json_rows(ctx, reader, jc, rows);
    return;
  }
  // CSV: the first record is the header.
  FileChunks csv(ctx.path, ctx.opt);
  std::vector<std::string_view> f;
  std::vector<int> cols;
  if (!csv.next_record(f, cols)) return;
  std::vector<std::string> names;
  for (auto n : f) {
    std::string l = lower(n);
    if (names.empty() && l.size() >= 3 && l.compare(0, 3, "\xEF\xBB\xBF") == 0) l.erase(0, 3);
    while (!l.empty() && l.back() == ' ') l.pop_back();
    while (!l.empty() && l.front() == ' ') l.erase(0, 1);
    names.push_back(l);
  }
  reader.set_columns(names, csv.line());
  while (csv.next_record(f, cols)) {
    if (f.size() == 1 && f[0].empty()) continue;  // blank line
    reader.row(csv.line(), [&](std::size_t i) { return f[i]; }, [&](std::size_t i) { return cols[i]; }, f.size());
  }
}

}  // namespace plan::io::detail
