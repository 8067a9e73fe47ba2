// The roofline and serving model, on hand-worked cases.
#include <catch2/catch.hpp>

#include "catalogs.hpp"

#include "plan/core/perf.hpp"

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
  CHECK_THROWS_AS(model_of(fixture(), "round", "unit-gpu", "bf16", 3), Error);
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
  CHECK(sm.replicas_for(3.0, 0.040) == -1);
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
  CHECK(on_eight.spec().provenance_source == "calib/catalog.yaml: llama-3.1-70b on h100-sxm");
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
