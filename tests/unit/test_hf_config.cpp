// Hugging Face config.json reading (lib/io/src/hf_config.cpp) and the user catalog entries
// `plan models add` writes.
#include <catch2/catch.hpp>

#include "catalogs.hpp"

#include "plan/core/serving/perf.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/io/hf_config.hpp"

using namespace plan;

namespace {

const char* const tiny = PLAN_TEST_DATA "/hf/tiny-moe/config.json";
const std::string configs = PLAN_SOURCE_DIR "/calib/configs/";

Precision bytes_of(double b) {
  Precision p;
  p.bytes = b;
  return p;
}

}  // namespace

TEST_CASE("hf config: a Qwen3-MoE config, parameters counted by hand", "[hf]") {
  io::HfModel m = io::load_hf_config(tiny, "tiny-moe");
  const ModelArch& a = m.arch;
  CHECK(a.layers == 4);
  CHECK(a.hidden == 256);
  CHECK(a.heads == 8);
  CHECK(a.kv_heads == 2);
  CHECK(a.head_dim == 32);
  CHECK(a.experts == 16);
  CHECK(a.top_k == 2);
  CHECK(a.expert_ffn() == 128);
  CHECK(a.moe_layers() == 4);
  CHECK_FALSE(a.tied_embeddings);
  // Embeddings 1000 x 256 x 2 (untied) = 512,000; attention per layer 2 x 256 x 8 x 32 (Q, O)
  // + 2 x 256 x 2 x 32 (K, V) = 163,840, x 4 = 655,360; each MoE layer 16 experts x 3 x 256 x 128
  // = 1,572,864 + router 256 x 16 = 4,096, x 4 = 6,307,840. Total 7,475,200.
  CHECK(a.params_total == 7475200.0);
  // Active: 2 experts x 98,304 + 4,096 = 200,704 per layer, x 4 = 802,816 + 512,000 + 655,360 = 1,970,176.
  CHECK(a.params_active == 1970176.0);
  // quant_method fp8.
  CHECK(m.precision == "fp8");
}

TEST_CASE("hf config: the architectures of the catalog's models", "[hf]") {
  SECTION("DeepSeek-V3: MLA, shared expert, dense layers") {
    const char* text = R"({"model_type": "deepseek_v3", "num_hidden_layers": 61, "hidden_size": 7168,
      "num_attention_heads": 128, "num_key_value_heads": 128, "intermediate_size": 18432,
      "moe_intermediate_size": 2048, "n_routed_experts": 256, "n_shared_experts": 1, "num_experts_per_tok": 8,
      "first_k_dense_replace": 3, "moe_layer_freq": 1, "kv_lora_rank": 512, "q_lora_rank": 1536,
      "qk_rope_head_dim": 64, "qk_nope_head_dim": 128, "v_head_dim": 128, "vocab_size": 129280,
      "max_position_embeddings": 163840, "tie_word_embeddings": false,
      "quantization_config": {"quant_method": "fp8", "weight_block_size": [128, 128]}})";
    io::HfModel m = io::parse_hf_config("ds.json", text, "ds");
    CHECK(m.arch.attention == AttentionKind::mla);
    CHECK(m.arch.moe_layers() == 58);
    CHECK(m.arch.shared_experts == 1);
    // The latent: (512 + 64) x 61 x 1 B in fp8 = 35,136 B per token.
    Precision fp8;
    fp8.bytes = 1;
    CHECK(perf::kv_bytes_per_token(m.arch, fp8) == 35136.0);
    // The technical report's 671B total and 37B active, within 1%.
    CHECK(m.arch.params_total == Approx(671e9).epsilon(0.01));
    CHECK(m.arch.params_active == Approx(37e9).epsilon(0.02));
    CHECK(m.precision == "fp8");
  }
  SECTION("gpt-oss: alternating sliding window from layer_types, MXFP4") {
    std::string types;
    for (int i = 0; i < 36; ++i) types += std::string(i ? ", " : "") + (i % 2 ? "\"full_attention\"" : "\"sliding_attention\"");
    const std::string text = R"({"model_type": "gpt_oss", "num_hidden_layers": 36, "hidden_size": 2880,
      "num_attention_heads": 64, "num_key_value_heads": 8, "head_dim": 64, "intermediate_size": 2880,
      "num_local_experts": 128, "num_experts_per_tok": 4, "vocab_size": 201088, "max_position_embeddings": 131072,
      "sliding_window": 128, "tie_word_embeddings": false, "layer_types": [)" + types + R"(],
      "quantization_config": {"quant_method": "mxfp4"}})";
    io::HfModel m = io::parse_hf_config("oss.json", text, "oss");
    CHECK(m.arch.sliding_window == 128);
    CHECK(m.arch.local_layers == 18);
    CHECK(m.arch.attention_sinks);
    CHECK(m.precision == "mxfp4");
    // The card's 117B total (116.8B), within 1% (biases and norms are not counted).
    CHECK(m.arch.params_total == Approx(116.83e9).epsilon(0.01));
  }
  SECTION("Gemma 3: text_config, every 6th layer global") {
    const char* text = R"({"model_type": "gemma3", "text_config": {"model_type": "gemma3_text",
      "num_hidden_layers": 62, "hidden_size": 5376, "num_attention_heads": 32, "num_key_value_heads": 16,
      "head_dim": 128, "intermediate_size": 21504, "vocab_size": 262208, "max_position_embeddings": 131072,
      "sliding_window": 1024, "sliding_window_pattern": 6}})";
    io::HfModel m = io::parse_hf_config("g.json", text, "g");
    // 62 - 62 / 6 = 62 - 10 = 52 local layers; embeddings tied by default.
    CHECK(m.arch.local_layers == 52);
    CHECK(m.arch.tied_embeddings);
    CHECK(m.precision == "bf16");
  }
  SECTION("compressed-tensors: the weights' bits and type") {
    const char* text = R"({"model_type": "llama", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4,
      "intermediate_size": 128, "vocab_size": 100, "max_position_embeddings": 1024,
      "quantization_config": {"quant_method": "compressed-tensors",
        "config_groups": {"group_0": {"weights": {"num_bits": 4, "type": "int"}}}}})";
    CHECK(io::parse_hf_config("c.json", text, "c").precision == "int4");
  }
}

TEST_CASE("hf config: errors name the file, the place and what was expected", "[hf]") {
  // A structure the model does not have is named, at its key (line 3, column 3).
  CHECK_THROWS_WITH(io::load_hf_config(PLAN_TEST_DATA "/hf/unknown/config.json", "u"),
                    Catch::Contains("describes Mamba-2 state-space layers (hybrid_override_pattern), a layer structure "
                                    "plan does not model"));
  try {
    io::load_hf_config(PLAN_TEST_DATA "/hf/unknown/config.json", "u");
  } catch (const Error& e) {
    CHECK(e.loc().line == 3);
    CHECK(e.loc().col == 3);
  }
  // An unknown kind of layer in layer_types, by its index.
  CHECK_THROWS_WITH(io::parse_hf_config("lt.json", R"({"num_hidden_layers": 2, "hidden_size": 64,
      "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100, "max_position_embeddings": 1024,
      "layer_types": ["full_attention", "mamba"]})", "lt"),
                    Catch::Contains("layer_types[1] is 'mamba', a layer structure plan does not model"));
  // DeepSeek-V4's compressed attention (a sliding window of uncompressed KV beside KV compressed
  // 4x or 128x per layer) is not the sliding window its sliding_window key alone would read as:
  // named at its key (line 2, column 48: two spaces and 45 characters before it), not read as a
  // window over every layer.
  const std::string v4 = "{\"num_hidden_layers\": 2, \"hidden_size\": 64, \"sliding_window\": 128,\n"
                         "  \"num_attention_heads\": 4, \"vocab_size\": 100, \"compress_ratios\": [0, 4],\n"
                         "  \"intermediate_size\": 128, \"max_position_embeddings\": 1024}";
  CHECK_THROWS_WITH(io::parse_hf_config("v4.json", v4, "v4"),
                    Catch::Contains("describes compressed attention, a KV cache compressed per layer"));
  try {
    io::parse_hf_config("v4.json", v4, "v4");
  } catch (const Error& e) {
    CHECK(e.loc().line == 2);
    CHECK(e.loc().col == 48);
  }
  // A model_type nobody listed is read by its fields.
  CHECK(io::parse_hf_config("new.json", R"({"model_type": "brand_new", "num_hidden_layers": 2, "hidden_size": 64,
      "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100, "max_position_embeddings": 1024})", "n")
            .arch.layers == 2);
  CHECK_THROWS_WITH(io::parse_hf_config("bad.json", "{\n  \"model_type\": \"llama\",,\n}", "b"),
                    Catch::Contains("not valid JSON"));
  try {
    io::parse_hf_config("bad.json", "{\n  \"model_type\": \"llama\",,\n}", "b");
  } catch (const Error& e) {
    CHECK(e.loc().line == 2);
  }
  CHECK_THROWS_WITH(io::parse_hf_config("m.json", R"({"model_type": "llama", "hidden_size": 8})", "m"),
                    Catch::Contains("has no 'num_hidden_layers'"));
}

TEST_CASE("models add: the user entry reads back as the config's architecture", "[hf]") {
  io::HfModel m = io::load_hf_config(tiny, "tiny-moe");
  const std::string text = io::render_user_model(m, tiny);
  Catalog c;
  io::parse_user_models(c, "tiny-moe.yaml", text);
  REQUIRE(c.models.size() == 1);
  const ModelArch& a = c.models.front();
  CHECK(a.id == "tiny-moe");
  CHECK(a.layers == m.arch.layers);
  CHECK(a.kv_heads == m.arch.kv_heads);
  CHECK(a.experts == 16);
  CHECK(a.moe_ffn == 128);
  CHECK(a.params_total == m.arch.params_total);
  CHECK(a.params_active == m.arch.params_active);
  // Cited by its own file: render_user_model writes 2 comment lines, `sources:` and its item,
  // `models:`, so the entry is on line 6.
  CHECK(a.file == "tiny-moe.yaml");
  CHECK(cite(a) == "tiny-moe.yaml:6");
  // The config.json itself, for an hf: model (no line: the whole file describes it).
  CHECK(cite(m.arch) == tiny);
  // A shipped entry keeps calib/catalog.yaml.
  ModelArch shipped_entry;
  shipped_entry.line = 12;
  CHECK(cite(shipped_entry) == "calib/catalog.yaml:12");
  // Its id may not repeat a shipped one.
  Catalog shipped = test::shipped_catalog();
  io::HfModel clash = m;
  clash.arch.id = "llama-3.1-8b";
  CHECK_THROWS_WITH(io::parse_user_models(shipped, "x.yaml", io::render_user_model(clash, tiny)),
                    Catch::Contains("duplicate model id 'llama-3.1-8b'"));
}

TEST_CASE("hf config: every config in calib/configs loads, read by its fields", "[hf]") {
  for (const char* f : {"Qwen--Qwen3-235B-A22B-FP8_config.json", "Qwen--Qwen3-32B_config.json",
                        "Qwen--Qwen3.5-397B-A17B_config.json", "deepseek-ai--DeepSeek-R1_config.json",
                        "deepseek-ai--DeepSeek-V3_config.json", "meta-llama--Meta-Llama-3.1-70B_config.json",
                        "meta-llama--Meta-Llama-3.1-8B_config.json", "nvidia--DeepSeek-V3.1-NVFP4_config.json",
                        "openai--gpt-oss-120b_config.json", "zai-org--GLM-5_config.json",
                        "MiniMaxAI--MiniMax-M2.5_config.json", "MiniMaxAI--MiniMax-M2.7_config.json",
                        "moonshotai--Kimi-K2.5_config.json", "moonshotai--Kimi-K2-Instruct_config.json",
                        "Qwen--Qwen3.5-122B-A10B_config.json", "Qwen--Qwen3.5-35B-A3B_config.json",
                        "Qwen--Qwen3.5-27B_config.json", "Qwen--Qwen3-Coder-480B-A35B-Instruct_config.json",
                        "zai-org--GLM-5.2_config.json", "nvidia--GLM-5.2-NVFP4_config.json",
                        "meta-llama--Meta-Llama-3.1-405B_config.json", "stepfun-ai--Step-3.7-Flash_config.json",
                        "XiaomiMiMo--MiMo-7B-Base_config.json", "Qwen--Qwen3-0.6B_config.json",
                        "Qwen--Qwen3-1.7B_config.json", "nvidia--Qwen3.6-35B-A3B-NVFP4_config.json",
                        "Qwen--Qwen3-32B-FP8-Static-PerTensor_config.json"}) {
    INFO(f);
    io::HfModel m = io::load_hf_config(configs + f, "m");
    CHECK(m.arch.params_total > 0);
    CHECK(m.arch.params_active <= m.arch.params_total);
  }
}

TEST_CASE("hf config: GLM-5, MLA with a sparse-attention indexer and an MTP layer, by hand", "[hf]") {
  io::HfModel m = io::load_hf_config(configs + "zai-org--GLM-5_config.json", "glm-5");
  const ModelArch& a = m.arch;
  CHECK(a.attention == AttentionKind::mla);
  CHECK(a.is_sparse_attention());
  CHECK(a.index_topk == 2048);
  CHECK(a.moe_layers() == 75);  // 78 layers, first_k_dense_replace 3
  CHECK(a.mtp_layers == 1);
  // Embeddings 154,880 x 6,144 x 2 (untied) = 1,903,165,440.
  // MLA per layer: q down 6,144 x 2,048 = 12,582,912; q up 2,048 x 64 heads x (192 + 64) = 33,554,432;
  // kv down 6,144 x (512 + 64) = 3,538,944; kv up 512 x 64 x (192 + 256) = 14,680,064;
  // out 64 x 256 x 6,144 = 100,663,296; sum 165,019,648. Indexer: 2,048 x 32 x 128 = 8,388,608
  // + 6,144 x 128 = 786,432 + 6,144 x 32 = 196,608 = 9,371,648. Per layer 174,391,296, x 78 =
  // 13,602,521,088. Dense MLPs 3 x (3 x 6,144 x 12,288 = 226,492,416) = 679,477,248.
  // MoE layer: 256 x (3 x 6,144 x 2,048 = 37,748,736) = 9,663,676,416 + shared 37,748,736
  // + router 6,144 x 256 = 1,572,864 = 9,702,998,016, x 75 = 727,724,851,200.
  // Total 1,903,165,440 + 13,602,521,088 + 679,477,248 + 727,724,851,200 = 743,910,014,976
  // (the model card: 744B).
  CHECK(a.params_total == 743910014976.0);
  // Active MoE layer: 8 x 37,748,736 + 37,748,736 + 1,572,864 = 341,311,488, x 75 = 25,598,361,600;
  // + 1,903,165,440 + 13,602,521,088 + 679,477,248 = 41,783,525,376.
  CHECK(a.params_active == 41783525376.0);
  // MTP: one layer 174,391,296 + 9,702,998,016 and the 2 x 6,144 x 6,144 = 75,497,472 projection.
  CHECK(a.params_mtp == 9952886784.0);
  // KV per token at fp8: (512 latent + 64 rope + 128 indexer key) x 78 layers x 1 B = 54,912 B.
  CHECK(perf::kv_bytes_per_token(a, bytes_of(1)) == 54912.0);
  // Weights at fp8 hold the MTP layer: 743,910,014,976 + 9,952,886,784 = 753,862,901,760 B.
  Precision fp8 = bytes_of(1);
  CHECK(perf::weights_bytes(a, fp8) == 753862901760.0);
  // No quantization_config: bf16.
  CHECK(m.precision == "bf16");
}

TEST_CASE("hf config: GLM-5.2, an indexer in 21 of 78 layers (indexer_types), by hand", "[hf]") {
  io::HfModel z = io::load_hf_config(configs + "zai-org--GLM-5.2_config.json", "glm-5.2");
  const ModelArch& a = z.arch;
  CHECK(a.is_sparse_attention());
  // indexer_types: full at layers 0, 1, 2 and every 4th from 6 to 74 (3 + 18 = 21), shared at the
  // other 57.
  CHECK(a.index_layers == 21);
  CHECK(a.indexer_layers() == 21);
  // GLM-5's shapes (the test above) but 57 layers without the 9,371,648 indexer weights:
  // 743,910,014,976 - 57 x 9,371,648 (= 534,183,936) = 743,375,831,040 total, and
  // 41,783,525,376 - 534,183,936 = 41,249,341,440 active. The MTP layer keeps its indexer
  // (9,952,886,784, as GLM-5's).
  CHECK(a.params_total == 743375831040.0);
  CHECK(a.params_active == 41249341440.0);
  CHECK(a.params_mtp == 9952886784.0);
  // KV per token at fp8: (512 + 64) x 78 = 44,928 latent and rope, + 128 x 21 = 2,688 indexer
  // keys = 47,616 B (GLM-5: 54,912 B).
  CHECK(perf::kv_bytes_per_token(a, bytes_of(1)) == Approx(47616.0).epsilon(1e-12));
  CHECK(a.max_context == 1048576);
  // NVIDIA's NVFP4 config lists every layer as deepseek_sparse_attention beside the same
  // indexer_types: the same model, in NVFP4 (modelopt).
  io::HfModel n = io::load_hf_config(configs + "nvidia--GLM-5.2-NVFP4_config.json", "glm-5.2-nvfp4");
  CHECK(n.arch.params_total == a.params_total);
  CHECK(n.arch.index_layers == 21);
  CHECK(n.arch.global_layers() == 78);
  CHECK(n.precision == "nvfp4");
  // The catalog entry holds the same counts (to its rounding) and the 21 indexer layers.
  const ModelArch* c = test::shipped_catalog().find_model("glm-5.2");
  REQUIRE(c != nullptr);
  CHECK(c->index_layers == 21);
  CHECK(c->params_total == Approx(a.params_total).epsilon(1e-4));
  CHECK(perf::kv_bytes_per_token(*c, bytes_of(1)) == Approx(47616.0).epsilon(1e-12));
}

TEST_CASE("hf config: indexer_types and deepseek_sparse_attention are checked", "[hf]") {
  const std::string head = R"({"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4,
      "intermediate_size": 128, "vocab_size": 100, "max_position_embeddings": 1024, )";
  const std::string indexer = R"("index_topk": 8, "index_n_heads": 2, "index_head_dim": 16, )";
  CHECK(io::parse_hf_config("i.json", head + indexer + R"("indexer_types": ["full", "shared"]})", "i").arch
            .index_layers == 1);
  CHECK_THROWS_WITH(io::parse_hf_config("i.json", head + indexer + R"("indexer_types": ["full", "half"]})", "i"),
                    Catch::Contains("indexer_types[1] is 'half'"));
  CHECK_THROWS_WITH(io::parse_hf_config("i.json", head + indexer + R"("indexer_types": ["full"]})", "i"),
                    Catch::Contains("not a list of 2 entries"));
  CHECK_THROWS_WITH(io::parse_hf_config("i.json", head + indexer + R"("indexer_types": ["shared", "shared"]})", "i"),
                    Catch::Contains("has no \"full\" layer"));
  // Sparse-attention layers with no indexer stated would read as dense attention: an error.
  CHECK_THROWS_WITH(io::parse_hf_config("s.json", head + R"("layer_types": ["deepseek_sparse_attention",
      "deepseek_sparse_attention"]})", "s"),
                    Catch::Contains("deepseek_sparse_attention layers but states no indexer"));
}

TEST_CASE("hf config: TensorRT Model Optimizer formats, mixed per layer", "[hf]") {
  // NVIDIA's Qwen3.6-35B-A3B: quant_algo MIXED_PRECISION, the experts W4A16_NVFP4 and the
  // attention FP8; the experts hold the bulk of the weights: nvfp4.
  CHECK(io::load_hf_config(configs + "nvidia--Qwen3.6-35B-A3B-NVFP4_config.json", "q").precision == "nvfp4");
  // No quant_method, producer modelopt, quant_algo FP8 (static per-tensor scales): fp8.
  CHECK(io::load_hf_config(configs + "Qwen--Qwen3-32B-FP8-Static-PerTensor_config.json", "q").precision == "fp8");
  const std::string head = R"({"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4,
      "intermediate_size": 128, "vocab_size": 100, "max_position_embeddings": 1024, "quantization_config": )";
  CHECK(io::parse_hf_config("m.json", head + R"({"quant_method": "modelopt", "quant_algo": "W4A8_AWQ"}})", "m")
            .precision == "int4");
  CHECK(io::parse_hf_config("m.json", head + R"({"quant_method": "modelopt", "quant_algo": "MIXED_PRECISION",
      "quantized_layers": {"model.layers.0.self_attn.q_proj": {"quant_algo": "FP8"}}}})", "m")
            .precision == "fp8");
  CHECK_THROWS_WITH(io::parse_hf_config("m.json", head + R"({"quant_method": "modelopt", "quant_algo": "W2"}})", "m"),
                    Catch::Contains("modelopt FP8/NVFP4/AWQ"));
}

TEST_CASE("hf config: more per-layer shapes named at their key, not misread", "[hf]") {
  const std::string head = R"({"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4,
      "intermediate_size": 128, "vocab_size": 100, "max_position_embeddings": 1024, "head_dim": 16, )";
  // MiMo-V2-Flash: values narrower than keys, and sliding-window layers with heads of their own.
  CHECK_THROWS_WITH(io::parse_hf_config("v.json", head + R"("v_head_dim": 8})", "v"),
                    Catch::Contains("values 8 wide beside keys of head_dim 16 without MLA"));
  CHECK(io::parse_hf_config("v.json", head + R"("v_head_dim": 16})", "v").arch.head_dim == 16);
  CHECK_THROWS_WITH(io::parse_hf_config("s.json", head + R"("swa_num_key_value_heads": 8})", "s"),
                    Catch::Contains("sliding-window layers with heads of their own"));
  // Nemotron's searched Llama: layers of differing shapes.
  CHECK_THROWS_WITH(io::parse_hf_config("b.json", head + R"("block_configs": []})", "b"),
                    Catch::Contains("block_configs: Nemotron"));
}

TEST_CASE("hf config: Gemma 4's full-attention layers of their own shape are named, not misread", "[hf]") {
  // Its 5 sliding layers in 6 have 8 KV heads of 256, the full ones 2 KV heads of 512
  // (num_global_key_value_heads, global_head_dim): one head shape for all would misstate the KV.
  CHECK_THROWS_WITH(io::load_hf_config(configs + "google--gemma-4-26B-A4B_config.json", "g"),
                    Catch::Contains("head shape of their own (global_head_dim"));
  try {
    io::load_hf_config(configs + "google--gemma-4-26B-A4B_config.json", "g");
  } catch (const Error& e) {
    CHECK(e.loc().line == 25);  // "global_head_dim" in its text_config
    CHECK(e.loc().col == 5);
  }
}

TEST_CASE("hf config: MiniMax-M2.5, every layer MoE without a shared expert, MTP modules, by hand", "[hf]") {
  io::HfModel m = io::load_hf_config(configs + "MiniMaxAI--MiniMax-M2.5_config.json", "minimax-m2.5");
  const ModelArch& a = m.arch;
  CHECK(a.layers == 62);
  CHECK(a.moe_layers() == 62);  // no first_k_dense_replace: every layer's MLP is the experts
  CHECK(a.experts == 256);
  CHECK(a.top_k == 8);
  CHECK(a.expert_ffn() == 1536);  // num_local_experts with intermediate_size, as Mixtral
  CHECK(a.shared_experts == 0);
  CHECK(a.mtp_layers == 3);  // num_mtp_modules 3 of mtp_transformer_layers 1, use_mtp true
  // Attention: Q 3,072 x 48 x 128 = 18,874,368; K, V 2 x 3,072 x 8 x 128 = 6,291,456; O 6,144 x
  // 3,072 = 18,874,368; 44,040,192 a layer. Expert 3 x 3,072 x 1,536 = 14,155,776; 256 of them
  // 3,623,878,656; router 3,072 x 256 = 786,432. Layer 3,668,705,280, x 62 = 227,459,727,360;
  // embeddings 200,064 x 3,072 x 2 (untied) = 1,229,193,216; total 228,688,920,576 (card: 230B).
  CHECK(a.params_total == 228688920576.0);
  // Active layer 44,040,192 + 8 x 14,155,776 + 786,432 = 158,072,832, x 62 = 9,800,515,584 (card:
  // 10B), + embeddings = 11,029,708,800.
  CHECK(a.params_active == 11029708800.0);
  // MTP: 3 x (44,040,192 + 3,623,878,656 + 786,432 + 2 x 3,072 x 3,072 = 18,874,368) = 11,062,738,944.
  CHECK(a.params_mtp == 11062738944.0);
  // KV per token at fp8: 62 layers x 2 x 8 KV heads x 128 x 1 B = 126,976 B.
  CHECK(perf::kv_bytes_per_token(a, bytes_of(1)) == 126976.0);
  CHECK(m.precision == "fp8");  // quantization_config: fp8, block-scaled
}

TEST_CASE("hf config: Kimi-K2.5, DeepSeek-V3's structure in its text_config, by hand", "[hf]") {
  io::HfModel m = io::load_hf_config(configs + "moonshotai--Kimi-K2.5_config.json", "kimi-k2.5");
  const ModelArch& a = m.arch;
  CHECK(a.attention == AttentionKind::mla);
  CHECK(a.heads == 64);
  CHECK(a.experts == 384);
  CHECK(a.moe_layers() == 60);  // 61 layers, first_k_dense_replace 1
  // MLA per layer: q down 7,168 x 1,536 = 11,010,048; q up 1,536 x 64 x (128 + 64) = 18,874,368;
  // kv down 7,168 x (512 + 64) = 4,128,768; kv up 512 x 64 x (128 + 128) = 8,388,608; out 64 x 128 x
  // 7,168 = 58,720,256; 101,122,048, x 61 = 6,168,444,928. Dense MLP 3 x 7,168 x 18,432 =
  // 396,361,728. MoE layer 384 x (3 x 7,168 x 2,048 = 44,040,192) = 16,911,433,728 + shared
  // 44,040,192 + router 7,168 x 384 = 2,752,512 = 16,958,226,432, x 60 = 1,017,493,585,920.
  // Embeddings 163,840 x 7,168 x 2 = 2,348,810,240. Total 1,026,407,202,816 (card: 1T).
  CHECK(a.params_total == 1026407202816.0);
  // Active MoE layer 8 x 44,040,192 + 44,040,192 + 2,752,512 = 399,114,240, x 60 = 23,946,854,400;
  // + 6,168,444,928 + 396,361,728 + 2,348,810,240 = 32,860,471,296 (card: 32B).
  CHECK(a.params_active == 32860471296.0);
  // KV per token at fp8: (512 + 64) x 61 layers x 1 B = 35,136 B.
  CHECK(perf::kv_bytes_per_token(a, bytes_of(1)) == 35136.0);
}

TEST_CASE("hf config: Qwen3.5, Gated DeltaNet interleaved with gated attention, by hand", "[hf]") {
  io::HfModel m = io::load_hf_config(configs + "Qwen--Qwen3.5-397B-A17B_config.json", "qwen3.5");
  const ModelArch& a = m.arch;
  CHECK(a.layers == 60);
  CHECK(a.linear_layers == 45);  // layer_types: 3 linear_attention, then full_attention, x 15
  CHECK(a.attention_layers() == 15);
  CHECK(a.global_layers() == 15);
  CHECK(a.experts == 512);
  CHECK(a.top_k == 10);
  CHECK(a.expert_ffn() == 1024);
  CHECK(a.shared_experts == 1);
  CHECK(a.mtp_layers == 1);
  // Embeddings 248,320 x 4,096 x 2 = 2,034,237,440. Full attention (output gate doubles Q):
  // 3 x 4,096 x 32 x 256 = 100,663,296 + K, V 2 x 4,096 x 2 x 256 = 4,194,304 = 104,857,600, x 15 =
  // 1,572,864,000. Gated DeltaNet: keys 16 x 128 = 2,048, values 64 x 128 = 8,192; in-projections
  // 4,096 x (2 x 2,048 + 2 x 8,192) = 83,886,080; b, a gates 4,096 x 2 x 64 = 524,288; convolution
  // (2 x 2,048 + 8,192) x 4 = 49,152; out 8,192 x 4,096 = 33,554,432; 118,013,952, x 45 = 5,310,627,840.
  // Active MoE layer: 10 x (3 x 4,096 x 1,024 = 12,582,912) = 125,829,120 + shared 12,582,912
  // + router 4,096 x 512 = 2,097,152 = 140,509,184, x 60 = 8,430,551,040.
  // Active: 2,034,237,440 + 1,572,864,000 + 5,310,627,840 + 8,430,551,040 = 17,348,280,320 (card: 17B).
  CHECK(a.params_active == 17348280320.0);
  // Total MoE layer 512 x 12,582,912 = 6,442,450,944 + 12,582,912 + 2,097,152 = 6,457,131,008, x 60
  // = 387,427,860,480; total 396,345,589,760 (card: 397B with its vision encoder).
  CHECK(a.params_total == 396345589760.0);
  // KV: 15 attention layers x 2 x 2 KV heads x 256 x 2 B = 30,720 B per token; none in linear layers.
  CHECK(perf::kv_bytes_per_token(a, bytes_of(2)) == 30720.0);
  // State per linear layer: 64 x 128 x 128 = 1,048,576 + (4 - 1) x (2 x 2,048 + 8,192) = 36,864
  // = 1,085,440 elements, x 2 B x 45 layers = 97,689,600 B per sequence, whatever its length.
  CHECK(perf::linear_state_elements_per_layer(a) == 1085440.0);
  CHECK(perf::linear_state_bytes_per_sequence(a) == 97689600.0);
  // A sequence of 1,000 tokens: 30,720 x 1,000 + 97,689,600 = 128,409,600 B.
  CHECK(perf::kv_bytes_per_sequence(a, bytes_of(2), 1000) == 128409600.0);
}

TEST_CASE("hf config: KV bytes of GQA, MQA, MLA and sliding windows from shipped configs, by hand", "[hf]") {
  // Llama 3.1 8B, GQA: 32 layers x 2 x 8 KV heads x 128 x 2 B = 131,072 B per token.
  io::HfModel llama = io::load_hf_config(configs + "meta-llama--Meta-Llama-3.1-8B_config.json", "l");
  CHECK(perf::kv_bytes_per_token(llama.arch, bytes_of(2)) == 131072.0);
  // DeepSeek-R1, MLA: (512 + 64) x 61 x 1 B = 35,136 B per token at fp8; its MTP layer:
  // attention 187,105,280 (q 7,168 x 1,536 + 1,536 x 128 x 192 + 7,168 x 576 + 512 x 128 x 256 +
  // 128 x 128 x 7,168) + MoE layer 256 x 44,040,192 + 44,040,192 + 7,168 x 256 = 11,320,164,352
  // + 2 x 7,168^2 = 102,760,448: 11,610,030,080.
  io::HfModel r1 = io::load_hf_config(configs + "deepseek-ai--DeepSeek-R1_config.json", "r1");
  CHECK(perf::kv_bytes_per_token(r1.arch, bytes_of(1)) == 35136.0);
  CHECK(r1.arch.params_mtp == 11610030080.0);
  // gpt-oss-120b: 18 sliding (128 tokens) and 18 full layers of 2 x 8 x 64 = 1,024 elements. A
  // sequence of 1,000 tokens: (18 x 1,000 + 18 x 128) x 1,024 x 2 B = 20,304 x 2,048 = 41,582,592 B.
  io::HfModel oss = io::load_hf_config(configs + "openai--gpt-oss-120b_config.json", "oss");
  CHECK(oss.arch.local_layers == 18);
  CHECK(perf::kv_bytes_per_sequence(oss.arch, bytes_of(2), 1000) == 41582592.0);
  // MQA (one KV head): 2 layers x 2 x 1 x 16 x 2 B = 128 B per token.
  io::HfModel mqa = io::parse_hf_config("mqa.json", R"({"num_hidden_layers": 2, "hidden_size": 64,
      "num_attention_heads": 4, "num_key_value_heads": 1, "intermediate_size": 128, "vocab_size": 100,
      "max_position_embeddings": 1024})", "mqa");
  CHECK(perf::kv_bytes_per_token(mqa.arch, bytes_of(2)) == 128.0);
}

TEST_CASE("models add: linear attention, the indexer and MTP layers read back", "[hf]") {
  for (const char* f : {"Qwen--Qwen3.5-397B-A17B_config.json", "zai-org--GLM-5_config.json",
                        "MiniMaxAI--MiniMax-M2.5_config.json"}) {
    INFO(f);
    io::HfModel m = io::load_hf_config(configs + f, "m");
    Catalog c;
    io::parse_user_models(c, "m.yaml", io::render_user_model(m, configs + f));
    REQUIRE(c.models.size() == 1);
    const ModelArch& a = c.models.front();
    CHECK(a.linear_layers == m.arch.linear_layers);
    CHECK(a.linear_value_heads == m.arch.linear_value_heads);
    CHECK(a.linear_conv_kernel == m.arch.linear_conv_kernel);
    CHECK(a.index_topk == m.arch.index_topk);
    CHECK(a.index_head_dim == m.arch.index_head_dim);
    CHECK(a.mtp_layers == m.arch.mtp_layers);
    CHECK(a.params_mtp == m.arch.params_mtp);
    CHECK(perf::kv_bytes_per_sequence(a, bytes_of(1), 5000) == perf::kv_bytes_per_sequence(m.arch, bytes_of(1), 5000));
  }
}

TEST_CASE("hf config: GLM-4.6's shapes counted by hand, and its catalog entry", "[hf][catalog]") {
  // The shapes of zai-org/GLM-4.6's config.json (calib/catalog.yaml, hf-glm-4.6).
  const std::string text = R"({"model_type": "glm4_moe", "hidden_size": 5120, "num_hidden_layers": 92,
    "num_attention_heads": 96, "num_key_value_heads": 8, "head_dim": 128, "intermediate_size": 12288,
    "moe_intermediate_size": 1536, "n_routed_experts": 160, "n_shared_experts": 1, "num_experts_per_tok": 8,
    "first_k_dense_replace": 3, "vocab_size": 151552, "max_position_embeddings": 202752,
    "tie_word_embeddings": false, "num_nextn_predict_layers": 1, "torch_dtype": "bfloat16"})";
  const ModelArch a = io::parse_hf_config("glm46.json", text, "glm-4.6").arch;
  CHECK(a.moe_layers() == 89);
  // Attention: Q and O 2 x 5,120 x 96 x 128 = 125,829,120; K, V 2 x 5,120 x 8 x 128 = 10,485,760;
  // 136,314,880 a layer, x 92 = 12,540,968,960. Dense MLP 3 x 5,120 x 12,288 = 188,743,680, x 3 =
  // 566,231,040. Expert 3 x 5,120 x 1,536 = 23,592,960: 160 routed = 3,774,873,600, 1 shared, router
  // 5,120 x 160 = 819,200: 3,799,285,760 a MoE layer, x 89 = 338,136,432,640. Embeddings 151,552 x
  // 5,120 x 2 (untied) = 1,551,892,480. Total 352,795,525,120 (card: 355B).
  CHECK(a.params_total == 352795525120.0);
  // Active MoE layer: 9 experts x 23,592,960 + 819,200 = 213,155,840, x 89 = 18,970,869,760;
  // + 1,551,892,480 + 12,540,968,960 + 566,231,040 = 33,629,962,240 (card: 32B).
  CHECK(a.params_active == 33629962240.0);
  // MTP: 136,314,880 + 3,799,285,760 + 2 x 5,120 x 5,120 (52,428,800) = 3,988,029,440.
  CHECK(a.params_mtp == 3988029440.0);
  // The catalog's GLM-4.6 and GLM-4.5 (the same shapes) carry these counts, to 4 figures.
  for (const char* id : {"glm-4.6", "glm-4.5"}) {
    const ModelArch* c = test::shipped_catalog().find_model(id);
    REQUIRE(c != nullptr);
    CHECK(c->layers == a.layers);
    CHECK(c->moe_layers() == a.moe_layers());
    CHECK(c->expert_ffn() == a.expert_ffn());
    CHECK(c->params_total == Approx(a.params_total).epsilon(1e-4));
    CHECK(c->params_active == Approx(a.params_active).epsilon(1e-4));
    CHECK(c->params_mtp == Approx(a.params_mtp).epsilon(1e-3));
  }
  CHECK(test::shipped_catalog().find_model("glm-4.5")->max_context == 131072);
}
