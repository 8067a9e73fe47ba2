// The search over a self-hosted option's open choices (search.hpp). Every point is costed by
// evaluate_option; this file only enumerates, prunes and ranks.
#include "plan/core/options/search.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <map>
#include <memory>
#include <tuple>

#include "plan/core/serving/calibrated_provider.hpp"
#include "plan/core/options/cost.hpp"
#include "plan/core/options/disagg_search.hpp"
#include "plan/core/serving/perf.hpp"
#include "plan/core/base/units.hpp"

namespace plan {
namespace {

// The catalog behind the performance model, when it has one (auto precision, GPU counts).
const Catalog* catalog_of(const ReplicaModelProvider* perf) {
  if (auto c = dynamic_cast<const perf::CalibratedReplicaModelProvider*>(perf)) return &c->catalog();
  if (auto c = dynamic_cast<const perf::CatalogReplicaModelProvider*>(perf)) return &c->catalog();
  return nullptr;
}

template <class T>
bool listed(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// "sglang@0.5.10", and the limit the server is started with where given: two list entries of
// one engine at different limits are different points (and replica models).
std::string engine_text(const perf::EngineChoice& e) {
  std::string s =
      e.version.empty() ? perf::to_string(e.engine) : fmt::format("{}@{}", perf::to_string(e.engine), e.version);
  if (e.max_batch_seqs > 0) s += fmt::format(" (max_batch_seqs {})", e.max_batch_seqs);
  return s;
}

// A point before costing: the concrete option and the model that sizes it.
struct Candidate {
  std::size_t index = 0;  // order of enumeration (ties rank by it)
  Option option;
  const GpuInstance* instance = nullptr;
  const ReplicaModel* model = nullptr;
  double lower_bound = 0;  // USD/month
};

// Where the search space came from, in words.
std::string describe_space(const SearchSpace& sp, const FleetSpec& f, std::size_t instances, const PriceSheet& sheet) {
  auto open = [](const auto& c, const std::string& fixed, auto text) {
    if (c.any) return std::string("auto");
    if (c.values.empty()) return fixed;
    std::vector<std::string> v;
    for (const auto& x : c.values) v.push_back(text(x));
    return fmt::format("{}", fmt::join(v, ", "));
  };
  auto same = [](const auto& x) { return fmt::format("{}", x); };
  std::vector<std::string> terms;
  for (auto t : sp.terms) terms.push_back(term_key(t));
  std::string where = fmt::format("{} instances of price sheet {}", instances, sheet.version);
  std::vector<std::string> limits;
  if (!sp.clouds.empty()) limits.push_back(fmt::format("clouds {}", fmt::join(sp.clouds, ", ")));
  if (!sp.regions.empty()) limits.push_back(fmt::format("regions {}", fmt::join(sp.regions, ", ")));
  if (sp.gpus.open()) limits.push_back(fmt::format("gpu {}", open(sp.gpus, "", same)));
  if (!limits.empty()) where += fmt::format(" ({})", fmt::join(limits, "; "));
  const char* serving = sp.serving == Serving::aggregated ? "" : sp.serving == Serving::disaggregated
                                                                   ? " x serving disaggregated (1-2 prefill x 1-4 decode workers, each pool in each layout searched, the GPUs per worker searched alike)"
                                                                   : " x serving aggregated and disaggregated (1-2 prefill x 1-4 decode workers, each pool in each layout searched, the GPUs per worker searched alike)";
  return fmt::format("{} x terms {} x precision {} x engine {} x gpus_per_replica {} x parallel {}{}", where,
                     fmt::join(terms, ", "), open(sp.precisions, f.precision, same),
                     open(sp.engines, engine_text(f.engine), engine_text),
                     open(sp.gpus_per_replica, f.gpus_per_replica > 0 ? std::to_string(f.gpus_per_replica) : "derived",
                          [](int g) { return std::to_string(g); }),
                     open(sp.parallels, f.parallel ? to_string(*f.parallel) : "derived",
                          [](Parallel p) { return std::string(to_string(p)); }),
                     serving);
}

SearchPoint point_of(const Candidate& c, const OptionResult& r, const PriceSheet& sheet) {
  SearchPoint pt;
  pt.option = c.option;
  const SelfHostedOption& sh = std::get<SelfHostedOption>(c.option.spec);
  pt.cloud = c.instance->provider;
  pt.instance = c.instance->id;
  pt.region = c.instance->region;
  pt.gpu = c.instance->gpu;
  pt.term = sh.fleet.pricing;
  pt.precision = sh.fleet.precision;
  pt.engine = engine_text(sh.fleet.engine);
  pt.monthly_usd = r.monthly_cost_usd;
  pt.usd_per_mtok = r.cost_per_mtok_usd;
  pt.price_source = sheet.cite(c.instance->line);
  if (const SelfHostedDetail* d = fleet_detail(r)) {
    pt.gpus = d->gpus;
    pt.gpus_per_replica = d->gpus_per_replica;
    pt.layout = fmt::format("{}{}", to_string(d->parallel.value_or(Parallel::tp)), d->gpus_per_replica);
    pt.replicas = d->replicas;
    if (d->gpus_per_replica > 0) pt.tokens_per_s_per_gpu = d->replica_tokens_per_s / d->gpus_per_replica;
    if (d->latency_at_peak) {
      pt.ttft_p95_ms = d->latency_at_peak->ttft_p95_ms;
      pt.tpot_ms = d->latency_at_peak->tpot_ms;
      if (d->latency_at_peak->tpot_ms > 0) pt.tokens_per_s_per_user = 1e3 / d->latency_at_peak->tpot_ms;
    }
  }
  return pt;
}

// No fleet of this point costs less (USD/month): the replicas needed at the mean request
// rate, at the replica's SLA-bound capacity (a fleet of k replicas serves at most k times
// it: queueing only lowers it), and at least min_replicas; whole instances at the
// (discounted) hourly price, all month. An autoscaled fleet may run fewer at night: its bound
// is the mean rate's GPUs alone, at the price per GPU-hour. Instance hours only: spot
// overhead and ops only add to the cost.
double lower_bound(double rate, const ReplicaSpec& spec, const FleetSpec& f, const GpuInstance& inst,
                   double usd_per_instance_hour) {
  const double need = rate / spec.capacity_requests_per_s;
  if (f.autoscale)
    return need * spec.gpus_per_replica * usd_per_instance_hour / inst.gpu_count * hours_per_month;
  // Relative slack so that rounding in `need` never rounds it past the count that serves it.
  const double replicas = std::max(static_cast<double>(f.min_replicas), std::ceil(need * (1 - 1e-9)));
  const double per_instance = std::max(1, inst.gpu_count / std::max(1, spec.gpus_per_replica));
  return std::ceil(replicas / per_instance * (1 - 1e-12)) * usd_per_instance_hour * hours_per_month;
}

// The instances searched: the listed ones in their order, else the sheet's; then the limits
// (GPUs, clouds, regions).
std::vector<const GpuInstance*> search_instances(const SearchSpace& sp, const PriceSheet& sheet) {
  std::vector<const GpuInstance*> instances;
  auto admit = [&](const GpuInstance& inst) {
    if (!sp.gpus.values.empty() && !listed(sp.gpus.values, inst.gpu)) return;
    if (!sp.clouds.empty() && !listed(sp.clouds, inst.provider)) return;
    if (!sp.regions.empty() && !listed(sp.regions, inst.region)) return;
    instances.push_back(&inst);
  };
  if (!sp.instances.values.empty()) {
    for (const auto& id : sp.instances.values)
      if (const GpuInstance* inst = sheet.find_instance(id)) admit(*inst);
  } else {
    for (const auto& inst : sheet.gpu_instances) admit(inst);
  }
  return instances;
}

// The precisions searched: every one in the catalog, the listed ones, or the option's own.
std::vector<std::string> search_precisions(const SearchSpace& sp, const FleetSpec& f, const Catalog* cat,
                                           const Option& o) {
  std::vector<std::string> precisions;
  if (sp.precisions.any && cat) {
    for (const auto& pr : cat->precisions) precisions.push_back(pr.id);
  } else if (!sp.precisions.values.empty()) {
    precisions = sp.precisions.values;
    // A listed precision the catalog lacks is an error at its item.
    for (std::size_t i = 0; cat && i < precisions.size(); ++i)
      if (!cat->find_precision(precisions[i]))
        throw Error(i < sp.precisions.locs.size() ? sp.precisions.locs[i] : o.loc_of("precision"),
                    fmt::format("unknown precision '{}' (expected one of: {})", precisions[i], cat->precision_ids()));
  } else {
    precisions.push_back(f.precision);
  }
  return precisions;
}

// The engines searched: every engine, the listed ones, or the option's own.
std::vector<perf::EngineChoice> search_engines(const SearchSpace& sp, const FleetSpec& f) {
  std::vector<perf::EngineChoice> engines;
  if (sp.engines.any) {
    for (auto e : {perf::Engine::vllm, perf::Engine::sglang, perf::Engine::trtllm}) {
      perf::EngineChoice c;
      c.engine = e;
      c.given = true;
      engines.push_back(c);
    }
  } else if (!sp.engines.values.empty()) {
    engines = sp.engines.values;
  } else {
    engines.push_back(f.engine);
  }
  return engines;
}

// The layouts searched: every layout (only tp for a dense model), the listed ones, or the
// option's own.
std::vector<std::optional<Parallel>> search_layouts(const SearchSpace& sp, const FleetSpec& f, const ModelArch* arch) {
  std::vector<std::optional<Parallel>> layouts;
  if (sp.parallels.any) {
    for (Parallel l : perf::parallel_layouts)
      if (l == Parallel::tp || !arch || arch->is_moe()) layouts.push_back(l);
  } else if (!sp.parallels.values.empty()) {
    for (Parallel l : sp.parallels.values) layouts.push_back(l);
  } else {
    layouts.push_back(f.parallel);
  }
  return layouts;
}

// The GPUs per replica searched on an instance: every count the GPU takes that divides the
// instance, the listed ones, or the option's own.
std::vector<int> search_gpu_counts(const SearchSpace& sp, const FleetSpec& f, const Catalog* cat,
                                   const GpuInstance& inst) {
  std::vector<int> out;
  if (sp.gpus_per_replica.any) {
    const GpuSpec* gpu = cat ? cat->find_gpu(inst.gpu) : nullptr;
    std::vector<int> all = gpu ? perf::replica_gpu_counts(*gpu) : std::vector<int>(std::begin(perf::tp_degrees), std::end(perf::tp_degrees));
    for (int g : all)
      if (g <= inst.gpu_count && inst.gpu_count % g == 0) out.push_back(g);
  } else if (!sp.gpus_per_replica.values.empty()) {
    out = sp.gpus_per_replica.values;
  } else {
    out.push_back(f.gpus_per_replica);
  }
  return out;
}

// What enumerating the points reads: the profile, the sheet, the option searched and its space,
// and the request rate the fleets are bounded at.
struct SearchInputs {
  const Profile& p;
  const PriceSheet& sheet;
  const Option& o;
  const ReplicaModelProvider* perf;
  const SearchSpace& sp;
  const FleetSpec& f;
  double rate = 0;  // requests/s
};

// The candidates found so far, with one replica model per deployment: it does not depend on
// the term, the instance's price or its region, only on what runs on the GPUs.
struct CandidatePool {
  using Key = std::tuple<std::string, int, std::string, std::string, int, int>;
  std::map<Key, std::unique_ptr<ReplicaModel>> models;
  std::vector<Candidate> candidates;
  std::vector<std::string> first_reasons;  // of the first point that failed
  std::size_t index = 0;
  void note_reasons(const std::vector<std::string>& why) {
    if (first_reasons.empty()) first_reasons = why;
  }
};

// One deployment point (instance, precision, engine, GPUs, layout): counted, checked for a
// replica that fits and meets the targets, then a candidate per pricing term with a price.
void add_point(const SearchInputs& in, const GpuInstance* inst, const std::string& precision,
               const perf::EngineChoice& engine, int g, const std::optional<Parallel>& layout, SearchResult& res,
               CandidatePool& pool) {
  const Profile& p = in.p;
  const SearchSpace& sp = in.sp;
  std::size_t& index = pool.index;
  auto note_reasons = [&](const std::vector<std::string>& why) { pool.note_reasons(why); };
  Option point = in.o;
  SelfHostedOption& psh = std::get<SelfHostedOption>(point.spec);
  psh.search.reset();
  psh.instance = inst->id;
  psh.fleet.precision = precision;
  psh.fleet.engine = engine;
  psh.fleet.gpus_per_replica = g;
  psh.fleet.parallel = layout;
  const std::size_t terms = sp.terms.size();
  res.counts.points += terms;
  if (g > 0 && (g > inst->gpu_count || inst->gpu_count % g != 0)) {
    res.counts.no_fit += terms;
    note_reasons({fmt::format("a replica needs {} GPUs but instance {} has {} (replicas do not span instances)",
                              g, inst->id, inst->gpu_count)});
    return;
  }
  const CandidatePool::Key key{inst->gpu, inst->gpu_count, precision, engine_text(engine), g,
                               layout ? static_cast<int>(*layout) : -1};
  auto it = pool.models.find(key);
  if (it == pool.models.end()) it = pool.models.emplace(key, build_replica_model(p, in.sheet, point, in.perf)).first;
  const ReplicaModel* model = it->second.get();
  if (!model) {
    res.counts.no_fit += terms;
    note_reasons({"no throughput for this replica: set tokens_per_second_per_replica or use a catalog model"});
    return;
  }
  const ReplicaSpec& spec = model->spec();
  if (!spec.fits) {
    res.counts.no_fit += terms;
    note_reasons(spec.reasons);
    return;
  }
  if (!spec.feasible || spec.capacity_requests_per_s <= 0) {
    res.counts.misses_targets += terms;
    note_reasons(spec.reasons);
    return;
  }
  for (PricingTerm term : sp.terms) {
    const auto price = instance_usd_per_hour(*inst, term);
    if (!price) {
      ++res.counts.no_price;
      ++index;
      continue;
    }
    Candidate c;
    c.index = index++;
    c.option = point;
    std::get<SelfHostedOption>(c.option.spec).fleet.pricing = term;
    c.instance = inst;
    c.model = model;
    c.lower_bound = lower_bound(in.rate, spec, in.f, *inst,
                                *price * price_factor(discount_for(p, c.option, inst->provider)));
    pool.candidates.push_back(std::move(c));
  }
}

// Every point of the space, in the order searched, into the pool; the counts in `res`.
void enumerate_points(const SearchInputs& in, const std::vector<const GpuInstance*>& instances,
                      const Catalog* cat, const ModelArch* arch, SearchResult& res, CandidatePool& pool) {
  const std::vector<std::string> precisions = search_precisions(in.sp, in.f, cat, in.o);
  const std::vector<perf::EngineChoice> engines = search_engines(in.sp, in.f);
  const std::vector<std::optional<Parallel>> layouts = search_layouts(in.sp, in.f, arch);
  for (const GpuInstance* inst : instances) {
    for (const std::string& precision : precisions) {
      for (const auto& engine : engines) {
        for (int g : search_gpu_counts(in.sp, in.f, cat, *inst)) {
          for (const auto& layout : layouts) {
            // On one GPU every layout is tp: the others are the same point.
            if (g == 1 && layout && *layout != Parallel::tp && in.sp.parallels.any) continue;
            add_point(in, inst, precision, engine, g, layout, res, pool);
          }
        }
      }
    }
  }
}

// The candidates costed in order of their lower bounds, the cheapest `top` kept ranked; with
// pruning, a candidate whose lower bound is above the last kept is not costed.
void rank_candidates(const SearchInputs& in, const SearchSettings& settings, CandidatePool& pool, SearchResult& res) {
  const Profile& p = in.p;
  const PriceSheet& sheet = in.sheet;
  const ReplicaModelProvider* perf = in.perf;
  auto& candidates = pool.candidates;
  auto note_reasons = [&](const std::vector<std::string>& why) { pool.note_reasons(why); };
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.lower_bound < b.lower_bound; });

  struct Ranked {
    std::size_t index;
    SearchPoint point;
  };
  std::vector<Ranked> ranked;
  EvalSettings es;
  es.volume_scale = settings.volume_scale;
  es.what_if_findings = false;
  for (const Candidate& c : candidates) {
    if (settings.prune && settings.top > 0 && ranked.size() >= settings.top &&
        c.lower_bound - 0.05 > ranked[settings.top - 1].point.monthly_usd) {
      ++res.counts.pruned_bound;
      continue;
    }
    OptionResult r = evaluate_option(p, sheet, c.option, perf, c.model, es);
    ++res.counts.costed;
    if (!r.feasible) {
      note_reasons(r.reasons);
      if (res.counts.feasible == 0 && res.reasons.empty()) res.reasons = r.reasons;
      continue;
    }
    ++res.counts.feasible;
    Ranked x{c.index, point_of(c, r, sheet)};
    // Cheapest first; at the same cost, the most tokens/s per GPU (headroom), then the order searched.
    auto at = std::upper_bound(ranked.begin(), ranked.end(), x, [](const Ranked& a, const Ranked& b) {
      if (a.point.monthly_usd != b.point.monthly_usd) return a.point.monthly_usd < b.point.monthly_usd;
      if (a.point.tokens_per_s_per_gpu != b.point.tokens_per_s_per_gpu)
        return a.point.tokens_per_s_per_gpu > b.point.tokens_per_s_per_gpu;
      return a.index < b.index;
    });
    ranked.insert(at, std::move(x));
    if (settings.top > 0 && ranked.size() > settings.top) ranked.pop_back();
  }
  for (auto& x : ranked) res.ranked.push_back(std::move(x.point));
}

// The disaggregated points (serving disaggregated or auto) merged into the ranking, and with
// auto, a note of the cheapest point of each way of serving.
void search_disagg(const SearchInputs& in, const std::vector<const GpuInstance*>& instances, const Catalog* cat,
                   const ModelArch* arch, const SearchSettings& settings, SearchResult& res, CandidatePool& pool) {
  if (!cat) {
    pool.note_reasons({"disaggregated serving is sized by the catalog's performance model, which this search has not"});
    return;
  }
  const perf::EngineTerms* terms = nullptr;
  if (auto c = dynamic_cast<const perf::CalibratedReplicaModelProvider*>(in.perf)) terms = c->engine_terms();
  if (auto c = dynamic_cast<const perf::CatalogReplicaModelProvider*>(in.perf)) terms = c->engine_terms();
  // Layouts: as the aggregated search's; derived (the option's own left to the model): every
  // layout the model takes, as a derived replica tries them.
  std::vector<std::optional<Parallel>> layouts = search_layouts(in.sp, in.f, arch);
  if (layouts.size() == 1 && !layouts.front()) {
    SearchSpace every;
    every.parallels.any = true;
    layouts = search_layouts(every, in.f, arch);
  }
  DisaggAxes axes{instances, search_precisions(in.sp, in.f, cat, in.o), search_engines(in.sp, in.f), layouts,
                  [&](const GpuInstance& inst) {
                    // GPUs per worker: as a replica's; derived (0): every count the instance takes.
                    SearchSpace every;
                    every.gpus_per_replica.any = true;
                    std::vector<int> counts;
                    for (int g : search_gpu_counts(in.sp, in.f, cat, inst)) {
                      if (g > 0) counts.push_back(g);
                      else for (int h : search_gpu_counts(every, in.f, cat, inst)) counts.push_back(h);
                    }
                    return counts;
                  }};
  std::vector<SearchPoint> points;
  add_disagg_points(in.p, in.sheet, in.o, *cat, terms ? &terms->sets : nullptr, terms ? &terms->disagg : nullptr,
                    axes, settings.volume_scale, res, points, pool.first_reasons);
  auto cheaper = [](const SearchPoint& a, const SearchPoint& b) {
    if (a.monthly_usd != b.monthly_usd) return a.monthly_usd < b.monthly_usd;
    return a.tokens_per_s_per_gpu > b.tokens_per_s_per_gpu;
  };
  std::stable_sort(points.begin(), points.end(), cheaper);
  if (in.sp.serving == Serving::any) {
    const SearchPoint* agg = res.ranked.empty() ? nullptr : &res.ranked.front();
    const SearchPoint* dis = points.empty() ? nullptr : &points.front();
    auto text = [](const SearchPoint* x) {
      return x ? fmt::format("{:.2f} USD/month ({} {} {}, {} GPUs)", x->monthly_usd, x->instance, term_key(x->term),
                             x->layout, x->gpus)
               : std::string("none feasible");
    };
    res.notes.push_back(fmt::format("serving auto: the cheapest aggregated point {}; the cheapest disaggregated point {}",
                                    text(agg), text(dis)));
  }
  std::vector<SearchPoint> merged;
  std::merge(std::make_move_iterator(res.ranked.begin()), std::make_move_iterator(res.ranked.end()),
             std::make_move_iterator(points.begin()), std::make_move_iterator(points.end()), std::back_inserter(merged),
             cheaper);
  if (settings.top > 0 && merged.size() > settings.top) merged.resize(settings.top);
  res.ranked = std::move(merged);
}

}  // namespace

bool has_open_choices(const Option& o) {
  const SelfHostedOption* sh = std::get_if<SelfHostedOption>(&o.spec);
  return sh && sh->search.has_value();
}

SearchResult search_option(const Profile& p, const PriceSheet& sheet, const Option& o, const ReplicaModelProvider* perf,
                           const SearchSettings& settings) {
  SearchResult res;
  res.option_id = o.id;
  const SelfHostedOption& sh = std::get<SelfHostedOption>(o.spec);
  const SearchSpace& sp = *sh.search;
  const FleetSpec& f = sh.fleet;
  const Catalog* cat = catalog_of(perf);
  const ModelArch* arch = cat ? cat->find_model(f.model) : nullptr;

  const std::vector<const GpuInstance*> instances = search_instances(sp, sheet);
  res.space = describe_space(sp, f, instances.size(), sheet);
  const SearchInputs in{p, sheet, o, perf, sp, f, p.requests_per_day() * settings.volume_scale / seconds_per_day};
  CandidatePool pool;
  if (sp.serving != Serving::disaggregated) {
    enumerate_points(in, instances, cat, arch, res, pool);
    rank_candidates(in, settings, pool, res);
  }
  if (sp.serving != Serving::aggregated) search_disagg(in, instances, cat, arch, settings, res, pool);
  if (res.reasons.empty() && res.ranked.empty()) res.reasons = pool.first_reasons;
  if (instances.empty())
    res.reasons.push_back(fmt::format("no instance of price sheet {} is within the option's limits", sheet.version));
  return res;
}

std::vector<const SearchPoint*> pareto_front(const std::vector<SearchPoint>& points) {
  std::vector<const SearchPoint*> v;
  for (const auto& p : points)
    if (p.tokens_per_s_per_user) v.push_back(&p);
  // Fastest first (cheapest first among equals): a point is on the front when it is cheaper
  // than every point at least as fast before it.
  std::stable_sort(v.begin(), v.end(), [](const SearchPoint* a, const SearchPoint* b) {
    if (*a->tokens_per_s_per_user != *b->tokens_per_s_per_user) return *a->tokens_per_s_per_user > *b->tokens_per_s_per_user;
    return a->usd_per_mtok < b->usd_per_mtok;
  });
  std::vector<const SearchPoint*> front;
  for (const SearchPoint* p : v)
    if (front.empty() || p->usd_per_mtok < front.back()->usd_per_mtok) front.push_back(p);
  std::reverse(front.begin(), front.end());
  return front;
}

std::string search_provenance(const SearchResult& r) {
  const auto& n = r.counts;
  std::string s = fmt::format("a search of {}: {} points; {} do not fit, {} miss the targets on one replica, {} have "
                              "no price for the term, {} cannot be cheaper (lower bound); {} costed, {} of them feasible",
                              r.space, n.points, n.no_fit, n.misses_targets, n.no_price, n.pruned_bound, n.costed,
                              n.feasible);
  return s;
}

namespace detail {

OptionResult evaluate_searched(const Profile& p, const PriceSheet& sheet, const Option& o,
                               const ReplicaModelProvider* perf, const EvalSettings& settings) {
  SearchSettings ss;
  ss.top = 2;
  ss.volume_scale = settings.volume_scale;
  const SearchResult sr = search_option(p, sheet, o, perf, ss);
  if (sr.ranked.empty()) {
    OptionResult r = empty_result(o);
    r.model = std::get<SelfHostedOption>(o.spec).fleet.model;
    r.what = fmt::format("searched {}", r.model);
    r.monthly_tokens = p.tokens_per_day() * settings.volume_scale * days_per_month;
    r.monthly_requests = p.requests_per_day() * settings.volume_scale * days_per_month;
    r.feasible = false;
    r.reasons.push_back(fmt::format("no point of the search is feasible ({} points)", sr.counts.points));
    for (const auto& why : sr.reasons) r.reasons.push_back(why);
    r.provenance.push_back({"open choices", search_provenance(sr)});
    finish_totals(r);
    return r;
  }
  const SearchPoint& best = sr.ranked.front();
  OptionResult r = best.disagg ? disagg_option_result(p, best, settings.volume_scale)
                               : evaluate_option(p, sheet, best.option, perf, nullptr, settings);
  r.provenance.insert(r.provenance.begin(), {"point (the cheapest feasible)", search_provenance(sr)});
  std::string why = fmt::format("chosen by search: {} {} ({}), {} GPUs in {}, {}, {}: the cheapest of {} feasible points costed",
                                best.instance, term_key(best.term), best.cloud, best.gpus, best.layout, best.precision,
                                best.engine, sr.counts.feasible);
  if (sr.ranked.size() > 1) {
    const SearchPoint& next = sr.ranked[1];
    why += fmt::format("; the runner-up, {} {} in {} ({}, {}), costs {:.2f} USD/month", next.instance,
                       term_key(next.term), next.layout, next.precision, next.engine, next.monthly_usd);
    if (next.monthly_usd == best.monthly_usd)
      why += fmt::format(" too, with {:.1f} tokens/s per GPU against {:.1f}", next.tokens_per_s_per_gpu,
                         best.tokens_per_s_per_gpu);
  }
  r.notes.insert(r.notes.begin(), why + " (plan search lists the ranking)");
  for (const auto& n : sr.notes) r.notes.push_back(n);
  return r;
}

}  // namespace detail
}  // namespace plan
