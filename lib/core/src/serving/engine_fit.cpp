#include "plan/core/serving/engine_fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cstdint>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <set>

#include "plan/core/base/text.hpp"
#include "plan/core/serving/perf.hpp"
#include "plan/core/serving/perf_run.hpp"

namespace plan::perf {

const char* to_string(Engine e) {
  switch (e) {
    case Engine::vllm: return "vllm";
    case Engine::sglang: return "sglang";
    case Engine::trtllm: return "trtllm";
  }
  return "vllm";
}

std::optional<Engine> parse_engine(std::string_view name) {
  if (name == "vllm") return Engine::vllm;
  if (name == "sglang") return Engine::sglang;
  if (name == "trtllm" || name == "tensorrt-llm") return Engine::trtllm;
  return std::nullopt;
}

std::optional<EngineChoice> parse_engine_choice(std::string_view text) {
  EngineChoice c;
  c.given = true;
  const auto at = text.find('@');
  const auto e = parse_engine(text.substr(0, at));
  if (!e) return std::nullopt;
  c.engine = *e;
  if (at != std::string_view::npos) {
    c.version = std::string(text.substr(at + 1));
    if (c.version.empty()) return std::nullopt;
  }
  return c;
}

std::string describe(const EngineChoice& e) {
  std::string s = to_string(e.engine);
  if (!e.version.empty()) s += " " + e.version;
  if (!e.given) s += " (default)";
  if (e.max_batch_seqs > 0) s += fmt::format(", max_batch_seqs {}", e.max_batch_seqs);
  return s;
}

const char* to_string(ModelClass c) {
  switch (c) {
    case ModelClass::dense: return "dense";
    case ModelClass::moe: return "moe";
    case ModelClass::mla: return "mla";
  }
  return "dense";
}

namespace {
constexpr std::array<TermInfo, tpot_terms> tpot_info = {{
    {"step", "s", "fixed cost of every forward step (scheduling, sampling, launch)"},
    {"layer", "s per layer", "cost per layer per step (kernel launches and synchronisation)"},
    {"sequence", "s per sequence", "cost per sequence per step on the busiest rank (batch bookkeeping, sampling)"},
    {"weights", "1/efficiency",
     "inverse efficiency of the weight GEMMs' roofline (max of weight reads at spec bandwidth and FLOPs at spec rate), "
     "16-bit kernels (bf16, or weights dequantised on the fly)"},
    {"moe_weights", "1/efficiency",
     "inverse efficiency of the routed experts' grouped GEMMs on their roofline (weights of the experts touched, "
     "FLOPs of the tokens routed), 16-bit kernels"},
    {"expert_gemm", "s per expert GEMM",
     "cost of each routed expert's GEMM a GPU runs in a step (tile padding and launch of a group with few tokens)"},
    {"attention_gqa", "1/efficiency",
     "inverse efficiency of grouped-query attention's roofline (KV reads at spec bandwidth, FLOPs)"},
    {"attention_mla", "1/efficiency",
     "inverse efficiency of latent attention's roofline (MLA: compressed KV reads at spec bandwidth, FLOPs)"},
    {"collectives", "x catalog", "scale of the all-reduce / all-to-all time at the catalog's latency and spec link"},
    {"moe_weights_scaled", "1/efficiency",
     "inverse efficiency of the routed experts' grouped GEMMs in a block-scaled 8- or 4-bit format the GPU's tensor "
     "cores run (FP8, NVFP4, MXFP4 on Blackwell), on their roofline"},
    {"weights_scaled", "1/efficiency",
     "inverse efficiency of the other weight GEMMs in a block-scaled 8- or 4-bit format the GPU's tensor cores run"},
    {"expert_dispatch", "s per all-to-all",
     "latency of each all-to-all that sends tokens to their experts' ranks and back under data-parallel attention "
     "(dispatch and combine, two per MoE layer per step), beyond the catalog's collective latency"},
    {"sequence_layer", "s per sequence per layer",
     "cost per sequence per layer per step on the busiest rank (the per-token kernels of each layer: norms, rotary "
     "embedding, activations, residual adds, and attention's per-sequence set-up)"},
    {"prefill_interference", "1/efficiency",
     "inverse efficiency of the prefill work other requests put between a request's decode steps"},
}};

constexpr std::array<TermInfo, ttft_terms> ttft_info = {{
    {"ttft_fixed", "s", "fixed cost of a request's first token (admission, tokenisation, first step)"},
    {"ttft_layer", "s per layer", "cost per layer of a prefill step, which engines run without CUDA graphs"},
    {"own_prefill_linear", "1/efficiency",
     "inverse efficiency of the request's own prefill: weight GEMMs (16-bit kernels) and collectives at spec"},
    {"own_prefill_attention_gqa", "1/efficiency",
     "inverse efficiency of the request's own prefill: causal grouped-query attention at spec"},
    {"own_prefill_attention_mla", "1/efficiency",
     "inverse efficiency of the request's own prefill: causal latent attention (MLA, decompressed) at spec"},
    {"queued_prefills", "1/efficiency per request",
     "share of the other in-flight requests' prefill work a new request waits behind"},
    {"decode_per_queued_chunk", "decode steps per chunk",
     "decode steps of the running batch interleaved with each chunk of the other requests' queued prefills"},
    {"decode_per_chunk", "decode steps per chunk",
     "decode steps of the running batch interleaved with the request's prefill, per chunk's worth of its tokens (a "
     "step's token budget is shared by the prefills that arrive together, so a prompt takes its tokens' share)"},
    {"own_prefill_linear_scaled", "1/efficiency",
     "inverse efficiency of the request's own prefill GEMMs and collectives in a block-scaled 8- or 4-bit format the "
     "GPU's tensor cores run"},
    {"dp_balance_wait", "decode steps",
     "decode steps a new request waits under data-parallel attention (dep) before its prefill is scheduled: the "
     "scheduler holds a prefill until every rank has one to run in the same step (TensorRT-LLM's attention-DP "
     "balance: up to timeout_iters, 50 steps by default, batching for batching_wait_iters, 10)"},
    {"queued_requests", "s per request",
     "time a new request waits per other request in flight, whatever its length: the server's work on each request "
     "(HTTP, tokenisation, admission, streaming) done in turn by one front-end process for the whole server"},
}};

// Each term's index (engine_fit.hpp) names the entry that describes it.
template <std::size_t N>
constexpr bool named(const std::array<TermInfo, N>& info, std::size_t i, std::string_view name) {
  return std::string_view(info[i].name) == name;
}
static_assert(named(tpot_info, tpot_term::step, "step") && named(tpot_info, tpot_term::layer, "layer") &&
              named(tpot_info, tpot_term::sequence, "sequence") && named(tpot_info, tpot_term::weights, "weights") &&
              named(tpot_info, tpot_term::moe_weights, "moe_weights") &&
              named(tpot_info, tpot_term::expert_gemm, "expert_gemm") &&
              named(tpot_info, tpot_term::attention_gqa, "attention_gqa") &&
              named(tpot_info, tpot_term::attention_mla, "attention_mla") &&
              named(tpot_info, tpot_term::collectives, "collectives") &&
              named(tpot_info, tpot_term::moe_weights_scaled, "moe_weights_scaled") &&
              named(tpot_info, tpot_term::weights_scaled, "weights_scaled") &&
              named(tpot_info, tpot_term::expert_dispatch, "expert_dispatch") &&
              named(tpot_info, tpot_term::sequence_layer, "sequence_layer") &&
              named(tpot_info, tpot_term::prefill_interference, "prefill_interference"));
static_assert(named(ttft_info, ttft_term::fixed, "ttft_fixed") && named(ttft_info, ttft_term::layer, "ttft_layer") &&
              named(ttft_info, ttft_term::own_prefill_linear, "own_prefill_linear") &&
              named(ttft_info, ttft_term::own_prefill_attention_gqa, "own_prefill_attention_gqa") &&
              named(ttft_info, ttft_term::own_prefill_attention_mla, "own_prefill_attention_mla") &&
              named(ttft_info, ttft_term::queued_prefills, "queued_prefills") &&
              named(ttft_info, ttft_term::decode_per_queued_chunk, "decode_per_queued_chunk") &&
              named(ttft_info, ttft_term::decode_per_chunk, "decode_per_chunk") &&
              named(ttft_info, ttft_term::own_prefill_linear_scaled, "own_prefill_linear_scaled") &&
              named(ttft_info, ttft_term::dp_balance_wait, "dp_balance_wait") &&
              named(ttft_info, ttft_term::queued_requests, "queued_requests"));
}  // namespace

const std::array<TermInfo, tpot_terms> tpot_term_info = tpot_info;
const std::array<TermInfo, ttft_terms> ttft_term_info = ttft_info;

namespace engine_fit_detail {

// Tokens a chunked prefill step takes: vLLM's max_num_batched_tokens for its server, SGLang's
// chunked_prefill_size and TensorRT-LLM's max_num_tokens all default to 8,192 on the GPUs
// the measured runs use.
constexpr double chunk_tokens = 8192;

std::string gpu_id(const Catalog& cat, const std::string& system) {
  const std::string id = measured_gpu(system);
  return cat.find_gpu(id) ? id : std::string();
}

std::string precision_id(const Catalog& cat, const std::string& precision, const std::string& model_path) {
  std::string p = ascii_lower(precision);
  if (p.empty()) p = "bf16";
  // fp4 is NVFP4, except for gpt-oss, which ships MXFP4.
  if (p == "fp4") p = ascii_lower(model_path).find("gpt-oss") != std::string::npos ? "mxfp4" : "nvfp4";
  return cat.find_precision(p) ? p : std::string();
}

// Solves min |A x - b| with x >= 0 (Lawson and Hanson's active set), columns scaled to unit
// norm first so that terms in seconds and terms in counts weigh alike.
Eigen::VectorXd nnls(const Eigen::MatrixXd& a_in, const Eigen::VectorXd& b) {
  const Eigen::Index n = a_in.cols();
  Eigen::VectorXd scale = a_in.colwise().norm().transpose();
  for (Eigen::Index j = 0; j < n; ++j)
    if (scale(j) <= 0) scale(j) = 1;
  const Eigen::MatrixXd a = a_in * scale.cwiseInverse().asDiagonal();
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
  std::vector<bool> passive(static_cast<std::size_t>(n), false);
  const double tol = 1e-10;
  for (int outer = 0; outer < 3 * n; ++outer) {
    const Eigen::VectorXd w = a.transpose() * (b - a * x);
    Eigen::Index best = -1;
    double wmax = tol;
    for (Eigen::Index j = 0; j < n; ++j)
      if (!passive[static_cast<std::size_t>(j)] && w(j) > wmax) wmax = w(j), best = j;
    if (best < 0) break;
    passive[static_cast<std::size_t>(best)] = true;
    for (int inner = 0; inner < 3 * n; ++inner) {
      std::vector<Eigen::Index> cols;
      for (Eigen::Index j = 0; j < n; ++j)
        if (passive[static_cast<std::size_t>(j)]) cols.push_back(j);
      Eigen::MatrixXd ap(a.rows(), static_cast<Eigen::Index>(cols.size()));
      for (std::size_t k = 0; k < cols.size(); ++k) ap.col(static_cast<Eigen::Index>(k)) = a.col(cols[k]);
      const Eigen::VectorXd zp = ap.colPivHouseholderQr().solve(b);
      Eigen::VectorXd z = Eigen::VectorXd::Zero(n);
      for (std::size_t k = 0; k < cols.size(); ++k) z(cols[k]) = zp(static_cast<Eigen::Index>(k));
      bool all_positive = true;
      for (auto j : cols)
        if (z(j) <= tol) all_positive = false;
      if (all_positive) {
        x = z;
        break;
      }
      double alpha = 1;
      for (auto j : cols)
        if (z(j) <= tol) alpha = std::min(alpha, x(j) / (x(j) - z(j)));
      x += alpha * (z - x);
      for (auto j : cols)
        if (x(j) <= tol) passive[static_cast<std::size_t>(j)] = false, x(j) = 0;
    }
  }
  return x.cwiseQuotient(scale);
}

// Least squares on relative error: each row divided by its measured value, so the fit
// minimises sum (predicted / measured - 1)^2; then reweighted (iteratively reweighted least
// squares, weights 1 / max(|relative error|, 2%)) towards the least absolute relative error,
// whose optimum is the median the targets are stated in.
constexpr int irls_rounds = 8;
constexpr double irls_floor = 0.02;
template <std::size_t N>
std::array<double, N> fit_relative(const std::vector<std::array<double, N>>& x, const std::vector<double>& y,
                                   const std::array<double, N>& lower, const std::array<double, N>& upper) {
  const auto rows = static_cast<Eigen::Index>(x.size());
  const auto n = static_cast<Eigen::Index>(N);
  Eigen::MatrixXd a(rows, n);
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = 0; j < N; ++j) a(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = x[i][j] / y[i];
  // Terms bounded below by `lower` (an inverse efficiency is at least 1: nothing runs faster
  // than its spec): c = lower + c', c' >= 0, so the target is 1 - a x lower. A term that
  // comes out above `upper` is held there and the others fitted again.
  std::vector<bool> held(N, false);
  Eigen::VectorXd c = Eigen::VectorXd::Zero(n);
  for (std::size_t pass = 0; pass <= N; ++pass) {
    Eigen::VectorXd base(n);
    for (std::size_t j = 0; j < N; ++j) base(static_cast<Eigen::Index>(j)) = held[j] ? upper[j] : lower[j];
    Eigen::MatrixXd free_a = a;
    for (std::size_t j = 0; j < N; ++j)
      if (held[j]) free_a.col(static_cast<Eigen::Index>(j)).setZero();
    const Eigen::VectorXd b = Eigen::VectorXd::Ones(rows) - a * base;
    Eigen::VectorXd w = Eigen::VectorXd::Ones(rows);
    for (int round = 0; round < irls_rounds; ++round) {
      const Eigen::VectorXd sw = w.cwiseSqrt();
      c = base + nnls(sw.asDiagonal() * free_a, sw.cwiseProduct(b));
      const Eigen::VectorXd r = a * c - Eigen::VectorXd::Ones(rows);
      for (Eigen::Index i = 0; i < rows; ++i) w(i) = 1.0 / std::max(std::abs(r(i)), irls_floor);
    }
    bool again = false;
    for (std::size_t j = 0; j < N; ++j)
      if (!held[j] && c(static_cast<Eigen::Index>(j)) > upper[j]) held[j] = again = true;
    if (!again) break;
  }
  std::array<double, N> out{};
  for (std::size_t j = 0; j < N; ++j) out[j] = c(static_cast<Eigen::Index>(j));
  return out;
}

// Bounds of the terms: inverse efficiencies of roofline parts from 1 to max_inverse_efficiency
// (efficiencies of 100% down to 10%, the floor below which a run counts as an artefact);
// times, counts and the collectives' scale (which overlap can hide) from 0.
constexpr double max_inverse_efficiency = artefact_ratio;
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double e_max = max_inverse_efficiency;
// The terms that are inverse efficiencies of a roofline part (bounded to [1, e_max]); the
// others are times, counts or scales (bounded to [0, inf)).
constexpr bool inverse_efficiency_tpot(std::size_t j) {
  namespace d = tpot_term;
  return j == d::weights || j == d::moe_weights || j == d::attention_gqa || j == d::attention_mla ||
         j == d::moe_weights_scaled || j == d::weights_scaled || j == d::prefill_interference;
}
constexpr bool inverse_efficiency_ttft(std::size_t j) {
  namespace f = ttft_term;
  return j == f::own_prefill_linear || j == f::own_prefill_attention_gqa || j == f::own_prefill_attention_mla ||
         j == f::own_prefill_linear_scaled;
}
template <std::size_t N>
constexpr std::array<double, N> bounds(bool (*inverse_efficiency)(std::size_t), double efficiency, double other) {
  std::array<double, N> a{};
  for (std::size_t j = 0; j < N; ++j) a[j] = inverse_efficiency(j) ? efficiency : other;
  return a;
}
constexpr auto tpot_lower = bounds<tpot_terms>(inverse_efficiency_tpot, 1, 0);
constexpr auto tpot_upper = bounds<tpot_terms>(inverse_efficiency_tpot, e_max, inf);
constexpr auto ttft_lower = bounds<ttft_terms>(inverse_efficiency_ttft, 1, 0);
// The wait of data-parallel attention's scheduler is at most TensorRT-LLM's default
// timeout_iters, 50 decode steps, after which a prefill is scheduled whatever the balance.
constexpr double max_dp_balance_wait = 50;
constexpr auto ttft_upper = [] {
  auto a = bounds<ttft_terms>(inverse_efficiency_ttft, e_max, inf);
  a[ttft_term::dp_balance_wait] = max_dp_balance_wait;
  return a;
}();

double decode_step(const TermSet& s, const PreparedRun& r) {
  double t = 0;
  for (std::size_t j = 0; j < tpot_term::prefill_interference; ++j) t += s.tpot[j] * r.x_tpot[j];
  return t;
}

std::array<double, ttft_terms> ttft_features(const PreparedRun& r, double itl) {
  auto x = r.x_ttft;
  for (std::size_t j = 0; j < ttft_term::count; ++j)
    if (ttft_counts_decode_steps(j)) x[j] *= itl;
  return x;
}

TermSet fit_one(const std::vector<PreparedRun>& runs, const std::vector<std::size_t>& idx, const std::string& engine,
                const std::string& generation) {
  TermSet s;
  s.engine = engine;
  s.generation = generation;
  s.rows = static_cast<int>(idx.size());
  std::set<std::string> deps;
  std::vector<std::array<double, tpot_terms>> xt;
  std::vector<double> yt;
  for (auto i : idx) {
    deps.insert(runs[i].deployment);
    xt.push_back(runs[i].x_tpot);
    yt.push_back(runs[i].tpot_s);
  }
  s.deployments = static_cast<int>(deps.size());
  s.tpot = fit_relative(xt, yt, tpot_lower, tpot_upper);
  std::vector<std::array<double, ttft_terms>> xf;
  std::vector<double> yf;
  for (auto i : idx) {
    xf.push_back(ttft_features(runs[i], decode_step(s, runs[i])));
    yf.push_back(runs[i].ttft_s);
  }
  s.ttft = fit_relative(xf, yf, ttft_lower, ttft_upper);
  return s;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace engine_fit_detail

const ModelArch* measured_model(const Catalog& cat, const std::string& model_path) {
  if (const auto* m = cat.find_model(model_path)) return m;
  for (const auto& m : cat.models)
    if (model_name_matches(model_path, m.id, m.hf_ids)) return &m;
  // Quantised checkpoints of the same architecture: "nvidia/Llama-3.1-8B-Instruct-FP8".
  for (const char* suffix : {"-FP8", "-NVFP4", "-FP4", "-fp8", "-nvfp4"}) {
    const std::string s = suffix;
    if (model_path.size() > s.size() && model_path.compare(model_path.size() - s.size(), s.size(), s) == 0) {
      const std::string base = model_path.substr(0, model_path.size() - s.size());
      for (const auto& m : cat.models)
        if (model_name_matches(base, m.id, m.hf_ids)) return &m;
      break;
    }
  }
  return nullptr;
}

std::string measured_gpu(const std::string& system) {
  // AIConfigurator's system names (aic-core/src/aiconfigurator_core/systems/*.yaml).
  static const std::map<std::string, std::string> systems = {
      {"h100_sxm", "h100-sxm"},   {"h200_sxm", "h200"},        {"b200_sxm", "b200"},
      {"b300_sxm", "b300"},       {"gb200", "gb200"},          {"gb300", "gb300"},
      {"h100_pcie", "h100-pcie"}, {"a100_sxm", "a100-80gb-sxm"}, {"a100_pcie", "a100-80gb-pcie"},
      {"l40s", "l40s"},           {"l4", "l4"},                {"rtx_pro_6000_server", "rtx-pro-6000"},
  };
  const auto it = systems.find(system);
  return it != systems.end() ? it->second : system;
}

std::string gpu_generation(const std::string& gpu_id) {
  static const std::set<std::string> hopper = {"h100-sxm", "h100-pcie", "h200", "gh200", "h20"};
  static const std::set<std::string> blackwell = {"b200", "b300", "gb200", "gb300", "rtx-pro-6000"};
  if (hopper.count(gpu_id)) return "hopper";
  if (blackwell.count(gpu_id)) return "blackwell";
  return {};
}

namespace {
using namespace engine_fit_detail;

// Why a run is left out of the fit: the kind (empty when it is kept) and the reason.
struct Exclusion {
  std::string kind;
  std::string why;
  explicit operator bool() const { return !kind.empty(); }
};

// The run's own figures and its deployment key, before any check.
PreparedRun run_identity(const MeasuredRun& m, std::size_t i) {
  PreparedRun p;
  p.index = i;
  p.isl = m.isl;
  p.osl = m.osl;
  p.concurrency = m.concurrency;
  p.ttft_s = m.ttft_ms / 1e3;
  p.tpot_s = m.tpot_ms / 1e3;
  const int dp = std::max(m.dp, 1);
  p.deployment = fmt::format("{}|{}|{}|{}|{}|tp{} pp{} dp{} moe_tp{} moe_ep{}", m.model_path, m.system, m.engine,
                             m.version, m.precision, m.tp, m.pp, dp, m.moe_tp, m.moe_ep);
  return p;
}

// The checks of mode, completeness and catalog entries (engine, model, GPU, precision), filling
// in the ids as they resolve; `model` is set once the model is found.
Exclusion screen_run(const Catalog& cat, const MeasuredRun& m, PreparedRun& p, const ModelArch*& model) {
  const auto engine = parse_engine(ascii_lower(m.engine));
  if (engine) p.engine = to_string(*engine);
  if (!m.mode.empty() && m.mode != "agg")
    return {"disagg", fmt::format("mode {} (separate prefill and decode pools)", m.mode)};
  if ((m.measured && (!(m.ttft_ms > 0) || !(m.tpot_ms > 0))) || !(m.isl >= 1) || !(m.osl >= 2) ||
      !(m.concurrency >= 1))
    return {"incomplete", "TTFT, TPOT, lengths (output of at least 2 tokens) or concurrency missing"};
  if (!engine) return {"engine", fmt::format("engine '{}' is not {}", m.engine, engine_names)};
  model = measured_model(cat, m.model_path);
  if (!model) return {"model", fmt::format("model {} is not in the catalog", m.model_path)};
  p.model_id = model->id;
  p.gpu_id = gpu_id(cat, m.system);
  if (p.gpu_id.empty()) return {"gpu", fmt::format("GPU system {} is not in the catalog", m.system)};
  p.generation = gpu_generation(p.gpu_id);
  p.precision_id = precision_id(cat, m.precision, m.model_path);
  if (p.precision_id.empty()) return {"precision", fmt::format("precision {} is not in the catalog", m.precision)};
  p.cls = model->attention == AttentionKind::mla ? ModelClass::mla
          : model->is_moe()                      ? ModelClass::moe
                                                 : ModelClass::dense;
  if (m.pp > 1) return {"layout", fmt::format("pipeline parallel (pp {}) has no term", m.pp)};
  return {};
}

// The replica's GPUs and parallel layout (p.gpus, p.layout, p.moe_tp) read from the run's
// tp, attention dp, moe_tp and moe_ep.
Exclusion place_replica(const MeasuredRun& m, const ModelArch& model, PreparedRun& p) {
  const int dp = std::max(m.dp, 1);
  // GPUs per replica: tp x attention dp, which must be moe_tp x moe_ep where a MoE run gives
  // them (a run where the two differ does not say how many GPUs it ran on). The layout:
  // attention dp > 1 is dep (tp 1, experts moe_tp x moe_ep); else moe_ep > 1 is ep (experts
  // sliced over moe_tp, split over moe_ep groups); else tp. A tp run whose GPUs do not divide
  // the attention heads (TRT-LLM's MLA rows at tp 12..52 on an NVL72) cannot be a head split:
  // it reads as attention data parallel with every expert sliced over the replica (dep,
  // moe_tp = GPUs).
  int g = m.tp * dp;
  // vLLM with data-parallel attention and no expert parallelism shards the experts over one
  // tensor-parallel group of all dp x tp GPUs ("the expert layers will by default form a (DP x
  // TP) sized tensor parallel group", vLLM's data parallel deployment guide); such runs give tp
  // and the experts' moe_tp = dp x tp but no attention_dp_size. Their attention dp is
  // moe_tp x moe_ep / tp.
  int run_dp = dp;
  if (p.engine == "vllm" && model.is_moe() && dp == 1 && m.moe_tp > 0 && m.moe_ep > 0 && m.tp >= 1 &&
      m.moe_tp * m.moe_ep > m.tp && (m.moe_tp * m.moe_ep) % m.tp == 0) {
    run_dp = m.moe_tp * m.moe_ep / m.tp;
    g = m.moe_tp * m.moe_ep;
  }
  p.gpus = g;
  if (model.is_moe() && m.moe_tp > 0 && m.moe_ep > 0 && m.moe_tp * m.moe_ep != g)
    return {"layout", fmt::format("tp {} x attention dp {} is not moe_tp {} x moe_ep {} (GPUs per replica unknown)",
                                  m.tp, dp, m.moe_tp, m.moe_ep)};
  if (g < 1 || g > max_replica_gpus)
    return {"gpus", fmt::format("a replica of {} GPUs (the model places 1 to {})", g, max_replica_gpus)};
  if (model.is_moe() && g > 1) {
    const int moe_tp = std::max(m.moe_tp, 1), moe_ep = std::max(m.moe_ep, 1);
    if (run_dp > 1 && m.tp == 1) {
      p.layout = Parallel::dep;
      p.moe_tp = moe_tp;
    } else if (run_dp == 1 && moe_ep > 1) {
      p.layout = Parallel::ep;
      p.moe_tp = moe_tp;
    } else if (run_dp == 1 && moe_ep == 1) {
      p.layout = Parallel::tp;
      if (model.heads % g != 0) {
        p.layout = Parallel::dep;
        p.moe_tp = g;
      }
    } else {
      return {"layout", fmt::format("layout tp {} x attention dp {} with experts moe_tp {} x moe_ep {} has no term",
                                    m.tp, run_dp, m.moe_tp, m.moe_ep)};
    }
  } else if (dp > 1) {
    return {"layout", fmt::format("data-parallel attention (dp {}) on a dense model has no term", dp)};
  }
  return {};
}

// A repeat of a kept run (same deployment and load, or the same measurement under another
// model name) sets p.twin; a new run is recorded in `seen` for the runs after it.
Exclusion find_twin(const std::vector<MeasuredRun>& runs, std::size_t i, PreparedRun& p,
                    std::map<std::string, std::size_t>& seen) {
  const MeasuredRun& m = runs[i];
  const int dp = std::max(m.dp, 1);
  const std::string key = fmt::format("{}|{}|{}|{}", p.deployment, m.isl, m.osl, m.concurrency);
  if (const auto it = seen.find(key); it != seen.end()) {
    p.twin = it->second;
    return {"duplicate", fmt::format("duplicate of the run on line {}", runs[it->second].line)};
  }
  // The same measurement filed under two model names (DeepSeek-V3 and R1 share an
  // architecture): same system, engine, precision, layout, load and measured figures.
  const std::string same = fmt::format("{}|{}|{}|{}|tp{} dp{} {} {}|{}|{}|{}|{}|{}", m.system, m.engine, m.version,
                                       m.precision, m.tp, dp, m.moe_tp, m.moe_ep, m.isl, m.osl, m.concurrency,
                                       m.ttft_ms, m.tpot_ms);
  if (const auto it = seen.find(same); it != seen.end()) {
    p.twin = it->second;
    return {"duplicate", fmt::format("same measurement as the run on line {} (another model name)", runs[it->second].line)};
  }
  seen.emplace(key, i);
  seen.emplace(same, i);
  return {};
}

// The run's weight and KV-cache precisions (the KV cache defaults to the weights' format).
std::pair<const Precision*, const Precision*> run_precisions(const Catalog& cat, const PreparedRun& p) {
  const Precision* w = cat.find_precision(p.precision_id);
  const Precision* kv = cat.find_precision(w->default_kv);
  if (!kv) kv = w;
  return {w, kv};
}

// Whether the catalog's memory plan places the deployment and holds the run's concurrency.
Exclusion check_memory(const Catalog& cat, const MeasuredRun& m, const ModelArch& model, PreparedRun& p) {
  const auto [w, kv] = run_precisions(cat, p);
  const GpuSpec& gpu = *cat.find_gpu(p.gpu_id);
  const PerfModel pm(model, gpu, *w, *kv, p.gpus, cat.efficiency, p.layout, p.moe_tp);
  const double ctx = m.isl + m.osl;
  if (auto why = deployment_problem(pm, ctx); !why.empty()) return {"deployment", why};
  const double seqs = std::floor(pm.memory(ctx).kv_tokens / ctx);
  p.kv_sequences = seqs;
  if (m.concurrency > seqs)
    return {"kv-capacity",
            fmt::format("concurrency {} beyond the {} sequences of {} tokens the KV cache holds (catalog memory plan)",
                        m.concurrency, seqs, ctx)};
  return {};
}

// The fit's features (p.x_tpot, p.x_ttft): the roofline's parts at spec rates (efficiencies 1,
// no fixed costs); a run beyond artefact_ratio x that spec roofline is an artefact.
Exclusion set_features(const Catalog& cat, const MeasuredRun& m, const ModelArch& model, PreparedRun& p) {
  const auto [w, kv] = run_precisions(cat, p);
  const GpuSpec& gpu = *cat.find_gpu(p.gpu_id);
  const int g = p.gpus;
  GpuSpec unit_gpu = gpu;
  unit_gpu.e_bw.reset();
  unit_gpu.e_fl_16.reset();
  unit_gpu.e_fl_8.reset();
  Efficiency unit = cat.efficiency;
  unit.e_bw.value = unit.e_fl_16.value = unit.e_fl_8.value = unit.link_efficiency.value = 1;
  unit.step_overhead_ms.value = unit.layer_overhead_us.value = 0;
  const PerfModel pu(model, unit_gpu, *w, *kv, g, unit, p.layout, p.moe_tp);
  const double c = m.concurrency;
  const StepTime st = pu.decode_step(c, m.isl + m.osl / 2.0);
  const double rank_seqs = p.layout == Parallel::dep ? std::max(c / g, 1.0) : c;
  const double pre_work = pu.prefill_work(m.isl);
  const bool mla = model.attention == AttentionKind::mla;
  // The routed experts' share of the weight GEMMs: the step less that of the same model
  // without its routed experts; and the expert GEMMs one GPU runs (experts touched per MoE
  // layer, split over the GPUs under ep and dep).
  double expert_lin = 0, expert_gemms = 0;
  if (model.is_moe()) {
    ModelArch dense = model;
    dense.params_total -= routed_expert_params(model);
    dense.params_active -= active_routed_params(model);
    dense.experts = dense.top_k = 0;
    const PerfModel pd(dense, unit_gpu, *w, *kv, g, unit, p.layout, p.moe_tp);
    expert_lin = std::max(0.0, st.linear - pd.decode_step(c, m.isl + m.osl / 2.0).linear);
    expert_gemms = model.moe_layers() * model.experts * experts_touched_share(model, c) /
                   (p.layout == Parallel::tp ? 1.0 : pu.moe_ep());
  }
  // The weight GEMMs run block-scaled 8- or 4-bit kernels where the GPU's tensor cores take
  // the format (FP8 on Hopper and Blackwell, FP4 on Blackwell), else 16-bit ones (bf16, or
  // weights dequantised on the fly: MXFP4 on Hopper): other kernels, other efficiencies.
  const bool scaled = w->compute != "bf16" && gpu_has_format(gpu, w->compute);
  // Under data-parallel attention every MoE layer runs two all-to-alls (dispatch of each
  // token to its experts' ranks, combine back), each a synchronisation of all the replica's
  // ranks whose latency the fit takes per all-to-all.
  const double all_to_alls = p.layout == Parallel::dep ? 2.0 * model.moe_layers() : 0.0;
  namespace d = tpot_term;
  auto& xd = p.x_tpot;
  xd[d::step] = 1.0;
  xd[d::layer] = model.layers;
  xd[d::sequence] = rank_seqs;
  xd[d::weights] = scaled ? 0.0 : st.linear - expert_lin;
  xd[d::moe_weights] = scaled ? 0.0 : expert_lin;
  xd[d::expert_gemm] = expert_gemms;
  xd[d::attention_gqa] = mla ? 0.0 : st.attention;
  xd[d::attention_mla] = mla ? st.attention : 0.0;
  xd[d::collectives] = st.comm;
  xd[d::moe_weights_scaled] = scaled ? expert_lin : 0.0;
  xd[d::weights_scaled] = scaled ? st.linear - expert_lin : 0.0;
  xd[d::expert_dispatch] = all_to_alls;
  xd[d::sequence_layer] = rank_seqs * model.layers;
  xd[d::prefill_interference] = c / decode_steps(m.osl) * pre_work;
  const StepTime own = pu.prefill(m.isl);
  namespace f = ttft_term;
  auto& xf = p.x_ttft;
  xf[f::fixed] = 1.0;
  xf[f::layer] = model.layers;
  xf[f::own_prefill_linear] = scaled ? 0.0 : own.linear + own.comm;
  xf[f::own_prefill_attention_gqa] = mla ? 0.0 : own.attention;
  xf[f::own_prefill_attention_mla] = mla ? own.attention : 0.0;
  xf[f::queued_prefills] = (c - 1) * pre_work;
  xf[f::decode_per_queued_chunk] = (c - 1) * m.isl / chunk_tokens;
  xf[f::decode_per_chunk] = m.isl / chunk_tokens;
  xf[f::own_prefill_linear_scaled] = scaled ? own.linear + own.comm : 0.0;
  xf[f::dp_balance_wait] = p.layout == Parallel::dep ? 1.0 : 0.0;
  xf[f::queued_requests] = c - 1;
  if (!m.measured) return {};
  // Artefacts: beyond artefact_ratio x the spec roofline of the same closed loop.
  const double spec_step = st.linear + st.attention + st.comm;
  const double spec_tpot = spec_step + xd[d::prefill_interference];
  const double spec_ttft = own.total + (c - 1) * pre_work;
  if (p.ttft_s > artefact_ratio * spec_ttft || p.tpot_s > artefact_ratio * spec_tpot)
    return {"artefact", fmt::format("TTFT {:.0f} ms or TPOT {:.1f} ms beyond {:g}x the spec roofline of the same "
                                    "closed loop ({:.0f} ms, {:.2f} ms)",
                                    m.ttft_ms, m.tpot_ms, artefact_ratio, spec_ttft * 1e3, spec_tpot * 1e3)};
  // Faster than the concurrency allows: fewer requests were in flight than the run states.
  if (p.tpot_s * max_tokens_per_step < spec_step)
    return {"artefact", fmt::format("TPOT {:.2f} ms under 1/{:g} of the decode step of {:g} requests at spec rates "
                                    "({:.2f} ms): fewer were in flight than the run states",
                                    m.tpot_ms, max_tokens_per_step, m.concurrency, spec_step * 1e3)};
  return {};
}

}  // namespace

MeasuredRun as_deployed(const Catalog& cat, MeasuredRun m) {
  if (!m.measured) return m;
  const int dp = std::max(m.dp, 1);
  int g = 0, ep = 1;
  if (m.named_tp > 0) {
    // The id names the layout the benchmark ran; columns that give another GPU count carry
    // tp x ep where the GPUs are (and tp as the experts' slicing).
    if (m.named_tp == m.tp * dp || m.named_tp % std::max(m.named_ep, 1) != 0) return m;
    g = m.named_tp, ep = std::max(m.named_ep, 1);
  } else {
    // No id to say: the same signature (tp x attention dp = moe_tp x moe_ep = k x k, moe_tp =
    // moe_ep = k) past one server's scale-up domain, where no engine runs a tensor-parallel
    // attention group with experts sliced k ways, is that encoding of tp k, ep k.
    const GpuSpec* gpu = cat.find_gpu(gpu_id(cat, m.system));
    const int k = m.moe_tp;
    if (!gpu || k < 2 || m.moe_ep != k || m.tp * dp != k * k || k * k <= gpu->scaleup_gpus) return m;
    g = k, ep = k;
  }
  m.moe_ep = ep;
  m.moe_tp = g / ep;
  m.tp = dp > 1 ? 1 : g;
  m.dp = dp > 1 ? g : 1;
  return m;
}

std::vector<PreparedRun> prepare_runs(const Catalog& cat, const std::vector<MeasuredRun>& filed) {
  std::vector<MeasuredRun> runs;
  runs.reserve(filed.size());
  for (const auto& m : filed) runs.push_back(as_deployed(cat, m));
  std::vector<PreparedRun> out;
  out.reserve(runs.size());
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const MeasuredRun& m = runs[i];
    PreparedRun p = run_identity(m, i);
    p.reread = m.tp != filed[i].tp || m.dp != filed[i].dp || m.moe_tp != filed[i].moe_tp || m.moe_ep != filed[i].moe_ep;
    const ModelArch* model = nullptr;
    Exclusion ex = screen_run(cat, m, p, model);
    if (!ex) ex = place_replica(m, *model, p);
    if (!ex) ex = find_twin(runs, i, p, seen);
    if (!ex) ex = check_memory(cat, m, *model, p);
    if (!ex) ex = set_features(cat, m, *model, p);
    if (ex) {
      p.excluded_kind = std::move(ex.kind);
      p.excluded = std::move(ex.why);
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<TermSet> fit_terms(const std::vector<PreparedRun>& runs, const std::vector<std::size_t>& use) {
  std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> groups;
  for (auto i : use) {
    const auto& r = runs[i];
    if (!r.excluded.empty()) continue;
    groups[{r.engine, r.generation}].push_back(i);
    groups[{r.engine, "all"}].push_back(i);
  }
  std::vector<TermSet> sets;
  for (const auto& [key, idx] : groups) {
    std::set<std::string> deps;
    for (auto i : idx) deps.insert(runs[i].deployment);
    if (static_cast<int>(deps.size()) < min_deployments || idx.size() < static_cast<std::size_t>(tpot_terms + ttft_terms))
      continue;
    sets.push_back(engine_fit_detail::fit_one(runs, idx, key.first, key.second));
  }
  return sets;
}

const TermSet* find_terms(const std::vector<TermSet>& sets, const std::string& engine, const std::string& generation) {
  const TermSet* fallback = nullptr;
  for (const auto& s : sets) {
    if (s.engine != engine) continue;
    if (s.generation == generation) return &s;
    if (s.generation == "all") fallback = &s;
  }
  return fallback;
}

std::optional<Prediction> predict(const std::vector<TermSet>& sets, const PreparedRun& run) {
  if (!run.excluded.empty()) return std::nullopt;
  const TermSet* s = find_terms(sets, run.engine, run.generation);
  if (!s) return std::nullopt;
  Prediction p;
  p.set = s;
  p.itl_s = engine_fit_detail::decode_step(*s, run);
  constexpr auto interference = tpot_term::prefill_interference;
  p.tpot_s = p.itl_s + s->tpot[interference] * run.x_tpot[interference];
  const auto x = engine_fit_detail::ttft_features(run, p.itl_s);
  for (int j = 0; j < ttft_terms; ++j) p.ttft_s += s->ttft[static_cast<std::size_t>(j)] * x[static_cast<std::size_t>(j)];
  return p;
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

namespace {
// SplitMix64's finaliser: every bit of the result depends on every bit of x.
std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
}  // namespace

std::map<std::string, int> cv_partition(const std::set<std::string>& deployments, int rep, int folds) {
  std::map<std::string, int> fold;
  for (const auto& d : deployments)
    fold[d] = static_cast<int>(mix64(fnv1a(d) ^ mix64(static_cast<std::uint64_t>(rep))) %
                               static_cast<std::uint64_t>(folds));
  return fold;
}

std::vector<std::optional<Prediction>> cross_validate(const std::vector<PreparedRun>& runs, int folds, int repeats) {
  std::set<std::string> deps;
  for (const auto& r : runs)
    if (r.excluded.empty()) deps.insert(r.deployment);
  std::vector<std::vector<Prediction>> preds(runs.size());
  for (int rep = 0; rep < repeats; ++rep) {
    const auto fold = cv_partition(deps, rep, folds);
    for (int f = 0; f < folds; ++f) {
      std::vector<std::size_t> train;
      for (std::size_t i = 0; i < runs.size(); ++i)
        if (runs[i].excluded.empty() && fold.at(runs[i].deployment) != f) train.push_back(i);
      const auto sets = fit_terms(runs, train);
      for (std::size_t i = 0; i < runs.size(); ++i)
        if (runs[i].excluded.empty() && fold.at(runs[i].deployment) == f)
          if (auto p = predict(sets, runs[i])) {
            p->set = nullptr;  // the fold's sets go out of scope
            preds[i].push_back(*p);
          }
    }
  }
  // Each run's prediction: the median, part by part, of its predictions in the partitions.
  std::vector<std::optional<Prediction>> out(runs.size());
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (preds[i].empty()) continue;
    std::vector<double> t, f, d;
    for (const auto& p : preds[i]) t.push_back(p.tpot_s), f.push_back(p.ttft_s), d.push_back(p.itl_s);
    Prediction p;
    p.tpot_s = median(t);
    p.ttft_s = median(f);
    p.itl_s = median(d);
    out[i] = p;
  }
  predict_duplicates(runs, out);
  return out;
}

std::vector<std::optional<Prediction>> predict_runs(const std::vector<TermSet>& sets,
                                                    const std::vector<PreparedRun>& runs) {
  std::vector<std::optional<Prediction>> out(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) out[i] = predict(sets, runs[i]);
  predict_duplicates(runs, out);
  return out;
}

void predict_duplicates(const std::vector<PreparedRun>& runs, std::vector<std::optional<Prediction>>& pred) {
  // A twin may come later in the file or be a repeat itself: follow the chain to the run measured.
  for (std::size_t i = 0; i < runs.size() && i < pred.size(); ++i) {
    if (runs[i].excluded_kind != "duplicate") continue;
    std::size_t t = runs[i].twin;
    for (std::size_t hops = 0; t < runs.size() && runs[t].excluded_kind == "duplicate" && hops < runs.size(); ++hops)
      t = runs[t].twin;
    if (t < pred.size() && pred[t]) pred[i] = pred[t];
  }
}

ErrorSummary summarise(const std::vector<std::pair<double, double>>& tpot_pred_meas,
                       const std::vector<std::pair<double, double>>& ttft_pred_meas) {
  auto errors = [](const std::vector<std::pair<double, double>>& v) {
    std::vector<double> e;
    for (const auto& [p, m] : v) e.push_back(std::abs(p / m - 1.0) * 100.0);
    return e;
  };
  const auto et = errors(tpot_pred_meas), ef = errors(ttft_pred_meas);
  ErrorSummary s;
  s.rows = static_cast<int>(tpot_pred_meas.size());
  s.tpot_median = engine_fit_detail::quantile(et, 0.5);
  s.tpot_p90 = engine_fit_detail::quantile(et, 0.9);
  s.ttft_median = engine_fit_detail::quantile(ef, 0.5);
  s.ttft_p90 = engine_fit_detail::quantile(ef, 0.9);
  return s;
}

void attach_cv_errors(std::vector<TermSet>& sets, const std::vector<PreparedRun>& runs,
                      const std::vector<std::optional<Prediction>>& cv) {
  for (auto& s : sets) {
    std::vector<std::pair<double, double>> t, f;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      if (!cv[i] || runs[i].engine != s.engine) continue;
      // A generation's set: the runs it predicts; the engine's "all" set: every run of the engine.
      if (s.generation != "all" && find_terms(sets, runs[i].engine, runs[i].generation) != &s) continue;
      t.emplace_back(cv[i]->tpot_s, runs[i].tpot_s);
      f.emplace_back(cv[i]->ttft_s, runs[i].ttft_s);
    }
    const auto sum = summarise(t, f);
    s.cv_tpot_median = sum.tpot_median;
    s.cv_ttft_median = sum.ttft_median;
  }
}

EngineTerms fit_engine_terms(const Catalog& cat, const std::vector<MeasuredRun>& runs, const std::string& data,
                             const std::string& sha256, const std::string& origin, std::vector<PreparedRun>* prepared,
                             std::vector<std::optional<Prediction>>* cv_out) {
  EngineTerms t;
  t.data = data;
  t.data_sha256 = sha256;
  t.origin = origin;
  t.runs = static_cast<int>(runs.size());
  const auto prep = prepare_runs(cat, runs);
  const auto cv = cross_validate(prep);
  std::vector<std::size_t> all;
  std::vector<std::pair<double, double>> tp, tf;
  for (std::size_t i = 0; i < prep.size(); ++i) {
    if (!prep[i].excluded.empty()) continue;
    ++t.used;
    all.push_back(i);
    if (!cv[i]) continue;
    ++t.predicted;
    tp.emplace_back(cv[i]->tpot_s, prep[i].tpot_s);
    tf.emplace_back(cv[i]->ttft_s, prep[i].ttft_s);
  }
  t.cv = summarise(tp, tf);
  t.sets = fit_terms(prep, all);
  attach_cv_errors(t.sets, prep, cv);
  t.coverage = engine_coverage(cat, runs);
  if (prepared) *prepared = prep;
  if (cv_out) *cv_out = cv;
  return t;
}

MeasuredRun deployment_run(Engine engine, const std::string& model, const std::string& gpu,
                           const std::string& precision, int gpus, Parallel layout, double input, double output,
                           double concurrency, int moe_tp) {
  MeasuredRun m;
  m.engine = to_string(engine);
  m.model_path = model;
  m.system = gpu;
  m.precision = precision;
  m.mode = "agg";
  m.isl = input;
  m.osl = output;
  m.concurrency = concurrency;
  m.tp = layout == Parallel::dep ? 1 : gpus;
  m.dp = layout == Parallel::dep ? gpus : 1;
  m.moe_tp = layout == Parallel::tp ? gpus : moe_tp;
  m.moe_ep = layout == Parallel::tp ? 1 : std::max(gpus / std::max(moe_tp, 1), 1);
  m.measured = false;
  return m;
}

std::optional<Prediction> predict_closed_loop(const Catalog& cat, const std::vector<TermSet>& sets, Engine engine,
                                              const std::string& model, const std::string& gpu,
                                              const std::string& precision, int gpus, Parallel layout, double input,
                                              double output, double concurrency, std::string* why, int moe_tp) {
  const MeasuredRun m = deployment_run(engine, model, gpu, precision, gpus, layout, input, output, concurrency, moe_tp);
  const auto prep = prepare_runs(cat, {m});
  const PreparedRun& r = prep.front();
  if (!r.excluded.empty()) {
    if (why) *why = r.excluded;
    return std::nullopt;
  }
  if (r.layout != layout) {  // a tp split the heads do not allow, which the runs read as dep
    if (why) *why = fmt::format("layout {} on {} GPUs is not one the measured runs map to", to_string(layout), gpus);
    return std::nullopt;
  }
  auto p = predict(sets, r);
  if (!p && why) *why = fmt::format("no engine terms for {} on {} GPUs", r.engine, r.generation.empty() ? gpu : r.generation);
  return p;
}

std::optional<Prediction> roofline_closed_loop(const Catalog& cat, const PreparedRun& r) {
  if (!r.excluded.empty()) return std::nullopt;
  PerfRunRequest q;
  q.model = r.model_id;
  q.gpu = r.gpu_id;
  q.precision = r.precision_id;
  q.gpus_per_replica = r.gpus;
  q.parallel = r.layout;
  q.moe_tp = r.moe_tp;
  q.input_tokens = r.isl;
  q.output_tokens = r.osl;
  q.mode = PerfRunMode::concurrency;
  q.concurrency = static_cast<int>(r.concurrency);
  try {
    const auto res = run_perf(cat, q);
    if (!res.fits || !res.tpot_ms || !res.ttft_ms || !res.itl_ms) return std::nullopt;
    Prediction p;
    p.tpot_s = *res.tpot_ms / 1e3;
    p.ttft_s = *res.ttft_ms / 1e3;
    p.itl_s = *res.itl_ms / 1e3;
    return p;
  } catch (const Error&) {
    return std::nullopt;
  }
}

ThroughputSpread roofline_throughput_spread(const Catalog& cat, const std::vector<PreparedRun>& runs, ModelClass cls) {
  std::vector<double> ratio;
  for (const auto& r : runs) {
    if (!r.excluded.empty() || r.cls != cls || !is_tp_degree(r.gpus)) continue;
    if (const auto p = roofline_closed_loop(cat, r)) ratio.push_back(p->tpot_s / r.tpot_s);
  }
  ThroughputSpread s;
  s.rows = static_cast<int>(ratio.size());
  if (ratio.empty()) return s;
  s.p10 = engine_fit_detail::quantile(ratio, 0.1);
  s.p90 = engine_fit_detail::quantile(ratio, 0.9);
  return s;
}

}  // namespace plan::perf
