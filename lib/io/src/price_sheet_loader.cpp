// Reads pricing/*.yaml. The format is documented in docs/formats.md.
#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "plan/io/files.hpp"
#include "plan/io/loaders.hpp"
#include "entries.hpp"
#include "yaml_strict.hpp"

namespace plan::io {
namespace {

// The most any sheet may charge; above this a figure is a typo.
constexpr double max_usd_per_mtok = 10'000;
constexpr double max_usd_per_hour = 10'000;
constexpr double max_tokens_per_min = 1e12;

// What a price list may hold besides its prices: long-context tiers (not inside a tier) and
// service tiers (only at the top of an entry's prices).
enum class Nesting { top, service_tier, context_tier };

TokenPrices read_token_prices(Map& m, Nesting nesting = Nesting::top) {
  TokenPrices p;
  auto price = Range::non_negative(max_usd_per_mtok);
  p.input_per_mtok = m.num("input_per_mtok", price);
  p.output_per_mtok = m.num("output_per_mtok", price);
  p.cached_input_per_mtok = m.opt_num("cached_input_per_mtok", price);
  p.cache_write_per_mtok = m.opt_num("cache_write_per_mtok", price);
  p.cache_write_1h_per_mtok = m.opt_num("cache_write_1h_per_mtok", price);
  p.batch_input_per_mtok = m.opt_num("batch_input_per_mtok", price);
  p.batch_output_per_mtok = m.opt_num("batch_output_per_mtok", price);
  if (p.batch_input_per_mtok.has_value() != p.batch_output_per_mtok.has_value())
    throw Error(m.loc(), fmt::format("{} has only one of batch_input_per_mtok and batch_output_per_mtok (expected both or neither)",
                                     m.what()));
  p.batch_with_cache = m.opt_bool("batch_with_cache").value_or(false);
  if (nesting == Nesting::top) p.batch_note = m.opt_str("batch_note").value_or("");
  if (p.batch_with_cache && !p.batch_input_per_mtok)
    throw Error(m.key_loc("batch_with_cache"),
                fmt::format("{} sets batch_with_cache without batch prices (expected batch_input_per_mtok and "
                            "batch_output_per_mtok)", m.what()));
  if (nesting != Nesting::context_tier) {
    double last = 0;
    m.seq("tiers", [&](const Node& n, std::size_t i) {
      Map t(m.file(), n, fmt::format("tier {} of {}", i + 1, m.what()));
      ContextTier tier;
      tier.above_input_tokens = t.num("above_input_tokens", Range::positive(1e9));
      if (tier.above_input_tokens <= last)
        throw Error(t.key_loc("above_input_tokens"),
                    fmt::format("{}: above_input_tokens {} is not above the previous tier's {} (expected tiers in "
                                "increasing order)", t.what(), tier.above_input_tokens, last));
      last = tier.above_input_tokens;
      tier.prices = read_token_prices(t, Nesting::context_tier);
      tier.line = t.loc().line;
      t.finish();
      p.tiers.push_back(std::move(tier));
    }, false);
  }
  if (nesting == Nesting::top) {
    std::set<std::string> names;
    m.seq("service_tiers", [&](const Node& n, std::size_t i) {
      Map t(m.file(), n, fmt::format("service tier {} of {}", i + 1, m.what()));
      ServiceTier st;
      st.name = t.str("name");
      if (!names.insert(st.name).second)
        throw Error(t.key_loc("name"), fmt::format("duplicate service tier '{}' in {} (expected each name once)",
                                                   st.name, m.what()));
      st.prices = read_token_prices(t, Nesting::service_tier);
      st.line = t.loc().line;
      t.finish();
      p.service_tiers.push_back(std::move(st));
    }, false);
  }
  return p;
}

std::optional<std::string> read_retires(Map& m) {
  auto d = m.opt_str("retires");
  if (d && !is_iso_date(*d))
    throw Error(m.key_loc("retires"), fmt::format("'retires' of {} is '{}' (expected a date YYYY-MM-DD)", m.what(), *d));
  return d;
}

std::vector<RateLimit> read_rate_limits(Map& m) {
  std::vector<RateLimit> out;
  std::set<std::string> tiers;
  m.seq("rate_limits", [&](const Node& n, std::size_t i) {
    Map r(m.file(), n, fmt::format("rate limit {} of {}", i + 1, m.what()));
    RateLimit l;
    l.tier = r.str("tier");
    if (!tiers.insert(l.tier).second) throw Error(r.key_loc("tier"), fmt::format("duplicate tier '{}' in {} (expected each tier once)", l.tier, m.what()));
    auto lim = Range::positive(max_tokens_per_min);
    l.requests_per_min = r.opt_num("requests_per_min", lim);
    l.tokens_per_min = r.opt_num("tokens_per_min", lim);
    l.input_tokens_per_min = r.opt_num("input_tokens_per_min", lim);
    l.output_tokens_per_min = r.opt_num("output_tokens_per_min", lim);
    r.opt_num("requests_per_day", lim);  // published by some providers; not yet checked
    r.opt_num("batch_queue_tokens", lim);
    l.line = r.loc().line;
    r.finish();
    out.push_back(std::move(l));
  }, false);
  return out;
}

// Batch prices from the provider's rule where the entry gives none: input and output x (1 -
// discount), in every long-context tier too.
void apply_batch_rule(TokenPrices& p, const BatchRule* rule) {
  if (!rule) return;
  if (!p.batch_input_per_mtok) {
    p.batch_input_per_mtok = p.input_per_mtok * (1 - rule->discount);
    p.batch_output_per_mtok = p.output_per_mtok * (1 - rule->discount);
    p.batch_with_cache = rule->with_cache;
    p.batch_rule_line = rule->line;
  }
  for (auto& t : p.tiers) apply_batch_rule(t.prices, rule);
}

void check_source(const PriceSheet& s, Map& m, const std::string& id) {
  if (id.empty()) return;
  auto it = std::find_if(s.sources.begin(), s.sources.end(), [&](const Source& x) { return x.id == id; });
  if (it == s.sources.end()) {
    std::vector<std::string> ids;
    for (const auto& x : s.sources) ids.push_back(x.id);
    throw Error(m.key_loc("source"), fmt::format("source '{}' of {} is not listed under 'sources' (expected one of: {})", id,
                                                 m.what(), ids.empty() ? "none listed" : fmt::format("{}", fmt::join(ids, ", "))));
  }
}

// API models, managed offerings and GPU instances are read alike: the id first, so that
// every later message names the entry, then the rest by `read`; each cites a listed source
// and has an id no other entry of the sheet has.
template <typename T, typename Read>
void read_entries(PriceSheet& s, Map& top, const char* key, const char* what, std::set<std::string>& ids,
                  std::vector<T>& out, Read read) {
  top.seq(key, [&](const Node& n, std::size_t i) {
    Map first(top.file(), n, fmt::format("{} {}", what, i + 1));
    T item;
    item.id = first.str("id");
    Map m(top.file(), n, fmt::format("{} '{}'", what, item.id));
    m.allow("id");
    read(m, item);
    item.line = m.loc().line;
    m.finish();
    check_source(s, m, item.source);
    check_unique(ids, item, m, "price-sheet entry");
    out.push_back(std::move(item));
  }, false);
}

// The batch_rules: at most one per provider, each citing a listed source.
void read_batch_rules(const std::string& file, Map& top, PriceSheet& s) {
  std::set<std::string> providers;
  top.seq("batch_rules", [&](const Node& n, std::size_t i) {
    Map m(file, n, fmt::format("batch rule {}", i + 1));
    BatchRule r;
    r.provider = m.str("provider");
    if (!providers.insert(r.provider).second)
      throw Error(m.key_loc("provider"), fmt::format("duplicate batch rule for provider '{}' (expected one per "
                                                     "provider)", r.provider));
    r.discount = m.num("discount", Range{0, 1, false});
    r.with_cache = m.opt_bool("with_cache").value_or(false);
    r.source = m.str("source");
    m.opt_str("note");
    r.line = m.loc().line;
    m.finish();
    check_source(s, m, r.source);
    s.batch_rules.push_back(std::move(r));
  }, false);
}

// An api_models entry after its id; where its successor is written goes to successor_locs.
void read_api_model(Map& m, ApiModel& a, const PriceSheet& s, std::map<std::string, SourceLoc>& successor_locs) {
  a.provider = m.str("provider");
  a.prices = read_token_prices(m);
  a.context_tokens = m.opt_num("context_tokens", Range::positive(1e9));
  a.max_output_tokens = m.opt_num("max_output_tokens", Range::positive(1e9));
  a.retires = read_retires(m);
  a.successor = m.opt_str("successor");
  if (a.successor) successor_locs[a.id] = m.key_loc("successor");
  a.rate_limits = read_rate_limits(m);
  a.data_classes = m.opt_str_list("data_classes");
  a.source = m.opt_str("source").value_or("");
  apply_batch_rule(a.prices, s.find_batch_rule(a.provider));
}

// The provisioned throughput of managed offering o: units' rates and the price of each term.
Provisioned read_provisioned(const std::string& file, const Node& node, const ManagedOffering& o, const PriceSheet& s) {
  Map p(file, node, fmt::format("provisioned of '{}'", o.id));
  Provisioned prov;
  prov.input_tokens_per_min_per_unit = p.opt_num("input_tokens_per_min_per_unit", Range::positive(max_tokens_per_min));
  prov.output_tokens_per_min_per_unit = p.opt_num("output_tokens_per_min_per_unit", Range::positive(max_tokens_per_min));
  prov.source = p.opt_str("source").value_or("");
  std::set<std::string> terms;
  p.seq("terms", [&](const Node& tn, std::size_t j) {
    Map t(file, tn, fmt::format("term {} of '{}'", j + 1, o.id));
    ProvisionedTerm term;
    term.term = t.str("term");
    term.usd_per_unit_hour = t.num("usd_per_unit_hour", Range::positive(max_usd_per_hour));
    term.months = t.opt_integer("months", 0, 120).value_or(0);
    term.line = t.loc().line;
    t.finish();
    if (!terms.insert(term.term).second)
      throw Error(t.key_loc("term"), fmt::format("duplicate term '{}' in '{}' (expected each term once)", term.term, o.id));
    prov.terms.push_back(term);
  });
  p.finish();
  check_source(s, p, prov.source);
  return prov;
}

// The dedicated endpoint of managed offering o: its GPUs and hourly price.
DedicatedEndpoint read_dedicated(const std::string& file, const Node& node, const ManagedOffering& o, const PriceSheet& s) {
  Map d(file, node, fmt::format("dedicated of '{}'", o.id));
  DedicatedEndpoint e;
  e.gpu = d.str("gpu");
  e.gpu_count = d.integer("gpu_count", 1, 64);
  e.usd_per_hour = d.num("usd_per_hour", Range::positive(max_usd_per_hour));
  e.source = d.opt_str("source").value_or("");
  d.finish();
  check_source(s, d, e.source);
  return e;
}

// A managed entry after its id: on-demand, provisioned and dedicated prices, at least one.
void read_managed_offering(const std::string& file, Map& m, ManagedOffering& o, const PriceSheet& s,
                           std::map<std::string, SourceLoc>& successor_locs) {
  o.provider = m.str("provider");
  o.model = m.str("model");
  o.source = m.opt_str("source").value_or("");
  o.data_classes = m.opt_str_list("data_classes");
  o.rate_limits = read_rate_limits(m);
  o.context_tokens = m.opt_num("context_tokens", Range::positive(1e9));
  o.max_output_tokens = m.opt_num("max_output_tokens", Range::positive(1e9));
  o.retires = read_retires(m);
  o.successor = m.opt_str("successor");
  if (o.successor) successor_locs[o.id] = m.key_loc("successor");
  if (auto od = m.opt_node("on_demand")) {
    Map p(file, *od, fmt::format("on_demand of '{}'", o.id));
    o.on_demand = read_token_prices(p);
    p.finish();
    apply_batch_rule(*o.on_demand, s.find_batch_rule(o.provider));
  }
  if (auto pt = m.opt_node("provisioned")) o.provisioned = read_provisioned(file, *pt, o, s);
  if (auto dn = m.opt_node("dedicated")) o.dedicated = read_dedicated(file, *dn, o, s);
  if (!o.on_demand && !o.provisioned && !o.dedicated)
    throw Error(m.loc(), fmt::format("managed offering '{}' has no prices (expected on_demand, provisioned or dedicated)", o.id));
}

// A gpu_instances entry after its id: hourly prices, a spot range around the spot price.
void read_gpu_instance(Map& m, GpuInstance& g) {
  g.provider = m.str("provider");
  g.instance = m.str("instance");
  g.gpu = m.str("gpu");
  g.gpu_count = m.integer("gpu_count", 1, 64);
  g.region = m.opt_str("region").value_or("");
  auto hourly = Range::positive(max_usd_per_hour);
  g.on_demand_per_hour = m.num("on_demand_per_hour", hourly);
  g.reserved_1y_per_hour = m.opt_num("reserved_1y_per_hour", hourly);
  g.reserved_3y_per_hour = m.opt_num("reserved_3y_per_hour", hourly);
  g.spot_per_hour = m.opt_num("spot_per_hour", hourly);
  g.spot_min_per_hour = m.opt_num("spot_min_per_hour", hourly);
  g.spot_max_per_hour = m.opt_num("spot_max_per_hour", hourly);
  if ((g.spot_min_per_hour || g.spot_max_per_hour) && !g.spot_per_hour)
    throw Error(m.key_loc(g.spot_min_per_hour ? "spot_min_per_hour" : "spot_max_per_hour"),
                fmt::format("{} gives a spot range without spot_per_hour (expected the median as spot_per_hour)",
                            m.what()));
  if (g.spot_min_per_hour && *g.spot_min_per_hour > *g.spot_per_hour)
    throw Error(m.key_loc("spot_min_per_hour"), fmt::format("{}: spot_min_per_hour {} is above spot_per_hour {}",
                                                            m.what(), *g.spot_min_per_hour, *g.spot_per_hour));
  if (g.spot_max_per_hour && *g.spot_max_per_hour < *g.spot_per_hour)
    throw Error(m.key_loc("spot_max_per_hour"), fmt::format("{}: spot_max_per_hour {} is below spot_per_hour {}",
                                                            m.what(), *g.spot_max_per_hour, *g.spot_per_hour));
  g.source = m.opt_str("source").value_or("");
}

// A successor is an entry of the same section, other than the entry itself.
void check_successors(const PriceSheet& s, std::map<std::string, SourceLoc>& successor_locs) {
  auto check_successor = [&](const std::string& id, const std::optional<std::string>& succ, bool found,
                             const char* section) {
    if (!succ) return;
    if (*succ == id || !found)
      throw Error(successor_locs[id],
                  fmt::format("successor '{}' of '{}' is not another entry of {} in this sheet", *succ, id, section));
  };
  for (const auto& a : s.api_models)
    check_successor(a.id, a.successor, a.successor && s.find_api(*a.successor), "api_models");
  for (const auto& o : s.managed)
    check_successor(o.id, o.successor, o.successor && s.find_managed(*o.successor), "managed");
}

}  // namespace

PriceSheet parse_price_sheet(const std::string& file, const std::string& text) {
  Document doc = parse_document(file, text);
  Map top(file, doc.root, "price sheet");
  PriceSheet s;
  s.path = file;
  s.sha256 = sha256_hex(text);
  s.version = top.str("version");
  s.effective_date = top.str("effective_date");
  s.currency = top.str("currency");
  top.opt_str("description");
  if (s.currency != "USD")
    throw Error(top.key_loc("currency"), fmt::format("currency '{}' is not supported (expected USD)", s.currency));

  read_sources(file, top, s.sources);

  read_batch_rules(file, top, s);

  std::set<std::string> ids;
  std::map<std::string, SourceLoc> successor_locs;  // entry id -> where its successor is written
  read_entries(s, top, "api_models", "api model", ids, s.api_models,
               [&](Map& m, ApiModel& a) { read_api_model(m, a, s, successor_locs); });

  read_entries(s, top, "managed", "managed offering", ids, s.managed,
               [&](Map& m, ManagedOffering& o) { read_managed_offering(file, m, o, s, successor_locs); });

  read_entries(s, top, "gpu_instances", "GPU instance", ids, s.gpu_instances,
               [&](Map& m, GpuInstance& g) { read_gpu_instance(m, g); });

  check_successors(s, successor_locs);

  top.finish();
  return s;
}

PriceSheet load_price_sheet(const std::string& path) {
  Limits limits;
  return parse_price_sheet(path, read_text_file(path, limits.max_bytes));
}

namespace {

// The *.yaml files of a sheet directory, in name order.
std::vector<std::string> sheet_paths(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(SourceLoc{dir, 0, 0}, "price-sheet directory not found (expected a directory holding pricing/*.yaml)");
  std::vector<std::string> paths;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".yaml") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

// Sorts oldest first and refuses a version that two files give.
void order_sheets(std::vector<SheetFile>& out) {
  std::set<std::string> versions;
  for (const auto& f : out) {
    if (!versions.insert(f.version).second)
      throw Error(SourceLoc{f.path, 0, 0}, fmt::format("price-sheet version '{}' appears in two files", f.version));
  }
  std::sort(out.begin(), out.end(), [](const SheetFile& a, const SheetFile& b) {
    return std::tie(a.effective_date, a.version) < std::tie(b.effective_date, b.version);
  });
}

// A sheet's version and effective date from its top-level `version:` and `effective_date:`
// lines alone, without parsing the rest of the file; nullopt when either line is missing or
// given twice, or is not a plain `key: scalar` line (the whole sheet is read then).
std::optional<SheetFile> read_sheet_header(const std::string& path) {
  Limits limits;
  const std::string text = read_text_file(path, limits.max_bytes);
  std::string lines;
  int version_lines = 0, date_lines = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    const bool is_version = line.substr(0, 8) == "version:";
    const bool is_date = line.substr(0, 15) == "effective_date:";
    if (is_version || is_date) {
      (is_version ? version_lines : date_lines)++;
      lines.append(line).append("\n");
    }
    pos = end + 1;
  }
  if (version_lines != 1 || date_lines != 1) return std::nullopt;
  try {
    const Node n = parse_document(path, lines).root;
    if (!n["version"].IsScalar() || !n["effective_date"].IsScalar()) return std::nullopt;
    return SheetFile{n["version"].Scalar(), n["effective_date"].Scalar(), path};
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace

std::vector<SheetFile> list_price_sheets(const std::string& dir) {
  std::vector<SheetFile> out;
  for (const auto& p : sheet_paths(dir)) {
    PriceSheet s = load_price_sheet(p);
    out.push_back({s.version, s.effective_date, p});
  }
  order_sheets(out);
  return out;
}

PriceSheet resolve_price_sheet(const std::string& spec, const std::string& dir) {
  bool is_path = spec.find('/') != std::string::npos ||
                 (spec.size() > 5 && spec.compare(spec.size() - 5, 5, ".yaml") == 0);
  if (is_path) return load_price_sheet(spec);
  // Only the sheet used is read whole: the others are known by their header lines (a file
  // whose header cannot be read that way is read whole), which keeps a compare fast.
  std::vector<SheetFile> sheets;
  for (const auto& p : sheet_paths(dir)) {
    if (auto h = read_sheet_header(p)) {
      sheets.push_back(*h);
    } else {
      PriceSheet s = load_price_sheet(p);
      sheets.push_back({s.version, s.effective_date, p});
    }
  }
  order_sheets(sheets);
  if (sheets.empty()) throw Error(SourceLoc{dir, 0, 0}, "no price sheets found (expected pricing/*.yaml)");
  // The newest sheet, or the one of version `spec`.
  auto choose = [&spec](const std::vector<SheetFile>& list) {
    if (spec.empty()) return &list.back();
    for (const auto& s : list) {
      if (s.version == spec) return &s;
    }
    std::vector<std::string> names;
    for (const auto& s : list) names.push_back(s.version);
    throw Error(fmt::format("unknown price-sheet version '{}' (expected one of: {})", spec, fmt::join(names, ", ")));
  };
  const SheetFile* chosen = choose(sheets);
  PriceSheet sheet = load_price_sheet(chosen->path);
  // A header read wrongly (a layout the line scan does not know) falls back to reading
  // every sheet whole.
  if (sheet.version != chosen->version || sheet.effective_date != chosen->effective_date) {
    sheets = list_price_sheets(dir);
    chosen = choose(sheets);
    sheet = load_price_sheet(chosen->path);
  }
  // Sheets found by version are named relative to the data directory ("pricing/V.yaml"),
  // so reports do not depend on where the tool is installed.
  namespace fs = std::filesystem;
  sheet.path = (fs::path(dir).filename() / fs::path(chosen->path).filename()).string();
  return sheet;
}

}  // namespace plan::io
