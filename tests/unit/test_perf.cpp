// The roofline and serving model, on hand-worked cases.
#include <catch2/catch.hpp>

#include <limits>

#include "catalogs.hpp"

#include "plan/core/serving/perf.hpp"

using namespace plan;
using namespace plan::perf;

namespace {

const Catalog& shipped() { return test::shipped_catalog(); }

const Catalog& fixture() { return test::fixture_catalog(); }

PerfModel model_of(const Catalog& c, const char* model, const char* gpu, const char* prec, int tp) {
  const Precision& p = *c.find_precision(prec);
  return PerfModel(*c.find_model(model), *c.find_gpu(gpu), p, *c.find_precision(p.default_kv), tp, c.efficiency);
}

}  // namespace

TEST_CASE("KV bytes per token", "[perf]") {
  const Catalog& c = shipped();
  // Llama 3.1 8B bf16: 2 x 32 layers x 8 KV heads x 128 x 2 bytes = 131,072.
  CHECK(kv_bytes_per_token(*c.find_model("llama-3.1-8b"), *c.find_precision("bf16")) == 131072.0);
  // Llama 3.1 70B bf16: 2 x 80 x 8 x 128 x 2 = 327,680; at TP 4 each GPU holds 2 KV heads: 81,920.
  CHECK(kv_bytes_per_token(*c.find_model("llama-3.1-70b"), *c.find_precision("bf16")) == 327680.0);
  CHECK(kv_bytes_per_token_per_gpu(*c.find_model("llama-3.1-70b"), *c.find_precision("bf16"), 4) == 81920.0);
  // Qwen2.5 7B has 4 KV heads: at TP 8 each GPU keeps a whole head (replicated):
  // 2 x 28 x 1 x 128 x 2 = 14,336.
  CHECK(kv_bytes_per_token_per_gpu(*c.find_model("qwen2.5-7b"), *c.find_precision("bf16"), 8) == 14336.0);
  // fp8 KV halves it: 65,536.
  CHECK(kv_bytes_per_token(*c.find_model("llama-3.1-8b"), *c.find_precision("fp8")) == 65536.0);
}

TEST_CASE("weights bytes follow the precision", "[perf]") {
  const Catalog& c = shipped();
  const ModelArch& m = *c.find_model("llama-3.1-70b");
  // 70.6e9 params x 2 / 1 / 0.5 bytes.
  CHECK(weights_bytes(m, *c.find_precision("bf16")) == Approx(141.2e9));
  CHECK(weights_bytes(m, *c.find_precision("fp8")) == Approx(70.6e9));
  CHECK(weights_bytes(m, *c.find_precision("int4")) == Approx(35.3e9));
}

TEST_CASE("Llama 3.1 70B fp16 needs two A100 80GB", "[perf]") {
  const Catalog& c = shipped();
  const ModelArch& m = *c.find_model("llama-3.1-70b");
  const GpuSpec& a100 = *c.find_gpu("a100-80gb-sxm");
  const Precision& fp16 = *c.find_precision("fp16");
  // Usable: 80 GiB x 0.90 = 72 GiB. TP 1: 141.2e9 B = 131.5 GiB of weights: does not fit.
  PerfModel one(m, a100, fp16, fp16, 1, c.efficiency);
  CHECK_FALSE(one.memory(4096).fits);
  CHECK_FALSE(deployment_problem(one, 4096).empty());
  // TP 2: 70.6e9 B = 65.75 GiB + 1.5 GiB overhead = 67.25 GiB, leaving 4.75 GiB for KV:
  // 4.75 x 2^30 / 163,840 B per token per GPU = ~31,100 tokens.
  PerfModel two(m, a100, fp16, fp16, 2, c.efficiency);
  MemoryPlan mp = two.memory(4096);
  CHECK(mp.fits);
  CHECK(mp.kv_tokens == Approx(4.75 * 1073741824.0 / 163840.0).epsilon(0.005));
  CHECK(smallest_fitting_tp(c, m, a100, fp16, fp16, 4096, 8) == 2);
  // An instance with a single GPU has no fitting degree.
  CHECK_FALSE(smallest_fitting_tp(c, m, a100, fp16, fp16, 4096, 1).has_value());
}

TEST_CASE("heads must split evenly over the TP group", "[perf]") {
  const Catalog& c = shipped();
  // Qwen2.5 7B has 28 attention heads: TP 8 does not divide them.
  PerfModel pm = model_of(c, "qwen2.5-7b", "h100-sxm", "bf16", 8);
  CHECK(deployment_problem(pm, 1000).find("28 attention heads") != std::string::npos);
}

TEST_CASE("memory plan of the round fixture", "[perf]") {
  PerfModel pm = model_of(fixture(), "round", "unit-gpu", "bf16", 1);
  MemoryPlan mp = pm.memory(1000);
  // KV per token: 2 x 10 x 10 x 100 x 2 = 40,000 B.
  CHECK(mp.kv_bytes_per_token == 40000.0);
  // Budget: 10 GiB x 0.9 - 2e9 B weights - 1 GiB = 8 x 2^30 - 2e9 = 6,589,934,592 B -> 164,748 tokens.
  CHECK(mp.kv_budget_bytes == Approx(6589934592.0));
  CHECK(mp.kv_tokens == 164748.0);
  // 164,748 / 1,000 = 164 sequences.
  CHECK(pm.max_sequences(1000) == 164);
}

TEST_CASE("decode step time, hand-worked", "[perf]") {
  PerfModel pm = model_of(fixture(), "round", "unit-gpu", "bf16", 1);
  // B = 10, C = 1000. Bandwidth 1000 GB/s x 0.5 = 5e11 B/s; FLOPS 100e12 x 0.5 = 5e13.
  // Linear: max(1e9 x 2 B / 5e11 = 4 ms, 2 x 1e9 x 10 / 5e13 = 0.4 ms) = 4 ms.
  // Attention: max(10 x 1000 x 40,000 B / 5e11 = 0.8 ms, 4 x 10 x 1000 x 1000 x 10 / 5e13 = 0.008 ms) = 0.8 ms.
  // Fixed: 1 ms + 10 layers x 100 us = 2 ms. No TP: no all-reduce. Total 6.8 ms, memory-bound.
  StepTime s = pm.decode_step(10, 1000);
  CHECK(s.linear == Approx(4e-3));
  CHECK(s.attention == Approx(0.8e-3));
  CHECK(s.fixed == Approx(2e-3));
  CHECK(s.comm == 0.0);
  CHECK(s.total == Approx(6.8e-3));
  CHECK(s.memory_bound());
  // At B = 1000 the linear part turns compute-bound: 2 x 1e9 x 1000 / 5e13 = 40 ms > 4 ms.
  CHECK(pm.decode_step(1000, 10).linear == Approx(40e-3));
}

TEST_CASE("prefill time, hand-worked", "[perf]") {
  PerfModel pm = model_of(fixture(), "round", "unit-gpu", "bf16", 1);
  // n = 1000. Linear FLOPs: (2e9 - 2 x 1e6 output projection) x 1000 + 2e6 (last position only)
  // = 1.998002e12 -> / 5e13 = 39.96004 ms (above the 4 ms weight read).
  // Attention: 4 x 10 x 1000 x 1000^2 / 2 = 2e10 -> 0.4 ms (above 1000 x 40,000 B / 5e11 = 0.08 ms).
  // Fixed 2 ms. Total 42.36004 ms.
  StepTime s = pm.prefill(1000);
  CHECK(s.linear == Approx(39.96004e-3));
  CHECK(s.attention == Approx(0.4e-3));
  CHECK(s.total == Approx(42.36004e-3));
  CHECK_FALSE(s.memory_bound());
  // One token: bounded below by one weight read (4 ms) + fixed 2 ms; attention 4e-5 ms memory.
  CHECK(pm.t_pre(1) == Approx(6e-3).epsilon(1e-3));
}

TEST_CASE("tensor-parallel all-reduce cost grows with the degree", "[perf]") {
  PerfModel tp2 = model_of(fixture(), "round", "unit-gpu", "bf16", 2);
  // 2 all-reduces x 10 layers x (10 us + 2 x (2-1) x 5 us + 2 x 1/2 x 10 tokens x 1000 x 2 B / (100 GB/s x 0.5))
  // = 20 x (20 us + 0.4 us) = 408 us.
  CHECK(tp2.comm_s(10) == Approx(408e-6));
  PerfModel tp8 = model_of(fixture(), "round", "unit-gpu", "bf16", 8);
  CHECK(tp8.comm_s(10) > tp2.comm_s(10));
  PerfModel tp1 = model_of(fixture(), "round", "unit-gpu", "bf16", 1);
  CHECK(tp1.comm_s(10) == 0.0);
  // Any count from 1 to max_replica_gpus is a model (whether the layout allows it is
  // deployment_problem's question); outside that range it is an error.
  CHECK_THROWS_AS(model_of(fixture(), "round", "unit-gpu", "bf16", 0), Error);
  CHECK_THROWS_AS(model_of(fixture(), "round", "unit-gpu", "bf16", 1025), Error);
}

TEST_CASE("MoE: memory holds every expert, compute uses the active ones", "[perf]") {
  const Catalog& c = fixture();
  const ModelArch& moe = *c.find_model("round-moe");
  // Expected share of experts touched by T tokens routing to top-1 of 4: 1 - (3/4)^T.
  CHECK(experts_touched_share(moe, 1) == Approx(0.25));
  CHECK(experts_touched_share(moe, 4) == Approx(1.0 - 81.0 / 256.0));
  CHECK(experts_touched_share(*c.find_model("round"), 4) == 1.0);
  PerfModel pm = model_of(c, "round-moe", "unit-gpu", "bf16", 1);
  // Weights in memory: all 1e9 params x 2 B.
  CHECK(pm.memory(1000).weights_bytes == Approx(2e9));
  // Expert params: 10 layers x 4 experts x 3 x 1000 x 1000 = 1.2e8; dense part 1e9 - 1.2e8 = 8.8e8.
  // Decode at B = 1 streams 8.8e8 + 0.25 x 1.2e8 = 9.1e8 params x 2 B / 5e11 = 3.64 ms.
  CHECK(pm.decode_step(1, 1).linear == Approx(3.64e-3));
  // Prefill of 1000 tokens computes with the 0.5e9 active params:
  // (2 x 0.5e9 - 2e6) x 1000 + 2e6 = 9.98002e11 FLOPs / 5e13 = 19.96004 ms.
  CHECK(pm.prefill(1000).linear == Approx(19.96004e-3));
  // Mixtral 8x7B (shipped): 46.7B params to hold, 12.9B to compute.
  const ModelArch& mix = *shipped().find_model("mixtral-8x7b");
  CHECK(weights_bytes(mix, *shipped().find_precision("bf16")) == Approx(93.4e9));
  CHECK(experts_touched_share(mix, 1) == Approx(0.25));
}

TEST_CASE("operating batch under a TPOT target", "[perf]") {
  PerfModel pm = model_of(fixture(), "round", "unit-gpu", "bf16", 1);
  // I = 1000, O = 100: S = O - 1 = 99 decode steps after the prefill's first token.
  // C = 1000 + 100/2 = 1050. t_dec(B) = 4 ms (linear, memory-bound up to B = 100) +
  // B x 1050 x 40,000 / 5e11 (= B x 0.084 ms) + 2 ms = 6 + 0.084 B ms.
  // Prefill work of 1000 tokens (they fill a 1000-token step): 40 ms linear + 0.4 ms
  // attention + 2 ms fixed = 42.4 ms.
  // TPOT at capacity = t_dec(B) + B x 42.4 / 99 = 6 + 0.512283 B ms.
  // Target 8 ms: B <= 3.904 -> 3 (the decode step alone would allow 6 + 0.084 B <= 8, B = 23).
  ServingModel sm(pm, 1000, 100, 8e-3);
  CHECK(sm.batch() == 3);
  CHECK(sm.tpot_at_capacity_s(3) == Approx(7.536848e-3));  // 6.252 + 3 x 42.4 / 99 = 6.252 + 1.284848
  // Without a target: the KV budget, 164,748 tokens / 1,100 = 149 sequences.
  ServingModel free(pm, 1000, 100);
  CHECK(free.batch() == 149);
  // A target above one decode step at batch 1 (6.084 ms) but below the TPOT at capacity
  // there (6.084 + 42.4 / 99 = 6.512283 ms) leaves no batch.
  ServingModel none(pm, 1000, 100, 6.3e-3);
  CHECK(none.batch() == 0);
}

TEST_CASE("TPOT at capacity meets the target that sized the batch", "[perf]") {
  PerfModel pm = model_of(fixture(), "round", "unit-gpu", "bf16", 1);
  // I = 100, O = 1000: S = 999 decode steps. C = 100 + 1000/2 = 600.
  // t_dec(B) = 4 ms weight read (2e9 B / 5e11 B/s; compute 2e9 x B FLOPs / 5e13 = 0.04 B ms
  // is smaller up to B = 100) + B x 600 x 40,000 / 5e11 (= 0.048 B ms KV read; attention
  // FLOPs 4 x 10 x 1000 x 600 x B / 5e13 = 0.00048 B ms are smaller) + 2 ms fixed
  // = 6 + 0.048 B ms.
  // Prefill work of 100 tokens in a 1000-token step (share 0.1): linear max(4 ms read,
  // 2e9 x 1000 / 5e13 = 40 ms) x 0.1 = 4 ms; attention max(100 x 40,000 / 5e11 = 0.008 ms,
  // 4 x 10 x 1000 x 100^2 / 2 / 5e13 = 0.004 ms) = 0.008 ms; fixed 2 ms x 0.1 = 0.2 ms:
  // pw = 4.208 ms.
  CHECK(pm.t_dec(19, 600) == Approx(6.912e-3));
  CHECK(pm.prefill_work(100) == Approx(4.208e-3));
  // TPOT at capacity = 6 + 0.048 B + 4.208 B / 999 ms:
  //   B = 19: 6 + 0.912 + 79.952 / 999 = 6.912 + 0.080032 = 6.992032 ms <= 7 ms
  //   B = 20: 6 + 0.960 + 84.160 / 999 = 6.960 + 0.084244 = 7.044244 ms >  7 ms
  // so a 7 ms target gives B = 19 (the decode step alone, 6 + 0.048 B <= 7, would give 20).
  ServingModel sm(pm, 100, 1000, 7e-3);
  REQUIRE(sm.batch() == 19);
  CHECK(sm.decode_steps_per_request() == 999.0);
  CHECK(sm.tpot_at_capacity_s(19) == Approx(6.992032e-3));
  CHECK(sm.tpot_at_capacity_s(20) == Approx(7.044244e-3));
  // Capacity: 19 / (19 x 4.208 + 999 x 6.912) ms = 19 / 6,985.04 ms = 2.720099 requests/s.
  CHECK(sm.capacity_rps() == Approx(19.0 / 6.98504));
  // At that rate the prefills take 2.720099 x 4.208 ms = 1.1446% of the replica's time, so
  // TPOT = 6.912 / (1 - 0.011446) = 6.992032 ms: the target's bound. The batch is full
  // (Little's law wants 2.72 x (6.008 + 999 x 6.992) ms = 19.02 sequences), so ITL = t_dec(19).
  Load at_cap = sm.at_rate(sm.capacity_rps());
  CHECK(at_cap.batch == Approx(19.0));
  CHECK(at_cap.itl_s == Approx(6.912e-3));
  CHECK(at_cap.tpot_s == Approx(6.992032e-3));
  CHECK(at_cap.tpot_s <= 7e-3);
  // One more sequence, at its own capacity, misses the target.
  ServingModel more(pm, 100, 1000, std::nullopt, 20);
  REQUIRE(more.batch() == 20);
  Load over = more.at_rate(more.capacity_rps());
  CHECK(over.tpot_s == Approx(7.044244e-3));
  CHECK(over.tpot_s > 7e-3);
  // Below capacity the replica decodes a smaller batch with fewer stalls: TPOT is lower.
  CHECK(sm.at_rate(0.5 * sm.capacity_rps()).tpot_s < at_cap.tpot_s);
}

TEST_CASE("one output token counts one decode step", "[perf]") {
  // vLLM leaves one-token requests out of TPOT; the model counts one step to stay defined.
  CHECK(decode_steps(1000) == 999.0);
  CHECK(decode_steps(2) == 1.0);
  CHECK(decode_steps(1) == 1.0);
  CHECK(decode_steps(1.5) == 1.0);
}

TEST_CASE("Llama 3.1 8B on an L40S keeps a 40 ms TPOT at its capacity", "[perf]") {
  const Catalog& c = shipped();
  PerfModel pm = model_of(c, "llama-3.1-8b", "l40s", "bf16", 1);
  // Sized on the decode step alone, this replica ran at a TPOT above 50 ms at the capacity
  // it was credited with. Sized on the TPOT at capacity, that rate keeps the target.
  for (auto [in, out] : {std::pair{1200.0, 300.0}, std::pair{500.0, 500.0}, std::pair{2000.0, 200.0}}) {
    CAPTURE(in, out);
    ServingModel sm(pm, in, out, 40e-3);
    REQUIRE(sm.batch() > 0);
    Load l = sm.at_rate(sm.capacity_rps());
    CHECK(l.tpot_s <= 40e-3 * (1 + 1e-12));
    CHECK(l.itl_s == Approx(pm.t_dec(sm.batch(), sm.mean_context())));
    // The next batch would miss it.
    if (sm.batch() < sm.max_batch()) CHECK(sm.tpot_at_capacity_s(sm.batch() + 1) > 40e-3);
    // And a fleet of one serves just under that rate within the target.
    auto f = sm.latency(0.999 * sm.capacity_rps(), 1);
    REQUIRE(f);
    CHECK(f->tpot_ms <= 40.0);
  }
}

TEST_CASE("replica sizing, hand-worked", "[perf]") {
  PerfModel pm = model_of(fixture(), "round", "unit-gpu", "bf16", 1);
  // One decode slot per replica (batch_cap 1), I = 1000, O = 100 (99 decode steps), C = 1050.
  // t_dec(1) = 4 + 0.084 + 2 = 6.084 ms. Prefill work (1000 tokens fill a 1000-token step):
  // 40 ms linear + 2 ms fixed + 0.4 ms attention = 42.4 ms.
  // mu = 1 / (42.4 + 99 x 6.084) ms = 1 / 0.644716 s = 1.551071 requests/s.
  ServingModel sm(pm, 1000, 100, std::nullopt, 1);
  REQUIRE(sm.batch() == 1);
  CHECK(sm.capacity_rps() == Approx(1.0 / 0.644716));
  // 3 requests/s, TTFT p95 target 1 s. a = 3 x 0.644716 = 1.934148 Erlangs.
  //  n = 2: B(2,a) = a^2/2 / (1 + a + a^2/2) = 0.389306, C = 2B / (2 - a(1 - B)) = 0.950887,
  //         drain 2 x 1.551071 - 3 = 0.102141 -> p95 wait = ln(0.950887/0.05)/0.102141 = 28.84 s: fails.
  //  n = 3: B(3,a) = a B(2) / (3 + a B(2)) = 0.200634, C = 0.413989, drain 1.653212
  //         -> wait = ln(8.27979)/1.653212 = 1.27861 s: fails.
  //  n = 4: B(4,a) = 0.088435, C = 0.158138, drain 3.204282 -> wait = ln(3.16276)/3.204282
  //         = 0.359346 s; TTFT p95 = 0.359346 + 0.042360 (prefill) = 0.401706 s: meets.
  CHECK(sm.replicas_for(3.0, 1.0) == 4);
  auto lat = sm.latency(3.0, 4);
  REQUIRE(lat);
  CHECK(lat->ttft_p95_ms == Approx(401.706).epsilon(1e-4));
  // Without a TTFT target the load is held stable: the p95 wait at most the time a request
  // holds its slot, B / mu = 0.644716 s. n = 2 keeps up (ceil(3 / 1.551071) = 2) but waits
  // 28.84 s, n = 3 waits 1.27861 s, n = 4 waits 0.359346 s: 4.
  CHECK(sm.stable_wait_s() == Approx(0.644716));
  CHECK(sm.replicas_for(3.0, std::nullopt) == 4);
  // A TTFT target below the prefill (42.36 ms) cannot be met by any count.
  CHECK_FALSE(sm.replicas_for(3.0, 0.040));
  CHECK(sm.replicas_for(0.0, 1.0) == 0);
}

TEST_CASE("catalog replica model for compare", "[perf]") {
  const Catalog& c = shipped();
  GpuInstance one;
  one.id = "one";
  one.gpu = "h100-sxm";
  one.gpu_count = 1;
  GpuInstance eight = one;
  eight.id = "eight";
  eight.gpu_count = 8;
  Option o;
  o.id = "x";
  o.spec = SelfHostedOption{};
  FleetSpec& f = *o.fleet();
  f.model = "llama-3.1-70b";
  WorkloadMix mix;
  mix.input_tokens = 1000;
  mix.output_tokens = 200;
  mix.ttft_p95_ms = 2000;
  mix.tpot_ms = 60;
  // 141.2 GB of weights do not fit one 80 GB GPU: infeasible, with the reason.
  CatalogReplicaModel on_one(c, o, one, mix);
  CHECK_FALSE(on_one.spec().feasible);
  REQUIRE_FALSE(on_one.spec().reasons.empty());
  CHECK(on_one.spec().reasons[0].find("does not fit") != std::string::npos);
  // On eight GPUs the smallest fitting degree is 2 (65.75 GiB per GPU).
  CatalogReplicaModel on_eight(c, o, eight, mix);
  CHECK(on_eight.spec().feasible);
  CHECK(on_eight.spec().gpus_per_replica == 2);
  CHECK(on_eight.spec().provenance == ThroughputProvenance::spec);
  // No engine in the option: vLLM, the default, which the source says.
  CHECK(on_eight.spec().provenance_source ==
        "catalog roofline, calib/catalog.yaml: llama-3.1-70b on h100-sxm, engine vllm (default)");
  auto n = on_eight.replicas_for(5.0);
  REQUIRE(n);
  CHECK(*n >= 1);
  auto lat = on_eight.latency(5.0, *n);
  REQUIRE(lat);
  CHECK(lat->ttft_p95_ms <= 2000.0);
  CHECK(lat->tpot_ms <= 60.0);
  // An explicit degree is the TP degree, and must fit.
  f.gpus_per_replica = 1;
  CatalogReplicaModel tp1(c, o, eight, mix);
  CHECK_FALSE(tp1.spec().feasible);
  // A model the catalog does not know is an error at the option's model key.
  f.model = "no-such-model";
  o.key_locs["model"] = SourceLoc{"profile.yaml", 7, 12};
  try {
    CatalogReplicaModel bad(c, o, eight, mix);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.loc().line == 7);
    CHECK(std::string(e.what()).find("no-such-model") != std::string::npos);
  }
}

TEST_CASE("catalog replica model: the smallest TP that meets the latency targets", "[perf]") {
  // Fixture 'round' on 'unit-gpu', 100 + 100 tokens (mean decode context 150), TPOT 5 ms.
  //  TP 1, batch 1: weights 2e9 B / 5e11 B/s = 4 ms, KV 150 x 40,000 B / 5e11 = 0.012 ms,
  //    fixed 1 ms + 10 x 0.1 ms = 2 ms: 6.012 ms, above the target.
  //  TP 2: weights 2 ms, KV 150 x 20,000 / 5e11 = 0.006 ms, two all-reduces per layer of
  //    10 us + 2 x 1 hop x 5 us + (2 x 1 / 2) x 2,000 B / 5e10 B/s = 20.04 us, x 20 = 0.4008 ms,
  //    fixed 2 ms: 4.4068 ms, within it.
  const Catalog& c = fixture();
  GpuInstance two;
  two.id = "two";
  two.gpu = "unit-gpu";
  two.gpu_count = 2;
  Option o;
  o.id = "x";
  o.spec = SelfHostedOption{"two", FleetSpec{}};
  o.fleet()->model = "round";
  o.fleet()->precision = "bf16";
  WorkloadMix mix;
  mix.input_tokens = 100;
  mix.output_tokens = 100;
  mix.tpot_ms = 5;
  PerfModel tp2 = model_of(c, "round", "unit-gpu", "bf16", 2);
  CHECK(tp2.t_dec(1, 150) == Approx(4.4068e-3).epsilon(1e-9));
  CatalogReplicaModel on_two(c, o, two, mix);
  CHECK(on_two.spec().feasible);
  CHECK(on_two.spec().gpus_per_replica == 2);
  REQUIRE_FALSE(on_two.spec().notes.empty());
  CHECK_THAT(on_two.spec().notes.front(), Catch::StartsWith("TP 2 chosen: TP 1 fits but misses the latency targets "
                                                           "(TPOT target 5.0 ms is below one decode step of round on "
                                                           "1x unit-gpu (6.0 ms at batch 1))"));
  GpuInstance one = two;
  one.gpu_count = 1;
  CatalogReplicaModel on_one(c, o, one, mix);
  CHECK_FALSE(on_one.spec().feasible);
  REQUIRE(on_one.spec().reasons.size() == 1);
  CHECK(on_one.spec().reasons[0] ==
        "TPOT target 5.0 ms is below one decode step of round on 1x unit-gpu (6.0 ms at batch 1)");
}

// ---------------------------------------------------------------------------------------
// Architecture features: MoE layouts, MLA, sliding windows, 4-bit formats.

TEST_CASE("expert imbalance: balls into bins", "[perf][moe]") {
  const ModelArch& moe = *fixture().find_model("round-moe");
  // g = 2, 10 tokens x top-1 = 10 assignments: 1 + sqrt(2 x 2 x ln 2 / 10) = 1 + sqrt(0.277259) = 1.526554.
  CHECK(expert_imbalance(moe, 2, 10) == Approx(1.526554).epsilon(1e-5));
  // One token on 8 GPUs: capped at g... 1 + sqrt(2 x 8 x ln 8 / 1) = 6.77 < 8, not capped.
  CHECK(expert_imbalance(moe, 8, 1) == Approx(1.0 + std::sqrt(16.0 * std::log(8.0))));
  CHECK(expert_imbalance(moe, 1, 10) == 1.0);
  CHECK(expert_imbalance(*fixture().find_model("round"), 4, 10) == 1.0);
}

TEST_CASE("MoE layouts: weights per GPU and a dep decode step, hand-worked", "[perf][moe]") {
  const Catalog& c = fixture();
  const ModelArch& m = *c.find_model("round-moe");
  const Precision& bf16 = *c.find_precision("bf16");
  // Routed experts 10 x 4 x 3 x 1000 x 1000 = 1.2e8 params = 2.4e8 B; the rest 1.76e9 B.
  CHECK(routed_expert_params(m) == 1.2e8);
  PerfModel tp(m, *c.find_gpu("unit-gpu"), bf16, bf16, 2, c.efficiency, Parallel::tp);
  PerfModel ep(m, *c.find_gpu("unit-gpu"), bf16, bf16, 2, c.efficiency, Parallel::ep);
  PerfModel dep(m, *c.find_gpu("unit-gpu"), bf16, bf16, 2, c.efficiency, Parallel::dep);
  // tp and ep halve everything: 2e9 / 2 = 1e9 B; dep keeps the rest whole: 1.76e9 + 2.4e8 / 2 = 1.88e9 B.
  CHECK(tp.memory(1000).weights_bytes == Approx(1e9));
  CHECK(ep.memory(1000).weights_bytes == Approx(1e9));
  CHECK(dep.memory(1000).weights_bytes == Approx(1.88e9));
  // dep holds each sequence's KV on one GPU: 40,000 B per token / 2 = 20,000 per GPU.
  CHECK(dep.memory(1000).kv_bytes_per_token == Approx(20000));
  // Decode B = 10, C = 1000 under dep, g = 2:
  //  experts touched 1 - 0.75^10 = 0.94369, x imbalance 1.52655 > 1 -> every local expert read;
  //  linear bytes 1.76e9 + 2.4e8 / 2 = 1.88e9 / 5e11 = 3.76 ms (above the FLOPs:
  //  9.4e8 x 5 tokens on the rank + 6e7 x 10 / 2 x 1.52655 = 5.158e9 / 5e13 = 0.103 ms);
  //  attention: 5 sequences on the busiest rank x 1000 x 40,000 B / 5e11 = 0.4 ms;
  //  all-to-all: 10 MoE layers x 2 x (10 + 1 x 5 us + 10/2 x 1 x 1000 x 2 B x 1/2 / 5e10 = 0.1 us) = 302 us;
  //  fixed 2 ms. Total 6.462 ms.
  StepTime s = dep.decode_step(10, 1000);
  CHECK(s.linear == Approx(3.76e-3));
  CHECK(s.attention == Approx(0.4e-3));
  CHECK(s.comm == Approx(302e-6));
  CHECK(s.total == Approx(6.462e-3));
  // ep: linear bytes 1.76e9 / 2 + 2.4e8 / 2 x min(1, 0.94369 x 1.52655) = 1.0e9 -> 2 ms.
  CHECK(ep.decode_step(10, 1000).linear == Approx(2e-3));
  // A dense model has no experts to split.
  PerfModel dense_ep(*c.find_model("round"), *c.find_gpu("unit-gpu"), bf16, bf16, 2, c.efficiency, Parallel::ep);
  CHECK(deployment_problem(dense_ep, 1000).find("dense model") != std::string::npos);
}

TEST_CASE("MLA: KV of the compressed latent, not split by TP", "[perf][mla]") {
  const Catalog& c = fixture();
  const ModelArch& m = *c.find_model("round-mla");
  const Precision& bf16 = *c.find_precision("bf16");
  // (200 + 50) elements x 10 layers x 2 B = 5,000 B per token; every GPU of a TP group keeps it whole.
  CHECK(kv_bytes_per_token(m, bf16) == 5000.0);
  CHECK(kv_bytes_per_token_per_gpu(m, bf16, 2) == 5000.0);
  CHECK(kv_bytes_per_token_per_gpu(m, bf16, 2, Parallel::dep) == 2500.0);
  PerfModel pm(m, *c.find_gpu("unit-gpu"), bf16, bf16, 1, c.efficiency);
  // Decode B = 10, C = 1000: absorbed attention, 2 x 10 heads x (2 x 200 + 50) = 9,000 FLOPs per pair
  // x 10 layers x 1000 x 10 = 9e8 / 5e13 = 0.018 ms, below the KV read 10 x 1000 x 5000 / 5e11 = 0.1 ms.
  CHECK(pm.decode_step(10, 1000).attention == Approx(0.1e-3));
  // Prefill 1000: 2 x 10 x (100 + 50 + 100) = 5,000 FLOPs per pair x 10 layers x 1000^2 / 2 = 2.5e10 / 5e13 = 0.5 ms.
  CHECK(pm.prefill(1000).attention == Approx(0.5e-3));
}

TEST_CASE("sliding window: KV and attention follow the window", "[perf][window]") {
  const Catalog& c = fixture();
  const ModelArch& m = *c.find_model("round-window");
  const Precision& bf16 = *c.find_precision("bf16");
  // Up to the 100-token window every layer keeps each token: 2 x 10 x 10 x 100 x 2 = 40,000 B.
  CHECK(kv_bytes_per_token(m, bf16) == 40000.0);
  // 1000 tokens: 5 global layers x 1000 + 5 local x 100 = 5,500 token-layers x 4,000 B = 2.2e7 B.
  CHECK(kv_bytes_per_sequence(m, bf16, 1000) == 2.2e7);
  PerfModel pm(m, *c.find_gpu("unit-gpu"), bf16, bf16, 1, c.efficiency);
  // Mean per token at 1000: 22,000 B; budget 6,589,934,592 B -> 299,542 tokens (floor of 299,542.48).
  CHECK(pm.memory(1000).kv_bytes_per_token == 22000.0);
  CHECK(pm.memory(1000).kv_tokens == 299542.0);
  // Prefill 1000: pairs 5 x 1000^2 / 2 + 5 x (100^2 / 2 + 900 x 100) = 2.5e6 + 475,000 = 2,975,000
  // x 4,000 FLOPs = 1.19e10 / 5e13 = 0.238 ms (above the KV write 2.2e7 / 5e11 = 0.044 ms).
  CHECK(pm.prefill(1000).attention == Approx(0.238e-3));
}

TEST_CASE("4-bit formats: MXFP4 experts only, NVFP4 only on FP4 tensor cores", "[perf][precision]") {
  const Catalog& c = fixture();
  const ModelArch& m = *c.find_model("round-moe");
  // MXFP4 on the experts (1.2e8 x 0.5 B = 6e7) and bf16 elsewhere (8.8e8 x 2 = 1.76e9): 1.82e9 B.
  CHECK(weights_bytes(m, *c.find_precision("mxfp4")) == Approx(1.82e9));
  // A dense model takes the format throughout: 1e9 x 0.5.
  CHECK(weights_bytes(*c.find_model("round"), *c.find_precision("mxfp4")) == Approx(0.5e9));
  // unit-gpu has no FP4 tensor cores: MXFP4 dequantises (16-bit GEMMs), NVFP4 is rejected.
  const Precision& nv = *c.find_precision("nvfp4");
  PerfModel pm(m, *c.find_gpu("unit-gpu"), nv, *c.find_precision("bf16"), 1, c.efficiency);
  CHECK(deployment_problem(pm, 1000).find("fp4 tensor cores") != std::string::npos);
  PerfModel mx(m, *c.find_gpu("unit-gpu"), *c.find_precision("mxfp4"), *c.find_precision("bf16"), 1, c.efficiency);
  CHECK(deployment_problem(mx, 1000).empty());
  CHECK(mx.linear_flops_per_s() == Approx(100e12 * 0.5));
}

TEST_CASE("gpt-oss-120b: MXFP4 fits one H100, not one L4", "[perf][moe]") {
  const Catalog& c = shipped();
  const ModelArch& m = *c.find_model("gpt-oss-120b");
  const Precision& mx = *c.find_precision("mxfp4");
  const Precision& bf16 = *c.find_precision("bf16");
  // Experts: 36 layers x 128 x 3 x 2880 x 2880 = 114,661,785,600 params x 0.53125 B = 60,914,073,600 B;
  // the rest 116.83e9 - 114,661,785,600 = 2,168,214,400 params x 2 B = 4,336,428,800 B.
  // Total 65,250,502,400 B = 60.77 GiB.
  CHECK(routed_expert_params(m) == 114661785600.0);
  CHECK(weights_bytes(m, mx) == Approx(65250502400.0));
  // KV: 8 heads x 64 x 2 (K, V) = 1,024 elements x 2 B x 36 layers = 73,728 B per token up to the
  // 128-token window. At 8,192 tokens: 18 global layers x 8,192 + 18 local x 128 = 149,760
  // token-layers x 2,048 B = 306,708,480 B, 37,440 B per token.
  CHECK(kv_bytes_per_token(m, bf16) == 73728.0);
  CHECK(kv_bytes_per_sequence(m, bf16, 8192) == 306708480.0);
  // One H100: 72 GiB usable = 77,309,411,328 B - 65,250,502,400 - 1.5 GiB (1,610,612,736)
  // = 10,448,296,192 B of KV / 37,440 = 279,067 tokens -> 34 sequences of 8,192.
  PerfModel h100(m, *c.find_gpu("h100-sxm"), mx, bf16, 1, c.efficiency);
  MemoryPlan mp = h100.memory(8192);
  CHECK(mp.fits);
  CHECK(mp.kv_budget_bytes == Approx(10448296192.0));
  CHECK(mp.kv_tokens == 279067.0);
  CHECK(h100.max_sequences(8192) == 34);
  // One L4: 24 GiB x 0.9 = 21.6 GiB usable, below the 60.8 GiB of weights.
  PerfModel l4(m, *c.find_gpu("l4"), mx, bf16, 1, c.efficiency);
  CHECK_FALSE(l4.memory(8192).fits);
  CHECK_THAT(deployment_problem(l4, 8192), Catch::Contains("weights need 60.8 GiB per GPU"));
}

TEST_CASE("DeepSeek-R1: MLA KV and FP8 weights on 8x H200", "[perf][mla]") {
  const Catalog& c = shipped();
  const ModelArch& m = *c.find_model("deepseek-r1");
  const Precision& fp8 = *c.find_precision("fp8");
  // MLA: (512 + 64) elements x 61 layers = 35,136 elements per token: 70,272 B in bf16, 35,136 in fp8.
  CHECK(kv_bytes_per_token(m, *c.find_precision("bf16")) == 70272.0);
  CHECK(kv_bytes_per_token(m, fp8) == 35136.0);
  // Routed experts: 58 MoE layers (61 - 3 dense) x 256 x 3 x 7168 x 2048 = 653,908,770,816 params.
  CHECK(m.moe_layers() == 58);
  CHECK(routed_expert_params(m) == 653908770816.0);
  const GpuSpec& h200 = *c.find_gpu("h200");
  // tp 8: 671e9 B / 8 = 83,875,000,000 B per GPU; usable 141 GiB x 0.9 = 136,257,837,465.6 B;
  // KV budget 136,257,837,465.6 - 83,875,000,000 - 1,610,612,736 = 50,772,224,729.6 B; the latent is
  // replicated on every GPU: / 35,136 = 1,445,020 tokens.
  PerfModel tp(m, h200, fp8, fp8, 8, c.efficiency, Parallel::tp);
  MemoryPlan mt = tp.memory(4096);
  CHECK(mt.fits);
  CHECK(mt.weights_bytes == Approx(83875000000.0));
  CHECK(mt.kv_tokens == 1445020.0);
  // dep 8: the non-expert 17,091,229,184 B whole + 653,908,770,816 / 8 = 98,829,825,536 B per GPU;
  // budget 35,817,399,193.6 B, and each GPU keeps its own sequences: 35,136 / 8 = 4,392 B per
  // token of the replica -> 8,155,145 tokens.
  PerfModel dep(m, h200, fp8, fp8, 8, c.efficiency, Parallel::dep);
  MemoryPlan md = dep.memory(4096);
  CHECK(md.fits);
  CHECK(md.weights_bytes == Approx(98829825536.0));
  CHECK(md.kv_tokens == 8155145.0);
  // On fewer than 8 H200s it does not fit: 671e9 / 4 = 156 GiB per GPU.
  CHECK(smallest_fitting_tp(c, m, h200, fp8, fp8, 4096, 8) == 8);
}

TEST_CASE("Gemma 3 27B: five of six layers keep a 1,024-token window", "[perf][window]") {
  const Catalog& c = shipped();
  const ModelArch& m = *c.find_model("gemma-3-27b");
  const Precision& bf16 = *c.find_precision("bf16");
  // 16 KV heads x 128 x 2 = 4,096 elements x 2 B = 8,192 B per token-layer; x 62 layers = 507,904 B per
  // token up to the window.
  CHECK(kv_bytes_per_token(m, bf16) == 507904.0);
  // 8,192 tokens: 10 global layers x 8,192 + 52 local x 1,024 = 135,168 token-layers x 8,192 B
  // = 1,107,296,256 B (full attention would need 62 x 8,192 x 8,192 = 4,160,749,568 B).
  CHECK(kv_bytes_per_sequence(m, bf16, 8192) == 1107296256.0);
  // One H100: 77,309,411,328 - 27.4e9 x 2 - 1,610,612,736 = 20,898,798,592 B of KV; 135,168 B per
  // token at 8,192 -> 154,613 tokens, 18 sequences.
  PerfModel pm(m, *c.find_gpu("h100-sxm"), bf16, bf16, 1, c.efficiency);
  MemoryPlan mp = pm.memory(8192);
  CHECK(mp.fits);
  CHECK(mp.kv_bytes_per_token == 135168.0);
  CHECK(mp.kv_tokens == 154613.0);
  CHECK(pm.max_sequences(8192) == 18);
}

TEST_CASE("catalog MoE entries: the model cards' counts agree with the configs' shapes", "[perf][moe]") {
  const Catalog& c = shipped();
  // Routed experts of each config (3 x hidden x expert_ffn x experts x MoE layers) must not exceed the
  // card's total, and top_k of them plus the rest must come within 10% of the card's active count
  // (Llama 4's totals include its ~1.5B-parameter vision encoder, which its active count leaves out:
  // Scout 109 - 96.6 routed + 6.0 active = 18.4B against 17B, 8% over).
  for (const char* id : {"gpt-oss-20b", "gpt-oss-120b", "deepseek-v3", "qwen3-30b-a3b", "qwen3-235b-a22b",
                         "llama-4-scout", "llama-4-maverick", "mixtral-8x22b"}) {
    INFO(id);
    const ModelArch& m = *c.find_model(id);
    const double routed = routed_expert_params(m), active = active_routed_params(m);
    CHECK(routed < m.params_total);
    CHECK((m.params_total - routed + active) == Approx(m.params_active).epsilon(0.10));
  }
}

TEST_CASE("formats per vendor: NVFP4 on NVIDIA only, the OCP MX formats on MI355X", "[perf][precision]") {
  const Catalog& c = shipped();
  const ModelArch& m = *c.find_model("deepseek-r1");
  auto problem = [&](const char* gpu, const char* prec) {
    const Precision& p = *c.find_precision(prec);
    return deployment_problem(
        PerfModel(m, *c.find_gpu(gpu), p, *c.find_precision(p.default_kv), 8, c.efficiency, Parallel::ep), 2000);
  };
  // MI355X has FP4 tensor cores, but NVFP4 is NVIDIA's block format.
  CHECK(problem("mi355x", "nvfp4").find("nvfp4 is a format of nvidia GPUs only, and mi355x is an amd GPU") == 0);
  CHECK(problem("mi355x", "mxfp4").empty());
  CHECK(problem("mi355x", "mxfp6").empty());
  CHECK(problem("b200", "nvfp4").empty());
  // MXFP6: 6 bits + an 8-bit scale per 32 = 6.25 bits = 0.78125 B; MI355X multiplies it at its
  // 10,066 dense MXFP6 TFLOPS.
  CHECK(c.find_precision("mxfp6")->bytes == 0.78125);
  const Precision& mx6 = *c.find_precision("mxfp6");
  PerfModel pm(m, *c.find_gpu("mi355x"), mx6, *c.find_precision("bf16"), 8, c.efficiency, Parallel::ep);
  CHECK(pm.linear_flops_per_s() == Approx(10066e12 * c.efficiency.e_fl_8.value));
}

TEST_CASE("scale-up domains: NVL72 replicas, the inter-node link past the domain", "[perf][scale]") {
  const Catalog& c = shipped();
  // Counts searched: powers of two up to the domain, and the domain.
  CHECK(replica_gpu_counts(*c.find_gpu("h100-sxm")) == std::vector<int>{1, 2, 4, 8});
  CHECK(replica_gpu_counts(*c.find_gpu("gb200")) == std::vector<int>{1, 2, 4, 8, 16, 32, 64, 72});
  // gb300: the NVL72 totals / 72 (nvidia-gb300): 288 GB, 8 TB/s, 15 PF dense FP4.
  const GpuSpec& gb300 = *c.find_gpu("gb300");
  CHECK(gb300.memory_gib == 288);
  CHECK(gb300.hbm_gb_per_s == 8000);
  CHECK(*gb300.fp4_tflops == 15000);
  CHECK(gb300.scaleup_gpus == 72);
  // The link: NVLink within the 72 (900 GB/s a direction), the 800 Gb/s NIC (100 GB/s) past it.
  CHECK(link_bytes_per_s(gb300, 72) == 900e9);
  CHECK(link_bytes_per_s(gb300, 144) == 100e9);
  // h100-sxm: 450 GB/s NVLink within 8, 50 GB/s (400 Gb/s) between servers.
  CHECK(link_bytes_per_s(*c.find_gpu("h100-sxm"), 8) == 450e9);
  CHECK(link_bytes_per_s(*c.find_gpu("h100-sxm"), 16) == 50e9);
  // Domains a replica spans: 16 H100 are 2 servers of 8, 12 are 2 of 6 (spread evenly), 72
  // GB200 one NVL72, 144 two; only a replica across domains carries the note.
  const auto domains = [&](const char* gpu, int g) {
    const ScaleupDomains d = scaleup_domains(*c.find_gpu(gpu), g);
    return std::pair<int, double>{d.count, d.gpus_each};
  };
  CHECK(domains("h100-sxm", 8) == std::pair<int, double>{1, 8});
  CHECK(domains("h100-sxm", 16) == std::pair<int, double>{2, 8});
  CHECK(domains("h100-sxm", 12) == std::pair<int, double>{2, 6});
  CHECK(domains("gb200", 72) == std::pair<int, double>{1, 72});
  CHECK(domains("gb200", 144) == std::pair<int, double>{2, 72});
  CHECK(domains("l40s", 16) == std::pair<int, double>{1, 16});  // no inter-node link: never split
  CHECK(scaleout_note(*c.find_gpu("gb200"), 72).empty());
  CHECK(scaleout_note(*c.find_gpu("h100-sxm"), 16).find("16 GPUs span 2 scale-up domains of 8") == 0);
  // A GPU without an inter-node link in the catalog stays within its domain.
  const ModelArch& l8 = *c.find_model("llama-3.1-8b");
  const Precision& bf16 = *c.find_precision("bf16");
  PerfModel l40s(l8, *c.find_gpu("l40s"), bf16, bf16, 16, c.efficiency);
  CHECK(deployment_problem(l40s, 1000).find("16 GPUs exceed l40s's scale-up domain of 8") == 0);
}

TEST_CASE("past one server the all-reduce is hierarchical and only the traffic between servers takes the NIC",
          "[perf][scale]") {
  const Catalog& c = shipped();
  const ModelArch& l8 = *c.find_model("llama-3.1-8b");  // 32 layers, hidden 4,096
  const Precision& bf16 = *c.find_precision("bf16");
  const GpuSpec& h100 = *c.find_gpu("h100-sxm");
  // Catalog: NVLink 450 GB/s and NIC 50 GB/s a direction, both at link_efficiency 0.80:
  // 360e9 and 40e9 B/s; all-reduce 5 us to start and 1 us a hop. 8,192 tokens: a message of
  // M = 8,192 x 4,096 x 2 B = 67,108,864 B, two all-reduces per layer (x 64).
  const double m = 8192.0 * 4096 * 2;
  // 8 GPUs, one server: ring, 2 x 7 hops, 2 x 7/8 x M / 360e9 = 326.223 us.
  const PerfModel one(l8, h100, bf16, bf16, 8, c.efficiency);
  CHECK(one.comm_s(8192) == Approx(64 * (5e-6 + 14e-6 + 1.75 * m / 360e9)));
  // 16 GPUs over 2 servers of 8: reduce-scatter and all-gather within each server (2 x 7/8 x M
  // over NVLink, 326.223 us) and an all-reduce of each GPU's M / 8 shard with its peer over
  // the NIC (2 x 1/2 x 8,388,608 B / 40e9 = 209.715 us); hops 2 x (7 + 1) = 16: 21 us.
  // 64 x (21 + 326.223 + 209.715) us = 35.644 ms (every byte over the NIC, a ring of 16,
  // would take 64 x (35 us + 1.875 x M / 40e9 = 3,145.7 us) = 203.6 ms).
  const PerfModel two(l8, h100, bf16, bf16, 16, c.efficiency);
  CHECK(two.comm_s(8192) == Approx(64 * (21e-6 + 1.75 * m / 360e9 + m / 8 / 40e9)));
  CHECK(two.comm_s(8192) == Approx(0.035644).epsilon(1e-4));
  // dep: DeepSeek-R1 (58 MoE layers, top 8 of its experts, hidden 7,168) on 16 H200 (the
  // same links): 16 tokens, one a GPU, sent as 8 copies of 7,168 x 2 B = 114,688 B; 7/16 of
  // them to the 7 other GPUs of its server (50,176 B / 360e9 = 0.139 us) and 8/16 to the
  // other server (57,344 B / 40e9 = 1.434 us) at once: 1.434 us, and 5 + 15 x 1 us of latency.
  // 2 x 58 x 21.4336 us = 2.4863 ms.
  const ModelArch& r1 = *c.find_model("deepseek-r1");
  const Precision& fp8 = *c.find_precision("fp8");
  const PerfModel dep(r1, *c.find_gpu("h200"), fp8, fp8, 16, c.efficiency, Parallel::dep);
  CHECK(dep.comm_s(16) == Approx(116 * (20e-6 + 57344 / 40e9)));
  CHECK(dep.comm_s(16) == Approx(2.4863e-3).epsilon(1e-4));
}

TEST_CASE("DeepSeek-R1 dep on 72 GB200: at most 4 experts a GPU, hand-worked", "[perf][scale][moe]") {
  const Catalog& c = shipped();
  const ModelArch& m = *c.find_model("deepseek-r1");
  const Precision& fp8 = *c.find_precision("fp8");
  PerfModel pm(m, *c.find_gpu("gb200"), fp8, fp8, 72, c.efficiency, Parallel::dep);
  // Routed experts: 58 MoE layers x 256 x (3 x 7,168 x 2,048 = 44,040,192) = 653,908,770,816 B
  // at fp8. The rest: 671e9 - 653,908,770,816 = 17,091,229,184 B, whole on every GPU
  // (data-parallel attention). 256 experts over 72 GPUs: ceil(256 / 72) = 4 on the busiest,
  // 653,908,770,816 x 4 / 256 = 10,217,324,544 B. Per GPU: 27,308,553,728 B.
  const MemoryPlan mp = pm.memory(2000);
  CHECK(mp.weights_bytes == Approx(27308553728.0));
  CHECK(mp.fits);
  CHECK(deployment_problem(pm, 2000).empty());
  // KV: each GPU holds its own sequences: 35,136 B per token / 72.
  CHECK(mp.kv_bytes_per_token == Approx(35136.0 / 72));
}

TEST_CASE("hybrid expert layout: moe_tp x moe_ep, hand-worked", "[perf][moe]") {
  const Catalog& c = fixture();
  const ModelArch& m = *c.find_model("round-moe");
  const Precision& bf16 = *c.find_precision("bf16");
  const GpuSpec& gpu = *c.find_gpu("unit-gpu");
  // dep on 4 GPUs, each expert sliced over 2 (moe_tp 2), the 4 experts split over 2 groups.
  PerfModel hybrid(m, gpu, bf16, bf16, 4, c.efficiency, Parallel::dep, 2);
  PerfModel pure(m, gpu, bf16, bf16, 4, c.efficiency, Parallel::dep);
  CHECK(hybrid.moe_ep() == 2);
  CHECK(deployment_problem(hybrid, 1000).empty());
  // Weights: the same 1 / 4 of the experts a GPU (2 experts a group, halved): 1.76e9 + 2.4e8 / 4.
  CHECK(hybrid.memory(1000).weights_bytes == Approx(1.82e9));
  CHECK(pure.memory(1000).weights_bytes == Approx(1.82e9));
  // Decode B = 2, C = 1000: experts touched 1 - 0.75^2 = 0.4375. Balls into 2 groups:
  // 1 + sqrt(2 x 2 x ln 2 / (2 tokens x 1)) = 2.177, at most the 2 groups: 2, x 0.4375 = 0.875
  // < 1, so the busiest GPU reads 2.4e8 / 4 x 0.875 = 5.25e7 B of experts beside the 1.76e9 B
  // of the rest: 1.8125e9 B / 5e11 B/s = 3.625 ms (the FLOPs take 0.02 ms). Over 4 single
  // GPUs: 1 + sqrt(2 x 4 x ln 4 / 2) = 3.355, x 0.4375 > 1: every local expert, 1.82e9 B, 3.64 ms.
  CHECK(hybrid.decode_step(2, 1000).linear == Approx(3.625e-3));
  CHECK(pure.decode_step(2, 1000).linear == Approx(3.64e-3));
  // moe_tp must divide the GPUs, and layout tp has no expert groups to slice within.
  CHECK(deployment_problem(PerfModel(m, gpu, bf16, bf16, 4, c.efficiency, Parallel::dep, 3), 1000)
            .find("moe_tp 3 does not divide the replica's 4 GPUs") == 0);
  CHECK(deployment_problem(PerfModel(m, gpu, bf16, bf16, 2, c.efficiency, Parallel::tp, 2), 1000)
            .find("moe_tp 2 slices experts within expert-parallel groups") == 0);
}

TEST_CASE("property: expert-parallel replicas of any size hold every weight, less a GPU as they grow",
          "[perf][moe][scale]") {
  const Catalog& c = shipped();
  const GpuSpec& gpu = *c.find_gpu("gb300");
  const Precision& fp8 = *c.find_precision("fp8");
  for (const ModelArch& m : c.models) {
    if (!m.is_moe()) continue;
    const double total = weights_bytes(m, fp8);
    for (Parallel layout : {Parallel::ep, Parallel::dep}) {
      double previous = std::numeric_limits<double>::infinity();
      for (int g = 1; g <= std::min(m.experts, 144); ++g) {
        INFO(m.id << " " << to_string(layout) << " on " << g);
        const double per_gpu = PerfModel(m, gpu, fp8, fp8, g, c.efficiency, layout).memory(1000).weights_bytes;
        // The replica's GPUs together hold at least the whole model (more when g does not
        // divide the experts, or under dep, which copies all but the experts).
        CHECK(per_gpu * g >= total * (1 - 1e-12));
        // Never more on a GPU as the replica grows.
        CHECK(per_gpu <= previous * (1 + 1e-12));
        previous = per_gpu;
        // A hybrid over the same GPUs holds as much a GPU as the experts' whole split, or more.
        for (int moe_tp = 2; moe_tp <= g; moe_tp *= 2) {
          if (g % moe_tp != 0) continue;
          const double hybrid =
              PerfModel(m, gpu, fp8, fp8, g, c.efficiency, layout, moe_tp).memory(1000).weights_bytes;
          CHECK(hybrid * g >= total * (1 - 1e-12));
        }
      }
    }
  }
}

TEST_CASE("prefix cache: prefill work and KV room at a 50% hit rate, hand-worked", "[perf][cache]") {
  PerfModel pm = model_of(fixture(), "round", "unit-gpu", "bf16", 1);
  // I = 1000, O = 100: context 1,100; the KV cache holds 164,748 tokens (memory plan above).
  // Half the input cached, one prefix of 500 tokens (the default, 0.5 x 1000).
  ServingModel sm(pm, 1000, 100, 8e-3, 0, PrefixCache{0.5, 500});
  CHECK(sm.cache_hit_share() == 0.5);
  CHECK(sm.cache_tokens_held() == 500.0);
  // Batched prefill work: work(1000) - work(500). work(1000) = 40 linear + 0.4 attention + 2
  // fixed = 42.4 ms; work(500) shares a 1000-token step half: 20 linear + 1 fixed, and its
  // own attention 4 x 10 x 1000 x 500^2 / 2 = 5e9 FLOPs / 5e13 = 0.1 ms: 21.1 ms. So 21.3 ms:
  // 20 ms for the 500 new tokens, 0.3 ms of their attention over all 1000, 1 ms fixed.
  CHECK(sm.prefill_work_s() == Approx(21.3e-3));
  // Idle prefill: max(t_pre(1000) - t_pre(500), t_pre(500)). t_pre(500): linear
  // ((2e9 - 2e6) x 500 + 2e6) / 5e13 = 19.98004 ms + 0.1 attention + 2 fixed = 22.08004 ms;
  // t_pre(1000) = 42.36004 ms (above), so the difference is 20.28 ms: 22.08004 ms.
  CHECK(sm.prefill_s() == Approx(22.08004e-3));
  // TPOT at capacity = 6 + 0.084 B + B x 21.3 / 99 = 6 + 0.2991515 B ms <= 8: B = 6 (3 uncached).
  CHECK(sm.batch() == 6);
  // KV room: 50,000 prefix tokens held leave (164,748 - 50,000) / 1,100 = 104.3 -> 104
  // sequences (149 without a cache), and every prefix fits: the hit share stays 0.5.
  ServingModel big(pm, 1000, 100, std::nullopt, 0, PrefixCache{0.5, 50000});
  CHECK(big.max_batch() == 104);
  CHECK(big.cache_hit_share() == 0.5);
  // 200,000 prefix tokens exceed the room one request leaves (164,748 - 1,100 = 163,648):
  // 163,648 held, hit share 0.5 x 163,648 / 200,000 = 0.40912, one sequence.
  ServingModel over(pm, 1000, 100, std::nullopt, 0, PrefixCache{0.5, 200000});
  CHECK(over.cache_tokens_held() == 163648.0);
  CHECK(over.cache_hit_share() == Approx(0.40912));
  CHECK(over.max_batch() == 1);
  // No cache: as before.
  ServingModel none(pm, 1000, 100, 8e-3);
  CHECK(none.cache_hit_share() == 0.0);
  CHECK(none.prefill_work_s() == Approx(42.4e-3));
}

TEST_CASE("prefix cache: the mix's cached share and prefix tokens", "[perf][cache]") {
  // a: 100 requests x 1,000 input, 60% cached, no prefix given (0.6 x 1000 = 600 tokens);
  // b: 300 requests x 200 input, no cache; c: 100 x 1,000, 20% cached, 4,000 prefix tokens.
  // Cached input: 100 x 1000 x 0.6 + 100 x 1000 x 0.2 = 80,000 of 100,000 + 60,000 + 100,000
  // = 260,000 input tokens: 0.307692. Prefixes held: 600 + 4,000 = 4,600.
  Workload a, b, c;
  a.requests_per_day = 100, a.input_tokens = 1000, a.output_tokens = 10, a.cached_input_share = 0.6;
  b.requests_per_day = 300, b.input_tokens = 200, b.output_tokens = 10;
  c.requests_per_day = 100, c.input_tokens = 1000, c.output_tokens = 10, c.cached_input_share = 0.2;
  c.shared_prefix_tokens = 4000;
  const WorkloadMix mix = WorkloadMix::of({a, b, c});
  CHECK(mix.cached_input_share == Approx(80000.0 / 260000.0));
  CHECK(mix.shared_prefix_tokens == 4600.0);
}
