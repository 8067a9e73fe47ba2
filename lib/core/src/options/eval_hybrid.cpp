// Hybrid options: the private option's fleet (the fleet path) takes traffic up to its
// SLA-bound capacity each hour and the rest goes to the overflow option (the token path).
// The fleet size K is searched between what private-only traffic needs (and the private
// option's min_replicas) and what the private option alone would have.
#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "options/evaluators.hpp"
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

}  // namespace

void evaluate(const Option&, const HybridOption& h, const EvalContext& c, OptionResult& r) {
  const Profile& p = c.profile;
  const Option* priv = p.find_option(h.private_option);
  const Option* over = p.find_option(h.overflow_option);
  const SelfHostedOption* sh = priv ? priv->as<SelfHostedOption>() : nullptr;
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
  std::vector<Lane> lanes = lanes_of(p.workloads, c.scale);
  for (auto& l : lanes) {
    if (auto rule = token_exclusion(p, c.sheet, *off, *l.w)) {
      l.private_only = true;
      d.restricted_workloads.push_back(*rule);
    }
  }
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
  const Point* best = nullptr;
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
    const Point& stored = points.emplace(k, std::move(x)).first->second;
    // The cheapest feasible fleet; of equal costs, the smallest.
    const HybridPoint& pt = stored.pt;
    if (pt.feasible && (!best || pt.monthly_cost_usd < best->pt.monthly_cost_usd - 1e-9 ||
                        (pt.monthly_cost_usd <= best->pt.monthly_cost_usd + 1e-9 && k < best->pt.replicas)))
      best = &stored;
    return stored;
  };

  // Candidates. Instances are bought whole, so a fleet that leaves its last instance part
  // empty costs as much as the full one and serves less: only full instances, and the
  // bounds, can be cheapest. Candidate i is fleet size cand(i).
  const int first_full = (k_lo / per_instance + 1) * per_instance;
  const int n_full = first_full < k_hi ? (k_hi - 1 - first_full) / per_instance + 1 : 0;
  const int n = 2 + n_full;  // k_lo, the full fleets strictly between, k_hi
  auto cand = [&](int i) { return i <= 0 ? k_lo : i >= n - 1 ? k_hi : first_full + (i - 1) * per_instance; };
  if (k_lo == k_hi) {
    evaluate_k(k_lo);
  } else if (n <= 200) {
    for (int i = 0; i < n; ++i) evaluate_k(cand(i));
  } else {
    // Cost against fleet size is near-convex (a price per instance; overflow falling as
    // capacity grows), and feasibility only improves with K: a coarse pass of about 100
    // candidates, then a pattern search that halves its step around the best. Coarse
    // candidates sit on multiples of a power of two, so evaluations at other volumes
    // (sweeps, projections) reuse the fleet capacities cached in the replica model.
    int step = 1;
    while (step * 100 < n) step *= 2;
    int centre = 0;
    auto better = [&](int i, int than) {
      const HybridPoint& a = evaluate_k(cand(i)).pt;
      const HybridPoint& b = evaluate_k(cand(than)).pt;
      if (a.feasible != b.feasible) return a.feasible;
      return a.monthly_cost_usd < b.monthly_cost_usd - 1e-9;
    };
    auto index_of = [&](int k) { return (k - first_full) / per_instance + 1; };
    const int coarse = step * per_instance;
    for (int k = (k_lo / coarse + 1) * coarse; k < k_hi; k += coarse)
      if (better(index_of(k), centre)) centre = index_of(k);
    if (better(n - 1, centre)) centre = n - 1;
    for (int half = step / 2; half >= 1; half /= 2) {
      for (bool moved = true; moved;) {
        moved = false;
        for (int i : {centre - half, centre + half}) {
          if (i < 0 || i > n - 1 || !better(i, centre)) continue;
          centre = i;
          moved = true;
        }
      }
    }
  }
  // The smallest fleet that costs the same as the best full one (its last instance part
  // empty): overflow only grows as replicas are removed, so bisect below it.
  if (best && per_instance > 1 && best->pt.replicas > k_lo) {
    int lo = std::max(k_lo, best->pt.replicas - per_instance);
    int hi = best->pt.replicas;
    evaluate_k(lo);
    if (best->pt.replicas != lo) {
      while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        evaluate_k(mid);
        (best->pt.replicas == mid ? hi : lo) = mid;
      }
    }
  }
  for (const auto& [k, x] : points) d.curve.push_back(x.pt);
  if (!best) {
    const Point& last = points.rbegin()->second;
    infeasible(r, last.why_not.empty() ? fmt::format("no private fleet of {} to {} replicas serves the traffic", k_lo, k_hi)
                                       : fmt::format("with {} private replicas: {}", last.pt.replicas, last.why_not));
    r.hybrid = d;
    return;
  }

  const int k = best->pt.replicas;
  FleetCosting fc = cost_fleet(fp, k, best->split, mix, true);
  for (auto& n2 : fc.notes) r.notes.push_back(std::move(n2));
  for (auto& e : fc.reasons) infeasible(r, std::move(e));
  d.replicas = k;
  d.private_token_share = best->pt.private_token_share;
  d.overflow_cost_usd = best->pt.overflow_cost_usd;
  double batch_all = 0, batch_private = 0;
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    batch_all += lanes[i].batch_per_day;
    batch_private += best->split.lanes[i].private_batch;
    const double all = lanes[i].interactive_per_day + lanes[i].batch_per_day;
    const double priv_rq = best->split.lanes[i].private_interactive + best->split.lanes[i].private_batch;
    d.workload_private_share.emplace_back(lanes[i].w->id, all > 0 ? priv_rq / all : 0.0);
  }
  d.batch_private_share = batch_all > 0 ? batch_private / batch_all : 0;
  d.private_utilization = fc.detail.utilization;
  d.private_capacity_requests_per_s = best->split.capacity_rps;

  r.token_detail = best->tokens.cost;
  r.rate_check = best->tokens.rate_check;
  for (const auto& note : best->tokens.notes) r.notes.push_back("overflow: " + note);
  r.breakdown.api_tokens = best->tokens.cost.total();
  add_fleet_lines(fc, r);
  r.notes.push_back(fmt::format("{} private replicas serve {:.1f}% of tokens; overflow to {} costs {:.2f} USD/month",
                                k, d.private_token_share * 100, over->id, d.overflow_cost_usd));
  if (d.overflow_model != d.private_model && d.private_token_share < 1.0)
    r.notes.push_back(fmt::format("overflow goes to a different model: {} (private fleet: {})", d.overflow_model,
                                  d.private_model));
  for (const auto& rule : d.restricted_workloads) r.notes.push_back("kept private: " + rule);
  // The private capacity's known gap to measurements (a mixture of experts sized from the
  // catalog alone): the same fleet at d times less capacity, and what the overflow then costs.
  if (const double dd = spec.capacity_doubt; c.what_if_findings && dd > 1.0) {
    const std::string head = fmt::format("private capacity from the catalog alone: {}", spec.capacity_doubt_why);
    const Split worse = split_traffic(lanes, fp.model->fleet_capacity(k) / dd, h.batch_fills_idle);
    const TokenCosting worse_tokens = price_tokens(*off, lanes, &worse);
    if (!worse.fits) {
      r.notes.push_back(fmt::format("{}. With {:.2f}x less capacity per replica these {} private replicas would not "
                                    "serve the traffic kept private ({}); a serving result measured on this deployment "
                                    "(plan calibrate import) settles it",
                                    head, dd, k, worse.why_not));
    } else {
      r.notes.push_back(fmt::format("{}. With {:.2f}x less capacity per replica these {} private replicas would serve "
                                    "{:.1f}% of tokens and the overflow would cost {:.2f} USD/month ({:.2f} now); a "
                                    "serving result measured on this deployment (plan calibrate import) settles it",
                                    head, dd, k, private_token_share(lanes, worse) * 100, worse_tokens.cost.total(),
                                    d.overflow_cost_usd));
    }
  }
  r.hybrid = d;
}

}  // namespace detail
}  // namespace plan

namespace plan::detail {

// A hybrid commits what its private fleet commits.
int commitment_months(const HybridOption& h, const Option&, const PriceSheet& sheet, const Profile* profile) {
  const Option* priv = profile ? profile->find_option(h.private_option) : nullptr;
  const SelfHostedOption* sh = priv ? priv->as<SelfHostedOption>() : nullptr;
  return sh ? commitment_months(*sh, *priv, sheet, profile) : 0;
}

// The cheaper of its two parts per 1M: the private fleet at full utilisation, or the
// overflow option's price.
std::optional<double> floor_cost_per_mtok(const HybridOption& h, const OptionEvaluator& e, double tokens_per_day_today) {
  const Option* priv = e.profile().find_option(h.private_option);
  const Option* over = e.profile().find_option(h.overflow_option);
  if (!priv || !over || priv->as<HybridOption>() || over->as<HybridOption>()) return std::nullopt;
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
  const SelfHostedOption* sh = priv ? priv->as<SelfHostedOption>() : nullptr;
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
