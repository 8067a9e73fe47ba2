// Hybrid options: the private option's fleet (the fleet path) takes traffic up to its
// SLA-bound capacity each hour and the rest goes to the overflow option (the token path).
// The fleet size K is searched between what private-only traffic needs (and the private
// option's min_replicas) and what the private option alone would have.
#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "options/evaluators.hpp"
#include "plan/core/options/fleet_search.hpp"
#include "plan/core/options/hybrid.hpp"

namespace plan {

namespace detail {
namespace {

struct Point {
  HybridPoint pt;
  Split split;
  TokenCosting tokens;
  std::string why_not;  // when infeasible
};

// The share of all tokens that `split` keeps on the private fleet.
double private_token_share(const std::vector<Lane>& lanes, const Split& split) {
  double served = 0, all = 0;
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const double tpr = lanes[i].w->tokens_per_request();
    served += (split.lanes[i].private_interactive + split.lanes[i].private_batch) * tpr;
    all += (lanes[i].interactive_per_day + lanes[i].batch_per_day) * tpr;
  }
  return all > 0 ? served / all : 0.0;
}

// Each workload's share of requests, and the batch share, that `split` keeps private.
void set_private_shares(const std::vector<Lane>& lanes, const Split& split, HybridDetail& d) {
  double batch_all = 0, batch_private = 0;
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    batch_all += lanes[i].batch_per_day;
    batch_private += split.lanes[i].private_batch;
    const double all = lanes[i].interactive_per_day + lanes[i].batch_per_day;
    const double priv_rq = split.lanes[i].private_interactive + split.lanes[i].private_batch;
    d.workload_private_share.emplace_back(lanes[i].w->id, all > 0 ? priv_rq / all : 0.0);
  }
  d.batch_private_share = batch_all > 0 ? batch_private / batch_all : 0;
}

// The private capacity's known gap to measurements (a mixture of experts sized from the
// catalog alone): the same fleet of k replicas at capacity_doubt times less capacity, and
// what the overflow then costs.
std::string capacity_doubt_note(const ReplicaSpec& spec, const std::vector<Lane>& lanes, const ReplicaModel& model,
                                int k, const TokenOffering& off, bool batch_fills_idle, double overflow_now_usd) {
  const double dd = spec.capacity_doubt;
  const std::string head = fmt::format("private capacity from the catalog alone: {}", spec.capacity_doubt_why);
  const Split worse = split_traffic(lanes, model.fleet_capacity(k) / dd, batch_fills_idle);
  if (!worse.fits)
    return fmt::format("{}. With {:.2f}x less capacity per replica these {} private replicas would not "
                       "serve the traffic kept private ({}); a serving result measured on this deployment "
                       "(plan calibrate import) settles it",
                       head, dd, k, worse.why_not);
  const TokenCosting worse_tokens = price_tokens(off, lanes, &worse);
  return fmt::format("{}. With {:.2f}x less capacity per replica these {} private replicas would serve "
                     "{:.1f}% of tokens and the overflow would cost {:.2f} USD/month ({:.2f} now); a "
                     "serving result measured on this deployment (plan calibrate import) settles it",
                     head, dd, k, private_token_share(lanes, worse) * 100, worse_tokens.cost.total(), overflow_now_usd);
}

// The profile's lanes; a workload the overflow may not receive stays private (its rule
// recorded in d.restricted_workloads).
std::vector<Lane> hybrid_lanes(const Profile& p, const EvalContext& c, const TokenOffering& off, HybridDetail& d) {
  std::vector<Lane> lanes = lanes_of(p.workloads, c.scale);
  for (auto& l : lanes) {
    if (auto rule = token_exclusion(p, c.sheet, off, *l.w)) {
      l.private_only = true;
      d.restricted_workloads.push_back(*rule);
    }
  }
  return lanes;
}

// What the chosen split does, in words.
void add_split_notes(const HybridDetail& d, const std::string& overflow_id, OptionResult& r) {
  r.notes.push_back(fmt::format("{} private replicas serve {:.1f}% of tokens; overflow to {} costs {:.2f} USD/month",
                                d.replicas, d.private_token_share * 100, overflow_id, d.overflow_cost_usd));
  if (d.overflow_model != d.private_model && d.private_token_share < 1.0)
    r.notes.push_back(fmt::format("overflow goes to a different model: {} (private fleet: {})", d.overflow_model,
                                  d.private_model));
  for (const auto& rule : d.restricted_workloads) r.notes.push_back("kept private: " + rule);
}

}  // namespace

void evaluate(const Option&, const HybridOption& h, const EvalContext& c, OptionResult& r) {
  const Profile& p = c.profile;
  const Option* priv = p.find_option(h.private_option);
  const Option* over = p.find_option(h.overflow_option);
  const SelfHostedOption* sh = priv ? std::get_if<SelfHostedOption>(&priv->spec) : nullptr;
  if (!sh || !over || !over->pay_per_token())
    return infeasible(r, "hybrid option names options the profile does not have");
  if (sh->fleet.owned)
    return infeasible(r, "the private option " + priv->id + " owns its servers: a hybrid sizes its private fleet, an "
                         "owned fleet is fixed");
  r.what = fmt::format("{} + overflow to {}", priv->id, over->id);
  r.model = sh->fleet.model;
  HybridDetail d;
  d.private_option = priv->id;
  d.overflow_option = over->id;
  d.private_model = sh->fleet.model;

  std::string why;
  auto off = token_offering(*over, p, c.sheet, &why);
  if (!off) return infeasible(r, "overflow: " + why);
  d.overflow_model = off->model;
  if (const ApiModel* m = c.sheet.find_api(off->sheet_id)) {
    if (auto f = retirement_finding(m->id, m->retires, p, c.sheet)) r.notes.push_back("overflow: " + *f);
  } else if (const ManagedOffering* mo = c.sheet.find_managed(off->sheet_id)) {
    if (auto f = retirement_finding(mo->id, mo->retires, p, c.sheet)) r.notes.push_back("overflow: " + *f);
  }
  r.provenance.push_back({"overflow token prices", cite_price(c.sheet.cite(off->line), off->discount)});
  check_accepted_models(p, sh->fleet.model, "the private fleet of " + priv->id, r);
  check_air_gapped(p, "the rented private fleet of " + priv->id, r);
  auto fleet = self_hosted_fleet(*priv, *sh, c, r);
  if (!fleet) return;
  const FleetPlan& fp = fleet->plan;
  r.provenance.push_back(
      {fmt::format("private instance price ({})", to_string(sh->fleet.pricing)),
       cite_price(c.sheet.cite(fp.instance->line), fleet->discount)});
  if (auto problems = fleet_problems(fp); !problems.empty()) {
    for (auto& e : problems) infeasible(r, "the private fleet cannot serve this model: " + e);
    return;
  }
  const ReplicaSpec& spec = fp.model->spec();
  r.provenance.push_back({std::string("private replica throughput (") + to_string(spec.provenance) + ")", spec.provenance_source});
  const int per_instance = fp.replicas_per_instance();

  // Lanes: a workload the overflow may not receive stays private.
  const std::vector<Lane> lanes = hybrid_lanes(p, c, *off, d);
  std::vector<Lane> all_private = lanes;
  for (auto& l : all_private) l.private_only = true;

  // Bounds on K: what private-only traffic needs (at least the private option's
  // min_replicas), and what the private option alone has; beyond that, more replicas only
  // add cost.
  auto k_min = fleet_size_for(fp, lanes, &why);
  auto k_full = fleet_size_for(fp, all_private, &why);
  if (!k_min || !k_full) return infeasible(r, "private fleet: " + why);
  d.min_replicas = *k_min;
  d.full_replicas = std::max(*k_min, *k_full);

  const WorkloadMix mix = WorkloadMix::of(p.workloads);
  int k_lo = d.min_replicas, k_hi = d.full_replicas;
  if (h.replicas) {
    k_lo = k_hi = std::max(*h.replicas, sh->fleet.min_replicas);
    if (*h.replicas < sh->fleet.min_replicas)
      r.notes.push_back(fmt::format("replicas {} raised to the min_replicas {} of {}", *h.replicas,
                                    sh->fleet.min_replicas, priv->id));
  }

  std::map<int, Point> points;  // every fleet size evaluated
  auto evaluate_k = [&](int k) -> const Point& {
    if (auto it = points.find(k); it != points.end()) return it->second;
    Point x;
    x.split = split_traffic(lanes, fp.model->fleet_capacity(k), h.batch_fills_idle);
    x.tokens = price_tokens(*off, lanes, &x.split);
    x.pt.replicas = k;
    x.pt.feasible = x.split.fits && x.tokens.exceeded.empty();
    if (!x.split.fits) x.why_not = x.split.why_not;
    else if (!x.tokens.exceeded.empty()) x.why_not = "overflow to " + over->id + ": " + x.tokens.exceeded.front();
    x.pt.private_cost_usd = cost_fleet(fp, k, x.split, mix, false).total_usd();
    x.pt.overflow_cost_usd = x.tokens.cost.total();
    x.pt.monthly_cost_usd = x.pt.private_cost_usd + x.pt.overflow_cost_usd;
    x.pt.private_token_share = private_token_share(lanes, x.split);
    return points.emplace(k, std::move(x)).first->second;
  };
  const std::optional<int> chosen = search_fleet_size(k_lo, k_hi, per_instance, [&](int k) {
    const HybridPoint& pt = evaluate_k(k).pt;
    return FleetSizeCost{pt.feasible, pt.monthly_cost_usd};
  });
  for (const auto& [k, x] : points) d.curve.push_back(x.pt);
  if (!chosen) {
    const Point& last = points.rbegin()->second;
    infeasible(r, last.why_not.empty() ? fmt::format("no private fleet of {} to {} replicas serves the traffic", k_lo, k_hi)
                                       : fmt::format("with {} private replicas: {}", last.pt.replicas, last.why_not));
    std::get<HybridResult>(r.detail).hybrid = d;
    return;
  }

  const Point* best = &points.at(*chosen);
  const int k = *chosen;
  FleetCosting fc = cost_fleet(fp, k, best->split, mix, true);
  for (auto& n2 : fc.notes) r.notes.push_back(std::move(n2));
  for (auto& e : fc.reasons) infeasible(r, std::move(e));
  d.replicas = k;
  d.private_token_share = best->pt.private_token_share;
  d.overflow_cost_usd = best->pt.overflow_cost_usd;
  set_private_shares(lanes, best->split, d);
  d.private_utilization = fc.detail.utilization;
  d.private_capacity_requests_per_s = best->split.capacity_rps;

  set_tokens(r, best->tokens.cost, best->tokens.rate_check);
  for (const auto& note : best->tokens.notes) r.notes.push_back("overflow: " + note);
  r.breakdown.api_tokens = best->tokens.cost.total();
  add_fleet_lines(fc, r);
  add_split_notes(d, over->id, r);
  if (const double dd = spec.capacity_doubt; c.what_if_findings && dd > 1.0)
    r.notes.push_back(capacity_doubt_note(spec, lanes, *fp.model, k, *off, h.batch_fills_idle, d.overflow_cost_usd));
  std::get<HybridResult>(r.detail).hybrid = d;
}

}  // namespace detail
}  // namespace plan

namespace plan::detail {

// A hybrid commits what its private fleet commits.
ResultDetail empty_detail(const HybridOption&) { return HybridResult{}; }

std::optional<TokenOffering> token_offering(const HybridOption&, const Option& o, const Profile&, const PriceSheet&,
                                            std::string* why) {
  if (why) *why = fmt::format("option '{}' is not billed per token", o.id);
  return std::nullopt;
}

std::optional<TokenEntry> token_entry(const HybridOption&, const PriceSheet&) { return std::nullopt; }

bool bill_by(HybridOption&, const std::string&) { return false; }

bool hybrid_private(const HybridOption&) { return false; }

std::optional<std::pair<std::string, std::string>> parts_of(const HybridOption& h) {
  return std::pair{h.private_option, h.overflow_option};
}

std::string rented_instance(const HybridOption&) { return {}; }

std::optional<HeldCapacity> held_capacity(const HybridResult& d) { return fleet_held(d.fleet); }

// The private fleet: the replicas the search chose and the capacity it gave the split.
std::optional<FleetCapacity> fleet_capacity(const HybridResult& d, double tokens_per_request) {
  if (d.hybrid) return FleetCapacity{d.hybrid->replicas, d.hybrid->private_capacity_requests_per_s * tokens_per_request};
  return fleet_serving(d.fleet);
}

CapacityNeed capacity_need(const HybridResult& d) { return d.fleet ? fleet_need(*d.fleet) : CapacityNeed{}; }

void price_month(const HybridResult& d, const MonthTerms& t, MonthLine& line, CostBreakdown& b) {
  if (d.fleet) fleet_month(*d.fleet, t, line, b);
}

bool cost_defined(const HybridResult& d, const CostBreakdown& b) { return d.tokens || fleet_cost_defined(d.fleet, b); }

ProjectionTraits projection_traits(const HybridOption&) { return {}; }

int commitment_months(const HybridOption& h, const Option&, const PriceSheet& sheet, const Profile* profile) {
  const Option* priv = profile ? profile->find_option(h.private_option) : nullptr;
  const SelfHostedOption* sh = priv ? std::get_if<SelfHostedOption>(&priv->spec) : nullptr;
  return sh ? commitment_months(*sh, *priv, sheet, profile) : 0;
}

// The cheaper of its two parts per 1M: the private fleet at full utilisation, or the
// overflow option's price.
std::optional<double> floor_cost_per_mtok(const HybridOption& h, const OptionEvaluator& e, double tokens_per_day_today) {
  const Option* priv = e.profile().find_option(h.private_option);
  const Option* over = e.profile().find_option(h.overflow_option);
  if (!priv || !over || std::get_if<HybridOption>(&priv->spec) || std::get_if<HybridOption>(&over->spec)) return std::nullopt;
  auto fp = plan::floor_cost_per_mtok(OptionEvaluator(e.profile(), e.sheet(), *priv, e.perf()), tokens_per_day_today);
  auto fo = plan::floor_cost_per_mtok(OptionEvaluator(e.profile(), e.sheet(), *over, e.perf()), tokens_per_day_today);
  if (fp && fo) return std::min(*fp, *fo);
  return fp ? fp : fo;
}

// A hybrid is priced by its two parts; their price changes are listed under them.
std::vector<std::string> price_changes(const HybridOption& h, const PriceSheet&, const PriceSheet&) {
  return {fmt::format("priced by options {} and {}", h.private_option, h.overflow_option)};
}

void describe(const HybridOption& h, const Option&, Settings& s) {
  s.private_option = h.private_option;
  s.overflow_option = h.overflow_option;
  s.replicas = h.replicas ? std::to_string(*h.replicas) : "choose";
}

}  // namespace plan::detail

namespace plan::detail {
// A hybrid sizes with its private option's replica model.
std::unique_ptr<ReplicaModel> replica_model(const HybridOption& h, const Option&, const Profile& p,
                                            const PriceSheet& sheet, const ReplicaModelProvider* perf) {
  const Option* priv = p.find_option(h.private_option);
  const SelfHostedOption* sh = priv ? std::get_if<SelfHostedOption>(&priv->spec) : nullptr;
  return sh ? replica_model(*sh, *priv, p, sheet, perf) : nullptr;
}

RiskTraits risk_traits(const HybridOption& h, const Option&, const Profile& p, const PriceSheet& sheet) {
  RiskTraits t;
  if (const Option* priv = p.find_option(h.private_option))
    t = std::visit([&](const auto& k) { return risk_traits(k, *priv, p, sheet); }, priv->spec);
  if (const Option* over = p.find_option(h.overflow_option))
    t.token_provider =
        std::visit([&](const auto& k) { return risk_traits(k, *over, p, sheet); }, over->spec).token_provider;
  return t;
}

}  // namespace plan::detail
