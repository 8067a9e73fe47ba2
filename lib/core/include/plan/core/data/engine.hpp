#pragma once
// The serving engine a self-hosted replica runs: vLLM, SGLang or TensorRT-LLM, with an
// optional version. Engines differ on the same deployment and load (scheduling, kernels,
// per-step costs); their fitted terms live in calib/engine_terms.json
// (docs/performance-model.md, "Engine terms fitted to measured runs").
#include <optional>
#include <string>
#include <string_view>

namespace plan::perf {

enum class Engine { vllm, sglang, trtllm };

// "vllm", "sglang", "trtllm".
const char* to_string(Engine e);
// nullopt for anything but the three names (lower case; "tensorrt-llm" is trtllm).
std::optional<Engine> parse_engine(std::string_view name);
// "vllm, sglang or trtllm", for error messages.
inline constexpr const char* engine_names = "vllm, sglang or trtllm";

struct EngineChoice {
  Engine engine = Engine::vllm;
  std::string version;  // empty: not stated
  bool given = false;   // false: the default (vllm), which reports say
  // The sequences one scheduler runs at once as the server was started (vLLM's --max-num-seqs,
  // SGLang's --max-running-requests, TensorRT-LLM's --max_batch_size); 0: the engine's default
  // (the catalog's max_batch_seqs entries).
  int max_batch_seqs = 0;
};

// "sglang", "sglang@0.5.10": nullopt when the name before '@' is not an engine or the
// version after it is empty.
std::optional<EngineChoice> parse_engine_choice(std::string_view text);
// "vllm (default)", "sglang", "sglang 0.5.10".
std::string describe(const EngineChoice& e);

}  // namespace plan::perf
