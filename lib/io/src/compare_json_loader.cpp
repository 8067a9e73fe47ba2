// Reads the JSON written by `plan compare --format json` back into a CompareResult, for
// `plan diff`. Only the fields a diff needs are read (and checked: type, range); other keys
// are ignored, so that output of later versions, which may add keys, still reads.
#include <fmt/format.h>
#include <limits>
#include <optional>

#include "plan/io/loaders.hpp"
#include "yaml_strict.hpp"

namespace plan::io {
namespace {

constexpr double max_usd = 1e15;
constexpr double max_ms = 1e12;

// The `self_hosted` object: what sizes the fleet (replica throughput and where it came
// from) and the latency at peak.
void read_self_hosted(const std::string& file, const Node& n, const std::string& id, SelfHostedDetail& d) {
  Map m(file, n, fmt::format("self_hosted of option '{}'", id));
  d.instance = m.opt_str("instance").value_or("");
  d.gpu = m.opt_str("gpu").value_or("");
  d.replica_tokens_per_s = m.opt_num("replica_tokens_per_s", Range::non_negative(1e15)).value_or(0);
  d.throughput_provenance = throughput_provenance_from(m.opt_str("throughput_provenance").value_or(""));
  d.throughput_source = m.opt_str("throughput_source").value_or("");
  if (auto ln = m.opt_node("latency_at_peak")) {
    Map l(file, *ln, fmt::format("latency_at_peak of option '{}'", id));
    // A latency the writer could not state as a number (unbounded) is written null.
    const double unbounded = std::numeric_limits<double>::infinity();
    FleetLatency f;
    f.ttft_p50_ms = l.opt_num("ttft_p50_ms", Range::non_negative(max_ms)).value_or(unbounded);
    f.ttft_p95_ms = l.opt_num("ttft_p95_ms", Range::non_negative(max_ms)).value_or(unbounded);
    f.ttft_p99_ms = l.opt_num("ttft_p99_ms", Range::non_negative(max_ms)).value_or(unbounded);
    f.tpot_ms = l.opt_num("tpot_ms", Range::non_negative(max_ms)).value_or(unbounded);
    d.latency_at_peak = f;
  }
}

OptionResult read_result(const std::string& file, const Node& n, std::size_t i) {
  Map first(file, n, fmt::format("option {}", i + 1));
  OptionResult r;
  r.id = first.str("id");
  Map m(file, n, fmt::format("option '{}'", r.id));
  const std::string kind = m.str("kind");
  if (kind == "api") r.detail = ApiResult{};
  else if (kind == "managed") r.detail = ManagedResult{};
  else if (kind == "self_hosted") r.detail = SelfHostedResult{};
  else if (kind == "hybrid") r.detail = HybridResult{};
  else fail(file, m.node("kind"), fmt::format("'kind' of option '{}' is '{}' (expected api, managed, self_hosted or hybrid)", r.id, kind));
  r.kind = static_cast<OptionKind>(r.detail.index());  // ResultDetail is in OptionKind order
  r.what = m.opt_str("what").value_or("");
  r.feasible = m.opt_bool("feasible").value_or(true);
  r.reasons = m.opt_str_list("reasons");
  // An infeasible option has no price: its cost and cost lines may be null (read as 0).
  const Range usd{-max_usd, max_usd, false};
  r.monthly_cost_usd = r.feasible ? m.num("monthly_cost_usd", usd) : m.opt_num("monthly_cost_usd", usd).value_or(0);
  r.monthly_tokens = m.num("monthly_tokens", Range::non_negative());
  std::optional<Node> breakdown = r.feasible ? m.node("cost_breakdown") : m.opt_node("cost_breakdown");
  std::optional<Map> b;
  if (breakdown) b.emplace(file, *breakdown, fmt::format("cost_breakdown of option '{}'", r.id));
  auto line = [&](const char* key) { return b ? b->opt_num(key, usd).value_or(0) : 0.0; };
  r.breakdown.api_tokens = line("api_tokens");
  r.breakdown.provisioned_units = line("provisioned_units");
  r.breakdown.gpu_compute = line("gpu_compute");
  r.breakdown.amortization = line("amortization");
  r.breakdown.energy = line("energy");
  r.breakdown.colocation = line("colocation");
  r.breakdown.maintenance = line("maintenance");
  r.breakdown.ops_labour = line("ops_labour");
  r.breakdown.monitoring = line("monitoring");
  r.breakdown.storage = line("storage");
  r.breakdown.egress = line("egress");
  if (m.has("replicas")) {
    SelfHostedDetail d;
    d.replicas = m.integer("replicas", 0, 100000000);
    d.gpus = m.opt_integer("gpus", 0, 100000000).value_or(0);
    d.gpus_per_replica = m.opt_integer("gpus_per_replica", 0, 100000).value_or(0);
    d.instances = m.opt_integer("instances", 0, 100000000).value_or(0);
    d.utilization = m.opt_num("utilization", Range::non_negative(1e6)).value_or(0);
    if (auto sn = m.opt_node("self_hosted")) read_self_hosted(file, *sn, r.id, d);
    std::visit([&](auto& k) {
      if constexpr (requires { k.fleet; }) k.fleet = d;
    }, r.detail);
  }
  if (auto pn = m.opt_node("provisioned")) {
    Map pm(file, *pn, fmt::format("provisioned of option '{}'", r.id));
    ProvisionedCost pc;
    pc.units = pm.integer("units", 0, 100000000);
    if (auto* k = std::get_if<ManagedResult>(&r.detail)) k->provisioned = pc;
  }
  return r;
}

}  // namespace

CompareResult parse_compare_json(const std::string& file, const std::string& text) {
  Document doc = parse_document(file, text);
  Map top(file, doc.root, "compare result");
  CompareResult c;
  c.profile_name = top.str("profile");
  c.profile_path = top.opt_str("profile_path").value_or("");
  Map sheet(file, top.node("price_sheet"), "price_sheet");
  c.price_sheet_version = sheet.str("version");
  c.price_sheet_path = sheet.opt_str("path").value_or("");
  c.price_sheet_sha256 = sheet.opt_str("sha256").value_or("");
  c.currency = top.opt_str("currency").value_or("USD");
  c.hours_per_month = top.opt_num("hours_per_month", Range::positive(1e4)).value_or(730);
  if (c.hours_per_month != 730)
    fail(file, top.node("hours_per_month"),
         fmt::format("hours_per_month is {} (expected 730: a result of another month convention cannot be compared)",
                     c.hours_per_month));
  c.monthly_tokens = top.opt_num("monthly_tokens", Range::non_negative()).value_or(0);
  top.seq("options", [&](const Node& n, std::size_t i) { c.options.push_back(read_result(file, n, i)); });
  return c;
}

CompareResult load_compare_json(const std::string& path) {
  Limits limits;
  return parse_compare_json(path, read_text_file(path, limits.max_bytes));
}

}  // namespace plan::io
