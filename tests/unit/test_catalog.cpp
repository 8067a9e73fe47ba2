// calib/catalog.yaml and its strict reader.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "plan/io/catalog_loader.hpp"

using namespace plan;

namespace {
std::string with_efficiency(const std::string& body) {
  std::string eff;
  for (auto k : {"e_bw", "e_fl_16", "e_fl_8", "step_overhead_ms", "layer_overhead_us", "allreduce_base_us",
                 "allreduce_hop_us", "link_efficiency", "mem_utilization", "overhead_gib_per_gpu", "max_batch_seqs",
                 "prefill_batch_tokens"})
    eff += std::string("  ") + k + ": {value: 1, source: s, note: n}\n";
  return "sources:\n  - {id: s, url: u, retrieved: \"2026-01-01\"}\n" + body + "efficiency:\n" + eff;
}
const char* one_model =
    "models:\n  - {id: m, layers: 2, hidden: 8, heads: 2, kv_heads: 1, head_dim: 4, ffn: 16, vocab: 10,\n"
    "     params_total: 1000, params_active: 1000, max_context: 100, source: s}\n";
const char* one_gpu =
    "gpus:\n  - {id: g, memory_gib: 1, hbm_gb_per_s: 1, bf16_tflops: 1, interconnect: pcie, interconnect_gb_per_s: 1, "
    "source: s}\n";
const char* one_prec = "precisions:\n  - {id: bf16, bytes: 2, compute: bf16}\n";
}  // namespace

TEST_CASE("the shipped catalog has every required entry", "[catalog]") {
  Catalog c = io::load_catalog(PLAN_SOURCE_DIR "/calib/catalog.yaml");
  for (auto id : {"llama-3.1-8b", "llama-3.1-70b", "mistral-7b", "mixtral-8x7b", "qwen2.5-7b", "qwen2.5-72b"}) {
    INFO(id);
    REQUIRE(c.find_model(id));
    CHECK_FALSE(c.find_model(id)->source.empty());
  }
  for (auto id : {"a10g", "l4", "l40s", "a100-40gb", "a100-80gb-sxm", "a100-80gb-pcie", "h100-sxm", "h100-pcie", "h200",
                  "b200", "mi300x", "gh200"}) {
    INFO(id);
    REQUIRE(c.find_gpu(id));
    CHECK_FALSE(c.find_gpu(id)->source.empty());
  }
  // Bytes per parameter: fp16/bf16 2, fp8/int8 1, int4 0.5.
  CHECK(c.find_precision("bf16")->bytes == 2);
  CHECK(c.find_precision("fp16")->bytes == 2);
  CHECK(c.find_precision("fp8")->bytes == 1);
  CHECK(c.find_precision("int8")->bytes == 1);
  CHECK(c.find_precision("int4")->bytes == 0.5);
  // MXFP4: 4 bits + an 8-bit scale per 32 weights = 4.25 bits = 0.53125 B; NVFP4: 4 + 8/16 = 4.5 bits.
  CHECK(c.find_precision("mxfp4")->bytes == 0.53125);
  CHECK(c.find_precision("nvfp4")->bytes == 0.5625);
  CHECK(c.find_precision("nvfp4")->native_only);
  for (auto id : {"gpt-oss-20b", "gpt-oss-120b", "deepseek-v3", "deepseek-r1", "qwen3-8b", "qwen3-32b", "qwen3-30b-a3b",
                  "qwen3-235b-a22b", "llama-3.3-70b", "llama-4-scout", "llama-4-maverick", "mixtral-8x22b", "gemma-3-27b"}) {
    INFO(id);
    REQUIRE(c.find_model(id));
    CHECK_FALSE(c.find_model(id)->source.empty());
  }
  for (auto id : {"gb200", "b300", "mi325x", "mi355x", "h20", "rtx-pro-6000", "rtx-4090", "rtx-5090"}) {
    INFO(id);
    REQUIRE(c.find_gpu(id));
    CHECK_FALSE(c.find_gpu(id)->source.empty());
  }
  // B200: 144 PF sparse FP4 per 8-GPU DGX / 8 / 2 = 9,000 TFLOPS dense.
  CHECK(c.find_gpu("b200")->fp4_tflops == 9000.0);
  CHECK_FALSE(c.find_gpu("h100-sxm")->fp4_tflops.has_value());
  // Reference architecture (vidur model_configs): Llama 3.1 70B has 80 layers, 8 KV heads.
  CHECK(c.find_model("llama-3.1-70b")->layers == 80);
  CHECK(c.find_model("mixtral-8x7b")->experts == 8);
  CHECK(c.find_model("mixtral-8x7b")->top_k == 2);
  CHECK(c.efficiency.mem_utilization.value == 0.90);
  CHECK_FALSE(c.efficiency.e_bw.source.empty());
  CHECK_FALSE(c.efficiency.e_bw.note.empty());
}

TEST_CASE("a minimal catalog parses", "[catalog]") {
  Catalog c = io::parse_catalog("c.yaml", with_efficiency(std::string(one_model) + one_gpu + one_prec));
  REQUIRE(c.models.size() == 1);
  CHECK(c.models[0].kv_heads == 1);
  CHECK(c.precisions[0].default_kv == "bf16");
}

TEST_CASE("catalog entries carry their file; a data directory's catalog is cited as calib/catalog.yaml",
          "[catalog]") {
  const std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
  // Another file: each model and GPU entry carries it, and cite() names it.
  Catalog c = io::parse_catalog("/tmp/my-catalog.yaml", text);
  CHECK(c.models[0].file == "/tmp/my-catalog.yaml");
  CHECK(c.gpus[0].file == "/tmp/my-catalog.yaml");
  CHECK(cite(c.gpus[0]) == fmt::format("/tmp/my-catalog.yaml:{}", c.gpus[0].line));
  CHECK(catalog_file(c.models[0]) == "/tmp/my-catalog.yaml");
  // A data directory's catalog, wherever the directory is: cited by the relative name.
  for (const char* path : {"calib/catalog.yaml", "/usr/share/plan/calib/catalog.yaml"}) {
    Catalog d = io::parse_catalog(path, text);
    CHECK(d.models[0].file.empty());
    CHECK(catalog_file(d.gpus[0]) == "calib/catalog.yaml");
  }
  CHECK(io::is_data_dir_catalog("/x/calib/catalog.yaml"));
  CHECK_FALSE(io::is_data_dir_catalog("/x/mycalib/catalog.yaml"));  // not the calib/ folder
  CHECK_FALSE(io::is_data_dir_catalog("/x/calib/catalog.yaml.bak"));
}

TEST_CASE("catalog errors name the place", "[catalog]") {
  SECTION("unknown key") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.insert(text.find("interconnect: pcie"), "colour: red, ");
    try {
      io::parse_catalog("c.yaml", text);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.loc().file == "c.yaml");
      CHECK(e.loc().line > 0);
      CHECK(std::string(e.what()).find("colour") != std::string::npos);
    }
  }
  SECTION("unlisted source") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.replace(text.find("max_context: 100, source: s"), 27, "max_context: 100, source: x");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("source 'x'"));
  }
  SECTION("active above total") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.replace(text.find("params_active: 1000"), 19, "params_active: 2000");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("params_active"));
  }
  SECTION("missing efficiency entry") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.replace(text.find("  e_bw:"), text.find("  e_fl_16") - text.find("  e_bw:"), "");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("e_bw"));
  }
  SECTION("unknown attention kind") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.insert(text.find("max_context: 100"), "attention: linear, ");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("attention 'linear' (expected gqa or mla)"));
  }
  SECTION("MLA without its ranks") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.insert(text.find("max_context: 100"), "attention: mla, ");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("kv_lora_rank"));
  }
  SECTION("a window without local layers") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.insert(text.find("max_context: 100"), "sliding_window: 16, ");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("only one of sliding_window and local_layers"));
  }
  SECTION("more local layers than layers") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.insert(text.find("max_context: 100"), "sliding_window: 16, local_layers: 3, ");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("local_layers 3 above its 2 layers"));
  }
  SECTION("expert fields on a dense model") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.insert(text.find("max_context: 100"), "shared_experts: 1, ");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("without experts"));
  }
  SECTION("no MoE layer left") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.insert(text.find("max_context: 100"), "experts: 4, top_k: 1, dense_layers: 2, ");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("no MoE layer"));
  }
  SECTION("linear-attention layers without their heads") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.insert(text.find("max_context: 100"), "linear_layers: 1, ");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("linear_key_heads"));
  }
  SECTION("no full-attention layer left beside the linear ones") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.insert(text.find("max_context: 100"), "linear_layers: 2, linear_key_heads: 1, linear_value_heads: 1, "
                                               "linear_key_head_dim: 4, linear_value_head_dim: 4, linear_conv_kernel: 4, ");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("leaving none of its 2 layers"));
  }
  SECTION("an indexer without its sizes, MTP layers without their weights") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.insert(text.find("max_context: 100"), "index_topk: 8, ");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("index_heads"));
    text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.insert(text.find("max_context: 100"), "mtp_layers: 1, ");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("params_mtp"));
  }
  SECTION("unknown vendor") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu + one_prec);
    text.insert(text.find("interconnect: pcie"), "vendor: acme, ");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("vendor 'acme' (expected nvidia, amd"));
  }
  SECTION("bad compute format") {
    std::string text = with_efficiency(std::string(one_model) + one_gpu +
                                       "precisions:\n  - {id: bf16, bytes: 2, compute: tf32}\n");
    CHECK_THROWS_WITH(io::parse_catalog("c.yaml", text), Catch::Contains("tf32"));
  }
}

TEST_CASE("model_name_matches: repo ids, basenames and the id itself", "[catalog][calibration]") {
  const std::vector<std::string> llama = {"meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Meta-Llama-3.1-8B-Instruct"};
  SECTION("a listed repo id, in any case") {
    CHECK(model_name_matches("meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-8b", llama));
    CHECK(model_name_matches("META-LLAMA/meta-llama-3.1-8b-instruct", "llama-3.1-8b", llama));
  }
  SECTION("the basename of a listed repo id, alone or ending a local path") {
    CHECK(model_name_matches("Llama-3.1-8B-Instruct", "llama-3.1-8b", llama));
    CHECK(model_name_matches("/models/Meta-Llama-3.1-8B-Instruct/", "llama-3.1-8b", llama));
  }
  SECTION("the model's own id, e.g. a served model name") {
    CHECK(model_name_matches("llama-3.1-8b", "llama-3.1-8b", llama));
    // meta-llama/Llama-3.1-8B is not in the list above, but its basename is the id.
    CHECK(model_name_matches("meta-llama/Llama-3.1-8B", "llama-3.1-8b", llama));
    // A model outside the catalog has no hf_ids: 'opt-125m' is the basename of facebook/opt-125m.
    CHECK(model_name_matches("facebook/opt-125m", "opt-125m", {}));
  }
  SECTION("another model does not match") {
    CHECK_FALSE(model_name_matches("facebook/opt-125m", "llama-3.1-8b", llama));
    CHECK_FALSE(model_name_matches("mistralai/Mistral-7B-v0.1", "llama-3.1-8b", llama));
    CHECK_FALSE(model_name_matches("meta-llama/Llama-3.1-70B-Instruct", "llama-3.1-8b", llama));
    CHECK_FALSE(model_name_matches("", "llama-3.1-8b", llama));
    CHECK_FALSE(model_name_matches("/", "llama-3.1-8b", llama));
  }
}

TEST_CASE("the shipped catalog names the Hugging Face repos of its models", "[catalog][calibration]") {
  Catalog c = io::load_catalog(PLAN_SOURCE_DIR "/calib/catalog.yaml");
  const ModelArch* m = c.find_model("llama-3.1-8b");
  REQUIRE(m);
  CHECK(model_name_matches("meta-llama/Llama-3.1-8B-Instruct", m->id, m->hf_ids));
  CHECK(model_name_matches("meta-llama/Meta-Llama-3.1-8B-Instruct", m->id, m->hf_ids));
  CHECK_FALSE(model_name_matches("facebook/opt-125m", m->id, m->hf_ids));
  for (const auto& model : c.models) CHECK_FALSE(model.hf_ids.empty());
}

TEST_CASE("the models of the measured serving runs each name one catalog entry", "[catalog][calibration]") {
  // The model_path values of the measured runs in AIConfigurator's silicon sample (the origin of
  // calib/configs, SOURCES.md there): NVIDIA's quantised checkpoints name the same architecture.
  Catalog c = io::load_catalog(PLAN_SOURCE_DIR "/calib/catalog.yaml");
  const std::vector<std::pair<const char*, const char*>> paths = {
      {"deepseek-ai/DeepSeek-R1", "deepseek-r1"},        {"deepseek-ai/DeepSeek-V3", "deepseek-v3"},
      {"openai/gpt-oss-120b", "gpt-oss-120b"},           {"meta-llama/Llama-3.1-70B", "llama-3.1-70b"},
      {"Qwen/Qwen3.5-397B-A17B", "qwen3.5-397b-a17b"},   {"meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-8b"},
      {"Qwen/Qwen3-235B-A22B-FP8", "qwen3-235b-a22b"},   {"Qwen/Qwen3-32B", "qwen3-32b"},
      {"zhipuai/GLM-5", "glm-5"},                        {"nvidia/Llama-3.1-8B-Instruct-FP8", "llama-3.1-8b"},
      {"nvidia/DeepSeek-R1-NVFP4", "deepseek-r1"},       {"nvidia/Qwen3-32B-NVFP4", "qwen3-32b"},
      {"nvidia/DeepSeek-V3.1-NVFP4", "deepseek-v3.1"},
      // Models whose configs the same commit holds (calib/configs): Kimi, MiniMax, Qwen3.5's family.
      {"moonshotai/Kimi-K2.5", "kimi-k2.5"},             {"moonshotai/Kimi-K2-Instruct", "kimi-k2"},
      {"MiniMaxAI/MiniMax-M2.5", "minimax-m2.5"},        {"MiniMaxAI/MiniMax-M2.7", "minimax-m2.7"},
      {"Qwen/Qwen3.5-122B-A10B", "qwen3.5-122b-a10b"},   {"Qwen/Qwen3.5-35B-A3B", "qwen3.5-35b-a3b"},
      {"Qwen/Qwen3.5-27B", "qwen3.5-27b"},               {"zai-org/GLM-5.1", "glm-5"},
      {"Qwen/Qwen3-Coder-480B-A35B-Instruct", "qwen3-coder-480b-a35b"}};
  for (const auto& [path, id] : paths) {
    INFO(path);
    std::vector<std::string> matched;
    for (const auto& m : c.models)
      if (model_name_matches(path, m.id, m.hf_ids)) matched.push_back(m.id);
    CHECK(matched == std::vector<std::string>{id});
  }
}

TEST_CASE("each engine's batch limit: its own entry, else max_batch_seqs", "[catalog]") {
  // Only max_batch_seqs given (value 1): every engine takes it, with its line and source.
  const std::string base = with_efficiency(std::string(one_model) + one_gpu + one_prec);
  Catalog c = io::parse_catalog("c.yaml", base);
  CHECK(c.efficiency.max_batch_seqs_sglang.value == 1);
  CHECK(c.efficiency.max_batch_seqs_trtllm.line == c.efficiency.max_batch_seqs.line);
  CHECK(c.efficiency.max_batch_seqs_vllm_large.source == "s");
  // An engine's own entry replaces it; one out of range is an error naming it.
  Catalog d = io::parse_catalog("c.yaml", base + "  max_batch_seqs_sglang: {value: 2048, source: s, note: n}\n");
  CHECK(d.efficiency.max_batch_seqs_sglang.value == 2048);
  CHECK(d.efficiency.max_batch_seqs_trtllm.value == 1);
  CHECK_THROWS_WITH(io::parse_catalog("c.yaml", base + "  max_batch_seqs_trtllm: {value: 0, source: s, note: n}\n"),
                    Catch::Contains("max_batch_seqs_trtllm' is 0"));
  // The shipped catalog: vLLM 256 and 1,024, SGLang and TensorRT-LLM 2,048.
  Catalog s = io::load_catalog(PLAN_SOURCE_DIR "/calib/catalog.yaml");
  CHECK(s.efficiency.max_batch_seqs.value == 256);
  CHECK(s.efficiency.max_batch_seqs_vllm_large.value == 1024);
  CHECK(s.efficiency.max_batch_seqs_sglang.value == 2048);
  CHECK(s.efficiency.max_batch_seqs_trtllm.value == 2048);
}
