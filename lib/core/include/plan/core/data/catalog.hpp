#pragma once
// The hardware and model catalog behind the self-hosted performance model, as loaded from
// calib/catalog.yaml: model architectures, GPU specs, numeric precisions and the
// efficiency defaults of the roofline. Every entry names its source.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/base/error.hpp"
#include "plan/core/data/price_sheet.hpp"

namespace plan {

// How a model's attention keeps its keys and values.
enum class AttentionKind {
  gqa,  // grouped-query (multi-head when kv_heads == heads): K and V of kv_heads x head_dim
  mla,  // multi-head latent attention (DeepSeek-V2/V3): one compressed latent per token
};

// A transformer's shape. Counts are plain numbers (params in units, not billions).
struct ModelArch {
  std::string id;
  std::string name;
  int layers = 0;
  int hidden = 0;    // model width
  int heads = 0;     // attention (query) heads
  int kv_heads = 0;  // key/value heads (grouped-query attention)
  int head_dim = 0;
  int ffn = 0;       // dense MLP intermediate size (for MoE without moe_ffn: per expert)
  int vocab = 0;
  double params_total = 0;   // every weight held in memory
  double params_active = 0;  // weights one token multiplies (MoE: shared + top_k experts)
  double max_context = 0;    // tokens
  int experts = 0;           // MoE routed experts per layer; 0 for dense
  int top_k = 0;             // experts each token is routed to
  int moe_ffn = 0;           // intermediate size of one routed expert; 0: ffn
  int shared_experts = 0;    // experts every token passes through, each moe_ffn wide
  int dense_layers = 0;      // leading layers with a dense MLP of ffn (DeepSeek first_k_dense_replace)
  int moe_every = 1;         // after those, every n-th layer is a MoE layer (Llama 4 Maverick: 2)
  bool tied_embeddings = false;  // input embedding shared with the output projection
  AttentionKind attention = AttentionKind::gqa;
  // MLA: the compressed KV latent and the decoupled rotary key per token per layer, and the
  // per-head query/key and value widths (DeepSeek-V3 config.json).
  int kv_lora_rank = 0;
  int qk_rope_head_dim = 0;
  int qk_nope_head_dim = 0;
  int v_head_dim = 0;
  // Sliding-window attention: `local_layers` of the layers attend to the last
  // `sliding_window` tokens only and keep only those in their KV cache; the others are global.
  int sliding_window = 0;
  int local_layers = 0;
  // Learned per-head attention-sink logits (gpt-oss): no KV entries, no measurable work.
  bool attention_sinks = false;
  // Linear-attention layers (Gated DeltaNet: Qwen3-Next, Qwen3.5), interleaved with full
  // attention: `linear_layers` of the layers keep a fixed recurrent state per sequence, no
  // per-token KV: linear_value_heads x linear_key_head_dim x linear_value_head_dim, plus the
  // short convolution's last linear_conv_kernel - 1 inputs of q, k and v.
  int linear_layers = 0;
  int linear_key_heads = 0;
  int linear_value_heads = 0;
  int linear_key_head_dim = 0;
  int linear_value_head_dim = 0;
  int linear_conv_kernel = 0;
  // Sparse attention stated by the config (DeepSeek Sparse Attention: DeepSeek-V3.2, GLM-5): a
  // lightning indexer of index_heads x index_head_dim keeps one index_head_dim key per token per
  // layer beside the KV, and picks the index_topk tokens each query attends to. index_layers:
  // the layers that run an indexer of their own (GLM-5.2's indexer_types "full"; the others
  // reuse the previous one's choice, with no indexer weights or keys); 0: every attention layer.
  int index_topk = 0;
  int index_heads = 0;
  int index_head_dim = 0;
  int index_layers = 0;
  // Multi-token prediction layers (num_nextn_predict_layers) and their weights, held in memory
  // beside params_total (which, as the model cards count it, leaves them out).
  int mtp_layers = 0;
  double params_mtp = 0;
  // Hugging Face repository ids of this architecture ("meta-llama/Llama-3.1-8B-Instruct"),
  // for recognising the model a benchmark result names; may be empty.
  std::vector<std::string> hf_ids;
  std::string source;
  int line = 0;
  // The file the entry was read from: a user catalog file (`plan models add`), a Hugging Face
  // config.json (`model: hf:PATH`) or a catalog file given elsewhere; empty for a data
  // directory's calib/catalog.yaml and for entries built in code.
  std::string file;

  bool is_moe() const { return experts > 0; }
  // Layers with a routed-expert MLP: after dense_layers, every moe_every-th one.
  int moe_layers() const;
  int expert_ffn() const { return moe_ffn > 0 ? moe_ffn : ffn; }
  // Layers that attend to every token of the context (neither sliding-window nor linear).
  int global_layers() const { return layers - local_layers - linear_layers; }
  // Layers with softmax attention and a per-token KV cache.
  int attention_layers() const { return layers - linear_layers; }
  bool is_sparse_attention() const { return index_topk > 0; }
  // Layers that run a sparse-attention indexer of their own (and keep its keys).
  int indexer_layers() const {
    return is_sparse_attention() ? (index_layers > 0 ? index_layers : attention_layers()) : 0;
  }
};

// The shipped catalog as citations name it (relative to the data directory): the file of an
// entry whose `file` is empty.
inline constexpr const char* shipped_catalog_file = "calib/catalog.yaml";

// Where a model entry came from, for citations: "calib/catalog.yaml:LINE" for the shipped
// catalog, "FILE:LINE" for a user catalog file, the config.json path for an hf: model.
std::string cite(const ModelArch& m);
// The file alone: `m.file`, or calib/catalog.yaml.
std::string catalog_file(const ModelArch& m);

// True when `name`, the model a benchmark result names (a Hugging Face repository id, a
// served model name, or a local path), is `model_id` or one of `hf_ids`. Case-insensitive;
// an id also matches by its basename (the part after the last '/', trailing '/' ignored),
// so "Llama-3.1-8B-Instruct" and "/models/Llama-3.1-8B-Instruct" match
// "meta-llama/Llama-3.1-8B-Instruct". An empty name matches nothing.
bool model_name_matches(const std::string& name, const std::string& model_id, const std::vector<std::string>& hf_ids);

// One GPU's peak figures (dense, no sparsity). Memory in GiB as the vendor's "GB" for HBM
// (an A100 80GB reports 81,920 MiB), bandwidths in GB/s (1e9 bytes/s), FLOPS in TFLOPS.
// What a catalog device entry describes: a GPU, or a host processor described so that
// CPU-probe calibrations can be related to it.
enum class DeviceKind { gpu, cpu };
const char* to_string(DeviceKind d);  // "gpu" | "cpu", as the catalog writes it

struct GpuSpec {
  std::string id;
  std::string name;
  // For a CPU, bf16_tflops holds the peak of the format its probe runs (fp32).
  DeviceKind device = DeviceKind::gpu;
  double memory_gib = 0;
  double hbm_gb_per_s = 0;
  double bf16_tflops = 0;
  std::optional<double> fp8_tflops;  // absent: no FP8 tensor cores
  std::optional<double> int8_tops;
  std::optional<double> fp4_tflops;  // absent: no FP4 tensor cores (pre-Blackwell)
  std::optional<double> fp6_tflops;  // absent: no FP6 tensor cores
  std::string vendor;                // nvidia | amd | intel | other; empty in test catalogs
  std::string interconnect;            // nvlink | pcie | infinity-fabric
  double interconnect_gb_per_s = 0;    // per GPU, per direction
  // The scale-up domain: GPUs joined by `interconnect` (an HGX server's 8, an NVL72 rack's 72).
  int scaleup_gpus = 8;
  // Per GPU, per direction, between scale-up domains (its NIC: InfiniBand or Ethernet); absent:
  // the catalog has no inter-node link for it, and a replica stays within one domain.
  std::optional<double> scaleout_gb_per_s;
  std::optional<double> e_bw;          // overrides the default bandwidth efficiency
  std::optional<double> e_fl_16;       // overrides the default 16-bit GEMM efficiency
  std::optional<double> e_fl_8;        // overrides the default 8-bit GEMM efficiency (also FP4)
  std::string source;
  std::string note;
  int line = 0;
  // The file the entry was read from when it is not a data directory's calib/catalog.yaml (a
  // catalog file given elsewhere); empty for that one and for entries built in code.
  std::string file;
};

// Where a device entry came from: "FILE:LINE", FILE being calib/catalog.yaml for the shipped
// catalog; and the file alone.
std::string cite(const GpuSpec& g);
std::string catalog_file(const GpuSpec& g);

// A numeric format for weights or the KV cache.
struct Precision {
  std::string id;
  double bytes = 2;            // per parameter or per KV element (block scales included)
  // Tensor-core format the GEMMs run in: bf16 | fp8 | int8 | fp4. On a GPU without tensor
  // cores for it the weights are dequantised and multiplied in 16 bit, unless native_only.
  std::string compute = "bf16";
  bool native_only = false;      // rejected on a GPU without tensor cores for `compute`
  // The GPU vendor whose GPUs alone run the format (nvfp4: nvidia); empty: any.
  std::string vendor;
  // For a mixture of experts: bytes per weight outside the routed experts (gpt-oss's MXFP4
  // keeps attention, router and embeddings in bf16); absent: `bytes` throughout.
  std::optional<double> non_expert_bytes;
  std::string default_kv;        // KV-cache precision when none is given
  int line = 0;

  // The KV-cache precision used when none is given: default_kv, else this one.
  const std::string& kv_default() const { return default_kv.empty() ? id : default_kv; }
};

// A catalog number with the reason it has the value it has.
struct CatalogValue {
  double value = 0;
  std::string source;
  std::string note;
  int line = 0;
};

// Efficiency defaults of the roofline and the serving engine it assumes (see
// docs/performance-model.md for each justification).
struct Efficiency {
  CatalogValue e_bw;                  // achieved / spec HBM bandwidth in decode kernels
  CatalogValue e_fl_16;               // achieved / spec FLOPS of 16-bit GEMMs in prefill
  CatalogValue e_fl_8;                // same for 8-bit GEMMs
  CatalogValue step_overhead_ms;      // per forward step: scheduling, sampling, input prep
  CatalogValue layer_overhead_us;     // per layer per step: kernel launch gaps
  CatalogValue allreduce_base_us;     // per all-reduce: launch and synchronisation
  CatalogValue allreduce_hop_us;      // per ring step of an all-reduce
  CatalogValue link_efficiency;       // achieved / spec interconnect bandwidth
  CatalogValue mem_utilization;       // share of GPU memory the engine may use
  CatalogValue overhead_gib_per_gpu;  // CUDA context, activations and workspace
  // The sequences one scheduler runs at once by default, per engine (engine_max_batch_seqs in
  // serving/deployment.hpp): vLLM's max_num_seqs on GPUs under 70 GiB and on A100s, and on the
  // larger GPUs; SGLang's max_running_requests; TensorRT-LLM's max_batch_size. A catalog that
  // states only max_batch_seqs gives its value (and provenance) to every engine.
  CatalogValue max_batch_seqs;
  CatalogValue max_batch_seqs_vllm_large;
  CatalogValue max_batch_seqs_sglang;
  CatalogValue max_batch_seqs_trtllm;
  CatalogValue prefill_batch_tokens;  // tokens per prefill step when prompts are batched
};

struct Catalog {
  std::string path;
  std::vector<Source> sources;
  std::vector<ModelArch> models;
  std::vector<GpuSpec> gpus;
  std::vector<Precision> precisions;
  Efficiency efficiency;

  const ModelArch* find_model(const std::string& id) const;
  const GpuSpec* find_gpu(const std::string& id) const;
  const Precision* find_precision(const std::string& id) const;
  // Comma-separated ids, for error messages.
  std::string model_ids() const;
  std::string gpu_ids() const;
  std::string precision_ids() const;
};

}  // namespace plan
