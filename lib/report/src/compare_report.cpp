#include "plan/report/compare_report.hpp"

#include <fmt/format.h>

#include "plan/core/base/units.hpp"
#include "plan/report/escape.hpp"
#include "plan/report/json.hpp"
#include "plan/report/table.hpp"
#include "option_json.hpp"

namespace plan::report {

bool parse_format(const std::string& s, Format& out) {
  if (s == "table") out = Format::table;
  else if (s == "csv") out = Format::csv;
  else if (s == "json") out = Format::json;
  else if (s == "markdown") out = Format::markdown;
  else return false;
  return true;
}

namespace {

std::string or_dash(bool has, const std::string& s) { return has ? s : "-"; }

std::string latency_cell(const OptionResult& o, bool ttft) {
  const SelfHostedDetail* f = fleet_detail(o);
  if (!f || !f->latency_at_peak) return "-";
  const auto& l = *f->latency_at_peak;
  return fixed(ttft ? l.ttft_p95_ms : l.tpot_ms, 1);
}

// "8 dep": a replica's GPUs and their layout (the count alone when no catalog model sized it).
std::string replica_layout(const SelfHostedDetail& d) {
  return d.parallel ? fmt::format("{} {}", d.gpus_per_replica, to_string(*d.parallel)) : std::to_string(d.gpus_per_replica);
}

Table compare_table(const CompareResult& r, bool markdown) {
  Table t;
  t.set_key_columns(2);  // the cheapest mark and the option
  t.add_column("", Align::left);
  t.add_column("option", Align::left);
  t.add_column("kind", Align::left);
  t.add_column("monthly USD");
  t.add_column("USD/1M tok");
  t.add_column("replicas");
  t.add_column("GPUs");
  t.add_column("GPUs/rep");
  t.add_column("util");
  t.add_column("TTFT p95 ms");
  t.add_column("TPOT ms");
  t.add_column("throughput", Align::left);
  t.add_column("feasible", Align::left);
  for (const auto& o : r.options) {
    const SelfHostedDetail* f = fleet_detail(o);
    bool sh = f != nullptr && o.feasible;
    t.add_row({r.cheapest && *r.cheapest == o.id ? "*" : "", o.id, to_string(o.kind),
               o.feasible ? (markdown ? fixed(o.monthly_cost_usd, 2) : usd(o.monthly_cost_usd)) : "-",
               o.feasible ? fixed(o.cost_per_mtok_usd, 4) : "-",
               or_dash(sh, sh ? std::to_string(f->replicas) : ""),
               or_dash(sh, sh ? std::to_string(f->gpus) : ""),
               or_dash(sh, sh ? replica_layout(*f) : ""),
               or_dash(sh, sh ? fixed(f->utilization * 100, 1) + "%" : ""),
               latency_cell(o, true), latency_cell(o, false),
               f ? provenance_text(f->throughput_provenance, "-") : "-",
               o.feasible ? "yes" : "no"});
  }
  return t;
}

std::string header_text(const CompareResult& r) {
  std::string out;
  out += fmt::format("plan compare: {} ({})\n", r.profile_name, r.profile_path);
  out += fmt::format("price sheet {} ({}, sha256 {}), {}; month = {:.0f} hours\n", r.price_sheet_version,
                     r.price_sheet_path, r.price_sheet_sha256.substr(0, 12), r.currency, r.hours_per_month);
  out += fmt::format("volume: {} tokens/month, {} requests/month ({} tokens/day)\n", human(r.monthly_tokens),
                     human(r.monthly_requests), human(r.monthly_tokens / days_per_month));
  return out;
}

// One item of a list: wrapped at `width` columns (continuation lines indented four more),
// or on one line when `width` is 0 (Markdown).
std::string item(const char* bullet, const std::string& text, std::size_t width) {
  if (width == 0) return fmt::format("{}{}\n", bullet, text);
  return wrap(text, width, bullet, std::string(bullet) + "    ");
}

std::string findings_text(const CompareResult& r, const char* bullet, std::size_t width) {
  std::string out;
  for (const auto& n : r.notes) out += item(bullet, n, width);
  for (const auto& o : r.options) {
    for (const auto& why : o.reasons) out += item(bullet, fmt::format("{}: infeasible: {}", o.id, why), width);
    for (const auto& n : o.notes) out += item(bullet, fmt::format("{}: {}", o.id, n), width);
  }
  return out;
}

std::string provenance_text(const CompareResult& r, const char* bullet, std::size_t width) {
  std::string out;
  for (const auto& o : r.options) {
    for (const auto& p : o.provenance) out += item(bullet, fmt::format("{}: {} from {}", o.id, p.what, p.source), width);
  }
  return out;
}

// Owned fleets: their monthly accrual cost line by line (the sources list where each comes
// from), and what the servers hold against what the traffic needs.
std::string owned_text(const CompareResult& r, const char* bullet, std::size_t width) {
  std::string out;
  for (const auto& o : r.options) {
    if (!fleet_detail(o) || !fleet_detail(o)->owned) continue;
    const auto& d = *fleet_detail(o)->owned;
    const CostBreakdown& b = o.breakdown;
    out += item(bullet,
                fmt::format("{}: {} servers x {} {}, {} replicas held, {} needed at peak, {:.2f} kW IT on average", o.id,
                            d.hardware.servers, d.hardware.gpu_count, d.hardware.gpu, d.replicas_held,
                            d.replicas_needed, d.power_kw),
                width);
    out += item(bullet,
                fmt::format("{}: amortization {}, energy {}, colocation {}, maintenance {}, ops {} per month (accrual)",
                            o.id, usd(b.amortization), usd(b.energy), usd(b.colocation), usd(b.maintenance),
                            usd(b.ops_labour + b.monitoring + b.storage + b.egress)),
                width);
  }
  return out;
}

std::string cheapest_text(const CompareResult& r) {
  if (!r.cheapest) return "no option is feasible\n";
  return fmt::format("cheapest feasible option: {} (marked *)\n", *r.cheapest);
}

std::string render_table(const CompareResult& r) {
  std::string out = header_text(r) + "\n" + compare_table(r, false).render_text() + "\n" + cheapest_text(r);
  std::string f = findings_text(r, "  ", text_width());
  if (!f.empty()) out += "\nfindings:\n" + f;
  if (std::string owned = owned_text(r, "  ", text_width()); !owned.empty()) out += "\nowned hardware:\n" + owned;
  out += "\nsources:\n" + provenance_text(r, "  ", text_width());
  return out;
}

std::string render_markdown(const CompareResult& r) {
  std::string out = fmt::format("# plan compare: {}\n\n", r.profile_name);
  out += fmt::format("Price sheet {} (`{}`, sha256 `{}`), {}; month = {:.0f} hours. Volume {} tokens/month.\n\n",
                     r.price_sheet_version, r.price_sheet_path, r.price_sheet_sha256, r.currency, r.hours_per_month,
                     human(r.monthly_tokens));
  out += compare_table(r, true).render_markdown() + "\n" + cheapest_text(r);
  std::string f = findings_text(r, "- ", 0);
  if (!f.empty()) out += "\n## Findings\n\n" + f;
  if (std::string owned = owned_text(r, "- ", 0); !owned.empty()) out += "\n## Owned hardware\n\n" + owned;
  out += "\n## Sources\n\n" + provenance_text(r, "- ", 0);
  return out;
}

std::string render_csv(const CompareResult& r) {
  std::vector<std::string> header = {"profile", "price_sheet", "hours_per_month", "currency", "option", "kind",
                                     "feasible", "cheapest", "monthly_tokens", "monthly_cost_usd", "cost_per_mtok_usd"};
  for (const auto& [name, v] : CostBreakdown{}.lines()) header.push_back(std::string(name) + "_usd");
  for (auto h : {"replicas", "gpus", "gpus_per_replica", "parallel", "utilization", "ttft_p95_ms", "tpot_ms",
                 "throughput_provenance", "reasons"})
    header.push_back(h);
  std::string out = csv_row(header);
  for (const auto& o : r.options) {
    std::vector<std::string> row = {r.profile_name, r.price_sheet_version, fixed(r.hours_per_month, 0), r.currency,
                                    o.id, to_string(o.kind), o.feasible ? "true" : "false",
                                    r.cheapest && *r.cheapest == o.id ? "true" : "false", fixed(o.monthly_tokens, 0),
                                    o.feasible ? fixed(o.monthly_cost_usd, 2) : "",
                                    o.feasible ? fixed(o.cost_per_mtok_usd, 4) : ""};
    // An infeasible option has no price: its cost cells are empty (docs/compare-json.md).
    for (const auto& [name, v] : o.breakdown.lines()) row.push_back(o.feasible ? fixed(v, 2) : "");
    const SelfHostedDetail* f = fleet_detail(o);
    bool sh = f != nullptr;
    bool lat = sh && f->latency_at_peak.has_value();
    row.push_back(sh ? std::to_string(f->replicas) : "");
    row.push_back(sh ? std::to_string(f->gpus) : "");
    row.push_back(sh ? std::to_string(f->gpus_per_replica) : "");
    row.push_back(sh && f->parallel ? to_string(*f->parallel) : "");
    row.push_back(sh ? fixed(f->utilization, 4) : "");
    row.push_back(lat ? fixed(f->latency_at_peak->ttft_p95_ms, 1) : "");
    row.push_back(lat ? fixed(f->latency_at_peak->tpot_ms, 1) : "");
    row.push_back(sh ? provenance_text(f->throughput_provenance, "") : "");
    std::string reasons;
    for (const auto& why : o.reasons) reasons += (reasons.empty() ? "" : "; ") + why;
    row.push_back(reasons);
    out += csv_row(row);
  }
  return out;
}

// A disaggregated point: the xPyD unit, each pool, the units and the KV link.
void write_disagg(JsonWriter& j, const DisaggPlan& x) {
  j.key("disaggregated").begin_object();
  j.field("shape", x.shape);
  for (const auto& [name, pool] : {std::pair{"prefill", x.prefill}, std::pair{"decode", x.decode}}) {
    j.key(name).begin_object();
    j.field("workers", pool.workers);
    j.field("gpus_per_worker", pool.gpus);
    j.field("gpus", pool.workers * pool.gpus);
    j.field("layout", to_string(pool.layout));
    j.end_object();
  }
  j.field("units", x.units);
  j.field("instances_per_unit", x.instances_per_unit);
  j.field("unit_concurrency", x.unit.concurrency);
  j.field("unit_requests_per_s", x.unit.capacity_rps);
  j.field("peak_requests_per_s", x.demand_rps);
  j.field("kv_link", x.link);
  j.field("source", x.source);
  j.end_object();
}

std::string render_json(const CompareResult& r) {
  JsonWriter j;
  j.begin_object();
  j.field("profile", r.profile_name);
  j.field("profile_path", r.profile_path);
  j.key("price_sheet").begin_object();
  j.field("version", r.price_sheet_version);
  j.field("path", r.price_sheet_path);
  j.field("sha256", r.price_sheet_sha256);
  j.end_object();
  j.field("hours_per_month", r.hours_per_month);
  j.field("currency", r.currency);
  j.field("monthly_tokens", r.monthly_tokens);
  j.field("monthly_requests", r.monthly_requests);
  j.field("cheapest", r.cheapest);
  j.strings("notes", r.notes);
  j.key("options").begin_array();
  for (const auto& o : r.options) {
    begin_option_object(j, o);
    if (!o.model.empty()) j.field("model", o.model);
    j.strings("reasons", o.reasons);
    j.strings("notes", o.notes);
    // An infeasible option has no price: its cost, cost per 1M and cost lines are null.
    price_fields(j, o.feasible, o.monthly_cost_usd, o.cost_per_mtok_usd);
    j.field("monthly_tokens", o.monthly_tokens);
    j.key("cost_breakdown");
    if (o.feasible) {
      j.begin_object();
      for (const auto& [name, v] : o.breakdown.lines()) j.money(name, v);
      j.end_object();
    } else {
      j.null();
    }
    if (token_cost(o)) {
      const auto& t = *token_cost(o);
      j.key("token_cost").begin_object();
      j.money("input", t.input).money("cached_input", t.cached_input).money("cache_write", t.cache_write);
      j.money("output", t.output).money("batch_input", t.batch_input).money("batch_output", t.batch_output);
      j.end_object();
    }
    if (rate_check(o)) {
      const auto& rc = *rate_check(o);
      j.key("rate_limits").begin_object();
      j.field("tier", rc.tier);
      j.field("peak_requests_per_min", rc.peak_requests_per_min);
      j.field("peak_tokens_per_min", rc.peak_tokens_per_min);
      j.field("peak_input_tokens_per_min", rc.peak_input_tokens_per_min);
      j.field("peak_output_tokens_per_min", rc.peak_output_tokens_per_min);
      j.end_object();
    }
    if (provisioned_cost(o)) {
      j.key("provisioned").begin_object();
      j.field("units", provisioned_cost(o)->units);
      j.field("peak_input_tokens_per_min", provisioned_cost(o)->peak_input_tokens_per_min);
      j.field("peak_output_tokens_per_min", provisioned_cost(o)->peak_output_tokens_per_min);
      j.end_object();
    }
    if (fleet_detail(o)) {
      const auto& d = *fleet_detail(o);
      j.field("replicas", d.replicas);
      j.field("gpus", d.gpus);
      j.field("gpus_per_replica", d.gpus_per_replica);
      if (d.parallel) j.field("parallel", to_string(*d.parallel));
      j.field("instances", d.instances);
      j.field("utilization", d.utilization);
      j.key("self_hosted").begin_object();
      j.field("instance", d.instance);
      j.field("gpu", d.gpu);
      j.field("instance_hours_per_month", d.instance_hours_per_month);
      j.field("usd_per_instance_hour", d.usd_per_instance_hour);
      j.field("replica_tokens_per_s", d.replica_tokens_per_s);
      j.field("throughput_provenance", provenance_text(d.throughput_provenance, ""));
      j.field("throughput_source", d.throughput_source);
      if (d.owned) {
        j.key("owned").begin_object();
        j.field("servers", d.owned->hardware.servers);
        j.field("replicas_held", d.owned->replicas_held);
        j.field("replicas_needed", d.owned->replicas_needed);
        j.field("power_kw", d.owned->power_kw);
        j.field("lead_time_months", d.owned->hardware.lead_time_months);
        j.end_object();
      }
      if (d.latency_at_peak) {
        j.key("latency_at_peak").begin_object();
        j.field("ttft_p50_ms", d.latency_at_peak->ttft_p50_ms);
        j.field("ttft_p95_ms", d.latency_at_peak->ttft_p95_ms);
        j.field("ttft_p99_ms", d.latency_at_peak->ttft_p99_ms);
        j.field("tpot_ms", d.latency_at_peak->tpot_ms);
        j.end_object();
      }
      if (d.disagg) write_disagg(j, *d.disagg);
      j.end_object();
    }
    j.key("provenance").begin_array();
    for (const auto& p : o.provenance) {
      j.begin_object().field("what", p.what).field("source", p.source).end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str();
}

}  // namespace

std::string render_compare(const CompareResult& r, Format f) {
  switch (f) {
    case Format::table: return terminal_text(render_table(r));
    case Format::csv: return render_csv(r);
    case Format::json: return render_json(r);
    case Format::markdown: return terminal_text(render_markdown(r));
  }
  return {};
}

}  // namespace plan::report
