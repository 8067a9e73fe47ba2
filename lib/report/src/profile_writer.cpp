#include "plan/report/profile_writer.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <set>

#include "plan/report/escape.hpp"

namespace plan::report {
namespace {

// A number for YAML: at most 4 decimals, trailing zeros dropped, never quoted or in
// exponent form (the loader reads plain decimals).
std::string num(double v, int decimals = 4) {
  if (!std::isfinite(v)) v = 0;
  std::string s = fmt::format("{:.{}f}", v + 0.0, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

// A double-quoted YAML scalar that reads back as `s`: control characters (C0, DEL, C1), line
// and paragraph separators, the byte-order mark and bidirectional controls as \u escapes
// (YAML's own), invalid UTF-8 as U+FFFD (escape.hpp).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for_each_code_point(
      text,
      [&](char32_t cp, std::string_view bytes) {
        if (cp == '"' || cp == '\\') out += '\\';
        if (is_control(cp) || is_bidi_control(cp) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
        else
          out.append(bytes);
      },
      [&](unsigned char) { out += "\\ufffd"; });
  return out + "\"";
}

// Text for a comment: one line, control characters and invalid UTF-8 shown escaped.
std::string comment_text(const std::string& s) { return terminal_cell(s); }

// YYYY-MM-DD of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
std::string date_of(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return fmt::format("{:04}-{:02}-{:02}", y + (m <= 2), m, d);
}

std::int64_t local_day(std::int64_t t, int offset) {
  const std::int64_t x = t + offset;
  return x >= 0 ? x / 86400 : (x - 86399) / 86400;
}

std::string thousands(double v) {
  std::string s = fmt::format("{:.0f}", v);
  std::string out;
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n; ++i) {
    out += s[i];
    if (s[0] != '-' && (n - i - 1) % 3 == 0 && i + 1 < n) out += ',';
  }
  return out;
}

std::string lengths_comment(const char* what, const std::optional<usage::LengthPercentiles>& l) {
  if (!l) return "";
  if (l->from_histogram)
    return fmt::format("    # {} tokens p50 {}, p90 {}, p99 {} (interpolated in the server's histogram of {} requests)\n",
                       what, num(l->p50, 0), num(l->p90, 0), num(l->p99, 0), thousands(l->samples));
  return fmt::format("    # {} tokens p50 {}, p90 {}, p99 {} ({} single requests; within 0.8%, log-bucket sketch)\n", what,
                     num(l->p50, 0), num(l->p90, 0), num(l->p99, 0), thousands(l->samples));
}

// The header comments: each source read, with its rows and notes.
std::string render_sources(const ImportedProfile& p) {
  std::string o;
  for (const auto& src : p.sources) {
    if (!src.read_at.empty())
      o += fmt::format("#   {} ({}), table {}, database, read at {}\n", comment_text(src.path), src.format,
                       comment_text(src.table), src.read_at);
    else
      o += fmt::format("#   {} ({}), sha256 {}\n", comment_text(src.path), src.format, src.sha256);
    o += fmt::format("#     {} rows read, {} skipped as malformed\n", thousands(static_cast<double>(src.rows)),
                     thousands(static_cast<double>(src.skipped)));
    for (const auto& n : src.notes) o += fmt::format("#     {}\n", comment_text(n));
  }
  return o;
}

// The period and grouping comments, name, description, price sheet and the fitted growth.
std::string render_period(const ImportedProfile& p) {
  const auto& s = p.summary;
  std::string o;
  const std::string first = date_of(local_day(s.first_s, p.utc_offset_s));
  const std::string last = date_of(local_day(s.end_s - 1, p.utc_offset_s));
  o += fmt::format("# Period: {} to {} in {} ({} days). Volumes, token means, shares and hourly shapes are\n", first,
                   last, comment_text(p.tz_label), num(s.period_days, 0));
  o += fmt::format("# over the last {} days of it (--window {}); length percentiles over the whole period.\n",
                   num(s.window_days, 0), p.window_days);
  o += fmt::format("# Workloads are grouped by {}. Hourly shapes: percent of the day's requests (tokens where\n"
                   "# requests are not counted) in each hour of the day in {}, hour 0 first.\n",
                   p.by_tag ? "tag" : "model", comment_text(p.tz_label));
  o += fmt::format("name: {}\n", quoted(p.name));
  o += fmt::format("description: {}\n", quoted(fmt::format("Measured usage, {} to {}", first, last)));
  o += fmt::format("price_sheet: {}\n", quoted(p.sheet_version));
  if (s.growth) {
    const auto& g = *s.growth;
    const double growth = std::clamp(g.growth_per_month, -0.99, 10.0);
    o += "horizon:\n  months: 12\n";
    o += fmt::format("  # log-linear least squares on {} daily token totals ({} days without traffic left out): "
                     "R^2 = {}{}\n",
                     g.days, g.zero_days, num(g.r_squared, 3),
                     growth != g.growth_per_month ? fmt::format("; fitted {} clamped to the loader's range", num(g.growth_per_month)) : "");
    o += fmt::format("  growth_per_month: {}\n", num(growth));
  } else {
    o += fmt::format("# No growth fitted: the data spans {} days (a fit needs at least {}).\n", num(s.period_days, 0),
                     usage::Aggregator::min_growth_days);
  }
  return o;
}

// One workload's entry, `id` its unique id: volumes, lengths, hourly shape, cache and batch
// shares, billed figures, models: and current option, each with its comments.
std::string render_workload(const ImportedProfile& p, const usage::ImportedWorkload& w, const std::string& id) {
  std::string o;
  o += fmt::format("  - id: {}\n", quoted(id));
  o += fmt::format("    # {} {}: {} rows\n", p.by_tag ? "tag" : "model", comment_text(w.key), thousands(w.rows));
  if (auto n = p.notes.find(w.key); n != p.notes.end())
    for (const auto& line : n->second) o += fmt::format("    # {}\n", comment_text(line));
  if (auto b = p.billed.find(w.key); b != p.billed.end()) {
    o += fmt::format("    billed_usd: {}\n    billed_days: {}\n", num(b->second.usd, 6), num(b->second.days, 2));
    if (b->second.list_usd) o += fmt::format("    billed_list_usd: {}\n", num(*b->second.list_usd, 6));
  }
  if (w.requests_known) {
    o += fmt::format("    requests_per_day: {}\n", num(w.requests_per_day));
    o += fmt::format("    input_tokens: {}\n", num(w.input_tokens, 2));
    o += fmt::format("    output_tokens: {}\n", num(w.output_tokens, 2));
  } else {
    o += "    # the source counts tokens, not requests: tokens-per-day form, 1000 tokens per request assumed\n";
    o += fmt::format("    tokens_per_day: {}\n", num(w.tokens_per_day));
    o += fmt::format("    input_share: {}\n", num(w.input_share));
  }
  o += lengths_comment("input", w.input_lengths);
  o += lengths_comment("output", w.output_lengths);
  // The 99th percentiles are read back: memory fit and the context limit use them.
  if (w.input_lengths) o += fmt::format("    input_tokens_p99: {}\n", num(w.input_lengths->p99, 0));
  if (w.output_lengths) o += fmt::format("    output_tokens_p99: {}\n", num(w.output_lengths->p99, 0));
  if (w.hourly_known) {
    double day = 0;
    for (double v : w.hourly) day += v;
    o += "    hourly: [";
    for (std::size_t h = 0; h < 24; ++h) o += (h ? ", " : "") + num(100 * w.hourly[h] / day, 2);
    o += "]\n";
  } else {
    o += "    # no rows of an hour or finer in the window: flat over the day\n";
  }
  o += fmt::format("    cached_input_share: {}\n", num(w.cached_input_share));
  if (w.cache_write_share > 0) {
    o += fmt::format("    cache_write_share: {}\n", num(w.cache_write_share));
    // One TTL per workload: the one most written tokens have (their write prices differ).
    if (w.cache_write_1h_share > 0 && w.cache_write_1h_share < 1)
      o += fmt::format("    # cache writes: {}% with a 1-hour TTL, {}% with 5 minutes; priced at the larger's write "
                       "price (split the workload to price each at its own)\n",
                       num(100 * w.cache_write_1h_share, 1), num(100 * (1 - w.cache_write_1h_share), 1));
    if (w.cache_write_1h_share > 0.5) o += "    cache_write_ttl: \"1h\"\n";
  }
  o += fmt::format("    batchable_share: {}\n", num(w.batchable_share));
  if (auto m = p.models.find(w.key); m != p.models.end() && !m->second.empty()) {
    if (auto why = p.models_why.find(w.key); why != p.models_why.end())
      for (const auto& line : why->second) o += fmt::format("    # {}\n", comment_text(line));
    o += "    models: [";
    for (std::size_t i = 0; i < m->second.size(); ++i) o += (i ? ", " : "") + quoted(m->second[i]);
    o += "]\n";
  }
  if (auto c = p.current_option.find(w.key); c != p.current_option.end())
    o += fmt::format("    current_option: {}  # the option that served it: recommend prices today's cost there\n",
                     quoted(c->second));
  return o;
}

// The options: list, each with its sheet line, where it was seen and why it is there.
std::string render_options(const ImportedProfile& p) {
  std::string o;
  o += "options:\n";
  if (p.options_are_whole_sheet)
    o += "  # None of the models seen is an API model of the sheet: every API model of it is listed.\n";
  for (const auto& opt : p.options) {
    std::string seen;
    for (const auto& m : opt.seen) seen += (seen.empty() ? "" : ", ") + m;
    o += fmt::format("  - id: {}\n", quoted(opt.id.empty() ? opt.sheet_id : opt.id));
    o += fmt::format("    # {}:{}{}\n", comment_text(p.sheet_path), opt.sheet_line,
                     seen.empty() ? "" : "; seen in the data as " + comment_text(seen));
    for (const auto& why : opt.why) o += fmt::format("    # {}\n", comment_text(why));
    switch (opt.kind) {
      case ImportOptionKind::managed:
        o += fmt::format("    kind: managed\n    offering: {}\n", quoted(opt.sheet_id));
        break;
      case ImportOptionKind::self_hosted:
        o += fmt::format("    kind: self_hosted\n    instance: {}\n", quoted(opt.sheet_id));
        o += fmt::format("    model: {}\n", quoted(opt.model));
        break;
      case ImportOptionKind::api:
        o += fmt::format("    kind: api\n    model: {}\n", quoted(opt.sheet_id));
        break;
    }
    if (!opt.service_tier.empty()) o += fmt::format("    service_tier: {}\n", quoted(opt.service_tier));
  }
  return o;
}

}  // namespace

std::string render_imported_profile(const ImportedProfile& p) {
  const auto& s = p.summary;
  std::string o;
  o += "# Imported by `plan profile import` from usage data (docs/profiles.md, \"Importing usage\").\n";
  o += "# Sources:\n";
  o += render_sources(p);
  o += render_period(p);
  o += "workloads:\n";
  std::set<std::string> ids;
  std::vector<std::string> left_out;
  for (const auto& w : s.workloads) {
    const bool has_tokens = w.requests_known ? (w.input_tokens + w.output_tokens > 0) : (w.input_share > 0 || w.tokens_per_day > 0);
    if (!has_tokens) {
      left_out.push_back(w.key);
      continue;
    }
    std::string id = usage::workload_id(w.key);
    for (int n = 2; ids.count(id); ++n) id = fmt::format("{}-{}", usage::workload_id(w.key), n);
    ids.insert(id);
    o += render_workload(p, w, id);
  }
  for (const auto& k : left_out) o += fmt::format("  # {} left out: no tokens in the data\n", comment_text(k));
  o += render_options(p);
  return o;
}

}  // namespace plan::report
