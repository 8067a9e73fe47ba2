#include "plan/report/prices_report.hpp"

#include <fmt/format.h>

#include "plan/report/table.hpp"

namespace plan::report {
namespace {

// An optional price, or "-" when the sheet does not state it.
std::string opt_price(const std::optional<double>& v, int decimals) { return v ? fixed(*v, decimals) : "-"; }

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
  }
  out += "sources:\n";
  for (const auto& src : s.sources) out += fmt::format("  {}: {} (retrieved {})\n", src.id, src.url, src.retrieved);
  return out;
}

}  // namespace plan::report
