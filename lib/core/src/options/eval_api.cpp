// API options, and the pay-per-token evaluation managed on-demand options share.
#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "options/evaluators.hpp"
#include "plan/core/base/units.hpp"

namespace plan::detail {

void infeasible(OptionResult& r, std::string why) {
  r.feasible = false;
  r.reasons.push_back(std::move(why));
}

void check_accepted_models(const Profile& p, const std::string& model, const std::string& who, OptionResult& r) {
  for (const auto& w : p.workloads)
    if (auto why = model_exclusion(w, model, who)) infeasible(r, *why);
}

void evaluate_token_option(const TokenOffering& off, const EvalContext& c, OptionResult& r) {
  r.what = off.label;
  r.model = off.model;
  const std::vector<Lane> lanes = lanes_of(c.profile.workloads, c.scale);
  TokenCosting tc = price_tokens(off, lanes, nullptr);
  set_tokens(r, tc.cost, tc.rate_check);
  r.breakdown.api_tokens = tc.cost.total();
  if (!tc.rate_check) r.notes.push_back("the price sheet lists no rate limits for this offering; not checked");
  if (tc.rate_check && !off.tier)
    r.notes.push_back(fmt::format("no rate-limit tier given: the highest tier the price sheet lists ({}) assumed; "
                                  "set tier: to your account's",
                                  tc.rate_check->tier));
  for (auto& n : tc.notes) r.notes.push_back(std::move(n));
  for (auto& e : tc.exceeded) infeasible(r, std::move(e));
  for (const auto& w : c.profile.workloads)
    if (auto why = token_exclusion(c.profile, c.sheet, off, w)) infeasible(r, *why);
}

void evaluate(const Option& o, const ApiOption& a, const EvalContext& c, OptionResult& r) {
  std::string why;
  auto off = token_offering(o, c.profile, c.sheet, &why);
  if (!off) {
    // Named even when it cannot be priced (not in the sheet, retired), so every report and
    // a saved compare JSON read back by `plan diff` carry a label.
    r.what = a.model;
    return infeasible(r, why);
  }
  r.provenance.push_back({"token prices", cite_price(c.sheet.cite(off->line), off->discount)});
  if (off->prices->batch_rule_line > 0)
    r.provenance.push_back({"batch prices (provider's batch rule)",
                            cite_price(c.sheet.cite(off->prices->batch_rule_line), off->discount)});
  const ApiModel* m = c.sheet.find_api(off->sheet_id);
  std::string successor_cost;
  if (m->successor && c.what_if_findings &&
      retires_within_horizon(m->retires, c.profile, c.sheet))
    successor_cost = successor_cost_text(o, *m->successor, c);
  if (auto f = retirement_finding(m->id, m->retires, c.profile, c.sheet, successor_cost)) r.notes.push_back(*f);
  evaluate_token_option(*off, c, r);
}

std::string successor_cost_text(const Option& o, const std::string& successor, const EvalContext& c) {
  Option so = o;
  if (!std::visit([&](auto& k) { return bill_by(k, successor); }, so.spec)) return "";
  std::string why;
  auto off = token_offering(so, c.profile, c.sheet, &why);
  if (!off) return fmt::format("its successor {} cannot be priced: {}", successor, why);
  OptionResult r;
  r.id = o.id;
  evaluate_token_option(*off, c, r);
  std::string out = fmt::format("its successor {} would cost {:.2f} USD/month for the same workload ({})", successor,
                                r.breakdown.total(), cite_price(c.sheet.cite(off->line), off->discount));
  if (!r.feasible && !r.reasons.empty()) out += fmt::format(", though it is not feasible: {}", r.reasons.front());
  return out;
}

}  // namespace plan::detail

namespace plan::detail {

int commitment_months(const ApiOption&, const Option&, const PriceSheet&, const Profile*) { return 0; }

ResultDetail empty_detail(const ApiOption&) { return ApiResult{}; }

std::optional<TokenOffering> token_offering(const ApiOption& a, const Option& o, const Profile& p,
                                            const PriceSheet& sheet, std::string* why) {
  const ApiModel* m = sheet.find_api(a.model);
  if (!m) {
    if (why) *why = fmt::format("model '{}' is not in price sheet {}", a.model, sheet.version);
    return std::nullopt;
  }
  if (auto r = retired_reason(m->id, m->retires, sheet, m->line, m->successor)) {
    if (why) *why = *r;
    return std::nullopt;
  }
  TokenOffering off;
  if (!fill_offering(off, *m, m->id, m->prices, a.tier, a.service_tier, p, o, sheet, why)) return std::nullopt;
  return off;
}

std::optional<TokenEntry> token_entry(const ApiOption& a, const PriceSheet& sheet) {
  const ApiModel* m = sheet.find_api(a.model);
  if (!m) return std::nullopt;
  return TokenEntry{m->id, m->retires, m->successor, m->line, true};
}

bool bill_by(ApiOption& k, const std::string& entry) {
  k.model = entry;
  return true;
}

bool hybrid_private(const ApiOption&) { return false; }

std::optional<std::pair<std::string, std::string>> parts_of(const ApiOption&) { return std::nullopt; }

std::string rented_instance(const ApiOption&) { return {}; }

std::optional<HeldCapacity> held_capacity(const ApiResult&) { return std::nullopt; }

std::optional<FleetCapacity> fleet_capacity(const ApiResult&, double) { return std::nullopt; }

CapacityNeed capacity_need(const ApiResult&) { return {}; }

void price_month(const ApiResult&, const MonthTerms&, MonthLine&, CostBreakdown&) {}

bool cost_defined(const ApiResult& d, const CostBreakdown&) { return d.tokens.has_value(); }

ProjectionTraits projection_traits(const ApiOption&) { return {}; }

std::optional<double> token_floor_cost_per_mtok(const OptionEvaluator& e) {
  OptionResult r = e(1.0);
  if (!token_cost(r) || r.monthly_tokens <= 0) return std::nullopt;
  return r.breakdown.api_tokens / r.monthly_tokens * tokens_per_mtok;
}

std::optional<double> floor_cost_per_mtok(const ApiOption&, const OptionEvaluator& e, double) {
  return token_floor_cost_per_mtok(e);
}

std::vector<std::string> price_changes(const ApiOption& api, const PriceSheet& a, const PriceSheet& b) {
  std::vector<std::string> out;
  const ApiModel* ma = a.find_api(api.model);
  const ApiModel* mb = b.find_api(api.model);
  if (!ma || !mb) {
    out.push_back(fmt::format("model {} is {}", api.model, ma ? "missing from B's sheet" : "missing from A's sheet"));
    return out;
  }
  add_token_prices(out, "", ma->prices, mb->prices, a, ma->line, b, mb->line);
  return out;
}

void describe(const ApiOption& api, const Option&, Settings& s) { s.model = api.model; }

}  // namespace plan::detail

namespace plan::detail {
std::unique_ptr<ReplicaModel> replica_model(const ApiOption&, const Option&, const Profile&, const PriceSheet&,
                                            const ReplicaModelProvider*) {
  return nullptr;
}

RiskTraits risk_traits(const ApiOption& a, const Option&, const Profile&, const PriceSheet& sheet) {
  RiskTraits t;
  if (const ApiModel* m = sheet.find_api(a.model)) t.token_provider = m->provider;
  return t;
}

}  // namespace plan::detail
