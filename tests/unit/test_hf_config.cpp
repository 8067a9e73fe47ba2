// Hugging Face config.json reading (lib/io/src/hf_config.cpp) and the user catalog entries
// `plan models add` writes.
#include <catch2/catch.hpp>

#include "catalogs.hpp"

#include "plan/core/perf.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/io/hf_config.hpp"

using namespace plan;

namespace {

const char* const tiny = PLAN_TEST_DATA "/hf/tiny-moe/config.json";

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
  CHECK_THROWS_WITH(io::load_hf_config(PLAN_TEST_DATA "/hf/unknown/config.json", "u"),
                    Catch::Contains("model_type 'falcon' is not supported (expected one of: llama, mistral"));
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
