// plan profile import FILE... -o OUT.yaml: a workload profile from usage data.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <unistd.h>

#include "common.hpp"
#include "plan/core/data/usage.hpp"
#include "plan/core/data/usage_options.hpp"
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
  std::vector<std::string> alternatives{"same-model", "successors"};
  std::vector<std::string> consider;
  std::vector<std::string> costs;  // OpenAI cost exports
};

// Each OpenAI cost export reconciled with the list price of the usage data's tokens, per
// sheet model (usage::reconcile_cost_export): a source of the profile, and notes on stderr.
void reconcile_cost_exports(const std::vector<std::string>& files, const PriceSheet& sheet,
                            const usage::ImportSummary& summary, usage::ImportedOptions& set,
                            report::ImportedProfile& p) {
  for (const auto& file : files) {
    const io::CostExport c = io::read_openai_costs(file, summary.first_s, summary.end_s);
    const usage::CostReconciliation r = usage::reconcile_cost_export(set, c, sheet, summary);
    if (!r.covered)
      std::cerr << fmt::format("plan: note: {}: {}\n", report::terminal_cell(file), report::terminal_cell(r.summary));
    for (const auto& [key, line] : r.attention)
      std::cerr << fmt::format("plan: note: model {}: {}\n", report::terminal_cell(key), report::terminal_cell(line));
    p.sources.push_back({file, "openai-costs", c.sha256, c.buckets + c.outside, 0, {r.summary}, "", ""});
    for (const auto& l : r.lines) std::cerr << fmt::format("plan: note: {}: {}\n", report::terminal_cell(file), l);
  }
}

// The reader's options from the command line: the source, grouping, bad-row handling and
// --column mappings.
io::UsageImportOptions usage_import_options(const ImportArgs& a) {
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
  return opt;
}

// On a terminal, the reader reports its progress on stderr; whether it does.
bool show_read_progress(io::UsageImportOptions& opt) {
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
  return tty;
}

// Billed records above a long-context threshold of the sheet are priced at its tier.
void set_sheet_thresholds(usage::Aggregator& agg, const PriceSheet& sheet) {
  std::vector<double> thresholds;
  for (const auto& m : sheet.api_models)
    for (const auto& t : m.prices.tiers) thresholds.push_back(t.above_input_tokens);
  for (const auto& m : sheet.managed)
    if (m.on_demand)
      for (const auto& t : m.on_demand->tiers) thresholds.push_back(t.above_input_tokens);
  agg.set_context_thresholds(std::move(thresholds));
}

// The files read, as the profile's sources; their skipped rows and notes also go to stderr.
void record_sources(report::ImportedProfile& p, const std::vector<io::UsageFileReport>& reports) {
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
}

// Read back with the strict loader before writing: what is written always loads. Rows are
// checked against the loader's limits as they are read; should a sum of rows still exceed
// one, the error names the usage data, not the profile that was never written.
void check_reads_back(const std::string& text, const std::vector<io::UsageFileReport>& reports) {
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
}

int run_import(const Globals& g, const ImportArgs& a) {
  io::UsageImportOptions opt = usage_import_options(a);
  auto offset = usage::parse_utc_offset(a.tz);
  if (!offset)
    throw Error(fmt::format("--tz '{}' is not a UTC offset (expected UTC, +HH:MM or -HH:MM; zone names such as "
                            "Europe/Berlin are not read: give the offset that holds for most of the period)", a.tz),
                ExitCode::usage_error);
  const bool tty = show_read_progress(opt);
  // The sheet first: a bad --prices fails before a long read.
  PriceSheet sheet = io::resolve_price_sheet(a.prices, g.pricing_dir());

  usage::Aggregator agg(*offset, a.window_days);
  set_sheet_thresholds(agg, sheet);
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
  record_sources(p, reports);
  // Options: the sheet's offers of each model seen, and the alternatives asked for.
  const usage::ImportAlternatives alt = usage::parse_alternatives(a.alternatives);
  std::optional<Catalog> cat;
  usage::ImportedOptions set;
  if (!opt.by_tag)
    usage::add_workload_options(set, summary, sheet, alt, [&]() -> const Catalog& {
      if (!cat) cat = load_full_catalog(g);
      return *cat;
    });
  for (const auto& [key, line] : set.attention)
    std::cerr << fmt::format("plan: note: model {}: {}\n", report::terminal_cell(key), report::terminal_cell(line));
  reconcile_cost_exports(a.costs, sheet, summary, set, p);
  usage::add_considered(set, a.consider, sheet);
  usage::finish_options(set, sheet);
  p.options = std::move(set.options);
  p.options_are_whole_sheet = set.options_are_whole_sheet;
  p.models = std::move(set.models);
  p.models_why = std::move(set.models_why);
  p.current_option = std::move(set.current_option);
  p.notes = std::move(set.notes);
  p.billed = std::move(set.billed);
  const std::string text = report::render_imported_profile(p);
  check_reads_back(text, reports);
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
      "volume, token means and length percentiles, hourly shape, cached and batchable shares, fitted growth, and "
      "`models:` holding it to the model that served it; options are the price sheet's offers of the models seen and "
      "the --alternatives, so `plan compare OUT.yaml` runs as is; a billed cost in the data (LiteLLM spend) is "
      "reconciled with the list price.");
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
  imp->add_option("--alternatives", a->alternatives,
                  "Options added beside the models seen: same-model (the same model at every provider and service tier "
                  "of the sheet), successors (the successor of a retiring model), self-hosted (open-weight models on the "
                  "cheapest instance of the sheet that holds them), all, none; comma-separated or repeated")
      ->capture_default_str()
      ->delimiter(',');
  imp->add_option("--consider", a->consider,
                  "A model (api_models id or managed model of the sheet) you would move workloads to: its offers are "
                  "added as what-if options, outside the workloads' models; recommend reports each saving apart, as "
                  "\"if you accept MODEL\"; repeatable")
      ->type_name("MODEL");
  imp->add_option("--costs", a->costs,
                  "An OpenAI organization costs export (JSON of /v1/organization/costs fetched with group_by=line_item) "
                  "for the same period: each model's billed cost is reconciled with the list price of its tokens in the "
                  "usage data; repeatable")
      ->type_name("FILE");
  imp->add_option("--prices", a->prices, "Price-sheet version or file for the options; default: the newest");
  imp->add_option("--name", a->name, "Profile name")->capture_default_str();
  imp->add_option("-o,--output", a->out, "Write the profile to FILE atomically ('-' = stdout)")->capture_default_str();
  reg.add(imp, [a, &g = reg.globals]() { return run_import(g, *a); });
}

}  // namespace plan::cli
