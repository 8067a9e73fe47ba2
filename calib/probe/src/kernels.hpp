#pragma once
// Host-callable launchers of the probe's kernels (defined in kernels.cu). Element types
// are passed as a DType so that host code needs no CUDA type headers beyond the runtime.
#include <cuda_runtime_api.h>

#include <cstddef>

namespace plan::probe::kernels {

enum class DType { f32, f16, bf16 };

// Fills n elements with deterministic pseudo-random values in [-0.05, 0.05].
void fill_random(DType t, void* p, std::size_t n, unsigned seed, cudaStream_t s);
// Streaming kernels over float4 vectors; n floats, a multiple of 4.
void stream_copy(float* dst, const float* src, std::size_t n, cudaStream_t s);
void stream_triad(float* a, const float* b, const float* c, float scalar, std::size_t n, cudaStream_t s);
// act[i, j] = silu(gu[i, j]) * gu[ffn + i, j] for a (2 ffn) x cols column-major gu.
void silu_mul(DType t, const void* gu, void* act, int ffn, int cols, cudaStream_t s);
// Writes each sequence's new key and value (from qkv, q_rows + 2 kv_rows per column) into
// the last slot of its cache: cache layout [head_dim x context] per (sequence, kv head).
void append_kv(DType t, const void* qkv, int ld_qkv, int q_rows, void* kcache, void* vcache, int batch,
               int kv_heads, int head_dim, int context, cudaStream_t s);
// One decode step of attention for each (kv head, sequence): reads the whole K and V cache
// of the sequence once for the `group` query heads sharing it, online softmax.
// Limits: head_dim a multiple of 32 and at most 256, group x head_dim at most 2048, group <= 8.
bool decode_attention_supported(int head_dim, int group);
void decode_attention(DType t, const void* qkv, int ld_qkv, const void* kcache, const void* vcache, void* out,
                      int ld_out, int batch, int kv_heads, int group, int head_dim, int context, float scale,
                      cudaStream_t s);
// Causal softmax over the columns of `count` n x n fp32 score matrices (contiguous),
// written as probabilities of type t.
void causal_softmax(DType t, const float* scores, void* probs, int n, int count, float scale, cudaStream_t s);

}  // namespace plan::probe::kernels
