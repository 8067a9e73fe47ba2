// Reads Hugging Face config.json files with nlohmann-json. The shapes map onto ModelArch as
// docs/performance-model.md ("Any model from its config") describes; parameter counts are
// computed from them (embeddings, attention, dense and expert MLPs, routers).
#include "plan/io/hf_config.hpp"
#include "plan/io/paths.hpp"

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "json_text.hpp"
#include "yaml_strict.hpp"

namespace plan::io {
namespace {

using nlohmann::json;

// Typed access to one JSON object, naming the file, line and key in every error.
struct Obj {
  const std::string& file;
  const std::string& text;
  const json& j;

  SourceLoc loc(const char* k) const { return json_key_loc(file, text, k); }

  bool has(const char* k) const { return j.contains(k) && !j.at(k).is_null(); }
  int integer(const char* k) const {
    if (!has(k)) throw Error(SourceLoc{file, 1, 1}, fmt::format("config.json has no '{}' (expected an integer)", k));
    return integer_of(k);
  }
  int opt_integer(const char* k, int fallback) const { return has(k) ? integer_of(k) : fallback; }
  int integer_of(const char* k) const {
    const json& v = j.at(k);
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 2'000'000'000)
      throw Error(loc(k), fmt::format("config.json '{}' is {} (expected a non-negative integer)", k, v.dump()));
    return static_cast<int>(v.get<long long>());
  }
  bool opt_bool(const char* k, bool fallback) const {
    if (!has(k)) return fallback;
    if (!j.at(k).is_boolean())
      throw Error(loc(k), fmt::format("config.json '{}' is {} (expected true or false)", k, j.at(k).dump()));
    return j.at(k).get<bool>();
  }
  std::string opt_str(const char* k) const { return has(k) && j.at(k).is_string() ? j.at(k).get<std::string>() : ""; }
  // The first of `keys` the config has, or nullptr.
  const char* first_of(std::initializer_list<const char*> keys) const {
    for (const char* k : keys)
      if (has(k)) return k;
    return nullptr;
  }
};

// A TensorRT Model Optimizer quant_algo ("FP8", "NVFP4", "W4A16_NVFP4", "W4A8_AWQ", ...) as a
// catalog precision id; empty when it names none.
std::string modelopt_precision(const std::string& algo) {
  if (algo.find("NVFP4") != std::string::npos) return "nvfp4";
  if (algo.find("FP8") != std::string::npos) return "fp8";
  if (algo.find("AWQ") != std::string::npos || algo.find("INT4") != std::string::npos) return "int4";
  if (algo.find("INT8") != std::string::npos || algo.find("W8A8") != std::string::npos) return "int8";
  return {};
}

// TensorRT Model Optimizer's quantization_config (quant_method "modelopt", or its producer):
// quant_algo names the format; MIXED_PRECISION names one per layer in quantized_layers, and the
// MLP's (the experts' in a mixture of experts), which hold the bulk of the weights, is the
// model's.
std::string modelopt_format(const json& q) {
  const std::string algo = q.value("quant_algo", std::string());
  if (algo != "MIXED_PRECISION" || !q.contains("quantized_layers") || !q.at("quantized_layers").is_object())
    return modelopt_precision(algo);
  std::string first;
  for (const auto& [name, layer] : q.at("quantized_layers").items()) {
    if (!layer.is_object()) continue;
    const std::string p = modelopt_precision(layer.value("quant_algo", std::string()));
    if (p.empty()) continue;
    if (name.find(".mlp.") != std::string::npos || name.find("experts") != std::string::npos) return p;
    if (first.empty()) first = p;
  }
  return first;
}

// The quantization_config's format as a catalog precision id.
std::string precision_of(const std::string& file, const std::string& text, const json& root) {
  if (!root.contains("quantization_config")) {
    const std::string dtype = root.value("torch_dtype", std::string("bfloat16"));
    return dtype == "float16" ? "fp16" : "bf16";
  }
  const json& q = root.at("quantization_config");
  const std::string method = q.value("quant_method", std::string());
  if (method == "mxfp4") return "mxfp4";
  const bool modelopt = method == "modelopt" || (method.empty() && q.contains("producer") &&
                                                  q.at("producer").is_object() &&
                                                  q.at("producer").value("name", std::string()) == "modelopt");
  if (modelopt)
    if (std::string p = modelopt_format(q); !p.empty()) return p;
  if (method == "fp8" || method == "fbgemm_fp8") return "fp8";
  if (method == "awq" || method == "gptq") {
    if (q.value("bits", 4) == 4) return "int4";
    if (q.value("bits", 4) == 8) return "int8";
  }
  if (method == "compressed-tensors") {
    const std::string format = q.value("format", std::string());
    if (format.find("nvfp4") != std::string::npos) return "nvfp4";
    if (q.contains("config_groups")) {
      for (const auto& [name, group] : q.at("config_groups").items()) {
        if (!group.contains("weights")) continue;
        const json& w = group.at("weights");
        const int bits = w.value("num_bits", 0);
        const std::string type = w.value("type", std::string());
        if (bits == 8 && type == "float") return "fp8";
        if (bits == 8 && type == "int") return "int8";
        if (bits == 4 && type == "int") return "int4";
        if (bits == 4 && type == "float") return "nvfp4";
      }
    }
  }
  throw Error(json_key_loc(file, text, "quantization_config"),
              fmt::format("config.json quantization_config '{}' is not a format the catalog has (expected mxfp4, fp8, "
                          "awq/gptq 4 or 8 bit, compressed-tensors fp8/int8/int4/nvfp4, or modelopt FP8/NVFP4/AWQ)",
                          method.empty() ? q.dump() : method));
}

// Config keys that describe a layer structure the performance model does not have, with the
// structure's name for the message.
struct Unsupported {
  const char* key;
  const char* structure;
};
constexpr Unsupported unsupported_keys[] = {
    {"hybrid_override_pattern", "Mamba-2 state-space layers (hybrid_override_pattern)"},
    {"attn_layer_period", "Mamba state-space layers (attn_layer_period)"},
    {"ssm_state_size", "state-space layers (ssm_state_size)"},
    {"mamba_d_state", "Mamba state-space layers (mamba_d_state)"},
    {"ssm_cfg", "state-space layers (ssm_cfg)"},
    {"block_types", "recurrent blocks (block_types)"},
    {"attention_type_list", "per-layer attention types (attention_type_list)"},
    {"rwkv_version", "RWKV recurrent layers (rwkv_version)"},
    {"compress_ratios", "compressed attention, a KV cache compressed per layer (compress_ratios: DeepSeek-V4)"},
    {"hc_mult", "hyper-connections, several residual streams per layer (hc_mult: DeepSeek-V4)"},
    {"linear_attn_config", "linear-attention layers by linear_attn_config (Kimi Linear's KDA)"},
    {"sparse_attention_config", "block-sparse attention by sparse_attention_config (MiniMax-M3)"},
    {"global_head_dim", "full-attention layers with a head shape of their own (global_head_dim, "
                        "num_global_key_value_heads, attention_k_eq_v: Gemma 4)"},
    {"num_global_key_value_heads", "full-attention layers with KV heads of their own (num_global_key_value_heads: "
                                   "Gemma 4)"},
    {"swa_num_key_value_heads", "sliding-window layers with heads of their own (swa_num_key_value_heads, "
                                "swa_head_dim: MiMo-V2-Flash)"},
    {"block_configs", "layers of differing shapes, some without attention or MLP (block_configs: Nemotron's "
                      "neural-architecture-searched Llama)"},
};

// The layer kinds `layer_types` may list, and what each is.
constexpr const char* full_types[] = {"full_attention", "attention", "global_attention"};
// Full attention over the tokens a sparse-attention indexer picks (GLM-5.2 as NVIDIA ships it);
// the config must state the indexer (index_topk).
constexpr const char* sparse_types[] = {"deepseek_sparse_attention"};
constexpr const char* sliding_types[] = {"sliding_attention", "local_attention", "chunked_attention"};
constexpr const char* linear_types[] = {"linear_attention"};

template <std::size_t N>
bool one_of(const std::string& s, const char* const (&list)[N]) {
  return std::find_if(std::begin(list), std::end(list), [&](const char* t) { return s == t; }) != std::end(list);
}

// Counts of each layer kind from `layer_types`; nullopt when the config has no such list.
struct LayerKinds {
  int full = 0, sliding = 0, linear = 0, sparse = 0;  // sparse: counted in full too
};
std::optional<LayerKinds> layer_kinds_of(const Obj& o) {
  if (!o.has("layer_types")) return std::nullopt;
  const json& list = o.j.at("layer_types");
  if (!list.is_array())
    throw Error(o.loc("layer_types"), fmt::format("config.json 'layer_types' is {} (expected a list of layer kinds)",
                                                  list.dump()));
  LayerKinds k;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string t = list[i].is_string() ? list[i].get<std::string>() : list[i].dump();
    if (one_of(t, full_types)) ++k.full;
    else if (one_of(t, sparse_types)) ++k.full, ++k.sparse;
    else if (one_of(t, sliding_types)) ++k.sliding;
    else if (one_of(t, linear_types)) ++k.linear;
    else
      throw Error(o.loc("layer_types"),
                  fmt::format("config.json layer_types[{}] is '{}', a layer structure plan does not model (expected "
                              "full_attention, sliding_attention, linear_attention or, with index_topk, "
                              "deepseek_sparse_attention)", i, t));
  }
  return k;
}

// Mixtures of experts, from any of the expert-count fields; returns the intermediate size of
// all shared experts together.
int read_experts(const Obj& o, const json& c, const std::string& file, ModelArch& a) {
  // Mixtures of experts: any of the expert-count fields.
  int shared_width = 0;
  const char* experts_key = o.first_of({"n_routed_experts", "num_local_experts", "num_experts"});
  if (experts_key && o.integer(experts_key) > 0) {
    a.experts = o.integer(experts_key);
    const char* topk_key = o.first_of({"num_experts_per_tok", "experts_per_token", "moe_topk"});
    if (!topk_key)
      throw Error(o.loc(experts_key), fmt::format("config.json has '{}' but no 'num_experts_per_tok' (expected the "
                                                  "experts each token is routed to)", experts_key));
    a.top_k = o.integer(topk_key);
    if (o.has("intermediate_size_mlp")) {
      // Llama 4: intermediate_size is an expert's (and the one shared expert's),
      // intermediate_size_mlp the dense layers'.
      a.moe_ffn = o.integer("intermediate_size");
      a.ffn = o.integer("intermediate_size_mlp");
      a.shared_experts = 1;
      shared_width = a.moe_ffn;
    } else {
      a.moe_ffn = o.opt_integer("moe_intermediate_size", 0);
      a.ffn = o.opt_integer("intermediate_size", a.moe_ffn);
      if (a.moe_ffn == a.ffn) a.moe_ffn = 0;  // Mixtral, gpt-oss: intermediate_size is the expert's
      if (o.has("n_shared_experts")) {
        a.shared_experts = o.integer("n_shared_experts");
        shared_width = a.shared_experts * a.expert_ffn();
      } else if (o.has("shared_expert_intermediate_size")) {
        shared_width = o.integer("shared_expert_intermediate_size");
        a.shared_experts = shared_width > 0 ? std::max(1, shared_width / a.expert_ffn()) : 0;
      }
    }
    a.dense_layers = o.opt_integer("first_k_dense_replace", 0);
    if (const char* k = o.first_of({"moe_layer_freq", "decoder_sparse_step", "interleave_moe_layer_step"}))
      a.moe_every = std::max(1, o.integer(k));
    // Qwen's mlp_only_layers: dense MLPs at listed positions; only their count matters here.
    if (o.has("mlp_only_layers") && c.at("mlp_only_layers").is_array() && a.dense_layers == 0)
      a.dense_layers = static_cast<int>(c.at("mlp_only_layers").size());
  } else {
    a.ffn = o.integer("intermediate_size");
  }
  if (a.ffn < 1)
    throw Error(o.loc("intermediate_size"), "config.json has a zero intermediate_size (expected a positive width)");
  if (a.is_moe() && (a.top_k < 1 || a.top_k > a.experts))
    throw Error(o.loc("num_experts_per_tok"), fmt::format("config.json routes to {} of {} experts (expected 1 to {})", a.top_k,
                                                   a.experts, a.experts));
  if (a.is_moe() && a.moe_layers() < 1)
    throw Error(SourceLoc{file, 1, 1}, "config.json leaves no MoE layer (first_k_dense_replace or the step too large)");

  return shared_width;
}

// Attention: MLA when the config has a KV latent rank, else grouped-query (MQA, MHA), and a
// sparse-attention indexer when stated.
void read_attention(const Obj& o, ModelArch& a) {
  if (o.has("kv_lora_rank")) {
    a.attention = AttentionKind::mla;
    a.kv_lora_rank = o.integer("kv_lora_rank");
    a.qk_rope_head_dim = o.integer("qk_rope_head_dim");
    a.qk_nope_head_dim = o.integer("qk_nope_head_dim");
    a.v_head_dim = o.integer("v_head_dim");
    a.kv_heads = a.heads;
    a.head_dim = a.qk_nope_head_dim + a.qk_rope_head_dim;
  } else if (a.heads % a.kv_heads != 0) {
    throw Error(o.loc("num_key_value_heads"), fmt::format("config.json has {} heads, not a multiple of its {} KV heads",
                                                          a.heads, a.kv_heads));
  } else if (o.has("v_head_dim") && o.integer("v_head_dim") != a.head_dim) {
    // Without MLA the KV cache holds a key and a value of head_dim each per KV head.
    throw Error(o.loc("v_head_dim"), fmt::format("config.json has values {} wide beside keys of head_dim {} without "
                                                 "MLA, a layer structure plan does not model (expected v_head_dim = "
                                                 "head_dim, or MLA's kv_lora_rank)", o.integer("v_head_dim"),
                                                 a.head_dim));
  }
  // Sparse attention the config states: a DeepSeek Sparse Attention indexer.
  if (o.has("index_topk")) {
    a.index_topk = o.integer("index_topk");
    a.index_heads = o.integer("index_n_heads");
    a.index_head_dim = o.integer("index_head_dim");
    if (a.index_topk < 1 || a.index_heads < 1 || a.index_head_dim < 1)
      throw Error(o.loc("index_topk"), "config.json has a zero index_topk, index_n_heads or index_head_dim (expected "
                                       "positive sizes for sparse attention)");
    // GLM-5.2: indexer_types names the layers that run an indexer of their own ("full"); a
    // "shared" layer reuses the previous one's choice of tokens, with no indexer of its own.
    if (o.has("indexer_types")) {
      const json& list = o.j.at("indexer_types");
      if (!list.is_array() || static_cast<int>(list.size()) != a.layers)
        throw Error(o.loc("indexer_types"), fmt::format("config.json 'indexer_types' is not a list of {} entries, one "
                                                        "per layer (expected \"full\" or \"shared\" each)", a.layers));
      int full = 0;
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string t = list[i].is_string() ? list[i].get<std::string>() : list[i].dump();
        if (t == "full") ++full;
        else if (t != "shared")
          throw Error(o.loc("indexer_types"), fmt::format("config.json indexer_types[{}] is '{}' (expected \"full\", "
                                                          "an indexer of its own, or \"shared\")", i, t));
      }
      if (full == 0)
        throw Error(o.loc("indexer_types"), "config.json indexer_types has no \"full\" layer (expected at least one "
                                            "layer that runs the indexer the others share)");
      a.index_layers = full;
    }
  }

}

// Which layers are linear, sliding-window or chunked, and attention sinks.
void read_layer_kinds(const Obj& o, const json& c, const std::string& type, ModelArch& a) {
  // Layer kinds: layer_types when listed; else linear attention every layer but each
  // full_attention_interval-th, sliding windows by sliding_window_pattern or on every layer.
  const std::optional<LayerKinds> kinds = layer_kinds_of(o);
  if (kinds && kinds->full + kinds->sliding + kinds->linear != a.layers)
    throw Error(o.loc("layer_types"), fmt::format("config.json lists {} layer_types for {} layers (expected one per "
                                                  "layer)", kinds->full + kinds->sliding + kinds->linear, a.layers));
  if (kinds && kinds->sparse > 0 && !a.is_sparse_attention())
    throw Error(o.loc("layer_types"), "config.json lists deepseek_sparse_attention layers but states no indexer "
                                      "(expected index_topk, index_n_heads and index_head_dim)");
  int linear = kinds ? kinds->linear : 0;
  if (!kinds && o.has("full_attention_interval") && o.has("linear_num_value_heads")) {
    const int every = std::max(1, o.integer("full_attention_interval"));
    linear = a.layers - a.layers / every;
  }
  if (linear > 0) {
    a.linear_layers = linear;
    a.linear_key_heads = o.integer("linear_num_key_heads");
    a.linear_value_heads = o.integer("linear_num_value_heads");
    a.linear_key_head_dim = o.integer("linear_key_head_dim");
    a.linear_value_head_dim = o.integer("linear_value_head_dim");
    a.linear_conv_kernel = o.opt_integer("linear_conv_kernel_dim", 4);
    if (a.linear_key_heads < 1 || a.linear_value_heads < 1 || a.linear_key_head_dim < 1 || a.linear_value_head_dim < 1)
      throw Error(o.loc("linear_num_value_heads"), "config.json has a zero linear-attention head count or width "
                                                   "(expected positive shapes)");
    if (a.linear_layers >= a.layers)
      throw Error(o.loc("layer_types"), "config.json has no full-attention layer beside its linear-attention layers "
                                        "(expected some: plan models Gated DeltaNet interleaved with attention)");
  }
  if (o.has("attention_chunk_size")) {
    // Llama 4: chunked attention on the layers with rotary embeddings, KV at most a chunk;
    // no_rope_layers marks the global ones (0), else every 4th layer.
    a.sliding_window = o.integer("attention_chunk_size");
    int global = a.layers / 4;
    if (c.contains("no_rope_layers") && c.at("no_rope_layers").is_array())
      global = static_cast<int>(std::count(c.at("no_rope_layers").begin(), c.at("no_rope_layers").end(), 0));
    a.local_layers = a.layers - global;
  } else if (o.has("sliding_window") && o.opt_bool("use_sliding_window", true) && o.integer("sliding_window") > 0) {
    a.sliding_window = o.integer("sliding_window");
    if (kinds) a.local_layers = kinds->sliding;
    else if (o.has("sliding_window_pattern") || type.rfind("gemma3", 0) == 0) {
      // Gemma 3: every pattern-th layer global (6 when the config leaves it out).
      const int pattern = std::max(o.opt_integer("sliding_window_pattern", 6), 1);
      a.local_layers = a.layers - a.layers / pattern;
    } else a.local_layers = a.layers - a.linear_layers;
    if (a.local_layers == 0) a.sliding_window = 0;
  }
  a.attention_sinks = type == "gpt_oss" || o.has("sinks") || o.opt_bool("attention_sinks", false);

}

// Parameter counts (norms, biases and 1-D gates left out), MTP layers included apart.
void count_parameters(const Obj& o, int shared_width, ModelArch& a) {
  const double d = a.hidden, h = a.heads;
  double attn = 0, indexer = 0;
  if (a.attention == AttentionKind::mla) {
    const double q_lora = o.opt_integer("q_lora_rank", 0);
    const double qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
    attn = (q_lora > 0 ? d * q_lora + q_lora * h * qk : d * h * qk) + d * (a.kv_lora_rank + a.qk_rope_head_dim) +
           static_cast<double>(a.kv_lora_rank) * h * (a.qk_nope_head_dim + a.v_head_dim) + h * a.v_head_dim * d;
    if (a.is_sparse_attention())  // the indexer's query (from the query latent), key and head weights
      indexer = (q_lora > 0 ? q_lora : d) * a.index_heads * a.index_head_dim + d * a.index_head_dim + d * a.index_heads;
  } else {
    // Q (twice as wide with an output gate: Qwen3-Next, Qwen3.5), K, V and O.
    const double q = o.opt_bool("attn_output_gate", false) ? 2.0 : 1.0;
    attn = (q + 1.0) * d * h * a.head_dim + 2.0 * d * a.kv_heads * a.head_dim;
  }
  // Gated DeltaNet: q, k (key width) and v, z (value width) in-projections, the b and a gates
  // per value head, the depthwise convolution over q, k, v and the out-projection.
  const double key_w = static_cast<double>(a.linear_key_heads) * a.linear_key_head_dim;
  const double val_w = static_cast<double>(a.linear_value_heads) * a.linear_value_head_dim;
  const double linear_attn = a.linear_layers > 0 ? d * (2.0 * key_w + 2.0 * val_w) + d * 2.0 * a.linear_value_heads +
                                                       (2.0 * key_w + val_w) * a.linear_conv_kernel + val_w * d
                                                 : 0.0;
  const double emb = static_cast<double>(a.vocab) * d * (a.tied_embeddings ? 1.0 : 2.0);
  const double dense_mlp = 3.0 * d * a.ffn;
  const double expert = 3.0 * d * a.expert_ffn();
  const int moe = a.moe_layers();
  const int dense_layers = a.layers - moe;
  const double shared = 3.0 * d * shared_width;
  const double router = a.is_moe() ? d * a.experts : 0.0;
  const double attention_all =
      a.attention_layers() * attn + a.indexer_layers() * indexer + a.linear_layers * linear_attn;
  a.params_total = emb + attention_all + dense_layers * dense_mlp + moe * (a.experts * expert + shared + router);
  a.params_active = emb + attention_all + dense_layers * dense_mlp + moe * (a.top_k * expert + shared + router);
  // MTP layers: a full-attention layer with the model's MoE (or dense) MLP, and the projection
  // of the embedding and hidden state (2d x d); they share the embeddings and output head.
  // MiniMax-M2 states them as modules of mtp_transformer_layers layers each, used where
  // use_mtp is true.
  if (o.has("num_mtp_modules") && o.opt_bool("use_mtp", true))
    a.mtp_layers = o.integer("num_mtp_modules") * o.opt_integer("mtp_transformer_layers", 1);
  else if (const char* k = o.first_of({"num_nextn_predict_layers", "mtp_num_hidden_layers"}))
    a.mtp_layers = o.integer(k);
  if (a.mtp_layers > 0) {
    const double mlp = a.is_moe() ? a.experts * expert + shared + router : dense_mlp;
    a.params_mtp = a.mtp_layers * (attn + indexer + mlp + 2.0 * d * d);
  }
}

}  // namespace

std::string supported_hf_structures() {
  return "GQA, MQA or MLA attention (with a DeepSeek Sparse Attention indexer), sliding windows, Gated DeltaNet "
         "linear attention, dense or mixture-of-experts MLPs (shared experts, dense leading layers), MTP layers";
}

HfModel parse_hf_config(const std::string& file, const std::string& text, const std::string& id) {
  const json root = parse_json_text(file, text, "config.json", "a JSON object");
  if (!root.is_object()) throw Error(SourceLoc{file, 1, 1}, "config.json is not a JSON object (expected one)");
  // Multimodal configs (Llama 4, Gemma 3, Qwen3.5) keep the language model under text_config.
  const bool nested = root.contains("text_config") && root.at("text_config").is_object();
  const json& c = nested ? root.at("text_config") : root;
  Obj o{file, text, c};
  for (const Unsupported& u : unsupported_keys)
    if (o.has(u.key))
      throw Error(o.loc(u.key), fmt::format("config.json describes {}, a layer structure plan does not model "
                                            "(expected: {})", u.structure, supported_hf_structures()));
  HfModel out;
  ModelArch& a = out.arch;
  a.id = id;
  a.name = id;
  a.source = file;
  a.file = file;
  a.layers = o.integer("num_hidden_layers");
  a.hidden = o.integer("hidden_size");
  a.heads = o.integer("num_attention_heads");
  // Multi-query attention (one KV head) is grouped-query attention with kv_heads 1.
  a.kv_heads = o.opt_integer("num_key_value_heads", o.opt_bool("multi_query", false) ? 1 : a.heads);
  a.head_dim = o.opt_integer("head_dim", a.heads > 0 ? a.hidden / a.heads : 0);
  a.vocab = o.integer("vocab_size");
  a.max_context = o.integer("max_position_embeddings");
  // Gemma ties its embeddings by default; a config states it otherwise.
  const std::string type = c.value("model_type", root.value("model_type", std::string()));
  a.tied_embeddings = o.opt_bool("tie_word_embeddings",
                                 root.is_object() && root.contains("tie_word_embeddings") && root.at("tie_word_embeddings").is_boolean()
                                     ? root.at("tie_word_embeddings").get<bool>()
                                     : type.rfind("gemma", 0) == 0);
  if (a.layers < 1 || a.hidden < 1 || a.heads < 1 || a.kv_heads < 1 || a.head_dim < 1 || a.vocab < 1)
    throw Error(SourceLoc{file, 1, 1}, "config.json has a zero layer count, width, head count or vocabulary "
                                       "(expected positive shapes)");

  const int shared_width = read_experts(o, c, file, a);  // intermediate size of all shared experts together

  read_attention(o, a);

  read_layer_kinds(o, c, type, a);

  count_parameters(o, shared_width, a);
  out.precision = precision_of(file, text, root);
  return out;
}

HfModel load_hf_config(const std::string& path, const std::string& id) {
  return parse_hf_config(path, read_text_file(path, Limits{}.max_bytes), id);
}

std::string user_models_dir() { return require_user_data_dir() + "/models"; }

std::string render_user_model(const HfModel& m, const std::string& config_path) {
  const ModelArch& a = m.arch;
  std::string s = fmt::format("# A user catalog entry written by `plan models add` from {}.\n"
                              "# Default precision from its quantization_config: {}.\n",
                              config_path, m.precision);
  s += fmt::format("sources:\n  - {{id: user-{}, url: {}, retrieved: \"from config.json\"}}\n", a.id,
                   json(config_path).dump());
  s += fmt::format("models:\n  - {{id: {}, name: {}, layers: {}, hidden: {}, heads: {}, kv_heads: {}, head_dim: {}, "
                   "ffn: {}, vocab: {}, params_total: {:.17g}, params_active: {:.17g}, max_context: {:.17g}",
                   json(a.id).dump(), json(a.name).dump(), a.layers, a.hidden, a.heads, a.kv_heads, a.head_dim, a.ffn,
                   a.vocab, a.params_total, a.params_active, a.max_context);
  if (a.is_moe()) {
    s += fmt::format(", experts: {}, top_k: {}", a.experts, a.top_k);
    if (a.moe_ffn) s += fmt::format(", moe_ffn: {}", a.moe_ffn);
    if (a.shared_experts) s += fmt::format(", shared_experts: {}", a.shared_experts);
    if (a.dense_layers) s += fmt::format(", dense_layers: {}", a.dense_layers);
    if (a.moe_every != 1) s += fmt::format(", moe_every: {}", a.moe_every);
  }
  if (a.attention == AttentionKind::mla)
    s += fmt::format(", attention: mla, kv_lora_rank: {}, qk_rope_head_dim: {}, qk_nope_head_dim: {}, v_head_dim: {}",
                     a.kv_lora_rank, a.qk_rope_head_dim, a.qk_nope_head_dim, a.v_head_dim);
  if (a.sliding_window) s += fmt::format(", sliding_window: {}, local_layers: {}", a.sliding_window, a.local_layers);
  if (a.linear_layers)
    s += fmt::format(", linear_layers: {}, linear_key_heads: {}, linear_value_heads: {}, linear_key_head_dim: {}, "
                     "linear_value_head_dim: {}, linear_conv_kernel: {}",
                     a.linear_layers, a.linear_key_heads, a.linear_value_heads, a.linear_key_head_dim,
                     a.linear_value_head_dim, a.linear_conv_kernel);
  if (a.index_topk)
    s += fmt::format(", index_topk: {}, index_heads: {}, index_head_dim: {}", a.index_topk, a.index_heads,
                     a.index_head_dim);
  if (a.index_layers) s += fmt::format(", index_layers: {}", a.index_layers);
  if (a.mtp_layers) s += fmt::format(", mtp_layers: {}, params_mtp: {:.17g}", a.mtp_layers, a.params_mtp);
  if (a.attention_sinks) s += ", attention_sinks: true";
  if (a.tied_embeddings) s += ", tied_embeddings: true";
  s += fmt::format(", source: user-{}}}\n", a.id);
  return s;
}

}  // namespace plan::io
