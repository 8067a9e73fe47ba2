// Disaggregated prefill/decode serving: the closed loop through a prefill pool, the KV
// transfer and a decode pool (docs/performance-model.md, "Disaggregated prefill and decode").
#include "plan/core/serving/disagg.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <map>

#include "plan/core/base/error.hpp"
#include "plan/core/serving/deployment.hpp"
#include "plan/core/serving/perf.hpp"

namespace plan::perf {
namespace {

constexpr int bisection_steps = 200;

bool finite_positive(double v) { return std::isfinite(v) && v > 0; }

// The prefill pool at a throughput of x requests/s: each of its W workers receives x / W and
// prefills the requests waiting as one batch (gated batch service). A batch of n takes
// t(n) = t1 + w (n - 1): the request alone, plus the batched work of each other one. The
// requests arriving during a batch form the next: n = lambda t(n), so
// n = lambda (t1 - w) / (1 - lambda w), at least 1; the worker keeps up while lambda w < 1.
// A request arrives to a worker busy a share rho = lambda t(n) / n of the time, waits on
// average half a batch when it is, then is served in the next: R = t(n) (1 + rho / 2).
struct PrefillAt {
  bool stable = false;
  double batch = 0, busy = 0, response = 0;
};
PrefillAt prefill_at(const DisaggTiming& t, double x) {
  PrefillAt p;
  const double lambda = x / t.prefill_workers;
  const double w = t.prefill_work_s;
  if (lambda * w >= 1) return p;
  p.batch = std::max(1.0, lambda * (t.prefill_s - w) / (1 - lambda * w));
  const double tn = t.prefill_s + w * (p.batch - 1);
  p.busy = std::min(1.0, lambda * tn / p.batch);
  p.response = tn * (1 + p.busy / 2);
  p.stable = std::isfinite(p.response);
  return p;
}

// The decode pool at x requests/s: the batch b per worker solves b = x S TPOT(b) / Y
// (Little's law), at most the worker's slots; `full` when even the slots do not hold it.
struct DecodeAt {
  bool full = false;
  double batch = 0, tpot = 0;
};
DecodeAt decode_at(const DisaggTiming& t, double x, const std::function<double(double)>& step, double cap) {
  auto need = [&](double b) { return x * t.decode_steps * step(b) / t.decode_workers; };
  DecodeAt d;
  if (need(cap) >= cap) {
    d.full = true;
    d.batch = cap;
    d.tpot = step(cap);
    return d;
  }
  // f(b) = b - need(b) rises with b (the step grows slower than the batch), negative at 0 and
  // positive at the cap: its root by regula falsi with the Illinois rule (the end that stays
  // has its value halved), which keeps the bracket and, on a step interpolated linearly
  // between batches, lands on the root once the bracket holds one segment.
  double lo = 0, hi = cap, f_lo = -need(0), f_hi = cap - need(cap);
  int side = 0;
  for (int i = 0; i < bisection_steps && hi - lo > 1e-12 * cap; ++i) {
    double mid = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
    if (!(mid > lo && mid < hi)) mid = 0.5 * (lo + hi);
    const double f = mid - need(mid);
    if (f == 0) {
      lo = hi = mid;
      break;
    }
    if (f < 0) {
      lo = mid, f_lo = f;
      if (side == -1) f_hi /= 2;
      side = -1;
    } else {
      hi = mid, f_hi = f;
      if (side == 1) f_lo /= 2;
      side = 1;
    }
    if (std::abs(f) <= 1e-12 * cap) {
      lo = hi = mid;
      break;
    }
  }
  d.batch = 0.5 * (lo + hi);
  d.tpot = step(d.batch);
  return d;
}

}  // namespace

std::optional<DisaggLoad> solve_disagg_loop(const DisaggTiming& t, int concurrency) {
  if (concurrency < 1 || t.prefill_workers < 1 || t.decode_workers < 1 || !t.decode_step_s) return std::nullopt;
  if (!finite_positive(t.prefill_s) || !std::isfinite(t.prefill_work_s) || t.prefill_work_s < 0 ||
      !finite_positive(t.decode_steps) || !std::isfinite(t.kv_transfer_s) || t.kv_transfer_s < 0)
    return std::nullopt;
  const double cap = t.decode_slots > 0 ? static_cast<double>(t.decode_slots) : static_cast<double>(concurrency);
  // A decode step runs at least one sequence.
  auto step = [&](double b) { return t.decode_step_s(std::clamp(b, 1.0, cap)); };
  if (!finite_positive(step(1)) || !finite_positive(step(cap))) return std::nullopt;
  // The most the pools pass: the prefill workers' batched rate W / w, the decode slots'
  // Y x slots / (S x TPOT(slots)); and at most C requests in the loop, each at least a
  // prefill, the transfer and its decode steps at batch 1.
  double x_max = static_cast<double>(concurrency) / (t.prefill_s + t.kv_transfer_s + t.decode_steps * step(1));
  if (t.prefill_work_s > 0) x_max = std::min(x_max, t.prefill_workers / t.prefill_work_s);
  const double x_dec = t.decode_workers * cap / (t.decode_steps * step(cap));
  x_max = std::min(x_max, x_dec);
  // The loop's cycle at x: prefill response, transfer, decode. C = x x cycle(x) rises with
  // x; bisect for it. Where even x_max leaves requests over, they wait at the bottleneck.
  auto cycle = [&](double x, PrefillAt& p, DecodeAt& d) {
    p = prefill_at(t, x);
    d = decode_at(t, x, step, cap);
    if (!p.stable) return std::numeric_limits<double>::infinity();
    return p.response + t.kv_transfer_s + t.decode_steps * d.tpot;
  };
  PrefillAt p;
  DecodeAt d;
  double lo = 0, hi = x_max;
  for (int i = 0; i < bisection_steps && hi - lo > 1e-13 * x_max; ++i) {
    const double mid = 0.5 * (lo + hi);
    (mid * cycle(mid, p, d) < concurrency ? lo : hi) = mid;
  }
  const double x = lo;
  const double c = cycle(x, p, d);
  if (!std::isfinite(c) || x <= 0) return std::nullopt;
  DisaggLoad l;
  l.concurrency = concurrency;
  l.throughput_rps = x;
  l.prefill_s = t.prefill_s;
  l.prefill_wait_s = std::max(p.response - t.prefill_s, 0.0);
  l.kv_transfer_s = t.kv_transfer_s;
  // Requests the cycle does not account for wait at the bottleneck (the decode slots, or the
  // prefill queue): before their first token either way.
  const double rest = std::max(concurrency / x - c, 0.0);
  if (d.full || x_dec <= x * (1 + 1e-9)) l.decode_wait_s = rest;
  else l.prefill_wait_s += rest;
  l.ttft_s = t.prefill_s + l.prefill_wait_s + t.kv_transfer_s + l.decode_wait_s;
  l.decode_batch = d.batch;
  l.tpot_s = d.tpot;
  l.prefill_batch = p.batch;
  l.prefill_utilisation = p.busy;
  return l;
}

namespace {

const char* layout_name(const PoolSpec& p) { return to_string(p.layout); }

std::string describe_pool(const char* what, const PoolSpec& p) {
  return fmt::format("{} pool: {} worker{} of {} GPU{} ({}{})", what, p.workers, p.workers == 1 ? "" : "s", p.gpus,
                     p.gpus == 1 ? "" : "s", layout_name(p),
                     p.moe_tp > 1 ? fmt::format(", experts moe_tp {}", p.moe_tp) : std::string());
}

// The engine terms' figure for a pool, where they cover it on the GPU's own generation.
std::optional<Prediction> engine_at(const Catalog& cat, const std::vector<TermSet>* sets, const DisaggRequest& q,
                                    const PoolSpec& pool, double concurrency, std::string* why) {
  if (!sets) {
    if (why) *why = "no engine terms loaded";
    return std::nullopt;
  }
  auto p = predict_closed_loop(cat, *sets, q.engine, q.model, q.gpu, q.precision, pool.gpus, pool.layout,
                               q.input_tokens, q.output_tokens, concurrency, why, pool.moe_tp);
  if (p && (!p->set || p->set->generation != gpu_generation(q.gpu))) {
    if (why) *why = fmt::format("no {} terms fitted on {}'s generation", to_string(q.engine), q.gpu);
    return std::nullopt;
  }
  return p;
}

std::string check_pool(const char* what, const PoolSpec& p) {
  if (p.workers < 1 || p.workers > 100000)
    return fmt::format("{} workers {} (expected 1 to 100000)", what, p.workers);
  if (p.gpus < 1 || p.gpus > max_replica_gpus)
    return fmt::format("{} GPUs per worker {} (expected 1 to {})", what, p.gpus, max_replica_gpus);
  if (p.moe_tp < 1 || p.gpus % p.moe_tp != 0)
    return fmt::format("{} moe_tp {} does not divide its {} GPUs", what, p.moe_tp, p.gpus);
  return {};
}

// The decode worker's step at b sequences, evaluated at batches 1, 1.25, 1.25^2, ... and the
// slots and interpolated linearly between them (the solver asks for many batches): by the
// engine terms where they cover every batch up to the slots, else the catalog roofline.
// Sets r.decode.source and why_roofline.
std::function<double(double)> decode_step_table(const Catalog& cat, const std::vector<TermSet>* sets,
                                                const DisaggRequest& q, const PerfModel& pd, DisaggResult& r) {
  const double in = q.input_tokens, out = std::max(q.output_tokens, 1.0);
  std::vector<double> grid;
  for (double b = 1; b < r.decode.slots; b *= 1.25) grid.push_back(b);
  grid.push_back(r.decode.slots);
  auto table = std::make_shared<std::vector<std::pair<double, double>>>();
  std::string why;
  const auto e1 = engine_at(cat, sets, q, q.decode, 1, &why);
  std::string why_top;
  const auto etop = e1 ? engine_at(cat, sets, q, q.decode, r.decode.slots, &why_top) : std::nullopt;
  const double ctx = in + out / 2;
  if (e1 && etop) {
    r.decode.source = fmt::format("engine terms {}/{}", e1->set->engine, e1->set->generation);
    for (double b : grid) {
      const auto p = engine_at(cat, sets, q, q.decode, b, nullptr);
      table->emplace_back(b, p ? p->itl_s : pd.t_dec(b, ctx));
    }
  } else {
    r.decode.source = "catalog roofline";
    r.decode.why_roofline = e1 ? fmt::format("at a batch of {}: {}", r.decode.slots, why_top) : why;
    for (double b : grid) table->emplace_back(b, pd.t_dec(b, ctx));
  }
  return [table](double b) {
    const auto& t = *table;
    if (b <= t.front().first) return t.front().second;
    if (b >= t.back().first) return t.back().second;
    const auto hi = std::lower_bound(t.begin(), t.end(), std::pair{b, 0.0},
                                     [](const auto& x, const auto& y) { return x.first < y.first; });
    const auto lo = std::prev(hi);
    return lo->second + (b - lo->first) / (hi->first - lo->first) * (hi->second - lo->second);
  };
}

// The link a request's KV cache crosses (r.link, link_gb_per_s, links, link_efficiency);
// the reason when there is none.
std::string choose_link(const Catalog& cat, const GpuSpec& gpu, const DisaggRequest& q, DisaggResult& r) {
  const int gpus = r.prefill_gpus + r.decode_gpus;
  if (gpus <= gpu.scaleup_gpus) {
    r.link = fmt::format("{} (both pools in one scale-up domain of {} GPUs)", gpu.interconnect, gpu.scaleup_gpus);
    r.link_gb_per_s = gpu.interconnect_gb_per_s;
  } else if (gpu.scaleout_gb_per_s) {
    r.link = fmt::format("scale-out NIC (the pools' {} GPUs span more than one scale-up domain of {})", gpus,
                         gpu.scaleup_gpus);
    r.link_gb_per_s = *gpu.scaleout_gb_per_s;
  } else {
    return fmt::format("the pools' {} GPUs span more than one scale-up domain of {} and the catalog gives no "
                       "scale-out link for {} (scaleout_gb_per_s)",
                       gpus, gpu.scaleup_gpus, gpu.id);
  }
  r.links = q.prefill.layout == Parallel::dep ? 1 : std::min(q.prefill.gpus, q.decode.gpus);
  r.link_efficiency = cat.efficiency.link_efficiency.value;
  return {};
}

}  // namespace

std::optional<DisaggLoad> solve_with_terms(const DisaggTiming& timing, const DisaggTerms& terms, int concurrency) {
  DisaggTiming t = timing;
  t.decode_step_s = [step = timing.decode_step_s, k = terms.decode_scale](double b) { return k * step(b); };
  return solve_disagg_loop(t, concurrency);
}

DisaggResult run_disagg(const Catalog& cat, const std::vector<TermSet>* sets, const DisaggRequest& q,
                        const std::vector<DisaggTerms>* terms) {
  const ModelArch* m = cat.find_model(q.model);
  if (!m) throw Error(fmt::format("unknown model '{}' (expected one of: {})", q.model, cat.model_ids()));
  const GpuSpec* gpu = cat.find_gpu(q.gpu);
  if (!gpu) throw Error(fmt::format("unknown GPU '{}' (expected one of: {})", q.gpu, cat.gpu_ids()));
  const Precision* w = cat.find_precision(q.precision);
  if (!w) throw Error(fmt::format("unknown precision '{}' (expected one of: {})", q.precision, cat.precision_ids()));
  const std::string kv_id = q.kv_precision.empty() ? w->kv_default() : q.kv_precision;
  const Precision* kv = cat.find_precision(kv_id);
  if (!kv) throw Error(fmt::format("unknown KV precision '{}' (expected one of: {})", kv_id, cat.precision_ids()));

  DisaggResult r;
  r.prefill.spec = q.prefill;
  r.decode.spec = q.decode;
  auto fail = [&](std::string why) {
    r.fits = false;
    r.reason = std::move(why);
    return r;
  };
  for (const auto& [what, pool] : {std::pair{"prefill", q.prefill}, std::pair{"decode", q.decode}})
    if (auto p = check_pool(what, pool); !p.empty()) return fail(p);
  const double in = q.input_tokens, out = std::max(q.output_tokens, 1.0);
  r.prefill_gpus = q.prefill.workers * q.prefill.gpus;
  r.decode_gpus = q.decode.workers * q.decode.gpus;

  const PerfModel pp(*m, *gpu, *w, *kv, q.prefill.gpus, cat.efficiency, q.prefill.layout, q.prefill.moe_tp,
                     q.engine);
  const PerfModel pd(*m, *gpu, *w, *kv, q.decode.gpus, cat.efficiency, q.decode.layout, q.decode.moe_tp);
  if (auto p = deployment_problem(pp, in); !p.empty())
    return fail(fmt::format("the prefill worker does not fit: {}", p));
  if (auto p = deployment_problem(pd, in + out); !p.empty())
    return fail(fmt::format("the decode worker does not fit: {}", p));
  r.prefill.slots = std::min(pp.max_sequences(in), engine_batch_limit(pp));
  // A decode worker's slots: what its KV cache holds. Disaggregated decode workers are run with
  // their batch limit raised to it (the engine default of max_batch_seqs is an aggregated
  // replica's, where prefills share the steps).
  r.decode.slots = pd.max_sequences(in + out);
  if (r.decode.slots < 1) return fail("the decode worker's KV cache holds no request");

  // Prefill: one request alone on a prefill worker, by the engine terms where they cover it.
  // Each further request of a batch adds the batched prefill work of the roofline: a prefill
  // worker runs prefills only, and the aggregated runs' term for the prefill work between
  // decode steps measures what prefills cost the decode steps of a mixed batch, which a
  // prefill worker does not have.
  std::string why;
  r.prefill.prefill_work_s = pp.prefill_work(in);
  if (auto e = engine_at(cat, sets, q, q.prefill, 1, &why)) {
    r.prefill.prefill_s = e->ttft_s;
    r.prefill.source = fmt::format("engine terms {}/{}", e->set->engine, e->set->generation);
  } else {
    r.prefill.prefill_s = pp.t_pre(in);
    r.prefill.source = "catalog roofline";
    r.prefill.why_roofline = why;
  }
  // Decode: the step of a worker's batch, by the engine terms where they cover the batches
  // from 1 to the worker's slots, else the roofline at the mean context I + O/2.
  std::function<double(double)> step = decode_step_table(cat, sets, q, pd, r);
  r.decode.step_at_one_s = step(1);

  // The KV transfer.
  r.kv_bytes_per_request = kv_bytes_per_token(*m, *kv) * in;
  if (auto why_link = choose_link(cat, *gpu, q, r); !why_link.empty()) return fail(why_link);
  const double kv_s = r.kv_bytes_per_request / (r.links * r.link_gb_per_s * 1e9 * r.link_efficiency);

  DisaggTiming t;
  t.prefill_s = r.prefill.prefill_s;
  t.prefill_work_s = r.prefill.prefill_work_s;
  t.prefill_workers = q.prefill.workers;
  t.kv_transfer_s = kv_s;
  t.decode_step_s = step;
  t.decode_workers = q.decode.workers;
  t.decode_steps = decode_steps(out);
  t.decode_slots = r.decode.slots;
  const auto load = solve_disagg_loop(t, q.concurrency);
  if (!load) return fail("the closed loop has no finite operating point");
  r.load = *load;
  r.unfitted = *load;
  r.timing = t;
  r.fits = true;
  if (terms)
    for (const auto& dt : *terms)
      if (dt.engine == to_string(q.engine)) {
        if (auto fitted = solve_with_terms(t, dt, q.concurrency)) {
          r.load = *fitted;
          r.notes.push_back(fmt::format(
              "disaggregated term for {}: decode step x {:.3g} (fitted to {} measured disaggregated runs, {} "
              "deployments{})",
              dt.engine, dt.decode_scale, dt.rows, dt.deployments,
              dt.source.empty() ? std::string()
                                : fmt::format(", cross-validated median error {:.1f}% (TPOT), {:.1f}% (TTFT)",
                                              dt.cv_tpot_median, dt.cv_ttft_median)));
        }
        break;
      }
  r.output_tokens_per_s = r.load.throughput_rps * out;
  r.output_tokens_per_s_per_gpu = r.output_tokens_per_s / (r.prefill_gpus + r.decode_gpus);
  r.notes.push_back(describe_pool("prefill", q.prefill) + ", sized by " + r.prefill.source);
  r.notes.push_back(describe_pool("decode", q.decode) + ", sized by " + r.decode.source);
  if (!r.prefill.why_roofline.empty())
    r.notes.push_back("prefill pool on the catalog roofline: " + r.prefill.why_roofline);
  if (!r.decode.why_roofline.empty()) r.notes.push_back("decode pool on the catalog roofline: " + r.decode.why_roofline);
  return r;
}

namespace {

// The aggregated runs' artefact rule (engine_fit.hpp, artefact_ratio) for a disaggregated
// run: a TTFT above 10x the spec roofline of its closed loop with every request ahead of it
// in its prefill worker's queue (the prefill alone, plus the batched prefill work of the
// ceil(C / W) - 1 others, plus the KV transfer at the link's spec rate), or a TPOT above 10x
// the spec decode step with all C requests spread over the decode workers; spec: efficiencies
// 1, no fixed costs. Empty when the run is within both.
std::string artefact(const Catalog& cat, const MeasuredDisaggRun& d, const DisaggRequest& q) {
  const ModelArch& m = *cat.find_model(q.model);
  GpuSpec gpu = *cat.find_gpu(q.gpu);
  gpu.e_bw.reset();
  gpu.e_fl_16.reset();
  gpu.e_fl_8.reset();
  const Precision& w = *cat.find_precision(q.precision);
  const Precision& kv = *cat.find_precision(w.kv_default());
  Efficiency unit = cat.efficiency;
  unit.e_bw.value = unit.e_fl_16.value = unit.e_fl_8.value = unit.link_efficiency.value = 1;
  unit.step_overhead_ms.value = unit.layer_overhead_us.value = 0;
  const PerfModel pp(m, gpu, w, kv, q.prefill.gpus, unit, q.prefill.layout, q.prefill.moe_tp);
  const PerfModel pd(m, gpu, w, kv, q.decode.gpus, unit, q.decode.layout, q.decode.moe_tp);
  const double in = q.input_tokens, c = q.concurrency;
  const double ahead = std::ceil(c / q.prefill.workers) - 1;
  const double link = std::max(gpu.interconnect_gb_per_s, gpu.scaleout_gb_per_s.value_or(0.0)) * 1e9;
  const double spec_ttft = pp.t_pre(in) + ahead * pp.prefill_work(in) + kv_bytes_per_token(m, kv) * in / link;
  const double spec_tpot = pd.t_dec(std::max(c / q.decode.workers, 1.0), in + q.output_tokens / 2);
  const double ttft = d.run.ttft_ms / 1e3, tpot = d.run.tpot_ms / 1e3;
  if (ttft > artefact_ratio * spec_ttft)
    return fmt::format("TTFT {:.0f} ms is more than {:g}x the spec roofline's {:.0f} ms with every request ahead of it "
                       "in its prefill worker's queue",
                       ttft * 1e3, artefact_ratio, spec_ttft * 1e3);
  if (tpot > artefact_ratio * spec_tpot)
    return fmt::format("TPOT {:.1f} ms is more than {:g}x the spec decode step of {:.1f} ms", tpot * 1e3,
                       artefact_ratio, spec_tpot * 1e3);
  return {};
}

}  // namespace

DisaggPrediction predict_disagg_run(const Catalog& cat, const std::vector<TermSet>* sets,
                                    const MeasuredDisaggRun& d) {
  DisaggPrediction out;
  const MeasuredRun& run = d.run;
  auto leave = [&](std::string kind, std::string why) {
    out.excluded_kind = std::move(kind);
    out.excluded = std::move(why);
    return out;
  };
  out.deployment = fmt::format("{}|{}|{}|{}|{}|P{}x{}/{}/{}/{}/{} D{}x{}/{}/{}/{}/{}", run.model_path, run.system,
                               run.engine, run.version, run.precision, d.prefill.workers, d.prefill.tp, d.prefill.pp,
                               d.prefill.dp, d.prefill.moe_tp, d.prefill.moe_ep, d.decode.workers, d.decode.tp,
                               d.decode.pp, d.decode.dp, d.decode.moe_tp, d.decode.moe_ep);
  out.engine = run.engine;
  if (d.prefill.workers < 1 || d.decode.workers < 1)
    return leave("workers", "the run does not record its prefill and decode worker counts");
  if (run.concurrency < 1 || run.isl <= 0 || run.osl <= 0 || run.ttft_ms <= 0 || run.tpot_ms <= 0)
    return leave("incomplete", "a field is missing (concurrency, lengths or measured figures)");
  const auto engine = parse_engine(run.engine);
  if (!engine) return leave("engine", fmt::format("engine {} has no model", run.engine));
  // Each pool read as an aggregated replica of its layout, for the catalog ids and layout.
  auto place = [&](const MeasuredPool& p, PoolSpec& spec, std::string& kind, std::string& why) -> const PreparedRun* {
    static thread_local std::vector<PreparedRun> keep;
    MeasuredRun m = run;
    m.mode = "agg";
    m.concurrency = 1;
    m.tp = p.tp;
    m.pp = p.pp;
    m.dp = p.dp;
    m.moe_tp = p.moe_tp;
    m.moe_ep = p.moe_ep;
    m.measured = false;
    keep = prepare_runs(cat, {m});
    const PreparedRun& r = keep.front();
    if (!r.excluded.empty()) {
      kind = r.excluded_kind;
      why = r.excluded;
      return nullptr;
    }
    spec.workers = p.workers;
    spec.gpus = r.gpus;
    spec.layout = r.layout;
    spec.moe_tp = r.moe_tp;
    return &r;
  };
  std::string kind, why;
  DisaggRequest q;
  const PreparedRun* pr = place(d.prefill, q.prefill, kind, why);
  if (!pr) return leave(kind, "prefill pool: " + why);
  out.model_id = pr->model_id;
  out.gpu_id = pr->gpu_id;
  out.precision_id = pr->precision_id;
  out.cls = pr->cls;
  if (!place(d.decode, q.decode, kind, why)) return leave(kind, "decode pool: " + why);
  q.model = out.model_id;
  q.gpu = out.gpu_id;
  q.precision = out.precision_id;
  q.engine = *engine;
  q.input_tokens = run.isl;
  q.output_tokens = run.osl;
  q.concurrency = static_cast<int>(std::lround(run.concurrency));
  out.request = q;
  if (auto why_artefact = artefact(cat, d, q); !why_artefact.empty()) return leave("artefact", why_artefact);
  try {
    out.result = run_disagg(cat, sets, q);
  } catch (const Error& e) {
    return leave("fit", e.what());
  }
  if (!out.result.fits) return leave("fit", out.result.reason);
  return out;
}

namespace {


double median_of(std::vector<double> v) {
  if (v.empty()) return 0;
  const std::size_t n = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n), v.end());
  double m = v[n];
  if (v.size() % 2 == 0) m = 0.5 * (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n)));
  return m;
}

}  // namespace

std::vector<DisaggTerms> fit_disagg_terms(const std::vector<MeasuredDisaggRun>& runs,
                                          const std::vector<DisaggPrediction>& preds,
                                          const std::vector<std::size_t>& use) {
  std::map<std::string, std::vector<std::size_t>> by_engine;
  for (std::size_t i : use)
    if (preds[i].excluded_kind.empty()) by_engine[preds[i].engine].push_back(i);
  std::vector<DisaggTerms> out;
  for (const auto& [engine, rows] : by_engine) {
    std::map<std::string, int> deployments;
    for (std::size_t i : rows) ++deployments[preds[i].deployment];
    if (static_cast<int>(deployments.size()) < min_deployments) continue;
    DisaggTerms t;
    t.engine = engine;
    t.rows = static_cast<int>(rows.size());
    t.deployments = static_cast<int>(deployments.size());
    std::vector<double> logs;
    for (std::size_t i : rows)
      logs.push_back(std::log(runs[i].run.tpot_ms / 1e3 / preds[i].result.unfitted.tpot_s));
    t.decode_scale = std::exp(median_of(logs));
    out.push_back(t);
  }
  return out;
}

std::vector<std::optional<DisaggLoad>> cross_validate_disagg(const std::vector<MeasuredDisaggRun>& runs,
                                                             const std::vector<DisaggPrediction>& preds,
                                                             int folds) {
  std::vector<std::optional<DisaggLoad>> out(preds.size());
  std::vector<int> fold(preds.size(), -1);
  for (std::size_t i = 0; i < preds.size(); ++i)
    if (preds[i].excluded_kind.empty()) fold[i] = static_cast<int>(fnv1a(preds[i].deployment) % folds);
  for (int f = 0; f < folds; ++f) {
    std::vector<std::size_t> train;
    for (std::size_t i = 0; i < preds.size(); ++i)
      if (fold[i] >= 0 && fold[i] != f) train.push_back(i);
    const auto terms = fit_disagg_terms(runs, preds, train);
    for (std::size_t i = 0; i < preds.size(); ++i) {
      if (fold[i] != f) continue;
      const auto it = std::find_if(terms.begin(), terms.end(),
                                   [&](const DisaggTerms& t) { return t.engine == preds[i].engine; });
      out[i] = it == terms.end() ? std::optional<DisaggLoad>(preds[i].result.unfitted)
                                 : solve_with_terms(preds[i].result.timing, *it, preds[i].request.concurrency);
    }
  }
  return out;
}

std::vector<DisaggTerms> fit_disagg_terms_cv(const Catalog& cat, const std::vector<TermSet>& sets,
                                             const std::vector<MeasuredDisaggRun>& runs, const std::string& source) {
  std::vector<DisaggPrediction> preds;
  std::vector<std::size_t> all;
  for (const auto& r : runs) {
    preds.push_back(predict_disagg_run(cat, &sets, r));
    if (preds.back().excluded_kind.empty()) all.push_back(preds.size() - 1);
  }
  auto terms = fit_disagg_terms(runs, preds, all);
  const auto cv = cross_validate_disagg(runs, preds);
  for (auto& t : terms) {
    std::vector<std::pair<double, double>> tpot, ttft;
    for (std::size_t i : all)
      if (preds[i].engine == t.engine && cv[i]) {
        tpot.emplace_back(cv[i]->tpot_s, runs[i].run.tpot_ms / 1e3);
        ttft.emplace_back(cv[i]->ttft_s, runs[i].run.ttft_ms / 1e3);
      }
    const ErrorSummary s = summarise(tpot, ttft);
    t.cv_tpot_median = s.tpot_median;
    t.cv_ttft_median = s.ttft_median;
    t.source = source;
  }
  return terms;
}

const DisaggTerms* find_disagg_terms(const std::vector<DisaggTerms>* terms, std::string_view engine) {
  if (!terms) return nullptr;
  for (const auto& t : *terms)
    if (t.engine == engine) return &t;
  return nullptr;
}

}  // namespace plan::perf
