// vLLM's Prometheus metrics: two or more saved scrapes of /metrics. Between consecutive
// scrapes, the counters' increases give requests and tokens (one bucket record per model and
// interval); the request-length histograms' increases give the length distributions.
//
// A counter lower than in the previous scrape means the server restarted in between: the
// later value is taken as the increase since the restart (Prometheus's rate() rule), so what
// was served between the earlier scrape and the restart is not counted. Each such interval
// is named in the file report's notes.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <sys/stat.h>

#include "plan/core/base/error.hpp"
#include "usage_formats.hpp"

namespace plan::io::detail {
namespace {

enum class Metric { requests, prompt_tokens, generation_tokens, cached_tokens, prompt_hist, generation_hist };

std::optional<Metric> metric_of(std::string_view name) {
  if (name == "vllm:request_success_total" || name == "vllm:request_success") return Metric::requests;
  if (name == "vllm:prompt_tokens_total" || name == "vllm:prompt_tokens") return Metric::prompt_tokens;
  if (name == "vllm:generation_tokens_total" || name == "vllm:generation_tokens") return Metric::generation_tokens;
  if (name == "vllm:prefix_cache_hits_total" || name == "vllm:gpu_prefix_cache_hits_total" ||
      name == "vllm:prefix_cache_hits")
    return Metric::cached_tokens;
  if (name == "vllm:request_prompt_tokens_bucket") return Metric::prompt_hist;
  if (name == "vllm:request_generation_tokens_bucket") return Metric::generation_hist;
  return std::nullopt;
}

struct Sample {
  Metric metric;
  std::string model;
  double le = 0;  // histogram buckets
  double value = 0;
};

struct Scrape {
  FileContext* ctx;
  double time_s = 0;
  std::map<std::string, Sample> series;  // by name and labels as written
};

std::optional<double> prom_number(std::string_view s) {
  if (s == "+Inf" || s == "Inf") return INFINITY;
  if (s == "-Inf") return -INFINITY;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Parses one scrape file; bad sample lines are counted on its context.
Scrape read_scrape(FileContext& ctx) {
  Scrape s{&ctx, 0, {}};
  FileChunks f(ctx.path, ctx.opt);
  std::string_view line;
  double max_ts_ms = -1;
  while (f.next_line(line)) {
    if (line.empty() || line[0] == '#') continue;
    ++ctx.report->rows;
    auto bad = [&](int col, const std::string& msg) {
      --ctx.report->rows;  // bad() counts the row
      ctx.bad(f.line(), col, msg);
    };
    std::size_t i = line.find_first_of("{ ");
    if (i == std::string_view::npos) { bad(1, "sample line without a value (expected NAME{LABELS} VALUE [TIMESTAMP])"); continue; }
    const std::string_view name = line.substr(0, i);
    std::string model, le;
    std::size_t labels_end = i;
    if (line[i] == '{') {
      std::size_t j = i + 1;
      bool ok = true;
      while (j < line.size() && line[j] != '}') {
        std::size_t eq = line.find('=', j);
        if (eq == std::string_view::npos || eq + 1 >= line.size() || line[eq + 1] != '"') { ok = false; break; }
        std::string_view key = line.substr(j, eq - j);
        std::string val;
        std::size_t k = eq + 2;
        for (; k < line.size() && line[k] != '"'; ++k) {
          if (line[k] == '\\' && k + 1 < line.size()) ++k;
          val += line[k];
        }
        if (k >= line.size()) { ok = false; break; }
        if (key == "model_name") model = val;
        else if (key == "le") le = val;
        j = k + 1;
        if (j < line.size() && line[j] == ',') ++j;
      }
      if (!ok || j >= line.size()) { bad(static_cast<int>(i) + 1, "malformed labels (expected {name=\"value\",...})"); continue; }
      labels_end = j + 1;
    }
    std::string_view rest = line.substr(labels_end);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    std::string_view value_text = rest.substr(0, rest.find(' '));
    std::string_view ts_text = value_text.size() < rest.size() ? rest.substr(value_text.size() + 1) : std::string_view{};
    auto value = prom_number(value_text);
    if (!value) { bad(static_cast<int>(labels_end) + 1, fmt::format("value '{}' is not a number", value_text)); continue; }
    if (!ts_text.empty()) {
      auto ts = prom_number(ts_text);
      if (!ts || !std::isfinite(*ts) || *ts < 0) { bad(static_cast<int>(line.size() - ts_text.size()) + 1, "timestamp is not milliseconds since 1970"); continue; }
      max_ts_ms = std::max(max_ts_ms, *ts);
    }
    auto metric = metric_of(name);
    if (!metric) continue;
    Sample smp{*metric, model.empty() ? "vllm" : model, 0, *value};
    if (*metric == Metric::prompt_hist || *metric == Metric::generation_hist) {
      auto b = prom_number(le);
      if (!b) { bad(static_cast<int>(i) + 1, fmt::format("histogram bucket without a numeric 'le' label ('{}')", le)); continue; }
      smp.le = *b;
    }
    if (!std::isfinite(*value) || *value < 0) { bad(static_cast<int>(labels_end) + 1, "counter value is not a non-negative number"); continue; }
    s.series[std::string(line.substr(0, labels_end))] = smp;
  }
  if (max_ts_ms >= 0) s.time_s = max_ts_ms / 1000.0;
  else s.time_s = -1;
  return s;
}

}  // namespace

void read_vllm_metrics(std::vector<FileContext>& files) {
  if (files.size() < 2)
    throw Error(SourceLoc{files.front().path, 0, 0},
                "one scrape of vLLM metrics gives no rates (expected two or more scrapes of /metrics, one per file)");
  std::vector<Scrape> scrapes;
  for (auto& f : files) scrapes.push_back(read_scrape(f));
  const bool timed = std::all_of(scrapes.begin(), scrapes.end(), [](const Scrape& s) { return s.time_s >= 0; });
  const auto interval = files.front().opt->interval_s;
  if (interval) {
    // Scrapes `interval` seconds apart in the order given, the first at its file's time.
    struct stat st {};
    ::stat(files.front().path.c_str(), &st);
    for (std::size_t i = 0; i < scrapes.size(); ++i)
      scrapes[i].time_s = static_cast<double>(st.st_mtime) + static_cast<double>(i) * *interval;
  } else if (!timed) {
    auto it = std::find_if(scrapes.begin(), scrapes.end(), [](const Scrape& s) { return s.time_s < 0; });
    throw Error(SourceLoc{it->ctx->path, 0, 0},
                "scrape has no sample timestamps (expected 'NAME VALUE TIMESTAMP_MS' lines, or --interval SECONDS)");
  }
  std::stable_sort(scrapes.begin(), scrapes.end(), [](const Scrape& a, const Scrape& b) { return a.time_s < b.time_s; });
  for (std::size_t i = 1; i < scrapes.size(); ++i)
    if (scrapes[i].time_s <= scrapes[i - 1].time_s)
      throw Error(SourceLoc{scrapes[i].ctx->path, 0, 0},
                  fmt::format("taken at the same time as {} (expected scrapes at different times)", scrapes[i - 1].ctx->path));

  // Histogram increases over the whole period, by model and bucket bound.
  std::map<std::string, std::map<double, double>> hist[2];
  for (std::size_t i = 1; i < scrapes.size(); ++i) {
    const Scrape& a = scrapes[i - 1];
    const Scrape& b = scrapes[i];
    struct Sums { double requests = 0, prompt = 0, generation = 0, cached = 0; };
    std::map<std::string, Sums> by_model;
    bool reset = false;
    for (const auto& [id, s] : b.series) {
      auto prev = a.series.find(id);
      const double before = prev == a.series.end() ? 0 : prev->second.value;
      double delta = s.value - before;
      if (delta < 0) {
        reset = true;
        delta = s.value;  // counted from zero after the restart
      }
      Sums& m = by_model[s.model];
      switch (s.metric) {
        case Metric::requests: m.requests += delta; break;
        case Metric::prompt_tokens: m.prompt += delta; break;
        case Metric::generation_tokens: m.generation += delta; break;
        case Metric::cached_tokens: m.cached += delta; break;
        case Metric::prompt_hist: hist[0][s.model][s.le] += delta; break;
        case Metric::generation_hist: hist[1][s.model][s.le] += delta; break;
      }
    }
    if (reset)
      b.ctx->report->notes.push_back(fmt::format(
          "counters went down since {} (a server restart): counted from zero after the restart; traffic between "
          "that scrape and the restart is missing", a.ctx->path));
    for (const auto& [model, m] : by_model) {
      usage::UsageRecord r;
      r.start_s = static_cast<std::int64_t>(std::floor(a.time_s));
      r.duration_s = static_cast<std::int64_t>(std::llround(b.time_s - a.time_s));
      r.key = model;
      r.requests = m.requests;
      r.input_tokens = m.prompt;
      r.output_tokens = m.generation;
      r.cached_tokens = std::min(m.cached, m.prompt);
      if (auto why = beyond_profile_limits(r))
        b.ctx->bad(0, 0, fmt::format("model '{}' since {}: {}", model, a.ctx->path, *why));
      else
        b.ctx->agg->add(r);
    }
  }
  for (int k = 0; k < 2; ++k) {
    for (const auto& [model, buckets] : hist[k]) {
      std::vector<double> bounds, cumulative;
      for (const auto& [le, n] : buckets) {
        bounds.push_back(le);
        cumulative.push_back(n);
      }
      scrapes.back().ctx->agg->add_length_histogram(model, k == 1, bounds, cumulative);
    }
  }
}

}  // namespace plan::io::detail
