// Device code of the CUDA probe. Launch errors are checked by the host callers
// (PLAN_CUDA_CHECK_LAUNCH after each launcher).
#include <cstdint>

#include "convert.cuh"
#include "kernels.hpp"

namespace plan::probe::kernels {
namespace {

constexpr int kThreads = 256;

unsigned grid_for(std::size_t n, int threads = kThreads) {
  std::size_t blocks = (n + threads - 1) / threads;
  // Grid-stride loops cover the rest; this bound keeps the grid dimension valid.
  return static_cast<unsigned>(blocks < 65535u * 8u ? (blocks > 0 ? blocks : 1) : 65535u * 8u);
}

template <class T>
__global__ void fill_random_kernel(T* p, std::size_t n, unsigned seed) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n; i += std::size_t(gridDim.x) * blockDim.x) {
    std::uint64_t z = i * 0x9E3779B97F4A7C15ull + seed;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    float u = float(z >> 40) / float(1u << 24);  // [0, 1)
    p[i] = from_f<T>((u - 0.5f) * 0.1f);
  }
}

__global__ void stream_copy_kernel(float4* dst, const float4* src, std::size_t n4) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n4; i += std::size_t(gridDim.x) * blockDim.x)
    dst[i] = src[i];
}

__global__ void stream_triad_kernel(float4* a, const float4* b, const float4* c, float s, std::size_t n4) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; i < n4; i += std::size_t(gridDim.x) * blockDim.x) {
    float4 x = b[i], y = c[i];
    a[i] = make_float4(x.x + s * y.x, x.y + s * y.y, x.z + s * y.z, x.w + s * y.w);
  }
}

template <class T>
__global__ void silu_mul_kernel(const T* gu, T* act, int ffn, int cols) {
  std::size_t n = std::size_t(ffn) * cols;
  for (std::size_t e = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x; e < n; e += std::size_t(gridDim.x) * blockDim.x) {
    std::size_t i = e % ffn, j = e / ffn;
    float g = to_f(gu[j * 2 * ffn + i]);
    float u = to_f(gu[j * 2 * ffn + ffn + i]);
    act[j * ffn + i] = from_f<T>(g / (1.0f + __expf(-g)) * u);
  }
}

template <class T>
__global__ void append_kv_kernel(const T* qkv, int ld_qkv, int q_rows, T* kc, T* vc, int kv_heads, int head_dim,
                                 int context) {
  int g = blockIdx.x, b = blockIdx.y;
  int kv_rows = kv_heads * head_dim;
  std::size_t slot = ((std::size_t(b) * kv_heads + g) * context + (context - 1)) * head_dim;
  for (int i = threadIdx.x; i < head_dim; i += blockDim.x) {
    kc[slot + i] = qkv[std::size_t(b) * ld_qkv + q_rows + g * head_dim + i];
    vc[slot + i] = qkv[std::size_t(b) * ld_qkv + q_rows + kv_rows + g * head_dim + i];
  }
}

constexpr int kWarps = 4;
constexpr int kMaxGroup = 8;
constexpr int kMaxPerLane = 8;  // head_dim <= 256
constexpr int kMaxAcc = 2048;   // group x head_dim

// One block per (kv head, sequence); each warp walks every kWarps-th cache position with
// its lanes across head_dim (coalesced reads), keeping an online softmax per query head;
// the warps' partial results are merged through shared memory at the end.
template <class T>
__global__ void decode_attention_kernel(const T* qkv, int ld_qkv, const T* kc, const T* vc, T* out, int ld_out,
                                        int kv_heads, int group, int head_dim, int context, float scale) {
  const int g = blockIdx.x, b = blockIdx.y;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int per_lane = head_dim / 32;
  const T* q = qkv + std::size_t(b) * ld_qkv + std::size_t(g) * group * head_dim;
  const std::size_t base = (std::size_t(b) * kv_heads + g) * std::size_t(context) * head_dim;
  const T* k = kc + base;
  const T* v = vc + base;
  float qv[kMaxGroup][kMaxPerLane], acc[kMaxGroup][kMaxPerLane], m[kMaxGroup], l[kMaxGroup];
#pragma unroll
  for (int h = 0; h < kMaxGroup; ++h) {
    m[h] = -INFINITY;
    l[h] = 0.f;
#pragma unroll
    for (int i = 0; i < kMaxPerLane; ++i) {
      acc[h][i] = 0.f;
      qv[h][i] = (h < group && i < per_lane) ? to_f(q[h * head_dim + lane + 32 * i]) : 0.f;
    }
  }
  for (int t = warp; t < context; t += kWarps) {
    float kr[kMaxPerLane], vr[kMaxPerLane];
#pragma unroll
    for (int i = 0; i < kMaxPerLane; ++i) {
      bool on = i < per_lane;
      kr[i] = on ? to_f(k[std::size_t(t) * head_dim + lane + 32 * i]) : 0.f;
      vr[i] = on ? to_f(v[std::size_t(t) * head_dim + lane + 32 * i]) : 0.f;
    }
#pragma unroll
    for (int h = 0; h < kMaxGroup; ++h) {
      if (h < group) {
        float s = 0.f;
#pragma unroll
        for (int i = 0; i < kMaxPerLane; ++i) s += qv[h][i] * kr[i];
        s = warp_sum(s) * scale;
        float nm = fmaxf(m[h], s);
        float c = __expf(m[h] - nm);
        float p = __expf(s - nm);
        l[h] = l[h] * c + p;
#pragma unroll
        for (int i = 0; i < kMaxPerLane; ++i) acc[h][i] = acc[h][i] * c + p * vr[i];
        m[h] = nm;
      }
    }
  }
  __shared__ float sm[kWarps][kMaxGroup];
  __shared__ float sl[kWarps][kMaxGroup];
  __shared__ float sacc[kWarps][kMaxAcc];
#pragma unroll
  for (int h = 0; h < kMaxGroup; ++h) {
    if (h < group) {
      if (lane == 0) {
        sm[warp][h] = m[h];
        sl[warp][h] = l[h];
      }
#pragma unroll
      for (int i = 0; i < kMaxPerLane; ++i)
        if (i < per_lane) sacc[warp][h * head_dim + lane + 32 * i] = acc[h][i];
    }
  }
  __syncthreads();
  for (int e = threadIdx.x; e < group * head_dim; e += blockDim.x) {
    int h = e / head_dim;
    float mx = -INFINITY;
    for (int w = 0; w < kWarps; ++w) mx = fmaxf(mx, sm[w][h]);
    float den = 0.f, num = 0.f;
    for (int w = 0; w < kWarps; ++w) {
      float c = sm[w][h] == -INFINITY ? 0.f : __expf(sm[w][h] - mx);
      den += sl[w][h] * c;
      num += sacc[w][e] * c;
    }
    out[std::size_t(b) * ld_out + std::size_t(g) * group * head_dim + e] = from_f<T>(num / den);
  }
}

// One block per (query column, matrix): keys 0..j are visible to query j.
template <class T>
__global__ void causal_softmax_kernel(const float* scores, T* probs, int n, float scale) {
  const int j = blockIdx.x;
  const std::size_t off = std::size_t(blockIdx.y) * n * n + std::size_t(j) * n;
  const float* s = scores + off;
  T* p = probs + off;
  __shared__ float red[kThreads / 32];
  float mx = -INFINITY;
  for (int i = threadIdx.x; i <= j; i += blockDim.x) mx = fmaxf(mx, s[i] * scale);
  mx = warp_max(mx);
  if (threadIdx.x % 32 == 0) red[threadIdx.x / 32] = mx;
  __syncthreads();
  mx = -INFINITY;
  for (int w = 0; w < int(blockDim.x / 32); ++w) mx = fmaxf(mx, red[w]);
  __syncthreads();
  float sum = 0.f;
  for (int i = threadIdx.x; i <= j; i += blockDim.x) sum += __expf(s[i] * scale - mx);
  sum = warp_sum(sum);
  if (threadIdx.x % 32 == 0) red[threadIdx.x / 32] = sum;
  __syncthreads();
  sum = 0.f;
  for (int w = 0; w < int(blockDim.x / 32); ++w) sum += red[w];
  for (int i = threadIdx.x; i < n; i += blockDim.x) p[i] = from_f<T>(i <= j ? __expf(s[i] * scale - mx) / sum : 0.f);
}

}  // namespace

#define PLAN_DISPATCH(t, F)                            \
  switch (t) {                                         \
    case DType::f32: F(float); break;                  \
    case DType::f16: F(__half); break;                 \
    case DType::bf16: F(__nv_bfloat16); break;         \
  }

void fill_random(DType t, void* p, std::size_t n, unsigned seed, cudaStream_t s) {
#define PLAN_F(T) fill_random_kernel<T><<<grid_for(n), kThreads, 0, s>>>(static_cast<T*>(p), n, seed)
  PLAN_DISPATCH(t, PLAN_F)
#undef PLAN_F
}

void stream_copy(float* dst, const float* src, std::size_t n, cudaStream_t s) {
  std::size_t n4 = n / 4;
  stream_copy_kernel<<<grid_for(n4), kThreads, 0, s>>>(reinterpret_cast<float4*>(dst),
                                                        reinterpret_cast<const float4*>(src), n4);
}

void stream_triad(float* a, const float* b, const float* c, float scalar, std::size_t n, cudaStream_t s) {
  std::size_t n4 = n / 4;
  stream_triad_kernel<<<grid_for(n4), kThreads, 0, s>>>(reinterpret_cast<float4*>(a), reinterpret_cast<const float4*>(b),
                                                         reinterpret_cast<const float4*>(c), scalar, n4);
}

void silu_mul(DType t, const void* gu, void* act, int ffn, int cols, cudaStream_t s) {
  std::size_t n = std::size_t(ffn) * cols;
#define PLAN_F(T) silu_mul_kernel<T><<<grid_for(n), kThreads, 0, s>>>(static_cast<const T*>(gu), static_cast<T*>(act), ffn, cols)
  PLAN_DISPATCH(t, PLAN_F)
#undef PLAN_F
}

void append_kv(DType t, const void* qkv, int ld_qkv, int q_rows, void* kcache, void* vcache, int batch, int kv_heads,
               int head_dim, int context, cudaStream_t s) {
  dim3 grid{unsigned(kv_heads), unsigned(batch), 1u};
  unsigned threads = unsigned(head_dim < 1024 ? head_dim : 1024);
#define PLAN_F(T)                                                                                              \
  append_kv_kernel<T><<<grid, threads, 0, s>>>(static_cast<const T*>(qkv), ld_qkv, q_rows, static_cast<T*>(kcache), \
                                               static_cast<T*>(vcache), kv_heads, head_dim, context)
  PLAN_DISPATCH(t, PLAN_F)
#undef PLAN_F
}

bool decode_attention_supported(int head_dim, int group) {
  return head_dim % 32 == 0 && head_dim <= 32 * kMaxPerLane && group >= 1 && group <= kMaxGroup &&
         group * head_dim <= kMaxAcc;
}

void decode_attention(DType t, const void* qkv, int ld_qkv, const void* kcache, const void* vcache, void* out, int ld_out,
                      int batch, int kv_heads, int group, int head_dim, int context, float scale, cudaStream_t s) {
  dim3 grid{unsigned(kv_heads), unsigned(batch), 1u};
#define PLAN_F(T)                                                                                                  \
  decode_attention_kernel<T><<<grid, kWarps * 32, 0, s>>>(static_cast<const T*>(qkv), ld_qkv,                      \
                                                          static_cast<const T*>(kcache), static_cast<const T*>(vcache), \
                                                          static_cast<T*>(out), ld_out, kv_heads, group, head_dim,  \
                                                          context, scale)
  PLAN_DISPATCH(t, PLAN_F)
#undef PLAN_F
}

void causal_softmax(DType t, const float* scores, void* probs, int n, int count, float scale, cudaStream_t s) {
  dim3 grid{unsigned(n), unsigned(count), 1u};
#define PLAN_F(T) causal_softmax_kernel<T><<<grid, kThreads, 0, s>>>(scores, static_cast<T*>(probs), n, scale)
  PLAN_DISPATCH(t, PLAN_F)
#undef PLAN_F
}

}  // namespace plan::probe::kernels
