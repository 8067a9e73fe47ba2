#include "plan/core/serving/calibration.hpp"

#include "plan/core/data/catalog.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "plan/core/base/error.hpp"
#include "plan/core/base/units.hpp"

namespace plan {

double TransformerShape::params_per_layer() const {
  double h = hidden;
  double q = h * heads * head_dim;
  double kv = 2.0 * h * kv_heads * head_dim;
  double o = double(heads) * head_dim * h;
  double mlp = 3.0 * h * ffn;
  return q + kv + o + mlp;
}

double TransformerShape::head_params() const { return double(vocab) * hidden; }

double TransformerShape::active_params() const { return layers * params_per_layer() + head_params(); }

double TransformerShape::kv_elements_per_token_per_layer() const { return 2.0 * kv_heads * head_dim; }

void TransformerShape::validate() const {
  const std::pair<const char*, int> fields[] = {{"layers", layers}, {"hidden", hidden},     {"heads", heads},
                                                {"kv_heads", kv_heads}, {"head_dim", head_dim}, {"ffn", ffn},
                                                {"vocab", vocab}};
  for (const auto& [k, v] : fields) {
    if (v <= 0) throw Error(fmt::format("model '{}': {} is {} (expected a positive whole number)", name, k, v));
  }
  if (heads % kv_heads != 0)
    throw Error(fmt::format("model '{}': heads {} is not a multiple of kv_heads {} (expected grouped-query attention)",
                            name, heads, kv_heads));
}

double bytes_per_element(const std::string& precision) {
  if (precision == "fp32") return 4;
  if (precision == "fp16" || precision == "bf16") return 2;
  if (precision == "fp8" || precision == "int8") return 1;
  if (precision == "int4") return 0.5;
  throw Error(fmt::format("unknown precision '{}' (expected one of: fp32, fp16, bf16, fp8, int8, int4)", precision),
              ExitCode::usage_error);
}

StepCost decode_step_cost(const TransformerShape& s, int layers, double weight_bytes_per_element,
                          double kv_bytes_per_element, int batch, int context) {
  StepCost c;
  double weights = layers * s.params_per_layer() + s.head_params();
  double kv_read = double(layers) * batch * double(context) * s.kv_elements_per_token_per_layer();
  c.bytes = weights * weight_bytes_per_element + kv_read * kv_bytes_per_element;
  // Each new token: 2 FLOPs per weight, and per layer and head q.K over `context` keys
  // plus p.V over `context` values, 2 x head_dim FLOPs each.
  double attention = 4.0 * layers * double(s.heads) * s.head_dim * double(context);
  c.flops = (2.0 * weights + attention) * batch;
  return c;
}

double prefill_flops(const TransformerShape& s, int layers, int tokens) {
  // Layers for every token; the head only for the last one (the next token's logits).
  double layer_weights = layers * s.params_per_layer();
  // Causal attention: token i attends to i+1 keys; summed over n tokens that is n(n+1)/2.
  double pairs = double(tokens) * (double(tokens) + 1.0) / 2.0;
  double attention = 4.0 * layers * double(s.heads) * s.head_dim * pairs;
  return 2.0 * layer_weights * tokens + 2.0 * s.head_params() + attention;
}

namespace {

struct Solve {
  double t_fixed = 0, k_bw = 0, k_fl = 0;
  double sq = 0;  // sum of squared residuals
  bool ok = false;
};

// Non-negative least squares of t = t_fixed + [bw] bytes*k_bw + [!bw] flops*k_fl over the
// current split. With at most three unknowns the exact NNLS solution is found by solving
// the unconstrained problem on every subset of unknowns (the others held at 0) and keeping
// the best subset whose coefficients are all non-negative.
Solve solve_split(const std::vector<DecodePoint>& pts, const std::vector<bool>& bw_bound, bool intercept) {
  // Columns are scaled to unit magnitude so that seconds-per-byte (~1e-12) and the
  // intercept (~1e-3) do not make the QR rank decision meaningless.
  double sb = 0, sf = 0;
  for (const auto& p : pts) {
    sb = std::max(sb, p.bytes);
    sf = std::max(sf, p.flops);
  }
  const auto rows = Eigen::Index(pts.size());
  Eigen::MatrixXd full(rows, 3);
  Eigen::VectorXd t(rows);
  for (std::size_t i = 0; i < pts.size(); ++i) {
    auto r = Eigen::Index(i);
    full(r, 0) = 1.0;
    full(r, 1) = bw_bound[i] ? pts[i].bytes / sb : 0.0;
    full(r, 2) = bw_bound[i] ? 0.0 : pts[i].flops / sf;
    t(r) = pts[i].step_s;
  }
  Solve best;
  for (int mask = intercept ? 1 : 2; mask < 8; mask += intercept ? 1 : 2) {
    std::vector<int> cols;
    for (int c = 0; c < 3; ++c) {
      if (mask & (1 << c)) cols.push_back(c);
    }
    // A column of zeros (no point in that class) cannot be fitted.
    bool empty = false;
    for (int c : cols) empty = empty || full.col(c).isZero(0);
    if (empty || Eigen::Index(cols.size()) > rows) continue;
    Eigen::MatrixXd a(rows, Eigen::Index(cols.size()));
    for (std::size_t j = 0; j < cols.size(); ++j) a.col(Eigen::Index(j)) = full.col(cols[j]);
    auto qr = a.colPivHouseholderQr();
    if (qr.rank() < a.cols()) continue;
    Eigen::VectorXd x = qr.solve(t);
    if ((x.array() < 0).any()) continue;
    Solve s;
    for (std::size_t j = 0; j < cols.size(); ++j) {
      double v = x(Eigen::Index(j));
      if (cols[j] == 0) s.t_fixed = v;
      if (cols[j] == 1) s.k_bw = v / sb;
      if (cols[j] == 2) s.k_fl = v / sf;
    }
    s.sq = (a * x - t).squaredNorm();
    s.ok = true;
    // Ties (within rounding) go to the subset found first, i.e. the one with fewer unknowns
    // is not preferred over an exact fit; strictly smaller residuals win.
    if (!best.ok || s.sq < best.sq * (1 - 1e-12)) best = s;
  }
  return best;
}

}  // namespace

EfficiencyFit fit_decode_roofline(const std::vector<DecodePoint>& points, double initial_bw, double initial_flops) {
  if (points.empty()) throw Error("no decode points to fit (expected at least one batch size)");
  for (const auto& p : points) {
    if (!(p.step_s > 0) || !(p.bytes > 0) || !(p.flops > 0))
      throw Error(fmt::format("decode point at batch {} has a non-positive time, byte or FLOP count", p.batch));
  }
  std::vector<bool> bw_bound(points.size(), true);
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (initial_bw > 0 && initial_flops > 0) bw_bound[i] = points[i].bytes / initial_bw >= points[i].flops / initial_flops;
  }
  // Attempts, first that yields a bandwidth term wins: the split from the given peaks with
  // a free intercept; the same through the origin (when the fixed cost absorbs the
  // bandwidth term because too few points are bandwidth-bound to separate the two); then
  // both again starting from every point bandwidth-bound (when the peaks put all points on
  // the compute branch).
  const std::vector<bool> given_split = bw_bound;
  Solve s;
  int iterations = 0;
  bool intercept = true;
  for (int attempt = 0; attempt < 4; ++attempt) {
    intercept = attempt % 2 == 0;
    bw_bound = attempt < 2 ? given_split : std::vector<bool>(points.size(), true);
    for (iterations = 0; iterations < 20; ++iterations) {
      s = solve_split(points, bw_bound, intercept);
      if (!s.ok) throw Error("decode points do not determine the fit (expected more distinct batch sizes)");
      std::vector<bool> next(points.size(), true);
      for (std::size_t i = 0; i < points.size(); ++i) next[i] = points[i].bytes * s.k_bw >= points[i].flops * s.k_fl;
      if (next == bw_bound) break;
      bw_bound = next;
    }
    if (s.k_bw > 0) break;
  }
  if (!(s.k_bw > 0))
    throw Error("decode step time does not grow with bytes moved (expected a positive seconds-per-byte slope; "
                "try larger batch or context ranges)");
  EfficiencyFit f;
  f.t_fixed_s = s.t_fixed;
  f.seconds_per_byte = s.k_bw;
  f.seconds_per_flop = s.k_fl;
  f.points = int(points.size());
  double sq = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    (bw_bound[i] ? f.bandwidth_bound_points : f.compute_bound_points)++;
    double model = s.t_fixed + std::max(points[i].bytes * s.k_bw, points[i].flops * s.k_fl);
    sq += (model - points[i].step_s) * (model - points[i].step_s);
  }
  f.rms_residual_s = std::sqrt(sq / double(points.size()));
  f.method = fmt::format(
      "non-negative least squares (Eigen column-pivoting QR over subsets) of step_s = t_fixed + max(bytes*k_bw, "
      "flops*k_fl); points split by branch and refitted until the split is stable ({} iteration{}){}",
      iterations + 1, iterations == 0 ? "" : "s",
      intercept ? "" : "; t_fixed held at 0 because a free intercept left no bandwidth term");
  return f;
}

Efficiencies efficiencies_from_fit(const EfficiencyFit& fit, double reference_bandwidth_bytes_per_s,
                                   double reference_flops_per_s, std::string reference_source,
                                   double prefill_flops_per_s) {
  if (!(reference_bandwidth_bytes_per_s > 0)) throw Error("reference bandwidth is not positive");
  Efficiencies e;
  e.t_fixed_s = fit.t_fixed_s;
  e.reference_bandwidth_bytes_per_s = reference_bandwidth_bytes_per_s;
  e.reference_flops_per_s = reference_flops_per_s;
  e.reference_source = std::move(reference_source);
  if (fit.seconds_per_byte > 0) e.e_bw = 1.0 / fit.seconds_per_byte / reference_bandwidth_bytes_per_s;
  if (reference_flops_per_s > 0) {
    if (fit.seconds_per_flop > 0) {
      e.e_fl = 1.0 / fit.seconds_per_flop / reference_flops_per_s;
    } else if (prefill_flops_per_s > 0) {
      // Decode never reached the compute branch: prefill, which is compute-bound, gives e_fl.
      e.e_fl = prefill_flops_per_s / reference_flops_per_s;
    }
  }
  return e;
}

namespace {
// How a replaced reference is said in the reference source, which plans read back.
constexpr const char* kBandwidthReplaced = "; reference bandwidth replaced by";
constexpr const char* kFlopsReplaced = "; reference FLOP rate replaced by";
}  // namespace

bool reference_bandwidth_replaced(const Efficiencies& e) {
  return e.reference_source.find(kBandwidthReplaced) != std::string::npos;
}
bool reference_flops_replaced(const Efficiencies& e) {
  return e.reference_source.find(kFlopsReplaced) != std::string::npos;
}

Efficiencies bounded_efficiencies(const EfficiencyFit& fit, double reference_bandwidth_bytes_per_s,
                                  double reference_flops_per_s, std::string reference_source,
                                  double prefill_flops_per_s, const std::function<double()>& measure_copy,
                                  double measured_flops_per_s, std::vector<std::string>& notes) {
  Efficiencies e = efficiencies_from_fit(fit, reference_bandwidth_bytes_per_s, reference_flops_per_s,
                                         std::move(reference_source), prefill_flops_per_s);
  if (e.e_bw > 1) {
    const double effective = e.e_bw * e.reference_bandwidth_bytes_per_s;
    const double copy = measure_copy ? measure_copy() : 0.0;
    std::string why = fmt::format("e_bw {:.2f} against the reference bandwidth {:.2f} GB/s means that reference is "
                                  "wrong for this device",
                                  e.e_bw, e.reference_bandwidth_bytes_per_s / 1e9);
    if (copy > 0 && effective <= copy) {
      e.reference_bandwidth_bytes_per_s = copy;
      e.reference_source += fmt::format("{} a STREAM-style copy measured on this device ({:.2f} GB/s)",
                                        kBandwidthReplaced, copy / 1e9);
      why += fmt::format(": the reference bandwidth is a STREAM-style copy measured on this device, {:.2f} GB/s",
                         copy / 1e9);
    } else {
      e.reference_bandwidth_bytes_per_s = effective;
      e.reference_source += fmt::format("{} the fit's own effective {:.2f} GB/s{}", kBandwidthReplaced, effective / 1e9,
                                        copy > 0 ? fmt::format(" (a STREAM-style copy on this device reached "
                                                               "{:.2f} GB/s, less)",
                                                               copy / 1e9)
                                                 : std::string());
      why += fmt::format("{}: the reference bandwidth is the fit's own effective {:.2f} GB/s, so e_bw is 1",
                         copy > 0 ? fmt::format(", and a STREAM-style copy on it reached only {:.2f} GB/s", copy / 1e9)
                                  : std::string(),
                         effective / 1e9);
    }
    e.e_bw = effective / e.reference_bandwidth_bytes_per_s;
    notes.push_back(why);
  }
  if (e.e_fl && *e.e_fl > 1) {
    const double effective = *e.e_fl * e.reference_flops_per_s;
    std::string why = fmt::format("e_fl {:.2f} against the reference {:.4g} TFLOPS means that reference is wrong "
                                  "for this device",
                                  *e.e_fl, e.reference_flops_per_s / 1e12);
    if (measured_flops_per_s > 0 && effective <= measured_flops_per_s) {
      e.reference_flops_per_s = measured_flops_per_s;
      e.reference_source += fmt::format("{} the GEMM measured on this device ({:.4g} TFLOPS)", kFlopsReplaced,
                                        measured_flops_per_s / 1e12);
      why += fmt::format(": the reference is the GEMM measured on this device, {:.4g} TFLOPS",
                         measured_flops_per_s / 1e12);
    } else {
      e.reference_flops_per_s = effective;
      e.reference_source += fmt::format("{} the fit's own effective {:.4g} TFLOPS", kFlopsReplaced, effective / 1e12);
      why += fmt::format(": the reference is the fit's own effective {:.4g} TFLOPS, so e_fl is 1", effective / 1e12);
    }
    e.e_fl = effective / e.reference_flops_per_s;
    notes.push_back(why);
  }
  return e;
}

bool calibration_matches(const Calibration& c, const CalibrationKey& key) {
  return c.model == key.model && c.gpu == key.gpu && c.precision == key.precision &&
         c.gpus_per_replica == key.gpus_per_replica && c.parallel == key.parallel;
}

TransformerShape probe_shape(const ModelArch& m) {
  const int ffn = m.is_moe() ? (m.top_k + m.shared_experts) * m.expert_ffn() : m.ffn;
  return TransformerShape{m.id, m.layers, m.hidden, m.heads, m.kv_heads, m.head_dim, ffn, m.vocab};
}

std::optional<TransformerShape> builtin_shape(const std::string& name) {
  // A small Llama-shaped model: 4 x 692,224 layer weights + 8,192,000 head = 10,960,896
  // parameters (44 MB in fp32), which the CPU probe runs in milliseconds per step.
  if (name == "tiny") return TransformerShape{"tiny", 4, 256, 8, 2, 32, 688, 32000};
  return std::nullopt;
}

const char* to_string(ModelCheck c) {
  switch (c) {
    case ModelCheck::matched: return "matched";
    case ModelCheck::forced: return "forced";
    case ModelCheck::unchecked: return "unchecked";
  }
  return "?";
}

std::optional<ModelCheck> model_check_from_string(const std::string& s) {
  for (ModelCheck c : {ModelCheck::matched, ModelCheck::forced, ModelCheck::unchecked}) {
    if (s == to_string(c)) return c;
  }
  return std::nullopt;
}

const char* serving_format_name(ServingFormat f) {
  switch (f) {
    case ServingFormat::vllm_serve: return "vllm-bench-serve";
    case ServingFormat::vllm_throughput: return "vllm-bench-throughput";
    case ServingFormat::guidellm: return "guidellm";
  }
  return "?";
}

std::optional<ServingFormat> serving_format_from_name(const std::string& s) {
  for (ServingFormat f : {ServingFormat::vllm_serve, ServingFormat::vllm_throughput, ServingFormat::guidellm}) {
    if (s == serving_format_name(f)) return f;
  }
  return std::nullopt;
}

const char* to_string(CalibrationKind k) { return k == CalibrationKind::import ? "import" : "probe"; }

ProbeReference probe_reference(const ProbeResult& r, ProbeBackend backend, const std::string& precision,
                               const GpuSpec* spec) {
  const bool cuda = backend == ProbeBackend::cuda;
  ProbeReference ref{r.stream_bandwidth_bytes_per_s, r.gemm_flops_per_s,
                     fmt::format("measured on this device: {} streaming kernel, large GEMM",
                                 cuda ? "triad" : "STREAM triad"),
                     ""};
  if (!spec) return ref;
  const bool gpu_match = spec->device == DeviceKind::gpu && cuda && (precision == "bf16" || precision == "fp16");
  const bool cpu_match = spec->device == DeviceKind::cpu && !cuda;
  if (gpu_match || cpu_match) {
    ref.bandwidth_bytes_per_s = spec->hbm_gb_per_s * bytes_per_gb;
    ref.flops_per_s = spec->bf16_tflops * 1e12;
    ref.source = fmt::format("catalog gpu {} ({} line {}: {} GB/s, {} TFLOPS {})", spec->id, catalog_file(*spec), spec->line,
                             spec->hbm_gb_per_s, spec->bf16_tflops, cpu_match ? "fp32" : "bf16");
  } else {
    ref.not_catalog_why = fmt::format("efficiencies are relative to this device's own measurements, not to catalog "
                                      "gpu {} (that needs --backend cuda at bf16 or fp16{})",
                                      spec->id,
                                      spec->device == DeviceKind::cpu ? ", or --backend cpu for a catalog cpu entry" : "");
  }
  return ref;
}

double probe_prefill_flops_per_s(const TransformerShape& shape, const ProbeResult& r) {
  return prefill_flops(shape, shape.layers, r.prefill_tokens) / r.prefill_s;
}

const char* to_string(ProbeBackend b) { return b == ProbeBackend::cuda ? "cuda" : "cpu"; }

void check_result_model(const ModelArch* m, const std::string& model, bool force, const std::string& file,
                        ServingMeasurement& s) {
  if (!s.tool_model && !s.tool_tokenizer) {
    s.model_check = ModelCheck::unchecked;
    return;
  }
  const std::vector<std::string> none;
  const std::vector<std::string>& ids = m ? m->hf_ids : none;
  auto matches = [&](const std::optional<std::string>& name) { return name && model_name_matches(*name, model, ids); };
  if (matches(s.tool_model) || matches(s.tool_tokenizer)) {
    s.model_check = ModelCheck::matched;
    return;
  }
  if (force) {
    s.model_check = ModelCheck::forced;
    return;
  }
  std::string known = !m ? std::string("not a catalog model, so only its own name is accepted")
                          : ids.empty() ? std::string("catalog hf_ids: none")
                                        : fmt::format("catalog hf_ids: {}", fmt::join(ids, ", "));
  throw Error(SourceLoc{file, 0, 0},
              fmt::format("result file is for model '{}', not {} ({}); pass --force to import it anyway",
                          s.tool_model ? *s.tool_model : *s.tool_tokenizer, model, known));
}

Parallel checked_layout(const ModelArch* m, const std::string& model, Parallel p) {
  if (p == Parallel::tp) return p;
  if (!m || !m->is_moe())
    throw Error(fmt::format("--parallel {} splits routed experts, and {} is {} (expected --parallel tp, or a "
                            "mixture-of-experts catalog model)",
                            to_string(p), model, m ? "a dense model" : "not a catalog model"),
                ExitCode::usage_error);
  return p;
}

}  // namespace plan
