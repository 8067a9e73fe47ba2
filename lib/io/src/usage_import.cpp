// Usage import: format detection, the buffered reader, the bad-row policy, and dispatch to
// the format readers (usage_rows.cpp, usage_api.cpp, usage_vllm.cpp, usage_litellm_db.cpp).
#include "plan/io/usage_import.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <future>
#include <sys/stat.h>

#include "plan/core/base/error.hpp"
#include "plan/io/files.hpp"
#include "json_text.hpp"
#include "profile_limits.hpp"
#include "usage_formats.hpp"

namespace plan::io {
namespace {

constexpr std::size_t chunk_bytes = 1 << 20;
// A record longer than this is not a usage row (a CSV with an unbalanced quote, a binary file).
constexpr std::size_t max_record_bytes = 64u << 20;
constexpr std::size_t max_bad_kept = 5;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

const char* to_string(UsageSource s) {
  switch (s) {
    case UsageSource::automatic: return "auto";
    case UsageSource::requests: return "requests";
    case UsageSource::buckets: return "buckets";
    case UsageSource::openai_usage: return "openai-usage";
    case UsageSource::anthropic_usage: return "anthropic-usage";
    case UsageSource::litellm_spend: return "litellm-spend";
    case UsageSource::litellm_db: return "litellm-db";
    case UsageSource::vllm_metrics: return "vllm-metrics";
  }
  return "?";
}

std::optional<UsageSource> parse_usage_source(std::string_view s) {
  for (auto v : {UsageSource::automatic, UsageSource::requests, UsageSource::buckets, UsageSource::openai_usage,
                 UsageSource::anthropic_usage, UsageSource::litellm_spend, UsageSource::litellm_db,
                 UsageSource::vllm_metrics})
    if (s == to_string(v)) return v;
  return std::nullopt;
}

std::optional<std::int64_t> parse_timestamp(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '"')) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  if (s.size() < 10 || s[4] != '-') {
    // Seconds (or milliseconds) since 1970.
    if (s.size() <= 13 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      std::int64_t n = 0;
      for (char c : s) n = n * 10 + (c - '0');
      return n >= 100000000000 ? n / 1000 : n;
    }
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v) || v < 0) return std::nullopt;
    if (v >= 1e11) v /= 1000;
    if (v >= 4e11) return std::nullopt;
    return static_cast<std::int64_t>(std::floor(v));
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s[7] != '-' || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d)) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  std::size_t i = 10;
  std::int64_t offset = 0;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != ' ') return std::nullopt;
    if (!digits(s, i + 1, 2, h) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2, mi)) return std::nullopt;
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!digits(s, i + 1, 2, sec)) return std::nullopt;
      i += 3;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    if (i < s.size()) {
      std::string_view z = s.substr(i);
      if (z == "Z" || z == "z" || z == " UTC" || z == "UTC") {
      } else if (z[0] == '+' || z[0] == '-') {
        auto off = usage::parse_utc_offset(z);
        if (!off) return std::nullopt;
        offset = *off;
      } else {
        return std::nullopt;
      }
    }
  }
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + sec -
         offset;
}

std::optional<UsageSource> detect_usage_source(std::string_view head) {
  if (head.size() >= 3 && head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  std::size_t i = head.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return std::nullopt;
  head.remove_prefix(i);
  if (head[0] == '#' || head.substr(0, 5) == "vllm:") {
    if (contains(head, "vllm:")) return UsageSource::vllm_metrics;
    return std::nullopt;
  }
  if (head[0] == '{' || head[0] == '[') {
    if (contains(head, "\"starting_at\"")) return UsageSource::anthropic_usage;
    if (contains(head, "\"num_model_requests\"") || contains(head, "organization.usage.completions"))
      return UsageSource::openai_usage;
    if (contains(head, "\"request_id\"") && contains(head, "\"spend\"")) return UsageSource::litellm_spend;
    std::string first = lower(head.substr(0, head.find('\n')));
    for (const char* k : {"\"requests\"", "\"num_requests\"", "\"request_count\""})
      if (contains(first, k)) return UsageSource::buckets;
    return UsageSource::requests;
  }
  std::string header = lower(head.substr(0, head.find('\n')));
  if (!contains(header, ",")) return std::nullopt;
  auto has_col = [&](std::string_view c) {
    std::size_t p = 0;
    while ((p = header.find(c, p)) != std::string::npos) {
      const bool start = p == 0 || header[p - 1] == ',' || header[p - 1] == '"';
      const std::size_t e = p + c.size();
      const bool stop = e >= header.size() || header[e] == ',' || header[e] == '"' || header[e] == '\r';
      if (start && stop) return true;
      p = e;
    }
    return false;
  };
  if (has_col("request_id") && has_col("spend")) return UsageSource::litellm_spend;
  for (const char* c : {"requests", "num_requests", "num_model_requests", "request_count"})
    if (has_col(c)) return UsageSource::buckets;
  return UsageSource::requests;
}

namespace detail {

// ---- FileChunks ----

FileChunks::FileChunks(const std::string& path, const UsageImportOptions* opt) : path_(path), opt_(opt) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw Error(SourceLoc{path, 0, 0}, fmt::format("cannot read file: {}", std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) throw Error(SourceLoc{path, 0, 0}, "is a directory (expected a usage file)");
  f_ = std::fopen(path.c_str(), "rb");
  if (!f_) throw Error(SourceLoc{path, 0, 0}, fmt::format("cannot read file: {}", std::strerror(errno)));
  size_ = static_cast<std::uint64_t>(st.st_size);
  buf_.resize(chunk_bytes);
}

FileChunks::~FileChunks() {
  if (f_) std::fclose(f_);
}

void FileChunks::report_progress() {
  if (opt_ && opt_->progress && read_ - last_progress_ >= (64u << 20)) {
    last_progress_ = read_;
    opt_->progress(path_, read_, size_);
  }
}

bool FileChunks::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ == buf_.size()) {
    if (buf_.size() >= max_record_bytes)
      throw Error(SourceLoc{path_, next_line_, 1},
                  fmt::format("a record longer than {} MiB (expected one usage row per line; an unbalanced quote?)",
                              max_record_bytes >> 20));
    buf_.resize(buf_.size() * 2);
  }
  const std::size_t n = std::fread(buf_.data() + end_, 1, buf_.size() - end_, f_);
  if (n == 0) {
    if (std::ferror(f_)) throw Error(SourceLoc{path_, next_line_, 1}, "read error");
    eof_ = true;
    return false;
  }
  end_ += n;
  read_ += n;
  report_progress();
  return true;
}

bool FileChunks::next_line(std::string_view& out) {
  for (;;) {
    const char* start = buf_.data() + pos_;
    const void* nl = std::memchr(start, '\n', end_ - pos_);
    if (nl || (eof_ && pos_ < end_)) {
      const char* stop = nl ? static_cast<const char*>(nl) : buf_.data() + end_;
      std::size_t len = static_cast<std::size_t>(stop - start);
      pos_ += len + (nl ? 1 : 0);
      if (len > 0 && start[len - 1] == '\r') --len;
      out = std::string_view(start, len);
      line_ = next_line_++;
      return true;
    }
    if (!fill() && pos_ >= end_) return false;
  }
}

bool FileChunks::next_record(std::vector<std::string_view>& fields, std::vector<int>& cols) {
  fields.clear();
  cols.clear();
  // Find the record's end: the first newline outside quotes.
  std::size_t stop = 0;
  int newlines = 0;
  for (;;) {
    const char* start = buf_.data() + pos_;
    const std::size_t avail = end_ - pos_;
    const void* nl = std::memchr(start, '\n', avail);
    const std::size_t line_len = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : avail;
    if (nl && !std::memchr(start, '"', line_len)) {
      stop = line_len;
      newlines = 0;
      break;
    }
    // Quotes (or no newline yet): scan with the quote state.
    bool quoted = false, found = false;
    newlines = 0;
    for (std::size_t i = 0; i < avail; ++i) {
      const char c = start[i];
      if (c == '"') quoted = !quoted;
      else if (c == '\n') {
        if (!quoted) {
          stop = i;
          found = true;
          break;
        }
        ++newlines;
      }
    }
    if (found) break;
    if (!fill()) {
      if (pos_ >= end_) return false;
      if (quoted) throw Error(SourceLoc{path_, next_line_, 1}, "unterminated quoted field (expected a closing '\"')");
      stop = end_ - pos_;
      break;
    }
  }
  char* rec = buf_.data() + pos_;
  const bool had_newline = pos_ + stop < end_;
  pos_ += stop + (had_newline ? 1 : 0);
  std::size_t len = stop;
  if (len > 0 && rec[len - 1] == '\r') --len;
  line_ = next_line_;
  next_line_ += 1 + newlines;
  // Split.
  std::size_t i = 0;
  for (;;) {
    cols.push_back(static_cast<int>(i) + 1);
    if (i < len && rec[i] == '"') {
      std::size_t r = i + 1, w = i;
      const std::size_t begin = w;
      while (r < len) {
        if (rec[r] == '"') {
          if (r + 1 < len && rec[r + 1] == '"') {
            rec[w++] = '"';
            r += 2;
            continue;
          }
          ++r;
          break;
        }
        rec[w++] = rec[r++];
      }
      fields.emplace_back(rec + begin, w - begin);
      while (r < len && rec[r] != ',') ++r;  // text after the closing quote is ignored
      if (r >= len) break;
      i = r + 1;
    } else {
      const void* comma = std::memchr(rec + i, ',', len - i);
      const std::size_t e = comma ? static_cast<std::size_t>(static_cast<const char*>(comma) - rec) : len;
      fields.emplace_back(rec + i, e - i);
      if (!comma) break;
      i = e + 1;
    }
  }
  return true;
}

// ---- FileContext ----

void FileContext::bad(int line, int col, std::string message) {
  ++report->bad;
  ++report->rows;
  if (report->first_bad.size() < max_bad_kept) report->first_bad.push_back(BadRow{line, col, std::move(message)});
}

std::optional<std::string> beyond_profile_limits(const usage::UsageRecord& r) {
  const double requests = r.requests.value_or(0);
  const double per_day = r.duration_s > 86400 ? static_cast<double>(r.duration_s) / 86400 : 1;
  if (r.requests) {
    if (requests / per_day > profile_limits::max_requests_per_day)
      return fmt::format("{:.3g} requests in one row (expected at most {:.0e} a day, as a profile takes)", requests,
                         profile_limits::max_requests_per_day);
    const double n = std::max(requests, 1.0);
    for (auto [name, v] : {std::pair{"input_tokens", r.input_tokens}, std::pair{"output_tokens", r.output_tokens}})
      if (v / n > profile_limits::max_tokens_per_request)
        return fmt::format("{} {:.3g}{} (expected at most {:.0e} per request, as a profile takes)", name, v,
                           n > 1 ? fmt::format(" over {:.3g} requests", n) : std::string(),
                           profile_limits::max_tokens_per_request);
  }
  if ((r.input_tokens + r.output_tokens) / per_day > profile_limits::max_tokens_per_day)
    return fmt::format("{:.3g} tokens in one row (expected at most {:.0e} a day, as a profile takes)",
                       r.input_tokens + r.output_tokens, profile_limits::max_tokens_per_day);
  return std::nullopt;
}

void FileContext::add(const usage::UsageRecord& r, int line, int col) {
  if (auto why = beyond_profile_limits(r)) {
    bad(line, col, std::move(*why));
    return;
  }
  if (!agg->add(r)) {
    bad(line, col, "timestamp more than ten years from the other rows of its model (expected one usage period)");
    return;
  }
  ++report->rows;
}

// ---- numbers ----

std::optional<double> parse_count(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  // Fast path: plain digits.
  if (s.size() <= 15) {
    std::uint64_t v = 0;
    bool plain = true;
    for (char c : s) {
      if (c < '0' || c > '9') { plain = false; break; }
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (plain) return static_cast<double>(v);
  }
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

std::optional<bool> parse_flag(std::string_view s) {
  if (s.empty()) return false;
  std::string l = lower(s);
  if (l == "true" || l == "1" || l == "yes" || l == "t") return true;
  if (l == "false" || l == "0" || l == "no" || l == "f") return false;
  return std::nullopt;
}

// ---- JSON ----

std::vector<std::pair<int, nlohmann::json>> read_json_documents(const std::string& path) {
  // Usage reports are paginated (a page holds at most a few hundred buckets); a file beyond
  // this is not one.
  constexpr std::uint64_t max_json_bytes = 512ull << 20;
  FileChunks probe(path);
  if (probe.size() > max_json_bytes)
    throw Error(SourceLoc{path, 0, 0}, fmt::format("JSON document larger than {} MiB (expected usage report pages; "
                                                   "split it into one page per line)", max_json_bytes >> 20));
  std::string text;
  {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw Error(SourceLoc{path, 0, 0}, fmt::format("cannot read file: {}", std::strerror(errno)));
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  std::vector<std::pair<int, nlohmann::json>> docs;
  auto whole = nlohmann::json::parse(text, nullptr, false);
  if (!whole.is_discarded()) {
    docs.emplace_back(1, std::move(whole));
    return docs;
  }
  // JSONL: one document per line.
  std::size_t start = 0;
  int line = 1;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string_view l(text.data() + start, nl - start);
    if (l.find_first_not_of(" \t\r") != std::string_view::npos) {
      try {
        docs.emplace_back(line, nlohmann::json::parse(l));
      } catch (const nlohmann::json::parse_error& e) {
        SourceLoc loc{path, line, static_cast<int>(std::min<std::size_t>(e.byte, l.size() + 1))};
        if (line == 1 && docs.empty()) loc = loc_at_byte(path, text, e.byte > 0 ? e.byte - 1 : 0);
        std::string what = e.what();
        if (auto p = what.find("syntax error"); p != std::string::npos) what = what.substr(p);
        throw Error(loc, fmt::format("malformed JSON: {}", what));
      } catch (const nlohmann::json::exception& e) {
        // A number out of double's range (2e1601) is out_of_range.406, not a parse error.
        throw Error(SourceLoc{path, line, 1}, fmt::format("malformed JSON: {}", e.what()));
      }
    }
    start = nl + 1;
    ++line;
  }
  return docs;
}

std::optional<std::int64_t> json_time(const nlohmann::json& v) {
  if (v.is_number()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < 0) return std::nullopt;
    return parse_timestamp(fmt::format("{}", d));
  }
  if (v.is_string()) return parse_timestamp(v.get_ref<const std::string&>());
  return std::nullopt;
}

std::optional<double> json_count(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return 0.0;
  if (it->is_number()) {
    const double d = it->get<double>();
    if (!std::isfinite(d) || d < 0) return std::nullopt;
    return d;
  }
  if (it->is_string()) return parse_count(it->get_ref<const std::string&>());
  return std::nullopt;
}

}  // namespace detail

std::vector<UsageFileReport> import_usage(const std::vector<std::string>& files, const UsageImportOptions& opt,
                                          usage::Aggregator& agg) {
  if (files.empty()) throw Error("no usage files given", ExitCode::usage_error);
  std::vector<UsageFileReport> reports(files.size());
  std::optional<UsageSource> common;
  std::string common_file;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto& rep = reports[i];
    rep.path = files[i];
    // A database is named without its password from here on, in every message.
    if (is_database_uri(files[i])) {
      rep.path = redact_connection_string(files[i]);
      if (opt.source != UsageSource::automatic && opt.source != UsageSource::litellm_db)
        throw Error(SourceLoc{rep.path, 0, 0},
                    fmt::format("a database connection string, not a file (--source {} reads files; --source "
                                "litellm-db reads a LiteLLM proxy's database)", to_string(opt.source)),
                    ExitCode::usage_error);
      if (!opt.columns.empty())
        throw Error(fmt::format("--column does not apply to a database ({} is read by LiteLLM's column names)", rep.path),
                    ExitCode::usage_error);
      if (common && *common != UsageSource::litellm_db)
        throw Error(SourceLoc{rep.path, 0, 0},
                    fmt::format("this is litellm-db but {} is {} (expected sources of one format; import them separately)",
                                common_file, to_string(*common)));
      common = rep.source = UsageSource::litellm_db;
      common_file = rep.path;
      continue;
    }
    if (opt.source == UsageSource::litellm_db)
      throw Error(SourceLoc{files[i], 0, 0},
                  "not a PostgreSQL connection string (--source litellm-db expects postgresql://USER@HOST/DB or "
                  "'host=HOST dbname=DB')", ExitCode::usage_error);
    std::string head;
    {
      detail::FileChunks f(files[i]);
      std::FILE* fp = std::fopen(files[i].c_str(), "rb");
      if (fp) {
        char buf[65536];
        head.assign(buf, std::fread(buf, 1, sizeof buf, fp));
        std::fclose(fp);
      }
      if (head.find_first_not_of(" \t\r\n") == std::string::npos)
        throw Error(SourceLoc{files[i], 0, 0}, "file is empty (expected usage rows, a usage report or metrics scrapes)");
    }
    UsageSource src = opt.source;
    if (src == UsageSource::automatic) {
      auto d = detect_usage_source(head);
      if (!d)
        throw Error(SourceLoc{files[i], 1, 1},
                    "cannot tell the format (expected a CSV header, JSON or Prometheus text; give --source)");
      src = *d;
      // A request log of a kind auto-detection names differently is still one format.
      if (common && *common != src) {
        throw Error(SourceLoc{files[i], 1, 1},
                    fmt::format("this file is {} but {} is {} (expected files of one format; import them separately)",
                                to_string(src), common_file, to_string(*common)));
      }
    }
    common = src;
    common_file = files[i];
    rep.source = src;
  }
  // Each file's sha256 is computed on another thread while the files are parsed (a
  // database has none).
  std::vector<std::future<std::string>> hashes;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (reports[i].source == UsageSource::litellm_db) hashes.emplace_back();
    else hashes.push_back(std::async(std::launch::async, [f = files[i]] { return sha256_file(f); }));
  }
  struct Join {  // an error while parsing still waits for the hashing threads
    std::vector<std::future<std::string>>& h;
    ~Join() {
      for (auto& x : h)
        if (x.valid()) x.wait();
    }
  } join{hashes};

  std::vector<detail::FileContext> ctxs;
  for (std::size_t i = 0; i < files.size(); ++i) ctxs.push_back(detail::FileContext{reports[i].path, &reports[i], &agg, &opt});
  if (*common == UsageSource::vllm_metrics) {
    detail::read_vllm_metrics(ctxs);
  } else {
    for (std::size_t i = 0; i < ctxs.size(); ++i) {
      auto& c = ctxs[i];
      switch (*common) {
        case UsageSource::openai_usage: detail::read_openai_usage(c); break;
        case UsageSource::anthropic_usage: detail::read_anthropic_usage(c); break;
        case UsageSource::litellm_db: detail::read_litellm_db(c, files[i]); break;
        default: detail::read_rows(c, *common); break;
      }
    }
  }
  for (std::size_t i = 0; i < reports.size(); ++i)
    if (hashes[i].valid()) reports[i].sha256 = hashes[i].get();
  for (const auto& rep : reports) {
    const std::uint64_t good = rep.rows - rep.bad;
    if (rep.bad > 0 && (good == 0 || (static_cast<double>(rep.bad) > max_bad_share * static_cast<double>(rep.rows) &&
                                      !opt.skip_bad))) {
      const BadRow& b = rep.first_bad.front();
      std::string why = good == 0 ? fmt::format("{} (every one of {} rows is malformed)", b.message, rep.rows)
                                  : fmt::format("{} ({} of {} rows malformed, more than 1%; --skip-bad imports the rest)",
                                                b.message, rep.bad, rep.rows);
      throw Error(SourceLoc{rep.path, b.line, b.col}, why);
    }
    if (rep.rows == 0 && rep.source != UsageSource::vllm_metrics)
      throw Error(SourceLoc{rep.path, 0, 0}, "no usage rows (expected at least one row after the header)");
  }
  return reports;
}

}  // namespace plan::io
