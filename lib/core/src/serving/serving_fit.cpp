#include "plan/core/serving/serving_fit.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <limits>

namespace plan::perf {

Catalog scaled_catalog(const Catalog& base, const std::string& gpu, const TimeScales& s) {
  Catalog cat = base;
  const Efficiency& eff = base.efficiency;
  for (auto& g : cat.gpus) {
    if (g.id != gpu) continue;
    g.e_bw = g.e_bw.value_or(eff.e_bw.value) / s.memory;
    g.e_fl_16 = g.e_fl_16.value_or(eff.e_fl_16.value) / s.compute;
    g.e_fl_8 = g.e_fl_8.value_or(eff.e_fl_8.value) / s.compute;
  }
  cat.efficiency.step_overhead_ms.value *= s.fixed;
  cat.efficiency.layer_overhead_us.value *= s.fixed;
  return cat;
}

namespace {

// The three scaled terms, in this order, in every equation.
constexpr int kMemory = 0, kCompute = 1, kFixed = 2;
constexpr const char* kTermName[] = {"memory", "compute", "fixed"};
// A term that is under this share of every measurement is not determined by them.
constexpr double kIdentified = 0.05;

// The parts of a time that the scales act on, plus the part they do not (all-reduces).
struct Parts {
  std::array<double, 3> scaled{};  // memory, compute, fixed
  double unscaled = 0;
};

Parts parts_of(const StepTime& st, double weight) {
  Parts p;
  p.scaled = {st.memory * weight, st.compute * weight, st.fixed * weight};
  p.unscaled = st.comm * weight;
  return p;
}

Parts operator+(Parts a, const Parts& b) {
  for (int j = 0; j < 3; ++j) a.scaled[j] += b.scaled[j];
  a.unscaled += b.unscaled;
  return a;
}

// One usable measurement.
struct Measurement {
  enum class Kind { latency, offline, first_token } kind;
  ServingObservation obs;
  double tpot_s = 0;  // latency runs
};

// One equation: sum_j coef[j] * scale[j] + unscaled = rhs, with coef at scale 1.
struct Equation {
  std::array<double, 3> coef{};
  double unscaled = 0;
  double rhs = 0;
};

Equation equation(const PerfModel& pm, const Measurement& m, const TimeScales& s) {
  const ServingObservation& o = m.obs;
  const double ctx = o.input_tokens + o.output_tokens / 2.0;
  Parts p;
  Equation e;
  if (m.kind == Measurement::Kind::latency) {
    // T = t_dec(B, C) + r T prefill_work(I)
    p = parts_of(pm.decode_step(o.batch, ctx), 1.0) +
        parts_of(pm.prefill_work_parts(o.input_tokens), o.requests_per_s * m.tpot_s);
    e.rhs = m.tpot_s;
  } else if (m.kind == Measurement::Kind::first_token) {
    // An idle replica: TTFT = t_pre(I).
    p = parts_of(pm.prefill(o.input_tokens), 1.0);
    e.rhs = o.measured / 1e3;
  } else {
    // B / r = B prefill_work(I) + S t_dec(B, C), S = decode_steps(O): the prefill emits the
    // first token, as in ServingModel::capacity_at.
    p = parts_of(pm.prefill_work_parts(o.input_tokens), o.batch) +
        parts_of(pm.decode_step(o.batch, ctx), decode_steps(o.output_tokens));
    e.rhs = o.batch / o.requests_per_s;
  }
  const std::array<double, 3> at{s.memory, s.compute, s.fixed};
  for (int j = 0; j < 3; ++j) e.coef[j] = p.scaled[j] / at[j];
  e.unscaled = p.unscaled;
  return e;
}

// What the model predicts for a measurement, in the measurement's own unit.
double predict(const PerfModel& pm, const Measurement& m) {
  const ServingObservation& o = m.obs;
  const double ctx = o.input_tokens + o.output_tokens / 2.0;
  if (m.kind == Measurement::Kind::latency) {
    const double share = 1.0 - o.requests_per_s * pm.prefill_work(o.input_tokens);
    if (share <= 0) return std::numeric_limits<double>::infinity();
    return pm.t_dec(o.batch, ctx) / share * 1e3;
  }
  if (m.kind == Measurement::Kind::first_token) return pm.t_pre(o.input_tokens) * 1e3;
  return o.batch * o.output_tokens /
         (o.batch * pm.prefill_work(o.input_tokens) + decode_steps(o.output_tokens) * pm.t_dec(o.batch, ctx));
}

// A way of tying the scales: each group shares one free parameter; terms in no group are
// held at 1.
using Grouping = std::vector<std::vector<int>>;

const std::vector<Grouping>& groupings() {
  static const std::vector<Grouping> g = {
      {{kMemory}, {kCompute}, {kFixed}},
      {{kMemory}, {kCompute}},
      {{kMemory, kCompute}, {kFixed}},
      {{kMemory, kCompute}},
      {{kMemory, kCompute, kFixed}},
  };
  return g;
}

struct Solution {
  bool ok = false;
  TimeScales s;
  Grouping groups;
  bool richer_rejected = false;  // a candidate with more free scales had enough measurements but failed
};

// `e_bw`, `e_fl`: the catalog's efficiencies for this deployment, which a solution may not
// push above 1.
Solution solve(const std::vector<Equation>& eqs, const std::array<bool, 3>& identified, double e_bw, double e_fl) {
  const auto n = Eigen::Index(eqs.size());
  bool rejected = false;
  for (const Grouping& candidate : groupings()) {
    // Terms that no measurement determines are held rather than fitted.
    Grouping groups;
    for (const auto& g : candidate) {
      std::vector<int> kept;
      for (int j : g)
        if (identified[std::size_t(j)]) kept.push_back(j);
      if (!kept.empty()) groups.push_back(kept);
    }
    const auto p = Eigen::Index(groups.size());
    if (p == 0 || p > n) continue;
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, p);
    Eigen::VectorXd y(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const Equation& e = eqs[std::size_t(i)];
      double held = e.unscaled;
      std::array<bool, 3> in_group{};
      for (Eigen::Index k = 0; k < p; ++k) {
        for (int j : groups[std::size_t(k)]) {
          a(i, k) += e.coef[std::size_t(j)] / e.rhs;
          in_group[std::size_t(j)] = true;
        }
      }
      for (int j = 0; j < 3; ++j)
        if (!in_group[std::size_t(j)]) held += e.coef[std::size_t(j)];
      y(i) = 1.0 - held / e.rhs;
    }
    auto qr = a.colPivHouseholderQr();
    // Columns are relative contributions (order 0.01 to 1): a pivot under 1e-3 of the
    // largest means the measurements cannot tell the parameters apart.
    qr.setThreshold(1e-3);
    // Whether a richer candidate with enough measurements failed before this one.
    const bool richer_failed = rejected;
    rejected = true;
    if (qr.rank() < p) continue;
    Eigen::VectorXd z = qr.solve(y);
    if (!(z.array() > 0).all() || !z.allFinite()) continue;
    Solution sol;
    std::array<double, 3> scale{1, 1, 1};
    for (Eigen::Index k = 0; k < p; ++k)
      for (int j : groups[std::size_t(k)]) scale[std::size_t(j)] = z(k);
    sol.s = {scale[0], scale[1], scale[2]};
    // Faster than the spec sheet allows: the files do not describe this deployment.
    if (e_bw / sol.s.memory > 1.0 || e_fl / sol.s.compute > 1.0) continue;
    sol.ok = true;
    sol.groups = groups;
    sol.richer_rejected = richer_failed;
    return sol;
  }
  return {};
}

std::string group_name(const std::vector<int>& g) {
  std::string s;
  for (int j : g) s += (s.empty() ? "" : "=") + std::string(kTermName[j]);
  return s;
}

double rms_relative(const std::vector<ServingObservation>& obs, double ServingObservation::*field) {
  double sq = 0;
  for (const auto& o : obs) {
    double e = (o.*field - o.measured) / o.measured;
    sq += e * e;
  }
  return obs.empty() ? 0 : std::sqrt(sq / double(obs.size()));
}

// One imported file's serving measurement, read into the fit's measurements (and a first-token
// measurement where it ran one request at a time); a file the fit cannot use gets a note
// saying why.
void read_measurement(const Calibration& c, const PerfModel& base, ServingFit& fit, std::vector<Measurement>& ms) {
  const ServingMeasurement& s = *c.serving;
  Measurement x;
  x.obs.source = c.path;
  auto skip = [&](const std::string& why) { fit.notes.push_back(fmt::format("{} not used: {}", c.path, why)); };
  if (!s.mean_input_tokens || !s.mean_output_tokens || !(*s.mean_input_tokens >= 1) || !(*s.mean_output_tokens >= 1)) {
    skip("it does not give the mean input and output tokens per request (import it with --input-len and --output-len)");
    return;
  }
  if (!s.requests_per_s || !(*s.requests_per_s > 0)) {
    skip("it gives no completed requests per second");
    return;
  }
  // Beyond these the model's arithmetic overflows; no real run comes near them.
  auto sane = [](double v, double max) { return std::isfinite(v) && v <= max; };
  if (!sane(*s.mean_input_tokens, 1e7) || !sane(*s.mean_output_tokens, 1e7) || !sane(*s.requests_per_s, 1e9) ||
      (s.tpot_mean_ms && !sane(*s.tpot_mean_ms, 1e7)) || (s.output_tokens_per_s && !sane(*s.output_tokens_per_s, 1e12)) ||
      (s.ttft_mean_ms && !sane(*s.ttft_mean_ms, 1e9))) {
    skip("its figures are out of range (more than 1e7 tokens per request, 1e9 requests/s or 1e7 ms per token)");
    return;
  }
  x.obs.input_tokens = *s.mean_input_tokens;
  x.obs.output_tokens = *s.mean_output_tokens;
  x.obs.requests_per_s = *s.requests_per_s;
  if (s.tpot_mean_ms && *s.tpot_mean_ms > 0) {
    x.kind = Measurement::Kind::latency;
    x.tpot_s = *s.tpot_mean_ms / 1e3;
    const double out_rate = s.output_tokens_per_s.value_or(x.obs.requests_per_s * x.obs.output_tokens);
    x.obs.batch = std::max(1.0, out_rate * x.tpot_s);
    if (x.obs.batch > 1e6) {
      skip(fmt::format("it implies {:.3g} sequences decoding at once (output tok/s x TPOT)", x.obs.batch));
      return;
    }
    x.obs.figure = "TPOT ms";
    x.obs.measured = *s.tpot_mean_ms;
  } else {
    x.kind = Measurement::Kind::offline;
    ServingModel sm(base, x.obs.input_tokens, x.obs.output_tokens);
    if (sm.max_batch() <= 0) {
      skip("the model does not fit this deployment at its request length");
      return;
    }
    // An offline run of N requests never has more than N in flight: the batch is the
    // replica's limit (KV cache, max_batch_seqs per scheduler) or N, whichever is smaller.
    x.obs.batch = s.requests && *s.requests >= 1 ? std::min<double>(sm.max_batch(), std::floor(*s.requests))
                                                 : sm.max_batch();
    x.obs.figure = "output tok/s";
    x.obs.measured = x.obs.requests_per_s * x.obs.output_tokens;
  }
  x.obs.catalog = predict(base, x);
  ms.push_back(x);
  // One request at a time: each prompt meets an idle replica, so TTFT is its prefill.
  if (x.kind == Measurement::Kind::latency && s.concurrency && *s.concurrency <= 1.0 && s.ttft_mean_ms &&
      *s.ttft_mean_ms > 0) {
    Measurement t = x;
    t.kind = Measurement::Kind::first_token;
    t.obs.figure = "TTFT ms";
    t.obs.batch = 1;
    t.obs.measured = *s.ttft_mean_ms;
    t.obs.catalog = predict(base, t);
    ms.push_back(t);
  }
}

// The time scales found by iterating: each round solves the equations at the catalog
// scaled by the last round's scales, until the scales repeat (stable) or 30 rounds.
struct ScaleSearch {
  TimeScales s;
  Solution sol;
  int iterations = 0;
  bool stable = false;
  std::array<bool, 3> identified{};
};

ScaleSearch search_scales(const Catalog& cat, const ModelArch& m, const GpuSpec& gpu, const Precision& weights,
                          const Precision& kv, int tp, Parallel layout, Engine engine, const std::vector<Measurement>& ms,
                          double e_fl) {
  ScaleSearch r;
  TimeScales& s = r.s;
  Solution& sol = r.sol;
  std::array<bool, 3>& identified = r.identified;
  for (r.iterations = 1; r.iterations <= 30; ++r.iterations) {
    const Catalog scaled = scaled_catalog(cat, gpu.id, s);
    const PerfModel pm(m, *scaled.find_gpu(gpu.id), weights, kv, tp, scaled.efficiency, layout, 1, engine);
    std::vector<Equation> eqs;
    identified = {};
    for (const auto& x : ms) {
      eqs.push_back(equation(pm, x, s));
      for (int j = 0; j < 3; ++j)
        identified[std::size_t(j)] = identified[std::size_t(j)] || eqs.back().coef[std::size_t(j)] >= kIdentified * eqs.back().rhs;
    }
    sol = solve(eqs, identified, gpu.e_bw.value_or(cat.efficiency.e_bw.value), e_fl);
    if (!sol.ok) break;
    const bool same = std::abs(sol.s.memory - s.memory) <= 1e-12 * s.memory &&
                      std::abs(sol.s.compute - s.compute) <= 1e-12 * s.compute &&
                      std::abs(sol.s.fixed - s.fixed) <= 1e-12 * s.fixed;
    s = sol.s;
    if (same) {
      r.stable = true;
      break;
    }
  }
  return r;
}

// The terms the solution fitted, and each term held at the catalog with why.
void name_terms(const Solution& sol, const std::array<bool, 3>& identified, ServingFit& fit) {
  std::array<bool, 3> free{};
  for (const auto& g : sol.groups) {
    fit.fitted.push_back(group_name(g));
    for (int j : g) free[std::size_t(j)] = true;
  }
  for (int j = 0; j < 3; ++j) {
    if (free[std::size_t(j)]) continue;
    fit.held.push_back(fmt::format("{} ({})", kTermName[j],
                                   !identified[std::size_t(j)] ? "under 5% of every measured time"
                                   : sol.richer_rejected
                                       ? "these measurements do not determine it with the others: a fit with it free "
                                         "was not positive or its columns not independent"
                                       : "too few measurements to fit it as well"));
  }
}

// The engine the imported runs measured: the first that records one; vllm otherwise.
Engine measured_engine(const std::vector<Calibration>& imports) {
  for (const auto& c : imports)
    if (auto e = parse_engine_choice(c.engine)) return e->engine;
  return Engine::vllm;
}

}  // namespace

ServingFit fit_serving(const Catalog& cat, const ModelArch& m, const GpuSpec& gpu, const Precision& weights,
                       const Precision& kv, int tp, const std::vector<Calibration>& imports, Parallel layout) {
  ServingFit fit;
  // The engine's batch limit bounds an offline run's batch.
  const Engine engine = measured_engine(imports);
  const PerfModel base(m, gpu, weights, kv, tp, cat.efficiency, layout, 1, engine);
  // Requests of one token: what fails here (the layout, the heads split, the weights) fails
  // for every measurement.
  if (std::string why = deployment_problem(base, 1.0); !why.empty()) {
    fit.problem = fmt::format("{} on {} GPU{} of {} in layout {} cannot be modelled: {}", m.id, tp, tp == 1 ? "" : "s",
                              gpu.id, to_string(layout), why);
    return fit;
  }
  std::vector<Measurement> ms;
  for (const auto& c : imports)
    if (c.serving) read_measurement(c, base, fit, ms);
  if (ms.empty()) {
    fit.problem = "no usable serving measurement";
    return fit;
  }

  const double e_fl = gemm_efficiency(gpu, weights, cat.efficiency);
  ScaleSearch search = search_scales(cat, m, gpu, weights, kv, tp, layout, engine, ms, e_fl);
  const TimeScales& s = search.s;
  const Solution& sol = search.sol;
  const int iterations = search.iterations;
  const bool stable = search.stable;
  if (!sol.ok) {
    fit.problem = "the measurements need times no positive scaling of the catalog model gives, or efficiencies above "
                  "100% of the spec figures (check the model, GPU, precision, GPU count and "
                  "layout the files were imported with)";
    for (auto& x : ms) fit.observations.push_back(x.obs);
    return fit;
  }
  fit.ok = true;
  fit.scales = s;
  name_terms(sol, search.identified, fit);
  const Catalog scaled = scaled_catalog(cat, gpu.id, s);
  const PerfModel pm(m, *scaled.find_gpu(gpu.id), weights, kv, tp, scaled.efficiency, layout, 1, engine);
  for (auto& x : ms) {
    x.obs.fitted = predict(pm, x);
    fit.observations.push_back(x.obs);
  }
  const double e_bw_after = gpu.e_bw.value_or(cat.efficiency.e_bw.value) / s.memory;
  const double e_fl_after = e_fl / s.compute;
  if (e_bw_after < 0.1 || e_fl_after < 0.1)
    fit.notes.push_back(fmt::format("the fitted efficiencies (e_bw {:.3f}, e_fl {:.3f}) are under 10% of the spec "
                                    "figures: check that the files were imported for this model, GPU, precision, "
                                    "GPU count and layout, and that the runs were not limited by something else (client, network)",
                                    e_bw_after, e_fl_after));
  fit.rms_error_catalog = rms_relative(fit.observations, &ServingObservation::catalog);
  fit.rms_error_fitted = rms_relative(fit.observations, &ServingObservation::fitted);
  fit.method = fmt::format(
      "least squares (Eigen column-pivoting QR) of {} measurement{} weighted by 1/measured; fitted: {}; {} "
      "iteration{}{}",
      ms.size(), ms.size() == 1 ? "" : "s", fmt::join(fit.fitted, ", "), iterations, iterations == 1 ? "" : "s",
      stable ? "" : " (branches not yet stable: last solution kept)");
  return fit;
}

std::optional<ServingFit> fit_serving_deployment(const Catalog& cat, const std::vector<Calibration>& imports) {
  if (imports.empty()) return std::nullopt;
  const Calibration& c = imports.front();
  const ModelArch* m = cat.find_model(c.model);
  const GpuSpec* gpu = cat.find_gpu(c.gpu);
  const Precision* w = cat.find_precision(c.precision);
  if (!m || !gpu || !w || !is_tp_degree(c.gpus_per_replica)) return std::nullopt;
  const Precision* kv = cat.find_precision(w->kv_default());
  if (!kv) return std::nullopt;
  return fit_serving(cat, *m, *gpu, *w, *kv, c.gpus_per_replica, imports, c.parallel);
}

}  // namespace plan::perf
