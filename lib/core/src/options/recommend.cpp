#include "plan/core/options/recommend.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <iterator>

#include "options/evaluators.hpp"
#include "plan/core/base/units.hpp"

namespace plan {
namespace {

// The options a hybrid is made of (private, overflow); nullopt for other kinds.
std::optional<std::pair<std::string, std::string>> parts_of(const Option& o) {
  return std::visit([](const auto& k) { return detail::parts_of(k); }, o.spec);
}

Plan plan_of(const OptionResult& r, const Profile& p) {
  Plan pl;
  pl.id = r.id;
  pl.description = fmt::format("{} ({})", r.what, to_string(r.kind));
  pl.feasible = r.feasible;
  pl.monthly_cost_usd = r.monthly_cost_usd;
  pl.cost_per_mtok_usd = r.cost_per_mtok_usd;
  pl.reasons = r.reasons;
  for (const auto& w : p.workloads) {
    if (const HybridDetail* h = hybrid_detail(r)) {
      double share = 0;
      for (const auto& [id, s] : h->workload_private_share)
        if (id == w.id) share = s;
      pl.assignments.push_back({w.id, h->private_option, share});
      pl.assignments.push_back({w.id, h->overflow_option, 1.0 - share});
    } else {
      pl.assignments.push_back({w.id, r.id, 1.0});
    }
  }
  pl.result = r;
  return pl;
}

// Today's total (workloads grouped by current_option, a group costed for its combined
// traffic) and the moves from today to the recommended plan.
void decide_moves(Decision& d, const Recommendation& rec, const Profile& p, const PriceSheet& sheet,
                  const ReplicaModelProvider* perf) {
  const bool all_known = std::all_of(d.workloads.begin(), d.workloads.end(),
                                     [](const WorkloadDecision& x) { return x.today_usd.has_value(); });
  if (all_known && !d.workloads.empty()) {
    std::vector<std::pair<std::string, std::vector<Workload>>> groups;  // in workload order
    for (const auto& w : p.workloads) {
      auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == w.current_option; });
      if (g == groups.end()) g = groups.insert(groups.end(), {w.current_option, {}});
      g->second.push_back(w);
      g->second.back().models.clear();
    }
    double total = 0;
    bool feasible = true;
    for (const auto& [id, ws] : groups) {
      if (ws.size() == 1) {
        for (const auto& x : d.workloads)
          if (x.workload == ws[0].id) total += *x.today_usd;
        continue;
      }
      Profile grp = p;
      grp.workloads = ws;
      const OptionResult r = evaluate_option(grp, sheet, *p.find_option(id), perf);
      feasible = feasible && r.feasible;
      total += r.monthly_cost_usd;
    }
    if (feasible) d.today_usd = total;
  }
  if (!rec.best) return;
  for (const auto& w : p.workloads) {
    std::vector<Assignment> to;
    for (const auto& a : rec.plans[*rec.best].assignments)
      if (a.workload == w.id && a.share > 0) to.push_back(a);
    if (to.size() == 1 && to[0].option == w.current_option) continue;
    d.moves.insert(d.moves.end(), to.begin(), to.end());
  }
}

// The hybrids the profile does not declare (a self-hosted private fleet with each pay-per-token
// overflow), kept as plans where each costs less than either part alone.
void add_undeclared_hybrids(Recommendation& rec, const Profile& p, const PriceSheet& sheet, const ReplicaModelProvider* perf) {
  for (const auto& priv : p.options) {
    if (!std::visit([](const auto& k) { return detail::hybrid_private(k); }, priv.spec)) continue;
    for (const auto& over : p.options) {
      if (!over.pay_per_token()) continue;
      bool declared = std::any_of(p.options.begin(), p.options.end(), [&](const Option& o) {
        return parts_of(o) == std::pair{priv.id, over.id};
      });
      if (declared) continue;
      Option h;
      h.id = fmt::format("hybrid:{}+{}", priv.id, over.id);
      h.spec = HybridOption{priv.id, over.id, std::nullopt, true};
      h.loc = priv.loc;
      OptionResult r = evaluate_option(p, sheet, h, perf);
      // A hybrid whose best fleet is empty is the overflow option alone, one with no overflow
      // is the private option alone, and one that costs no less than either part alone (its
      // fleet held at the private option's min_replicas) is worse than that part: none is a
      // plan of its own.
      const HybridDetail* hd = hybrid_detail(r);
      if (r.feasible && hd && (hd->replicas == 0 || hd->overflow_cost_usd <= 0)) continue;
      auto alone = [&](const std::string& id) -> std::optional<double> {
        for (const auto& x : rec.compare.options)
          if (x.id == id && x.feasible) return x.monthly_cost_usd;
        return std::nullopt;
      };
      const auto priv_usd = alone(priv.id), over_usd = alone(over.id);
      if (r.feasible && ((priv_usd && r.monthly_cost_usd >= *priv_usd) || (over_usd && r.monthly_cost_usd >= *over_usd)))
        continue;
      rec.plans.push_back(plan_of(r, p));
    }
  }
}

// Each workload on its own cheapest feasible option; an option chosen by several
// workloads then serves their combined traffic, with one fleet and one set of fixed costs.
// Only for several workloads.
void add_split_plan(Recommendation& rec, const Profile& p, const PriceSheet& sheet, const ReplicaModelProvider* perf) {
  Plan split;
  split.id = "split";
  split.shape = PlanShape::split;
  split.description = "each workload on its own cheapest feasible option";
  Profile base = p;
  base.options.clear();
  for (const auto& o : p.options) {
    if (!parts_of(o)) base.options.push_back(o);
  }
  struct Group {
    const Option* option;
    std::vector<Workload> workloads;
    OptionResult alone;  // the option's result for its first workload alone
  };
  std::vector<Group> groups;  // in workload order
  for (const auto& w : p.workloads) {
    Profile one = base;
    one.workloads = {w};
    CompareResult c = compare(one, sheet, perf);
    if (!c.cheapest) {
      split.feasible = false;
      split.reasons.push_back(fmt::format("no option can serve workload '{}' on its own", w.id));
      continue;
    }
    split.assignments.push_back({w.id, *c.cheapest, 1.0});
    auto g = std::find_if(groups.begin(), groups.end(), [&](const Group& x) { return x.option->id == *c.cheapest; });
    if (g == groups.end()) {
      auto o = std::find_if(base.options.begin(), base.options.end(), [&](const Option& x) { return x.id == *c.cheapest; });
      auto r = std::find_if(c.options.begin(), c.options.end(), [&](const OptionResult& x) { return x.id == *c.cheapest; });
      groups.push_back({&*o, {}, *r});
      g = std::prev(groups.end());
    }
    g->workloads.push_back(w);
  }
  double tokens = 0;
  for (const auto& [option, workloads, alone] : groups) {
    OptionResult r = alone;
    if (workloads.size() > 1) {
      Profile grp = base;
      grp.workloads = workloads;
      r = evaluate_option(grp, sheet, *option, perf);
    }
    if (!r.feasible) {
      std::vector<std::string> ids;
      for (const auto& w : workloads) ids.push_back(w.id);
      split.feasible = false;
      split.reasons.push_back(fmt::format("workloads {} together on {}: {}", fmt::join(ids, ", "), option->id,
                                          fmt::join(r.reasons, "; ")));
      continue;
    }
    split.monthly_cost_usd += r.monthly_cost_usd;
    tokens += r.monthly_tokens;
  }
  split.cost_per_mtok_usd = tokens > 0 ? split.monthly_cost_usd / tokens * tokens_per_mtok : 0;
  if (std::any_of(groups.begin(), groups.end(), [](const Group& g) { return g.workloads.size() > 1; }))
    split.reasons.push_back("an option chosen by several workloads is sized and costed for their combined traffic");
  // A split that puts every workload on one option is that option.
  if (!split.feasible || groups.size() > 1) rec.plans.push_back(split);
}

// What-ifs: each workload held to its models, alone, on the options serving other models;
// and the decision's figures per workload (today, cheapest within its models, cheapest
// with another model).
void add_what_ifs(Recommendation& rec, const Profile& p, const PriceSheet& sheet, const ReplicaModelProvider* perf) {
  const bool decide = std::any_of(p.workloads.begin(), p.workloads.end(),
                                  [](const Workload& w) { return !w.models.empty() || !w.current_option.empty(); });
  if (decide) rec.decision.emplace();
  for (const auto& w : p.workloads) {
    if (w.models.empty() && !decide) continue;
    Profile one = p;
    one.options.clear();
    for (const auto& o : p.options)
      if (!parts_of(o)) one.options.push_back(o);
    one.workloads = {w};
    const CompareResult held = compare(one, sheet, perf);
    const OptionResult* h = nullptr;
    if (held.cheapest)
      for (const auto& r : held.options)
        if (r.id == *held.cheapest) h = &r;
    WorkloadDecision d;
    d.workload = w.id;
    d.billed = w.billed;
    d.any_model = w.models.empty();
    if (h) {
      d.same_model_option = h->id;
      d.same_model_usd = h->monthly_cost_usd;
    }
    if (!w.current_option.empty()) {
      d.today_option = w.current_option;
      Profile today = p;
      today.workloads = {w};
      today.workloads[0].models.clear();
      const OptionResult r = evaluate_option(today, sheet, *p.find_option(w.current_option), perf);
      if (r.feasible) d.today_usd = r.monthly_cost_usd;
      else d.today_reasons = r.reasons;
    }
    std::vector<std::string> others;
    if (!w.models.empty())
      for (const auto& r : held.options)
        if (!r.model.empty() && std::find(w.models.begin(), w.models.end(), r.model) == w.models.end())
          others.push_back(r.id);
    if (others.empty()) {
      if (rec.decision) rec.decision->workloads.push_back(std::move(d));
      continue;
    }
    Profile wide = one;
    wide.workloads[0].models.clear();
    std::erase_if(wide.options, [&](const Option& o) {
      return std::find(others.begin(), others.end(), o.id) == others.end();
    });
    const CompareResult c = compare(wide, sheet, perf);
    // Per other model, its cheapest feasible option, where it costs less than the held one.
    std::vector<WhatIf> found;
    for (const auto& r : c.options) {
      if (!r.feasible || (h && r.monthly_cost_usd >= h->monthly_cost_usd)) continue;
      auto same = std::find_if(found.begin(), found.end(), [&](const WhatIf& x) { return x.model == r.model; });
      if (same != found.end() && same->monthly_cost_usd <= r.monthly_cost_usd) continue;
      WhatIf wi{w.id, r.model, r.id, r.monthly_cost_usd, h ? h->id : "", h ? h->monthly_cost_usd : 0};
      if (same != found.end()) *same = wi;
      else found.push_back(wi);
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const WhatIf& a, const WhatIf& b) { return a.monthly_cost_usd < b.monthly_cost_usd; });
    if (!found.empty()) {
      d.other_option = found.front().option;
      d.other_model = found.front().model;
      d.other_usd = found.front().monthly_cost_usd;
    }
    if (rec.decision) rec.decision->workloads.push_back(std::move(d));
    rec.what_ifs.insert(rec.what_ifs.end(), found.begin(), found.end());
  }
}

// Plans ranked (feasible first, then by monthly cost), the best and runner-up picked, and the
// figures that go with the best: retirement notes, the decision's moves, pure-option costs.
void rank_plans(Recommendation& rec, const Profile& p, const PriceSheet& sheet, const ReplicaModelProvider* perf) {
  std::stable_sort(rec.plans.begin(), rec.plans.end(), [](const Plan& a, const Plan& b) {
    if (a.feasible != b.feasible) return a.feasible;
    return a.monthly_cost_usd < b.monthly_cost_usd;
  });
  if (!rec.plans.empty() && rec.plans[0].feasible) rec.best = 0;
  if (rec.plans.size() > 1 && rec.plans[1].feasible) rec.runner_up = 1;
  // The recommended option's offering retires within the horizon: say so, with what its
  // successor would cost (the finding of compare).
  if (rec.best && rec.plans[*rec.best].result)
    for (const auto& n : rec.plans[*rec.best].result->notes)
      if (n.find(" retires on ") != std::string::npos)
        rec.compare.notes.push_back(fmt::format("{}: {}", rec.plans[*rec.best].id, n));
  if (rec.decision) decide_moves(*rec.decision, rec, p, sheet, perf);
  if (rec.best && rec.plans[*rec.best].result && hybrid_detail(*rec.plans[*rec.best].result)) {
    const auto& h = *hybrid_detail(*rec.plans[*rec.best].result);
    for (const auto& r : rec.compare.options) {
      if (r.id == h.private_option && r.feasible) rec.pure_private_usd = r.monthly_cost_usd;
      if (r.id == h.overflow_option && r.feasible) rec.pure_overflow_usd = r.monthly_cost_usd;
    }
  }
}

}  // namespace

const char* plan_kind(const Plan& p) {
  if (p.result) return to_string(p.result->kind);
  return p.shape == PlanShape::split ? "split" : "hybrid";
}

Recommendation recommend(const Profile& p, const PriceSheet& sheet, const ReplicaModelProvider* perf) {
  Recommendation rec;
  rec.compare = compare(p, sheet, perf);
  for (const auto& r : rec.compare.options) rec.plans.push_back(plan_of(r, p));
  add_undeclared_hybrids(rec, p, sheet, perf);
  if (p.workloads.size() > 1) add_split_plan(rec, p, sheet, perf);
  add_what_ifs(rec, p, sheet, perf);
  rank_plans(rec, p, sheet, perf);
  return rec;
}

}  // namespace plan
