#include "plan/report/prices_report.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "plan/report/escape.hpp"
#include "plan/report/table.hpp"

namespace plan::report {
namespace {

// An optional price, or "-" when the sheet does not state it.
std::string opt_price(const std::optional<double>& v, int decimals) { return v ? fixed(*v, decimals) : "-"; }

// What the table of token prices leaves out: 1-hour cache writes, batch with cache, long-context
// and service tiers (with their lines), the output limit, the retirement date and successor,
// and batch prices taken from the provider's batch rule. Empty when the entry has none of them.
std::string price_extras(const TokenPrices& p, const std::optional<double>& max_output,
                         const std::optional<std::string>& retires, const std::optional<std::string>& successor) {
  std::vector<std::string> parts;
  if (p.batch_rule_line > 0) parts.push_back(fmt::format("batch prices by the provider's batch rule (line {})", p.batch_rule_line));
  if (!p.batch_note.empty()) parts.push_back("batch: " + p.batch_note);
  if (p.cache_write_1h_per_mtok) parts.push_back(fmt::format("1-hour cache write {}/1M", fixed(*p.cache_write_1h_per_mtok, 3)));
  if (p.batch_with_cache) parts.push_back("batch discount applies to cache prices");
  for (const auto& t : p.tiers)
    parts.push_back(fmt::format("above {:.0f} input tokens {}/{} per 1M (line {})", t.above_input_tokens,
                                fixed(t.prices.input_per_mtok, 3), fixed(t.prices.output_per_mtok, 3), t.line));
  for (const auto& t : p.service_tiers)
    parts.push_back(fmt::format("service tier {} {}/{} per 1M (line {})", t.name, fixed(t.prices.input_per_mtok, 3),
                                fixed(t.prices.output_per_mtok, 3), t.line));
  if (max_output) parts.push_back(fmt::format("max output {:.0f} tokens", *max_output));
  if (retires) parts.push_back("retires " + *retires);
  if (successor) parts.push_back("successor " + *successor);
  std::string out;
  for (const auto& x : parts) out += (out.empty() ? "" : "; ") + x;
  return out;
}

}  // namespace

std::string render_price_sheet(const PriceSheet& s) {
  std::string out = fmt::format("price sheet {} (effective {}, {}), {}\nsha256 {}\n\n", s.version, s.effective_date,
                                s.currency, s.path, s.sha256);
  if (!s.api_models.empty()) {
    Table t;
    for (auto h : {"api model", "provider"}) t.add_column(h, Align::left);
    for (auto h : {"input/1M", "output/1M", "cached/1M", "cache write/1M", "batch in/1M", "batch out/1M", "context"})
      t.add_column(h);
    t.add_column("line");
    for (const auto& a : s.api_models) {
      t.add_row({a.id, a.provider, fixed(a.prices.input_per_mtok, 3), fixed(a.prices.output_per_mtok, 3),
                 opt_price(a.prices.cached_input_per_mtok, 3), opt_price(a.prices.cache_write_per_mtok, 3),
                 opt_price(a.prices.batch_input_per_mtok, 3), opt_price(a.prices.batch_output_per_mtok, 3),
                 opt_price(a.context_tokens, 0), std::to_string(a.line)});
    }
    out += t.render_text() + "\n";
    std::string extras;
    for (const auto& a : s.api_models)
      if (auto e = price_extras(a.prices, a.max_output_tokens, a.retires, a.successor); !e.empty())
        extras += fmt::format("  {}: {}\n", a.id, e);
    if (!extras.empty()) out += "api models, further prices and limits:\n" + extras + "\n";
  }
  if (!s.managed.empty()) {
    Table t;
    for (auto h : {"managed offering", "provider", "model", "modes"}) t.add_column(h, Align::left);
    t.add_column("line");
    for (const auto& m : s.managed) {
      std::string modes;
      if (m.on_demand)
        modes += fmt::format("on_demand {}/{} per 1M", fixed(m.on_demand->input_per_mtok, 3),
                             fixed(m.on_demand->output_per_mtok, 3));
      if (m.provisioned) {
        for (const auto& term : m.provisioned->terms)
          modes += fmt::format("{}provisioned {} {}/unit-h", modes.empty() ? "" : "; ", term.term,
                               fixed(term.usd_per_unit_hour, 2));
      }
      if (m.dedicated)
        modes += fmt::format("{}dedicated {}x {} {}/h", modes.empty() ? "" : "; ", m.dedicated->gpu_count,
                             m.dedicated->gpu, fixed(m.dedicated->usd_per_hour, 2));
      t.add_row({m.id, m.provider, m.model, modes, std::to_string(m.line)});
    }
    out += t.render_text() + "\n";
    std::string extras;
    for (const auto& m : s.managed) {
      std::string e = m.on_demand ? price_extras(*m.on_demand, m.max_output_tokens, m.retires, m.successor)
                                  : price_extras(TokenPrices{}, m.max_output_tokens, m.retires, m.successor);
      if (m.context_tokens) e = fmt::format("context {:.0f}{}{}", *m.context_tokens, e.empty() ? "" : "; ", e);
      if (!e.empty()) extras += fmt::format("  {}: {}\n", m.id, e);
    }
    if (!extras.empty()) out += "managed offerings, further prices and limits:\n" + extras + "\n";
  }
  if (!s.gpu_instances.empty()) {
    Table t;
    for (auto h : {"gpu instance", "provider", "instance", "gpu"}) t.add_column(h, Align::left);
    for (auto h : {"GPUs", "on-demand/h", "reserved 1y/h", "reserved 3y/h", "spot/h", "line"}) t.add_column(h);
    for (const auto& g : s.gpu_instances) {
      t.add_row({g.id, g.provider, g.instance, g.gpu, std::to_string(g.gpu_count), fixed(g.on_demand_per_hour, 4),
                 opt_price(g.reserved_1y_per_hour, 4), opt_price(g.reserved_3y_per_hour, 4),
                 opt_price(g.spot_per_hour, 4), std::to_string(g.line)});
    }
    out += t.render_text() + "\n";
    std::string spreads;
    for (const auto& g : s.gpu_instances)
      if (g.spot_min_per_hour || g.spot_max_per_hour)
        spreads += fmt::format("  {}: spot {} is the median across zones, lowest {}, highest {}\n", g.id,
                               opt_price(g.spot_per_hour, 4), opt_price(g.spot_min_per_hour, 4),
                               opt_price(g.spot_max_per_hour, 4));
    if (!spreads.empty()) out += "gpu instances, spot across the region's zones:\n" + spreads + "\n";
  }
  if (!s.batch_rules.empty()) {
    out += "batch rules (entries without batch prices of their own):\n";
    for (const auto& r : s.batch_rules)
      out += fmt::format("  {}: {:g}% off input and output{} ({}, line {})\n", r.provider, r.discount * 100,
                         r.with_cache ? ", cache prices included" : "", r.source, r.line);
    out += "\n";
  }
  out += "sources:\n";
  for (const auto& src : s.sources) out += fmt::format("  {}: {} (retrieved {})\n", src.id, src.url, src.retrieved);
  return terminal_text(out);
}

std::string render_sheet_diff(const PriceSheet& a, const PriceSheet& b, const SheetDiff& d) {
  std::string o = fmt::format("plan prices diff: A = {} ({}, effective {}), B = {} ({}, effective {})\n", a.version,
                              a.path, a.effective_date, b.version, b.path, b.effective_date);
  for (const auto& e : d.entries) {
    if (e.status == EntryStatus::changed) {
      o += fmt::format("{} {}: changed\n", to_string(e.kind), e.id);
      for (const auto& l : e.lines) o += fmt::format("  {}\n", l);
    } else {
      o += fmt::format("{} {}: {} ({})\n", to_string(e.kind), e.id, to_string(e.status),
                       e.lines.empty() ? "" : e.lines.front());
    }
  }
  auto count = [&](EntryStatus status) {
    return std::count_if(d.entries.begin(), d.entries.end(), [&](const auto& e) { return e.status == status; });
  };
  o += fmt::format("{} changed, {} added, {} removed, {} unchanged\n", count(EntryStatus::changed),
                   count(EntryStatus::added), count(EntryStatus::removed), d.unchanged);
  return terminal_text(o);
}

}  // namespace plan::report
