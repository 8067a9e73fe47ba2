// The options of a profile built from usage data; see usage_options.hpp.
#include "plan/core/data/usage_options.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "plan/core/base/error.hpp"
#include "plan/core/base/suggest.hpp"

namespace plan::usage {
namespace {

std::string percent(double share) {
  std::string s = fmt::format("{:.1f}", 100 * share);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.erase(s.size() - 2);
  return s + "%";
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

void note(ImportOption& o, const std::string& why) { add_unique(o.why, why); }

ImportOptionKind kind_of(const ModelOffer& off) {
  return off.managed ? ImportOptionKind::managed : ImportOptionKind::api;
}

std::vector<std::string> api_ids(const PriceSheet& sheet) {
  std::vector<std::string> ids;
  for (const auto& m : sheet.api_models) ids.push_back(m.id);
  return ids;
}

// " 2026-12-11" and "retired" / "retires" of an entry retiring on `retires`, against the sheet's date.
std::pair<std::string, std::string> retirement_words(const std::optional<std::string>& retires, const PriceSheet& sheet) {
  const std::string when = retires ? fmt::format(" {}", *retires) : "";
  const std::string tense =
      retires && !sheet.effective_date.empty() && *retires <= sheet.effective_date ? "retired" : "retires";
  return {when, tense};
}

// The offers of `offers` as options: each at its standard prices and at each service tier.
void add_same_model(ImportedOptions& out, const std::vector<ModelOffer>& offers, const std::string& model,
                    const ImportedWorkload& w, const std::string& skip_id) {
  for (const auto& off : offers) {
    std::string batch;
    if (w.batchable_share > 0 && off.batch)
      batch = fmt::format("; batch prices for the batchable {} of '{}'", percent(w.batchable_share), w.key);
    if (off.id != skip_id)
      note(out.add(off.id, kind_of(off), off.id, off.line),
           fmt::format("same model ({}) at {}{}", model, off.provider, batch));
    else if (!batch.empty())
      note(out.add(off.id, kind_of(off), off.id, off.line), batch.substr(2));
    for (const auto& tier : off.service_tiers) {
      auto& o = out.add(off.id + "-" + tier, kind_of(off), off.id, off.line);
      o.service_tier = tier;
      note(o, fmt::format("same model ({}) at {}, service tier {}{}", model, off.provider, tier, batch));
    }
  }
}

// The successors of the retiring managed offerings among `offers` (a Bedrock model's next
// version), as options, their models added to the workload's.
void add_managed_successors(ImportedOptions& out, const PriceSheet& sheet, const std::vector<ModelOffer>& offers,
                            const std::string& key) {
  for (const auto& off : offers) {
    const ManagedOffering* m = off.managed ? sheet.find_managed(off.id) : nullptr;
    if (!m || !m->successor) continue;
    const ManagedOffering* next = sheet.find_managed(*m->successor);
    if (!next || !next->on_demand) continue;
    const auto [when, tense] = retirement_words(m->retires, sheet);
    note(out.add(next->id, ImportOptionKind::managed, next->id, next->line),
         fmt::format("successor of {}, which {}{} ({}:{})", m->id, tense, when, sheet.path, m->line));
    std::vector<std::string>& models = out.models[key];
    if (std::find(models.begin(), models.end(), next->model) == models.end()) {
      models.push_back(next->model);
      out.models_why[key].push_back(fmt::format("and {}, the model of {}, successor of {}: {} {}{}", next->model,
                                                next->id, m->id, m->id, tense, when));
    }
  }
}

// A billed figure against the list price of the same tokens: the difference appended to
// `line`, which becomes a note of the workload (and an `attention` line when over 2%), and the
// billed figures kept.
template <class Attention>
void record_against_list(ImportedOptions& out, Attention& attention, const std::string& key, std::string line,
                         double billed, double list, double period_days) {
  if (list > 0) {
    const double diff = billed / list - 1;
    line += fmt::format(": {:+.1f}%", 100 * diff);
    if (std::abs(diff) > 0.02) {
      line += ", over 2%: a negotiated discount, a wrong price or a billing error";
      attention.emplace_back(key, line);
    }
  }
  out.notes[key].push_back(line);
  out.billed[key] = {billed, period_days, list};
}

// What the source billed a workload against the list price of the same tokens: a note of
// the workload (and `attention` when over 2%) and its billed figures.
void record_billed(ImportedOptions& out, const ImportedWorkload& w, const ApiModel& api, const PriceSheet& sheet,
                   const ImportSummary& summary) {
  const double list = list_cost_usd(*w.billed, api.prices);
  const double billed = w.billed->usd;
  std::string line = fmt::format("billed {} USD in the data ({} rows with a cost) against {} USD at the "
                                 "list prices of {} ({}:{})",
                                 usd_text(billed), w.billed->records, usd_text(list), api.id, sheet.path, api.line);
  record_against_list(out, out.attention, w.key, std::move(line), billed, list, summary.period_days);
}

// The options of a workload served by the sheet's model `api`: that model, its other offers
// and its successors as asked; the workload's models: and their reasons.
void add_sheet_model_options(ImportedOptions& out, const ImportedWorkload& w, const ApiModel& api,
                             const PriceSheet& sheet, const ImportSummary& summary, const ImportAlternatives& alt) {
  const std::string& id = api.id;
  auto& own = out.add(id, ImportOptionKind::api, id, api.line);
  add_unique(own.seen, w.key);
  out.current_option[w.key] = id;
  note(own, fmt::format("the model that served '{}'", w.key));
  const auto offers = same_model_offers(sheet, id);
  std::vector<std::string>& models = out.models[w.key];
  for (const auto& off : offers) add_unique(models, off.serves);
  out.models_why[w.key].push_back(
      fmt::format("served by {}; held to it{} (widen to let another model serve it)", id,
                  offers.size() > 1 ? " and to the same model at the sheet's other offers" : ""));
  if (w.billed) record_billed(out, w, api, sheet, summary);
  if (alt.same_model) add_same_model(out, offers, id, w, id);
  const ApiModel* next = alt.successors && api.successor ? sheet.find_api(*api.successor) : nullptr;
  if (next) {
    const auto [when, tense] = retirement_words(api.retires, sheet);
    note(out.add(next->id, ImportOptionKind::api, next->id, next->line),
         fmt::format("successor of {}, which {}{} ({}:{})", id, tense, when, sheet.path, api.line));
    add_unique(out.models[w.key], next->id);
    out.models_why[w.key].push_back(fmt::format("and its successor {}: {} {}{}", next->id, id, tense, when));
  }
  if (alt.successors) add_managed_successors(out, sheet, offers, w.key);
}

// The options of a workload served by an open-weight model of the catalog (a vLLM server, a
// self-hosted endpoint behind LiteLLM): its offers, successors and a self-hosted fleet as
// asked. A model outside the catalog gets no models: and no options.
void add_catalog_model_options(ImportedOptions& out, const ImportedWorkload& w, const Catalog& cat,
                               const PriceSheet& sheet, const ImportAlternatives& alt) {
  const ModelArch* arch = nullptr;
  for (const auto& m : cat.models)
    if (model_name_matches(w.key, m.id, m.hf_ids)) { arch = &m; break; }
  if (!arch) {
    out.models.erase(w.key);
    out.models_why.erase(w.key);
    return;
  }
  const auto offers = same_model_offers(sheet, arch->id);
  std::vector<std::string>& models = out.models[w.key];
  add_unique(models, arch->id);
  for (const auto& off : offers) add_unique(models, off.serves);
  out.models_why[w.key].push_back(fmt::format("served by {} ({}); held to it, on any offer or fleet (widen to let "
                                              "another model serve it)",
                                              arch->id, cite(*arch)));
  if (alt.same_model) add_same_model(out, offers, arch->id, w, "");
  if (alt.successors) add_managed_successors(out, sheet, offers, w.key);
  if (!alt.self_hosted && !offers.empty()) return;
  double weights_gb = 0;
  const GpuInstance* inst = cheapest_fitting_instance(sheet, cat, *arch, &weights_gb);
  if (!inst) return;
  auto& o = out.add("self-hosted-" + arch->id, ImportOptionKind::self_hosted, inst->id, inst->line);
  o.model = arch->id;
  add_unique(o.seen, w.key);
  note(o, fmt::format("{} self-hosted: {} is the cheapest on-demand instance of the sheet whose GPUs hold its bf16 "
                      "weights ({:.1f} GB) in 80% of their memory; compare sizes the fleet",
                      arch->id, inst->id, weights_gb));
  if (!alt.self_hosted) note(o, "added because the sheet has no pay-per-token offer of this model");
}

}  // namespace

ImportOption& ImportedOptions::add(const std::string& id, ImportOptionKind kind, const std::string& sheet_id, int line) {
  auto it = std::find_if(options.begin(), options.end(), [&](const ImportOption& o) { return o.id == id; });
  if (it != options.end()) return *it;
  ImportOption o;
  o.id = id;
  o.kind = kind;
  o.sheet_id = sheet_id;
  o.sheet_line = line;
  return options.emplace_back(std::move(o));
}

ImportAlternatives parse_alternatives(const std::vector<std::string>& given) {
  ImportAlternatives alt;
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

void add_workload_options(ImportedOptions& out, const ImportSummary& summary, const PriceSheet& sheet,
                          const ImportAlternatives& alt, const std::function<const Catalog&()>& catalog) {
  const std::vector<std::string> ids = api_ids(sheet);
  for (const auto& w : summary.workloads) {
    const auto id = map_to_sheet_model(w.key, ids);
    if (id) add_sheet_model_options(out, w, *sheet.find_api(*id), sheet, summary, alt);
    else add_catalog_model_options(out, w, catalog(), sheet, alt);
  }
}

void add_considered(ImportedOptions& out, const std::vector<std::string>& consider, const PriceSheet& sheet) {
  for (const auto& m : consider) {
    const auto offers = same_model_offers(sheet, m);
    if (offers.empty()) {
      std::vector<std::string> known = api_ids(sheet);
      for (const auto& o : sheet.managed) known.push_back(o.model);
      const auto near = nearest_name(m, known);
      throw Error(fmt::format("--consider '{}' is not a model of price sheet {} (expected an api_models id or a managed "
                              "offering's model{})",
                              m, sheet.version, near ? fmt::format("; did you mean '{}'?", *near) : ""),
                  ExitCode::usage_error);
    }
    for (const auto& off : offers)
      note(out.add(off.id, kind_of(off), off.id, off.line),
           fmt::format("what-if (--consider {}): {} at {}; outside the workloads' models, so recommend gives its "
                       "saving apart, as \"if you accept {}\"",
                       m, off.serves, off.provider, off.serves));
  }
}

void finish_options(ImportedOptions& out, const PriceSheet& sheet) {
  if (!out.options.empty()) return;
  out.options_are_whole_sheet = true;
  out.models.clear();
  out.models_why.clear();
  for (const auto& m : sheet.api_models) out.add(m.id, ImportOptionKind::api, m.id, m.line);
}

CostReconciliation reconcile_cost_export(ImportedOptions& out, const CostExport& c, const PriceSheet& sheet,
                                         const ImportSummary& summary) {
  CostReconciliation r;
  // Daily buckets must cover the usage period, or the billed cost is of other days' tokens.
  if (c.buckets == 0 || c.first_s > summary.first_s || c.end_s < summary.end_s) {
    r.summary = "not reconciled: its buckets do not cover the usage period (expected daily costs for every day of the "
                "usage data)";
    return r;
  }
  r.covered = true;
  const std::vector<std::string> ids = api_ids(sheet);
  std::map<std::string, std::vector<const ImportedWorkload*>> by_model;  // the workloads of each sheet model
  for (const auto& w : summary.workloads)
    if (auto id = map_to_sheet_model(w.key, ids)) by_model[*id].push_back(&w);
  std::map<std::string, double> billed;  // per sheet model
  std::string unmatched;
  for (const auto& [model, cost] : c.usd_by_model) {
    auto id = map_to_sheet_model(model, ids);
    if (id && by_model.count(*id)) billed[*id] += cost;
    else unmatched += fmt::format("{}{} ({} USD)", unmatched.empty() ? "" : ", ", model, usd_text(cost));
  }
  for (const auto& [id, billed_usd] : billed) {
    const auto& ws = by_model[id];
    if (ws.size() != 1) {
      r.lines.push_back(fmt::format("{}: {} workloads of the data map to it; billed cost not split", id, ws.size()));
      continue;
    }
    const ImportedWorkload& w = *ws[0];
    const ApiModel* api = sheet.find_api(id);
    const double list = list_cost_usd(w.all_tokens, api->prices);
    std::string line = fmt::format("billed {} USD in the cost export {} (line items of {}) against {} USD at the list "
                                   "prices of {} ({}:{}) for the usage data's tokens",
                                   usd_text(billed_usd), c.path, id, usd_text(list), id, sheet.path, api->line);
    record_against_list(out, r.attention, w.key, std::move(line), billed_usd, list, summary.period_days);
  }
  r.summary = fmt::format("cost export: {} daily buckets in the usage period ({} outside, left out), {} USD", c.buckets,
                          c.outside, usd_text(c.usd));
  if (!unmatched.empty()) r.summary += "; line items of no workload: " + unmatched;
  return r;
}

const GpuInstance* cheapest_fitting_instance(const PriceSheet& sheet, const Catalog& cat, const ModelArch& m,
                                             double* weights_gb) {
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

std::string usd_text(double v) {
  int decimals = 2;
  if (v > 0 && v < 1) decimals = std::min(8, std::max(2, 3 - static_cast<int>(std::floor(std::log10(v)))));
  return fmt::format("{:.{}f}", v, decimals);
}

}  // namespace plan::usage
