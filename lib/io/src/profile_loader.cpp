// Reads profiles/*.yaml. The format is documented in docs/formats.md.
#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <algorithm>
#include <set>

#include "plan/io/loaders.hpp"
#include "plan/io/uncertainty_loader.hpp"
#include "plan/io/hf_config.hpp"
#include "profile_limits.hpp"
#include "plan/core/serving/perf.hpp"
#include "plan/core/base/suggest.hpp"
#include "yaml_strict.hpp"

namespace plan::io {
namespace {

// Above these a figure is a typo, not a workload (shared with the usage importers).
constexpr double max_tokens_per_day = profile_limits::max_tokens_per_day;
constexpr double max_requests_per_day = profile_limits::max_requests_per_day;
constexpr double max_tokens_per_request = profile_limits::max_tokens_per_request;
constexpr double max_usd = 1e9;
// compare evaluates every option for every workload: bound the product.
constexpr std::size_t max_workloads = 1000;
constexpr std::size_t max_options = 1000;

Workload read_workload(const std::string& file, const Node& n, std::size_t i) {
  Map first(file, n, fmt::format("workload {}", i + 1));
  Workload w;
  w.id = first.opt_str("id").value_or(fmt::format("workload-{}", i + 1));
  Map m(file, n, fmt::format("workload '{}'", w.id));
  m.allow("id");
  w.loc = m.loc();
  auto tok = Range::positive(max_tokens_per_request);
  if (m.has("tokens_per_day")) {
    if (m.has("requests_per_day"))
      throw Error(m.key_loc("tokens_per_day"),
                  fmt::format("workload '{}' gives both tokens_per_day and requests_per_day (expected one)", w.id));
    double tpd = m.num("tokens_per_day", Range::non_negative(max_tokens_per_day));
    double share = m.num("input_share", Range::share());
    auto given = m.opt_num("tokens_per_request", tok);
    double per_request = given.value_or(1000.0);
    w.tokens_per_request_assumed = !given.has_value();
    w.requests_per_day = tpd / per_request;
    w.input_tokens = per_request * share;
    w.output_tokens = per_request * (1.0 - share);
  } else {
    w.requests_per_day = m.num("requests_per_day", Range::non_negative(max_requests_per_day));
    w.input_tokens = m.num("input_tokens", Range::non_negative(max_tokens_per_request));
    w.output_tokens = m.num("output_tokens", Range::non_negative(max_tokens_per_request));
    if (w.input_tokens + w.output_tokens <= 0)
      throw Error(m.key_loc("input_tokens"), fmt::format("workload '{}' has no tokens per request (expected input_tokens + output_tokens > 0)", w.id));
    if (w.tokens_per_day() > max_tokens_per_day)
      throw Error(m.key_loc("requests_per_day"),
                  fmt::format("workload '{}' is {:.3g} tokens/day (expected at most {:.0e})", w.id, w.tokens_per_day(), max_tokens_per_day));
  }
  w.input_tokens_p99 = m.opt_num("input_tokens_p99", Range::non_negative(max_tokens_per_request));
  w.output_tokens_p99 = m.opt_num("output_tokens_p99", Range::non_negative(max_tokens_per_request));
  if (m.has("hourly") && m.has("peak_to_average"))
    throw Error(m.key_loc("peak_to_average"), fmt::format("workload '{}' gives both hourly and peak_to_average (expected one)", w.id));
  if (auto h = m.opt_node("hourly")) {
    if (!h->IsSequence() || h->size() != 24)
      fail(file, *h, fmt::format("'hourly' in workload '{}' is not a list of 24 numbers (expected 24 non-negative weights, hour 0 first)", w.id));
    std::array<double, 24> raw{};
    double sum = 0;
    for (std::size_t k = 0; k < 24; ++k) {
      raw[k] = to_number(file, (*h)[k], fmt::format("hour {} of 'hourly' in workload '{}'", k, w.id), Range::non_negative(1e12));
      sum += raw[k];
    }
    if (sum <= 0) fail(file, *h, fmt::format("'hourly' in workload '{}' is all zero (expected some traffic)", w.id));
    w.traffic = TrafficShape::from_hourly(raw);
  }
  if (auto p = m.opt_num("peak_to_average", Range{1, 24, false})) w.traffic = TrafficShape::from_peak_to_average(*p);
  w.cached_input_share = m.opt_num("cached_input_share", Range::share()).value_or(0);
  w.cache_write_share = m.opt_num("cache_write_share", Range::share()).value_or(0);
  w.shared_prefix_tokens = m.opt_num("shared_prefix_tokens", Range::non_negative(max_tokens_per_request));
  if (w.cached_input_share + w.cache_write_share > 1 + 1e-12)
    throw Error(m.key_loc("cache_write_share"),
                fmt::format("workload '{}': cached_input_share + cache_write_share is {} (expected at most 1)", w.id,
                            w.cached_input_share + w.cache_write_share));
  if (auto ttl = m.opt_str("cache_write_ttl")) {
    if (*ttl != "5m" && *ttl != "1h")
      throw Error(m.key_loc("cache_write_ttl"),
                  fmt::format("workload '{}': cache_write_ttl '{}' is not known (expected 5m or 1h)", w.id, *ttl));
    w.cache_write_1h = *ttl == "1h";
  }
  w.batchable_share = m.opt_num("batchable_share", Range::share()).value_or(0);
  w.data_class = m.opt_str("data_class").value_or("internal");
  w.data_class_loc = m.has("data_class") ? loc_of(file, m.yaml()["data_class"]) : w.loc;
  w.ttft_p95_ms = m.opt_num("ttft_p95_ms", Range::positive(1e7));
  w.tpot_ms = m.opt_num("tpot_ms", Range::positive(1e6));
  w.models = m.opt_str_list("models");
  if (m.has("models") && w.models.empty())
    throw Error(m.key_loc("models"), fmt::format("'models' in workload '{}' is empty (expected the ids of the models "
                                                 "that may serve it, or no 'models' key for any model)", w.id));
  if (auto c = m.opt_str("current_option")) {
    w.current_option = *c;
    w.current_option_loc = m.key_loc("current_option");
  }
  if (auto usd = m.opt_num("billed_usd", Range::non_negative(max_usd))) {
    Workload::Billed b;
    b.usd = *usd;
    if (!m.has("billed_days"))
      throw Error(m.key_loc("billed_usd"), fmt::format("workload '{}' gives billed_usd without billed_days (expected the "
                                                       "days the billed cost covers)", w.id));
    b.days = m.num("billed_days", Range::positive(36600));
    b.list_usd = m.opt_num("billed_list_usd", Range::non_negative(max_usd));
    w.billed = b;
  } else {
    for (const char* k : {"billed_days", "billed_list_usd"})
      if (m.has(k))
        throw Error(m.key_loc(k), fmt::format("workload '{}' gives {} without billed_usd (expected billed_usd beside it)",
                                              w.id, k));
  }
  m.opt_str("description");
  m.finish();
  return w;
}

OpsCosts read_ops(Map& m) {
  OpsCosts o;
  o.fte_share = m.opt_num("fte_share", Range::non_negative(1000)).value_or(0);
  o.loaded_cost_per_fte_year = m.opt_num("loaded_cost_per_fte_year", Range::non_negative(1e7)).value_or(0);
  o.monitoring_per_month = m.opt_num("monitoring_per_month", Range::non_negative(max_usd)).value_or(0);
  o.storage_per_month = m.opt_num("storage_per_month", Range::non_negative(max_usd)).value_or(0);
  o.egress_per_month = m.opt_num("egress_per_month", Range::non_negative(max_usd)).value_or(0);
  m.finish();
  return o;
}

template <typename E>
E read_enum(Map& m, const char* key, const std::vector<std::pair<const char*, E>>& values, E fallback) {
  auto s = m.opt_str(key);
  if (!s) return fallback;
  std::vector<std::string> names;
  for (const auto& [name, v] : values) {
    if (*s == name) return v;
    names.push_back(name);
  }
  auto n = m.node(key);
  fail(m.file(), n, fmt::format("'{}' in {} is '{}' (expected one of: {})", key, m.what(), *s, fmt::join(names, ", ")));
}

OptionKind read_kind(Map& m) {
  if (!m.has("kind")) m.node("kind");  // required: throws "missing key"
  return read_enum<OptionKind>(m, "kind", {{"api", OptionKind::api}, {"managed", OptionKind::managed},
                                           {"self_hosted", OptionKind::self_hosted}, {"hybrid", OptionKind::hybrid}},
                               OptionKind::api);
}

std::optional<OpsCosts> read_option_ops(const std::string& file, Map& m, const std::string& id) {
  auto on = m.opt_node("ops");
  if (!on) return std::nullopt;
  Map om(file, *on, fmt::format("ops of option '{}'", id));
  return read_ops(om);
}

// `engine: sglang`, `engine: sglang@0.5.10` or `engine: {name: sglang, version: "0.5.10"}`,
// the mapping with the limit the server was started with (`max_batch_seqs: 512`).
perf::EngineChoice read_engine(const std::string& file, Map& m, const Node& n, const std::string& id) {
  std::string text;
  SourceLoc loc = m.key_loc("engine");
  int max_batch_seqs = 0;
  if (n.IsMap()) {
    Map em(file, n, fmt::format("engine of option '{}'", id));
    text = em.str("name");
    loc = loc_of(file, n["name"]);
    if (text.find('@') != std::string::npos)
      throw Error(loc, fmt::format("engine name '{}' of option '{}' has a version (give it as version:)", text, id));
    if (auto v = em.opt_str("version")) {
      if (v->empty()) fail(file, n["version"], fmt::format("empty engine version of option '{}'", id));
      text += "@" + *v;
    }
    max_batch_seqs = em.opt_integer("max_batch_seqs", 1, 1'000'000).value_or(0);
    em.finish();
  } else {
    text = to_string(file, n, "engine");
    loc = loc_of(file, n);
  }
  auto e = perf::parse_engine_choice(text);
  if (!e)
    throw Error(loc, fmt::format("option '{}' has engine '{}' (expected {}, optionally with a version: sglang@0.5.10)",
                                 id, text, perf::engine_names));
  e->max_batch_seqs = max_batch_seqs;
  return *e;
}

// Whether `key` is written as a list or `auto` (an open choice, read by read_open_choices).
bool is_open(Map& m, const char* key) {
  if (!m.has(key)) return false;
  const Node n = m.yaml()[key];
  return n.IsSequence() || (n.IsScalar() && !n.quoted() && n.Scalar() == "auto");
}

// Keys a fleet may carry (self-hosted options and dedicated endpoints).
FleetSpec read_fleet(const std::string& file, Map& m, const std::string& id, bool model_required) {
  FleetSpec f;
  f.model = model_required ? m.str("model") : m.opt_str("model").value_or("");
  // As many GPUs as `plan perf --gpus` takes: rack-scale replicas (a GB200/GB300 NVL72 domain
  // of 72) and beyond, over the catalog's inter-node link.
  if (!is_open(m, "gpus_per_replica"))
    f.gpus_per_replica = m.opt_integer("gpus_per_replica", 1, perf::max_replica_gpus).value_or(0);
  if (is_open(m, "parallel")) {
  } else if (auto p = m.opt_str("parallel")) {
    f.parallel = parse_parallel(*p);
    if (!f.parallel)
      throw Error(m.key_loc("parallel"), fmt::format("option '{}' has parallel '{}' (expected tp, ep or dep)", id, *p));
  }
  // ep, dep: GPUs each routed expert is sliced over; moe_tp x moe_ep = gpus_per_replica.
  f.moe_tp = m.opt_integer("moe_tp", 1, perf::max_replica_gpus).value_or(1);
  if (f.moe_tp > 1) {
    if (f.gpus_per_replica == 0)
      throw Error(m.key_loc("moe_tp"), fmt::format("option '{}' has moe_tp {} but no gpus_per_replica (expected "
                                                   "gpus_per_replica = moe_tp x moe_ep)", id, f.moe_tp));
    if (f.gpus_per_replica % f.moe_tp != 0)
      throw Error(m.key_loc("moe_tp"), fmt::format("option '{}' has moe_tp {}, which does not divide gpus_per_replica "
                                                   "{} (expected a divisor: moe_tp x moe_ep = gpus_per_replica)",
                                                   id, f.moe_tp, f.gpus_per_replica));
    if (f.parallel == Parallel::tp)
      throw Error(m.key_loc("moe_tp"), fmt::format("option '{}' has moe_tp {} with parallel tp (expected parallel ep "
                                                   "or dep: under tp every expert is sliced over all the GPUs)",
                                                   id, f.moe_tp));
  }
  if (!is_open(m, "precision")) f.precision = m.opt_str("precision").value_or("bf16");
  f.kv_precision = m.opt_str("kv_precision").value_or("");
  if (is_open(m, "engine")) {
  } else if (auto en = m.opt_node("engine")) {
    f.engine = read_engine(file, m, *en, id);
  }
  f.tokens_per_second_per_replica = m.opt_num("tokens_per_second_per_replica", Range::positive(1e9));
  f.min_replicas = m.opt_integer("min_replicas", 0, 100000).value_or(1);
  f.ops = read_option_ops(file, m, id);
  return f;
}

ApiOption read_api(Map& m) {
  ApiOption a;
  a.model = m.str("model");
  a.tier = m.opt_str("tier");
  a.service_tier = m.opt_str("service_tier");
  return a;
}

ManagedOption read_managed(const std::string& file, Map& m, const std::string& id) {
  ManagedOption o;
  o.offering = m.str("offering");
  o.mode = read_enum<ManagedMode>(m, "mode", {{"on_demand", ManagedMode::on_demand},
                                             {"provisioned", ManagedMode::provisioned},
                                             {"dedicated", ManagedMode::dedicated}}, ManagedMode::on_demand);
  o.tier = m.opt_str("tier");
  o.service_tier = m.opt_str("service_tier");
  if (o.service_tier && o.mode != ManagedMode::on_demand)
    throw Error(m.key_loc("service_tier"),
                fmt::format("'service_tier' of option '{}' applies only to mode on_demand", id));
  o.term = m.opt_str("term").value_or("none");
  o.unit_input_tokens_per_min = m.opt_num("unit_input_tokens_per_min", Range::positive(1e12));
  o.unit_output_tokens_per_min = m.opt_num("unit_output_tokens_per_min", Range::positive(1e12));
  o.fleet = read_fleet(file, m, id, false);
  return o;
}

// Bought servers (docs/profiles.md "owned"): the purchase, its amortisation, and what running
// them costs. Figures are per server; colocation is per kW of IT power or one facility amount.
OwnedHardware read_owned(const std::string& file, const Node& n, const std::string& id) {
  Map m(file, n, fmt::format("owned of option '{}'", id));
  OwnedHardware h;
  if (auto hw = m.opt_str("hardware")) {
    // The entry gives the server's figures; the option may still give its own price.
    for (const char* key : {"gpu", "gpu_count", "power_kw"})
      if (m.has(key))
        throw Error(m.key_loc(key), fmt::format("'{}' in owned of option '{}' is given by hardware '{}' (expected "
                                                "either hardware or gpu, gpu_count and power_kw)", key, id, *hw));
    h.hardware = *hw;
    h.hardware_loc = m.key_loc("hardware");
    h.purchase_usd = m.opt_num("purchase_usd", Range::positive(1e8)).value_or(0);
  } else {
    h.gpu = m.str("gpu");
    h.gpu_count = m.integer("gpu_count", 1, perf::max_replica_gpus);
    h.purchase_usd = m.num("purchase_usd", Range::positive(1e8));
    h.power_kw = m.num("power_kw", Range::positive(1000));
  }
  h.servers = m.opt_integer("servers", 1, 100000).value_or(1);
  h.amortization_months = m.integer("amortization_months", 1, 240);
  h.residual_share = m.num("residual_share", Range::share());
  h.idle_power_share = m.num("idle_power_share", Range::share());
  h.pue = m.num("pue", Range{1, 5, false});
  h.usd_per_kwh = m.num("usd_per_kwh", Range::non_negative(10));
  if (m.has("colocation_per_kw_month") == m.has("facility_per_month"))
    throw Error(m.has("facility_per_month") ? m.key_loc("facility_per_month") : m.loc(),
                fmt::format("owned of option '{}' gives {} (expected exactly one of colocation_per_kw_month and "
                            "facility_per_month)", id, m.has("facility_per_month") ? "both" : "neither"));
  h.colocation_per_kw_month = m.opt_num("colocation_per_kw_month", Range::non_negative(1e5));
  h.facility_per_month = m.opt_num("facility_per_month", Range::non_negative(max_usd));
  h.maintenance_share_per_year = m.num("maintenance_share_per_year", Range::share());
  h.financing_rate_per_year = m.opt_num("financing_rate_per_year", Range{0, 1, false});
  h.lead_time_months = m.opt_integer("lead_time_months", 0, 60).value_or(0);
  m.finish();
  return h;
}

// The items of an open key: `auto` (any = true), or a non-empty list of distinct scalars,
// each read by `item`.
template <class T, class F>
OpenChoice<T> read_open(const std::string& file, Map& m, const char* key, const std::string& id, F item) {
  OpenChoice<T> c;
  auto n = m.opt_node(key);
  if (!n) return c;
  if (n->IsScalar()) {
    if (!n->quoted() && n->Scalar() == "auto") c.any = true;
    else c.values.push_back(item(*n, std::string(key)));
    c.locs.push_back(loc_of(file, *n));
    return c;
  }
  if (!n->IsSequence() || n->size() == 0)
    fail(file, *n, fmt::format("'{}' of option '{}' is not a value, a non-empty list or auto", key, id));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < n->size(); ++i) {
    const Node e = (*n)[i];
    const std::string what = fmt::format("item {} of '{}' in option '{}'", i + 1, key, id);
    if (!e.IsScalar()) fail(file, e, fmt::format("{} is not a single value", what));
    if (!seen.insert(e.Scalar()).second) fail(file, e, fmt::format("{} repeats '{}'", what, e.Scalar()));
    if (!e.quoted() && e.Scalar() == "auto")
      fail(file, e, fmt::format("{} is auto (expected auto alone, not in a list)", what));
    c.values.push_back(item(e, what));
    c.locs.push_back(loc_of(file, e));
  }
  return c;
}

// Open choices of a self-hosted option (docs/profiles.md "Open choices"); nullopt when the
// option writes every key out.
std::optional<SearchSpace> read_open_choices(const std::string& file, Map& m, const std::string& id) {
  const char* open_keys[] = {"instance", "gpu", "precision", "engine", "gpus_per_replica", "parallel"};
  const char* limit_keys[] = {"gpu", "clouds", "regions", "terms"};
  // `serving: disaggregated` or `auto` searches xPyD shapes: an open choice of its own.
  const Serving serving = read_enum<Serving>(m, "serving", {{"aggregated", Serving::aggregated},
                                                            {"disaggregated", Serving::disaggregated},
                                                            {"auto", Serving::any}}, Serving::aggregated);
  bool any = serving != Serving::aggregated;
  for (const char* k : open_keys) any = any || is_open(m, k);
  for (const char* k : limit_keys) any = any || m.has(k);
  if (!any) return std::nullopt;
  SearchSpace s;
  s.loc = m.loc();
  s.serving = serving;
  auto text = [&](const Node& e, const std::string& what) { return to_string(file, e, what); };
  s.instances = read_open<std::string>(file, m, "instance", id, text);
  s.gpus = read_open<std::string>(file, m, "gpu", id, text);
  if (is_open(m, "precision")) s.precisions = read_open<std::string>(file, m, "precision", id, text);
  if (is_open(m, "engine"))
    s.engines = read_open<perf::EngineChoice>(file, m, "engine", id, [&](const Node& e, const std::string& what) {
      auto c = perf::parse_engine_choice(to_string(file, e, what));
      if (!c) fail(file, e, fmt::format("{} is '{}' (expected {})", what, e.Scalar(), perf::engine_names));
      c->given = true;
      return *c;
    });
  if (is_open(m, "gpus_per_replica"))
    s.gpus_per_replica = read_open<int>(file, m, "gpus_per_replica", id,
                                        [&](const Node& e, const std::string& what) { return to_int(file, e, what, 1, 64); });
  if (is_open(m, "parallel"))
    s.parallels = read_open<Parallel>(file, m, "parallel", id, [&](const Node& e, const std::string& what) {
      auto p = parse_parallel(to_string(file, e, what));
      if (!p) fail(file, e, fmt::format("{} is '{}' (expected tp, ep or dep)", what, e.Scalar()));
      return *p;
    });
  auto list = [&](const char* key) {
    OpenChoice<std::string> c = read_open<std::string>(file, m, key, id, text);
    if (c.any) fail(file, m.yaml()[key], fmt::format("'{}' of option '{}' is auto (expected a list; leave it out for any)", key, id));
    return c.values;
  };
  s.clouds = list("clouds");
  s.regions = list("regions");
  if (m.has("terms") && m.has("term"))
    throw Error(m.key_loc("terms"), fmt::format("option '{}' gives both term and terms (expected one)", id));
  auto terms = read_open<PricingTerm>(file, m, "terms", id, [&](const Node& e, const std::string& what) {
    const std::string t = to_string(file, e, what);
    if (t == "on_demand") return PricingTerm::on_demand;
    if (t == "1y" || t == "reserved_1y") return PricingTerm::reserved_1y;
    if (t == "3y" || t == "reserved_3y") return PricingTerm::reserved_3y;
    if (t == "spot") return PricingTerm::spot;
    fail(file, e, fmt::format("{} is '{}' (expected on_demand, 1y, 3y or spot)", what, t));
  });
  if (terms.any) {
    s.terms = {PricingTerm::on_demand, PricingTerm::reserved_1y, PricingTerm::reserved_3y, PricingTerm::spot};
  } else {
    s.terms = terms.values;
  }
  return s;
}

SelfHostedOption read_self_hosted(const std::string& file, Map& m, const std::string& id) {
  SelfHostedOption o;
  std::optional<OwnedHardware> owned;
  if (!m.has("owned")) o.search = read_open_choices(file, m, id);
  if (auto on = m.opt_node("owned")) {
    for (const char* key : {"instance", "term", "autoscale", "spot_interruption_overhead", "serving"})
      if (m.has(key))
        throw Error(m.key_loc(key), fmt::format("'{}' does not apply to option '{}', which owns its servers (expected "
                                                "'owned' or rented-instance keys, not both)", key, id));
    owned = read_owned(file, *on, id);
  } else if (!o.search) {
    o.instance = m.str("instance");
  } else if (!o.search->instances.open()) {
    if (!m.has("instance") && !o.search->gpus.open())
      throw Error(m.loc(), fmt::format("option '{}' has open choices but no instance or gpu (expected instance: auto, a "
                                       "list of instances, or gpu:)", id));
    if (m.has("instance")) {
      o.search->instances.values.push_back(m.str("instance"));
      o.search->instances.locs.push_back(loc_of(file, m.yaml()["instance"]));
    }
    else o.search->instances.any = true;
  }
  o.fleet = read_fleet(file, m, id, true);
  o.fleet.owned = std::move(owned);
  FleetSpec& f = o.fleet;
  f.pricing = read_enum<PricingTerm>(m, "term", {{"on_demand", PricingTerm::on_demand},
                                                {"reserved_1y", PricingTerm::reserved_1y},
                                                {"reserved_3y", PricingTerm::reserved_3y},
                                                {"spot", PricingTerm::spot}}, PricingTerm::on_demand);
  if (o.search && o.search->terms.empty()) o.search->terms.push_back(f.pricing);
  f.autoscale = m.opt_bool("autoscale").value_or(false);
  f.spot_interruption_overhead = m.opt_num("spot_interruption_overhead", Range::share()).value_or(0.10);
  if (f.autoscale && (f.pricing == PricingTerm::reserved_1y || f.pricing == PricingTerm::reserved_3y))
    throw Error(m.key_loc("autoscale"),
                fmt::format("option '{}' autoscales a reserved fleet (expected term on_demand or spot: reserved "
                            "instances are paid whether used or not)", id));
  return o;
}

HybridOption read_hybrid(Map& m) {
  HybridOption h;
  h.private_option = m.str("private");
  h.overflow_option = m.str("overflow");
  h.replicas = m.opt_integer("replicas", 0, 100000);
  h.batch_fills_idle = m.opt_bool("batch_fills_idle").value_or(true);
  return h;
}

Option read_option(const std::string& file, const Node& n, std::size_t i) {
  Map first(file, n, fmt::format("option {}", i + 1));
  Option o;
  o.id = first.str("id");
  Map m(file, n, fmt::format("option '{}'", o.id));
  m.allow("id");
  o.loc = m.loc();
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (it->first.IsScalar()) o.key_locs[it->first.Scalar()] = loc_of(file, it->second);
  }
  const OptionKind kind = read_kind(m);
  auto forbid = [&](std::initializer_list<const char*> keys, const char* kinds) {
    for (const char* key : keys)
      if (m.has(key))
        throw Error(m.key_loc(key), fmt::format("'{}' does not apply to a {} option (expected only for {})", key,
                                                to_string(kind), kinds));
  };
  switch (kind) {
    case OptionKind::api:
      forbid({"owned"}, "self_hosted");
      forbid({"offering", "mode", "instance", "term", "gpus_per_replica", "parallel", "moe_tp", "precision",
              "kv_precision", "engine", "tokens_per_second_per_replica", "min_replicas", "autoscale", "ops", "spot_interruption_overhead",
              "gpu", "clouds", "regions", "terms", "serving"},
             "other kinds");
      o.spec = read_api(m);
      break;
    case OptionKind::managed:
      forbid({"instance", "owned", "gpu", "clouds", "regions", "terms", "serving"}, "self_hosted");
      forbid({"autoscale", "spot_interruption_overhead"}, "self_hosted");
      for (const char* key : {"precision", "engine", "gpus_per_replica", "parallel"})
        if (is_open(m, key))
          throw Error(m.key_loc(key), fmt::format("'{}' of option '{}' is a list or auto (expected one value: open "
                                                  "choices apply to self_hosted options)", key, o.id));
      o.spec = read_managed(file, m, o.id);
      break;
    case OptionKind::self_hosted:
      forbid({"offering", "mode"}, "managed");
      forbid({"tier"}, "api and managed");
      o.spec = read_self_hosted(file, m, o.id);
      break;
    case OptionKind::hybrid:
      forbid({"model", "offering", "mode", "instance", "owned", "term", "gpus_per_replica", "parallel", "moe_tp",
              "precision", "kv_precision",
              "engine", "tokens_per_second_per_replica", "min_replicas", "autoscale", "ops", "tier", "spot_interruption_overhead",
              "gpu", "clouds", "regions", "terms", "serving"},
             "the options a hybrid combines");
      o.spec = read_hybrid(m);
      break;
  }
  if (auto on = m.opt_node("one_time")) {
    Map om(file, *on, fmt::format("one_time of option '{}'", o.id));
    for (auto name : {"migration", "setup"}) {
      if (auto usd = om.opt_num(name, Range::non_negative(max_usd))) o.one_time.push_back({name, *usd});
    }
    om.finish();
  }
  // A negotiated discount must leave something to pay.
  o.discount = m.opt_num("discount", Range{0, 0.99, false});
  m.opt_str("description");
  m.finish();
  return o;
}

// The projection horizon (docs/finance.md).
Horizon read_horizon(const std::string& file, const Node& n) {
  Map m(file, n, "horizon");
  Horizon h;
  h.loc = m.loc();
  h.months = m.opt_integer("months", 1, 600).value_or(12);
  if (auto s = m.opt_str("start")) {
    h.start = YearMonth::parse(*s);
    if (!h.start)
      throw Error(m.key_loc("start"), fmt::format("'start' in horizon is '{}' (expected YYYY-MM, month 01 to 12)", *s));
  }
  if (m.has("growth_per_month") && m.has("monthly_volume_scale"))
    throw Error(m.key_loc("monthly_volume_scale"),
                "horizon gives both growth_per_month and monthly_volume_scale (expected one)");
  h.growth_per_month = m.opt_num("growth_per_month", Range{-0.99, 10, false}).value_or(0);
  if (auto list = m.opt_node("monthly_volume_scale")) {
    if (!list->IsSequence())
      fail(file, *list, "'monthly_volume_scale' in horizon is not a list (expected one multiplier per month)");
    if (list->size() != static_cast<std::size_t>(h.months))
      fail(file, *list, fmt::format("'monthly_volume_scale' has {} values (expected {}, one per month of the horizon)",
                                    list->size(), h.months));
    for (std::size_t k = 0; k < list->size(); ++k)
      h.monthly_volume_scale.push_back(
          to_number(file, (*list)[k], fmt::format("month {} of 'monthly_volume_scale'", k + 1), Range::non_negative(1e6)));
  }
  h.discount_rate_per_year = m.opt_num("discount_rate_per_year", Range{0, 10, false});
  m.finish();
  return h;
}


// One uncertain input: a number, or {dist: uniform|normal|lognormal|triangular, ...}.
// `r` bounds the values the input can take; a distribution's parameters must lie in it
// (a normal's mean; its draws are clamped to it, docs/risk.md).
Distribution read_distribution(const std::string& file, const Node& n, const std::string& what, Range r) {
  if (!n.IsMap()) return Distribution::fixed(to_number(file, n, what, r));
  Map m(file, n, what);
  const std::string kind = m.str("dist");
  Distribution d;
  auto order = [&](const char* lo_key, double lo, const char* hi_key, double hi) {
    if (!(lo < hi))
      throw Error(m.key_loc(hi_key), fmt::format("{}: {} is {:g}, not above {} {:g} (expected {} < {})", what, hi_key,
                                                 hi, lo_key, lo, lo_key, hi_key));
  };
  if (kind == "uniform") {
    const double lo = m.num("low", r), hi = m.num("high", r);
    order("low", lo, "high", hi);
    d = Distribution::uniform(lo, hi);
  } else if (kind == "normal") {
    const double mean = m.num("mean", r);
    const double sd = m.num("sd", Range::positive(r.max - r.min));
    d = Distribution::normal(mean, sd);
  } else if (kind == "lognormal") {
    if (r.min < 0)
      throw Error(m.key_loc("dist"), fmt::format("{} can be negative (expected uniform, normal or triangular, not "
                                                 "lognormal, which is positive)", what));
    const Range pos = Range::positive(r.max);
    if (m.has("median") || m.has("sigma")) {
      if (m.has("p10") || m.has("p90"))
        throw Error(m.key_loc(m.has("p10") ? "p10" : "p90"),
                    fmt::format("{} gives both median/sigma and p10/p90 (expected one pair)", what));
      const double med = m.num("median", pos);
      const double sigma = m.num("sigma", Range::positive(10));
      d = Distribution::lognormal(med, sigma);
    } else {
      const double p10 = m.num("p10", pos), p90 = m.num("p90", pos);
      order("p10", p10, "p90", p90);
      d = Distribution::lognormal_p10_p90(p10, p90);
    }
  } else if (kind == "triangular") {
    const double lo = m.num("low", r), mode = m.num("mode", r), hi = m.num("high", r);
    order("low", lo, "high", hi);
    if (mode < lo || mode > hi)
      throw Error(m.key_loc("mode"), fmt::format("{}: mode {:g} is outside [{:g}, {:g}] (expected low <= mode <= high)",
                                                 what, mode, lo, hi));
    d = Distribution::triangular(lo, mode, hi);
  } else {
    throw Error(m.key_loc("dist"), fmt::format("{}: unknown dist '{}' (expected uniform, normal, lognormal or triangular)",
                                               what, kind));
  }
  m.finish();
  return d;
}

// The `uncertainty:` section (docs/risk.md). `h` is the horizon already read: uncertain
// growth replaces its growth_per_month, so it cannot stand beside a monthly_volume_scale list.
Uncertainty read_uncertainty(const std::string& file, const Node& n, const Horizon& h) {
  Map m(file, n, "uncertainty");
  Uncertainty u;
  u.loc = m.loc();
  u.draws = m.opt_integer("draws", 1, 1'000'000).value_or(10000);
  u.seed = static_cast<std::uint64_t>(m.opt_integer("seed", 0, 2'147'483'647).value_or(1));
  struct Key {
    UncertainInput input;
    Range range;
  };
  // Ranges of the values each input can take: a multiplier is positive, a growth rate at
  // least -0.99 (as in horizon), a price change at least -1 (free).
  const Key keys[] = {
      {UncertainInput::volume, Range::non_negative(1e6)},
      {UncertainInput::growth_per_month, Range{-0.99, 10, false}},
      {UncertainInput::api_price_change_per_year, Range{-1, 10, false}},
      {UncertainInput::gpu_price_change_per_year, Range{-1, 10, false}},
      {UncertainInput::throughput, Range::positive(100)},
      {UncertainInput::spot_interruption_overhead, Range::non_negative(10)},
      {UncertainInput::peak_to_average, Range::positive(24)},
      {UncertainInput::spot_price, Range::positive(100)},
      {UncertainInput::api_price_step, Range{-1, 10, false}},
      {UncertainInput::gpu_price_step, Range{-1, 10, false}},
  };
  for (const Key& k : keys) {
    const char* name = to_string(k.input);
    auto node = m.opt_node(name);
    if (!node) continue;
    const SourceLoc at = m.key_loc(name);
    if (k.input == UncertainInput::growth_per_month && !h.monthly_volume_scale.empty())
      throw Error(at, "uncertainty gives growth_per_month, which replaces the horizon's growth, but horizon gives "
                      "monthly_volume_scale (expected horizon growth_per_month, or no uncertain growth)");
    if (k.input == UncertainInput::api_price_change_per_year && node->IsMap() && !(*node)["dist"]) {
      // One change per provider; `default` for providers not named.
      for (const auto& kv : *node) {
        const std::string provider = to_string(file, kv.first, "a provider of api_price_change_per_year");
        UncertainValue v;
        v.input = k.input;
        v.provider = provider == "default" ? "" : provider;
        v.loc = loc_of(file, kv.first);
        v.dist = read_distribution(file, kv.second, fmt::format("api_price_change_per_year of '{}'", provider), k.range);
        u.inputs.push_back(std::move(v));
      }
      if (u.inputs.empty() || u.inputs.back().input != k.input)
        fail(file, *node, "api_price_change_per_year is an empty mapping (expected a number, a distribution, or one "
                          "per provider)");
      // The default first, then providers by name, so that draws do not depend on key order.
      std::stable_sort(u.inputs.begin(), u.inputs.end(), [](const UncertainValue& a, const UncertainValue& b) {
        if (a.input != b.input) return a.input < b.input;
        return a.provider < b.provider;
      });
      continue;
    }
    UncertainValue v;
    v.input = k.input;
    v.loc = at;
    if (k.input == UncertainInput::api_price_step || k.input == UncertainInput::gpu_price_step) {
      // A one-time change: {at_month: M, change: number or distribution}.
      if (!node->IsMap())
        fail(file, *node, fmt::format("{} is not a mapping (expected {{at_month: M, change: C}}: from month M on, "
                                      "prices are (1 + C) times; a yearly trend is {}_per_year)",
                                      name, name));
      Map sm(file, *node, name);
      v.at_month = sm.integer("at_month", 1, 600);
      v.dist = read_distribution(file, sm.node("change"), fmt::format("'change' of {}", name), k.range);
      sm.finish();
    } else {
      v.dist = read_distribution(file, *node, name, k.range);
    }
    u.inputs.push_back(std::move(v));
  }
  m.finish();
  return u;
}

}  // namespace

namespace {

// `model: hf:PATH` (a Hugging Face config.json, relative to the profile's directory): the
// architecture joins the profile's models under that id, and its quantization sets the
// option's precision unless the option gives one.
void read_hf_models(Profile& p) {
  for (auto& o : p.options) {
    FleetSpec* f = o.fleet();
    if (!f || f->model.rfind("hf:", 0) != 0) continue;
    const std::string rel = f->model.substr(3);
    if (rel.empty()) throw Error(o.loc_of("model"), "model 'hf:' names no file (expected hf:PATH/config.json)");
    const std::filesystem::path base = std::filesystem::path(p.path).parent_path();
    const std::string path = std::filesystem::path(rel).is_absolute() ? rel : (base / rel).string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      throw Error(o.loc_of("model"), fmt::format("model '{}': {} is not a readable file (expected a Hugging Face "
                                                 "config.json)", f->model, path));
    auto known = std::find_if(p.models.begin(), p.models.end(), [&](const ModelArch& m) { return m.id == f->model; });
    HfModel hf = load_hf_config(path, f->model);
    if (known == p.models.end()) p.models.push_back(hf.arch);
    if (!o.key_locs.count("precision")) f->precision = hf.precision;
  }
}

// The declared class nearest to `c` (edit distance, without regard to case).
const std::string& nearest_class(const std::string& c, const std::vector<std::string>& declared) {
  auto lower = [](std::string s) {
    for (char& ch : s) ch = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    return s;
  };
  const std::string lc = lower(c);
  std::size_t best = 0, best_d = static_cast<std::size_t>(-1);
  for (std::size_t i = 0; i < declared.size(); ++i) {
    const std::size_t d = edit_distance(lc, lower(declared[i]));
    if (d < best_d) {
      best = i;
      best_d = d;
    }
  }
  return declared[best];
}

// Data classes cannot lapse on a spelling: with a declared vocabulary, every workload's and
// every policy's class must be in it; without one, every policy class must be carried by
// some workload (a policy that matches nothing protects nothing). Classes compare without
// regard to case.
void check_data_classes(const Profile& p) {
  const auto& declared = p.data_classes;
  if (!declared.empty()) {
    for (const auto& w : p.workloads) {
      if (has_data_class(declared, w.data_class)) continue;
      throw Error(w.data_class_loc,
                  fmt::format("workload '{}' has data class '{}'{}, which 'data_classes' does not declare (nearest "
                              "declared: '{}'; declared: {})",
                              w.id, w.data_class, w.data_class_loc.line == w.loc.line && w.data_class_loc.col == w.loc.col ? " (the default)" : "",
                              nearest_class(w.data_class, declared), fmt::join(declared, ", ")));
    }
  }
  const auto& policy = p.policy.self_hosted_only;
  for (std::size_t i = 0; i < policy.size(); ++i) {
    const SourceLoc at = i < p.policy.self_hosted_only_locs.size() ? p.policy.self_hosted_only_locs[i] : p.policy.loc;
    if (!declared.empty()) {
      if (has_data_class(declared, policy[i])) continue;
      throw Error(at, fmt::format("policy class '{}' in self_hosted_only is not declared in 'data_classes' (nearest "
                                  "declared: '{}'; declared: {})",
                                  policy[i], nearest_class(policy[i], declared), fmt::join(declared, ", ")));
    }
    const bool carried = std::any_of(p.workloads.begin(), p.workloads.end(),
                                     [&](const Workload& w) { return same_data_class(w.data_class, policy[i]); });
    if (carried) continue;
    std::vector<std::string> used;
    for (const auto& w : p.workloads) {
      if (!has_data_class(used, w.data_class)) used.push_back(w.data_class);
    }
    throw Error(at, fmt::format("policy class '{}' in self_hosted_only matches no workload (workloads carry: {}); "
                                "expected a class a workload carries, or a 'data_classes' list that declares it",
                                policy[i], fmt::join(used, ", ")));
  }
}

}  // namespace

Profile parse_profile(const std::string& file, const std::string& text) {
  Document doc = parse_document(file, text);
  Map top(file, doc.root, "profile");
  Profile p;
  p.path = file;
  p.loc = top.loc();
  p.name = top.str("name");
  top.opt_str("description");
  p.price_sheet = top.opt_str("price_sheet");
  std::set<std::string> ids;
  top.seq("workloads", [&](const Node& n, std::size_t i) {
    if (i == max_workloads)
      fail(file, n, fmt::format("profile has more than {} workloads (expected at most {})", max_workloads, max_workloads));
    Workload w = read_workload(file, n, i);
    if (!ids.insert(w.id).second) throw Error(w.loc, fmt::format("duplicate workload id '{}' (expected each id once)", w.id));
    p.workloads.push_back(std::move(w));
  });
  if (p.workloads.empty()) throw Error(top.key_loc("workloads"), "profile has no workloads (expected at least one)");
  if (auto on = top.opt_node("ops")) {
    Map om(file, *on, "ops");
    p.ops_loc = top.key_loc("ops");
    p.ops = read_ops(om);
  }
  if (auto hn = top.opt_node("horizon")) {
    p.horizon = read_horizon(file, *hn);
    p.horizon_given = true;
  }
  std::set<std::string> option_ids;
  top.seq("options", [&](const Node& n, std::size_t i) {
    if (i == max_options)
      fail(file, n, fmt::format("profile has more than {} options (expected at most {})", max_options, max_options));
    Option o = read_option(file, n, i);
    if (!option_ids.insert(o.id).second)
      throw Error(o.loc_of("id"), fmt::format("duplicate option id '{}' (expected each id once)", o.id));
    p.options.push_back(std::move(o));
  });
  if (p.options.empty()) throw Error(top.key_loc("options"), "profile has no options (expected at least one)");
  for (const auto& w : p.workloads)
    if (!w.current_option.empty() && !p.find_option(w.current_option))
      throw Error(w.current_option_loc, fmt::format("current_option '{}' of workload '{}' is not an option of the profile "
                                                    "(expected the id of the option that serves it today)",
                                                    w.current_option, w.id));
  read_hf_models(p);
  for (const auto& o : p.options) {
    const HybridOption* h = std::get_if<HybridOption>(&o.spec);
    if (!h) continue;
    const Option* priv = p.find_option(h->private_option);
    if (!priv || !std::get_if<SelfHostedOption>(&priv->spec))
      throw Error(o.loc_of("private"), fmt::format("'private' of hybrid option '{}' is '{}' (expected the id of a self_hosted option)",
                                                   o.id, h->private_option));
    if (priv->fleet()->owned)
      throw Error(o.loc_of("private"),
                  fmt::format("'private' of hybrid option '{}' is '{}', which owns its servers (expected a self_hosted "
                              "option renting instances: a hybrid sizes its fleet, an owned fleet is fixed)",
                              o.id, h->private_option));
    if (std::get<SelfHostedOption>(priv->spec).search)
      throw Error(o.loc_of("private"),
                  fmt::format("'private' of hybrid option '{}' is '{}', which has open choices (expected a self_hosted "
                              "option written out in full: plan search finds the point to write)",
                              o.id, h->private_option));
    const Option* over = p.find_option(h->overflow_option);
    if (!over || !over->pay_per_token())
      throw Error(o.loc_of("overflow"),
                  fmt::format("'overflow' of hybrid option '{}' is '{}' (expected the id of an api or managed on_demand option)",
                              o.id, h->overflow_option));
  }
  if (auto dn = top.opt_node("discounts")) {
    Map dm(file, *dn, "discounts");
    for (auto it = dn->begin(); it != dn->end(); ++it) {
      const std::string provider = to_string(file, it->first, "a provider name in 'discounts'");
      dm.allow(provider.c_str());
      p.discounts.push_back({provider,
                             to_number(file, it->second, fmt::format("discount for provider '{}'", provider),
                                       Range{0, 0.99, false}),
                             loc_of(file, it->second)});
    }
    dm.finish();
  }
  // Validated here so that every command rejects a bad section; read by load_uncertainty.
  if (auto un = top.opt_node("uncertainty")) read_uncertainty(file, *un, p.horizon);
  if (auto pn = top.opt_node("policy")) {
    Map pm(file, *pn, "policy");
    p.policy.loc = pm.loc();
    pm.seq("self_hosted_only", [&](const Node& e, std::size_t i) {
      p.policy.self_hosted_only.push_back(
          to_string(file, e, fmt::format("item {} of 'self_hosted_only' in policy", i + 1)));
      p.policy.self_hosted_only_locs.push_back(loc_of(file, e));
    }, false);
    pm.finish();
  }
  std::vector<SourceLoc> declared_locs;
  top.seq("data_classes", [&](const Node& e, std::size_t i) {
    std::string c = to_string(file, e, fmt::format("item {} of 'data_classes'", i + 1));
    if (c.empty()) fail(file, e, "an item of 'data_classes' is empty (expected a class name such as phi)");
    if (has_data_class(p.data_classes, c))
      fail(file, e, fmt::format("data class '{}' is declared twice in 'data_classes' (classes compare without "
                                "regard to case)", c));
    p.data_classes.push_back(std::move(c));
    declared_locs.push_back(loc_of(file, e));
  }, false);
  if (top.has("data_classes") && p.data_classes.empty())
    throw Error(top.key_loc("data_classes"), "'data_classes' is empty (expected the data classes this profile's "
                                             "workloads and policy may name, or no 'data_classes' key)");
  top.finish();
  check_data_classes(p);
  return p;
}

Profile load_profile(const std::string& path) {
  Limits limits;
  return parse_profile(path, read_text_file(path, limits.max_bytes));
}

std::set<std::string> profile_keys(const std::vector<std::string>& paths) {
  KeyRecorder rec;
  for (const auto& p : paths) (void)load_profile(p);
  return rec.keys();
}

void check_references(const Profile& p, const PriceSheet& s) {
  for (const auto& o : p.options) {
    if (const ApiOption* a = std::get_if<ApiOption>(&o.spec)) {
        if (!s.find_api(a->model))
          throw Error(o.loc_of("model"), fmt::format("unknown model '{}' (expected an api_models id of price sheet {})", a->model, s.version));
        if (a->tier) {
          const auto& lim = s.find_api(a->model)->rate_limits;
          bool found = false;
          std::vector<std::string> tiers;
          for (const auto& l : lim) {
            found = found || l.tier == *a->tier;
            tiers.push_back(l.tier);
          }
          if (!found)
            throw Error(o.loc_of("tier"), fmt::format("unknown tier '{}' for model '{}' in price sheet {} (expected one of: {})",
                                                      *a->tier, a->model, s.version,
                                                      tiers.empty() ? "none listed" : fmt::format("{}", fmt::join(tiers, ", "))));
        }
    } else if (const ManagedOption* m = std::get_if<ManagedOption>(&o.spec)) {
        if (!s.find_managed(m->offering))
          throw Error(o.loc_of("offering"), fmt::format("unknown offering '{}' (expected a managed id of price sheet {})", m->offering, s.version));
    } else if (const SelfHostedOption* sh = std::get_if<SelfHostedOption>(&o.spec)) {
        if (sh->search) {
          // Each listed instance, at its item of the list.
          const auto& listed = sh->search->instances.values;
          for (std::size_t i = 0; i < listed.size(); ++i)
            if (!s.find_instance(listed[i])) {
              const auto& locs = sh->search->instances.locs;
              const SourceLoc at = i < locs.size() ? locs[i] : o.loc_of("instance");
              throw Error(at, fmt::format("unknown instance '{}' (expected a gpu_instances id of price sheet {})",
                                          listed[i], s.version));
            }
        } else if (!sh->fleet.owned && !s.find_instance(sh->instance))
          throw Error(o.loc_of("instance"), fmt::format("unknown instance '{}' (expected a gpu_instances id of price sheet {})", sh->instance, s.version));
    }  // a hybrid's parts are options checked on their own
  }
}

std::optional<Uncertainty> parse_uncertainty(const std::string& file, const std::string& text) {
  Document doc = parse_document(file, text);
  Map top(file, doc.root, "profile");
  Horizon h;
  if (auto hn = top.opt_node("horizon")) h = read_horizon(file, *hn);
  auto un = top.opt_node("uncertainty");
  if (!un) return std::nullopt;
  return read_uncertainty(file, *un, h);
}

std::optional<Uncertainty> load_uncertainty(const std::string& path) {
  Limits limits;
  return parse_uncertainty(path, read_text_file(path, limits.max_bytes));
}

void check_uncertainty_providers(const Uncertainty& u, const PriceSheet& s) {
  std::set<std::string> known;
  for (const auto& a : s.api_models) known.insert(a.provider);
  for (const auto& m : s.managed) known.insert(m.provider);
  for (const auto& v : u.inputs) {
    if (v.provider.empty() || known.count(v.provider)) continue;
    throw Error(v.loc, fmt::format("unknown provider '{}' in api_price_change_per_year (expected 'default' or a provider "
                                   "of price sheet {}: {})",
                                   v.provider, s.version, fmt::join(known, ", ")));
  }
}

}  // namespace plan::io
