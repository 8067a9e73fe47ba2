// Engine terms fitted to measured runs (docs/performance-model.md, "Engine terms fitted to
// measured runs"): the engine input, the rules that leave runs out, the fit itself on runs
// built from known terms, and the committed result in calib/engine_terms.json.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <tuple>
#include <unistd.h>

#include "catalogs.hpp"
#include "plan/core/serving/engine_fit.hpp"
#include "plan/core/serving/repeatability.hpp"
#include "plan/io/files.hpp"
#include "plan/io/measured_io.hpp"

using namespace plan;
using namespace plan::perf;

TEST_CASE("engine names, versions and the default", "[engine]") {
  auto s = parse_engine_choice("sglang@0.5.10");
  REQUIRE(s);
  CHECK(s->engine == Engine::sglang);
  CHECK(s->version == "0.5.10");
  CHECK(describe(*s) == "sglang 0.5.10");
  auto t = parse_engine_choice("trtllm");
  REQUIRE(t);
  CHECK(t->engine == Engine::trtllm);
  CHECK(describe(*t) == "trtllm");
  CHECK_FALSE(parse_engine_choice("ollama"));
  CHECK_FALSE(parse_engine_choice("sglang@"));
  CHECK_FALSE(parse_engine_choice("VLLM"));
  CHECK(describe(EngineChoice{}) == "vllm (default)");
}

namespace {
MeasuredRun run(const std::string& engine, double isl, double osl, double c, double ttft_ms, double tpot_ms) {
  MeasuredRun m;
  m.line = 2;
  m.engine = engine;
  m.model_path = "meta-llama/Llama-3.1-8B-Instruct";
  m.system = "h100_sxm";
  m.precision = "";
  m.mode = "agg";
  m.isl = isl;
  m.osl = osl;
  m.concurrency = c;
  m.ttft_ms = ttft_ms;
  m.tpot_ms = tpot_ms;
  return m;
}
}  // namespace

TEST_CASE("the rules that leave measured runs out", "[engine]") {
  const Catalog& cat = test::shipped_catalog();
  std::vector<MeasuredRun> runs;
  runs.push_back(run("vllm", 1024, 1024, 8, 60, 8));        // used
  runs.push_back(run("vllm", 1024, 1024, 8, 61, 8.1));      // same deployment, lengths, concurrency
  runs.push_back(run("vllm", 1024, 1024, 100000, 60, 8));   // 100,000 x 2,048 tokens: no 80 GB GPU holds that
  runs.push_back(run("vllm", 1024, 1024, 4, 600000, 8));    // ten minutes of TTFT for a 1,024-token prompt
  runs.push_back(run("ollama", 1024, 1024, 8, 60, 8));
  runs.push_back(run("vllm", 1024, 1024, 8, 60, 8));
  runs.back().mode = "disagg";
  runs.push_back(run("vllm", 1024, 1024, 8, 60, 8));
  runs.back().model_path = "nope/nope-7b";
  runs.push_back(run("vllm", 1024, 1024, 8, 60, 8));
  runs.back().tp = 2048;  // beyond max_replica_gpus (1,024)
  // Faster than the concurrency allows. Llama 3.1 8B in bf16 on one H100 SXM reads its
  // 8.03e9 x 2 = 16.06 GB of weights each step at 3,350 GB/s: 4.79 ms; 6 requests at a mean
  // context of 1,024 + 512 tokens read 6 x 1,536 x 128 KiB (32 layers x 8 KV heads x 128 x 2 x
  // 2 bytes) = 1.21 GB of KV: 0.36 ms. A 5.15 ms step at spec rates, 2.57 ms at two tokens a
  // step: a TPOT of 2 ms is an artefact, one of 3 ms is not.
  runs.push_back(run("vllm", 1024, 1024, 6, 60, 2.0));
  runs.push_back(run("vllm", 1024, 1024, 5, 60, 3.0));
  const auto p = prepare_runs(cat, runs);
  REQUIRE(p.size() == runs.size());
  CHECK(p[0].excluded.empty());
  CHECK(p[0].model_id == "llama-3.1-8b");
  CHECK(p[0].gpu_id == "h100-sxm");
  CHECK(p[0].precision_id == "bf16");  // no precision stated: bf16
  CHECK(p[0].generation == "hopper");
  CHECK(p[1].excluded_kind == "duplicate");
  CHECK(p[1].twin == 0);
  // A duplicate is fitted once and given its twin's prediction; a run left out by another rule
  // gets none.
  std::vector<std::optional<Prediction>> pred(p.size());
  Prediction twin;
  twin.tpot_s = 0.008;
  twin.ttft_s = 0.06;
  pred[0] = twin;
  predict_duplicates(p, pred);
  REQUIRE(pred[1]);
  CHECK(pred[1]->tpot_s == 0.008);
  CHECK(pred[1]->ttft_s == 0.06);
  CHECK_FALSE(pred[2]);
  CHECK_FALSE(pred[3]);
  CHECK(p[2].excluded_kind == "kv-capacity");
  CHECK(p[3].excluded_kind == "artefact");
  CHECK(p[4].excluded_kind == "engine");
  CHECK(p[5].excluded_kind == "disagg");
  CHECK(p[6].excluded_kind == "model");
  CHECK(p[7].excluded_kind == "gpus");
  CHECK(p[8].excluded_kind == "artefact");
  CHECK_THAT(p[8].excluded, Catch::Contains("fewer were in flight than the run states"));
  CHECK(p[9].excluded.empty());
}

TEST_CASE("runs of the 2026 MoE models map onto their catalog entries, quantised checkpoints by their base", "[engine]") {
  // Kimi-K2.5 and MiniMax-M2.5 (calib/configs): NVIDIA's NVFP4 checkpoints name the architecture of
  // the base model, as nvidia/DeepSeek-R1-NVFP4 does DeepSeek-R1's.
  const Catalog& cat = test::shipped_catalog();
  const std::vector<std::pair<const char*, const char*>> paths = {
      {"moonshotai/Kimi-K2.5", "kimi-k2.5"},  {"nvidia/Kimi-K2.5-NVFP4", "kimi-k2.5"},
      {"MiniMaxAI/MiniMax-M2.5", "minimax-m2.5"}, {"nvidia/MiniMax-M2.5-NVFP4", "minimax-m2.5"},
      {"Qwen/Qwen3.5-122B-A10B", "qwen3.5-122b-a10b"}};
  std::vector<MeasuredRun> runs;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    MeasuredRun m = run("trtllm", 1024, 1024, 16, 200 + i, 20 + 0.1 * static_cast<double>(i));
    m.model_path = paths[i].first;
    m.system = "b200_sxm";
    m.precision = "fp4";
    m.tp = 8;
    m.moe_tp = 1;
    m.moe_ep = 8;
    runs.push_back(m);
  }
  const auto p = prepare_runs(cat, runs);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    INFO(paths[i].first << ": " << p[i].excluded);
    CHECK(p[i].model_id == paths[i].second);
    CHECK(p[i].excluded.empty());
    CHECK((p[i].layout == Parallel::ep && p[i].gpus == 8));
  }
}

TEST_CASE("measured systems name catalog GPUs by AIConfigurator's system names", "[engine]") {
  CHECK(measured_gpu("h100_sxm") == "h100-sxm");
  CHECK(measured_gpu("b200_sxm") == "b200");
  CHECK(measured_gpu("h100_pcie") == "h100-pcie");
  CHECK(measured_gpu("a100_sxm") == "a100-80gb-sxm");  // 80 GiB in its system file
  CHECK(measured_gpu("rtx_pro_6000_server") == "rtx-pro-6000");
  CHECK(measured_gpu("gb300") == "gb300");
  CHECK(measured_gpu("mi300x") == "mi300x");  // another name as it is
  // A run on an A100 maps and is predicted by the engine's set over every generation.
  MeasuredRun m = run("vllm", 1024, 128, 8, 150, 12);
  m.system = "a100_sxm";
  const auto p = prepare_runs(test::shipped_catalog(), {m});
  INFO(p[0].excluded);
  CHECK(p[0].gpu_id == "a100-80gb-sxm");
  CHECK(p[0].excluded.empty());
  // Every system file of the AIConfigurator commit names a catalog GPU: A30 and Intel's Arc
  // Pro B60 too (their own ids).
  for (const char* s : {"a100_pcie", "a100_sxm", "a30", "b200_sxm", "b300_sxm", "b60", "gb200", "gb300", "h100_pcie",
                        "h100_sxm", "h200_sxm", "l4", "l40s", "rtx_pro_6000_server"}) {
    INFO(s);
    CHECK(test::shipped_catalog().find_gpu(measured_gpu(s)) != nullptr);
  }
}

TEST_CASE("measured layouts map onto the perf model's layouts", "[engine]") {
  // The CSV's columns tp_size, attention_dp_size, moe_tp_size, moe_ep_size: attention dp > 1
  // is dep (GPUs = dp); else moe_ep > 1 is ep (GPUs = tp, experts sliced over moe_tp); else tp;
  // a tp count that does not divide the heads is dep with every expert sliced over the replica.
  const Catalog& cat = test::shipped_catalog();
  int k = 0;
  auto r1 = [&k](int tp, int dp, int moe_tp, int moe_ep) {
    // Within the artefact bounds (a 10 ms TPOT: the decode steps at spec rates are 3.7-9.3 ms
    // here); figures apart, so that no two read as one measurement.
    MeasuredRun m = run("trtllm", 1024, 1024, 8, 1 + 0.01 * k++, 10);
    m.model_path = "deepseek-ai/DeepSeek-R1";
    m.system = "b200_sxm";
    m.precision = "fp4";
    m.tp = tp;
    m.dp = dp;
    m.moe_tp = moe_tp;
    m.moe_ep = moe_ep;
    return m;
  };
  std::vector<MeasuredRun> runs;
  runs.push_back(r1(16, 1, 8, 2));  // 16 GPUs over two servers, experts sliced 8 ways, split 2
  runs.push_back(r1(1, 8, 1, 8));   // attention dp 8, experts split 8 ways
  runs.push_back(r1(1, 64, 1, 64)); // 64 GPUs: attention dp 64, experts split 64 ways
  runs.push_back(r1(8, 1, 8, 1));   // experts sliced over 8: tp
  runs.push_back(r1(1, 1, 2, 1));   // 1 GPU by tp x dp, 2 by moe_tp x moe_ep: unknown
  runs.push_back(r1(2, 2, 2, 2));   // tp 2 x attention dp 2: no term
  runs.push_back(r1(12, 1, 12, 1)); // 12 GPUs do not divide 128 MLA heads: dep, moe_tp 12
  runs.back().system = "gb200";
  const auto p = prepare_runs(cat, runs);
  REQUIRE(p.size() == runs.size());
  for (std::size_t i = 0; i < 4; ++i) {
    INFO(p[i].excluded);
    CHECK(p[i].excluded.empty());
  }
  CHECK((p[0].layout == Parallel::ep && p[0].gpus == 16 && p[0].moe_tp == 8));
  CHECK((p[1].layout == Parallel::dep && p[1].gpus == 8 && p[1].moe_tp == 1));
  CHECK((p[2].layout == Parallel::dep && p[2].gpus == 64 && p[2].moe_tp == 1));
  CHECK((p[3].layout == Parallel::tp && p[3].gpus == 8 && p[3].moe_tp == 1));
  CHECK(p[4].excluded_kind == "layout");
  CHECK(p[5].excluded_kind == "layout");
  INFO(p[6].excluded);
  CHECK((p[6].layout == Parallel::dep && p[6].gpus == 12 && p[6].moe_tp == 12));
  // Expert GEMMs per GPU per step split over the moe_ep groups: 16 GPUs at moe_ep 2 run half
  // of the step's expert GEMMs (2 groups), 8 GPUs at moe_ep 8 an eighth: at the same load and
  // model, ep 16 with moe_ep 2 holds 8/2 = 4x the GEMMs per GPU of dep 8.
  CHECK(p[0].x_tpot[tpot_term::expert_gemm] == Approx(4 * p[1].x_tpot[tpot_term::expert_gemm]));
  // The all-to-alls of data-parallel attention: two per MoE layer per step. DeepSeek-R1 has
  // 61 layers, the first 3 dense: 2 x 58 = 116 under dep; none under ep or tp (their experts'
  // outputs are combined by the all-reduce the collectives term already counts).
  CHECK(p[1].x_tpot[tpot_term::expert_dispatch] == 116.0);
  CHECK(p[2].x_tpot[tpot_term::expert_dispatch] == 116.0);
  CHECK(p[0].x_tpot[tpot_term::expert_dispatch] == 0.0);
  CHECK(p[3].x_tpot[tpot_term::expert_dispatch] == 0.0);
  // The decode steps interleaved with a request's own prefill go with its tokens' share of a
  // step's 8,192-token budget: 1,024 / 8,192 = 0.125 chunk (not one whole chunk).
  CHECK(p[1].x_ttft[ttft_term::decode_per_chunk] == 0.125);
  // Under data-parallel attention a new request waits decode steps for the scheduler to
  // balance prefills over the ranks: one count of t_dec under dep, none under ep or tp.
  REQUIRE(std::string(ttft_term_info[ttft_term::dp_balance_wait].name) == "dp_balance_wait");
  CHECK(ttft_counts_decode_steps(ttft_term::dp_balance_wait));
  CHECK(p[1].x_ttft[ttft_term::dp_balance_wait] == 1.0);
  CHECK(p[2].x_ttft[ttft_term::dp_balance_wait] == 1.0);
  CHECK(p[0].x_ttft[ttft_term::dp_balance_wait] == 0.0);
  CHECK(p[3].x_ttft[ttft_term::dp_balance_wait] == 0.0);
  // The server's work on each other request in flight, whatever its length: 8 requests in the
  // closed loop, so a new one finds 8 - 1 = 7 others, under every layout (one front end per
  // server, not per attention-dp rank).
  CHECK(!ttft_counts_decode_steps(ttft_term::queued_requests));
  for (std::size_t i = 0; i < 4; ++i) CHECK(p[i].x_ttft[ttft_term::queued_requests] == 7.0);
  // Predicted, it is that many decode steps: a set whose only non-zero terms are a 10 ms
  // step and a wait of 50 steps gives TTFT 50 x 10 ms = 500 ms under dep, 0 under tp.
  {
    TermSet s;
    s.engine = p[1].engine;
    s.generation = p[1].generation;
    s.tpot[tpot_term::step] = 0.010;
    s.ttft[ttft_term::dp_balance_wait] = 50;
    for (int j : {1, 3}) {
      const auto pred = predict({s}, p[static_cast<std::size_t>(j)]);
      REQUIRE(pred);
      CHECK(pred->itl_s == Approx(0.010));
      CHECK(pred->ttft_s == Approx(j == 1 ? 0.5 : 0.0).margin(1e-12));
    }
  }

  // vLLM's data-parallel attention without expert parallelism: the experts form one tensor-
  // parallel group of dp x tp GPUs, and the runs give tp and moe_tp = dp x tp only. tp 1 with
  // moe_tp 2 is dep on 2 GPUs, experts sliced over both; tp 2 with moe_tp 4 is tp 2 x dp 2,
  // which has no term; the same columns from another engine stay unknown.
  auto q = [](const char* engine, int tp, int moe_tp) {
    MeasuredRun m = run(engine, 1000, 100, 4, 1, 30);
    m.model_path = "Qwen/Qwen3-235B-A22B-FP8";
    m.system = "h200_sxm";
    m.precision = "fp8";
    m.tp = tp;
    m.moe_tp = moe_tp;
    m.moe_ep = 1;
    return m;
  };
  const auto v = prepare_runs(cat, {q("vllm", 1, 2), q("vllm", 2, 4), q("sglang", 1, 2)});
  INFO(v[0].excluded);
  CHECK(v[0].excluded.empty());
  CHECK((v[0].layout == Parallel::dep && v[0].gpus == 2 && v[0].moe_tp == 2));
  CHECK(v[1].excluded_kind == "layout");
  CHECK(v[2].excluded_kind == "layout");
}

TEST_CASE("the measured-run reader: concurrency of a replica and the layout an id names", "[engine][io]") {
  // Under attention dp batch_size is one rank's batch: the replica holds the client's
  // concurrency the source states (silicon_concurrency=256: 32 a rank on 8 ranks; and 32 where
  // a row files batch_size 32 on "64" ranks), else ranks x batch_size (4 x 64 = 256); without
  // attention dp, batch_size is the replica's. The ids' layout tails: "_tp8_0_ep8_0_" and
  // "_tp8_ep8_" are tp 8, ep 8; "_tp2_epnone_" is tp 2, ep 1; an id without one names none.
  const auto path = std::filesystem::temp_directory_path() / ("plan-test-measured-" + std::to_string(::getpid()));
  std::ofstream(path) << "id,silicon_data_source,backend,model_path,system,precision,isl,osl,batch_size,tp_size,"
                         "attention_dp_size,moe_tp_size,moe_ep_size,silicon_ttft_ms,silicon_tpot_ms\n"
                         "r_agg_1024x8192_c256_tp8_0_ep8_0_1080,model=R1; silicon_concurrency=256; wip=False,trtllm,m,"
                         "b200_sxm,fp4,1024,8192,32,1,8,1,8,906,21\n"
                         "r_agg_1024x1024_c256_tp8_ep8_965,,trtllm,m,b200_sxm,fp4,1024,1024,4,1,64,8,8,791,23\n"
                         "r_agg_8192x1024_c32_tp8_ep8_1537,silicon_concurrency=32,trtllm,m,b200_sxm,fp4,8192,1024,32,1,64,"
                         "8,8,1807,15\n"
                         "q_agg_2000x500_c2_tp2_epnone_3,silicon_concurrency=2,trtllm,m,gb200,bf16,2000,500,1,2,,,,102,8\n"
                         "dsr1_b200_trtllm_fp4_agg_1024x8192_c256_cfg191,,trtllm,m,b200_sxm,fp4,1024,8192,4,1,64,8,8,906,21\n"
                         "x_tp8_epx_1,,vllm,m,h100_sxm,bf16,1024,1024,16,8,1,8,1,60,8\n";
  const auto runs = io::read_measured_runs(path.string());
  std::filesystem::remove(path);
  REQUIRE(runs.size() == 6);
  CHECK(runs[0].concurrency == 256);  // stated; 32 x 8 alike
  CHECK((runs[0].named_tp == 8 && runs[0].named_ep == 8));
  CHECK(runs[1].concurrency == 256);  // none stated: 4 x 64
  CHECK((runs[1].named_tp == 8 && runs[1].named_ep == 8));
  CHECK(runs[2].concurrency == 32);   // stated, not 32 x 64
  CHECK(runs[3].concurrency == 1);    // no attention dp: batch_size (the client's 2 spans two replicas)
  CHECK((runs[3].named_tp == 2 && runs[3].named_ep == 1));
  CHECK(runs[4].named_tp == 0);
  CHECK(runs[5].concurrency == 16);
  CHECK(runs[5].named_tp == 0);
}

TEST_CASE("a layout filed as tp x ep is read as the benchmark ran it", "[engine]") {
  // Some rows give tp x ep in tp_size (or attention_dp_size) and tp in moe_tp_size: the id
  // "..._tp8_ep8_..." filed as attention dp 64, moe_tp 8, moe_ep 8, where the same measurement
  // (DeepSeek-R1, B200, FP4, 1,024 / 1,024 tokens, TTFT 791.143 ms, TPOT 23.911 ms, 256
  // requests) is filed elsewhere as attention dp 8, moe_tp 1, moe_ep 8.
  const Catalog& cat = test::shipped_catalog();
  auto r = [](int tp, int dp, int moe_tp, int moe_ep, double ttft) {
    MeasuredRun m = run("trtllm", 1024, 1024, 256, ttft, 23.911);
    m.model_path = "deepseek-ai/DeepSeek-R1";
    m.system = "b200_sxm";
    m.precision = "fp4";
    m.tp = tp, m.dp = dp, m.moe_tp = moe_tp, m.moe_ep = moe_ep;
    return m;
  };
  auto named = [](MeasuredRun m, int tp, int ep) {
    m.named_tp = tp, m.named_ep = ep;
    return m;
  };
  // As the id names: 8 GPUs, attention dp (the columns' dp above 1), experts split 8 ways.
  const auto a = as_deployed(cat, named(r(1, 64, 8, 8, 791.143), 8, 8));
  CHECK((a.tp == 1 && a.dp == 8 && a.moe_tp == 1 && a.moe_ep == 8));
  // tp 64 with the id tp8_ep8: tp 8 (the columns' dp is 1), experts split 8 ways.
  const auto b = as_deployed(cat, named(r(64, 1, 8, 8, 791.143), 8, 8));
  CHECK((b.tp == 8 && b.dp == 1 && b.moe_tp == 1 && b.moe_ep == 8));
  // tp 4, ep 2 named and filed alike (4 GPUs, experts sliced 2 ways, split 2): as filed.
  const auto c = as_deployed(cat, named(r(4, 1, 2, 2, 791.143), 4, 2));
  CHECK((c.tp == 4 && c.moe_tp == 2 && c.moe_ep == 2));
  // No id: the signature k x k past the 8 GPUs of a B200 server (16 = 4 x 4, 64 = 8 x 8) is
  // tp k, ep k; 4 = 2 x 2 fits one server and is a real tp 4 with experts 2 x 2; on GB200 (72
  // GPUs in one NVLink domain) 16 = 4 x 4 is as filed.
  const auto d = as_deployed(cat, r(16, 1, 4, 4, 791.143));
  CHECK((d.tp == 4 && d.dp == 1 && d.moe_tp == 1 && d.moe_ep == 4));
  const auto e = as_deployed(cat, r(1, 64, 8, 8, 791.143));
  CHECK((e.tp == 1 && e.dp == 8 && e.moe_ep == 8));
  const auto f = as_deployed(cat, r(4, 1, 2, 2, 791.143));
  CHECK((f.tp == 4 && f.moe_tp == 2 && f.moe_ep == 2));
  auto gb = r(16, 1, 4, 4, 791.143);
  gb.system = "gb200";
  const auto g = as_deployed(cat, gb);
  CHECK((g.tp == 16 && g.moe_tp == 4 && g.moe_ep == 4));
  // A run to predict is as given.
  auto own = r(16, 1, 4, 4, 791.143);
  own.measured = false;
  CHECK(as_deployed(cat, own).tp == 16);

  // Both filings of the measurement are then one deployment at one load: the second is the
  // first's duplicate and takes its prediction. A third with other figures is its own run.
  const auto p = prepare_runs(cat, {r(1, 64, 8, 8, 791.143), r(1, 8, 1, 8, 791.143), r(1, 64, 1, 64, 300.0)});
  INFO(p[0].excluded << " | " << p[1].excluded << " | " << p[2].excluded);
  CHECK(p[0].excluded.empty());
  CHECK(p[0].gpus == 8);
  CHECK(p[1].excluded_kind == "duplicate");
  CHECK(p[1].twin == 0);
  CHECK(p[2].gpus == 64);
  std::vector<std::optional<Prediction>> pred(3);
  Prediction q;
  q.tpot_s = 0.02;
  pred[0] = q;
  predict_duplicates(p, pred);
  REQUIRE(pred[1]);
  CHECK(pred[1]->tpot_s == 0.02);
}

TEST_CASE("the fit recovers the terms runs were built from", "[engine]") {
  // Runs of one engine on one generation whose TPOT and TTFT are exactly what known terms
  // give (no noise): the non-negative least squares must return those terms.
  const Catalog& cat = test::shipped_catalog();
  std::vector<MeasuredRun> runs;
  // Five deployments, 16-bit and FP8 weights on models of 32, 80 and 64 layers, so that the
  // per-step, per-layer and two weight terms are not confounded.
  const char* models[] = {"meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-70B", "Qwen/Qwen3-32B",
                          "meta-llama/Llama-3.1-70B", "Qwen/Qwen3-32B"};
  const int gpus[] = {1, 4, 2, 8, 4};
  const bool fp8[] = {false, true, true, false, false};
  for (int d = 0; d < 5; ++d)
    for (double isl : {1024.0, 8192.0})
      for (double osl : {128.0, 1024.0})
        for (double c : {1.0, 8.0, 32.0}) {
          // Measured figures in the artefact bounds, replaced below by what the terms give.
          auto m = run("trtllm", isl, osl, c, 1 + 1e-3 * static_cast<double>(runs.size()), 20);
          m.model_path = models[d];
          m.precision = fp8[d] ? "fp8" : "";
          m.tp = m.moe_tp = gpus[d];
          runs.push_back(m);
        }
  auto prep = prepare_runs(cat, runs);
  // Terms (TPOT): 2 ms a step, 20 us a layer, 10 us a sequence, 0.5 us a sequence and layer,
  // 16-bit weights at 1/1.5 of spec and FP8 ones at 1/1.3, GQA attention at 1/2, collectives
  // 1.2x the catalog's, prefill work at 1/1.6. No run has latent attention (MLA): its term
  // stays at its lower bound, 1. No mixture of experts either: the expert terms stay at their
  // bounds, 1, 0 and 1, and the all-to-all latency of data-parallel attention at 0.
  std::array<double, tpot_terms> tpot{};
  {
    namespace d = tpot_term;
    tpot[d::step] = 2e-3;
    tpot[d::layer] = 20e-6;
    tpot[d::sequence] = 10e-6;
    tpot[d::weights] = 1.5;
    tpot[d::moe_weights] = 1.0;
    tpot[d::expert_gemm] = 0.0;
    tpot[d::attention_gqa] = 2.0;
    tpot[d::attention_mla] = 1.0;
    tpot[d::collectives] = 1.2;
    tpot[d::moe_weights_scaled] = 1.0;
    tpot[d::weights_scaled] = 1.3;
    tpot[d::expert_dispatch] = 0.0;
    tpot[d::sequence_layer] = 0.5e-6;
    tpot[d::prefill_interference] = 1.6;
  }
  // Terms (TTFT): 30 ms, 0.1 ms a layer, own prefill at 1/1.4 (16-bit GEMMs), 1/1.8 (FP8
  // GEMMs) and 1/2.5 (attention), MLA at its bound (1), half the other requests' prefill work,
  // a quarter of a decode step per chunk of theirs, 3 decode steps per chunk of its own.
  // 2 ms of the server's work per other request in flight. No run is under data-parallel
  // attention: its scheduler's wait stays at its bound, 0.
  std::array<double, ttft_terms> ttft{};
  {
    namespace f = ttft_term;
    ttft[f::fixed] = 30e-3;
    ttft[f::layer] = 1e-4;
    ttft[f::own_prefill_linear] = 1.4;
    ttft[f::own_prefill_attention_gqa] = 2.5;
    ttft[f::own_prefill_attention_mla] = 1.0;
    ttft[f::queued_prefills] = 0.5;
    ttft[f::decode_per_queued_chunk] = 0.25;
    ttft[f::decode_per_chunk] = 3.0;
    ttft[f::own_prefill_linear_scaled] = 1.8;
    ttft[f::dp_balance_wait] = 0.0;
    ttft[f::queued_requests] = 2e-3;
  }
  std::vector<std::size_t> all;
  for (std::size_t i = 0; i < prep.size(); ++i) {
    REQUIRE(prep[i].excluded.empty());
    double itl = 0;
    constexpr auto interference = tpot_term::prefill_interference;
    for (std::size_t j = 0; j < interference; ++j) itl += tpot[j] * prep[i].x_tpot[j];
    prep[i].tpot_s = itl + tpot[interference] * prep[i].x_tpot[interference];
    prep[i].ttft_s = 0;
    for (std::size_t j = 0; j < ttft_term::count; ++j)
      prep[i].ttft_s += ttft[j] * prep[i].x_ttft[j] * (ttft_counts_decode_steps(j) ? itl : 1.0);
    all.push_back(i);
  }
  const auto sets = fit_terms(prep, all);
  const TermSet* s = find_terms(sets, "trtllm", "hopper");
  REQUIRE(s);
  CHECK(s->generation == "hopper");
  CHECK(s->rows == 60);  // 5 deployments x 2 ISL x 2 OSL x 3 concurrencies
  CHECK(s->deployments == 5);
  for (int j = 0; j < tpot_terms; ++j) CHECK(s->tpot[j] == Approx(tpot[j]).margin(1e-9).epsilon(1e-4));
  for (int j = 0; j < ttft_terms; ++j) CHECK(s->ttft[j] == Approx(ttft[j]).margin(1e-9).epsilon(1e-4));
  // And predicts the runs back.
  const auto p = predict(sets, prep[5]);
  REQUIRE(p);
  CHECK(p->tpot_s == Approx(prep[5].tpot_s).epsilon(1e-4));
  CHECK(p->ttft_s == Approx(prep[5].ttft_s).epsilon(1e-4));
}

TEST_CASE("error summaries", "[engine]") {
  // |errors| 10%, 20%, 30%, 40%, 50% (signs mixed): median 30%; p90 at position 0.9 x 4 = 3.6,
  // 40 + 0.6 x (50 - 40) = 46%.
  const std::vector<std::pair<double, double>> v = {{1.1, 1}, {0.8, 1}, {1.3, 1}, {0.6, 1}, {1.5, 1}};
  const auto s = summarise(v, v);
  CHECK(s.rows == 5);
  CHECK(s.tpot_median == Approx(30));
  CHECK(s.tpot_p90 == Approx(46));
  CHECK(s.ttft_median == Approx(30));
}

namespace {
const std::string measured_csv = PLAN_SOURCE_DIR "/calib/measured/silicon_train.csv";
const std::string committed_terms = PLAN_SOURCE_DIR "/calib/engine_terms.json";
}  // namespace

TEST_CASE("a re-fit reproduces the committed engine terms", "[engine][fit]") {
  const Catalog& cat = test::shipped_catalog();
  const auto runs = io::read_measured_runs(measured_csv);
  const auto committed = io::read_engine_terms(committed_terms);
  CHECK(committed.data_sha256 == io::sha256_file(measured_csv));
  const auto fresh = fit_engine_terms(cat, runs, committed.data, committed.data_sha256, committed.origin);
  CHECK(fresh.runs == 2643);  // rows of silicon_train.csv
  CHECK(fresh.used == committed.used);
  CHECK(fresh.predicted == committed.predicted);
  REQUIRE(fresh.sets.size() == committed.sets.size());
  for (std::size_t k = 0; k < fresh.sets.size(); ++k) {
    const auto& a = fresh.sets[k];
    const auto& b = committed.sets[k];
    INFO(a.engine << " " << a.generation);
    CHECK(a.engine == b.engine);
    CHECK(a.generation == b.generation);
    CHECK(a.rows == b.rows);
    for (int j = 0; j < tpot_terms; ++j) CHECK(a.tpot[j] == Approx(b.tpot[j]).margin(1e-12).epsilon(1e-6));
    for (int j = 0; j < ttft_terms; ++j) CHECK(a.ttft[j] == Approx(b.ttft[j]).margin(1e-12).epsilon(1e-6));
  }
  CHECK(fresh.cv.tpot_median == Approx(committed.cv.tpot_median).epsilon(1e-6));
  CHECK(fresh.cv.ttft_median == Approx(committed.cv.ttft_median).epsilon(1e-6));
}

TEST_CASE("the committed terms keep their physical bounds", "[engine][fit]") {
  // Inverse efficiencies from 1 (spec) to 10 (the artefact floor); the wait of data-parallel
  // attention's scheduler at most 50 decode steps (TensorRT-LLM's default timeout_iters, after
  // which a prefill is scheduled whatever the balance); every other term at least 0.
  const auto committed = io::read_engine_terms(committed_terms);
  for (const auto& s : committed.sets) {
    INFO(s.engine << " " << s.generation);
    for (int j = 0; j < tpot_terms; ++j) CHECK(s.tpot[j] >= 0);
    for (std::size_t j : {tpot_term::weights, tpot_term::moe_weights, tpot_term::attention_gqa,
                          tpot_term::attention_mla, tpot_term::weights_scaled, tpot_term::moe_weights_scaled}) {
      CHECK(s.tpot[j] >= 1.0);
      CHECK(s.tpot[j] <= 10.0);
    }
    for (int j = 0; j < ttft_terms; ++j) CHECK(s.ttft[j] >= 0);
    CHECK(s.ttft[ttft_term::dp_balance_wait] <= 50.0);
  }
  // The Hopper set of TensorRT-LLM is held there (its dep runs, DeepSeek on 8 H200, would
  // take more: 85.6 steps unbounded).
  const TermSet* h = find_terms(committed.sets, "trtllm", "hopper");
  REQUIRE(h);
  CHECK(h->ttft[ttft_term::dp_balance_wait] == Approx(50.0));
}

TEST_CASE("the cross-validated error is no worse than the committed summary", "[engine][fit]") {
  // The bar: the cross-validated summary documented in docs/performance-model.md ("Engine
  // terms fitted to measured runs"), in percent. A change that makes any of the four more
  // than 2 points worse fails here.
  constexpr double tpot_median = 11.4, tpot_p90 = 33.6, ttft_median = 23.3, ttft_p90 = 66.6;
  constexpr double slack = 2.0;
  const auto runs = io::read_measured_runs(measured_csv);
  const auto fresh = fit_engine_terms(test::shipped_catalog(), runs, "", "", "");
  CHECK(fresh.cv.tpot_median <= tpot_median + slack);
  CHECK(fresh.cv.tpot_p90 <= tpot_p90 + slack);
  CHECK(fresh.cv.ttft_median <= ttft_median + slack);
  CHECK(fresh.cv.ttft_p90 <= ttft_p90 + slack);
  const auto committed = io::read_engine_terms(committed_terms);
  CHECK(committed.cv.tpot_median <= tpot_median + slack);
  CHECK(committed.cv.ttft_median <= ttft_median + slack);
}

#include "plan/core/finance/risk.hpp"

TEST_CASE("risk's default throughput widths are the measured spread by model class", "[engine][fit][risk]") {
  // spec_throughput_widths holds the spread of the catalog roofline against the shipped
  // measured runs, rounded to two decimals: recomputed here from the runs.
  const Catalog& cat = test::shipped_catalog();
  const auto prep = prepare_runs(cat, io::read_measured_runs(measured_csv));
  for (const auto& w : spec_throughput_widths) {
    INFO(w.model_class);
    const ModelClass cls = std::string(w.model_class) == "mla"   ? ModelClass::mla
                           : std::string(w.model_class) == "moe" ? ModelClass::moe
                                                                 : ModelClass::dense;
    const auto s = roofline_throughput_spread(cat, prep, cls);
    CHECK(s.rows == w.runs);
    CHECK(s.p10 == Approx(w.p10).margin(0.005));
    CHECK(s.p90 == Approx(w.p90).margin(0.005));
  }
  // And the default a catalog-sized (spec) fleet gets: its class's p10 and p90 back.
  const auto moe = default_throughput(ThroughputProvenance::spec, "moe");
  REQUIRE(moe);
  CHECK(moe->quantile(0.1) == Approx(0.53));
  CHECK(moe->quantile(0.9) == Approx(1.06));
  const auto other = default_throughput(ThroughputProvenance::spec, "");
  REQUIRE(other);
  CHECK(other->quantile(0.1) == Approx(0.70));
  CHECK(other->quantile(0.9) == Approx(1.00));
  CHECK_FALSE(default_throughput(ThroughputProvenance::override, "dense"));
}

TEST_CASE("plan perf's engine terms take the layout's moe_tp", "[engine][fit]") {
  // predict_closed_loop for a hybrid ep replica (16 GPUs, experts 4 x 4) is the prediction of
  // the measured run in those CSV columns (tp 16, moe_tp 4, moe_ep 4), not of moe_tp 1; and a
  // tp split the heads do not allow (12 GPUs, 128 heads), which the runs read as dep, is refused.
  const Catalog& cat = test::shipped_catalog();
  const auto terms = io::read_engine_terms(committed_terms);
  MeasuredRun m;
  m.engine = "trtllm";
  m.model_path = "deepseek-r1";
  m.system = "b200";
  m.precision = "nvfp4";
  m.mode = "agg";
  m.isl = m.osl = 1024;
  m.concurrency = 64;
  m.tp = 16;
  m.moe_tp = m.moe_ep = 4;
  m.measured = false;
  const auto prep = prepare_runs(cat, {m});
  REQUIRE(prep.front().excluded.empty());
  const auto direct = predict(terms.sets, prep.front());
  REQUIRE(direct);
  const auto hybrid = predict_closed_loop(cat, terms.sets, Engine::trtllm, "deepseek-r1", "b200", "nvfp4", 16,
                                          Parallel::ep, 1024, 1024, 64, nullptr, 4);
  const auto flat = predict_closed_loop(cat, terms.sets, Engine::trtllm, "deepseek-r1", "b200", "nvfp4", 16,
                                        Parallel::ep, 1024, 1024, 64, nullptr, 1);
  REQUIRE(hybrid);
  REQUIRE(flat);
  CHECK(hybrid->tpot_s == Approx(direct->tpot_s));
  CHECK(hybrid->ttft_s == Approx(direct->ttft_s));
  CHECK(hybrid->tpot_s != Approx(flat->tpot_s));
  std::string why;
  CHECK_FALSE(predict_closed_loop(cat, terms.sets, Engine::trtllm, "deepseek-r1", "gb200", "nvfp4", 12, Parallel::tp,
                                  1024, 1024, 8, &why));
  CHECK(why == "layout tp on 12 GPUs is not one the measured runs map to");
}

TEST_CASE("the committed vLLM Hopper set gives its fleets the width of its cross-validated error",
          "[engine][fit][risk]") {
  // docs/risk.md: vllm/hopper's cross-validated median TPOT error is m = 10.41%
  // (calib/engine_terms.json, cv_tpot_median_pct); sigma = ln(1.1041) / 0.6745 = 0.09903 /
  // 0.6745 = 0.14682; p10 = exp(-1.2816 x 0.14682) = exp(-0.18817) = 0.8285, p90 =
  // exp(0.18817) = 1.2070.
  const auto committed = io::read_engine_terms(committed_terms);
  const TermSet* s = find_terms(committed.sets, "vllm", "hopper");
  REQUIRE(s);
  CHECK(s->generation == "hopper");
  CHECK(s->cv_tpot_median == Approx(10.41).margin(0.005));
  const auto d = default_throughput(ThroughputProvenance::engine, "dense", s->cv_tpot_median);
  REQUIRE(d);
  CHECK(d->quantile(0.1) == Approx(0.8285).margin(2e-4));
  CHECK(d->quantile(0.9) == Approx(1.2070).margin(2e-4));
}

// The partitions of repeated cross-validation are drawn anew for each repeat, not the same
// grouping relabelled: of the pairs of deployments that share a fold in partition 0, the share
// that share one again in partition 1 is about 1/k for independent partitions (k = 5: 20%),
// and 100% for one grouping under other labels. 200 names; the bound 35% leaves room for
// chance (the share's standard deviation here is about 1.5 points). A deployment's fold is its
// own: leaving one deployment out moves no other.
TEST_CASE("each repeat of the cross-validation partitions the deployments anew", "[engine]") {
  std::set<std::string> deps;
  for (int i = 0; i < 200; ++i) deps.insert(fmt::format("model-{}|h100-sxm|vllm|0.{}|fp8|tp{}", i % 17, i, 1 + i % 8));
  for (int rep = 0; rep < 4; ++rep) {
    const auto a = cv_partition(deps, rep, cv_folds);
    const auto b = cv_partition(deps, rep + 1, cv_folds);
    REQUIRE(a.size() == deps.size());
    // Folds of about 200 / 5 = 40 deployments (binomial, standard deviation sqrt(200 x 0.2 x
    // 0.8) = 5.7): every fold between 20 and 60.
    std::map<int, int> sizes;
    for (const auto& [d, f] : a) ++sizes[f];
    CHECK(sizes.size() == cv_folds);
    for (const auto& [f, n] : sizes) CHECK((n >= 20 && n <= 60));
    std::set<std::string> fewer = deps;
    fewer.erase(fewer.begin());
    for (const auto& [d, f] : cv_partition(fewer, rep, cv_folds)) CHECK(a.at(d) == f);
    int together = 0, again = 0;
    for (auto i = a.begin(); i != a.end(); ++i)
      for (auto j = std::next(i); j != a.end(); ++j)
        if (i->second == j->second) {
          ++together;
          if (b.at(i->first) == b.at(j->first)) ++again;
        }
    INFO("rep " << rep << ": " << again << " of " << together << " pairs together again");
    CHECK(again < 0.35 * together);
  }
}

// How well measured runs repeat (lib/core/src/serving/repeatability.cpp): runs of one
// architecture, engine, GPU, precision, layout, lengths and concurrency with different figures,
// each predicted by another; worked by hand below.
TEST_CASE("repeated measurements: the spread of runs filed twice with other figures", "[engine][repeat]") {
  const Catalog& cat = test::shipped_catalog();
  std::vector<MeasuredRun> runs = {
      run("vllm", 1024, 1024, 8, 100, 10),         // A
      run("vllm", 1024, 1024, 8, 150, 12.5),       // B: A's deployment and load, other figures
      run("vllm", 1024, 1024, 8, 100.05, 10.004),  // A rounded in another file: the same measurement
      run("vllm", 1024, 1024, 8, 200, 10),         // D: another engine version
      run("vllm", 1024, 1024, 16, 300, 20),        // another load: alone
  };
  for (auto& m : runs) m.version = "0.18.0";
  runs[3].version = "0.15.1";
  // DeepSeek-V3 and R1, one architecture under two names, on 8 H200 in FP8 with SGLang.
  for (const auto& [model, ttft, tpot] : {std::tuple{"deepseek-ai/DeepSeek-V3", 400.0, 20.0},
                                          std::tuple{"deepseek-ai/DeepSeek-R1", 500.0, 25.0}}) {
    MeasuredRun m = run("sglang", 1024, 1024, 8, ttft, tpot);
    m.model_path = model;
    m.version = "0.5.9";
    m.system = "h200_sxm";
    m.precision = "fp8";
    m.tp = 8;
    m.moe_tp = 8;
    m.moe_ep = 1;
    runs.push_back(m);
  }
  const auto prep = prepare_runs(cat, runs);
  for (std::size_t i : {0u, 4u, 5u, 6u}) REQUIRE(prep[i].excluded.empty());
  REQUIRE(prep[1].excluded_kind == "duplicate");
  const auto rep = repeatability(cat, runs, prep);
  // Same version: {A, B} and {V3, R1}. Each run predicted by the other: TTFT |100/150 - 1| =
  // 33.33%, 150/100 -> 50%, 400/500 -> 20%, 500/400 -> 25%: sorted 20, 25, 33.33, 50; median
  // (25 + 33.33) / 2 = 29.17, p90 at rank 0.9 x 3 = 2.7: 33.33 + 0.7 x 16.67 = 45.0. TPOT
  // 10/12.5 -> 20%, 12.5/10 -> 25%, 20/25 -> 20%, 25/20 -> 25%: median 22.5, p90 25.
  CHECK(rep.same_version.groups == 2);
  CHECK(rep.same_version.runs == 4);
  CHECK(rep.same_version.error.ttft_median == Approx(29.1667).epsilon(1e-4));
  CHECK(rep.same_version.error.ttft_p90 == Approx(45.0).epsilon(1e-4));
  CHECK(rep.same_version.error.tpot_median == Approx(22.5).epsilon(1e-4));
  CHECK(rep.same_version.error.tpot_p90 == Approx(25.0).epsilon(1e-4));
  // Any version: {A, B, D} and {V3, R1}. A, B, D's six ordered pairs: TTFT 100/150 33.33,
  // 100/200 50, 150/100 50, 150/200 25, 200/100 100, 200/150 33.33; TPOT 20, 0, 25, 25, 0, 20.
  // With V3 and R1's: TTFT 20, 25, 25, 33.33, 33.33, 50, 50, 100: median at rank 3.5 33.33, p90
  // at rank 6.3: 50 + 0.3 x 50 = 65; TPOT 0, 0, 20, 20, 20, 25, 25, 25: median 20, p90 25.
  CHECK(rep.any_version.groups == 2);
  CHECK(rep.any_version.runs == 5);
  CHECK(rep.any_version.error.ttft_median == Approx(33.3333).epsilon(1e-4));
  CHECK(rep.any_version.error.ttft_p90 == Approx(65.0).epsilon(1e-4));
  CHECK(rep.any_version.error.tpot_median == Approx(20.0).epsilon(1e-4));
  CHECK(rep.any_version.error.tpot_p90 == Approx(25.0).epsilon(1e-4));
}

TEST_CASE("repeated measurements: none where every run is measured once", "[engine][repeat]") {
  const Catalog& cat = test::shipped_catalog();
  const std::vector<MeasuredRun> runs = {run("vllm", 1024, 1024, 8, 100, 10), run("vllm", 1024, 1024, 16, 150, 12)};
  const auto rep = repeatability(cat, runs, prepare_runs(cat, runs));
  CHECK(rep.same_version.groups == 0);
  CHECK(rep.any_version.groups == 0);
  CHECK(rep.any_version.error.rows == 0);
}
