#include "plan/core/finance/diff.hpp"

#include "options/evaluators.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <string_view>

namespace plan {
namespace {

long long cents(double usd) { return std::llround(usd * 100.0); }

const OptionResult* find(const CompareResult& r, const std::string& id) {
  for (const auto& o : r.options) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

// True when a and b differ once rounded to `unit` (as they are printed). An unbounded
// value (infinity) differs from every finite one.
bool differs(double a, double b, double unit) {
  if (std::isinf(a) || std::isinf(b)) return a != b;
  return std::llround(a / unit) != std::llround(b / unit);
}

std::string ms(double v) { return std::isinf(v) ? std::string("unbounded") : fmt::format("{:.2f}", v); }

// Latency at peak: TTFT percentiles and TPOT, to 0.01 ms.
void add_latency_changes(std::vector<std::string>& why, const std::optional<FleetLatency>& a,
                         const std::optional<FleetLatency>& b) {
  if (!a && !b) return;
  if (!a || !b) {
    why.push_back(fmt::format("latency at peak: {} -> {}", a ? "stated" : "not stated", b ? "stated" : "not stated"));
    return;
  }
  auto line = [&](const char* what, double x, double y) {
    if (!differs(x, y, 0.01)) return;
    std::string change = std::isinf(x) || std::isinf(y) ? std::string() : fmt::format(" ({:+.2f})", y - x);
    why.push_back(fmt::format("{} at peak: {} -> {} ms{}", what, ms(x), ms(y), change));
  };
  line("TTFT p50", a->ttft_p50_ms, b->ttft_p50_ms);
  line("TTFT p95", a->ttft_p95_ms, b->ttft_p95_ms);
  line("TTFT p99", a->ttft_p99_ms, b->ttft_p99_ms);
  line("TPOT", a->tpot_ms, b->tpot_ms);
}

// How a self-hosted fleet is sized and how it performs at peak: GPUs, tensor-parallel
// degree, instances, utilisation (to 0.1 percentage point), one replica's throughput (to
// 0.1 token/s) and where that figure came from, and the latency at peak. Replicas are
// compared by diff_option.
void add_fleet_changes(std::vector<std::string>& why, const SelfHostedDetail& a, const SelfHostedDetail& b) {
  if (a.gpus != b.gpus) why.push_back(fmt::format("GPUs: {} -> {}", a.gpus, b.gpus));
  if (a.gpus_per_replica != b.gpus_per_replica)
    why.push_back(fmt::format("GPUs per replica: {} -> {}", a.gpus_per_replica, b.gpus_per_replica));
  if (a.instances != b.instances) why.push_back(fmt::format("instances: {} -> {}", a.instances, b.instances));
  if (differs(a.utilization * 100.0, b.utilization * 100.0, 0.1))
    why.push_back(fmt::format("utilisation: {:.1f}% -> {:.1f}%", a.utilization * 100.0, b.utilization * 100.0));
  if (differs(a.replica_tokens_per_s, b.replica_tokens_per_s, 0.1))
    why.push_back(fmt::format("replica throughput: {:.1f} -> {:.1f} tokens/s", a.replica_tokens_per_s,
                              b.replica_tokens_per_s));
  if (a.throughput_provenance != b.throughput_provenance)
    why.push_back(fmt::format("replica throughput provenance: {} -> {}", provenance_text(a.throughput_provenance),
                              provenance_text(b.throughput_provenance)));
  if (a.throughput_source != b.throughput_source)
    why.push_back(fmt::format("replica throughput source: {} -> {}", a.throughput_source.empty() ? "-" : a.throughput_source,
                              b.throughput_source.empty() ? "-" : b.throughput_source));
  add_latency_changes(why, a.latency_at_peak, b.latency_at_peak);
}

// Reasons an option is infeasible that only one side gives, when it is infeasible on both
// (a change of feasibility lists them already).
void add_reason_changes(std::vector<std::string>& why, const OptionResult& a, const OptionResult& b) {
  if (a.feasible || b.feasible) return;
  auto has = [](const std::vector<std::string>& v, const std::string& r) {
    return std::find(v.begin(), v.end(), r) != v.end();
  };
  for (const auto& r : a.reasons) {
    if (!has(b.reasons, r)) why.push_back("infeasible reason dropped: " + r);
  }
  for (const auto& r : b.reasons) {
    if (!has(a.reasons, r)) why.push_back("infeasible reason added: " + r);
  }
}

// Everything beyond cost that a diff reports for an option present on both sides.
void add_result_changes(std::vector<std::string>& why, const OptionResult& a, const OptionResult& b) {
  add_reason_changes(why, a, b);
  const SelfHostedDetail *fa = fleet_detail(a), *fb = fleet_detail(b);
  if (fa && fb) add_fleet_changes(why, *fa, *fb);
}

OptionDiff diff_option(const std::string& id, const OptionResult* a, const OptionResult* b) {
  OptionDiff d;
  d.id = id;
  if (a && a->feasible) d.a_usd = a->monthly_cost_usd;
  if (b && b->feasible) d.b_usd = b->monthly_cost_usd;
  if (!a) {
    d.why.push_back("only in B");
    return d;
  }
  if (!b) {
    d.why.push_back("only in A");
    return d;
  }
  if (a->feasible != b->feasible) {
    d.why.push_back(b->feasible ? "feasible in B, not in A" : "feasible in A, not in B");
    for (const auto& why : (b->feasible ? a : b)->reasons) d.why.push_back("infeasible: " + why);
  }
  if (d.a_usd && d.b_usd) d.change_usd = static_cast<double>(cents(*d.b_usd) - cents(*d.a_usd)) / 100.0;
  // Cost lines only where both sides have a price: an infeasible option has none.
  auto la = a->breakdown.lines(), lb = b->breakdown.lines();
  for (std::size_t k = 0; a->feasible && b->feasible && k < la.size(); ++k) {
    const long long ca = cents(la[k].second), cb = cents(lb[k].second);
    if (ca != cb)
      d.why.push_back(fmt::format("{}: {:.2f} -> {:.2f} ({:+.2f})", la[k].first, static_cast<double>(ca) / 100.0, static_cast<double>(cb) / 100.0,
                                  static_cast<double>(cb - ca) / 100.0));
  }
  const auto ha = held_capacity(*a), hb = held_capacity(*b);
  if (ha && hb && std::string_view(ha->what) == hb->what && ha->count != hb->count)
    d.why.push_back(fmt::format("{}: {} -> {}", ha->what, ha->count, hb->count));
  if (std::llround(a->monthly_tokens) != std::llround(b->monthly_tokens))
    d.why.push_back(fmt::format("monthly tokens: {:.0f} -> {:.0f}", a->monthly_tokens, b->monthly_tokens));
  add_result_changes(d.why, *a, *b);
  return d;
}

}  // namespace

namespace detail {

void add_price(std::vector<std::string>& out, const char* what, std::optional<double> a, std::optional<double> b,
               const PriceSheet& sa, int la, const PriceSheet& sb, int lb) {
  if (a == b) return;
  auto s = [](std::optional<double> v) { return v ? fmt::format("{}", *v) : std::string("none"); };
  out.push_back(fmt::format("{}: {} -> {} ({} -> {})", what, s(a), s(b), sa.cite(la), sb.cite(lb)));
}

void add_token_prices(std::vector<std::string>& out, const std::string& prefix, const TokenPrices& a,
                      const TokenPrices& b, const PriceSheet& sa, int la, const PriceSheet& sb, int lb) {
  add_price(out, (prefix + "input_per_mtok").c_str(), a.input_per_mtok, b.input_per_mtok, sa, la, sb, lb);
  add_price(out, (prefix + "output_per_mtok").c_str(), a.output_per_mtok, b.output_per_mtok, sa, la, sb, lb);
  add_price(out, (prefix + "cached_input_per_mtok").c_str(), a.cached_input_per_mtok, b.cached_input_per_mtok, sa, la,
            sb, lb);
  add_price(out, (prefix + "cache_write_per_mtok").c_str(), a.cache_write_per_mtok, b.cache_write_per_mtok, sa, la, sb,
            lb);
  add_price(out, (prefix + "batch_input_per_mtok").c_str(), a.batch_input_per_mtok, b.batch_input_per_mtok, sa, la, sb,
            lb);
  add_price(out, (prefix + "batch_output_per_mtok").c_str(), a.batch_output_per_mtok, b.batch_output_per_mtok, sa, la,
            sb, lb);
  add_price(out, (prefix + "cache_write_1h_per_mtok").c_str(), a.cache_write_1h_per_mtok, b.cache_write_1h_per_mtok, sa,
            la, sb, lb);
  // Long-context tiers, by position: threshold and the two main prices.
  for (std::size_t i = 0; i < std::max(a.tiers.size(), b.tiers.size()); ++i) {
    const ContextTier* ta = i < a.tiers.size() ? &a.tiers[i] : nullptr;
    const ContextTier* tb = i < b.tiers.size() ? &b.tiers[i] : nullptr;
    auto get = [](const ContextTier* t, auto field) { return t ? std::optional<double>(field(*t)) : std::nullopt; };
    const std::string at = prefix + fmt::format("tiers[{}].", i);
    const int lta = ta ? ta->line : la, ltb = tb ? tb->line : lb;
    add_price(out, (at + "above_input_tokens").c_str(), get(ta, [](const ContextTier& t) { return t.above_input_tokens; }),
              get(tb, [](const ContextTier& t) { return t.above_input_tokens; }), sa, lta, sb, ltb);
    add_price(out, (at + "input_per_mtok").c_str(), get(ta, [](const ContextTier& t) { return t.prices.input_per_mtok; }),
              get(tb, [](const ContextTier& t) { return t.prices.input_per_mtok; }), sa, lta, sb, ltb);
    add_price(out, (at + "output_per_mtok").c_str(), get(ta, [](const ContextTier& t) { return t.prices.output_per_mtok; }),
              get(tb, [](const ContextTier& t) { return t.prices.output_per_mtok; }), sa, lta, sb, ltb);
  }
}

}  // namespace detail

namespace {

std::optional<double> opt(double v) { return v; }

void add_text(std::vector<std::string>& out, const char* what, const std::optional<std::string>& a,
              const std::optional<std::string>& b, const PriceSheet& sa, int la, const PriceSheet& sb, int lb) {
  if (a == b) return;
  out.push_back(fmt::format("{}: {} -> {} ({} -> {})", what, a.value_or("none"), b.value_or("none"), sa.cite(la),
                            sb.cite(lb)));
}

void add_limits(std::vector<std::string>& out, std::optional<double> ctx_a, std::optional<double> ctx_b,
                std::optional<double> max_a, std::optional<double> max_b, const std::optional<std::string>& ret_a,
                const std::optional<std::string>& ret_b, const PriceSheet& a, int la, const PriceSheet& b, int lb) {
  detail::add_price(out, "context_tokens", ctx_a, ctx_b, a, la, b, lb);
  detail::add_price(out, "max_output_tokens", max_a, max_b, a, la, b, lb);
  add_text(out, "retires", ret_a, ret_b, a, la, b, lb);
}

std::vector<std::string> api_changes(const ApiModel& x, const ApiModel& y, const PriceSheet& a, const PriceSheet& b) {
  std::vector<std::string> out;
  detail::add_token_prices(out, "", x.prices, y.prices, a, x.line, b, y.line);
  add_limits(out, x.context_tokens, y.context_tokens, x.max_output_tokens, y.max_output_tokens, x.retires, y.retires, a,
             x.line, b, y.line);
  add_text(out, "successor", x.successor, y.successor, a, x.line, b, y.line);
  return out;
}

std::vector<std::string> managed_changes(const ManagedOffering& x, const ManagedOffering& y, const PriceSheet& a,
                                         const PriceSheet& b) {
  std::vector<std::string> out;
  add_text(out, "model", x.model, y.model, a, x.line, b, y.line);
  if (x.on_demand && y.on_demand) detail::add_token_prices(out, "on_demand.", *x.on_demand, *y.on_demand, a, x.line, b, y.line);
  else if (x.on_demand || y.on_demand)
    add_text(out, "on_demand", x.on_demand ? std::optional<std::string>("priced") : std::nullopt,
             y.on_demand ? std::optional<std::string>("priced") : std::nullopt, a, x.line, b, y.line);
  const Provisioned none;
  const Provisioned& px = x.provisioned ? *x.provisioned : none;
  const Provisioned& py = y.provisioned ? *y.provisioned : none;
  detail::add_price(out, "provisioned.input_tokens_per_min_per_unit", px.input_tokens_per_min_per_unit,
                    py.input_tokens_per_min_per_unit, a, x.line, b, y.line);
  detail::add_price(out, "provisioned.output_tokens_per_min_per_unit", px.output_tokens_per_min_per_unit,
                    py.output_tokens_per_min_per_unit, a, x.line, b, y.line);
  auto term_of = [](const Provisioned& p, const std::string& t) -> const ProvisionedTerm* {
    for (const auto& pt : p.terms)
      if (pt.term == t) return &pt;
    return nullptr;
  };
  std::vector<std::string> terms;
  for (const auto& t : px.terms) terms.push_back(t.term);
  for (const auto& t : py.terms)
    if (!term_of(px, t.term)) terms.push_back(t.term);
  for (const auto& t : terms) {
    const ProvisionedTerm* tx = term_of(px, t);
    const ProvisionedTerm* ty = term_of(py, t);
    detail::add_price(out, fmt::format("provisioned.terms[{}].usd_per_unit_hour", t).c_str(),
                      tx ? opt(tx->usd_per_unit_hour) : std::nullopt, ty ? opt(ty->usd_per_unit_hour) : std::nullopt, a,
                      tx ? tx->line : x.line, b, ty ? ty->line : y.line);
  }
  const auto& dx = x.dedicated;
  const auto& dy = y.dedicated;
  detail::add_price(out, "dedicated.usd_per_hour", dx ? opt(dx->usd_per_hour) : std::nullopt,
                    dy ? opt(dy->usd_per_hour) : std::nullopt, a, x.line, b, y.line);
  detail::add_price(out, "dedicated.gpu_count", dx ? opt(dx->gpu_count) : std::nullopt,
                    dy ? opt(dy->gpu_count) : std::nullopt, a, x.line, b, y.line);
  add_text(out, "dedicated.gpu", dx ? std::optional<std::string>(dx->gpu) : std::nullopt,
           dy ? std::optional<std::string>(dy->gpu) : std::nullopt, a, x.line, b, y.line);
  add_limits(out, x.context_tokens, y.context_tokens, x.max_output_tokens, y.max_output_tokens, x.retires, y.retires, a,
             x.line, b, y.line);
  add_text(out, "successor", x.successor, y.successor, a, x.line, b, y.line);
  return out;
}

std::vector<std::string> instance_changes(const GpuInstance& x, const GpuInstance& y, const PriceSheet& a,
                                          const PriceSheet& b) {
  std::vector<std::string> out;
  detail::add_price(out, "on_demand_per_hour", x.on_demand_per_hour, y.on_demand_per_hour, a, x.line, b, y.line);
  detail::add_price(out, "reserved_1y_per_hour", x.reserved_1y_per_hour, y.reserved_1y_per_hour, a, x.line, b, y.line);
  detail::add_price(out, "reserved_3y_per_hour", x.reserved_3y_per_hour, y.reserved_3y_per_hour, a, x.line, b, y.line);
  detail::add_price(out, "spot_per_hour", x.spot_per_hour, y.spot_per_hour, a, x.line, b, y.line);
  detail::add_price(out, "spot_min_per_hour", x.spot_min_per_hour, y.spot_min_per_hour, a, x.line, b, y.line);
  detail::add_price(out, "spot_max_per_hour", x.spot_max_per_hour, y.spot_max_per_hour, a, x.line, b, y.line);
  add_text(out, "gpu", x.gpu, y.gpu, a, x.line, b, y.line);
  detail::add_price(out, "gpu_count", opt(x.gpu_count), opt(y.gpu_count), a, x.line, b, y.line);
  return out;
}

// One kind of entry: A's entries in order (changed or removed), then those only B has.
template <class Entry, class Changes>
void diff_entries(SheetEntryKind kind, const std::vector<Entry>& xs, const std::vector<Entry>& ys, const PriceSheet& a,
                  const PriceSheet& b, Changes changes, SheetDiff& d) {
  auto find = [](const std::vector<Entry>& v, const std::string& id) -> const Entry* {
    for (const auto& e : v)
      if (e.id == id) return &e;
    return nullptr;
  };
  for (const auto& x : xs) {
    if (const Entry* y = find(ys, x.id)) {
      auto lines = changes(x, *y, a, b);
      if (lines.empty()) ++d.unchanged;
      else d.entries.push_back({kind, x.id, EntryStatus::changed, std::move(lines)});
    } else {
      d.entries.push_back({kind, x.id, EntryStatus::removed, {a.cite(x.line)}});
    }
  }
  for (const auto& y : ys)
    if (!find(xs, y.id)) d.entries.push_back({kind, y.id, EntryStatus::added, {b.cite(y.line)}});
}

}  // namespace

const char* to_string(SheetEntryKind k) {
  switch (k) {
    case SheetEntryKind::api_model: return "api model";
    case SheetEntryKind::managed_offering: return "managed offering";
    case SheetEntryKind::gpu_instance: return "gpu instance";
  }
  return "?";
}

const char* to_string(EntryStatus s) {
  switch (s) {
    case EntryStatus::changed: return "changed";
    case EntryStatus::added: return "added";
    case EntryStatus::removed: return "removed";
  }
  return "?";
}

SheetDiff diff_sheets(const PriceSheet& a, const PriceSheet& b) {
  SheetDiff d;
  diff_entries(SheetEntryKind::api_model, a.api_models, b.api_models, a, b, api_changes, d);
  diff_entries(SheetEntryKind::managed_offering, a.managed, b.managed, a, b, managed_changes, d);
  diff_entries(SheetEntryKind::gpu_instance, a.gpu_instances, b.gpu_instances, a, b, instance_changes, d);
  return d;
}

CompareDiff diff_results(const CompareResult& a, const CompareResult& b) {
  CompareDiff d;
  if (a.price_sheet_version != b.price_sheet_version)
    d.context.push_back(fmt::format("price sheet: {} -> {}", a.price_sheet_version, b.price_sheet_version));
  if (a.profile_name != b.profile_name)
    d.context.push_back(fmt::format("profile: {} -> {}", a.profile_name, b.profile_name));
  if (std::llround(a.monthly_tokens) != std::llround(b.monthly_tokens))
    d.context.push_back(fmt::format("monthly tokens: {:.0f} -> {:.0f}", a.monthly_tokens, b.monthly_tokens));
  for (const auto& o : a.options) d.options.push_back(diff_option(o.id, &o, find(b, o.id)));
  for (const auto& o : b.options) {
    if (!find(a, o.id)) d.options.push_back(diff_option(o.id, nullptr, &o));
  }
  return d;
}

std::vector<std::string> price_changes(const Option& o, const PriceSheet& a, const PriceSheet& b) {
  return std::visit([&](const auto& k) { return detail::price_changes(k, a, b); }, o.spec);
}

std::vector<std::pair<std::string, std::string>> option_settings(const Option& o) {
  detail::Settings k;
  std::visit([&](const auto& spec) { detail::describe(spec, o, k); }, o.spec);
  return {{"model", k.model},
          {"offering", k.offering},
          {"mode", k.mode},
          {"term", k.term},
          {"instance", k.instance},
          {"tokens_per_second_per_replica", k.tps},
          {"min_replicas", k.min_replicas},
          {"autoscale", k.autoscale},
          {"private_option", k.private_option},
          {"overflow_option", k.overflow_option},
          {"hybrid_replicas", k.replicas}};
}

std::vector<SettingChange> option_settings(const Option& a, const Option& b) {
  std::vector<SettingChange> out;
  const auto sa = option_settings(a), sb = option_settings(b);
  for (std::size_t i = 0; i < sa.size(); ++i)
    if (sa[i].second != sb[i].second) out.push_back({sa[i].first, sa[i].second, sb[i].second});
  return out;
}

void add_price_reasons(CompareDiff& d, const Profile& pa, const PriceSheet& sa, const Profile& pb,
                       const PriceSheet& sb) {
  if (sa.sha256 == sb.sha256) return;
  for (auto& od : d.options) {
    const Option* oa = pa.find_option(od.id);
    const Option* ob = pb.find_option(od.id);
    if (!oa || !ob) continue;
    auto changes = price_changes(*oa, sa, sb);
    od.why.insert(od.why.begin(), changes.begin(), changes.end());
  }
}

void add_option_reasons(CompareDiff& d, const Profile& pa, const Profile& pb) {
  for (auto& od : d.options) {
    const Option* a = pa.find_option(od.id);
    const Option* b = pb.find_option(od.id);
    if (!a || !b) continue;
    std::vector<std::string> why;
    auto cmp = [&](const std::string& what, const std::string& x, const std::string& y) {
      if (x != y) why.push_back(fmt::format("option {}: {} -> {}", what, x, y));
    };
    cmp("kind", to_string(kind_label(*a)), to_string(kind_label(*b)));
    for (const auto& c : option_settings(*a, *b)) cmp(c.key, c.before, c.after);
    od.why.insert(od.why.begin(), why.begin(), why.end());
  }
}

}  // namespace plan
