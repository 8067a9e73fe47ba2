// One deployment chooser for `plan perf` and fleet sizing, the serving model on the engine
// terms, and the catalog replica model that sizes self-hosted fleets with either.
#include "plan/core/serving/deployment.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "plan/core/base/error.hpp"
#include "plan/core/base/monotone_search.hpp"
#include "plan/core/base/text.hpp"
#include "plan/core/serving/engine_cache.hpp"
#include "plan/core/serving/queueing.hpp"

namespace plan::perf {
namespace {

// The quantiles a FleetLatency reports.
constexpr double q50 = 0.50, q95 = 0.95, q99 = 0.99;
// Upper end of the replica search; a fleet beyond this is reported as infeasible.

}  // namespace

const CatalogValue& engine_max_batch_seqs(const Efficiency& eff, Engine engine, const GpuSpec& gpu) {
  switch (engine) {
    case Engine::sglang: return eff.max_batch_seqs_sglang;
    case Engine::trtllm: return eff.max_batch_seqs_trtllm;
    case Engine::vllm: break;
  }
  // vLLM's get_batch_defaults: the larger default on devices of 70 GiB or more whose name does
  // not contain "a100" (a larger batch lowered the A100's throughput).
  const bool large = gpu.memory_gib >= 70 && ascii_lower(gpu.name).find("a100") == std::string::npos &&
                     gpu.id.find("a100") == std::string::npos;
  return large ? eff.max_batch_seqs_vllm_large : eff.max_batch_seqs;
}

int engine_scheduler_limit(const PerfModel& pm) {
  return pm.given_max_batch_seqs() > 0
             ? pm.given_max_batch_seqs()
             : static_cast<int>(engine_max_batch_seqs(pm.efficiency(), pm.engine(), pm.gpu()).value);
}

int engine_batch_limit(const PerfModel& pm) {
  const int per_scheduler = engine_scheduler_limit(pm);
  return pm.layout() == Parallel::dep ? per_scheduler * pm.tp() : per_scheduler;
}

std::vector<Parallel> default_layouts(const ModelArch& m) {
  std::vector<Parallel> out;
  for (Parallel p : parallel_layouts)
    if (p == Parallel::tp || m.is_moe()) out.push_back(p);
  return out;
}

DeploymentChoice choose_deployment(const Catalog& cat, const DeploymentRequest& req, const DeploymentScorer& score) {
  const ModelArch& m = *req.model;
  const GpuSpec& gpu = *req.gpu;
  auto problem_at = [&](Parallel layout, int g) {
    return deployment_problem(PerfModel(m, gpu, *req.weights, *req.kv, g, cat.efficiency, layout, req.moe_tp),
                              req.context_tokens);
  };
  DeploymentChoice out;
  for (Parallel layout : req.layouts) {
    LayoutChoice c;
    c.layout = layout;
    if (req.gpus > 0) {
      c.largest = req.gpus;
      if (req.gpus > max_replica_gpus) {
        c.fit_problem = fmt::format("{} is not a supported GPU count per replica (expected 1 to {})", req.gpus,
                                    max_replica_gpus);
      } else {
        c.fit_problem = problem_at(layout, req.gpus);
        if (c.fit_problem.empty()) c.fitting.push_back(req.gpus);
      }
    } else {
      const std::vector<int> counts = req.counts.empty() ? replica_gpu_counts(gpu) : req.counts;
      c.largest = 1;
      for (int g : counts)
        if (g <= req.max_gpus) c.largest = g;
      for (int g : counts) {
        if (g > req.max_gpus) break;
        if (g < req.min_gpus) continue;
        if (problem_at(layout, g).empty()) c.fitting.push_back(g);
      }
      if (c.fitting.empty()) c.fit_problem = problem_at(layout, c.largest);
    }
    if (!c.fitting.empty()) {
      c.gpus = c.fitting.front();
      for (int g : c.fitting) {
        DeploymentScore s = score(layout, g);
        if (s.meets) {
          c.gpus = g;
          c.meets = true;
          c.score = std::move(s);
          break;
        }
        if (c.first_problem.empty()) c.first_problem = s.problem;
        if (g == c.fitting.front()) c.score = s;
      }
    }
    // On one GPU every layout is tp: keep one.
    if (layout != Parallel::tp && c.gpus == 1 && req.layouts.size() > 1) continue;
    out.layouts.push_back(std::move(c));
  }
  for (std::size_t i = 0; i < out.layouts.size(); ++i) {
    const auto& c = out.layouts[i];
    if (c.meets && (out.pick < 0 || c.capacity_per_gpu() > out.chosen()->capacity_per_gpu()))
      out.pick = static_cast<int>(i);
  }
  if (out.pick < 0)
    for (std::size_t i = 0; i < out.layouts.size(); ++i)
      if (out.layouts[i].gpus > 0) {
        out.pick = static_cast<int>(i);
        break;
      }
  return out;
}

std::string engine_terms_provenance(const EngineTerms& terms, const TermSet& set) {
  return fmt::format("engine terms: {}/{}, fitted to {} measured runs ({}), cross-validated median error {:.1f}% "
                     "(TPOT), {:.1f}% (TTFT)",
                     set.engine, set.generation, set.rows, terms.origin, set.cv_tpot_median, set.cv_ttft_median);
}

// ---------------------------------------------------------------------------------------
// Serving on the engine terms

std::optional<EngineServingModel> EngineServingModel::make(const EngineDeployment& d, double input_tokens,
                                                           double output_tokens, int max_batch,
                                                           std::optional<double> tpot_target_s, std::string* why,
                                                           double cached_share) {
  auto fail = [&](std::string w) -> std::optional<EngineServingModel> {
    if (why) *why = std::move(w);
    return std::nullopt;
  };
  if (!d.terms || !d.cat) return fail("no engine terms loaded");
  const std::string generation = gpu_generation(d.gpu);
  if (generation.empty()) return fail(fmt::format("the measured runs cover no GPU of {}'s generation", d.gpu));
  if (max_batch <= 0) return fail("the KV cache holds no request");
  if (d.coverage) {
    const ModelArch* m = d.cat->find_model(d.model);
    const ModelClass cls = m ? model_class_of(*m) : ModelClass::dense;
    if (!d.coverage->covers(to_string(d.engine), generation, cls))
      return fail(fmt::format("the measured runs hold {} deployment{} of {} models on {} with {} (at least {} needed)",
                              d.coverage->of(to_string(d.engine), generation, cls),
                              d.coverage->of(to_string(d.engine), generation, cls) == 1 ? "" : "s",
                              cls == ModelClass::mla ? "latent-attention (MLA)"
                              : cls == ModelClass::moe ? "mixture-of-experts"
                                                       : "dense",
                              generation, to_string(d.engine), min_deployments));
  }
  EngineServingModel e;
  e.steps_ = decode_steps(std::max(output_tokens, 1.0));
  e.tpot_target_ = tpot_target_s;
  auto predict_at = [&](int c, std::string* reason) -> const Prediction* {
    if (auto it = e.at_.find(c); it != e.at_.end()) return &it->second;
    auto p = cached_share > 0
                 ? predict_closed_loop_cached(*d.cat, d.terms->sets, d.engine, d.model, d.gpu, d.precision, d.gpus,
                                              d.layout, input_tokens, output_tokens, c, cached_share, reason, d.moe_tp)
                 : predict_closed_loop(*d.cat, d.terms->sets, d.engine, d.model, d.gpu, d.precision, d.gpus,
                                       d.layout, input_tokens, output_tokens, c, reason, d.moe_tp);
    if (!p) return nullptr;
    return &e.at_.emplace(c, *p).first->second;
  };
  std::string reason;
  const Prediction* one = predict_at(1, &reason);
  if (!one) return fail(reason);
  if (!one->set || one->set->generation != generation)
    return fail(fmt::format("no {} terms fitted on {} GPUs", to_string(d.engine), generation));
  e.set_ = one->set;
  e.ttft1_ = one->ttft_s;
  // The largest batch the terms cover (they leave out loops beyond the KV cache), at most max_batch.
  int hi = max_batch;
  if (!predict_at(hi, nullptr)) hi = largest_where(1, hi - 1, [&](int c) { return predict_at(c, nullptr) != nullptr; });
  // The operating batch: the largest whose TPOT meets the target (TPOT rises with the batch).
  int b = hi;
  if (tpot_target_s) {
    if (one->tpot_s > *tpot_target_s) {
      b = 0;
    } else {
      b = largest_where(1, hi, [&](int c) { return predict_at(c, nullptr)->tpot_s <= *tpot_target_s; });
    }
  }
  e.batch_ = b;
  if (b <= 0) return e;
  // The batches where the terms are evaluated for interpolation: powers of two up to B, and B.
  for (int c = 1; c < b; c *= 2) predict_at(c, nullptr);
  const Prediction& at_b = *predict_at(b, nullptr);
  e.mu_ = b / (at_b.ttft_s + e.steps_ * at_b.tpot_s);
  // Only the batches up to B take part in what follows.
  e.at_.erase(e.at_.upper_bound(b), e.at_.end());
  return e;
}

namespace {
template <class F>
double interpolate(const std::map<int, Prediction>& at, double b, F field) {
  if (at.empty()) return 0;
  if (b <= at.begin()->first) return field(at.begin()->second);
  auto hi = at.lower_bound(static_cast<int>(std::ceil(b)));
  if (hi == at.end()) return field(std::prev(at.end())->second);
  if (hi->first == b || hi == at.begin()) return field(hi->second);
  auto lo = std::prev(hi);
  const double t = (b - lo->first) / (hi->first - lo->first);
  return field(lo->second) + t * (field(hi->second) - field(lo->second));
}
}  // namespace

double EngineServingModel::tpot_at(double b) const {
  return interpolate(at_, b, [](const Prediction& p) { return p.tpot_s; });
}
double EngineServingModel::ttft_at(double b) const {
  return interpolate(at_, b, [](const Prediction& p) { return p.ttft_s; });
}
double EngineServingModel::itl_at(double b) const {
  return interpolate(at_, b, [](const Prediction& p) { return p.itl_s; });
}

Load EngineServingModel::at_rate(double rps) const {
  Load l;
  if (batch_ <= 0 || mu_ <= 0) {
    l.stable = false;
    return l;
  }
  // Little's law on the replica: b = rps x (TTFT(b) + S x TPOT(b)); the right side rises with
  // b, so the iteration from below rises to the solution (capped at the operating batch).
  double b = std::max(rps * (ttft_at(1) + steps_ * tpot_at(1)), 1e-9);
  for (int i = 0; i < 50; ++i) {
    double next = std::min(rps * (ttft_at(std::max(b, 1.0)) + steps_ * tpot_at(std::max(b, 1.0))),
                           static_cast<double>(batch_));
    if (std::abs(next - b) <= 1e-9 * std::max(1.0, b)) {
      b = next;
      break;
    }
    b = next;
  }
  l.batch = b;
  l.itl_s = itl_at(std::max(b, 1.0));
  l.tpot_s = tpot_at(std::max(b, 1.0));
  l.stable = rps < mu_;
  return l;
}

std::optional<FleetLatency> EngineServingModel::latency(double rps, int replicas) const {
  if (replicas <= 0 || mu_ <= 0) return std::nullopt;
  if (rps <= 0) {
    FleetLatency f;
    f.ttft_p50_ms = f.ttft_p95_ms = f.ttft_p99_ms = ttft1_ * 1e3;
    f.tpot_ms = tpot_at(1) * 1e3;
    return f;
  }
  const Load l = at_rate(rps / replicas);
  if (!l.stable) return std::nullopt;
  const long slots = static_cast<long>(replicas) * batch_;
  const double mu_slot = mu_ / batch_;
  const double pw = queueing::erlang_c(slots, rps / mu_slot);
  const double own = ttft_at(std::max(l.batch, 1.0));
  FleetLatency f;
  f.ttft_p50_ms = (queueing::wait_quantile_given(pw, slots, rps, mu_slot, q50) + own) * 1e3;
  f.ttft_p95_ms = (queueing::wait_quantile_given(pw, slots, rps, mu_slot, q95) + own) * 1e3;
  f.ttft_p99_ms = (queueing::wait_quantile_given(pw, slots, rps, mu_slot, q99) + own) * 1e3;
  f.tpot_ms = l.tpot_s * 1e3;
  if (!std::isfinite(f.ttft_p99_ms)) return std::nullopt;
  return f;
}

bool EngineServingModel::meets(double rps, int n, std::optional<double> ttft_s) const {
  auto f = latency(rps, n);
  if (!f) return false;
  if (ttft_s && f->ttft_p95_ms > *ttft_s * 1e3 * (1 + 1e-12)) return false;
  if (tpot_target_ && f->tpot_ms > *tpot_target_ * 1e3 * (1 + 1e-12)) return false;
  // As ServingModel::meets: without a TTFT target the p95 wait for a slot is held to B / mu.
  if (!ttft_s) {
    const Load l = at_rate(rps / n);
    if (f->ttft_p95_ms - ttft_at(std::max(l.batch, 1.0)) * 1e3 > stable_wait_s() * 1e3 * (1 + 1e-12)) return false;
  }
  return true;
}

std::optional<int> EngineServingModel::replicas_for(double rps, std::optional<double> ttft_s) const {
  if (rps <= 0) return 0;
  if (mu_ <= 0) return std::nullopt;
  if (ttft_s && ttft1_ > *ttft_s) return std::nullopt;  // even an idle replica is too slow
  return smallest_replicas(rps / mu_, [&](int n) { return meets(rps, n, ttft_s); });
}

// ---------------------------------------------------------------------------------------
// Catalog-based replica model

namespace {

const Precision& kv_precision_for(const Catalog& cat, const Option& o, const Precision& weights) {
  const FleetSpec& f = *o.fleet();
  std::string id = !f.kv_precision.empty() ? f.kv_precision : weights.kv_default();
  const Precision* p = cat.find_precision(id);
  if (!p)
    throw Error(o.loc_of(f.kv_precision.empty() ? "precision" : "kv_precision"),
                fmt::format("unknown KV precision '{}' (expected one of: {})", id, cat.precision_ids()));
  return *p;
}

// What sizing one catalog replica reads: the catalog entries of its model, GPU and
// precisions, the fleet, the instance, the workload mix and its latency targets.
struct ReplicaSizing {
  const Catalog& cat;
  const FleetSpec& f;
  const GpuInstance& inst;
  const WorkloadMix& mix;
  const EngineTerms* terms;
  const EngineCoverage* coverage;
  const ModelArch* m;
  const GpuSpec* gpu;
  const Precision* w;
  const Precision* kv;
  std::optional<double> tpot_s;
  std::optional<double> ttft_target_s;
  PrefixCache cache;
  // Messages name the layout when there is a choice of layouts (or one was given); a dense
  // model's read as they always have.
  bool name_layout = false;
  std::string tagged(Parallel layout) const {
    return name_layout ? fmt::format(", {}", to_string(layout)) : std::string();
  }
};

// The serving model of one deployment: the engine terms where they cover it, else the
// catalog roofline.
struct ReplicaServing {
  std::unique_ptr<PerfModel> pm;
  std::optional<ServingModel> roofline;
  std::optional<EngineServingModel> engine;
  std::string engine_why;
  CacheRoom room;  // the prompt cache's KV room and hit share, on the engine terms
  int batch() const { return engine ? engine->batch() : roofline->batch(); }
  double prefill_s() const { return engine ? engine->prefill_s() : roofline->prefill_s(); }
  double capacity_rps() const { return engine ? engine->capacity_rps() : roofline->capacity_rps(); }
  double tpot_one_s() const { return engine ? engine->tpot_at(1) : pm->t_dec(1, roofline->mean_context()); }
};

// The serving model of the replica in `layout` on `d` GPUs.
ReplicaServing serve_replica(const ReplicaSizing& z, Parallel layout, int d) {
  const FleetSpec& f = z.f;
  const WorkloadMix& mix = z.mix;
  ReplicaServing s;
  s.pm = std::make_unique<PerfModel>(*z.m, *z.gpu, *z.w, *z.kv, d, z.cat.efficiency, layout, f.moe_tp, f.engine.engine,
                                     f.engine.max_batch_seqs);
  if (z.terms) {
    // The prompt cache's prefixes take KV room from the batch, as on the roofline.
    s.room = cache_room(*s.pm, mix.input_tokens, std::max(mix.output_tokens, 1.0), z.cache);
    const int max_batch = std::min(s.room.max_batch, engine_batch_limit(*s.pm));
    EngineDeployment ed{&z.cat, z.terms, z.coverage, f.engine.engine, z.m->id, z.gpu->id, z.w->id, d, layout, f.moe_tp};
    s.engine = EngineServingModel::make(ed, mix.input_tokens, mix.output_tokens, max_batch, z.tpot_s, &s.engine_why,
                                        s.room.hit_share);
  }
  if (!s.engine) s.roofline.emplace(*s.pm, mix.input_tokens, mix.output_tokens, z.tpot_s, 0, z.cache);
  return s;
}

// Whether the replica in `layout` on `d` GPUs meets the latency targets, and its capacity.
DeploymentScore score_replica(const ReplicaSizing& z, Parallel layout, int d) {
  const WorkloadMix& mix = z.mix;
  const ReplicaServing s = serve_replica(z, layout, d);
  DeploymentScore sc;
  if (s.batch() <= 0)
    sc.problem = fmt::format("TPOT target {:.1f} ms is below one decode step of {} on {}x {}{} ({:.1f} ms at batch 1)",
                             *mix.tpot_ms, z.m->id, d, z.gpu->id, z.tagged(layout), s.tpot_one_s() * 1e3);
  else if (z.ttft_target_s && s.prefill_s() > *z.ttft_target_s)
    sc.problem = fmt::format("TTFT p95 target {:.0f} ms is below the prefill time of {:.0f} input tokens ({:.1f} ms "
                             "at TP {}{})",
                             *mix.ttft_p95_ms, mix.input_tokens, s.prefill_s() * 1e3, d, z.tagged(layout));
  sc.meets = sc.problem.empty();
  if (sc.meets) sc.capacity_rps = s.capacity_rps();
  return sc;
}

// A layout's reason: why nothing fits, or why no count meets the targets (empty when its
// smallest fitting count meets them).
std::string layout_reason(const ReplicaSizing& z, const LayoutChoice& c) {
  const FleetSpec& f = z.f;
  if (c.gpus == 0) {
    if (f.gpus_per_replica > max_replica_gpus) return "gpus_per_replica " + c.fit_problem;
    if (f.gpus_per_replica > 0)
      return fmt::format("{} ({}{}) does not fit at gpus_per_replica {} on {}: {}", z.m->id, z.w->id, z.tagged(c.layout),
                         f.gpus_per_replica, z.gpu->id, c.fit_problem);
    return fmt::format("{} ({}{}) does not fit on instance {} ({}x {}): {}", z.m->id, z.w->id, z.tagged(c.layout),
                       z.inst.id, z.inst.gpu_count, z.gpu->id, c.fit_problem);
  }
  if (c.meets)
    return c.gpus != c.fitting.front()
               ? fmt::format("TP {} chosen{}: TP {} fits but misses the latency targets ({})", c.gpus,
                             z.tagged(c.layout), c.fitting.front(), c.first_problem)
               : std::string();
  return c.fitting.size() > 1 ? fmt::format("{} (nor at TP {} to {} on this instance)", c.first_problem,
                                            c.fitting[1], c.fitting.back())
                              : c.first_problem;
}

// The note on the chosen layout against the others, where there was a choice.
std::optional<std::string> layout_choice_note(const DeploymentChoice& choice, const LayoutChoice& pick) {
  if (choice.layouts.size() <= 1) return std::nullopt;
  std::vector<std::string> alt;
  for (const auto& c : choice.layouts)
    alt.push_back(c.meets ? fmt::format("{} {:.3g} requests/s per GPU on {}", to_string(c.layout),
                                        c.capacity_per_gpu(), c.gpus)
                          : fmt::format("{} does not meet the targets", to_string(c.layout)));
  return fmt::format("layout {} chosen, the most requests/s per GPU: {}", to_string(pick.layout),
                     fmt::join(alt, "; "));
}

// The note on a replica sized by the engine terms: its operating point in a closed loop.
std::string engine_replica_note(const ReplicaSizing& z, const LayoutChoice& pick, const std::string& experts,
                                const EngineServingModel& e) {
  const WorkloadMix& mix = z.mix;
  const double b = e.batch();
  std::string note = fmt::format("{} on {}x {} ({}{}{}), engine terms {}/{}: operating batch {}, TPOT {:.1f} ms "
                                 "and TTFT {:.1f} ms in a closed loop of {} requests of {:.0f} + {:.0f} tokens, "
                                 "TTFT {:.1f} ms alone",
                                 z.m->id, pick.gpus, z.gpu->id, z.w->id, z.tagged(pick.layout), experts,
                                 e.set().engine, e.set().generation, e.batch(), e.tpot_at(b) * 1e3,
                                 e.ttft_at(b) * 1e3, e.batch(), mix.input_tokens, mix.output_tokens,
                                 e.prefill_s() * 1e3);
  // Below the loads the terms were fitted on, their figures are extrapolated: said so.
  if (const double low = z.coverage ? z.coverage->lowest_for(e.set().engine, z.gpu->id, *z.m) : 0.0; low > 1)
    note += fmt::format("; the {} runs of {} models on {} start at {:g} requests, so the {} extrapolated",
                        e.set().engine, to_string(model_class_of(*z.m)), gpu_generation(z.gpu->id), low,
                        b < low ? "figures at this batch and the TTFT alone are" : "TTFT alone is");
  return note;
}

// The note on a prompt cache of a replica sized by the engine terms.
std::string engine_cache_note(const ReplicaSizing& z, const CacheRoom& room, int max_batch) {
  const WorkloadMix& mix = z.mix;
  return fmt::format("prefix cache: {:.1f}% of input tokens read from it ({:.1f}% asked; {:.0f} of {:.0f} prefix tokens "
                     "held in the KV cache), so the engine terms' prefill counts {:.0f} of {:.0f} input tokens; the "
                     "prefixes held leave a batch of at most {}",
                     room.hit_share * 100, z.cache.hit_share * 100, room.held_tokens, z.cache.prefix_tokens,
                     mix.input_tokens * (1 - room.hit_share), mix.input_tokens, max_batch);
}

// A replica sized by the catalog roofline: its capacity, the doubt on a mixture of experts'
// figures, and notes on its operating point and prompt cache.
void describe_roofline_replica(const ReplicaSizing& z, const LayoutChoice& pick, const std::string& experts,
                               const PerfModel& perf, const ServingModel& serving, ReplicaSpec& spec) {
  const WorkloadMix& mix = z.mix;
  const PrefixCache& cache = z.cache;
  spec.capacity_requests_per_s = serving.capacity_rps();
  if (z.m->is_moe()) {
    spec.capacity_doubt = moe_catalog_over_measured_high;
    spec.capacity_doubt_why = fmt::format(
        "the catalog's figures for a mixture of experts ran {:.2f}x to {:.2f}x the published throughput of such "
        "deployments at saturation (docs/performance-model.md, \"The models of 2025-26\")",
        moe_catalog_over_measured_low, moe_catalog_over_measured_high);
  }
  const StepTime st = perf.decode_step(serving.batch(), serving.mean_context());
  spec.notes.push_back(fmt::format("{} on {}x {} ({}{}{}): operating batch {}, decode step {:.1f} ms ({}-bound), "
                                   "prefill of {:.0f} tokens {:.1f} ms",
                                   z.m->id, pick.gpus, z.gpu->id, z.w->id, z.tagged(pick.layout), experts,
                                   serving.batch(), st.total * 1e3, st.memory_bound() ? "memory" : "compute",
                                   mix.input_tokens, serving.prefill_s() * 1e3));
  if (cache.hit_share > 0)
    spec.notes.push_back(fmt::format(
        "prefix cache: {:.1f}% of input tokens read from it ({:.1f}% asked; {:.0f} of {:.0f} prefix tokens held in the KV "
        "cache), so prefill computes {:.0f} of {:.0f} input tokens; the prefixes held leave a batch of at most {}",
        serving.cache_hit_share() * 100, cache.hit_share * 100, serving.cache_tokens_held(), cache.prefix_tokens,
        mix.input_tokens * (1 - serving.cache_hit_share()), mix.input_tokens, serving.max_batch()));
}

// What the deployment chooser sizes: the replica's model, GPU, precisions and context, its GPU
// counts, and the layouts to try (the one given, else the model's own).
DeploymentRequest deployment_request(const FleetSpec& f, const GpuInstance& inst, const ModelArch* m,
                                     const GpuSpec* gpu, const Precision* w, const Precision& kv, double ctx) {
  DeploymentRequest req;
  req.model = m;
  req.gpu = gpu;
  req.weights = w;
  req.kv = &kv;
  req.context_tokens = ctx;
  req.gpus = f.gpus_per_replica;
  req.max_gpus = inst.gpu_count;
  if (f.parallel) req.layouts = {*f.parallel};
  else
    for (Parallel p : default_layouts(*m))
      if (!(p == Parallel::tp && f.moe_tp > 1)) req.layouts.push_back(p);  // experts sliced in groups: ep or dep
  req.moe_tp = f.moe_tp;
  return req;
}

}  // namespace

CatalogReplicaModel::~CatalogReplicaModel() = default;

CatalogReplicaModel::CatalogReplicaModel(const Catalog& cat, const Option& o, const GpuInstance& inst,
                                         const WorkloadMix& mix, const EngineTerms* terms,
                                         const EngineCoverage* coverage) {
  static const FleetSpec no_fleet;
  const FleetSpec& f = o.fleet() ? *o.fleet() : no_fleet;
  const ModelArch* m = cat.find_model(f.model);
  if (!m && f.model_named_by_provider) {
    // A managed endpoint names its model as the provider does; without a catalog entry it
    // is not sized, but the rest of the comparison goes on.
    spec_.provenance = ThroughputProvenance::spec;
    spec_.provenance_source = "calib/catalog.yaml";
    spec_.feasible = false;
    spec_.fits = false;
    spec_.reasons.push_back(fmt::format("model '{}' is not in calib/catalog.yaml: give tokens_per_second_per_replica "
                                        "for this endpoint", f.model));
    return;
  }
  if (!m)
    throw Error(o.loc_of("model"), fmt::format("model '{}' is not in calib/catalog.yaml and option '{}' gives no "
                                               "tokens_per_second_per_replica (expected one of: {})",
                                               f.model, o.id, cat.model_ids()));
  const Precision* w = cat.find_precision(f.precision);
  if (!w)
    throw Error(o.loc_of("precision"),
                fmt::format("unknown precision '{}' (expected one of: {})", f.precision, cat.precision_ids()));
  const Precision& kv = kv_precision_for(cat, o, *w);
  spec_.provenance = ThroughputProvenance::spec;
  spec_.model_class = m->attention == AttentionKind::mla ? "mla" : m->is_moe() ? "moe" : "dense";
  // The engine the replica runs: stated, or vLLM by default, as the plan says.
  const std::string deployment_source =
      fmt::format("{}: {} on {}, engine {}", m->file.empty() ? catalog_file(*m) : cite(*m), m->id,
                  inst.gpu, describe(f.engine));
  spec_.provenance_source = "catalog roofline, " + deployment_source;
  spec_.gpus_per_replica = f.gpus_per_replica > 0 ? f.gpus_per_replica : inst.gpu_count;
  const GpuSpec* gpu = cat.find_gpu(inst.gpu);
  if (!gpu) {
    spec_.feasible = false;
    spec_.fits = false;
    spec_.reasons.push_back(fmt::format("GPU '{}' of instance {} is not in the catalog (expected one of: {})", inst.gpu,
                                        inst.id, cat.gpu_ids()));
    return;
  }
  // Memory fit and the context limit are checked at the longest request a workload sends
  // (its p99 lengths where the profile gives them), not the mix's mean.
  const double ctx = mix.fit_tokens();
  if (mix.long_request_from_p99)
    spec_.notes.push_back(fmt::format("memory and context checked at a request of {:.0f} tokens (input p99 + output "
                                      "p99 of the profile's lengths)", ctx));
  std::optional<double> tpot_s;
  if (mix.tpot_ms) tpot_s = *mix.tpot_ms / 1e3;
  if (mix.ttft_p95_ms) ttft_target_s_ = *mix.ttft_p95_ms / 1e3;
  // The prompt cache of a roofline-sized replica (docs/performance-model.md, "Prefix caching").
  const PrefixCache cache{mix.cached_input_share, mix.shared_prefix_tokens};

  const DeploymentRequest req = deployment_request(f, inst, m, gpu, w, kv, ctx);
  const ReplicaSizing z{cat, f, inst, mix, terms, coverage, m, gpu, w, &kv, tpot_s, ttft_target_s_, cache,
                        req.layouts.size() > 1 || f.parallel.has_value()};
  auto score = [&](Parallel layout, int d) { return score_replica(z, layout, d); };
  const DeploymentChoice choice = choose_deployment(cat, req, score);
  auto reason = [&](const LayoutChoice& c) { return layout_reason(z, c); };
  const LayoutChoice* pick = choice.chosen();
  if (!pick) {
    spec_.feasible = false;
    spec_.fits = false;
    const LayoutChoice& c = choice.layouts.front();
    spec_.gpus_per_replica = c.largest;
    spec_.parallel = c.layout;
    spec_.reasons.push_back(reason(c));
    return;
  }
  ReplicaServing s = serve_replica(z, pick->layout, pick->gpus);
  const CacheRoom room = s.room;
  perf_ = std::move(s.pm);
  spec_.gpus_per_replica = pick->gpus;
  spec_.parallel = pick->layout;
  if (s.engine) {
    engine_ = std::make_shared<EngineServingModel>(std::move(*s.engine));
    spec_.provenance = ThroughputProvenance::engine;
    spec_.cv_error_pct = engine_->set().cv_tpot_median;
    spec_.provenance_source = engine_terms_provenance(*terms, engine_->set()) + "; " + deployment_source;
  } else {
    serving_.emplace(*perf_, mix.input_tokens, mix.output_tokens, tpot_s, 0, cache);
    if (terms && !s.engine_why.empty())
      spec_.notes.push_back(fmt::format("sized by the catalog roofline: no engine terms for {} on {}x {} ({}): {}",
                                        describe(f.engine), pick->gpus, gpu->id, to_string(pick->layout),
                                        s.engine_why));
  }
  if (!pick->meets) {
    spec_.feasible = false;
    spec_.reasons.push_back(reason(*pick));
    return;
  }
  if (const std::string why = reason(*pick); !why.empty()) spec_.notes.push_back(why);
  if (auto note = layout_choice_note(choice, *pick)) spec_.notes.push_back(*note);
  // A hybrid expert layout: each routed expert sliced over moe_tp GPUs, split over moe_ep groups.
  const std::string experts =
      f.moe_tp > 1 ? fmt::format(", experts {} x {} (moe_tp x moe_ep)", f.moe_tp, pick->gpus / f.moe_tp) : "";
  if (engine_) {
    spec_.capacity_requests_per_s = engine_->capacity_rps();
    spec_.notes.push_back(engine_replica_note(z, *pick, experts, *engine_));
    if (cache.hit_share > 0)
      spec_.notes.push_back(engine_cache_note(z, room, std::min(room.max_batch, engine_batch_limit(*perf_))));
    return;
  }
  describe_roofline_replica(z, *pick, experts, *perf_, *serving_, spec_);
}

std::optional<int> CatalogReplicaModel::replicas_for(double rps) const {
  if (rps <= 0) return 0;
  if (!spec_.feasible || (!serving_ && !engine_)) return std::nullopt;
  return engine_ ? engine_->replicas_for(rps, ttft_target_s_) : serving_->replicas_for(rps, ttft_target_s_);
}

bool CatalogReplicaModel::serves(double rps, int replicas) const {
  if (rps <= 0) return replicas >= 0;
  if (!spec_.feasible || (!serving_ && !engine_) || replicas <= 0) return false;
  return engine_ ? engine_->meets(rps, replicas, ttft_target_s_) : serving_->meets(rps, replicas, ttft_target_s_);
}

std::optional<FleetLatency> CatalogReplicaModel::latency(double rps, int replicas) const {
  if (!spec_.feasible) return std::nullopt;
  if (engine_) return engine_->latency(rps, replicas);
  if (!serving_) return std::nullopt;
  return serving_->latency(rps, replicas);
}

std::unique_ptr<ReplicaModel> CatalogReplicaModelProvider::make(const Option& option, const GpuInstance& instance,
                                                                const WorkloadMix& mix) const {
  return std::make_unique<CatalogReplicaModel>(cat_, option, instance, mix, terms_.get(), coverage_.get());
}

}  // namespace plan::perf
