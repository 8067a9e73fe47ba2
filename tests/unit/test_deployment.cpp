// The deployment chooser shared by plan perf and fleet sizing, and fleets sized by the engine
// terms (docs/performance-model.md, "Choosing a deployment" and "Fleets sized by the engine
// terms").
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <unistd.h>

#include "catalogs.hpp"
#include "plan/core/base/text.hpp"
#include "plan/core/serving/calibrated_provider.hpp"
#include "plan/core/serving/deployment.hpp"
#include "plan/core/finance/risk.hpp"
#include "plan/io/measured_io.hpp"

using namespace plan;
using namespace plan::perf;

namespace {

const Catalog& shipped() { return test::shipped_catalog(); }

std::string fresh_dir(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() /
                 ("plan-test-deployment-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d.string();
}
void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A term set with three terms and every other at 0, so that its figures can be worked by hand:
// TPOT(C) = step + sequence x C (the per-sequence feature is the sequences on the busiest rank,
// C under tp), TTFT(C) = ttft_fixed.
constexpr double step_s = 0.010, per_seq_s = 1e-4, ttft_fixed_s = 0.100;
std::shared_ptr<EngineTerms> hand_terms() {
  auto t = std::make_shared<EngineTerms>();
  t->origin = "hand-made runs";
  TermSet s;
  s.engine = "vllm";
  s.generation = "hopper";
  s.rows = 10;
  s.deployments = 3;
  s.cv_tpot_median = 12.0;
  s.cv_ttft_median = 20.0;
  s.tpot[tpot_term::step] = step_s;
  s.tpot[tpot_term::sequence] = per_seq_s;
  s.ttft[ttft_term::fixed] = ttft_fixed_s;
  t->sets.push_back(s);
  return t;
}

Option llama_8b() {
  Option o;
  o.id = "x";
  o.spec = SelfHostedOption{};
  o.fleet()->model = "llama-3.1-8b";
  return o;
}

GpuInstance instance(const std::string& gpu, int count) {
  GpuInstance i;
  i.id = gpu + "-x" + std::to_string(count);
  i.gpu = gpu;
  i.gpu_count = count;
  return i;
}

}  // namespace

TEST_CASE("choose_deployment: the smallest count that meets the targets, the layout with most requests/s per GPU",
          "[deployment]") {
  const Catalog& c = shipped();
  const ModelArch& m = *c.find_model("llama-3.1-8b");
  const GpuSpec& gpu = *c.find_gpu("h100-sxm");
  const Precision& w = *c.find_precision("bf16");
  DeploymentRequest req;
  req.model = &m;
  req.gpu = &gpu;
  req.weights = &w;
  req.kv = &w;
  req.context_tokens = 2000;
  req.max_gpus = 8;
  req.layouts = default_layouts(m);
  REQUIRE(req.layouts.size() == 1);  // dense: tp only
  // Fits on 1 GPU (16 GB of weights on 80 GB): counts 1, 2, 4, 8 are tried in order; a scorer
  // that meets the targets only from 4 GPUs up gets 4, with the first miss kept for the note.
  std::vector<int> asked;
  auto from_four = [&](Parallel, int g) {
    asked.push_back(g);
    DeploymentScore s;
    s.meets = g >= 4;
    s.capacity_rps = g;
    if (!s.meets) s.problem = "slow at " + std::to_string(g);
    return s;
  };
  const auto d = choose_deployment(c, req, from_four);
  REQUIRE(d.chosen());
  CHECK(d.chosen()->gpus == 4);
  CHECK(d.chosen()->fitting == std::vector<int>{1, 2, 4, 8});
  CHECK(asked == std::vector<int>{1, 2, 4});
  CHECK(d.chosen()->first_problem == "slow at 1");
  // A count given is the only one tried.
  req.gpus = 2;
  const auto given = choose_deployment(c, req, from_four);
  REQUIRE(given.chosen());
  CHECK(given.chosen()->gpus == 2);
  CHECK_FALSE(given.chosen()->meets);
  // A mixture of experts: tp, ep and dep; the most requests/s per GPU wins (dep here: 3 per GPU
  // against 1 and 2).
  const ModelArch& moe = *c.find_model("qwen3-30b-a3b");
  req.model = &moe;
  req.gpus = 2;
  req.layouts = default_layouts(moe);
  REQUIRE(req.layouts.size() == 3);
  auto by_layout = [](Parallel p, int g) {
    DeploymentScore s;
    s.meets = true;
    s.capacity_rps = g * (p == Parallel::tp ? 1.0 : p == Parallel::ep ? 2.0 : 3.0);
    return s;
  };
  const auto m3 = choose_deployment(c, req, by_layout);
  REQUIRE(m3.chosen());
  CHECK(m3.chosen()->layout == Parallel::dep);
  CHECK(m3.chosen()->capacity_per_gpu() == Approx(3.0));
  // Past max_replica_gpus nothing fits, with the reason.
  req.gpus = 2000;
  const auto too_many = choose_deployment(c, req, by_layout);
  CHECK_FALSE(too_many.chosen());
  CHECK(too_many.layouts.front().fit_problem.find("not a supported GPU count") != std::string::npos);
}

TEST_CASE("a replica on the engine terms: Little's law on the closed loop", "[deployment][engine]") {
  const auto terms = hand_terms();
  EngineDeployment d{&shipped(), terms.get(), nullptr, Engine::vllm, "llama-3.1-8b", "h100-sxm", "bf16", 1, Parallel::tp, 1};
  // Requests of 1000 + 101 tokens: S = 100 decode steps after the first token.
  // Without a TPOT target the operating batch is the most the replica holds, 256 here:
  // TPOT(256) = 0.010 + 1e-4 x 256 = 0.0356 s, TTFT = 0.100 s,
  // mu = 256 / (0.100 + 100 x 0.0356) = 256 / 3.66 = 69.945 requests/s.
  auto open = EngineServingModel::make(d, 1000, 101, 256, std::nullopt);
  REQUIRE(open);
  CHECK(open->batch() == 256);
  CHECK(open->capacity_rps() == Approx(256.0 / 3.66));
  CHECK(open->prefill_s() == Approx(0.100));
  // Between evaluated batches (powers of two) TPOT is interpolated; TPOT is linear in C here,
  // so at 3: 0.010 + 3e-4 = 0.0103 s exactly.
  CHECK(open->tpot_at(3) == Approx(0.0103));
  // A TPOT target of 20.05 ms: the largest C with 0.010 + 1e-4 C <= 0.02005 is 100 (TPOT
  // 0.0200 s); mu = 100 / (0.100 + 100 x 0.0200) = 100 / 2.1 = 47.619 requests/s.
  auto held = EngineServingModel::make(d, 1000, 101, 256, 0.02005);
  REQUIRE(held);
  CHECK(held->batch() == 100);
  CHECK(held->capacity_rps() == Approx(100.0 / 2.1));
  // A fleet at 10 x mu needs at least 10 replicas (and a few more for the queue to stay stable).
  const std::optional<int> n_for = held->replicas_for(10 * 100.0 / 2.1, std::nullopt);
  REQUIRE(n_for);
  const int n = *n_for;
  CHECK(n >= 10);
  auto lat = held->latency(10 * 100.0 / 2.1, n);
  REQUIRE(lat);
  CHECK(lat->tpot_ms <= 20.05);
  // A target below one step (10 ms at C = 1 is 10.1 ms): no batch meets it.
  auto none = EngineServingModel::make(d, 1000, 101, 256, 0.010);
  REQUIRE(none);
  CHECK(none->batch() == 0);
  // Terms of another engine, or a GPU generation without runs, do not cover the deployment.
  std::string why;
  d.engine = Engine::sglang;
  CHECK_FALSE(EngineServingModel::make(d, 1000, 101, 256, std::nullopt, &why));
  CHECK(why.find("sglang") != std::string::npos);
  d.engine = Engine::vllm;
  d.gpu = "a100-80gb-sxm";
  CHECK_FALSE(EngineServingModel::make(d, 1000, 101, 256, std::nullopt, &why));
  CHECK(why.find("generation") != std::string::npos);
}

TEST_CASE("fleets are sized by the engine terms where they cover the deployment", "[deployment][engine]") {
  const Catalog& c = shipped();
  const auto terms = hand_terms();
  CatalogReplicaModelProvider provider(c, terms);
  WorkloadMix mix;
  mix.input_tokens = 1000;
  mix.output_tokens = 101;
  mix.tpot_ms = 20.05;
  // vLLM (the default) on one H100: the terms size it, 47.619 requests/s per replica (worked
  // above), where the catalog roofline gives another figure.
  Option o = llama_8b();
  auto on_h100 = provider.make(o, instance("h100-sxm", 1), mix);
  const ReplicaSpec& s = on_h100->spec();
  REQUIRE(s.feasible);
  CHECK(s.provenance == ThroughputProvenance::engine);
  CHECK(s.capacity_requests_per_s == Approx(100.0 / 2.1));
  CHECK(s.cv_error_pct == Approx(12.0));
  CHECK(s.provenance_source.rfind("engine terms: vllm/hopper, fitted to 10 measured runs (hand-made runs), "
                                  "cross-validated median error 12.0% (TPOT), 20.0% (TTFT); calib/catalog.yaml",
                                  0) == 0);
  CatalogReplicaModelProvider roofline(c);
  auto old = roofline.make(o, instance("h100-sxm", 1), mix);
  CHECK(old->spec().provenance == ThroughputProvenance::spec);
  CHECK(old->spec().provenance_source.rfind("catalog roofline, ", 0) == 0);
  CHECK(old->spec().capacity_requests_per_s != Approx(100.0 / 2.1));
  // SGLang has no set here: the catalog roofline, and a note saying why.
  o.fleet()->engine = *parse_engine_choice("sglang");
  auto sglang = provider.make(o, instance("h100-sxm", 1), mix);
  CHECK(sglang->spec().provenance == ThroughputProvenance::spec);
  CHECK(sglang->spec().capacity_requests_per_s == Approx(old->spec().capacity_requests_per_s));
  bool noted = false;
  for (const auto& n : sglang->spec().notes) noted = noted || n.find("no engine terms for sglang") != std::string::npos;
  CHECK(noted);
  // An A100 (no measured runs of its generation): the catalog roofline.
  o.fleet()->engine = {};
  auto a100 = provider.make(o, instance("a100-80gb-sxm", 1), mix);
  CHECK(a100->spec().provenance == ThroughputProvenance::spec);
}

TEST_CASE("the committed engine terms size a fleet of an H100 server", "[deployment][engine]") {
  const auto terms = std::make_shared<EngineTerms>(io::read_engine_terms(PLAN_SOURCE_DIR "/calib/engine_terms.json"));
  const TermSet* hopper = find_terms(terms->sets, "vllm", "hopper");
  REQUIRE(hopper);
  REQUIRE(hopper->generation == "hopper");
  CatalogReplicaModelProvider provider(shipped(), terms);
  WorkloadMix mix;
  mix.input_tokens = 1000;
  mix.output_tokens = 200;
  Option o = llama_8b();
  o.fleet()->gpus_per_replica = 1;
  auto m = provider.make(o, instance("h100-sxm", 8), mix);
  const ReplicaSpec& s = m->spec();
  REQUIRE(s.feasible);
  CHECK(s.provenance == ThroughputProvenance::engine);
  CHECK(s.provenance_source.rfind(engine_terms_provenance(*terms, *hopper), 0) == 0);
  // The capacity is mu(B) = B / (TTFT(B) + 199 x TPOT(B)) at the operating batch B, from the
  // terms' own closed-loop figures (no TPOT target: B is the most the replica holds). The KV
  // cache: 80 GiB x 0.90 - 1.5 GiB - 8.03e9 x 2 B (14.957 GiB) = 55.543 GiB, / 131,072 B a
  // token = 455,008 tokens, / 1,200 = 379 sequences, under vLLM's 1,024 on an H100.
  const auto p = predict_closed_loop(shipped(), terms->sets, Engine::vllm, "llama-3.1-8b", "h100-sxm", "bf16", 1,
                                     Parallel::tp, 1000, 200, 379);
  REQUIRE(p);
  CHECK(s.capacity_requests_per_s == Approx(379.0 / (p->ttft_s + 199.0 * p->tpot_s)));
}

TEST_CASE("a calibration of the deployment comes before the engine terms", "[deployment][engine]") {
  // A probe calibration of h100-sxm bf16 at TP 1 applies to llama-3.1-8b on one H100.
  Calibration cal;
  cal.path = "probe.yaml";
  cal.kind = CalibrationKind::probe;
  cal.model = "llama-3.1-8b";
  cal.gpu = "h100-sxm";
  cal.precision = "bf16";
  cal.gpus_per_replica = 1;
  Efficiencies e;
  e.e_bw = 0.8;
  e.t_fixed_s = 0.004;
  e.reference_source = "catalog gpu h100-sxm";
  cal.efficiencies = e;
  CalibratedReplicaModelProvider provider(shipped(), CalibrationSet({cal}, true), hand_terms());
  WorkloadMix mix;
  mix.input_tokens = 1000;
  mix.output_tokens = 101;
  auto m = provider.make(llama_8b(), instance("h100-sxm", 1), mix);
  CHECK(m->spec().provenance == ThroughputProvenance::calibrated);
  CHECK(m->spec().provenance_source == "probe.yaml");
}

TEST_CASE("risk widths of a fleet sized by the engine terms", "[deployment][risk]") {
  // CV median TPOT error 15%: sigma = ln(1.15) / 0.6745 = 0.207208; p10 = exp(-1.2816 x
  // 0.207208) = 0.76677, p90 = exp(1.2816 x 0.207208) = 1.30416.
  const auto d = default_throughput(ThroughputProvenance::engine, "dense", 15.0);
  REQUIRE(d);
  CHECK(d->quantile(0.1) == Approx(0.76677).margin(1e-4));
  CHECK(d->quantile(0.9) == Approx(1.30416).margin(1e-4));
  // Without the error: the spec widths of the class (MoE p10 0.53 of the measured spread,
  // docs/risk.md, spec_throughput_widths).
  const auto spec = default_throughput(ThroughputProvenance::engine, "moe");
  REQUIRE(spec);
  CHECK(spec->quantile(0.1) == Approx(0.53));
}

TEST_CASE("a term set covers the model classes its measured runs hold", "[deployment][engine]") {
  const Catalog& c = shipped();
  auto run = [](const std::string& engine, const std::string& model, const std::string& system, int tp) {
    MeasuredRun r;
    r.engine = engine;
    r.model_path = model;
    r.system = system;
    r.mode = "agg";
    r.tp = tp;
    return r;
  };
  // Three distinct dense deployments of vLLM on Hopper (tp 1, 2, 4), one repeated (the same
  // deployment at another load: counted once), one MoE deployment, one disaggregated run (left
  // out) and one on a GPU of no generation with runs (left out).
  const std::vector<MeasuredRun> runs = {
      run("vllm", "meta-llama/Llama-3.1-8B-Instruct", "h100_sxm", 1),
      run("vllm", "meta-llama/Llama-3.1-8B-Instruct", "h100_sxm", 1),
      run("vllm", "meta-llama/Llama-3.1-8B-Instruct", "h100_sxm", 2),
      run("vllm", "meta-llama/Llama-3.1-8B-Instruct", "h200_sxm", 4),
      run("vllm", "Qwen/Qwen3-235B-A22B-FP8", "h200_sxm", 8),
      [&] {
        auto r = run("vllm", "meta-llama/Llama-3.1-8B-Instruct", "h100_sxm", 8);
        r.mode = "disagg";
        return r;
      }(),
      run("vllm", "meta-llama/Llama-3.1-8B-Instruct", "a100_sxm", 1),
  };
  const auto cov = engine_coverage(c, runs);
  CHECK(cov.of("vllm", "hopper", ModelClass::dense) == 3);
  CHECK(cov.covers("vllm", "hopper", ModelClass::dense));
  CHECK(cov.of("vllm", "hopper", ModelClass::moe) == 1);
  CHECK_FALSE(cov.covers("vllm", "hopper", ModelClass::moe));
  CHECK_FALSE(cov.covers("vllm", "hopper", ModelClass::mla));
  CHECK_FALSE(cov.covers("sglang", "hopper", ModelClass::dense));
  // A deployment of a class the runs do not hold is sized by the roofline, with the reason.
  const auto terms = hand_terms();
  CatalogReplicaModelProvider provider(c, terms, std::make_shared<EngineCoverage>(cov));
  WorkloadMix mix;
  mix.input_tokens = 1000;
  mix.output_tokens = 101;
  auto dense = provider.make(llama_8b(), instance("h100-sxm", 1), mix);
  CHECK(dense->spec().provenance == ThroughputProvenance::engine);
  Option moe = llama_8b();
  moe.fleet()->model = "qwen3-30b-a3b";
  auto m = provider.make(moe, instance("h100-sxm", 1), mix);
  CHECK(m->spec().provenance == ThroughputProvenance::spec);
  bool noted = false;
  for (const auto& n : m->spec().notes)
    noted = noted || n.find("the measured runs hold 1 deployment of mixture-of-experts models on hopper with vllm "
                            "(at least 3 needed)") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("under dep the engine's sequence limit holds per attention-DP rank", "[deployment]") {
  const Catalog& c = shipped();
  const ModelArch& m = *c.find_model("qwen3-235b-a22b");
  const GpuSpec& g = *c.find_gpu("h200");
  const Precision& fp8 = *c.find_precision("fp8");
  // vLLM's max_num_seqs on a GPU of 70 GiB or more (the H200's 141): 1,024 (calib/catalog.yaml),
  // one scheduler under tp and ep, one per GPU under dep.
  auto limit = [&](Parallel layout, Engine e) {
    return engine_batch_limit(PerfModel(m, g, fp8, fp8, 8, c.efficiency, layout, 1, e));
  };
  CHECK(limit(Parallel::tp, Engine::vllm) == 1024);
  CHECK(limit(Parallel::ep, Engine::vllm) == 1024);
  CHECK(limit(Parallel::dep, Engine::vllm) == 1024 * 8);
  // SGLang's max_running_requests and TensorRT-LLM's max_batch_size: 2,048 a scheduler.
  CHECK(limit(Parallel::tp, Engine::sglang) == 2048);
  CHECK(limit(Parallel::dep, Engine::sglang) == 2048 * 8);
  CHECK(limit(Parallel::ep, Engine::trtllm) == 2048);
  CHECK(limit(Parallel::dep, Engine::trtllm) == 2048 * 8);
  // The serving model's batch limit: 8,192 under dep at 100 + 100 tokens, where the KV cache
  // holds far more (91.6 GiB a GPU / 96,256 B a token / 200 tokens: 5,100 sequences a GPU).
  const PerfModel dep(m, g, fp8, fp8, 8, c.efficiency, Parallel::dep);
  CHECK(ServingModel(dep, 100, 100).max_batch() == 8192);
  const PerfModel ep(m, g, fp8, fp8, 8, c.efficiency, Parallel::ep);
  CHECK(ServingModel(ep, 100, 100).max_batch() == 1024);
  // Under tp the KV cache binds first: 8 GPUs hold 8 x 5,100 = 40,800 sequences, well past
  // every engine's 1,024 or 2,048, so the engine's limit is the batch.
  const PerfModel tp_sglang(m, g, fp8, fp8, 8, c.efficiency, Parallel::tp, 1, Engine::sglang);
  CHECK(ServingModel(tp_sglang, 100, 100).max_batch() == 2048);
  // A server started with its own limit, above or below the default: per scheduler as well.
  CHECK(engine_batch_limit(PerfModel(m, g, fp8, fp8, 8, c.efficiency, Parallel::tp, 1, Engine::sglang, 16)) == 16);
  CHECK(engine_batch_limit(PerfModel(m, g, fp8, fp8, 8, c.efficiency, Parallel::dep, 1, Engine::vllm, 16)) == 16 * 8);
  const PerfModel above(m, g, fp8, fp8, 8, c.efficiency, Parallel::tp, 1, Engine::vllm, 4096);
  CHECK(ServingModel(above, 100, 100).max_batch() == 4096);
}

TEST_CASE("vLLM's default batch limit follows the GPU as vllm serve sets it", "[deployment]") {
  const Catalog& c = shipped();
  const ModelArch& m = *c.find_model("llama-3.1-8b");
  const Precision& bf16 = *c.find_precision("bf16");
  auto limit = [&](const char* gpu) {
    return engine_batch_limit(PerfModel(m, *c.find_gpu(gpu), bf16, bf16, 1, c.efficiency));
  };
  // 70 GiB or more and not an A100: 1,024; an A100 of 80 GB, or a GPU under 70 GiB: 256.
  CHECK(limit("h100-sxm") == 1024);
  CHECK(limit("mi300x") == 1024);
  CHECK(limit("a100-80gb-sxm") == 256);
  CHECK(limit("l40s") == 256);
  CHECK(limit("l4") == 256);
  // Each figure names its catalog line.
  CHECK(engine_max_batch_seqs(c.efficiency, Engine::vllm, *c.find_gpu("h100-sxm")).line > 0);
  CHECK(engine_max_batch_seqs(c.efficiency, Engine::trtllm, *c.find_gpu("l4")).value == 2048);
}

TEST_CASE("property: every engine's limit holds per scheduler, and the batch under both bounds", "[deployment][property]") {
  // Over every catalog GPU, engine and layout a model fits: under tp and ep one scheduler's
  // limit, under dep one per GPU; vLLM's is 1,024 exactly where the GPU has 70 GiB or more and
  // is not an A100, else 256; SGLang's and TensorRT-LLM's 2,048. The serving model's batch is
  // never above the KV cache's sequences or that limit, and reaches the smaller of the two.
  const Catalog& c = shipped();
  const ModelArch& m = *c.find_model("qwen3-30b-a3b");
  const Precision& fp8 = *c.find_precision("fp8");
  int checked = 0;
  for (const GpuSpec& g : c.gpus) {
    if (g.device != DeviceKind::gpu) continue;
    const bool large = g.memory_gib >= 70 && ascii_lower(g.name).find("a100") == std::string::npos;
    for (Engine e : {Engine::vllm, Engine::sglang, Engine::trtllm}) {
      const int per = e == Engine::vllm ? (large ? 1024 : 256) : 2048;
      for (Parallel layout : {Parallel::tp, Parallel::ep, Parallel::dep}) {
        const PerfModel pm(m, g, fp8, fp8, 8, c.efficiency, layout, 1, e);
        if (!deployment_problem(pm, 2000).empty()) continue;
        INFO(g.id << " " << to_string(e) << " " << to_string(layout));
        const int limit = engine_batch_limit(pm);
        CHECK(limit == (layout == Parallel::dep ? per * 8 : per));
        const int batch = ServingModel(pm, 1000, 1000).max_batch();
        CHECK(batch == std::min(pm.max_sequences(2000), limit));
        ++checked;
      }
    }
  }
  CHECK(checked >= 30);
}

TEST_CASE("the coverage read from the deployments alone is the coverage of every run", "[deployment][engine]") {
  // read_measured_deployments keeps one row per deployment and skips the figures: the
  // coverage it gives must be the one the full reader's rows give.
  const std::string csv = PLAN_SOURCE_DIR "/calib/measured/silicon_train.csv";
  const auto full = engine_coverage(shipped(), io::read_measured_runs(csv));
  const auto fast = engine_coverage(shipped(), io::read_measured_deployments(csv));
  CHECK(fast.deployments == full.deployments);
  // No run of vLLM on Hopper has latent attention: DeepSeek-R1 on H200 with vLLM is not covered.
  CHECK_FALSE(full.covers("vllm", "hopper", ModelClass::mla));
  CHECK(full.covers("vllm", "hopper", ModelClass::dense));
  // TensorRT-LLM has 4: DeepSeek-R1 and V3 (two model names) on 8 H200, each at dep 8 and at
  // ep 8, counted as deployed (the rows filed as tp 64 or attention dp 64 with experts 8 x 8
  // are these 8-GPU layouts, as their ids name them); SGLang 2 (under 3).
  CHECK(full.of("trtllm", "hopper", ModelClass::mla) == 4);
  CHECK(full.covers("trtllm", "hopper", ModelClass::mla));
  CHECK(full.of("sglang", "hopper", ModelClass::mla) == 2);
  CHECK_FALSE(full.covers("sglang", "hopper", ModelClass::mla));
  // What a plan reads: the counts stored in calib/engine_terms.json when it was written, the
  // same as a count of the runs now.
  const auto committed = io::read_engine_terms(PLAN_SOURCE_DIR "/calib/engine_terms.json");
  REQUIRE(committed.coverage);
  CHECK(committed.coverage->deployments == full.deployments);
  // The lowest load of each class's runs: SGLang's dense runs on Hopper start at 16 requests
  // (Qwen3-32B on 2 H100 at 16, 64 and 128; Llama-3.1-8B on H200 from 20), its MoE runs at 2
  // (Qwen3-235B on 2 H200). The committed file holds the same; the deployments-only reader,
  // one row per deployment, is not asked for it.
  CHECK(full.lowest("sglang", "hopper", ModelClass::dense) == 16.0);
  CHECK(full.lowest("sglang", "hopper", ModelClass::moe) == 2.0);
  CHECK(full.lowest("sglang", "blackwell", ModelClass::dense) == 0.0);  // no such runs
  CHECK(committed.coverage->lowest_concurrency == full.lowest_concurrency);
}

TEST_CASE("the engine terms file keeps the coverage counts", "[deployment][engine]") {
  // Written and read back: the same counts. A file without the section reads as nullopt (the
  // caller counts the runs itself); a key not of the form engine|generation|class is refused.
  EngineTerms t;
  t.data = "runs.csv";
  EngineCoverage c;
  c.deployments[coverage_key("vllm", "hopper", ModelClass::moe)] = 4;
  c.deployments[coverage_key("trtllm", "blackwell", ModelClass::mla)] = 2;
  c.lowest_concurrency[coverage_key("vllm", "hopper", ModelClass::moe)] = 4;
  t.coverage = c;
  const std::string dir = fresh_dir("coverage");
  const std::string with = dir + "/with.json";
  write_text(with, io::engine_terms_json(t));
  const auto back = io::read_engine_terms(with);
  REQUIRE(back.coverage);
  CHECK(back.coverage->deployments == c.deployments);
  CHECK(back.coverage->lowest("vllm", "hopper", ModelClass::moe) == 4.0);
  CHECK(back.coverage->of("vllm", "hopper", ModelClass::moe) == 4);
  CHECK(back.coverage->covers("vllm", "hopper", ModelClass::moe));  // 4 >= 3
  CHECK_FALSE(back.coverage->covers("trtllm", "blackwell", ModelClass::mla));  // 2 < 3
  t.coverage.reset();
  const std::string without = dir + "/without.json";
  write_text(without, io::engine_terms_json(t));
  CHECK_FALSE(io::read_engine_terms(without).coverage);
  std::string bad = io::engine_terms_json(t);
  bad.replace(bad.find("\"sets\""), 0, "\"coverage\": {\"deployments\": {\"vllm|moe\": 3}},\n  ");
  const std::string bad_path = dir + "/bad.json";
  write_text(bad_path, bad);
  CHECK_THROWS_WITH(io::read_engine_terms(bad_path), Catch::Contains("coverage key 'vllm|moe'"));
}

#include "plan/core/serving/engine_cache.hpp"

TEST_CASE("a replica on the engine terms with a prompt cache, hand-worked", "[deployment][engine][cache]") {
  // The fixture model 'round' on the fixture GPU, named as a Hopper GPU so that a vLLM Hopper
  // set applies. The terms' features are the roofline's parts at spec rates (efficiencies 1,
  // no fixed costs): the prefill work of I tokens in a 1000-token step is its share of the
  // step's weight GEMMs, max(2e9 B / 1e12 B/s = 2 ms, 2e9 x 1000 FLOPs / 1e14 = 20 ms) = 20 ms,
  // plus its attention, max(4 x 10 x 1000 x I^2 / 2 / 1e14, I x 40,000 B / 1e12):
  //   work(1000) = 20 + 0.2 = 20.2 ms; work(500) = 10 + 0.05 = 10.05 ms.
  Catalog c = test::fixture_catalog();
  for (auto& g : c.gpus)
    if (g.id == "unit-gpu") g.id = "h100-sxm";
  // Terms: a 10 ms step and the prefill work other requests put between decode steps at
  // efficiency 1 (TPOT); 100 ms fixed and the queued prefills at efficiency 1 (TTFT).
  auto terms = std::make_shared<EngineTerms>();
  terms->origin = "hand-made runs";
  TermSet s;
  s.engine = "vllm";
  s.generation = "hopper";
  s.tpot[tpot_term::step] = 0.010;
  s.tpot[tpot_term::prefill_interference] = 1.0;
  s.ttft[ttft_term::fixed] = 0.100;
  s.ttft[ttft_term::queued_prefills] = 1.0;
  REQUIRE(std::string(tpot_term_info[tpot_terms - 1].name) == "prefill_interference");
  REQUIRE(std::string(ttft_term_info[5].name) == "queued_prefills");
  terms->sets.push_back(s);
  const EngineDeployment d{&c, terms.get(), nullptr, Engine::vllm, "round", "h100-sxm", "bf16", 1, Parallel::tp, 1};
  // A closed loop of 10 requests of 1000 + 101 tokens (S = 100 decode steps):
  //   without a cache, TPOT(10) = 0.010 + 10 / 100 x 0.0202 = 0.01202 s, TTFT(10) = 0.100 +
  //   9 x 0.0202 = 0.2818 s, mu = 10 / (0.2818 + 100 x 0.01202) = 10 / 1.4838 = 6.739453;
  //   half the input cached, the prefill work past the prefix is 20.2 - 10.05 = 10.15 ms:
  //   TPOT(10) = 0.010 + 0.1 x 0.01015 = 0.011015 s, TTFT(10) = 0.100 + 9 x 0.01015 = 0.19135 s,
  //   mu = 10 / (0.19135 + 1.1015) = 10 / 1.29285 = 7.734849.
  auto plain = EngineServingModel::make(d, 1000, 101, 10, std::nullopt);
  REQUIRE(plain);
  CHECK(plain->tpot_at(10) == Approx(0.01202));
  CHECK(plain->ttft_at(10) == Approx(0.2818));
  CHECK(plain->capacity_rps() == Approx(10.0 / 1.4838));
  std::string why;
  auto cached = EngineServingModel::make(d, 1000, 101, 10, std::nullopt, &why, 0.5);
  REQUIRE(cached);
  CHECK(cached->batch() == 10);
  CHECK(cached->tpot_at(10) == Approx(0.011015));
  CHECK(cached->ttft_at(10) == Approx(0.19135));
  CHECK(cached->capacity_rps() == Approx(10.0 / 1.29285));
  // The decode step is the full prompt's: 10 ms either way.
  CHECK(cached->itl_at(10) == Approx(0.010));

  // Through fleet sizing, a prefix of 50,000 tokens: the KV cache holds 164,748 tokens
  // (test_perf_run.cpp), so the room one request leaves holds all of it (the hit share stays
  // 0.5) and the batch is (164,748 - 50,000) / 1,101 = 104.2 -> 104 (149 without it). At
  // B = 104: TPOT = 0.010 + 1.04 x 0.01015 = 0.020556 s, TTFT = 0.100 + 103 x 0.01015 =
  // 1.14545 s, mu = 104 / (1.14545 + 2.0556) = 104 / 3.20105 = 32.4894 requests/s.
  CatalogReplicaModelProvider provider(c, terms);
  WorkloadMix mix;
  mix.input_tokens = 1000;
  mix.output_tokens = 101;
  mix.cached_input_share = 0.5;
  mix.shared_prefix_tokens = 50000;
  Option o = llama_8b();
  o.fleet()->model = "round";
  auto m = provider.make(o, instance("h100-sxm", 1), mix);
  REQUIRE(m->spec().feasible);
  CHECK(m->spec().provenance == ThroughputProvenance::engine);
  CHECK(m->spec().capacity_requests_per_s == Approx(104.0 / 3.20105));
  bool noted = false;
  for (const auto& n : m->spec().notes)
    noted = noted || n == "prefix cache: 50.0% of input tokens read from it (50.0% asked; 50000 of 50000 prefix "
                          "tokens held in the KV cache), so the engine terms' prefill counts 500 of 1000 input "
                          "tokens; the prefixes held leave a batch of at most 104";
  CHECK(noted);
}
