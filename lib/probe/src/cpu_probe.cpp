#include "plan/probe/cpu_probe.hpp"

#include <Eigen/Dense>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <random>
#include <vector>

#include "plan/core/base/error.hpp"
#include "plan/core/serving/probe_run.hpp"
#include "plan/core/base/units.hpp"

namespace plan::probe {
namespace {

using Clock = std::chrono::steady_clock;
using Mat = Eigen::MatrixXf;
// Weights are row-major so that a block of output rows is one contiguous range of memory.
using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Weights in [-0.05, 0.05]: the values do not matter for timing, only that they are not
// denormal or zero (which some CPUs handle at a different speed).
template <class M = Mat>
M random_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-0.05f, 0.05f);
  M m(rows, cols);
  float* p = m.data();
  for (Eigen::Index i = 0, n = m.size(); i < n; ++i) p[i] = d(rng);
  return m;
}

// y (+)= w x for the few columns of a decode step. A general GEMM packs all of w for a
// handful of columns; here each block of rows (about 64 KiB of weights, kept in L2) is
// read from memory once and multiplied by every column, so the step streams the weights
// once, as serving kernels do.
void decode_matmul(const RowMat& w, const Eigen::Ref<const Mat>& x, Eigen::Ref<Mat> y, bool accumulate) {
  const Eigen::Index n = x.cols();
  if (n == 1) {
    if (accumulate) {
      y.col(0).noalias() += w * x.col(0);
    } else {
      y.col(0).noalias() = w * x.col(0);
    }
    return;
  }
  const Eigen::Index block = std::max<Eigen::Index>(8, (64 * 1024 / 4) / std::max<Eigen::Index>(1, w.cols()));
  for (Eigen::Index r0 = 0; r0 < w.rows(); r0 += block) {
    const Eigen::Index r = std::min(block, w.rows() - r0);
    auto wb = w.middleRows(r0, r);
    for (Eigen::Index b = 0; b < n; ++b) {
      if (accumulate) {
        y.col(b).segment(r0, r).noalias() += wb * x.col(b);
      } else {
        y.col(b).segment(r0, r).noalias() = wb * x.col(b);
      }
    }
  }
}

void softmax_columns(Eigen::Ref<Mat> s) {
  for (Eigen::Index j = 0; j < s.cols(); ++j) {
    auto c = s.col(j);
    float mx = c.maxCoeff();
    c = (c.array() - mx).exp().matrix();
    c /= c.sum();
  }
}

std::string cpu_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto p = line.find(':');
      if (p != std::string::npos) {
        auto s = line.substr(p + 1);
        s.erase(0, s.find_first_not_of(' '));
        return s;
      }
    }
  }
  return "unknown CPU";
}

double physical_memory_bytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? double(pages) * double(page) : 0.0;
}

}  // namespace

double stream_triad_bytes_per_s(std::size_t array_bytes, int repeats) {
  std::size_t n = std::max<std::size_t>(array_bytes / sizeof(double), 1024);
  std::vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0);
  const double s = 3.0;
  std::vector<double> times;
  for (int r = 0; r < repeats + 1; ++r) {
    auto t0 = Clock::now();
    double* __restrict pa = a.data();
    const double* __restrict pb = b.data();
    const double* __restrict pc = c.data();
    for (std::size_t i = 0; i < n; ++i) pa[i] = pb[i] + s * pc[i];
    double t = seconds_since(t0);
    if (r > 0) times.push_back(t);  // the first pass faults the pages in
    b[r % n] = a[(r * 7) % n];       // keeps the passes from being merged
  }
  volatile double sink = a[n / 2];
  (void)sink;
  return 3.0 * double(n) * sizeof(double) / median(times);
}

double stream_copy_bytes_per_s(std::size_t array_bytes, int repeats) {
  std::size_t n = std::max<std::size_t>(array_bytes / sizeof(double), 1024);
  std::vector<double> a(n, 0.0), b(n, 1.0);
  std::vector<double> times;
  for (int r = 0; r < repeats + 1; ++r) {
    auto t0 = Clock::now();
    double* __restrict pa = a.data();
    const double* __restrict pb = b.data();
    for (std::size_t i = 0; i < n; ++i) pa[i] = pb[i];
    double t = seconds_since(t0);
    if (r > 0) times.push_back(t);  // the first pass faults the pages in
    b[r % n] = a[(r * 7) % n] + 1.0;  // keeps the passes from being merged
  }
  volatile double sink = a[n / 2];
  (void)sink;
  return 2.0 * double(n) * sizeof(double) / median(times);
}

double gemm_flops_per_s(int n, int repeats) {
  std::mt19937 rng(7);
  Mat a = random_matrix(n, n, rng), b = random_matrix(n, n, rng), c(n, n);
  std::vector<double> times;
  for (int r = 0; r < repeats + 1; ++r) {
    auto t0 = Clock::now();
    c.noalias() = a * b;
    double t = seconds_since(t0);
    if (r > 0) times.push_back(t);
    a(0, 0) = c(n - 1, n - 1) * 1e-6f;
  }
  return 2.0 * double(n) * n * n / median(times);
}

struct CpuTransformer::Impl {
  TransformerShape s;
  int layers = 0, max_batch = 0, context = 0, max_tokens = 0;
  int qkv_rows = 0, q_rows = 0, kv_rows = 0, group = 0;
  struct Layer {
    RowMat wqkv, wo, wgu, wd;
    Mat kcache, vcache;  // head_dim x (context x kv_heads x max_batch)
  };
  std::vector<Layer> layer;
  RowMat whead;
  // Activations, sized for the larger of max_batch and max_tokens columns.
  Mat x, qkv, attn, gu, act, logits, scores;
  float sink = 0;

  Impl(const TransformerShape& shape, int layers_run, int mb, int ctx, int mt, std::uint32_t seed)
      : s(shape), layers(layers_run), max_batch(mb), context(ctx), max_tokens(mt) {
    std::mt19937 rng(seed);
    q_rows = s.heads * s.head_dim;
    kv_rows = s.kv_heads * s.head_dim;
    qkv_rows = q_rows + 2 * kv_rows;
    group = s.heads / s.kv_heads;
    for (int l = 0; l < layers; ++l) {
      Layer ly;
      ly.wqkv = random_matrix<RowMat>(qkv_rows, s.hidden, rng);
      ly.wo = random_matrix<RowMat>(s.hidden, q_rows, rng);
      ly.wgu = random_matrix<RowMat>(2 * Eigen::Index(s.ffn), s.hidden, rng);
      ly.wd = random_matrix<RowMat>(s.hidden, s.ffn, rng);
      ly.kcache = random_matrix(s.head_dim, Eigen::Index(context) * s.kv_heads * max_batch, rng);
      ly.vcache = random_matrix(s.head_dim, Eigen::Index(context) * s.kv_heads * max_batch, rng);
      layer.push_back(std::move(ly));
    }
    whead = random_matrix<RowMat>(s.vocab, s.hidden, rng);
    int cols = std::max(max_batch, max_tokens);
    x = random_matrix(s.hidden, cols, rng);
    qkv.resize(qkv_rows, cols);
    attn.resize(q_rows, cols);
    gu.resize(2 * Eigen::Index(s.ffn), cols);
    act.resize(s.ffn, cols);
    logits.resize(s.vocab, max_batch);
    scores.resize(std::max(context, max_tokens), std::max(group, max_tokens));
  }

  // The MLP and the residual adds for `n` columns of x, after attention wrote `attn`.
  void finish_layer(Layer& ly, Eigen::Index n, bool decode) {
    if (decode) {
      decode_matmul(ly.wo, attn.leftCols(n), x.leftCols(n), true);
      decode_matmul(ly.wgu, x.leftCols(n), gu.leftCols(n), false);
    } else {
      x.leftCols(n).noalias() += ly.wo * attn.leftCols(n);
      gu.leftCols(n).noalias() = ly.wgu * x.leftCols(n);
    }
    auto g = gu.topRows(s.ffn).leftCols(n).array();
    auto u = gu.bottomRows(s.ffn).leftCols(n).array();
    act.leftCols(n) = (g / (1.0f + (-g).exp()) * u).matrix();
    if (decode) {
      decode_matmul(ly.wd, act.leftCols(n), x.leftCols(n), true);
    } else {
      x.leftCols(n).noalias() += ly.wd * act.leftCols(n);
    }
    // Keeps activations bounded across layers and repeats (stands in for the norms).
    x.leftCols(n) *= 0.5f;
  }

  void decode_layers(int batch) {
    const float scale = 1.0f / std::sqrt(float(s.head_dim));
    for (auto& ly : layer) {
      decode_matmul(ly.wqkv, x.leftCols(batch), qkv.leftCols(batch), false);
      for (int b = 0; b < batch; ++b) {
        for (int g = 0; g < s.kv_heads; ++g) {
          Eigen::Index base = (Eigen::Index(b) * s.kv_heads + g) * context;
          auto k = ly.kcache.middleCols(base, context);
          auto v = ly.vcache.middleCols(base, context);
          // The new token's key and value take the last slot, so the step stays the same size.
          k.col(context - 1) = qkv.col(b).segment(q_rows + g * s.head_dim, s.head_dim);
          v.col(context - 1) = qkv.col(b).segment(q_rows + kv_rows + g * s.head_dim, s.head_dim);
          // The heads of this group as a head_dim x group matrix.
          Eigen::Map<Mat> q(qkv.col(b).data() + Eigen::Index(g) * group * s.head_dim, s.head_dim, group);
          auto sc = scores.topLeftCorner(context, group);
          sc.noalias() = (k.transpose() * q) * scale;
          softmax_columns(sc);
          Eigen::Map<Mat> out(attn.col(b).data() + Eigen::Index(g) * group * s.head_dim, s.head_dim, group);
          out.noalias() = v * sc;
        }
      }
      finish_layer(ly, batch, true);
    }
    sink += x(0, 0);
  }

  void head(int batch) {
    decode_matmul(whead, x.leftCols(batch), logits.leftCols(batch), false);
    sink += logits(0, 0);
  }

  void prefill(int tokens) {
    const float scale = 1.0f / std::sqrt(float(s.head_dim));
    for (auto& ly : layer) {
      qkv.leftCols(tokens).noalias() = ly.wqkv * x.leftCols(tokens);
      for (int h = 0; h < s.heads; ++h) {
        int g = h / group;
        auto q = qkv.block(Eigen::Index(h) * s.head_dim, 0, s.head_dim, tokens);
        auto k = qkv.block(q_rows + Eigen::Index(g) * s.head_dim, 0, s.head_dim, tokens);
        auto v = qkv.block(q_rows + kv_rows + Eigen::Index(g) * s.head_dim, 0, s.head_dim, tokens);
        auto sc = scores.topLeftCorner(tokens, tokens);
        sc.noalias() = (k.transpose() * q) * scale;
        // Causal mask: query j sees keys 0..j.
        for (int j = 0; j < tokens; ++j) sc.col(j).tail(tokens - 1 - j).setConstant(-1e30f);
        softmax_columns(sc);
        attn.block(Eigen::Index(h) * s.head_dim, 0, s.head_dim, tokens).noalias() = v * sc;
      }
      finish_layer(ly, tokens, false);
    }
    logits.col(0).noalias() = whead * x.col(tokens - 1);
    sink += logits(0, 0);
  }
};

CpuTransformer::CpuTransformer(const TransformerShape& shape, int layers_run, int max_batch, int context,
                               int max_tokens, std::uint32_t seed)
    : impl_(std::make_unique<Impl>(shape, layers_run, max_batch, context, max_tokens, seed)) {}
CpuTransformer::~CpuTransformer() = default;
void CpuTransformer::decode_layers(int batch) { impl_->decode_layers(batch); }
void CpuTransformer::head(int batch) { impl_->head(batch); }
void CpuTransformer::prefill(int tokens) { impl_->prefill(tokens); }
float CpuTransformer::checksum() const { return impl_->sink; }
StepCost CpuTransformer::step_cost(int batch) const {
  return decode_step_cost(impl_->s, impl_->layers, 4.0, 4.0, batch, impl_->context);
}

double cpu_layer_bytes(const TransformerShape& shape, int max_batch, int context) {
  return 4.0 * (shape.params_per_layer() + double(max_batch) * context * shape.kv_elements_per_token_per_layer());
}

ProbeResult run_cpu_probe(const ProbeConfig& cfg) {
  if (cfg.precision != "fp32")
    throw Error(fmt::format("the cpu backend measures fp32 only, not '{}' (expected --precision fp32)", cfg.precision),
                ExitCode::usage_error);
  check_probe_config(cfg, 4096);
  auto say = [&](const std::string& m) {
    if (cfg.progress) cfg.progress(m);
  };

  ProbeResult r;
  r.backend = "cpu";
  r.device_name = cpu_name();
  r.device_memory_bytes = physical_memory_bytes();
  r.driver_version = "-";
  r.runtime_version = fmt::format("Eigen {}.{}.{}", EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION);
  r.precision = "fp32";
  r.layers = cfg.shape.layers;
  r.context = cfg.context;
  r.repeats = cfg.repeats;
  r.prefill_tokens = cfg.prefill_tokens;
  r.notes.push_back("one thread; Eigen fp32 GEMM/GEMV; norms and rotary embedding omitted (under 1% of bytes)");

  int max_batch = *std::max_element(cfg.batches.begin(), cfg.batches.end());
  // Layers that fit the budget (default: a quarter of RAM, at most 4 GiB), at least one.
  double budget = cfg.memory_budget_bytes > 0 ? cfg.memory_budget_bytes
                                              : std::min(4.0 * bytes_per_gib, physical_memory_bytes() / 4);
  double head_bytes = 4.0 * cfg.shape.head_params();
  double per_layer = cpu_layer_bytes(cfg.shape, max_batch, cfg.context);
  int fit = int(std::floor((budget - head_bytes) / per_layer));
  if (fit < 1)
    throw Error(fmt::format("model '{}' needs {:.2f} GiB for one layer and the head (expected a memory budget above that)",
                            cfg.shape.name, (per_layer + head_bytes) / bytes_per_gib),
                ExitCode::unavailable);
  const int layers_run = choose_layers_run(cfg, fit, r);

  double stream_bytes = cfg.stream_array_bytes > 0 ? cfg.stream_array_bytes : 64.0 * 1024 * 1024;
  say(fmt::format("stream triad, 3 arrays of {:.0f} MiB", stream_bytes / 1048576.0));
  r.stream_bandwidth_bytes_per_s = stream_triad_bytes_per_s(std::size_t(stream_bytes), cfg.repeats);
  say(fmt::format("  {:.2f} GB/s", r.stream_bandwidth_bytes_per_s / 1e9));
  say("GEMM 1024 x 1024 x 1024 fp32");
  r.gemm_flops_per_s = gemm_flops_per_s(1024, cfg.repeats);
  say(fmt::format("  {:.2f} GFLOP/s", r.gemm_flops_per_s / 1e9));

  say(fmt::format("building {} layers of '{}' with synthetic weights", layers_run, cfg.shape.name));
  CpuTransformer m(cfg.shape, layers_run, max_batch, cfg.context, cfg.prefill_tokens);
  const double scale = double(cfg.shape.layers) / layers_run;

  say(fmt::format("prefill of {} tokens", cfg.prefill_tokens));
  {
    std::vector<double> times;
    for (int i = 0; i < cfg.warmup + cfg.repeats; ++i) {
      auto t0 = Clock::now();
      m.prefill(cfg.prefill_tokens);
      double t = seconds_since(t0);
      if (i >= cfg.warmup) times.push_back(t);
    }
    // The head (one token) is a small share of a prefill: the whole time is scaled.
    r.prefill_s = median(times) * scale;
    r.prefill_tokens_per_s = cfg.prefill_tokens / r.prefill_s;
    say(fmt::format("  {:.1f} tokens/s", r.prefill_tokens_per_s));
  }

  for (int b : cfg.batches) {
    std::vector<double> layer_t, head_t;
    for (int i = 0; i < cfg.warmup + cfg.repeats; ++i) {
      auto t0 = Clock::now();
      m.decode_layers(b);
      auto t1 = Clock::now();
      m.head(b);
      double th = seconds_since(t1);
      if (i >= cfg.warmup) {
        layer_t.push_back(std::chrono::duration<double>(t1 - t0).count());
        head_t.push_back(th);
      }
    }
    DecodePoint p = decode_point(cfg.shape, b, cfg.context, 4.0, std::move(layer_t), std::move(head_t), scale);
    r.decode.push_back(p);
    say(fmt::format("decode batch {}: {:.3f} ms/step, {:.1f} tokens/s, {:.2f} GB/s", b, p.step_s * 1e3, p.tokens_per_s,
                    p.bytes / p.step_s / 1e9));
  }
  if (m.checksum() == 12345.0f) r.notes.push_back("checksum");  // keeps the work observable
  return r;
}

}  // namespace plan::probe
