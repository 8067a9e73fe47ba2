#include "plan/core/serving/perf_run.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "plan/core/serving/deployment.hpp"
#include "plan/core/base/error.hpp"
#include "plan/core/base/units.hpp"

namespace plan::perf {

const char* to_string(PerfRunMode m) {
  switch (m) {
    case PerfRunMode::concurrency: return "concurrency";
    case PerfRunMode::max: return "max";
    case PerfRunMode::rate: return "rate";
  }
  return "concurrency";
}

namespace {

StepBound bound_of(const StepTime& s) { return s.memory_bound() ? StepBound::memory : StepBound::compute; }

// An open Poisson stream of `rps` on one replica: at_rate's steady state and the M/M/c
// queue's TTFT percentiles.
void run_rate(const PerfModel& pm, const ServingModel& sm, double rps, PerfRunResult& r) {
  const Load l = sm.at_rate(rps);
  const auto f = sm.latency(rps, 1);
  r.stable = l.stable && f.has_value();
  if (!r.stable) {
    r.requests_per_s = sm.capacity_rps();  // the note says so once the run is sized (run_layout)
  } else {
    r.batch = l.batch;
    r.ttft_ms = f->ttft_p50_ms;
    r.ttft_p95_ms = f->ttft_p95_ms;
    r.ttft_p99_ms = f->ttft_p99_ms;
    r.tpot_ms = f->tpot_ms;
    r.itl_ms = l.itl_s * 1e3;
    r.requests_per_s = rps;
  }
  r.bound = bound_of(pm.decode_step(std::max(l.batch, 1.0), sm.mean_context()));
}

// A closed loop of the serving model's operating batch B (a concurrency, or the most the
// replica holds). Every request's lifetime is its prefill, then S = decode_steps(O) decode
// steps, during which the other B - 1 requests each run their prefill once:
// TPOT = t_dec(B) + (B - 1) x prefill_work(I) / S. The batch turns over at capacity_rps().
// (An open stream at that capacity sees B prefills per lifetime, not B - 1: arrivals there
// do not wait for a slot to free; see ServingModel::tpot_at_capacity_s.)
void run_closed_loop(const PerfModel& pm, const ServingModel& sm, PerfRunResult& r) {
  const int b = sm.batch();
  const double c = sm.mean_context();
  r.batch = b;
  const double itl = pm.t_dec(b, c);
  r.itl_ms = itl * 1e3;
  r.tpot_ms = (itl + (b - 1) * pm.prefill_work(sm.input_tokens()) / sm.decode_steps_per_request()) * 1e3;
  r.ttft_ms = sm.prefill_s() * 1e3;
  r.requests_per_s = sm.capacity_rps();
  r.bound = bound_of(pm.decode_step(b, c));
}

// The figures a run's serving model gave (the headline ones of a PerfRunResult).
PerfRunResult::Figures figures_of(const PerfRunResult& r) {
  return {r.batch, r.prefill_ms, r.ttft_ms, r.ttft_p95_ms, r.ttft_p99_ms, r.tpot_ms, r.itl_ms, r.requests_per_s,
          r.stable};
}

// The engine terms' figures in the request's mode: a closed loop of their operating batch (the
// concurrency, or the most the replica holds), or an open stream on one replica.
PerfRunResult::Figures engine_figures(const EngineServingModel& e, const PerfRunRequest& req) {
  PerfRunResult::Figures f;
  f.prefill_ms = e.prefill_s() * 1e3;
  if (req.mode != PerfRunMode::rate) {
    const double b = e.batch();
    f.batch = b;
    f.ttft_ms = e.ttft_at(b) * 1e3;
    f.tpot_ms = e.tpot_at(b) * 1e3;
    f.itl_ms = e.itl_at(b) * 1e3;
    f.requests_per_s = e.capacity_rps();
    return f;
  }
  const Load l = e.at_rate(req.rate_rps);
  const auto lat = e.latency(req.rate_rps, 1);
  f.stable = l.stable && lat.has_value();
  if (!f.stable) {
    f.requests_per_s = e.capacity_rps();
    return f;
  }
  f.batch = l.batch;
  f.ttft_ms = lat->ttft_p50_ms;
  f.ttft_p95_ms = lat->ttft_p95_ms;
  f.ttft_p99_ms = lat->ttft_p99_ms;
  f.tpot_ms = lat->tpot_ms;
  f.itl_ms = l.itl_s * 1e3;
  f.requests_per_s = req.rate_rps;
  return f;
}

void set_figures(PerfRunResult& r, const PerfRunResult::Figures& f) {
  r.batch = f.batch;
  r.prefill_ms = f.prefill_ms;
  r.ttft_ms = f.ttft_ms;
  r.ttft_p95_ms = f.ttft_p95_ms;
  r.ttft_p99_ms = f.ttft_p99_ms;
  r.tpot_ms = f.tpot_ms;
  r.itl_ms = f.itl_ms;
  r.requests_per_s = f.requests_per_s;
  r.stable = f.stable;
}

// The engine terms on a run the roofline has sized: where they cover the deployment
// (EngineServingModel::make, as fleet sizing asks it) their figures are recorded, and unless a
// calibration sized the run they size it, the roofline's figures kept beside them.
void apply_engine_terms(const Catalog& cat, const PerfRunRequest& req, const EngineTerms& terms,
                        const EngineCoverage* coverage, PerfRunResult& r) {
  const EngineDeployment d{&cat, &terms, coverage, req.engine.engine, r.model, r.gpu, r.precision, r.gpus_per_replica, r.parallel,
                           req.moe_tp};
  const int limit =
      req.mode == PerfRunMode::concurrency ? std::min(req.concurrency, r.max_concurrency) : r.max_concurrency;
  std::string why;
  const auto e = EngineServingModel::make(d, req.input_tokens, req.output_tokens, limit, std::nullopt, &why);
  if (!e) {
    r.engine_terms_source = "not used, the catalog roofline sizes the run: " + why;
    return;
  }
  const PerfRunResult::Figures f = engine_figures(*e, req);
  r.engine_ttft_ms = f.ttft_ms;
  r.engine_tpot_ms = f.tpot_ms;
  r.engine_itl_ms = f.itl_ms;
  r.engine_batch = f.batch;
  r.engine_requests_per_s = f.requests_per_s;
  r.engine_terms_source = engine_terms_provenance(terms, e->set());
  if (!r.calibration_source.empty()) {
    r.engine_terms_source += "; beside the calibrated roofline, which sizes the run (a calibration of the "
                             "deployment comes first)";
    return;
  }
  r.roofline = figures_of(r);
  set_figures(r, f);
  r.engine_sized = true;
  // Below the loads the terms were fitted on, their figures are an extrapolation: said so,
  // with the roofline's beside them.
  const ModelArch* model = cat.find_model(r.model);
  if (const double low = coverage && model ? coverage->lowest_for(to_string(req.engine.engine), r.gpu, *model) : 0.0;
      low > 0 && f.batch && *f.batch < low)
    r.notes.push_back(fmt::format(
        "a batch of {:g} is below the loads the engine terms were fitted on: the lowest concurrency of the {} runs "
        "of {} models on {} is {:g}, so the figures here are extrapolated (the catalog roofline's beside them: TTFT "
        "{:.1f} ms, TPOT {:.2f} ms)",
        *f.batch, to_string(req.engine.engine), to_string(model_class_of(*model)), gpu_generation(r.gpu), low,
        r.roofline->ttft_ms.value_or(0), r.roofline->tpot_ms.value_or(0)));
  if (e->batch() < limit)
    r.notes.push_back(fmt::format("the engine terms predict a batch of at most {} here (their measured runs stop "
                                  "at the KV cache), not {}",
                                  e->batch(), limit));
}

// A closed loop of C requests where the replica holds a batch of B < C: B are in service and
// C - B wait for a slot, first in first out. A request's time in service is T = TTFT +
// decode_steps(O) x TPOT, so the loop turns B requests over per T, a client's cycle is
// C / B x T (Little's law), and its first token comes (C / B - 1) x T plus its TTFT after it
// sends. Added to the figures that sized the run and to those beside them.
double admission_wait_ms(double c, const std::optional<double>& batch, const std::optional<double>& ttft_ms,
                         const std::optional<double>& tpot_ms, double steps) {
  if (!batch || !ttft_ms || !tpot_ms || *batch < 1 || c <= *batch) return 0;
  return (c / *batch - 1) * (*ttft_ms + steps * *tpot_ms);
}

void add_admission_wait(int concurrency, double steps, const PerfModel& pm, PerfRunResult& r) {
  const Parallel layout = pm.layout();
  // Each set of figures the result carries waits at its own batch and service time.
  using Figure = std::optional<double>;
  auto add = [&](const Figure& batch, Figure& ttft_ms, const Figure& tpot) {
    const double w = admission_wait_ms(concurrency, batch, ttft_ms, tpot, steps);
    if (w > 0) *ttft_ms += w;
    return w;
  };
  if (r.roofline) add(r.roofline->batch, r.roofline->ttft_ms, r.roofline->tpot_ms);
  add(r.engine_batch, r.engine_ttft_ms, r.engine_tpot_ms);
  const double wait = admission_wait_ms(concurrency, r.batch, r.ttft_ms, r.tpot_ms, steps);
  if (wait <= 0) return;
  r.notes.push_back(fmt::format(
      "concurrency {} beyond the batch of {:g} the replica holds (KV cache, and {}'s max_batch_seqs of {}{}): the "
      "other {:g} wait "
      "for a slot, (C / B - 1) x (TTFT {:.1f} ms + {:g} decode steps x TPOT {:.2f} ms) = {:.1f} ms, included in the "
      "TTFT (a closed loop, first in first out)",
      concurrency, *r.batch, to_string(pm.engine()),
      engine_scheduler_limit(pm),
      layout == Parallel::dep ? fmt::format(" x {} attention-DP ranks", r.gpus_per_replica) : "",
      concurrency - *r.batch, *r.ttft_ms, steps, *r.tpot_ms, wait));
  r.admission_wait_ms = wait;
  *r.ttft_ms += wait;
}

// One layout at `gpus` GPUs (the count given, or the one choose_deployment chose), run in
// the request's mode. `most`: the largest count searched, for the reason a searched replica
// does not fit.
PerfRunResult run_layout(const Catalog& cat, const PerfRunRequest& req, const ModelArch& mref, const GpuSpec& gref,
                         const Precision& wref, const Precision& kvref, Parallel layout, int gpus, int most,
                         const PerfCalibrationLookup& calibration, const EngineTerms* terms,
                         const EngineCoverage* coverage) {
  const ModelArch* m = &mref;
  const GpuSpec* gpu = &gref;
  const Precision* w = &wref;
  const Precision* kv = &kvref;
  PerfRunResult r;
  r.model = m->id;
  r.engine = describe(req.engine);
  r.gpu = gpu->id;
  r.precision = w->id;
  r.kv_precision = kv->id;
  r.model_source = fmt::format("{} ({})", cite(*m), m->source);
  r.gpu_source = fmt::format("{} ({})", cite(*gpu), gpu->source);
  r.efficiency_source = catalog_file(*gpu);
  r.mode = req.mode;
  r.kv_bytes_per_token_total = kv_bytes_per_token(*m, *kv);
  const double ctx = req.input_tokens + req.output_tokens;
  r.gpus_per_replica = gpus;
  r.gpus_given = req.gpus_per_replica != 0;
  r.parallel = layout;
  r.parallel_given = req.parallel.has_value();
  r.moe_tp = req.moe_tp;
  std::optional<PerfCalibration> applied;
  if (calibration) applied = calibration(m->id, gpu->id, w->id, r.gpus_per_replica, layout, &r.notes);
  if (applied) {
    r.calibration_source = applied->source;
    r.calibration_note = applied->note;
  }
  const Catalog& use = applied ? applied->catalog : cat;
  PerfModel pm(*m, *use.find_gpu(gpu->id), *w, *kv, r.gpus_per_replica, use.efficiency, layout, req.moe_tp,
               req.engine.engine, req.engine.max_batch_seqs);
  r.e_bw = pm.bandwidth_bytes_per_s() / (gpu->hbm_gb_per_s * bytes_per_gb);
  r.e_fl = pm.attention_flops_per_s() / (gpu->bf16_tflops * 1e12);
  r.mem = pm.memory(ctx);
  r.reason = deployment_problem(pm, ctx);
  r.fits = r.reason.empty();
  if (auto note = scaleout_note(*gpu, r.gpus_per_replica); r.fits && !note.empty()) r.notes.push_back(note);
  if (!r.fits) {
    if (!r.gpus_given)
      r.reason = layout == Parallel::tp
                     ? fmt::format("does not fit at any TP up to {}: at TP {}, {}", most, most, r.reason)
                     : fmt::format("does not fit on up to {} GPUs ({}): at {}, {}", most, to_string(layout), most,
                                   r.reason);
    return r;
  }
  // The engine's max_batch_seqs holds per scheduler: per attention-DP rank under dep.
  const int engine_limit = engine_batch_limit(pm);
  r.max_concurrency = std::min(pm.max_sequences(ctx), engine_limit);
  if (r.max_concurrency == engine_limit) {
    const CatalogValue& v = engine_max_batch_seqs(use.efficiency, req.engine.engine, *gpu);
    r.max_concurrency_source =
        fmt::format("{}'s limit, {}{}", to_string(req.engine.engine), engine_scheduler_limit(pm),
                    layout == Parallel::dep ? fmt::format(" x {} ranks", r.gpus_per_replica) : " a scheduler");
    r.batch_limit_source = req.engine.max_batch_seqs > 0
                               ? std::string("--max-batch-seqs (the server's, as given)")
                               : fmt::format("{}:{} ({})", catalog_file(*gpu), v.line, v.source);
  } else {
    r.max_concurrency_source = "KV cache, at input + output context";
  }
  const int concurrency = req.mode == PerfRunMode::concurrency ? req.concurrency : 0;  // 0: no cap
  const ServingModel sm(pm, req.input_tokens, req.output_tokens, std::nullopt, concurrency);
  r.prefill_ms = sm.prefill_s() * 1e3;
  if (req.mode == PerfRunMode::rate) run_rate(pm, sm, req.rate_rps, r);
  else run_closed_loop(pm, sm, r);
  if (terms) apply_engine_terms(cat, req, *terms, coverage, r);
  if (concurrency > 0) add_admission_wait(concurrency, decode_steps(req.output_tokens), pm, r);
  if (!r.stable && r.requests_per_s)
    r.notes.push_back(fmt::format("{:g} requests/s exceeds the replica's capacity of {:.2f} requests/s", req.rate_rps,
                                  *r.requests_per_s));
  if (r.requests_per_s) {
    r.output_tokens_per_s = *r.requests_per_s * req.output_tokens;
    r.total_tokens_per_s = *r.requests_per_s * ctx;
  }
  return r;
}

}  // namespace

PerfRunResult run_perf(const Catalog& cat, const PerfRunRequest& req, const PerfCalibrationLookup& calibration,
                       const EngineTerms* terms, const EngineCoverage* coverage) {
  const ModelArch* m = cat.find_model(req.model);
  if (!m) throw Error(fmt::format("unknown model '{}' (expected one of: {})", req.model, cat.model_ids()));
  const GpuSpec* gpu = cat.find_gpu(req.gpu);
  if (!gpu) throw Error(fmt::format("unknown GPU '{}' (expected one of: {})", req.gpu, cat.gpu_ids()));
  const Precision* w = cat.find_precision(req.precision);
  if (!w)
    throw Error(fmt::format("unknown precision '{}' (expected one of: {})", req.precision, cat.precision_ids()));
  const std::string kv_id = req.kv_precision.empty() ? w->default_kv : req.kv_precision;
  const Precision* kv = cat.find_precision(kv_id);
  if (!kv) throw Error(fmt::format("unknown KV precision '{}' (expected one of: {})", kv_id, cat.precision_ids()));
  if (req.gpus_per_replica < 0 || req.gpus_per_replica > max_replica_gpus)
    throw Error(fmt::format("--gpus {} is not a supported GPU count per replica (expected 1 to {})",
                            req.gpus_per_replica, max_replica_gpus));
  if (req.moe_tp < 1 || req.moe_tp > max_replica_gpus)
    throw Error(fmt::format("--moe-tp {} is not a GPU count (expected 1 to {})", req.moe_tp, max_replica_gpus));
  if (req.moe_tp > 1 && req.gpus_per_replica == 0)
    throw Error(fmt::format("--moe-tp {} needs --gpus (expected the replica's GPUs, moe_tp x moe_ep)", req.moe_tp));
  auto tokens_ok = [](double v) { return std::isfinite(v) && v >= 1 && v <= 1e9; };
  if (!tokens_ok(req.input_tokens) || !tokens_ok(req.output_tokens))
    throw Error(fmt::format("--input {:g} / --output {:g} (expected token counts from 1 to 1e9)", req.input_tokens,
                            req.output_tokens));
  if (req.mode == PerfRunMode::concurrency && req.concurrency < 1)
    throw Error(fmt::format("--concurrency {} (expected an integer from 1 to 1000000, or max)", req.concurrency));
  if (req.mode == PerfRunMode::rate && !(req.rate_rps > 0 && std::isfinite(req.rate_rps)))
    throw Error(fmt::format("--rate {:g} (expected a finite rate above 0 requests/s)", req.rate_rps));

  // The deployment: choose_deployment (deployment.hpp), as fleet sizing chooses it. Without
  // latency targets every count that fits meets them, so each layout runs at the smallest
  // count that fits within the GPU's scale-up domain (or the count given), and without a
  // layout given the one with the most requests/s per GPU is reported.
  DeploymentRequest dr;
  dr.model = m;
  dr.gpu = gpu;
  dr.weights = w;
  dr.kv = kv;
  dr.context_tokens = req.input_tokens + req.output_tokens;
  dr.gpus = req.gpus_per_replica;
  const int most = replica_gpu_counts(*gpu).back();
  dr.max_gpus = most;
  dr.moe_tp = req.moe_tp;
  if (req.parallel) {
    dr.layouts = {*req.parallel};
  } else {
    for (Parallel p : default_layouts(*m))
      if (!(p == Parallel::tp && req.moe_tp > 1 && m->is_moe())) dr.layouts.push_back(p);  // experts sliced in groups
  }
  std::map<std::pair<Parallel, int>, PerfRunResult> runs;
  auto score = [&](Parallel p, int g) {
    PerfRunResult r = run_layout(cat, req, *m, *gpu, *w, *kv, p, g, most, calibration, terms, coverage);
    DeploymentScore s;
    s.meets = r.fits && r.requests_per_s.has_value();
    s.capacity_rps = r.requests_per_s.value_or(0);
    s.problem = r.reason;
    runs.emplace(std::make_pair(p, g), std::move(r));
    return s;
  };
  const DeploymentChoice choice = choose_deployment(cat, dr, score);
  auto result_of = [&](const LayoutChoice& c) {
    if (c.gpus > 0) return runs.at({c.layout, c.gpus});
    return run_layout(cat, req, *m, *gpu, *w, *kv, c.layout, c.largest, most, calibration, terms, coverage);
  };
  const LayoutChoice* pick = choice.chosen();
  PerfRunResult best = result_of(pick ? *pick : choice.layouts.front());
  std::vector<std::string> others;
  for (const auto& c : choice.layouts)
    if (c.meets)
      others.push_back(fmt::format("{} on {} GPUs {:.3g} requests/s", to_string(c.layout), c.gpus, c.score.capacity_rps));
  if (!req.parallel && m->is_moe() && best.fits && others.size() > 1)
    best.notes.push_back(fmt::format("layout {} chosen, the most requests/s per GPU of: {}", to_string(best.parallel),
                                     fmt::join(others, "; ")));
  return best;
}

}  // namespace plan::perf
