// The checks `plan calibrate import` and `run` make before measuring or writing
// (lib/core/src/serving/calibration.cpp): catalog entries built in code.
#include <catch2/catch.hpp>

#include "plan/core/base/error.hpp"
#include "plan/core/data/catalog.hpp"
#include "plan/core/serving/calibration.hpp"

using namespace plan;

namespace {
ModelArch model(const std::string& id, std::vector<std::string> hf_ids, int experts = 0) {
  ModelArch m;
  m.id = id;
  m.hf_ids = std::move(hf_ids);
  m.experts = experts;
  return m;
}
}  // namespace

TEST_CASE("check_result_model: the result's model against the one it is imported as", "[calibration]") {
  const ModelArch llama = model("llama-3.1-8b", {"meta-llama/Llama-3.1-8B-Instruct"});
  ServingMeasurement s;
  SECTION("no model named: unchecked") {
    check_result_model(&llama, "llama-3.1-8b", false, "r.json", s);
    CHECK(s.model_check == ModelCheck::unchecked);
  }
  SECTION("an hf_id of the catalog entry, by its basename under a local path: matched") {
    s.tool_model = "/models/Llama-3.1-8B-Instruct";
    check_result_model(&llama, "llama-3.1-8b", false, "r.json", s);
    CHECK(s.model_check == ModelCheck::matched);
  }
  SECTION("the tokenizer when the model is another name") {
    s.tool_model = "served";
    s.tool_tokenizer = "meta-llama/Llama-3.1-8B-Instruct";
    check_result_model(&llama, "llama-3.1-8b", false, "r.json", s);
    CHECK(s.model_check == ModelCheck::matched);
  }
  SECTION("another model: forced with force, else an error naming the hf_ids") {
    s.tool_model = "Qwen/Qwen3-32B";
    check_result_model(&llama, "llama-3.1-8b", true, "r.json", s);
    CHECK(s.model_check == ModelCheck::forced);
    s.model_check.reset();
    try {
      check_result_model(&llama, "llama-3.1-8b", false, "r.json", s);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.loc().file == "r.json");
      CHECK(std::string(e.what()) == "result file is for model 'Qwen/Qwen3-32B', not llama-3.1-8b (catalog hf_ids: "
                                     "meta-llama/Llama-3.1-8B-Instruct); pass --force to import it anyway");
    }
    CHECK_FALSE(s.model_check);
  }
  SECTION("a model outside the catalog: only its own name") {
    s.tool_model = "org/my-model";
    check_result_model(nullptr, "my-model", false, "r.json", s);
    CHECK(s.model_check == ModelCheck::matched);
    s.tool_model = "org/other";
    CHECK_THROWS_WITH(check_result_model(nullptr, "my-model", false, "r.json", s),
                      Catch::Contains("(not a catalog model, so only its own name is accepted)"));
  }
}

TEST_CASE("checked_layout: ep and dep need a mixture of experts", "[calibration]") {
  const ModelArch dense = model("dense", {});
  const ModelArch moe = model("moe", {}, 8);
  CHECK(checked_layout(nullptr, "x", Parallel::tp) == Parallel::tp);
  CHECK(checked_layout(&moe, "moe", Parallel::ep) == Parallel::ep);
  CHECK(checked_layout(&moe, "moe", Parallel::dep) == Parallel::dep);
  try {
    (void)checked_layout(&dense, "dense", Parallel::ep);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage_error);
    CHECK(std::string(e.what()) == "--parallel ep splits routed experts, and dense is a dense model (expected "
                                   "--parallel tp, or a mixture-of-experts catalog model)");
  }
  CHECK_THROWS_WITH(checked_layout(nullptr, "x", Parallel::dep), Catch::Contains("x is not a catalog model"));
}

TEST_CASE("to_string(ProbeBackend): as --backend names it", "[calibration]") {
  CHECK(std::string(to_string(ProbeBackend::cpu)) == "cpu");
  CHECK(std::string(to_string(ProbeBackend::cuda)) == "cuda");
}
