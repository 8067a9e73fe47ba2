#include "plan/core/hybrid.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>

#include "plan/core/compare.hpp"
#include "plan/core/cost.hpp"
#include "plan/core/units.hpp"

namespace plan {

double fleet_capacity_requests_per_s(const ReplicaModel& model, int replicas) { return model.fleet_capacity(replicas); }

namespace {

struct Lane {
  const Workload* w;
  bool restricted;
  std::array<double, 24> interactive_rps{};  // requests/s in each hour
  double batch_per_day = 0;                  // requests
};

// Requests of each workload served privately and sent to the overflow in one day.
struct Split {
  bool feasible = true;
  std::vector<double> private_interactive;  // per lane, requests/day
  std::vector<double> private_batch;
  std::vector<double> overflow_interactive;
  std::vector<double> overflow_batch;
  double served_requests = 0;
};

Split split_traffic(const std::vector<Lane>& lanes, double capacity_rps, bool batch_fills_idle) {
  const std::size_t n = lanes.size();
  Split s;
  s.private_interactive.assign(n, 0);
  s.private_batch.assign(n, 0);
  s.overflow_interactive.assign(n, 0);
  s.overflow_batch.assign(n, 0);
  double idle_requests = 0;
  for (std::size_t h = 0; h < 24; ++h) {
    double restricted = 0, open = 0;
    for (const auto& l : lanes) (l.restricted ? restricted : open) += l.interactive_rps[h];
    if (restricted > capacity_rps * (1 + 1e-9)) s.feasible = false;
    const double room = std::max(0.0, capacity_rps - restricted);
    const double open_private = std::min(open, room);
    const double open_share = open > 0 ? open_private / open : 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double rq = lanes[i].interactive_rps[h] * seconds_per_hour;
      if (lanes[i].restricted) {
        s.private_interactive[i] += rq;
      } else {
        s.private_interactive[i] += rq * open_share;
        s.overflow_interactive[i] += rq * (1 - open_share);
      }
    }
    idle_requests += std::max(0.0, room - open_private) * seconds_per_hour;
  }
  // Batchable requests: restricted first into idle capacity (they must stay private), then
  // the rest in proportion.
  double restricted_batch = 0, open_batch = 0;
  for (const auto& l : lanes) (l.restricted ? restricted_batch : open_batch) += l.batch_per_day;
  if (restricted_batch > idle_requests * (1 + 1e-9)) s.feasible = false;
  const double idle_left = batch_fills_idle ? std::max(0.0, idle_requests - restricted_batch) : 0.0;
  const double open_batch_private = std::min(open_batch, idle_left);
  const double open_batch_share = open_batch > 0 ? open_batch_private / open_batch : 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (lanes[i].restricted) {
      s.private_batch[i] = lanes[i].batch_per_day;
    } else {
      s.private_batch[i] = lanes[i].batch_per_day * open_batch_share;
      s.overflow_batch[i] = lanes[i].batch_per_day * (1 - open_batch_share);
    }
    s.served_requests += s.private_interactive[i] + s.private_batch[i];
  }
  return s;
}

}  // namespace

void evaluate_hybrid(const Profile& p, const PriceSheet& sheet, const Option& o, const ReplicaModelProvider* perf,
                     const ReplicaModel* prebuilt, double scale, OptionResult& r) {
  const Option* priv = p.find_option(o.private_option);
  const Option* over = p.find_option(o.overflow_option);
  if (!priv || !over) {
    r.feasible = false;
    r.reasons.push_back("hybrid option names options the profile does not have");
    return;
  }
  r.what = fmt::format("{} + overflow to {}", priv->id, over->id);
  HybridDetail d;
  d.private_option = priv->id;
  d.overflow_option = over->id;

  // Overflow prices.
  const TokenPrices* prices = nullptr;
  if (over->kind == OptionKind::api) {
    if (const ApiModel* m = sheet.find_api(over->model)) {
      prices = &m->prices;
      r.provenance.push_back({"overflow token prices", sheet.cite(m->line)});
    }
  } else if (const ManagedOffering* m = sheet.find_managed(over->offering); m && m->on_demand) {
    prices = &*m->on_demand;
    r.provenance.push_back({"overflow token prices", sheet.cite(m->line)});
  }
  const GpuInstance* inst = sheet.find_instance(priv->instance);
  if (!prices || !inst) {
    r.feasible = false;
    r.reasons.push_back("the price sheet lacks the overflow prices or the private instance");
    return;
  }
  auto usd_per_hour = instance_usd_per_hour(*inst, priv->pricing);
  if (!usd_per_hour) {
    r.feasible = false;
    r.reasons.push_back(fmt::format("price sheet {} has no {} price for instance {}", sheet.version,
                                    to_string(priv->pricing), inst->id));
    return;
  }
  r.provenance.push_back({fmt::format("private instance price ({})", to_string(priv->pricing)), sheet.cite(inst->line)});

  const WorkloadMix mix = WorkloadMix::of(p.workloads);
  std::unique_ptr<ReplicaModel> owned;
  const ReplicaModel* model = prebuilt;
  if (!model) {
    owned = make_replica_model(*priv, *inst, mix, perf);
    model = owned.get();
  }
  if (!model || !model->spec().feasible) {
    r.feasible = false;
    r.reasons.push_back(model ? "the private fleet cannot serve this model: " +
                                    fmt::format("{}", fmt::join(model->spec().reasons, "; "))
                              : "no throughput for the private fleet: set tokens_per_second_per_replica");
    return;
  }
  const ReplicaSpec& spec = model->spec();
  if (spec.gpus_per_replica > inst->gpu_count || inst->gpu_count % spec.gpus_per_replica != 0) {
    r.feasible = false;
    r.reasons.push_back(fmt::format("a replica needs {} GPUs but instance {} has {}", spec.gpus_per_replica, inst->id,
                                    inst->gpu_count));
    return;
  }
  r.provenance.push_back({"private replica throughput (" + spec.provenance + ")", spec.provenance_source});
  const int per_instance = inst->gpu_count / spec.gpus_per_replica;

  // Lanes: interactive requests follow each workload's hourly shape; batchable requests are
  // movable within the day.
  std::vector<Lane> lanes;
  for (const auto& w : p.workloads) {
    Lane l{&w, false};
    if (auto why = data_class_exclusion(p, sheet, *over, w)) {
      l.restricted = true;
      d.restricted_workloads.push_back(*why);
    }
    const double interactive = w.requests_per_day * scale * (1 - w.batchable_share);
    for (std::size_t h = 0; h < 24; ++h) l.interactive_rps[h] = interactive / seconds_per_day * w.traffic.weight[h];
    l.batch_per_day = w.requests_per_day * scale * w.batchable_share;
    lanes.push_back(l);
  }

  // Bounds on K: what restricted interactive traffic needs at its peak, and what all
  // interactive traffic needs (beyond that, more replicas only add cost).
  double restricted_peak = 0, all_peak = 0;
  for (std::size_t h = 0; h < 24; ++h) {
    double rr = 0, aa = 0;
    for (const auto& l : lanes) {
      // A workload known only by its peak_to_average ratio peaks at that ratio.
      double f = l.w->traffic.peak_to_average ? *l.w->traffic.peak_to_average / l.w->traffic.weight[h] : 1.0;
      aa += l.interactive_rps[h] * f;
      if (l.restricted) rr += l.interactive_rps[h] * f;
    }
    restricted_peak = std::max(restricted_peak, rr);
    all_peak = std::max(all_peak, aa);
  }
  d.min_replicas = std::max(0, model->replicas_for(restricted_peak));
  d.full_replicas = std::max(d.min_replicas, model->replicas_for(all_peak));
  if (model->replicas_for(all_peak) < 0 || model->replicas_for(restricted_peak) < 0) {
    r.feasible = false;
    r.reasons.push_back("no private fleet size meets the latency targets");
    return;
  }

  const OpsCosts ops = priv->ops.value_or(p.ops);
  const double ops_month = ops.monthly_labour() + ops.monitoring_per_month + ops.storage_per_month + ops.egress_per_month;
  auto overflow_cost = [&](const Split& s) {
    TokenCost c;
    for (std::size_t i = 0; i < lanes.size(); ++i) {
      const double rq = s.overflow_interactive[i] + s.overflow_batch[i];
      if (rq <= 0) continue;
      Workload w = *lanes[i].w;
      w.requests_per_day = rq;
      w.batchable_share = s.overflow_batch[i] / rq;
      c += token_cost(w, *prices, 1.0);
    }
    return c;
  };
  auto private_tokens = [&](const Split& s) {
    double t = 0, all = 0;
    for (std::size_t i = 0; i < lanes.size(); ++i) {
      const double tpr = lanes[i].w->tokens_per_request();
      t += (s.private_interactive[i] + s.private_batch[i]) * tpr;
      all += lanes[i].w->requests_per_day * scale * tpr;
    }
    return all > 0 ? t / all : 0.0;
  };

  int k_lo = d.min_replicas, k_hi = d.full_replicas;
  if (o.hybrid_replicas) k_lo = k_hi = *o.hybrid_replicas;
  std::map<int, HybridPoint> points;  // every fleet size evaluated
  std::optional<HybridPoint> best;
  Split best_split;
  TokenCost best_tokens;
  auto evaluate_k = [&](int k) -> const HybridPoint& {
    if (auto it = points.find(k); it != points.end()) return it->second;
    const double cap = fleet_capacity_requests_per_s(*model, k);
    Split s = split_traffic(lanes, cap, o.batch_fills_idle);
    HybridPoint pt;
    pt.replicas = k;
    pt.feasible = s.feasible;
    const int instances = (k + per_instance - 1) / per_instance;
    pt.private_cost_usd = k > 0 ? instances * hours_per_month * *usd_per_hour + ops_month : 0.0;
    TokenCost tc = overflow_cost(s);
    pt.overflow_cost_usd = tc.total();
    pt.monthly_cost_usd = pt.private_cost_usd + pt.overflow_cost_usd;
    pt.private_token_share = private_tokens(s);
    // The cheapest feasible fleet; of equal costs, the smallest.
    if (pt.feasible && (!best || pt.monthly_cost_usd < best->monthly_cost_usd - 1e-9 ||
                        (pt.monthly_cost_usd <= best->monthly_cost_usd + 1e-9 && k < best->replicas))) {
      best = pt;
      best_split = s;
      best_tokens = tc;
    }
    return points.emplace(k, pt).first->second;
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
    // capacity grows): a coarse pass of about 100 candidates, then a pattern search that
    // halves its step around the best. Coarse candidates sit on multiples of a power of two,
    // so evaluations at other volumes (sweeps, projections) reuse the fleet capacities
    // cached in the replica model.
    int step = 1;
    while (step * 100 < n) step *= 2;
    int centre = 0;
    auto better = [&](int i, int than) {
      const HybridPoint& a = evaluate_k(cand(i));
      const HybridPoint& b = evaluate_k(cand(than));
      if (a.feasible != b.feasible) return a.feasible;
      return a.monthly_cost_usd < b.monthly_cost_usd - 1e-9;
    };
    // Index of a full fleet of k replicas (k a multiple of per_instance in (k_lo, k_hi)).
    auto index_of = [&](int k) { return (k - first_full) / per_instance + 1; };
    const int coarse = step * per_instance;
    for (int k = (k_lo / coarse + 1) * coarse; k < k_hi; k += coarse)
      if (better(index_of(k), centre)) centre = index_of(k);
    if (better(n - 1, centre)) centre = n - 1;
    for (int h = step / 2; h >= 1; h /= 2) {
      for (bool moved = true; moved;) {
        moved = false;
        for (int i : {centre - h, centre + h}) {
          if (i < 0 || i > n - 1 || !better(i, centre)) continue;
          centre = i;
          moved = true;
        }
      }
    }
  }
  // The smallest fleet that costs the same as the best full one (its last instance part
  // empty): overflow only grows as replicas are removed, so bisect below it. evaluate_k
  // keeps the smaller of two fleets of equal cost.
  if (best && per_instance > 1 && best->replicas > k_lo) {
    int lo = std::max(k_lo, best->replicas - per_instance);
    int hi = best->replicas;
    evaluate_k(lo);
    if (best->replicas != lo) {
      while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        evaluate_k(mid);
        (best->replicas == mid ? hi : lo) = mid;
      }
    }
  }
  for (const auto& [k, pt] : points) d.curve.push_back(pt);
  if (!best) {
    r.feasible = false;
    r.reasons.push_back(fmt::format("restricted traffic does not fit {} private replicas", k_hi));
    r.hybrid = d;
    return;
  }
  d.replicas = best->replicas;
  d.private_token_share = best->private_token_share;
  d.overflow_cost_usd = best->overflow_cost_usd;
  double batch_all = 0, batch_private = 0;
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    batch_all += lanes[i].batch_per_day;
    batch_private += best_split.private_batch[i];
  }
  d.batch_private_share = batch_all > 0 ? batch_private / batch_all : 0;
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const double all = lanes[i].w->requests_per_day * scale;
    const double priv_rq = best_split.private_interactive[i] + best_split.private_batch[i];
    d.workload_private_share.emplace_back(lanes[i].w->id, all > 0 ? priv_rq / all : 0.0);
  }
  const double cap = fleet_capacity_requests_per_s(*model, best->replicas);
  d.private_utilization = cap > 0 ? best_split.served_requests / (cap * seconds_per_day) : 0;
  d.private_capacity_requests_per_s = cap;

  const int instances = (best->replicas + per_instance - 1) / per_instance;
  r.token_detail = best_tokens;
  r.breakdown.api_tokens = best_tokens.total();
  if (best->replicas > 0) {
    r.breakdown.gpu_compute = instances * hours_per_month * *usd_per_hour;
    r.breakdown.ops_labour = ops.monthly_labour();
    r.breakdown.monitoring = ops.monitoring_per_month;
    r.breakdown.storage = ops.storage_per_month;
    r.breakdown.egress = ops.egress_per_month;
  }
  SelfHostedDetail sh;
  sh.instance = inst->id;
  sh.gpu = inst->gpu;
  sh.gpus_per_replica = spec.gpus_per_replica;
  sh.gpus_per_instance = inst->gpu_count;
  sh.replicas = best->replicas;
  sh.instances = instances;
  sh.gpus = instances * inst->gpu_count;
  sh.instance_hours_per_month = instances * hours_per_month;
  sh.usd_per_instance_hour = *usd_per_hour;
  sh.replica_tokens_per_s = spec.capacity_requests_per_s * mix.tokens_per_request();
  sh.utilization = d.private_utilization;
  sh.throughput_provenance = spec.provenance;
  sh.throughput_source = spec.provenance_source;
  if (best->replicas > 0) sh.latency_at_peak = model->latency(cap, best->replicas);
  r.self_hosted = sh;
  r.notes.push_back(fmt::format("{} private replicas serve {:.1f}% of tokens; overflow to {} costs {:.2f} USD/month",
                                best->replicas, d.private_token_share * 100, over->id, d.overflow_cost_usd));
  for (const auto& why : d.restricted_workloads) r.notes.push_back("kept private: " + why);
  r.hybrid = d;
}

}  // namespace plan
