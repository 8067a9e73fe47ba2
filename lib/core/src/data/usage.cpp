#include "plan/core/data/usage.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <limits>

namespace plan::usage {
namespace {

constexpr double days_per_month = 730.0 / 24.0;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

// ---- LengthSketch ----

int LengthSketch::bucket_of(std::uint64_t v) {
  if (v < static_cast<std::uint64_t>(exact_below)) return static_cast<int>(v);
  constexpr std::uint64_t cap = (std::uint64_t{1} << (max_exponent + 1)) - 1;
  v = std::min(v, cap);
  const int e = static_cast<int>(std::bit_width(v)) - 1;  // 7..max_exponent
  const int sub = static_cast<int>((v >> (e - 6)) & (sub_buckets - 1));
  return exact_below + (e - 7) * sub_buckets + sub;
}

double LengthSketch::midpoint(int bucket) {
  if (bucket < exact_below) return bucket;
  const int e = (bucket - exact_below) / sub_buckets + 7;
  const int sub = (bucket - exact_below) % sub_buckets;
  const double width = std::ldexp(1.0, e - 6);
  const double lower = (sub_buckets + sub) * width;
  return lower + (width - 1) / 2;  // integers lower .. lower + width - 1
}

void LengthSketch::add(double value, std::uint64_t count) {
  if (!(value >= 0)) value = 0;
  const double r = std::min(std::round(value), 1e15);
  counts_[static_cast<std::size_t>(bucket_of(static_cast<std::uint64_t>(r)))] += count;
  total_ += count;
}

std::optional<double> LengthSketch::quantile(double q) const {
  if (total_ == 0) return std::nullopt;
  const double rank = std::max(1.0, std::ceil(q * static_cast<double>(total_)));
  std::uint64_t seen = 0;
  for (int b = 0; b < bucket_count; ++b) {
    seen += counts_[static_cast<std::size_t>(b)];
    if (static_cast<double>(seen) >= rank) return midpoint(b);
  }
  return midpoint(bucket_count - 1);
}

std::optional<double> histogram_quantile(const std::vector<double>& upper_bounds, const std::vector<double>& cumulative,
                                         double q) {
  if (upper_bounds.empty() || upper_bounds.size() != cumulative.size()) return std::nullopt;
  const double total = cumulative.back();
  if (!(total > 0)) return std::nullopt;
  const double rank = q * total;
  for (std::size_t b = 0; b < upper_bounds.size(); ++b) {
    if (cumulative[b] < rank) continue;
    if (std::isinf(upper_bounds[b])) return b == 0 ? 0.0 : upper_bounds[b - 1];
    const double lo = b == 0 ? 0.0 : upper_bounds[b - 1];
    const double below = b == 0 ? 0.0 : cumulative[b - 1];
    const double in_bucket = cumulative[b] - below;
    if (in_bucket <= 0) return upper_bounds[b];
    return lo + (upper_bounds[b] - lo) * (rank - below) / in_bucket;
  }
  return upper_bounds.back();
}

// ---- names and zones ----

std::optional<int> parse_utc_offset(std::string_view tz) {
  if (tz == "UTC" || tz == "Z" || tz == "GMT" || tz == "Etc/UTC") return 0;
  if (tz.substr(0, 3) == "UTC" || tz.substr(0, 3) == "GMT") tz.remove_prefix(3);
  if (tz.size() < 2 || (tz[0] != '+' && tz[0] != '-')) return std::nullopt;
  const int sign = tz[0] == '-' ? -1 : 1;
  tz.remove_prefix(1);
  std::string_view hh = tz.substr(0, 2), mm = "00";
  if (tz.size() == 5 && tz[2] == ':') mm = tz.substr(3, 2);
  else if (tz.size() == 4) mm = tz.substr(2, 2);
  else if (tz.size() != 2) return std::nullopt;
  if (!all_digits(hh) || !all_digits(mm)) return std::nullopt;
  const int h = (hh[0] - '0') * 10 + (hh[1] - '0');
  const int m = (mm[0] - '0') * 10 + (mm[1] - '0');
  if (h > 14 || m > 59) return std::nullopt;
  return sign * (h * 3600 + m * 60);
}

std::string workload_id(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '_' || c == '-') out += static_cast<char>(std::tolower(c));
    else out += '-';
  }
  return out.empty() ? "unknown" : out;
}

std::optional<std::string> map_to_sheet_model(std::string_view model, const std::vector<std::string>& sheet_ids) {
  std::string m;
  for (unsigned char c : model) m += static_cast<char>(std::tolower(c));
  auto has = [&](const std::string& id) { return std::find(sheet_ids.begin(), sheet_ids.end(), id) != sheet_ids.end(); };
  // Provider prefixes: "openai/gpt-4o", "anthropic/claude-...", "anthropic.claude-..." (Bedrock).
  for (const char* prefix : {"openai/", "anthropic/", "azure/", "anthropic.", "openai."}) {
    std::string_view p(prefix);
    if (m.size() > p.size() && m.compare(0, p.size(), p) == 0) {
      m.erase(0, p.size());
      break;
    }
  }
  if (has(m)) return m;
  std::string base = m;
  // Bedrock version suffixes: "-v1:0", "-v2".
  if (auto v = base.rfind("-v"); v != std::string::npos && v + 2 < base.size()) {
    std::string_view rest = std::string_view(base).substr(v + 2);
    if (std::isdigit(static_cast<unsigned char>(rest[0])) &&
        std::all_of(rest.begin(), rest.end(), [](unsigned char c) { return std::isdigit(c) || c == ':'; }))
      base.erase(v);
  }
  // Dated snapshots: "-2024-08-06", "-20241022", "@20241022".
  if (base.size() > 11 && base[base.size() - 11] == '-' && base[base.size() - 6] == '-' && base[base.size() - 3] == '-' &&
      all_digits(std::string_view(base).substr(base.size() - 10, 4)) &&
      all_digits(std::string_view(base).substr(base.size() - 5, 2)) &&
      all_digits(std::string_view(base).substr(base.size() - 2, 2))) {
    base.erase(base.size() - 11);
  } else if (base.size() > 9 && (base[base.size() - 9] == '-' || base[base.size() - 9] == '@') &&
             all_digits(std::string_view(base).substr(base.size() - 8))) {
    base.erase(base.size() - 9);
  }
  if (has(base)) return base;
  return std::nullopt;
}

// ---- billed against list ----

double list_cost_usd(const BilledTotals& b, const TokenPrices& p) {
  const double cached = std::min(b.cached, b.input);
  const double write = std::min(b.cache_write, b.input - cached);
  const double write_1h = std::min(b.cache_write_1h, write);
  const double uncached = b.input - cached - write;
  const double write_5m_price = p.cache_write_per_mtok.value_or(p.input_per_mtok);
  const double usd = uncached * p.input_per_mtok + cached * p.cached_input_per_mtok.value_or(p.input_per_mtok) +
                     (write - write_1h) * write_5m_price + write_1h * p.cache_write_1h_per_mtok.value_or(write_5m_price) +
                     b.output * p.output_per_mtok +
                     b.batch_input * p.batch_input_per_mtok.value_or(p.input_per_mtok) +
                     b.batch_output * p.batch_output_per_mtok.value_or(p.output_per_mtok);
  return usd / 1e6;
}

// ---- offers of one model ----

std::vector<ModelOffer> same_model_offers(const PriceSheet& sheet, const std::string& model) {
  std::vector<ModelOffer> out;
  const ApiModel* own = sheet.find_api(model);
  auto tiers_of = [](const TokenPrices& p) {
    std::vector<std::string> t;
    for (const auto& st : p.service_tiers) t.push_back(st.name);
    return t;
  };
  // The loader has applied the providers' batch rules to the entries by now.
  auto has_batch = [](const TokenPrices& p) {
    return p.batch_input_per_mtok.has_value() && p.batch_output_per_mtok.has_value();
  };
  if (own) out.push_back({own->id, false, own->provider, own->id, tiers_of(own->prices), has_batch(own->prices), own->line});
  const std::string suffix = "-" + model;
  for (const auto& m : sheet.api_models) {
    if (m.id == model || m.id.size() <= suffix.size() ||
        m.id.compare(m.id.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    if (own && m.provider == own->provider) continue;  // "gpt-5.4-mini" is not "mini"
    out.push_back({m.id, false, m.provider, m.id, tiers_of(m.prices), has_batch(m.prices), m.line});
  }
  for (const auto& m : sheet.managed) {
    if (m.model != model || !m.on_demand) continue;
    out.push_back({m.id, true, m.provider, m.model, tiers_of(*m.on_demand), has_batch(*m.on_demand), m.line});
  }
  return out;
}

// ---- Aggregator ----

Aggregator::Aggregator(int utc_offset_s, int window_days) : utc_offset_s_(utc_offset_s), window_days_(window_days) {}

Aggregator::Key& Aggregator::key_for(std::string_view k) {
  for (auto& [name, key] : recent_)
    if (name == k) return *key;
  auto it = keys_.find(k);
  if (it == keys_.end()) it = keys_.emplace(std::string(k), Key{}).first;
  // Map nodes do not move, so views of their keys stay valid.
  if (recent_.size() == recent_keys) recent_.erase(recent_.begin());
  recent_.emplace_back(std::string_view(it->first), &it->second);
  return it->second;
}

Aggregator::Hour* Aggregator::hour_for(Key& k, std::int64_t hour) {
  if (k.hours.empty()) {
    k.base_hour = k.first_hour = k.last_hour = hour;
    k.hours.resize(1);
    return &k.hours[0];
  }
  const std::int64_t lo = std::min(k.first_hour, hour), hi = std::max(k.last_hour, hour);
  if (hi - lo + 1 > max_period_hours) return nullptr;
  k.first_hour = lo;
  k.last_hour = hi;
  if (hour < k.base_hour) {
    // Grow the front by at least the current size, so rows newest-first cost amortised O(1).
    const auto size = static_cast<std::int64_t>(k.hours.size());
    const std::int64_t grow = std::max(k.base_hour - hour, std::min(size, max_period_hours));
    k.hours.insert(k.hours.begin(), static_cast<std::size_t>(grow), Hour{});
    k.base_hour -= grow;
  } else if (hour >= k.base_hour + static_cast<std::int64_t>(k.hours.size())) {
    k.hours.resize(static_cast<std::size_t>(hour - k.base_hour + 1));
  }
  return &k.hours[static_cast<std::size_t>(hour - k.base_hour)];
}

bool Aggregator::add(const UsageRecord& r) {
  Key& k = key_for(r.key);
  Hour* h = hour_for(k, floor_div(r.start_s, 3600));
  if (!h) return false;
  const double requests = r.requests.value_or(0);
  const double tokens = r.input_tokens + r.output_tokens;
  if (!r.requests) k.requests_unknown = true;
  h->requests += requests;
  h->input += r.input_tokens;
  h->output += r.output_tokens;
  h->cached += r.cached_tokens;
  h->cache_write += r.cache_write_tokens;
  h->cache_write_1h += std::min(r.cache_write_1h_tokens, r.cache_write_tokens);
  if (r.batch) {
    h->batch_requests += requests;
    h->batch_tokens += tokens;
  }
  if (r.duration_s <= 3600) {
    h->fine_requests += requests;
    h->fine_tokens += tokens;
  }
  if (r.duration_s == 0 && r.requests && *r.requests == 1.0) {
    k.input_sketch.add(r.input_tokens);
    k.output_sketch.add(r.output_tokens);
  }
  if (r.billed_usd) {
    BilledTotals& b = k.billed;
    b.usd += *r.billed_usd;
    b.records += 1;
    if (r.batch) {
      b.batch_input += r.input_tokens;
      b.batch_output += r.output_tokens;
    } else {
      b.input += r.input_tokens;
      b.output += r.output_tokens;
      b.cached += r.cached_tokens;
      b.cache_write += r.cache_write_tokens;
      b.cache_write_1h += std::min(r.cache_write_1h_tokens, r.cache_write_tokens);
    }
  }
  k.rows += 1;
  ++records_;
  first_s_ = std::min(first_s_, r.start_s);
  end_s_ = std::max(end_s_, r.start_s + std::max<std::int64_t>(r.duration_s, 1));
  return true;
}

void Aggregator::add_length_histogram(std::string_view key, bool output, const std::vector<double>& upper_bounds,
                                      const std::vector<double>& cumulative) {
  Key& k = key_for(key);
  const int i = output ? 1 : 0;
  k.hist_bounds[i] = upper_bounds;
  k.hist_counts[i] = cumulative;
}

ImportSummary Aggregator::finish() const {
  ImportSummary s;
  if (records_ == 0) return s;
  s.first_s = first_s_;
  s.end_s = end_s_;
  // The period in whole local days: from the start of the first record's day to the end of
  // the last record's day. The window is its last window_days_ days.
  const std::int64_t first_day = floor_div(first_s_ + utc_offset_s_, 86400);
  const std::int64_t last_day = floor_div(end_s_ - 1 + utc_offset_s_, 86400);
  const std::int64_t win_first_day = std::max(first_day, last_day - window_days_ + 1);
  const std::int64_t win_start_s = win_first_day * 86400 - utc_offset_s_;
  s.window_days = static_cast<double>(last_day - win_first_day + 1);
  s.period_days = static_cast<double>(last_day - first_day + 1);

  auto local_hour = [&](std::int64_t hour) {
    const std::int64_t t = hour * 3600 + utc_offset_s_;
    return static_cast<std::size_t>(floor_div(t - floor_div(t, 86400) * 86400, 3600));
  };
  // Daily token totals of all keys, by local day, for the growth fit.
  std::map<std::int64_t, double> daily;

  for (const auto& [name, k] : keys_) {
    ImportedWorkload w;
    w.key = name;
    w.requests_known = !k.requests_unknown;
    w.rows = k.rows;
    if (k.billed.records > 0) w.billed = k.billed;
    w.window_days = s.window_days;
    Hour win, all;
    std::array<double, 24> shape{};
    for (std::size_t i = 0; i < k.hours.size(); ++i) {
      const Hour& h = k.hours[i];
      const std::int64_t hour = k.base_hour + static_cast<std::int64_t>(i);
      auto accumulate = [&h](Hour& t) {
        t.requests += h.requests; t.input += h.input; t.output += h.output; t.cached += h.cached;
        t.cache_write += h.cache_write; t.cache_write_1h += h.cache_write_1h; t.batch_requests += h.batch_requests; t.batch_tokens += h.batch_tokens;
        t.fine_requests += h.fine_requests; t.fine_tokens += h.fine_tokens;
      };
      accumulate(all);
      if (hour * 3600 >= win_start_s) {
        accumulate(win);
        shape[local_hour(hour)] += w.requests_known ? h.fine_requests : h.fine_tokens;
      }
      daily[floor_div(hour * 3600 + utc_offset_s_, 86400)] += h.input + h.output;
    }
    w.requests_per_day = win.requests / s.window_days;
    w.tokens_per_day = (win.input + win.output) / s.window_days;
    // A key with nothing in the window keeps the token mix of its whole period.
    const Hour& mix = (win.input + win.output > 0) ? win : all;
    const double tokens = mix.input + mix.output;
    if (mix.requests > 0) {
      w.input_tokens = mix.input / mix.requests;
      w.output_tokens = mix.output / mix.requests;
    }
    if (tokens > 0) w.input_share = mix.input / tokens;
    if (mix.input > 0) {
      w.cached_input_share = std::min(1.0, mix.cached / mix.input);
      w.cache_write_share = std::min(1.0 - w.cached_input_share, mix.cache_write / mix.input);
      if (mix.cache_write > 0) w.cache_write_1h_share = std::min(1.0, mix.cache_write_1h / mix.cache_write);
    }
    if (w.requests_known) {
      if (mix.requests > 0) w.batchable_share = mix.batch_requests / mix.requests;
    } else if (tokens > 0) {
      w.batchable_share = mix.batch_tokens / tokens;
    }
    double shape_sum = 0;
    for (std::size_t h = 0; h < 24; ++h) {
      w.hourly[h] = shape[h] / s.window_days;  // per day: each local hour occurs once a day
      shape_sum += w.hourly[h];
    }
    w.hourly_known = shape_sum > 0;
    // The key's state captured by name: clang 14 cannot capture a structured binding.
    auto lengths = [&, &ks = k](const LengthSketch& sk, int i) -> std::optional<LengthPercentiles> {
      if (sk.count() > 0)
        return LengthPercentiles{*sk.quantile(0.5), *sk.quantile(0.9), *sk.quantile(0.99), static_cast<double>(sk.count()), false};
      const auto& b = ks.hist_bounds[i];
      const auto& c = ks.hist_counts[i];
      if (auto p50 = histogram_quantile(b, c, 0.5))
        return LengthPercentiles{*p50, *histogram_quantile(b, c, 0.9), *histogram_quantile(b, c, 0.99), c.back(), true};
      return std::nullopt;
    };
    w.input_lengths = lengths(k.input_sketch, 0);
    w.output_lengths = lengths(k.output_sketch, 1);
    s.workloads.push_back(std::move(w));
  }

  // Growth: every local day of the period (export whole days: a partial first or last day
  // pulls the fit).
  std::vector<std::pair<double, double>> points;
  int zero_days = 0;
  if (last_day - first_day + 1 >= min_growth_days) {
    for (std::int64_t d = first_day; d <= last_day; ++d) {
      auto it = daily.find(d);
      const double total = it == daily.end() ? 0 : it->second;
      if (total > 0) points.emplace_back(static_cast<double>(d - first_day), std::log(total));
      else ++zero_days;
    }
  }
  if (points.size() >= 2) {
    double mx = 0, my = 0;
    for (auto [x, y] : points) { mx += x; my += y; }
    mx /= static_cast<double>(points.size());
    my /= static_cast<double>(points.size());
    double sxx = 0, sxy = 0, syy = 0;
    for (auto [x, y] : points) { sxx += (x - mx) * (x - mx); sxy += (x - mx) * (y - my); syy += (y - my) * (y - my); }
    const double b = sxy / sxx;
    double ss_res = 0;
    for (auto [x, y] : points) { const double e = y - (my + b * (x - mx)); ss_res += e * e; }
    GrowthFit g;
    g.growth_per_month = std::exp(b * days_per_month) - 1;
    g.r_squared = syy > 0 ? 1 - ss_res / syy : 1.0;
    g.days = static_cast<int>(points.size());
    g.zero_days = zero_days;
    s.growth = g;
  }
  return s;
}

}  // namespace plan::usage
