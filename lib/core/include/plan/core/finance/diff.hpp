#pragma once
// What changed between two evaluations of the same options (two `plan compare` results,
// one profile under two price sheets, or two profiles), and why: which cost lines moved,
// and for price-sheet changes which price lines of the entries an option uses.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plan/core/options/compare.hpp"
#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/profile.hpp"

namespace plan {

struct OptionDiff {
  std::string id;
  std::optional<double> a_usd;  // monthly cost in A; absent when A lacks the option or it is infeasible
  std::optional<double> b_usd;
  double change_usd = 0;        // b - a (0 when either is absent)
  std::vector<std::string> why; // one line per reason, most telling first
};

struct CompareDiff {
  std::string a_label;  // e.g. "pricing/2024-12.yaml" or a file name
  std::string b_label;
  std::vector<std::string> context;  // changes that apply to every option (volume, sheet)
  std::vector<OptionDiff> options;
};

// Option by option (A's order, then options only B has): cost lines whose cent-rounded
// values differ, feasibility changes and infeasibility reasons, the monthly token volume
// when it differs, and for self-hosted fleets replicas, GPUs, instances, utilisation,
// replica throughput with its provenance and source, and latency at peak (TTFT p50, p95,
// p99, TPOT). An option with any such line has changed; one with none has not.
CompareDiff diff_results(const CompareResult& a, const CompareResult& b);

// One entry of a price sheet (an API model, a managed offering or a GPU instance) that
// differs between two sheets.
struct SheetEntryChange {
  std::string kind;    // "api model", "managed offering", "gpu instance"
  std::string id;
  std::string status;  // "changed", "added" (only in B), "removed" (only in A)
  // Changed: "what: a -> b (a.yaml:LINE -> b.yaml:LINE)" per figure that differs. Added or
  // removed: the entry's place in the sheet that has it.
  std::vector<std::string> lines;
};

struct SheetDiff {
  std::vector<SheetEntryChange> entries;  // A's order by kind, then entries only B has
  int unchanged = 0;                      // entries in both sheets with every figure equal
};

// Every priced figure and limit of every entry, sheet A against sheet B: token prices
// (with long-context tiers), provisioned terms and unit throughput, dedicated endpoints,
// instance prices by term, GPU counts, context and output limits and retirement dates.
// Sources, rate limits and data classes are not compared.
SheetDiff diff_sheets(const PriceSheet& a, const PriceSheet& b);

// The price lines of the sheet entries `option` uses that differ between two sheets, as
// "what: old -> new (a.yaml:LINE -> b.yaml:LINE)". Empty when none differ.
std::vector<std::string> price_changes(const Option& option, const PriceSheet& a, const PriceSheet& b);

// An option's settings as (key, value) text, in one fixed key order for every kind (a key
// that does not apply to the kind is empty), so two options can be compared key by key.
std::vector<std::pair<std::string, std::string>> option_settings(const Option& o);

struct SettingChange {
  std::string key, before, after;
};
// The settings that differ between two options, in option_settings order.
std::vector<SettingChange> option_settings(const Option& a, const Option& b);

}  // namespace plan
