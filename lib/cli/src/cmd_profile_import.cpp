// plan profile import FILE... -o OUT.yaml: a workload profile from usage data.
#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <map>
#include <memory>
#include <unistd.h>

#include "common.hpp"
#include "plan/core/usage.hpp"
#include "plan/io/loaders.hpp"
#include "plan/io/usage_import.hpp"
#include "plan/report/escape.hpp"
#include "plan/report/profile_writer.hpp"

namespace plan::cli {
namespace {

struct ImportArgs {
  std::vector<std::string> files;
  std::string source = "auto";
  std::string by = "model";
  std::string tz = "UTC";
  int window_days = 28;
  bool skip_bad = false;
  std::vector<std::string> columns;
  double interval_s = 0;
  std::string prices;
  std::string name = "imported";
  std::string out = "-";
};

int run_import(const Globals& g, const ImportArgs& a) {
  io::UsageImportOptions opt;
  opt.source = *io::parse_usage_source(a.source);
  opt.by_tag = a.by == "tag";
  opt.skip_bad = a.skip_bad;
  if (a.interval_s > 0) opt.interval_s = a.interval_s;
  for (const auto& c : a.columns) {
    auto eq = c.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == c.size())
      throw Error(fmt::format("--column '{}' is not FIELD=COLUMN (e.g. --column input_tokens=tokens_in)", c),
                  ExitCode::usage_error);
    opt.columns.emplace_back(c.substr(0, eq), c.substr(eq + 1));
  }
  auto offset = usage::parse_utc_offset(a.tz);
  if (!offset)
    throw Error(fmt::format("--tz '{}' is not a UTC offset (expected UTC, +HH:MM or -HH:MM; zone names such as "
                            "Europe/Berlin are not read: give the offset that holds for most of the period)", a.tz),
                ExitCode::usage_error);
  const bool tty = ::isatty(2) != 0;
  if (tty) {
    opt.progress = [](const std::string& file, std::uint64_t done, std::uint64_t total) {
      std::cerr << fmt::format("\rplan: reading {}: {} of {} MiB", report::terminal_cell(file), done >> 20, total >> 20)
                << std::flush;
    };
    opt.rows_progress = [](const std::string& db, std::uint64_t rows) {
      std::cerr << fmt::format("\rplan: reading {}: {} rows", report::terminal_cell(db), rows) << std::flush;
    };
  }
  // The sheet first: a bad --prices fails before a long read.
  PriceSheet sheet = io::resolve_price_sheet(a.prices, g.pricing_dir());

  usage::Aggregator agg(*offset, a.window_days);
  auto reports = io::import_usage(a.files, opt, agg);
  if (tty) std::cerr << "\r\033[K";
  usage::ImportSummary summary = agg.finish();
  if (summary.workloads.empty() ||
      std::none_of(summary.workloads.begin(), summary.workloads.end(),
                   [](const usage::ImportedWorkload& w) { return w.tokens_per_day > 0 || w.input_tokens + w.output_tokens > 0; }))
    throw Error(SourceLoc{reports.front().path, 0, 0}, "no tokens in the usage data (expected rows with input or output tokens)");

  report::ImportedProfile p;
  p.name = a.name;
  p.tz_label = a.tz;
  p.utc_offset_s = *offset;
  p.window_days = a.window_days;
  p.by_tag = opt.by_tag;
  p.sheet_version = sheet.version;
  p.sheet_path = sheet.path;
  p.summary = summary;
  for (const auto& r : reports) {
    report::ImportSource s{r.path, io::to_string(r.source), r.sha256, r.rows, r.bad, {}, r.table, r.read_at};
    for (const auto& b : r.first_bad) {
      const std::string where = b.line > 0 ? fmt::format("line {} col {}", b.line, b.col) : "";
      s.notes.push_back(fmt::format("skipped{}{}: {}", where.empty() ? "" : " at ", where, b.message));
      std::cerr << fmt::format("plan: warning: {}{}: {} (row skipped)\n", report::terminal_cell(r.path),
                               b.line > 0 ? fmt::format(":{}:{}", b.line, b.col) : "", report::terminal_cell(b.message));
    }
    if (r.bad > r.first_bad.size())
      std::cerr << fmt::format("plan: warning: {}: {} malformed rows skipped in all\n", report::terminal_cell(r.path), r.bad);
    for (const auto& n : r.notes) {
      s.notes.push_back(n);
      std::cerr << fmt::format("plan: note: {}: {}\n", report::terminal_cell(r.path), report::terminal_cell(n));
    }
    p.sources.push_back(std::move(s));
  }
  // Options: the sheet's API models for the models seen.
  std::vector<std::string> ids;
  for (const auto& m : sheet.api_models) ids.push_back(m.id);
  std::map<std::string, report::ImportOption> by_id;
  if (!opt.by_tag) {
    for (const auto& w : summary.workloads) {
      if (auto id = usage::map_to_sheet_model(w.key, ids)) {
        auto& o = by_id[*id];
        o.sheet_id = *id;
        o.seen.push_back(w.key);
      }
    }
  }
  if (by_id.empty()) {
    p.options_are_whole_sheet = true;
    for (const auto& m : sheet.api_models) by_id[m.id].sheet_id = m.id;
  }
  for (auto& [id, o] : by_id) {
    o.sheet_line = sheet.find_api(id)->line;
    p.options.push_back(o);
  }
  const std::string text = report::render_imported_profile(p);
  // Read back with the strict loader before writing: what is written always loads. Rows are
  // checked against the loader's limits as they are read; should a sum of rows still exceed
  // one, the error names the usage data, not the profile that was never written.
  try {
    io::parse_profile("<imported profile>", text);
  } catch (const Error& e) {
    std::string files;
    for (const auto& r : reports) files += (files.empty() ? "" : ", ") + r.path;
    throw Error(SourceLoc{reports.front().path, 0, 0},
                fmt::format("the usage data gives a profile the loader rejects: {} (data read from {}; expected "
                            "figures within the profile's limits, docs/profiles.md)",
                            e.what(), files));
  }
  emit(text, a.out);
  return 0;
}

}  // namespace

void setup_profile(CLI::App& app, Registry& reg) {
  auto* profile = app.add_subcommand("profile", "Build workload profiles from data");
  profile->require_subcommand(1);
  auto a = std::make_shared<ImportArgs>();
  auto* imp = profile->add_subcommand(
      "import",
      "Write a profile from usage data: request logs, hourly buckets, OpenAI or Anthropic usage reports, LiteLLM spend "
      "logs (exported, or read from the proxy's PostgreSQL database, read-only, given as postgresql://USER@HOST/DB) or "
      "vLLM metrics scrapes (docs/profiles.md, \"Importing usage\"). One workload per model (or tag): recent "
      "volume, token means and length percentiles, hourly shape, cached and batchable shares, fitted growth; options "
      "are the price sheet's API models for the models seen, so `plan compare OUT.yaml` runs as is.");
  imp->add_option("files", a->files, "Usage files (several files of one format are read together), or a LiteLLM "
                                     "proxy's database as a PostgreSQL connection string (postgresql://... or "
                                     "'host=... dbname=...'; a password is better given in PGPASSWORD or ~/.pgpass)")
      ->required();
  imp->add_option("--source", a->source, "Format: auto (detected from the content; a connection string is litellm-db), "
                                         "requests, buckets, openai-usage, anthropic-usage, litellm-spend, litellm-db, "
                                         "vllm-metrics")
      ->check(CLI::IsMember({"auto", "requests", "buckets", "openai-usage", "anthropic-usage", "litellm-spend",
                             "litellm-db", "vllm-metrics"}))
      ->capture_default_str();
  imp->add_option("--by", a->by, "One workload per model or per tag")
      ->check(CLI::IsMember({"model", "tag"}))
      ->capture_default_str();
  imp->add_option("--tz", a->tz, "UTC offset of the hourly shape and of day boundaries: UTC, +HH:MM or -HH:MM")
      ->capture_default_str();
  imp->add_option("--window", a->window_days, "Days before the data's end that the recent level averages")
      ->check(CLI::Range(1, 3660))
      ->capture_default_str();
  imp->add_flag("--skip-bad", a->skip_bad, "Import even when more than 1% of a file's rows are malformed "
                                           "(they are skipped and counted)");
  imp->add_option("--column", a->columns, "FIELD=COLUMN: the file's column for a field (timestamp, model, tag, "
                                          "input_tokens, output_tokens, cached_tokens, cache_write_tokens, batch, "
                                          "requests, end_time); repeatable")
      ->type_name("FIELD=COLUMN")
      ->allow_extra_args(false);
  imp->add_option("--interval", a->interval_s, "vLLM scrapes without sample timestamps: seconds between scrapes, in "
                                               "the order given")
      ->check(CLI::PositiveNumber);
  imp->add_option("--prices", a->prices, "Price-sheet version or file for the options; default: the newest");
  imp->add_option("--name", a->name, "Profile name")->capture_default_str();
  imp->add_option("-o,--output", a->out, "Write the profile to FILE atomically ('-' = stdout)")->capture_default_str();
  reg.add(imp, [a, &g = reg.globals]() { return run_import(g, *a); });
}

}  // namespace plan::cli
