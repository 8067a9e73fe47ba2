#include "plan/core/options/price_sheet_lint.hpp"

#include "options/evaluators.hpp"

#include <cmath>
#include <fmt/format.h>

#include "plan/core/options/cost.hpp"

namespace plan {
namespace {

// Equal to a cent in a million dollars: figures are written to at most six decimals.
bool same(double a, double b) { return std::fabs(a - b) <= 1e-6 * std::max(1.0, std::fabs(b)); }

class Linter {
 public:
  explicit Linter(const PriceSheet& s) : s_(s) {}

  void add(int line, const char* check, std::string message) {
    out_.push_back({s_.path, line, check, std::move(message)});
  }

  // One price list: `what` names it ("gpt-5", "gpt-5 tier above 272000", "gpt-5 service tier flex").
  void prices(const std::string& what, const std::string& provider, const TokenPrices& p, int line, bool top) {
    if (p.input_per_mtok > 0 && p.cached_input_per_mtok && !(*p.cached_input_per_mtok < p.input_per_mtok))
      add(line, "cache", fmt::format("{}: cached_input_per_mtok {} is not below input_per_mtok {} (expected cache read "
                                     "< input)", what, *p.cached_input_per_mtok, p.input_per_mtok));
    if (p.cache_write_per_mtok && *p.cache_write_per_mtok < p.input_per_mtok)
      add(line, "cache", fmt::format("{}: cache_write_per_mtok {} is below input_per_mtok {} (expected input <= cache "
                                     "write)", what, *p.cache_write_per_mtok, p.input_per_mtok));
    if (p.cache_write_1h_per_mtok && *p.cache_write_1h_per_mtok < p.input_per_mtok)
      add(line, "cache", fmt::format("{}: cache_write_1h_per_mtok {} is below input_per_mtok {} (expected input <= "
                                     "cache write)", what, *p.cache_write_1h_per_mtok, p.input_per_mtok));
    if (const BatchRule* rule = s_.find_batch_rule(provider); rule && p.batch_input_per_mtok && p.batch_rule_line == 0 &&
                                                              p.batch_note.empty() && top) {
      const double in = p.input_per_mtok * (1 - rule->discount), out = p.output_per_mtok * (1 - rule->discount);
      if (!same(*p.batch_input_per_mtok, in) || !same(*p.batch_output_per_mtok, out))
        add(line, "batch", fmt::format("{}: batch prices {} / {} differ from {}'s batch rule ({:g}% off: {:g} / {:g}, "
                                       "{}) and the entry gives no batch_note saying why",
                                       what, *p.batch_input_per_mtok, *p.batch_output_per_mtok, provider,
                                       rule->discount * 100, in, out, s_.cite(rule->line)));
    }
    for (const auto& t : p.tiers)
      prices(fmt::format("{} tier above {:g} input tokens", what, t.above_input_tokens), provider, t.prices, t.line, false);
    for (const auto& t : p.service_tiers)
      prices(fmt::format("{} service tier {}", what, t.name), provider, t.prices, t.line, false);
  }

  void limits(const std::string& id, const std::optional<double>& ctx, const std::optional<double>& out, int line) {
    if (!ctx || !out)
      add(line, "limits", fmt::format("{} has no {} (expected input and output limits: context_tokens and "
                                      "max_output_tokens)",
                                      id, !ctx && !out ? "context_tokens or max_output_tokens"
                                          : !ctx       ? "context_tokens"
                                                       : "max_output_tokens"));
  }

  void successor(const std::string& id, const std::optional<std::string>& retires,
                 const std::optional<std::string>& succ, int line) {
    if (retires && !succ)
      add(line, "successor", fmt::format("{} retires on {} but names no successor (expected successor: ID)", id, *retires));
  }

  std::vector<LintFinding> run() {
    for (const auto& a : s_.api_models) {
      prices(a.id, a.provider, a.prices, a.line, true);
      limits(a.id, a.context_tokens, a.max_output_tokens, a.line);
      successor(a.id, a.retires, a.successor, a.line);
    }
    for (const auto& m : s_.managed) {
      if (m.on_demand) {
        prices(m.id, m.provider, *m.on_demand, m.line, true);
        limits(m.id, m.context_tokens, m.max_output_tokens, m.line);
      }
      successor(m.id, m.retires, m.successor, m.line);
    }
    for (const auto& g : s_.gpu_instances) {
      if (g.spot_per_hour && *g.spot_per_hour > g.on_demand_per_hour)
        add(g.line, "spot", fmt::format("{}: spot_per_hour {} is above on_demand_per_hour {} (expected spot <= on "
                                        "demand)", g.id, *g.spot_per_hour, g.on_demand_per_hour));
      if (g.reserved_1y_per_hour && *g.reserved_1y_per_hour > g.on_demand_per_hour)
        add(g.line, "reserved", fmt::format("{}: reserved_1y_per_hour {} is above on_demand_per_hour {} (expected "
                                            "reserved <= on demand)", g.id, *g.reserved_1y_per_hour, g.on_demand_per_hour));
      if (g.reserved_3y_per_hour && *g.reserved_3y_per_hour > g.on_demand_per_hour)
        add(g.line, "reserved", fmt::format("{}: reserved_3y_per_hour {} is above on_demand_per_hour {} (expected "
                                            "reserved <= on demand)", g.id, *g.reserved_3y_per_hour, g.on_demand_per_hour));
    }
    return std::move(out_);
  }

 private:
  const PriceSheet& s_;
  std::vector<LintFinding> out_;
};

}  // namespace

std::vector<LintFinding> lint_price_sheet(const PriceSheet& sheet) { return Linter(sheet).run(); }

std::vector<LintFinding> lint_profile(const Profile& profile, const PriceSheet& sheet) {
  std::vector<LintFinding> out;
  const auto start = horizon_start(profile, sheet);
  if (!start) return out;
  const std::string first_day = start->str() + "-01";
  for (const auto& o : profile.options) {
    const auto entry = std::visit([&](const auto& k) { return detail::token_entry(k, sheet); }, o.spec);
    const detail::TokenEntry e = entry.value_or(detail::TokenEntry{});
    const std::string& id = e.id;
    const std::optional<std::string>& retires = e.retires;
    const std::optional<std::string>& successor = e.successor;
    const int line = e.line;
    if (!retires || *retires > first_day) continue;
    out.push_back({o.loc.file, o.loc.line, "retired",
                   fmt::format("option '{}' uses {}, retired on {} ({}), before the profile's first month {}{}", o.id, id,
                               *retires, sheet.cite(line), first_day.substr(0, 7),
                               successor ? fmt::format(" (its successor: {})", *successor) : std::string())});
  }
  return out;
}

}  // namespace plan
