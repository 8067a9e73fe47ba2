#pragma once
// The options of a profile built from usage data (`plan profile import`): the price sheet's
// offers of each model the data saw, the alternatives asked for (the same model elsewhere,
// successors, a self-hosted fleet), what-if models, and each workload's `models:` with the
// reason for each line (docs/profiles.md, "Alternatives"). No files and no printing: the
// CLI reads the data, and plan_report writes the profile.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plan/core/data/catalog.hpp"
#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/usage.hpp"

namespace plan::usage {

// An option of the written profile: an API model of the sheet, a managed offering's
// on-demand prices, or a self-hosted fleet on an instance of the sheet.
enum class ImportOptionKind { api, managed, self_hosted };

struct ImportOption {
  std::string id;                  // option id; empty: sheet_id
  ImportOptionKind kind = ImportOptionKind::api;
  std::string sheet_id;            // api_models id, managed id, or gpu_instances id (self_hosted)
  int sheet_line = 0;              // its line in the sheet
  std::string model;               // self_hosted: the catalog model id
  std::string service_tier;        // api / managed: a service tier of the entry; empty: standard
  std::vector<std::string> seen;   // the data's model names that map to it
  std::vector<std::string> why;    // why it is there, one comment line each
};

// The alternatives added beside the models seen (`--alternatives`).
struct ImportAlternatives {
  bool same_model = false;   // the same model at every provider and service tier of the sheet
  bool successors = false;   // the successor of a retiring model
  bool self_hosted = false;  // an open-weight model on the cheapest sheet instance that holds it
};

// Reads lists such as "same-model,successors", "all" or "none" (each element may hold several,
// comma-separated). Throws a usage error naming the first word that is none of these.
ImportAlternatives parse_alternatives(const std::vector<std::string>& given);

// What the data billed a workload over `days`, and the list price of the same tokens.
struct BilledFigures {
  double usd = 0;
  double days = 0;
  std::optional<double> list_usd;
};

// The options built so far and, per workload key, what the profile writes beside it.
struct ImportedOptions {
  std::vector<ImportOption> options;     // in the order first added
  bool options_are_whole_sheet = false;  // no model seen is on the sheet: every API model
  // The models that may serve each key (written as `models:`), and why, one line each. A key
  // without an entry accepts any model.
  std::map<std::string, std::vector<std::string>> models;
  std::map<std::string, std::vector<std::string>> models_why;
  std::map<std::string, std::vector<std::string>> notes;  // comment lines after its rows
  std::map<std::string, std::string> current_option;     // the option that served it
  std::map<std::string, BilledFigures> billed;
  // (key, line): billed costs more than 2% off the list price, for the user's attention.
  std::vector<std::pair<std::string, std::string>> attention;

  // The option `id`, added with these fields when it is not there yet. The reference holds
  // until the next add.
  ImportOption& add(const std::string& id, ImportOptionKind kind, const std::string& sheet_id, int line);
};

// The options of each workload of `summary` (one per model): a model of the sheet gets its
// own entry, its other offers and successors as `alt` asks; an open-weight model of the
// catalog gets its offers, successors and a self-hosted fleet as asked (a fleet also when the
// sheet has no pay-per-token offer of it). `catalog` is called only when a workload's model is
// not on the sheet. A model in neither gets no `models:` and no options. A billed cost in
// the data is compared with the list price of the same tokens (a note, `billed`, and
// `attention` when over 2%).
void add_workload_options(ImportedOptions& out, const ImportSummary& summary, const PriceSheet& sheet,
                          const ImportAlternatives& alt, const std::function<const Catalog&()>& catalog);

// Models the user would consider (`--consider`): each offer of each as a what-if option,
// outside every workload's `models:`. Throws a usage error for a model not on the sheet.
void add_considered(ImportedOptions& out, const std::vector<std::string>& consider, const PriceSheet& sheet);

// An OpenAI organization costs export (read by plan_io), over the usage data's period.
struct CostExport {
  std::string path;
  std::string sha256;
  std::map<std::string, double> usd_by_model;  // cost_line_item_model of each line item: USD
  double usd = 0;                              // all counted buckets
  std::uint64_t buckets = 0;                   // counted (overlapping the period)
  std::uint64_t outside = 0;                   // outside the period, left out
  std::int64_t first_s = 0, end_s = 0;         // span of the counted buckets
};

// What a cost export says against the usage data's tokens.
struct CostReconciliation {
  bool covered = false;  // its buckets cover the usage period; else nothing is reconciled
  // Covered: the export's buckets and total, and its line items of no workload; else why not.
  std::string summary;
  std::vector<std::string> lines;  // one per sheet model of the data the export bills
  std::vector<std::pair<std::string, std::string>> attention;  // (key, line): over 2%
};

// Reconciles `c` with the list price of the tokens of each workload served by a sheet model:
// the line items of a model (by map_to_sheet_model) are its billed cost, compared with
// list_cost_usd of the workload's tokens over the whole period; a note of the workload and
// its `billed` figures in `out` (replacing a billed cost from the data). A model that more
// than one workload maps to is named, not split.
CostReconciliation reconcile_cost_export(ImportedOptions& out, const CostExport& c, const PriceSheet& sheet,
                                         const ImportSummary& summary);

// When no option was added: every API model of the sheet, and no `models:`.
void finish_options(ImportedOptions& out, const PriceSheet& sheet);

// The cheapest on-demand instance of the sheet whose GPUs hold `m`'s weights (with its
// multi-token-prediction layers) at bf16 with a fifth of their memory left for the KV cache;
// nullptr when none does. `weights_gb`: those weights, GB.
const GpuInstance* cheapest_fitting_instance(const PriceSheet& sheet, const Catalog& cat, const ModelArch& m,
                                             double* weights_gb);

// USD with at least two decimals and four significant digits: "0.002520", "12.35".
std::string usd_text(double v);

}  // namespace plan::usage
