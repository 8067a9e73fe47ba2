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
#include "plan/core/base/suggest.hpp"
#include "plan/core/data/usage.hpp"
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

struct Alternatives {
  bool same_model = false, successors = false, self_hosted = false;
};

Alternatives parse_alternatives(const std::vector<std::string>& given) {
  Alternatives alt;
  for (const auto& list : given) {
    std::size_t start = 0;
    while (start <= list.size()) {
      const std::size_t comma = std::min(list.find(',', start), list.size());
      const std::string a = list.substr(start, comma - start);
      if (a == "same-model") alt.same_model = true;
      else if (a == "successors") alt.successors = true;
      else if (a == "self-hosted") alt.self_hosted = true;
      else if (a == "all") alt.same_model = alt.successors = alt.self_hosted = true;
      else if (a != "none")
        throw Error(fmt::format("--alternatives '{}' is not one of same-model, successors, self-hosted, all, none", a),
                    ExitCode::usage_error);
      start = comma + 1;
    }
  }
  return alt;
}

// USD with at least two decimals and four significant digits: 0.002520, 12.35.
std::string usd(double v) {
  int decimals = 2;
  if (v > 0 && v < 1) decimals = std::min(8, std::max(2, 3 - static_cast<int>(std::floor(std::log10(v)))));
  return fmt::format("{:.{}f}", v, decimals);
}

std::string percent(double share) {
  std::string s = fmt::format("{:.1f}", 100 * share);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.erase(s.size() - 2);
  return s + "%";
}

// The options of an imported profile, by id in the order first added; the `models:` of each
// workload. See docs/profiles.md, "Alternatives".
class OptionSet {
 public:
  report::ImportOption& add(const std::string& id, report::ImportOptionKind kind, const std::string& sheet_id, int line) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) {
      order_.push_back(id);
      it = by_id_.emplace(id, report::ImportOption{}).first;
      it->second.id = id;
      it->second.kind = kind;
      it->second.sheet_id = sheet_id;
      it->second.sheet_line = line;
    }
    return it->second;
  }
  static void note(report::ImportOption& o, const std::string& why) {
    if (std::find(o.why.begin(), o.why.end(), why) == o.why.end()) o.why.push_back(why);
  }
  bool empty() const { return order_.empty(); }
  std::vector<report::ImportOption> take() {
    std::vector<report::ImportOption> out;
    for (const auto& id : order_) out.push_back(std::move(by_id_[id]));
    return out;
  }

 private:
  std::vector<std::string> order_;
  std::map<std::string, report::ImportOption> by_id_;
};

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// The offers of `offers` as options: each at its standard prices and at each service tier.
void add_same_model(OptionSet& set, const std::vector<usage::ModelOffer>& offers,
                    const std::string& model, const usage::ImportedWorkload& w, const std::string& skip_id) {
  for (const auto& off : offers) {
    const auto kind = off.managed ? report::ImportOptionKind::managed : report::ImportOptionKind::api;
    std::string batch;
    if (w.batchable_share > 0 && off.batch)
      batch = fmt::format("; batch prices for the batchable {} of '{}'", percent(w.batchable_share), w.key);
    if (off.id != skip_id) {
      auto& o = set.add(off.id, kind, off.id, off.line);
      OptionSet::note(o, fmt::format("same model ({}) at {}{}", model, off.provider, batch));
    } else if (!batch.empty()) {
      OptionSet::note(set.add(off.id, kind, off.id, off.line), batch.substr(2));
    }
    for (const auto& tier : off.service_tiers) {
      auto& o = set.add(off.id + "-" + tier, kind, off.id, off.line);
      o.service_tier = tier;
      OptionSet::note(o, fmt::format("same model ({}) at {}, service tier {}{}", model, off.provider, tier, batch));
    }
  }
}

// The successors of the retiring managed offerings among `offers` (a Bedrock model's next
// version), as options, their models added to the workload's.
void add_managed_successors(OptionSet& set, const PriceSheet& sheet, const std::vector<usage::ModelOffer>& offers,
                            std::vector<std::string>& models, std::vector<std::string>& models_why) {
  for (const auto& off : offers) {
    const ManagedOffering* m = off.managed ? sheet.find_managed(off.id) : nullptr;
    if (!m || !m->successor) continue;
    const ManagedOffering* next = sheet.find_managed(*m->successor);
    if (!next || !next->on_demand) continue;
    const std::string when = m->retires ? fmt::format(" {}", *m->retires) : "";
    const std::string tense =
        m->retires && !sheet.effective_date.empty() && *m->retires <= sheet.effective_date ? "retired" : "retires";
    auto& o = set.add(next->id, report::ImportOptionKind::managed, next->id, next->line);
    OptionSet::note(o, fmt::format("successor of {}, which {}{} ({}:{})", m->id, tense, when, sheet.path, m->line));
    if (std::find(models.begin(), models.end(), next->model) == models.end()) {
      models.push_back(next->model);
      models_why.push_back(fmt::format("and {}, the model of {}, successor of {}: {} {}{}", next->model, next->id, m->id,
                                       m->id, tense, when));
    }
  }
}

// The cheapest on-demand instance of the sheet whose GPUs hold the model's weights at bf16
// with a fifth of their memory left for the KV cache; nullptr when none does.
const GpuInstance* cheapest_fitting(const PriceSheet& sheet, const Catalog& cat, const ModelArch& m, double* weights_gb) {
  *weights_gb = (m.params_total + m.params_mtp) * 2 / 1e9;
  const GpuInstance* best = nullptr;
  for (const auto& inst : sheet.gpu_instances) {
    const GpuSpec* gpu = cat.find_gpu(inst.gpu);
    if (!gpu || inst.on_demand_per_hour <= 0) continue;
    const double memory_gb = gpu->memory_gib * 1.073741824 * inst.gpu_count;
    if (*weights_gb > 0.8 * memory_gb) continue;
    if (!best || inst.on_demand_per_hour < best->on_demand_per_hour) best = &inst;
  }
  return best;
}

// Billed cost from OpenAI cost exports against the list price of the usage data's tokens, per
// sheet model: written as each workload's billed_* keys and a comment, flagged over 2%.
void reconcile_cost_exports(const std::vector<std::string>& files, const PriceSheet& sheet,
                            const usage::ImportSummary& summary, const std::vector<std::string>& ids,
                            report::ImportedProfile& p) {
  // The workloads of each sheet model.
  std::map<std::string, std::vector<const usage::ImportedWorkload*>> by_model;
  for (const auto& w : summary.workloads)
    if (auto id = usage::map_to_sheet_model(w.key, ids)) by_model[*id].push_back(&w);
  for (const auto& file : files) {
    const io::CostExport c = io::read_openai_costs(file, summary.first_s, summary.end_s);
    auto note = [&](const std::string& text) {
      std::cerr << fmt::format("plan: note: {}: {}\n", report::terminal_cell(file), report::terminal_cell(text));
      p.sources.push_back({file, "openai-costs", c.sha256, c.buckets + c.outside, 0, {text}, "", ""});
    };
    // Daily buckets must cover the usage period, or the billed cost is of other days' tokens.
    if (c.buckets == 0 || c.first_s > summary.first_s || c.end_s < summary.end_s) {
      note(fmt::format("not reconciled: its buckets do not cover the usage period (expected daily costs for every day "
                       "of the usage data)"));
      continue;
    }
    std::map<std::string, double> billed;  // per sheet model
    std::vector<std::string> unmatched;
    for (const auto& [model, cost] : c.usd_by_model) {
      auto id = usage::map_to_sheet_model(model, ids);
      if (id && by_model.count(*id)) billed[*id] += cost;
      else unmatched.push_back(fmt::format("{} ({} USD)", model, usd(cost)));
    }
    std::vector<std::string> lines;
    for (const auto& [id, billed_usd] : billed) {
      const auto& ws = by_model[id];
      if (ws.size() != 1) {
        lines.push_back(fmt::format("{}: {} workloads of the data map to it; billed cost not split", id, ws.size()));
        continue;
      }
      const usage::ImportedWorkload& w = *ws[0];
      const ApiModel* api = sheet.find_api(id);
      const double list = usage::list_cost_usd(w.all_tokens, api->prices);
      std::string line = fmt::format("billed {} USD in the cost export {} (line items of {}) against {} USD at the list "
                                     "prices of {} ({}:{}) for the usage data's tokens",
                                     usd(billed_usd), file, id, usd(list), id, sheet.path, api->line);
      if (list > 0) {
        const double diff = billed_usd / list - 1;
        line += fmt::format(": {:+.1f}%", 100 * diff);
        if (std::abs(diff) > 0.02) {
          line += ", over 2%: a negotiated discount, a wrong price or a billing error";
          std::cerr << fmt::format("plan: note: model {}: {}\n", report::terminal_cell(w.key), report::terminal_cell(line));
        }
      }
      p.notes[w.key].push_back(line);
      p.billed[w.key] = {billed_usd, summary.period_days, list};
    }
    std::string summary_line = fmt::format("cost export: {} daily buckets in the usage period ({} outside, left out), "
                                           "{} USD",
                                           c.buckets, c.outside, usd(c.usd));
    if (!unmatched.empty()) {
      std::string list;
      for (const auto& u : unmatched) list += (list.empty() ? "" : ", ") + u;
      summary_line += "; line items of no workload: " + list;
    }
    p.sources.push_back({file, "openai-costs", c.sha256, c.buckets + c.outside, 0, {summary_line}, "", ""});
    for (const auto& l : lines) std::cerr << fmt::format("plan: note: {}: {}\n", report::terminal_cell(file), l);
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

// What the source billed a workload against the list price of the same tokens: a note of
// the workload (and of stderr when over 2%) and its billed_* figures.
void record_billed(report::ImportedProfile& p, const usage::ImportedWorkload& w, const ApiModel& api,
                   const std::string& id, const PriceSheet& sheet, const usage::ImportSummary& summary) {
  const double list = usage::list_cost_usd(*w.billed, api.prices);
  const double billed = w.billed->usd;
  std::string line = fmt::format("billed {} USD in the data ({} rows with a cost) against {} USD at the "
                                 "list prices of {} ({}:{})",
                                 usd(billed), w.billed->records, usd(list), id, sheet.path, api.line);
  if (list > 0) {
    const double diff = billed / list - 1;
    line += fmt::format(": {:+.1f}%", 100 * diff);
    if (std::abs(diff) > 0.02) {
      line += ", over 2%: a negotiated discount, a wrong price or a billing error";
      std::cerr << fmt::format("plan: note: model {}: {}\n", report::terminal_cell(w.key), report::terminal_cell(line));
    }
  }
  p.notes[w.key].push_back(line);
  p.billed[w.key] = {billed, summary.period_days, list};
}

// The options of a workload served by the sheet's model `id`: that model, its other offers
// and its successors as asked; the workload's models: and their reasons.
void add_sheet_model_options(OptionSet& set, report::ImportedProfile& p, const usage::ImportedWorkload& w,
                             const std::string& id, const PriceSheet& sheet, const usage::ImportSummary& summary,
                             const Alternatives& alt) {
  std::vector<std::string>& models = p.models[w.key];
  std::vector<std::string>& models_why = p.models_why[w.key];
  const ApiModel* api = sheet.find_api(id);
  auto& own = set.add(id, report::ImportOptionKind::api, id, api->line);
  add_unique(own.seen, w.key);
  p.current_option[w.key] = id;
  OptionSet::note(own, fmt::format("the model that served '{}'", w.key));
  const auto offers = usage::same_model_offers(sheet, id);
  for (const auto& off : offers) add_unique(models, off.serves);
  models_why.push_back(fmt::format("served by {}; held to it{} (widen to let another model serve it)", id,
                                   offers.size() > 1 ? " and to the same model at the sheet's other offers" : ""));
  if (w.billed) record_billed(p, w, *api, id, sheet, summary);
  if (alt.same_model) add_same_model(set, offers, id, w, id);
  if (alt.successors && api->successor && sheet.find_api(*api->successor)) {
    const ApiModel* next = sheet.find_api(*api->successor);
    const std::string when = api->retires ? fmt::format(" {}", *api->retires) : "";
    const std::string tense = api->retires && !sheet.effective_date.empty() && *api->retires <= sheet.effective_date
                                  ? "retired" : "retires";
    auto& o = set.add(next->id, report::ImportOptionKind::api, next->id, next->line);
    OptionSet::note(o, fmt::format("successor of {}, which {}{} ({}:{})", id, tense, when, sheet.path, api->line));
    add_unique(models, next->id);
    models_why.push_back(fmt::format("and its successor {}: {} {}{}", next->id, id, tense, when));
  }
  if (alt.successors) add_managed_successors(set, sheet, offers, models, models_why);
}

// The options of a workload served by an open-weight model of the catalog (a vLLM server, a
// self-hosted endpoint behind LiteLLM): its offers, successors and a self-hosted fleet as
// asked. A model outside the catalog gets no models: and no options.
void add_catalog_model_options(OptionSet& set, report::ImportedProfile& p, const usage::ImportedWorkload& w,
                               const Catalog& cat, const PriceSheet& sheet, const Alternatives& alt) {
  const ModelArch* arch = nullptr;
  for (const auto& m : cat.models)
    if (model_name_matches(w.key, m.id, m.hf_ids)) { arch = &m; break; }
  if (!arch) {
    p.models.erase(w.key);
    p.models_why.erase(w.key);
    return;
  }
  std::vector<std::string>& models = p.models[w.key];
  std::vector<std::string>& models_why = p.models_why[w.key];
  const auto offers = usage::same_model_offers(sheet, arch->id);
  add_unique(models, arch->id);
  for (const auto& off : offers) add_unique(models, off.serves);
  models_why.push_back(fmt::format("served by {} ({}); held to it, on any offer or fleet (widen to let another model "
                                   "serve it)", arch->id, cite(*arch)));
  if (alt.same_model) add_same_model(set, offers, arch->id, w, "");
  if (alt.successors) add_managed_successors(set, sheet, offers, models, models_why);
  if (alt.self_hosted || offers.empty()) {
    double weights_gb = 0;
    if (const GpuInstance* inst = cheapest_fitting(sheet, cat, *arch, &weights_gb)) {
      auto& o = set.add("self-hosted-" + arch->id, report::ImportOptionKind::self_hosted, inst->id, inst->line);
      o.model = arch->id;
      add_unique(o.seen, w.key);
      OptionSet::note(o, fmt::format("{} self-hosted: {} is the cheapest on-demand instance of the sheet whose GPUs "
                                     "hold its bf16 weights ({:.1f} GB) in 80% of their memory; compare sizes the fleet",
                                     arch->id, inst->id, weights_gb));
      if (!alt.self_hosted)
        OptionSet::note(o, "added because the sheet has no pay-per-token offer of this model");
    }
  }
}

// Models the user would consider: what-if options, outside every workload's models:.
void add_considered(OptionSet& set, const std::vector<std::string>& consider, const PriceSheet& sheet,
                    const std::vector<std::string>& ids) {
  for (const auto& m : consider) {
    const auto offers = usage::same_model_offers(sheet, m);
    if (offers.empty()) {
      std::vector<std::string> known = ids;
      for (const auto& o : sheet.managed) known.push_back(o.model);
      const auto near = nearest_name(m, known);
      throw Error(fmt::format("--consider '{}' is not a model of price sheet {} (expected an api_models id or a managed "
                              "offering's model{})",
                              m, sheet.version, near ? fmt::format("; did you mean '{}'?", *near) : ""),
                  ExitCode::usage_error);
    }
    for (const auto& off : offers) {
      auto& o = set.add(off.id, off.managed ? report::ImportOptionKind::managed : report::ImportOptionKind::api, off.id, off.line);
      OptionSet::note(o, fmt::format("what-if (--consider {}): {} at {}; outside the workloads' models, so recommend "
                                     "gives its saving apart, as \"if you accept {}\"",
                                     m, off.serves, off.provider, off.serves));
    }
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
  const Alternatives alt = parse_alternatives(a.alternatives);
  std::vector<std::string> ids;
  for (const auto& m : sheet.api_models) ids.push_back(m.id);
  std::optional<Catalog> cat;
  OptionSet set;
  if (!opt.by_tag) {
    for (const auto& w : summary.workloads) {
      if (auto id = usage::map_to_sheet_model(w.key, ids)) {
        add_sheet_model_options(set, p, w, *id, sheet, summary, alt);
        continue;
      }
      if (!cat) cat = load_full_catalog(g);
      add_catalog_model_options(set, p, w, *cat, sheet, alt);
    }
  }
  if (!a.costs.empty()) reconcile_cost_exports(a.costs, sheet, summary, ids, p);
  add_considered(set, a.consider, sheet, ids);
  if (set.empty()) {
    p.options_are_whole_sheet = true;
    p.models.clear();
    p.models_why.clear();
    for (const auto& m : sheet.api_models) set.add(m.id, report::ImportOptionKind::api, m.id, m.line);
  }
  p.options = set.take();
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
