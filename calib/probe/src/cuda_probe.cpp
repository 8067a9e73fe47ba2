// Host side of the CUDA probe: device memory, events and library handles in small
// move-only RAII types; every CUDA and cuBLAS call through PLAN_CUDA_CALL / PLAN_CUBLAS_CALL.
#include "plan/probe/cuda_probe.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <utility>
#include <vector>

#include "cuda_check.hpp"
#include "kernels.hpp"
#include "plan/core/base/error.hpp"
#include "plan/core/serving/probe_run.hpp"
#include "plan/core/base/units.hpp"

namespace plan::probe {
namespace {

using kernels::DType;

// Device memory, freed on destruction.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t bytes) : bytes_(bytes) {
    if (bytes_ > 0) PLAN_CUDA_CALL(cudaMalloc(&p_, bytes_));
  }
  ~DeviceBuffer() {
    if (p_) PLAN_CUDA_CALL_NOEXCEPT(cudaFree(p_));
  }
  DeviceBuffer(DeviceBuffer&& o) noexcept : p_(std::exchange(o.p_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      if (p_) PLAN_CUDA_CALL_NOEXCEPT(cudaFree(p_));
      p_ = std::exchange(o.p_, nullptr);
      bytes_ = std::exchange(o.bytes_, 0);
    }
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void* get() const { return p_; }
  template <class T>
  T* as() const { return static_cast<T*>(p_); }
  std::size_t bytes() const { return bytes_; }

 private:
  void* p_ = nullptr;
  std::size_t bytes_ = 0;
};

class Event {
 public:
  Event() { PLAN_CUDA_CALL(cudaEventCreate(&e_)); }
  ~Event() {
    if (e_) PLAN_CUDA_CALL_NOEXCEPT(cudaEventDestroy(e_));
  }
  Event(Event&& o) noexcept : e_(std::exchange(o.e_, nullptr)) {}
  Event& operator=(Event&& o) noexcept {
    if (this != &o) {
      if (e_) PLAN_CUDA_CALL_NOEXCEPT(cudaEventDestroy(e_));
      e_ = std::exchange(o.e_, nullptr);
    }
    return *this;
  }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  void record(cudaStream_t s) { PLAN_CUDA_CALL(cudaEventRecord(e_, s)); }
  void sync() { PLAN_CUDA_CALL(cudaEventSynchronize(e_)); }
  // Seconds from `start` to this event; both must have completed.
  double seconds_since(const Event& start) const {
    float ms = 0;
    PLAN_CUDA_CALL(cudaEventElapsedTime(&ms, start.e_, e_));
    return double(ms) * 1e-3;
  }

 private:
  cudaEvent_t e_ = nullptr;
};

class Stream {
 public:
  Stream() { PLAN_CUDA_CALL(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking)); }
  ~Stream() {
    if (s_) PLAN_CUDA_CALL_NOEXCEPT(cudaStreamDestroy(s_));
  }
  Stream(Stream&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  Stream& operator=(Stream&&) = delete;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  cudaStream_t get() const { return s_; }

 private:
  cudaStream_t s_ = nullptr;
};

void report_cublas(cublasStatus_t s, const char* what) noexcept {
  if (s != CUBLAS_STATUS_SUCCESS)
    std::fprintf(stderr, "plan: warning: %s failed: %s\n", what, cublasGetStatusName(s));
}

// A cuBLAS or cuBLASLt object with its destroy function; move-only.
template <class H, cublasStatus_t (*Destroy)(H)>
class CublasObject {
 public:
  CublasObject() = default;
  explicit CublasObject(H h) : h_(h) {}
  ~CublasObject() {
    if (h_) report_cublas(Destroy(h_), "cuBLAS destroy");
  }
  CublasObject(CublasObject&& o) noexcept : h_(std::exchange(o.h_, H{})) {}
  CublasObject& operator=(CublasObject&& o) noexcept {
    if (this != &o) {
      if (h_) report_cublas(Destroy(h_), "cuBLAS destroy");
      h_ = std::exchange(o.h_, H{});
    }
    return *this;
  }
  CublasObject(const CublasObject&) = delete;
  CublasObject& operator=(const CublasObject&) = delete;
  H get() const { return h_; }

 private:
  H h_{};
};

using CublasHandle = CublasObject<cublasHandle_t, cublasDestroy>;
using LtHandle = CublasObject<cublasLtHandle_t, cublasLtDestroy>;
using LtMatmulDesc = CublasObject<cublasLtMatmulDesc_t, cublasLtMatmulDescDestroy>;
using LtLayout = CublasObject<cublasLtMatrixLayout_t, cublasLtMatrixLayoutDestroy>;
using LtPreference = CublasObject<cublasLtMatmulPreference_t, cublasLtMatmulPreferenceDestroy>;

CublasHandle make_cublas(cudaStream_t s) {
  cublasHandle_t h = nullptr;
  PLAN_CUBLAS_CALL(cublasCreate(&h));
  CublasHandle owned(h);
  PLAN_CUBLAS_CALL(cublasSetStream(h, s));
  return owned;
}

LtHandle make_lt() {
  cublasLtHandle_t h = nullptr;
  PLAN_CUBLAS_CALL(cublasLtCreate(&h));
  return LtHandle(h);
}

cudaDataType_t cuda_type(DType t) {
  switch (t) {
    case DType::f32: return CUDA_R_32F;
    case DType::f16: return CUDA_R_16F;
    case DType::bf16: return CUDA_R_16BF;
  }
  return CUDA_R_32F;
}

std::size_t dtype_bytes(DType t) { return t == DType::f32 ? 4 : 2; }

DType dtype_of(const std::string& precision) {
  if (precision == "fp32") return DType::f32;
  if (precision == "fp16") return DType::f16;
  if (precision == "bf16") return DType::bf16;
  throw Error(fmt::format("the cuda probe measures fp32, fp16 or bf16, not '{}' (expected --precision bf16)", precision),
              ExitCode::usage_error);
}

std::string version_text(int v) { return fmt::format("{}.{}", v / 1000, (v % 1000) / 10); }

// C[m x n] = A[m x k] * B[k x n] (+ beta C), column-major, fp32 accumulation.
void gemm(cublasHandle_t h, DType t, int m, int n, int k, const void* a, int lda, const void* b, int ldb, void* c,
          int ldc, float beta = 0.f) {
  const float alpha = 1.f;
  PLAN_CUBLAS_CALL(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, a, cuda_type(t), lda, b, cuda_type(t),
                                ldb, &beta, c, cuda_type(t), ldc, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

// Times `body` with events: `warmup` untimed runs, then the median of `repeats`.
template <class F>
double time_median(cudaStream_t s, int warmup, int repeats, F&& body) {
  Event start, stop;
  for (int i = 0; i < warmup; ++i) body();
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    start.record(s);
    body();
    stop.record(s);
    stop.sync();
    t.push_back(stop.seconds_since(start));
  }
  return median(t);
}

struct Bandwidth {
  double copy_bytes_per_s = 0;
  double triad_bytes_per_s = 0;
};

Bandwidth measure_bandwidth(std::size_t n_floats, cudaStream_t s, int warmup, int repeats) {
  n_floats -= n_floats % 4;
  DeviceBuffer a(n_floats * 4), b(n_floats * 4), c(n_floats * 4);
  kernels::fill_random(DType::f32, b.get(), n_floats, 1, s);
  PLAN_CUDA_CHECK_LAUNCH();
  kernels::fill_random(DType::f32, c.get(), n_floats, 2, s);
  PLAN_CUDA_CHECK_LAUNCH();
  Bandwidth bw;
  double t_copy = time_median(s, warmup, repeats, [&] {
    kernels::stream_copy(a.as<float>(), b.as<float>(), n_floats, s);
    PLAN_CUDA_CHECK_LAUNCH();
  });
  bw.copy_bytes_per_s = 2.0 * double(n_floats) * 4 / t_copy;
  double t_triad = time_median(s, warmup, repeats, [&] {
    kernels::stream_triad(a.as<float>(), b.as<float>(), c.as<float>(), 3.f, n_floats, s);
    PLAN_CUDA_CHECK_LAUNCH();
  });
  bw.triad_bytes_per_s = 3.0 * double(n_floats) * 4 / t_triad;
  return bw;
}

// A square n x n x n GEMM through cuBLASLt with the heuristic's first algorithm.
double measure_gemm_flops(cublasLtHandle_t lt, DType t, int n, cudaStream_t s, int warmup, int repeats) {
  std::size_t elems = std::size_t(n) * n;
  DeviceBuffer a(elems * dtype_bytes(t)), b(elems * dtype_bytes(t)), c(elems * dtype_bytes(t));
  kernels::fill_random(t, a.get(), elems, 3, s);
  PLAN_CUDA_CHECK_LAUNCH();
  kernels::fill_random(t, b.get(), elems, 4, s);
  PLAN_CUDA_CHECK_LAUNCH();
  const std::size_t ws_bytes = 32u << 20;
  DeviceBuffer ws(ws_bytes);

  cublasLtMatmulDesc_t op_raw = nullptr;
  PLAN_CUBLAS_CALL(cublasLtMatmulDescCreate(&op_raw, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  LtMatmulDesc op(op_raw);
  auto layout = [&]() {
    cublasLtMatrixLayout_t l = nullptr;
    PLAN_CUBLAS_CALL(cublasLtMatrixLayoutCreate(&l, cuda_type(t), std::uint64_t(n), std::uint64_t(n), std::int64_t(n)));
    return LtLayout(l);
  };
  LtLayout la = layout(), lb = layout(), lc = layout();
  cublasLtMatmulPreference_t pref_raw = nullptr;
  PLAN_CUBLAS_CALL(cublasLtMatmulPreferenceCreate(&pref_raw));
  LtPreference pref(pref_raw);
  PLAN_CUBLAS_CALL(cublasLtMatmulPreferenceSetAttribute(pref.get(), CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws_bytes,
                                                        sizeof ws_bytes));
  cublasLtMatmulHeuristicResult_t heur{};
  int found = 0;
  PLAN_CUBLAS_CALL(cublasLtMatmulAlgoGetHeuristic(lt, op.get(), la.get(), lb.get(), lc.get(), lc.get(), pref.get(), 1,
                                                  &heur, &found));
  if (found < 1) throw Error(fmt::format("cuBLASLt has no algorithm for a {0} x {0} GEMM", n), ExitCode::unavailable);
  const float alpha = 1.f, beta = 0.f;
  double sec = time_median(s, warmup, repeats, [&] {
    PLAN_CUBLAS_CALL(cublasLtMatmul(lt, op.get(), &alpha, a.get(), la.get(), b.get(), lb.get(), &beta, c.get(), lc.get(),
                                    c.get(), lc.get(), &heur.algo, ws.get(), ws_bytes, s));
  });
  return 2.0 * double(n) * n * n / sec;
}

// Synthetic weights, KV cache and activations of `layers_run` layers on the device.
struct GpuModel {
  TransformerShape s;
  DType t;
  int layers_run, max_batch, context, max_tokens;
  int q_rows, kv_rows, qkv_rows, group;
  struct Layer {
    DeviceBuffer wqkv, wo, wgu, wd, kc, vc;
  };
  std::vector<Layer> layer;
  DeviceBuffer whead, x, qkv, attn, gu, act, logits, scores, probs;

  static double fixed_bytes(const TransformerShape& s, DType t, int max_batch, int max_tokens) {
    double e = double(dtype_bytes(t));
    int cols = std::max(max_batch, max_tokens);
    int group = s.heads / s.kv_heads;
    double acts = double(cols) * (s.hidden + (s.heads + 2.0 * s.kv_heads) * s.head_dim + double(s.heads) * s.head_dim +
                                  3.0 * s.ffn);
    double att = double(group) * max_tokens * max_tokens;
    return e * (s.head_params() + acts + double(s.vocab) * max_batch + att) + 4.0 * att;
  }
  static double layer_bytes(const TransformerShape& s, DType t, int max_batch, int context) {
    return double(dtype_bytes(t)) *
           (s.params_per_layer() + double(max_batch) * context * s.kv_elements_per_token_per_layer());
  }

  GpuModel(const TransformerShape& shape, DType dt, int lr, int mb, int ctx, int mt, cudaStream_t st)
      : s(shape), t(dt), layers_run(lr), max_batch(mb), context(ctx), max_tokens(mt) {
    q_rows = s.heads * s.head_dim;
    kv_rows = s.kv_heads * s.head_dim;
    qkv_rows = q_rows + 2 * kv_rows;
    group = s.heads / s.kv_heads;
    std::size_t e = dtype_bytes(t);
    unsigned seed = 10;
    auto alloc = [&](std::size_t elems) {
      DeviceBuffer b(elems * e);
      kernels::fill_random(t, b.get(), elems, seed++, st);
      PLAN_CUDA_CHECK_LAUNCH();
      return b;
    };
    std::size_t h = std::size_t(s.hidden);
    std::size_t cache = std::size_t(s.head_dim) * context * s.kv_heads * max_batch;
    for (int l = 0; l < layers_run; ++l) {
      layer.push_back(Layer{alloc(std::size_t(qkv_rows) * h), alloc(h * q_rows), alloc(2 * std::size_t(s.ffn) * h),
                            alloc(h * s.ffn), alloc(cache), alloc(cache)});
    }
    whead = alloc(std::size_t(s.vocab) * h);
    std::size_t cols = std::size_t(std::max(max_batch, max_tokens));
    x = alloc(h * cols);
    qkv = alloc(std::size_t(qkv_rows) * cols);
    attn = alloc(std::size_t(q_rows) * cols);
    gu = alloc(2 * std::size_t(s.ffn) * cols);
    act = alloc(std::size_t(s.ffn) * cols);
    logits = alloc(std::size_t(s.vocab) * max_batch);
    scores = DeviceBuffer(std::size_t(group) * max_tokens * max_tokens * 4);
    probs = alloc(std::size_t(group) * max_tokens * max_tokens);
    PLAN_CUDA_CALL(cudaStreamSynchronize(st));
  }

  void* col(const DeviceBuffer& b, std::size_t rows, std::size_t c) const {
    return static_cast<char*>(b.get()) + rows * c * dtype_bytes(t);
  }

  void mlp(cublasHandle_t hd, Layer& ly, int n, cudaStream_t st) {
    gemm(hd, t, s.hidden, n, q_rows, ly.wo.get(), s.hidden, attn.get(), q_rows, x.get(), s.hidden, 1.f);
    gemm(hd, t, 2 * s.ffn, n, s.hidden, ly.wgu.get(), 2 * s.ffn, x.get(), s.hidden, gu.get(), 2 * s.ffn);
    kernels::silu_mul(t, gu.get(), act.get(), s.ffn, n, st);
    PLAN_CUDA_CHECK_LAUNCH();
    gemm(hd, t, s.hidden, n, s.ffn, ly.wd.get(), s.hidden, act.get(), s.ffn, x.get(), s.hidden, 1.f);
  }

  void decode_layers(cublasHandle_t hd, int batch, cudaStream_t st) {
    float scale = 1.f / std::sqrt(float(s.head_dim));
    for (auto& ly : layer) {
      gemm(hd, t, qkv_rows, batch, s.hidden, ly.wqkv.get(), qkv_rows, x.get(), s.hidden, qkv.get(), qkv_rows);
      kernels::append_kv(t, qkv.get(), qkv_rows, q_rows, ly.kc.get(), ly.vc.get(), batch, s.kv_heads, s.head_dim,
                         context, st);
      PLAN_CUDA_CHECK_LAUNCH();
      kernels::decode_attention(t, qkv.get(), qkv_rows, ly.kc.get(), ly.vc.get(), attn.get(), q_rows, batch, s.kv_heads,
                                group, s.head_dim, context, scale, st);
      PLAN_CUDA_CHECK_LAUNCH();
      mlp(hd, ly, batch, st);
    }
  }

  void head(cublasHandle_t hd, int batch) {
    gemm(hd, t, s.vocab, batch, s.hidden, whead.get(), s.vocab, x.get(), s.hidden, logits.get(), s.vocab);
  }

  void prefill(cublasHandle_t hd, int n, cudaStream_t st) {
    float scale = 1.f / std::sqrt(float(s.head_dim));
    const float one = 1.f, zero = 0.f;
    std::size_t e = dtype_bytes(t);
    for (auto& ly : layer) {
      gemm(hd, t, qkv_rows, n, s.hidden, ly.wqkv.get(), qkv_rows, x.get(), s.hidden, qkv.get(), qkv_rows);
      for (int g = 0; g < s.kv_heads; ++g) {
        const char* base = static_cast<const char*>(qkv.get());
        const void* k = base + std::size_t(q_rows + g * s.head_dim) * e;
        const void* v = base + std::size_t(q_rows + kv_rows + g * s.head_dim) * e;
        const void* q = base + std::size_t(g) * group * s.head_dim * e;
        // Scores of the group's heads: S_h = K_g^T Q_h, n x n each, fp32.
        PLAN_CUBLAS_CALL(cublasGemmStridedBatchedEx(
            hd, CUBLAS_OP_T, CUBLAS_OP_N, n, n, s.head_dim, &one, k, cuda_type(t), qkv_rows, 0, q, cuda_type(t),
            qkv_rows, s.head_dim, &zero, scores.get(), CUDA_R_32F, n, std::int64_t(n) * n, group, CUBLAS_COMPUTE_32F,
            CUBLAS_GEMM_DEFAULT));
        kernels::causal_softmax(t, scores.as<float>(), probs.get(), n, group, scale, st);
        PLAN_CUDA_CHECK_LAUNCH();
        // O_h = V_g P_h into the heads' rows of attn.
        void* o = static_cast<char*>(attn.get()) + std::size_t(g) * group * s.head_dim * e;
        PLAN_CUBLAS_CALL(cublasGemmStridedBatchedEx(hd, CUBLAS_OP_N, CUBLAS_OP_N, s.head_dim, n, n, &one, v,
                                                    cuda_type(t), qkv_rows, 0, probs.get(), cuda_type(t), n,
                                                    std::int64_t(n) * n, &zero, o, cuda_type(t), q_rows, s.head_dim,
                                                    group, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
      }
      mlp(hd, ly, n, st);
    }
    // The next token's logits: the head on the last position only.
    gemm(hd, t, s.vocab, 1, s.hidden, whead.get(), s.vocab, col(x, std::size_t(s.hidden), std::size_t(n - 1)),
         s.hidden, logits.get(), s.vocab);
  }
};

}  // namespace

bool cuda_device_present() noexcept {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return false;
  }
  return n > 0;
}

void require_cuda_device() {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e == cudaErrorNoDevice || e == cudaErrorInsufficientDriver || (e == cudaSuccess && n == 0)) {
    (void)cudaGetLastError();
    throw Error("no CUDA device found (expected an NVIDIA GPU and its driver, or --backend cpu)", ExitCode::unavailable);
  }
  if (e != cudaSuccess) detail::throw_cuda_error(e, "cudaGetDeviceCount(&n)", __FILE__, __LINE__);
}

ProbeResult run_cuda_probe(const ProbeConfig& cfg, int device) {
  require_cuda_device();
  DType t = dtype_of(cfg.precision);
  check_probe_config(cfg, 65535);
  int group = cfg.shape.heads / cfg.shape.kv_heads;
  if (!kernels::decode_attention_supported(cfg.shape.head_dim, group))
    throw Error(fmt::format("model '{}': head_dim {} with {} query heads per KV head is outside the probe's attention "
                            "kernel (expected head_dim a multiple of 32 up to 256, at most 8 heads per KV head)",
                            cfg.shape.name, cfg.shape.head_dim, group),
                ExitCode::unavailable);
  auto say = [&](const std::string& m) {
    if (cfg.progress) cfg.progress(m);
  };

  PLAN_CUDA_CALL(cudaSetDevice(device));
  cudaDeviceProp prop{};
  PLAN_CUDA_CALL(cudaGetDeviceProperties(&prop, device));
  int driver = 0, runtime = 0;
  PLAN_CUDA_CALL(cudaDriverGetVersion(&driver));
  PLAN_CUDA_CALL(cudaRuntimeGetVersion(&runtime));

  ProbeResult r;
  r.backend = "cuda";
  r.device_name = prop.name;
  r.device_memory_bytes = double(prop.totalGlobalMem);
  r.driver_version = version_text(driver);
  r.runtime_version = version_text(runtime);
  r.precision = cfg.precision;
  r.layers = cfg.shape.layers;
  r.context = cfg.context;
  r.repeats = cfg.repeats;
  r.prefill_tokens = cfg.prefill_tokens;
  r.notes.push_back("cuBLAS GEMMs with fp32 accumulation; decode attention by the probe's kernel; norms and rotary "
                    "embedding omitted (under 1% of bytes)");

  Stream stream;
  cudaStream_t st = stream.get();
  CublasHandle blas = make_cublas(st);
  LtHandle lt = make_lt();

  std::size_t free_b = 0, total_b = 0;
  PLAN_CUDA_CALL(cudaMemGetInfo(&free_b, &total_b));
  std::size_t stream_floats = cfg.stream_array_bytes > 0
                                  ? std::size_t(cfg.stream_array_bytes / 4)
                                  : std::min<std::size_t>((std::size_t(1) << 30) / 4, free_b / 8 / 4);
  say(fmt::format("stream copy and triad, arrays of {:.0f} MiB", double(stream_floats) * 4 / 1048576.0));
  Bandwidth bw = measure_bandwidth(stream_floats, st, cfg.warmup, cfg.repeats);
  r.stream_bandwidth_bytes_per_s = bw.triad_bytes_per_s;
  r.notes.push_back(fmt::format("stream copy {:.1f} GB/s, triad {:.1f} GB/s", bw.copy_bytes_per_s / 1e9,
                                bw.triad_bytes_per_s / 1e9));
  say(fmt::format("  copy {:.1f} GB/s, triad {:.1f} GB/s", bw.copy_bytes_per_s / 1e9, bw.triad_bytes_per_s / 1e9));
  const int gemm_n = 8192;
  say(fmt::format("cuBLASLt GEMM {0} x {0} x {0} {1}", gemm_n, cfg.precision));
  r.gemm_flops_per_s = measure_gemm_flops(lt.get(), t, gemm_n, st, cfg.warmup, cfg.repeats);
  say(fmt::format("  {:.1f} TFLOP/s", r.gemm_flops_per_s / 1e12));

  int max_batch = *std::max_element(cfg.batches.begin(), cfg.batches.end());
  PLAN_CUDA_CALL(cudaMemGetInfo(&free_b, &total_b));
  // cuBLAS workspaces and fragmentation: keep a tenth of free memory spare.
  double budget = cfg.memory_budget_bytes > 0 ? cfg.memory_budget_bytes : double(free_b) * 0.9;
  double fixed = GpuModel::fixed_bytes(cfg.shape, t, max_batch, cfg.prefill_tokens);
  double per_layer = GpuModel::layer_bytes(cfg.shape, t, max_batch, cfg.context);
  int fit = int(std::floor((budget - fixed) / per_layer));
  if (fit < 1)
    throw Error(fmt::format("model '{}' needs {:.2f} GiB for one layer, the head and activations; {:.2f} GiB free",
                            cfg.shape.name, (per_layer + fixed) / bytes_per_gib, budget / bytes_per_gib),
                ExitCode::unavailable);
  const int layers_run = choose_layers_run(cfg, fit, r);
  const double scale = double(cfg.shape.layers) / layers_run;

  say(fmt::format("allocating {} layers of '{}' ({:.2f} GiB)", layers_run, cfg.shape.name,
                  (fixed + per_layer * layers_run) / bytes_per_gib));
  GpuModel m(cfg.shape, t, layers_run, max_batch, cfg.context, cfg.prefill_tokens, st);
  double wbytes = double(dtype_bytes(t));

  say(fmt::format("prefill of {} tokens", cfg.prefill_tokens));
  r.prefill_s = time_median(st, cfg.warmup, cfg.repeats, [&] { m.prefill(blas.get(), cfg.prefill_tokens, st); }) * scale;
  r.prefill_tokens_per_s = cfg.prefill_tokens / r.prefill_s;
  say(fmt::format("  {:.1f} tokens/s", r.prefill_tokens_per_s));

  for (int b : cfg.batches) {
    Event e0, e1, e2;
    for (int i = 0; i < cfg.warmup; ++i) {
      m.decode_layers(blas.get(), b, st);
      m.head(blas.get(), b);
    }
    std::vector<double> layer_t, head_t;
    for (int i = 0; i < cfg.repeats; ++i) {
      e0.record(st);
      m.decode_layers(blas.get(), b, st);
      e1.record(st);
      m.head(blas.get(), b);
      e2.record(st);
      e2.sync();
      layer_t.push_back(e1.seconds_since(e0));
      head_t.push_back(e2.seconds_since(e1));
    }
    DecodePoint p = decode_point(cfg.shape, b, cfg.context, wbytes, std::move(layer_t), std::move(head_t), scale);
    r.decode.push_back(p);
    say(fmt::format("decode batch {}: {:.3f} ms/step, {:.1f} tokens/s, {:.1f} GB/s", b, p.step_s * 1e3, p.tokens_per_s,
                    p.bytes / p.step_s / 1e9));
  }
  PLAN_CUDA_CALL(cudaStreamSynchronize(st));
  return r;
}

}  // namespace plan::probe
