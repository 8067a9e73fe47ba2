// `plan prices import`: the import spec, the upstream readers and the draft sheet's text.
// Each upstream format is one reader behind `InstanceRows` (GPU instances) or the LiteLLM
// reader (token prices); the spec says which rows to take.
#include "plan/io/price_import.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "plan/core/base/error.hpp"
#include "plan/core/data/price_sheet.hpp"
#include "plan/io/files.hpp"
#include "json_text.hpp"
#include "yaml_strict.hpp"

namespace plan::io {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Upstream files may be large (Cyclenerd's list is ~4 MB); more than this is not a price list.
constexpr std::size_t max_upstream_bytes = 64u << 20;

// ---- number formatting -----------------------------------------------------------------

// A USD per 1M tokens figure from a per-token price: x 1e6, rounded to 8 decimals; two
// decimals when that is exact (1.25 -> "1.25", 10 -> "10.00"), else the shortest form.
std::string per_mtok(double per_token) {
  const double v = std::round(per_token * 1e6 * 1e8) / 1e8;
  if (std::fabs(std::round(v * 100) / 100 - v) < 1e-12) return fmt::format("{:.2f}", v);
  std::string s = fmt::format("{:.8f}", v);
  while (s.back() == '0') s.pop_back();
  return s;
}

// An hourly figure rounded to 5 decimals, in its shortest form.
std::string per_hour(double v) { return fmt::format("{}", std::round(v * 1e5) / 1e5); }

// ---- one row of GPU-instance prices ------------------------------------------------------

struct InstanceRow {
  double on_demand = 0;
  std::optional<double> reserved_1y;
  std::optional<double> reserved_3y;
  std::optional<double> spot;
  std::string where;  // "FILE line N: the figures as written there"
};

// A file of GPU-instance prices: one reader per upstream format.
class InstanceRows {
 public:
  virtual ~InstanceRows() = default;
  // The row of `instance` in `region`; nullopt when the file has none.
  virtual std::optional<InstanceRow> find(const std::string& instance, const std::string& region) const = 0;
};

std::string read_upstream(const std::string& path) {
  return read_text_file(path, max_upstream_bytes);
}

// Cyclenerd/google-cloud-pricing-cost-calculator pricing.yml: compute.instance.<machine>.cost.
// <region>.{hour, hour_spot, month_1y, month_3y}; months are 730 hours (hour x 730 = month), so
// a commitment's hourly price is month_1y / 730.
class CyclenerdGcp final : public InstanceRows {
 public:
  explicit CyclenerdGcp(const std::string& path) : path_(path) {
    // The whole catalog is a few MB with some 10^5 to 10^6 nodes: wider limits than a sheet's.
    Limits limits;
    limits.max_bytes = max_upstream_bytes;
    limits.max_nodes = 20'000'000;
    root_ = parse_document(path, read_upstream(path), limits).root;
  }
  std::optional<InstanceRow> find(const std::string& machine, const std::string& region) const override {
    Node row = root_;
    for (const std::string& k : {std::string("compute"), std::string("instance"), machine, std::string("cost"), region}) {
      row = row[k];  // undefined once a level is missing
    }
    if (!row.IsMap() || !row["hour"]) return std::nullopt;
    auto num = [&](const char* k) -> std::optional<double> {
      const Node n = row[k];
      if (!n) return std::nullopt;
      return to_number(path_, n, fmt::format("'{}' of '{}' in '{}'", k, machine, region), Range::non_negative());
    };
    InstanceRow r;
    r.on_demand = *num("hour");
    r.spot = num("hour_spot");
    std::string what = fmt::format("hour {}", row["hour"].Scalar());
    if (r.spot) what += fmt::format(", hour_spot {}", row["hour_spot"].Scalar());
    if (auto y1 = num("month_1y")) {
      r.reserved_1y = *y1 / hours_per_month_upstream;
      what += fmt::format(", month_1y {}", row["month_1y"].Scalar());
    }
    if (auto y3 = num("month_3y")) {
      r.reserved_3y = *y3 / hours_per_month_upstream;
      what += fmt::format(", month_3y {}", row["month_3y"].Scalar());
    }
    r.where = fmt::format("{} line {}: {}", fs::path(path_).filename().string(), row.mark().line, what);
    return r;
  }

 private:
  static constexpr double hours_per_month_upstream = 730.0;
  std::string path_;
  Node root_;
};

// SkyPilot catalog CSV (anycloud-sh/catalog <cloud>/vms.csv): InstanceType, Price,
// SpotPrice and Region columns; one row per instance and region (or zone: the lowest price).
class SkyPilotCsv final : public InstanceRows {
 public:
  explicit SkyPilotCsv(const std::string& path) : path_(path) {
    std::istringstream in(read_upstream(path));
    std::string line;
    int n = 0;
    std::vector<std::string> header;
    while (std::getline(in, line)) {
      ++n;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::vector<std::string> cells = split(line);
      if (n == 1) {
        header = cells;
        continue;
      }
      Row r;
      r.line = n;
      for (std::size_t i = 0; i < cells.size() && i < header.size(); ++i) r.cells[header[i]] = cells[i];
      rows_.push_back(std::move(r));
    }
    for (const char* col : {"InstanceType", "Price", "Region"})
      if (std::find(header.begin(), header.end(), col) == header.end())
        throw Error(SourceLoc{path, 1, 1}, fmt::format("no column '{}' (expected a SkyPilot catalog CSV with "
                                                       "InstanceType, Price, SpotPrice and Region)", col));
  }
  std::optional<InstanceRow> find(const std::string& instance, const std::string& region) const override {
    std::optional<InstanceRow> best;
    for (const auto& r : rows_) {
      auto get = [&](const char* k) {
        auto it = r.cells.find(k);
        return it == r.cells.end() ? std::string() : it->second;
      };
      if (get("InstanceType") != instance || get("Region") != region || get("Price").empty()) continue;
      InstanceRow x;
      x.on_demand = number(get("Price"), r.line);
      const std::string spot = get("SpotPrice");
      // A spot price equal to the on-demand price is not a spot offer.
      if (!spot.empty() && number(spot, r.line) < x.on_demand) x.spot = number(spot, r.line);
      x.where = fmt::format("{} line {}: Price {}, SpotPrice {}", fs::path(path_).filename().string(), r.line,
                            get("Price"), spot.empty() ? "-" : spot);
      if (!best || x.on_demand < best->on_demand) best = x;
    }
    return best;
  }

 private:
  struct Row {
    int line = 0;
    std::map<std::string, std::string> cells;
  };
  double number(const std::string& cell, int line) const {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(cell, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != cell.size() || !std::isfinite(v) || v < 0)
      throw Error(SourceLoc{path_, line, 1}, fmt::format("price '{}' is not a number (expected a non-negative decimal)", cell));
    return v;
  }
  static std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char ch = line[i];
      if (ch == '"') {
        if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
          out.back() += '"';
          ++i;
        } else {
          quoted = !quoted;
        }
      } else if (ch == ',' && !quoted) {
        out.emplace_back();
      } else {
        out.back() += ch;
      }
    }
    return out;
  }
  std::string path_;
  std::vector<Row> rows_;
};

json parse_json(const std::string& path) {
  return parse_json_text(path, read_upstream(path), "upstream file", "a JSON file");
}

// tsaol/aws-gpu family files (data/<family>_instances.js, JS wrapper removed): a list of
// {name, gpuCount, pricing: {<region>: {onDemand, reserved}}}; `reserved` is the 1-year
// Standard RI, no upfront. A directory of them is searched file by file, in name order.
class AwsFamilies final : public InstanceRows {
 public:
  explicit AwsFamilies(const std::string& path) {
    std::vector<std::string> files;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      for (const auto& e : fs::directory_iterator(path, ec))
        if (e.path().extension() == ".json") files.push_back(e.path().string());
    } else {
      files.push_back(path);
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) families_.emplace_back(f, parse_json(f));
  }
  std::optional<InstanceRow> find(const std::string& instance, const std::string& region) const override {
    for (const auto& [file, doc] : families_) {
      if (!doc.is_array()) continue;
      for (const auto& e : doc) {
        if (!e.is_object() || e.value("name", "") != instance) continue;
        const auto pr = e.find("pricing");
        if (pr == e.end() || !pr->contains(region)) return std::nullopt;
        const json& p = (*pr)[region];
        if (!p.contains("onDemand") || !p["onDemand"].is_number()) return std::nullopt;
        InstanceRow r;
        r.on_demand = p["onDemand"].get<double>();
        std::string what = fmt::format("onDemand {}", p["onDemand"].dump());
        if (p.contains("reserved") && p["reserved"].is_number()) {
          r.reserved_1y = p["reserved"].get<double>();
          what += fmt::format(", reserved {}", p["reserved"].dump());
        }
        r.where = fmt::format("{} {} {}: {}", fs::path(file).filename().string(), instance, region, what);
        return r;
      }
    }
    return std::nullopt;
  }

 private:
  std::vector<std::pair<std::string, json>> families_;
};

// ---- the spec -------------------------------------------------------------------------

enum class InputKind { litellm, gcp_cyclenerd, skypilot_csv, aws_families };

struct Input {
  std::string id;  // the source id it becomes in the sheet
  InputKind kind = InputKind::litellm;
  std::string file;  // resolved path
  std::string url;
  std::string retrieved;
  std::string note;
  std::string sha256;  // of the file, or of each file of a directory
  SourceLoc loc;
};

// A spec entry's key and its location, for errors.
struct Located {
  std::string value;
  SourceLoc loc;
};

std::string sha256_of_input(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return sha256_file(path);
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(path, ec))
    if (e.is_regular_file()) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::vector<std::string> parts;
  for (const auto& f : files) parts.push_back(fmt::format("{} {}", fs::path(f).filename().string(), sha256_file(f)));
  return fmt::format("{}", fmt::join(parts, "; "));
}

// Token-price keys of a LiteLLM entry, per 1M tokens, in the sheet's key order.
std::vector<std::pair<std::string, std::string>> token_prices(const json& e, const std::string& suffix,
                                                              bool with_extras) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const char* sheet_key, const std::string& litellm_key) {
    auto it = e.find(litellm_key);
    if (it != e.end() && it->is_number()) out.emplace_back(sheet_key, per_mtok(it->get<double>()));
  };
  add("input_per_mtok", "input_cost_per_token" + suffix);
  add("output_per_mtok", "output_cost_per_token" + suffix);
  add("cached_input_per_mtok", "cache_read_input_token_cost" + suffix);
  add("cache_write_per_mtok", "cache_creation_input_token_cost" + suffix);
  if (with_extras) {
    add("cache_write_1h_per_mtok", "cache_creation_input_token_cost_above_1hr" + suffix);
    if (e.contains("input_cost_per_token_batches") && e.contains("output_cost_per_token_batches")) {
      add("batch_input_per_mtok", "input_cost_per_token_batches");
      add("batch_output_per_mtok", "output_cost_per_token_batches");
    }
  }
  return out;
}

std::string flow(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : kv) parts.push_back(k + ": " + v);
  return "{" + fmt::format("{}", fmt::join(parts, ", ")) + "}";
}

class Importer {
 public:
  explicit Importer(const std::string& spec_path) : spec_path_(spec_path) {}

  PriceImport run() {
    Document doc = parse_document(spec_path_, read_text_file(spec_path_, Limits{}.max_bytes));
    Map top(spec_path_, doc.root, "import spec");
    version_ = top.str("version");
    effective_ = top.str("effective_date");
    if (!is_iso_date(effective_))
      throw Error(top.key_loc("effective_date"),
                  fmt::format("effective_date '{}' is not a date (expected YYYY-MM-DD)", effective_));
    description_ = top.opt_str("description").value_or("");
    read_inputs(top);
    top.seq("api_models", [&](const Node& n, std::size_t i) { token_entry(n, i, false); }, false);
    top.seq("managed", [&](const Node& n, std::size_t i) { token_entry(n, i, true); }, false);
    top.seq("gpu_instances", [&](const Node& n, std::size_t i) { instance_entry(n, i); }, false);
    top.finish();
    return {render(), findings_};
  }

 private:
  void read_inputs(Map& top) {
    const fs::path dir = fs::path(spec_path_).parent_path();
    std::set<std::string> ids;
    top.seq("inputs", [&](const Node& n, std::size_t i) {
      Map m(spec_path_, n, fmt::format("input {}", i + 1));
      Input in;
      in.loc = m.loc();
      in.id = m.str("id");
      const std::string kind = m.str("kind");
      if (kind == "litellm") in.kind = InputKind::litellm;
      else if (kind == "gcp-cyclenerd") in.kind = InputKind::gcp_cyclenerd;
      else if (kind == "skypilot-csv") in.kind = InputKind::skypilot_csv;
      else if (kind == "aws-families") in.kind = InputKind::aws_families;
      else
        throw Error(m.key_loc("kind"), fmt::format("input kind '{}' is not known (expected litellm, gcp-cyclenerd, "
                                                   "skypilot-csv or aws-families)", kind));
      in.file = (dir / m.str("file")).string();
      in.url = m.str("url");
      in.retrieved = m.str("retrieved");
      in.note = m.opt_str("note").value_or("");
      m.finish();
      if (!ids.insert(in.id).second)
        throw Error(in.loc, fmt::format("duplicate input id '{}' (expected each id once)", in.id));
      std::error_code ec;
      if (!fs::exists(in.file, ec))
        throw Error(m.key_loc("file"), fmt::format("input file '{}' not found (expected a path relative to the spec)", in.file));
      in.sha256 = sha256_of_input(in.file);
      inputs_.push_back(in);
    });
  }

  const Input& input(Map& m, const char* key, InputKind kind, const char* kind_name) {
    const std::string id = m.str(key);
    for (const auto& in : inputs_)
      if (in.id == id) {
        if (in.kind != kind)
          throw Error(m.key_loc(key), fmt::format("input '{}' is not of kind {}", id, kind_name));
        return in;
      }
    throw Error(m.key_loc(key), fmt::format("input '{}' is not listed under 'inputs'", id));
  }

  const json& litellm(const Input& in) {
    auto it = litellm_.find(in.id);
    if (it == litellm_.end()) it = litellm_.emplace(in.id, parse_json(in.file)).first;
    return it->second;
  }

  const InstanceRows& rows(const Input& in) {
    auto it = rows_.find(in.id);
    if (it != rows_.end()) return *it->second;
    std::unique_ptr<InstanceRows> r;
    switch (in.kind) {
      case InputKind::gcp_cyclenerd: r = std::make_unique<CyclenerdGcp>(in.file); break;
      case InputKind::skypilot_csv: r = std::make_unique<SkyPilotCsv>(in.file); break;
      case InputKind::aws_families: r = std::make_unique<AwsFamilies>(in.file); break;
      case InputKind::litellm: break;
    }
    return *rows_.emplace(in.id, std::move(r)).first->second;
  }

  // An api_models or managed entry from a LiteLLM key. Keys the spec may add: `note` (a
  // comment above the entry), `context_tokens` (overrides max_input_tokens; the note says
  // why), `retires` (a date the file lacks), `drop` (price keys not to carry, e.g. a known
  // error in the file).
  void token_entry(const Node& n, std::size_t i, bool managed) {
    Map m(spec_path_, n, fmt::format("{} {}", managed ? "managed entry" : "api model", i + 1));
    const std::string id = m.str("id");
    const Input& in = input(m, "input", InputKind::litellm, "litellm");
    const std::string key = m.str("key");
    const std::string provider = m.str("provider");
    const std::string model = managed ? m.str("model") : "";
    const std::vector<std::string> classes = m.opt_str_list("data_classes");
    const std::optional<std::string> note = m.opt_str("note");
    const std::optional<double> context = m.opt_num("context_tokens", Range::positive(1e9));
    std::optional<std::string> retires = m.opt_str("retires");
    if (retires && !is_iso_date(*retires))
      throw Error(m.key_loc("retires"), fmt::format("'retires' is '{}' (expected a date YYYY-MM-DD)", *retires));
    const std::vector<std::string> drop = m.opt_str_list("drop");
    const SourceLoc key_loc = m.key_loc("key");
    m.finish();

    const json& doc = litellm(in);
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_object())
      throw Error(key_loc, fmt::format("key '{}' is not in {}", key, fs::path(in.file).filename().string()));
    const json& e = *it;
    if (!e.contains("input_cost_per_token"))
      throw Error(key_loc, fmt::format("key '{}' has no input_cost_per_token", key));

    auto prices = token_prices(e, "", true);
    std::erase_if(prices, [&](const auto& kv) { return std::find(drop.begin(), drop.end(), kv.first) != drop.end(); });
    if (!e.contains("input_cost_per_token_batches")) batch_missing_.push_back(id);
    std::optional<double> ctx = context;
    if (!ctx && e.contains("max_input_tokens") && e["max_input_tokens"].is_number()) ctx = e["max_input_tokens"].get<double>();
    std::optional<double> max_out;
    if (e.contains("max_output_tokens") && e["max_output_tokens"].is_number()) max_out = e["max_output_tokens"].get<double>();
    if (!retires && e.contains("deprecation_date") && e["deprecation_date"].is_string())
      retires = e["deprecation_date"].get<std::string>();

    std::vector<std::string>& out = managed ? managed_ : api_;
    const std::string classes_text = fmt::format("[{}]", fmt::join(classes, ", "));
    if (note) out.push_back("  # " + *note);
    out.push_back("  - id: " + id);
    out.push_back("    provider: " + provider);
    auto limits = [&] {
      if (ctx) out.push_back(fmt::format("    context_tokens: {:.0f}", *ctx));
      if (max_out) out.push_back(fmt::format("    max_output_tokens: {:.0f}", *max_out));
      if (retires) out.push_back(fmt::format("    retires: \"{}\"", *retires));
      if (!classes.empty()) out.push_back("    data_classes: " + classes_text);
      out.push_back(fmt::format("    source: {}  # {}", in.id, key));
    };
    if (managed) {
      out.push_back("    model: " + model);
      limits();
      out.push_back("    on_demand: " + flow(prices));
      return;
    }
    for (const auto& [k, v] : prices) out.push_back(fmt::format("    {}: {}", k, v));
    limits();
    // Long-context tiers: LiteLLM's *_above_200k_tokens or *_above_272k_tokens keys.
    for (int k : {200, 272}) {
      const std::string suffix = fmt::format("_above_{}k_tokens", k);
      if (!e.contains("input_cost_per_token" + suffix)) continue;
      auto t = token_prices(e, suffix, false);
      const std::string one_hour = "cache_creation_input_token_cost_above_1hr" + suffix;
      if (e.contains(one_hour)) t.emplace_back("cache_write_1h_per_mtok", per_mtok(e[one_hour].get<double>()));
      t.insert(t.begin(), std::pair<std::string, std::string>("above_input_tokens", fmt::format("{}", k * 1000)));
      out.push_back("    tiers:");
      out.push_back("      - " + flow(t));
      break;
    }
    // Service tiers: *_flex and *_priority.
    bool first = true;
    for (const char* name : {"flex", "priority"}) {
      // A tier needs both prices (LiteLLM lists gpt-5-nano's priority input without an output).
      if (!e.contains(std::string("input_cost_per_token_") + name) || !e.contains(std::string("output_cost_per_token_") + name))
        continue;
      auto t = token_prices(e, std::string("_") + name, false);
      t.insert(t.begin(), std::pair<std::string, std::string>("name", name));
      if (first) out.push_back("    service_tiers:");
      first = false;
      out.push_back("      - " + flow(t));
    }
  }

  void instance_entry(const Node& n, std::size_t i) {
    Map m(spec_path_, n, fmt::format("GPU instance {}", i + 1));
    const std::string id = m.str("id");
    const std::string in_id = m.str("input");
    const Input* in = nullptr;
    for (const auto& x : inputs_)
      if (x.id == in_id) in = &x;
    if (!in || in->kind == InputKind::litellm)
      throw Error(m.key_loc("input"), fmt::format("input '{}' is not a listed instance-price input", in_id));
    const std::string provider = m.str("provider");
    const std::string instance = m.str("instance");
    const std::string region = m.str("region");
    const std::string gpu = m.str("gpu");
    const int gpu_count = m.integer("gpu_count", 1, 64);
    const SourceLoc at = m.key_loc("instance");
    m.finish();
    // A malformed value in the row is an error at its place in the upstream file.
    const std::optional<InstanceRow> row = rows(*in).find(instance, region);
    if (!row) throw Error(at, fmt::format("no row for instance '{}' in region '{}' in {}", instance, region, in->file));
    std::vector<std::string> parts = {"id: " + id, "provider: " + provider, "instance: " + instance, "gpu: " + gpu,
                                      fmt::format("gpu_count: {}", gpu_count), "region: " + region,
                                      "on_demand_per_hour: " + per_hour(row->on_demand)};
    if (row->reserved_1y) parts.push_back("reserved_1y_per_hour: " + per_hour(*row->reserved_1y));
    if (row->reserved_3y) parts.push_back("reserved_3y_per_hour: " + per_hour(*row->reserved_3y));
    if (row->spot) parts.push_back("spot_per_hour: " + per_hour(*row->spot));
    parts.push_back("source: " + in->id);
    instances_.push_back("  # " + row->where);
    instances_.push_back("  - {" + fmt::format("{}", fmt::join(parts, ", ")) + "}");
  }

  std::string render() {
    if (!batch_missing_.empty())
      findings_.push_back(fmt::format("no batch price in the input file, none listed: {}", fmt::join(batch_missing_, ", ")));
    std::string o = fmt::format("# Draft price sheet {}, built by `plan prices import` from {}.\n", version_,
                                fs::path(spec_path_).filename().string());
    o += "# Review it, then release it as pricing/<version>.yaml with a line in pricing/MANIFEST.sha256.\n";
    for (const auto& f : findings_) o += "# - " + f + "\n";
    o += fmt::format("version: \"{}\"\neffective_date: \"{}\"\ncurrency: USD\n", version_, effective_);
    if (!description_.empty()) o += "description: " + description_ + "\n";
    o += "\nsources:\n";
    for (const auto& in : inputs_) {
      o += fmt::format("  - id: {}\n    url: \"{}\"\n    retrieved: \"{}\"\n", in.id, in.url, in.retrieved);
      std::string note = in.note;
      if (!note.empty()) note += " ";
      note += "Input sha256 " + in.sha256 + ".";
      o += fmt::format("    note: \"{}\"\n", note);
    }
    auto section = [&](const char* key, const std::vector<std::string>& lines) {
      if (lines.empty()) return;
      o += fmt::format("\n{}:\n", key);
      for (const auto& l : lines) o += l + "\n";
    };
    section("api_models", api_);
    section("managed", managed_);
    section("gpu_instances", instances_);
    return o;
  }

  std::string spec_path_;
  std::string version_, effective_, description_;
  std::vector<Input> inputs_;
  std::map<std::string, json> litellm_;
  std::map<std::string, std::unique_ptr<InstanceRows>> rows_;
  std::vector<std::string> api_, managed_, instances_, findings_, batch_missing_;
};

}  // namespace

PriceImport import_price_sheet(const std::string& spec_path) { return Importer(spec_path).run(); }

}  // namespace plan::io
