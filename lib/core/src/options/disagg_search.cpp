// The disaggregated points of a search (disagg_search.hpp).
#include "plan/core/options/disagg_search.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <tuple>

#include "plan/core/base/units.hpp"
#include "plan/core/options/cost.hpp"
#include "plan/core/serving/replica_model.hpp"
#include "evaluators.hpp"

namespace plan {
namespace {

// One unit as the catalog sizes it: the loop's timing, the link and source, or why not.
struct UnitModel {
  std::optional<DisaggUnitCapacity> capacity;
  std::string link, source;
  std::vector<std::string> reasons;
};

// The KV transfer over the scale-out NIC where the unit's pools span instances that are not
// one NVLink domain: an instance of an HGX-class GPU (scale-up domain of at most 8) is its own
// domain; instances of a rack-scale GPU (NVL72) are taken to be trays of one rack.
std::string unit_link(const Catalog& cat, const perf::DisaggRequest& req, int gpus_per_instance, perf::DisaggResult& r) {
  const GpuSpec* gpu = cat.find_gpu(req.gpu);
  if (!gpu) return {};
  const int domain = gpu->scaleup_gpus > 8 ? gpu->scaleup_gpus : std::min(gpu->scaleup_gpus, gpus_per_instance);
  const int gpus = r.prefill_gpus + r.decode_gpus;
  if (gpus <= domain || r.link_gb_per_s != gpu->interconnect_gb_per_s || gpu->interconnect_gb_per_s <= 0) return {};
  if (!gpu->scaleout_gb_per_s)
    return fmt::format("the unit's {} GPUs span instances of {} and the catalog gives no scale-out link for {} "
                       "(scaleout_gb_per_s)", gpus, gpus_per_instance, gpu->id);
  r.link = fmt::format("scale-out NIC (the unit's {} GPUs span instances of {} GPUs)", gpus, gpus_per_instance);
  r.link_gb_per_s = *gpu->scaleout_gb_per_s;
  r.timing.kv_transfer_s = r.kv_bytes_per_request / (r.links * r.link_gb_per_s * 1e9 * r.link_efficiency);
  return {};
}

UnitModel size_unit(const Catalog& cat, const std::vector<perf::TermSet>* sets,
                    const std::vector<perf::DisaggTerms>* dterms, const perf::DisaggRequest& req,
                    const WorkloadMix& mix, int gpus_per_instance) {
  UnitModel u;
  perf::DisaggResult r;
  try {
    r = perf::run_disagg(cat, sets, req);
  } catch (const Error& e) {
    u.reasons.push_back(e.what());
    return u;
  }
  if (!r.fits) {
    u.reasons.push_back(r.reason);
    return u;
  }
  if (std::string why = unit_link(cat, req, gpus_per_instance, r); !why.empty()) {
    u.reasons.push_back(why);
    return u;
  }
  u.link = r.link;
  u.source = r.prefill.source == r.decode.source
                 ? r.prefill.source
                 : fmt::format("prefill {}, decode {}", r.prefill.source, r.decode.source);
  // The engine's disaggregated term (calib/engine_terms.json), as plan perf applies it.
  std::string term;
  const perf::DisaggTiming timing =
      with_disagg_term(r.timing, perf::find_disagg_terms(dterms, perf::to_string(req.engine)), &term);
  if (!term.empty()) u.source += ", " + term;
  auto solve = [&](int c) { return perf::solve_disagg_loop(timing, c); };
  std::optional<double> ttft, tpot;
  if (mix.ttft_p95_ms) ttft = *mix.ttft_p95_ms / 1e3;
  if (mix.tpot_ms) tpot = *mix.tpot_ms / 1e3;
  u.capacity = disagg_unit_capacity(solve, mix.output_tokens, ttft, tpot, 1 << 14);
  if (!u.capacity)
    u.reasons.push_back(fmt::format("{} misses the TTFT p95 or TPOT target at a concurrency of 1",
                                    disagg_shape_text(req.prefill, req.decode)));
  return u;
}

std::string engine_label(const perf::EngineChoice& e) {
  return e.version.empty() ? perf::to_string(e.engine) : fmt::format("{}@{}", perf::to_string(e.engine), e.version);
}

// What one disaggregated point is made of.
struct PointInputs {
  const Profile& p;
  const PriceSheet& sheet;
  const Option& o;
  const GpuInstance& inst;
  PricingTerm term;
  double usd_per_hour;  // the sheet's, before discounts
  const perf::EngineChoice& engine;
  const perf::DisaggRequest& req;
  const UnitModel& um;
  double demand_rps;
  double volume_scale;
};

// The point: the option written out, the fleet of units at the term's price, costed as
// compare costs it (the ops costs included, as an aggregated point's).
SearchPoint disagg_point(const PointInputs& in) {
  const SelfHostedOption& sh = std::get<SelfHostedOption>(in.o.spec);
  SearchPoint pt;
  pt.option = in.o;
  SelfHostedOption& psh = std::get<SelfHostedOption>(pt.option.spec);
  psh.search.reset();
  psh.instance = in.inst.id;
  psh.fleet.precision = in.req.precision;
  psh.fleet.engine = in.engine;
  psh.fleet.pricing = in.term;
  psh.fleet.gpus_per_replica = 0;
  psh.fleet.parallel = in.req.decode.layout;
  double usd_hour = in.usd_per_hour * price_factor(discount_for(in.p, pt.option, in.inst.provider));
  if (in.term == PricingTerm::spot) usd_hour *= 1.0 + sh.fleet.spot_interruption_overhead;
  DisaggPlan plan =
      size_disagg_fleet(in.req.prefill, in.req.decode, *in.um.capacity, in.demand_rps, in.inst.gpu_count, usd_hour);
  plan.link = in.um.link;
  plan.source = in.um.source;
  pt.cloud = in.inst.provider;
  pt.instance = in.inst.id;
  pt.region = in.inst.region;
  pt.gpu = in.inst.gpu;
  pt.term = in.term;
  pt.gpus = plan.gpus;
  pt.gpus_per_replica = in.req.prefill.workers * in.req.prefill.gpus + in.req.decode.workers * in.req.decode.gpus;
  pt.layout = plan.shape;
  pt.precision = in.req.precision;
  pt.engine = engine_label(in.engine);
  pt.replicas = plan.units;
  pt.ttft_p95_ms = plan.unit.ttft_p95_s * 1e3;
  pt.tpot_ms = plan.unit.tpot_s * 1e3;
  pt.tokens_per_s_per_gpu =
      plan.unit.capacity_rps * (in.req.input_tokens + in.req.output_tokens) / pt.gpus_per_replica;
  if (plan.unit.tpot_s > 0) pt.tokens_per_s_per_user = 1.0 / plan.unit.tpot_s;
  pt.price_source = in.sheet.cite(in.inst.line);
  pt.disagg = std::move(plan);
  const OptionResult r = disagg_option_result(in.p, pt, in.volume_scale);
  pt.monthly_usd = r.monthly_cost_usd;
  pt.usd_per_mtok = r.cost_per_mtok_usd;
  return pt;
}

}  // namespace

void add_disagg_points(const Profile& p, const PriceSheet& sheet, const Option& o, const Catalog& cat,
                       const std::vector<perf::TermSet>* sets, const std::vector<perf::DisaggTerms>* dterms,
                       const DisaggAxes& axes, double volume_scale,
                       SearchResult& res, std::vector<SearchPoint>& out, std::vector<std::string>& reasons) {
  const SelfHostedOption& sh = std::get<SelfHostedOption>(o.spec);
  const SearchSpace& sp = *sh.search;
  const WorkloadMix mix = WorkloadMix::of(p.workloads);
  const double demand =
      peak_rate_per_s(p.workloads, [volume_scale](const Workload& w) { return w.requests_per_day * volume_scale; });
  // One unit model per deployment: it does not depend on the instance's price or region.
  using Key = std::tuple<std::string, std::string, int, int, int, int, int>;
  std::map<Key, UnitModel> units;
  // Each pool in each layout searched (prefill tp with decode dep, and so on).
  std::vector<std::pair<Parallel, Parallel>> layout_pairs;
  for (const auto& a : axes.layouts)
    for (const auto& b : axes.layouts) layout_pairs.emplace_back(a.value_or(Parallel::tp), b.value_or(Parallel::tp));
  auto note = [&](const std::vector<std::string>& why) {
    if (reasons.empty()) reasons = why;
  };
  for (const GpuInstance* inst : axes.instances) {
    for (const std::string& precision : axes.precisions) {
      for (const auto& engine : axes.engines) {
        for (int g : axes.gpu_counts(*inst)) {
          for (const auto& [pl, dl] : layout_pairs) {
            if (g == 1 && (pl != Parallel::tp || dl != Parallel::tp)) continue;
            for (int x : disagg_prefill_workers) {
              for (int y : disagg_decode_workers) {
                res.counts.points += sp.terms.size();
                perf::DisaggRequest req;
                req.model = sh.fleet.model;
                req.gpu = inst->gpu;
                req.precision = precision;
                req.kv_precision = sh.fleet.kv_precision;
                req.engine = engine.engine;
                req.prefill = {x, g, pl, 1};
                req.decode = {y, g, dl, 1};
                req.input_tokens = mix.input_tokens;
                req.output_tokens = mix.output_tokens;
                const Key key{inst->gpu, precision + "|" + engine_label(engine), g, static_cast<int>(pl) * 8 + static_cast<int>(dl), x, y,
                               inst->gpu_count};
                auto it = units.find(key);
                if (it == units.end()) it = units.emplace(key, size_unit(cat, sets, dterms, req, mix, inst->gpu_count)).first;
                const UnitModel& um = it->second;
                if (!um.capacity) {
                  (um.reasons.empty() || um.reasons.front().find("misses") == std::string::npos
                       ? res.counts.no_fit
                       : res.counts.misses_targets) += sp.terms.size();
                  note(um.reasons);
                  continue;
                }
                for (PricingTerm term : sp.terms) {
                  const auto price = instance_usd_per_hour(*inst, term);
                  if (!price) {
                    ++res.counts.no_price;
                    continue;
                  }
                  ++res.counts.costed;
                  ++res.counts.feasible;
                  out.push_back(disagg_point(PointInputs{p, sheet, o, *inst, term, *price, engine, req, um, demand,
                                                         volume_scale}));
                }
              }
            }
          }
        }
      }
    }
  }
}

OptionResult disagg_option_result(const Profile& p, const SearchPoint& pt, double volume_scale) {
  const DisaggPlan& d = *pt.disagg;
  const SelfHostedOption& sh = std::get<SelfHostedOption>(pt.option.spec);
  OptionResult r;
  r.id = pt.option.id;
  r.kind = OptionKind::self_hosted;
  r.detail = detail::empty_detail(sh);
  r.model = sh.fleet.model;
  r.what = fmt::format("{} on {} ({}), disaggregated {}", r.model, pt.instance, term_key(pt.term), d.shape);
  r.monthly_tokens = p.tokens_per_day() * volume_scale * days_per_month;
  r.monthly_requests = p.requests_per_day() * volume_scale * days_per_month;
  r.breakdown.gpu_compute = d.monthly_usd;
  const OpsCosts ops = sh.fleet.ops.value_or(p.ops);
  r.breakdown.ops_labour = ops.monthly_labour();
  r.breakdown.monitoring = ops.monitoring_per_month;
  r.breakdown.storage = ops.storage_per_month;
  r.breakdown.egress = ops.egress_per_month;
  finish_totals(r);
  SelfHostedDetail s;
  s.instance = pt.instance;
  s.gpu = pt.gpu;
  s.gpus_per_replica = pt.gpus_per_replica;
  s.parallel = sh.fleet.parallel;
  s.gpus_per_instance = d.gpus_per_instance;
  s.replicas = d.units;
  s.instances = d.instances;
  s.gpus = d.gpus;
  s.instance_hours_per_month = d.instances * hours_per_month;
  s.usd_per_instance_hour = d.usd_per_instance_hour;
  s.replica_tokens_per_s = pt.tokens_per_s_per_gpu * pt.gpus_per_replica;
  s.utilization = d.units > 0 ? d.demand_rps / (d.units * d.unit.capacity_rps) : 0;
  FleetLatency lat;
  lat.ttft_p50_ms = d.unit.load.ttft_s * 1e3;
  lat.ttft_p95_ms = lat.ttft_p99_ms = d.unit.ttft_p95_s * 1e3;
  lat.tpot_ms = d.unit.tpot_s * 1e3;
  s.latency_at_peak = lat;
  s.throughput_source = d.source;
  s.disagg = d;
  detail::set_fleet(r, s);
  r.provenance.push_back({"instance price", pt.price_source});
  r.provenance.push_back(
      {"disaggregated unit",
       fmt::format("{}: {} at a concurrency of {} per unit ({:.3f} requests/s); KV over {}; {} unit(s) for {:.3f} "
                   "requests/s at peak; {} instance(s) of {} GPUs ({} per unit, both pools) x {:.4f} USD/h x {:.0f} h",
                   d.shape, d.source, d.unit.concurrency, d.unit.capacity_rps, d.link, d.units, d.demand_rps,
                   d.instances, d.gpus_per_instance, d.instances_per_unit, d.usd_per_instance_hour, hours_per_month)});
  return r;
}

OptionResult disagg_result_at(const Profile& p, const SearchPoint& pt, double volume_scale) {
  const DisaggPlan& d = *pt.disagg;
  const double demand =
      peak_rate_per_s(p.workloads, [volume_scale](const Workload& w) { return w.requests_per_day * volume_scale; });
  SearchPoint at = pt;
  DisaggPlan plan = size_disagg_fleet(d.prefill, d.decode, d.unit, demand, d.gpus_per_instance, d.usd_per_instance_hour);
  plan.link = d.link;
  plan.source = d.source;
  at.gpus = plan.gpus;
  at.replicas = plan.units;
  at.disagg = std::move(plan);
  return disagg_option_result(p, at, volume_scale);
}

}  // namespace plan
