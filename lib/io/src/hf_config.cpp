// Reads Hugging Face config.json files with nlohmann-json. The shapes map onto ModelArch as
// docs/performance-model.md ("Any model from its config") describes; parameter counts are
// computed from them (embeddings, attention, dense and expert MLPs, routers).
#include "plan/io/hf_config.hpp"
#include "plan/io/paths.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "json_text.hpp"
#include "yaml_strict.hpp"

namespace plan::io {
namespace {

using nlohmann::json;

constexpr const char* model_types[] = {"llama",     "mistral",     "qwen2",   "qwen3", "qwen3_moe", "mixtral",
                                       "deepseek_v3", "gpt_oss", "llama4", "gemma3", "gemma3_text"};

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
};

// The quantization_config's format as a catalog precision id.
std::string precision_of(const std::string& file, const std::string& text, const json& root) {
  if (!root.contains("quantization_config")) {
    const std::string dtype = root.value("torch_dtype", std::string("bfloat16"));
    return dtype == "float16" ? "fp16" : "bf16";
  }
  const json& q = root.at("quantization_config");
  const std::string method = q.value("quant_method", std::string());
  if (method == "mxfp4") return "mxfp4";
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
                          "awq/gptq 4 or 8 bit, or compressed-tensors fp8/int8/int4/nvfp4)",
                          method.empty() ? q.dump() : method));
}

// Layers with sliding-window attention from `layer_types` ("sliding_attention"), when given.
int sliding_layers_of(const json& c) {
  if (!c.contains("layer_types") || !c.at("layer_types").is_array()) return -1;
  int n = 0;
  for (const auto& t : c.at("layer_types"))
    if (t.is_string() && t.get<std::string>() == "sliding_attention") ++n;
  return n;
}

}  // namespace

std::string supported_hf_model_types() {
  std::string out;
  for (const char* t : model_types) out += (out.empty() ? "" : ", ") + std::string(t);
  return out;
}

HfModel parse_hf_config(const std::string& file, const std::string& text, const std::string& id) {
  const json root = parse_json_text(file, text, "config.json", "a JSON object");
  if (!root.is_object()) throw Error(SourceLoc{file, 1, 1}, "config.json is not a JSON object (expected one)");
  const std::string type = root.value("model_type", std::string());
  if (std::find_if(std::begin(model_types), std::end(model_types), [&](const char* t) { return type == t; }) ==
      std::end(model_types))
    throw Error(json_key_loc(file, text, "model_type"), fmt::format("config.json model_type '{}' is not supported (expected one of: {})",
                                                   type, supported_hf_model_types()));
  // Multimodal configs (Llama 4, Gemma 3) keep the language model under text_config.
  const bool nested = (type == "llama4" || type == "gemma3") && root.contains("text_config");
  const json& c = nested ? root.at("text_config") : root;
  Obj o{file, text, c};
  HfModel out;
  ModelArch& a = out.arch;
  a.id = id;
  a.name = id;
  a.source = file;
  a.file = file;
  a.layers = o.integer("num_hidden_layers");
  a.hidden = o.integer("hidden_size");
  a.heads = o.integer("num_attention_heads");
  a.kv_heads = o.opt_integer("num_key_value_heads", a.heads);
  a.head_dim = o.opt_integer("head_dim", a.heads > 0 ? a.hidden / a.heads : 0);
  a.ffn = o.integer("intermediate_size");
  a.vocab = o.integer("vocab_size");
  a.max_context = o.integer("max_position_embeddings");
  a.tied_embeddings = o.opt_bool("tie_word_embeddings", type == "gemma3" || type == "gemma3_text");
  if (a.layers < 1 || a.hidden < 1 || a.heads < 1 || a.kv_heads < 1 || a.head_dim < 1 || a.ffn < 1 || a.vocab < 1)
    throw Error(SourceLoc{file, 1, 1}, "config.json has a zero layer count, width, head count or vocabulary "
                                       "(expected positive shapes)");
  if (a.heads % a.kv_heads != 0)
    throw Error(o.loc("num_key_value_heads"), fmt::format("config.json has {} heads, not a multiple of its {} KV heads", a.heads,
                                                   a.kv_heads));
  // Mixtures of experts.
  int shared_ffn = 0;
  if (type == "mixtral" || type == "gpt_oss" || type == "llama4") {
    a.experts = o.integer("num_local_experts");
    a.top_k = o.integer("num_experts_per_tok");
  } else if (type == "qwen3_moe") {
    a.experts = o.integer("num_experts");
    a.top_k = o.integer("num_experts_per_tok");
    a.moe_ffn = o.integer("moe_intermediate_size");
    a.moe_every = o.opt_integer("decoder_sparse_step", 1);
  } else if (type == "deepseek_v3") {
    a.experts = o.integer("n_routed_experts");
    a.top_k = o.integer("num_experts_per_tok");
    a.moe_ffn = o.integer("moe_intermediate_size");
    a.shared_experts = o.opt_integer("n_shared_experts", 0);
    a.dense_layers = o.opt_integer("first_k_dense_replace", 0);
    a.moe_every = o.opt_integer("moe_layer_freq", 1);
    shared_ffn = a.moe_ffn;
  }
  if (type == "llama4") {
    // intermediate_size is an expert's (and the shared expert's); intermediate_size_mlp the
    // dense layers'.
    a.moe_ffn = a.ffn;
    a.ffn = o.opt_integer("intermediate_size_mlp", a.ffn);
    a.shared_experts = 1;
    a.moe_every = o.opt_integer("interleave_moe_layer_step", 1);
    shared_ffn = a.moe_ffn;
    // Chunked attention on all but every 4th layer (no_rope_layers marks them), KV at most a chunk.
    if (o.has("attention_chunk_size")) {
      a.sliding_window = o.integer("attention_chunk_size");
      int global = a.layers / 4;
      if (c.contains("no_rope_layers") && c.at("no_rope_layers").is_array())
        global = static_cast<int>(std::count(c.at("no_rope_layers").begin(), c.at("no_rope_layers").end(), 0));
      a.local_layers = a.layers - global;
    }
  }
  if (a.is_moe() && (a.top_k < 1 || a.top_k > a.experts))
    throw Error(o.loc("num_experts_per_tok"), fmt::format("config.json routes to {} of {} experts (expected 1 to {})", a.top_k,
                                                   a.experts, a.experts));
  if (a.is_moe() && a.moe_layers() < 1)
    throw Error(SourceLoc{file, 1, 1}, "config.json leaves no MoE layer (first_k_dense_replace or the step too large)");
  // MLA.
  if (type == "deepseek_v3") {
    a.attention = AttentionKind::mla;
    a.kv_lora_rank = o.integer("kv_lora_rank");
    a.qk_rope_head_dim = o.integer("qk_rope_head_dim");
    a.qk_nope_head_dim = o.integer("qk_nope_head_dim");
    a.v_head_dim = o.integer("v_head_dim");
    a.kv_heads = a.heads;
    a.head_dim = a.qk_nope_head_dim + a.qk_rope_head_dim;
  }
  // Sliding windows.
  if (type == "gpt_oss" || type == "mistral" || type == "gemma3" || type == "gemma3_text" ||
      (type.rfind("qwen", 0) == 0 && o.opt_bool("use_sliding_window", false))) {
    if (o.has("sliding_window")) {
      a.sliding_window = o.integer("sliding_window");
      const int listed = sliding_layers_of(c);
      if (listed >= 0) a.local_layers = listed;
      else if (type == "gemma3" || type == "gemma3_text") {
        const int pattern = std::max(o.opt_integer("sliding_window_pattern", 6), 1);
        a.local_layers = a.layers - a.layers / pattern;
      } else if (type == "gpt_oss") a.local_layers = a.layers / 2;
      else a.local_layers = a.layers;
      if (a.local_layers == 0) a.sliding_window = 0;
    }
  }
  a.attention_sinks = type == "gpt_oss";
  // Parameter counts.
  const double d = a.hidden, h = a.heads;
  double attn = 0;
  if (a.attention == AttentionKind::mla) {
    const double q_lora = o.opt_integer("q_lora_rank", 0);
    const double qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
    attn = (q_lora > 0 ? d * q_lora + q_lora * h * qk : d * h * qk) + d * (a.kv_lora_rank + a.qk_rope_head_dim) +
           static_cast<double>(a.kv_lora_rank) * h * (a.qk_nope_head_dim + a.v_head_dim) + h * a.v_head_dim * d;
  } else {
    attn = 2.0 * d * h * a.head_dim + 2.0 * d * a.kv_heads * a.head_dim;
  }
  const double emb = static_cast<double>(a.vocab) * d * (a.tied_embeddings ? 1.0 : 2.0);
  const double dense_mlp = 3.0 * d * a.ffn;
  const double expert = 3.0 * d * a.expert_ffn();
  const int moe = a.moe_layers();
  const int dense_layers = a.layers - moe;
  const double shared = a.shared_experts * 3.0 * d * shared_ffn;
  const double router = a.is_moe() ? d * a.experts : 0.0;
  a.params_total = emb + a.layers * attn + dense_layers * dense_mlp + moe * (a.experts * expert + shared + router);
  a.params_active = emb + a.layers * attn + dense_layers * dense_mlp + moe * (a.top_k * expert + shared + router);
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
  if (a.attention_sinks) s += ", attention_sinks: true";
  if (a.tied_embeddings) s += ", tied_embeddings: true";
  s += fmt::format(", source: user-{}}}\n", a.id);
  return s;
}

}  // namespace plan::io
