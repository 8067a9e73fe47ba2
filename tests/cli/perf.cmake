# plan perf, and compare with options sized by the catalog performance model.
plan_cli_test(perf.table --rc 0 --stdout-re "^fits +yes" --stdout-re "^KV per token +131072 "
  --stdout-re "^bound +(memory|compute)"
  -- perf --model llama-3.1-8b --gpu a100-80gb-sxm --input 215 --output 194)
plan_cli_test(perf.json --rc 0 --stdout-re "\"fits\": true" --stdout-re "\"tp\": 1,"
  --stdout-re "\"max_concurrency\": [0-9]+" --stdout-re "\"ttft_ms\": [0-9.]+" --stdout-re "\"tpot_ms\": [0-9.]+"
  --stdout-re "\"output_tokens_per_s\": [0-9.]+" --stdout-re "\"total_tokens_per_s\": [0-9.]+"
  --stdout-re "\"bound\": \"(memory|compute)\""
  -- perf --model llama-3.1-8b --gpu h100-sxm --input 1000 --output 200 --format json)
# Offline saturation: the engine's 256-sequence cap (KV holds more at this context).
plan_cli_test(perf.max --rc 0 --stdout-re "\"mode\": \"max\"" --stdout-re "\"batch\": 256,"
  -- perf --model llama-3.1-8b --gpu a100-80gb-sxm --input 215 --output 194 --concurrency max --format json)
plan_cli_test(perf.rate --rc 0 --stdout-re "\"mode\": \"rate\"" --stdout-re "\"ttft_p95_ms\": [0-9.]+"
  -- perf --model llama-3.1-8b --gpu a100-80gb-sxm --input 215 --output 194 --rate 4 --format json)
plan_cli_test(perf.overloaded --rc 0 --stdout-re "\"stable\": false" --stdout-re "exceeds the replica's capacity"
  -- perf --model llama-3.1-8b --gpu l4 --input 100 --output 100 --rate 1000 --format json)
# 70B fp16: 131.5 GiB of weights do not fit one A100 80GB (72 GiB usable); two do.
plan_cli_test(perf.no_fit --rc 0 --stdout-re "\"fits\": false" --stdout-re "\"reason\": \"weights need 131.5 GiB"
  -- perf --model llama-3.1-70b --gpu a100-80gb-sxm --precision fp16 --tp 1 --input 100 --output 100 --format json)
plan_cli_test(perf.smallest_tp --rc 0 --stdout-re "\"tp\": 2," --stdout-re "\"fits\": true"
  -- perf --model llama-3.1-70b --gpu a100-80gb-sxm --precision fp16 --input 100 --output 100 --format json)
plan_cli_test(perf.fp8_kv --rc 0 --stdout-re "\"kv_bytes_per_token\": 65536,"
  -- perf --model llama-3.1-8b --gpu h100-sxm --precision fp8 --input 100 --output 100 --format json)
plan_cli_test(perf.unknown_model --rc 2
  --stderr-exact "plan: error: unknown model 'nope' (expected one of: llama-3.1-8b, llama-3.1-70b, llama-3.1-405b, mistral-7b, mixtral-8x7b, qwen2.5-7b, qwen2.5-72b, llama-7b, gpt-oss-20b, gpt-oss-120b, deepseek-v3, deepseek-r1, deepseek-v3.1, deepseek-v3.2, glm-5, glm-5.2, glm-4.6, glm-4.5, qwen3.5-397b-a17b, qwen3-next-80b-a3b, qwen3.5-122b-a10b, qwen3.5-35b-a3b, qwen3.5-27b, qwen3-coder-480b-a35b, kimi-k2.5, kimi-k2, minimax-m2.5, minimax-m2.7, step-3.7-flash, mimo-7b, qwen3-0.6b, qwen3-1.7b, qwen3-8b, qwen3-32b, qwen3-30b-a3b, qwen3-235b-a22b, llama-3.3-70b, llama-4-scout, llama-4-maverick, mixtral-8x22b, gemma-3-27b)"
  -- perf --model nope --gpu h100-sxm --input 1 --output 1)
plan_cli_test(perf.unknown_gpu --rc 2 --stderr-re "^plan: error: unknown GPU 'v100' \\(expected one of: a10g, "
  -- perf --model llama-3.1-8b --gpu v100 --input 1 --output 1)
plan_cli_test(perf.unknown_precision --rc 2 --stderr-re "^plan: error: unknown precision 'fp4' "
  -- perf --model llama-3.1-8b --gpu h100-sxm --precision fp4 --input 1 --output 1)
plan_cli_test(perf.bad_tp --rc 2
  --stderr-exact "plan: error: --gpus 2000 is not a supported GPU count per replica (expected 1 to 1024)"
  -- perf --model llama-3.1-8b --gpu h100-sxm --tp 2000 --input 1 --output 1)
# Any count the layout allows: 3 GPUs do not divide Llama 3.1 8B's 32 heads.
plan_cli_test(perf.odd_tp --rc 0 --stdout-re "^fits +no +llama-3.1-8b has 32 attention heads, which TP 3 does not divide"
  -- perf --model llama-3.1-8b --gpu h100-sxm --tp 3 --input 1 --output 1)
# Past the NVLink domain of 8, the inter-node link of the catalog (h100-sxm: 50 GB/s a GPU);
# a GPU without one in the catalog stays within its domain.
plan_cli_test(perf.two_nodes --rc 0 --stdout-re "^fits +yes" --stdout-re "^GPUs per replica +16 +given"
  -- perf --model deepseek-r1 --gpu h100-sxm --precision fp8 --gpus 16 --parallel dep --input 1000 --output 200)
plan_cli_test(perf.no_scaleout --rc 0
  --stdout-re "^fits +no +16 GPUs exceed l40s's scale-up domain of 8, and the catalog gives no inter-node link"
  -- perf --model llama-3.1-8b --gpu l40s --gpus 16 --input 100 --output 100)
# A rack-scale replica: 72 GPUs of one GB200 NVL72 NVLink domain, experts split over all of
# them (256 / 72: at most 4 a GPU), attention data parallel. Every GPU is an attention-DP rank
# with its own scheduler of TensorRT-LLM's 2,048 sequences: 2,048 x 72 = 147,456 for the
# replica. The KV cache binds first: per GPU 186 GiB x 0.90 = 167.4 GiB usable, less 1.5 GiB
# overhead and the weights (the 17.1B parameters outside the routed experts, replicated, and 4
# of each layer's 256 experts, 653.9B / 64 = 10.2B: 27.3B x 2 B = 50.88 GiB) leaves 115.02 GiB,
# 1,757,448 tokens of 70,272 B (MLA latent 576 x 61 layers x 2 B); x 72 / 2,000 tokens = 63,268
# sequences (the rounded parameter counts here; the catalog's exact ones land within 63,200-63,299).
# Under vLLM, 1,024 a rank: 73,728, still above the KV cache's.
plan_cli_test(perf.nvl72_dep --rc 0 --stdout-re "^fits +yes" --stdout-re "^GPUs per replica +72 +given"
  --stdout-re "^parallel layout +dep +given" --stdout-re "^max concurrent sequences +632[0-9][0-9] "
  -- perf --model deepseek-r1 --gpu gb200 --gpus 72 --parallel dep --engine trtllm --input 1000 --output 1000 --concurrency max)
# A small model on one H100 under SGLang: the KV cache holds 455,008 tokens of Llama 3.1 8B in
# bf16 (80 GiB x 0.90 - 1.5 GiB - 14.957 GiB of weights = 55.543 GiB / 131,072 B), 4,550 requests of
# 100 tokens; SGLang's 2,048 a scheduler caps it; vLLM's default on an H100, 1,024; on an L40S 256.
plan_cli_test(perf.engine_batch_sglang --rc 0 --stdout-re "^max concurrent sequences +2048 +sglang's limit, 2048 a scheduler$"
  --stdout-re "batch limit calib/catalog\\.yaml:[0-9]+ \\(sglang-max-running-requests\\)"
  -- perf --model llama-3.1-8b --gpu h100-sxm --engine sglang --input 50 --output 50 --concurrency max)
plan_cli_test(perf.engine_batch_vllm --rc 0 --stdout-re "^max concurrent sequences +1024 "
  -- perf --model llama-3.1-8b --gpu h100-sxm --input 50 --output 50 --concurrency max)
plan_cli_test(perf.engine_batch_vllm_l40s --rc 0 --stdout-re "^max concurrent sequences +256 +vllm's limit, 256 a scheduler$"
  -- perf --model llama-3.1-8b --gpu l40s --input 50 --output 50 --concurrency max)
# 512 requests in a closed loop under SGLang: all in the batch, no admission wait (at a limit of
# 256, the other 256 would wait for a slot).
plan_cli_test(perf.engine_batch_no_wait --rc 0 --stdout-not-re "admission wait"
  --stdout-re "^batch +512\\.0 "
  -- perf --model llama-3.1-8b --gpu h100-sxm --engine sglang --input 50 --output 50 --concurrency 512)
# A hybrid: experts sliced over 4 GPUs (moe_tp) and split over 18 groups (moe_ep) of the 72.
plan_cli_test(perf.nvl72_hybrid --rc 0 --stdout-re "^fits +yes" --stdout-re "^experts +4 x 18 +moe_tp x moe_ep"
  -- perf --model deepseek-r1 --gpu gb200 --gpus 72 --parallel dep --moe-tp 4 --input 1000 --output 1000)
# Attention over 64 B200s of 8 servers, experts 8 x 8 (a measured TensorRT-LLM and SGLang layout).
plan_cli_test(perf.b200_64_hybrid --rc 0 --stdout-re "^fits +yes" --stdout-re "^experts +8 x 8 "
  -- perf --model deepseek-v3 --gpu b200 --precision fp8 --gpus 64 --parallel ep --moe-tp 8 --input 1000 --output 1000)
plan_cli_test(perf.moe_tp_no_gpus --rc 2 --stderr-re "^plan: error: --moe-tp 2 needs --gpus"
  -- perf --model deepseek-r1 --gpu gb200 --moe-tp 2 --input 1000 --output 1000)
plan_cli_test(perf.gb300 --rc 0 --stdout-re "^fits +yes"
  -- perf --model glm-5 --gpu gb300 --precision nvfp4 --input 8000 --output 1000)
# Formats per vendor: NVFP4 is NVIDIA's; MI355X runs the OCP MX formats.
plan_cli_test(perf.nvfp4_on_mi355x --rc 0
  --stdout-re "^fits +no +nvfp4 is a format of nvidia GPUs only, and mi355x is an amd GPU"
  -- perf --model deepseek-r1 --gpu mi355x --precision nvfp4 --gpus 8 --input 1000 --output 200)
plan_cli_test(perf.mxfp4_on_mi355x --rc 0 --stdout-re "^fits +yes"
  -- perf --model deepseek-r1 --gpu mi355x --precision mxfp4 --gpus 8 --input 1000 --output 200)
plan_cli_test(perf.mxfp6_on_mi355x --rc 0 --stdout-re "^fits +yes"
  -- perf --model deepseek-r1 --gpu mi355x --precision mxfp6 --gpus 8 --input 1000 --output 200)
# --model hf:PATH: every config in calib/configs runs on B200 (its quantization_config sets the
# precision; none: bf16).
foreach(cfg Qwen--Qwen3-235B-A22B-FP8 Qwen--Qwen3-32B Qwen--Qwen3.5-397B-A17B deepseek-ai--DeepSeek-R1
        deepseek-ai--DeepSeek-V3 meta-llama--Meta-Llama-3.1-70B meta-llama--Meta-Llama-3.1-8B
        nvidia--DeepSeek-V3.1-NVFP4 openai--gpt-oss-120b zai-org--GLM-5 MiniMaxAI--MiniMax-M2.5
        MiniMaxAI--MiniMax-M2.7 moonshotai--Kimi-K2.5 moonshotai--Kimi-K2-Instruct Qwen--Qwen3.5-122B-A10B
        Qwen--Qwen3.5-35B-A3B Qwen--Qwen3.5-27B Qwen--Qwen3-Coder-480B-A35B-Instruct zai-org--GLM-5.2
        nvidia--GLM-5.2-NVFP4 meta-llama--Meta-Llama-3.1-405B stepfun-ai--Step-3.7-Flash XiaomiMiMo--MiMo-7B-Base
        Qwen--Qwen3-0.6B Qwen--Qwen3-1.7B nvidia--Qwen3.6-35B-A3B-NVFP4 Qwen--Qwen3-32B-FP8-Static-PerTensor)
  plan_cli_test(perf.hf_${cfg} --rc 0 --stdout-re "^fits +(yes|no)"
    --stdout-re "calib/configs/${cfg}_config.json"
    -- perf --model hf:calib/configs/${cfg}_config.json --gpu b200 --engine sglang --input 1000 --output 200)
endforeach()
plan_cli_test(perf.hf_precision --rc 0 --stdout-re "^fits +yes" --stdout-re "x b200 \\(fp8, KV fp8\\)"
  -- perf --model hf:calib/configs/deepseek-ai--DeepSeek-R1_config.json --gpu b200 --input 1000 --output 200)
# GLM-5.2 in FP8 on 8 B200: KV per token (512 + 64) x 78 + 128 x 21 = 47,616 B.
plan_cli_test(perf.glm_5_2_fp8 --rc 0 --stdout-re "^fits +yes" --stdout-re "^KV per token +47616 "
  -- perf --model glm-5.2 --gpu b200 --gpus 8 --precision fp8 --input 1000 --output 200)
plan_cli_test(perf.hf_gemma4_refused --rc 2
  --stderr-re "^plan: error: calib/configs/google--gemma-4-26B-A4B_config.json:25:5: .*global_head_dim"
  -- perf --model hf:calib/configs/google--gemma-4-26B-A4B_config.json --gpu b200 --input 1000 --output 200)
# At one request, below the loads SGLang's dense Hopper runs start at (16), the engine terms'
# figures are said to be extrapolated; at 16 they are not.
plan_cli_test(perf.engine_extrapolated --rc 0
  --stdout-re "below the loads the engine terms were fitted on: the lowest concurrency of the"
  --stdout-re "sglang runs of dense models on hopper is 16"
  -- perf --model llama-3.1-8b --gpu h100-sxm --input 2048 --output 128 --engine sglang)
plan_cli_test(perf.engine_not_extrapolated --rc 0 --stdout-not-re "below the loads"
  -- perf --model llama-3.1-8b --gpu h100-sxm --input 2048 --output 128 --engine sglang --concurrency 16)
plan_cli_test(perf.hf_no_file --rc 2 --stderr-re "^plan: error: .*nope/config.json"
  -- perf --model hf:nope/config.json --gpu b200 --input 1000 --output 200)
plan_cli_test(perf.bad_concurrency --rc 64 --stderr-re "^plan: error: --concurrency 'lots'"
  -- perf --model llama-3.1-8b --gpu h100-sxm --input 1 --output 1 --concurrency lots)

set(PERF_PROFILE tests/data/profile-perf.yaml)
# H100s: vLLM's Hopper terms size the replicas that fit (engine), the roofline says why the
# others do not (spec).
plan_cli_test(compare.perf_table --rc 0 --stdout-re "^ +small +self_hosted .* engine +yes$"
  --stdout-re "^ +big-on-one +self_hosted .* no$" --stdout-re "^ +big-on-eight +self_hosted .* 2 .* engine +yes$"
  --stdout-re "big-on-one: infeasible: llama-3.1-70b \\(bf16\\) does not fit on instance gpu-2.50"
  --stdout-re "fixed +self_hosted .* override +yes$"
  -- compare ${PERF_PROFILE} --prices ${SHEET})
plan_cli_test(compare.perf_json --rc 0 --stdout-re "\"throughput_provenance\": \"spec\""
  --stdout-re "\"ttft_p95_ms\": [0-9.]+" --stdout-re "calib/catalog.yaml: llama-3.1-70b on h100-sxm"
  -- compare ${PERF_PROFILE} --prices ${SHEET} --format json)
plan_cli_test(compare.perf_unknown_model --rc 2
  --stderr-re "^plan: error: tests/data/profile-perf-unknown.yaml:13:12: model 'no-such-model' is not in calib/catalog.yaml"
  -- compare tests/data/profile-perf-unknown.yaml --prices ${SHEET})
plan_cli_test(compare.perf_ttft_too_tight --rc 0
  --stdout-re "slow-prefill: infeasible: TTFT p95 target 5 ms is below the prefill time of 1000 input tokens"
  -- compare tests/data/profile-perf-tight.yaml --prices ${SHEET})
plan_cli_test(compare.perf_tpot_too_tight --rc 0
  --stdout-re "slow-decode: infeasible: TPOT target 2.0 ms is below one decode step of llama-3.1-8b on 1x h100-sxm"
  -- compare tests/data/profile-perf-tpot.yaml --prices ${SHEET})

# Mixtures of experts, layouts and 4-bit formats (docs/performance-model.md, "Parallel layouts").
plan_cli_test(perf.gpt_oss_h100 --rc 0 --stdout-re "^fits +yes" --stdout-re "^GPUs per replica +1 "
  --stdout-re "^parallel layout +tp " --stdout-re "^weights per GPU +60\\.77 +GiB"
  -- perf --model gpt-oss-120b --gpu h100-sxm --precision mxfp4 --input 2000 --output 500)
plan_cli_test(perf.gpt_oss_l4 --rc 0 --stdout-re "^fits +no +weights need 60\\.8 GiB per GPU at 1 GPUs \\(tp\\)"
  -- perf --model gpt-oss-120b --gpu l4 --precision mxfp4 --gpus 1 --parallel tp --input 2000 --output 500)
plan_cli_test(perf.deepseek_h200_dep --rc 0 --stdout-re "^fits +yes" --stdout-re "^parallel layout +dep +given"
  --stdout-re "^GPUs per replica +8 +given"
  -- perf --model deepseek-r1 --gpu h200 --precision fp8 --gpus 8 --parallel dep --input 2000 --output 1000)
plan_cli_test(perf.deepseek_h200_auto --rc 0 --stdout-re "layout (tp|ep|dep) chosen, the most requests/s per GPU"
  -- perf --model deepseek-r1 --gpu h200 --precision fp8 --input 2000 --output 1000 --concurrency max)
plan_cli_test(perf.nvfp4_on_hopper --rc 0 --stdout-re "nvfp4 weights need fp4 tensor cores, which h100-sxm does not have"
  -- perf --model qwen3-30b-a3b --gpu h100-sxm --precision nvfp4 --gpus 1 --input 100 --output 100)
plan_cli_test(perf.ep_dense --rc 0 --stdout-re "layout ep splits routed experts, and qwen3-8b is a dense model"
  -- perf --model qwen3-8b --gpu h100-sxm --parallel ep --gpus 2 --input 100 --output 100)
plan_cli_test(perf.bad_parallel --rc 64 --stderr-exact "plan: error: --parallel 'pp' is not a layout (expected tp, ep or dep)"
  -- perf --model qwen3-8b --gpu h100-sxm --parallel pp --input 100 --output 100)

# Any model from its config.json: hf: in a profile, and plan models add.
plan_cli_test(compare.hf_model --rc 0 --stdout-re "tiny +self_hosted .* engine +yes$"
  -- compare tests/data/profile-hf.yaml --prices ${SHEET})
plan_cli_test(models.add --rc 0 --env XDG_DATA_HOME=${CMAKE_BINARY_DIR}/xdg-models
  --stdout-re "tiny-moe \\(4 layers, 0\\.00748B parameters"
  --file-re ${CMAKE_BINARY_DIR}/xdg-models/plan/models/tiny-moe.yaml "experts: 16, top_k: 2, moe_ffn: 128"
  -- models add tests/data/hf/tiny-moe/config.json)
plan_cli_test(models.unknown_arch --rc 2
  --stderr-re "^plan: error: tests/data/hf/unknown/config.json:3:3: config.json describes Mamba-2 state-space layers \\(hybrid_override_pattern\\), a layer structure plan does not model \\(expected: GQA, MQA or MLA"
  -- models add tests/data/hf/unknown/config.json --id unknown)
plan_cli_test(models.id_taken --rc 64 --env XDG_DATA_HOME=${CMAKE_BINARY_DIR}/xdg-taken
  --stderr-exact "plan: error: model id 'qwen3-8b' is in the catalog already (expected a new id: give --id)"
  -- models add tests/data/hf/tiny-moe/config.json --id qwen3-8b)

# Length percentiles (docs/profiles.md): memory fit and the context limit at input p99 +
# output p99 = 120,000 tokens (worked in tests/data/profile-perf-p99.yaml): Llama 3.1 70B
# needs 4 GPUs per replica (2 with the means, compare.perf_table), and Mistral 7B's
# 32,768-token context rules it out.
plan_cli_test(compare.perf_p99_lengths --rc 0
  --stdout-re "^[*] +big-on-eight +self_hosted .* 4 tp +[0-9.]+% .* engine +yes$"
  --stdout-re "short-context: infeasible: .*requests of 120000 tokens exceed mistral-7b's 32768-token context"
  --stdout-re "memory and context checked at a request of 120000 tokens \\(input p99 \\+ output p99"
  -- compare tests/data/profile-perf-p99.yaml --prices ${SHEET})

# Citations name the file a catalog entry came from (tests/cli/provenance.sh).
add_test(NAME cli.provenance.entry_files
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/provenance.sh $<TARGET_FILE:plan> tests/data/sheet-basic.yaml
                 ${CMAKE_BINARY_DIR}/provenance-work
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.provenance.entry_files PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")

# The serving engine: named on self-hosted options, vllm by default, and the plan says which.
plan_cli_test(compare.engine --rc 0
  --stdout-re "calib/catalog.yaml: llama-3.1-8b on [a-z0-9-]+, engine vllm \\(default\\)"
  --stdout-re "calib/catalog.yaml: llama-3.1-8b on [a-z0-9-]+, engine sglang 0.5.10\""
  --stdout-re "calib/catalog.yaml: llama-3.1-8b on [a-z0-9-]+, engine trtllm 1.2.0\""
  -- compare tests/data/profile-engine.yaml --prices ${SHEET} --format json)
plan_cli_test(compare.engine_unknown --rc 2
  --stderr-exact "plan: error: tests/data/profile-engine-unknown.yaml:24:13: option 'on-sglang' has engine 'llamacpp' (expected vllm, sglang or trtllm, optionally with a version: sglang@0.5.10)"
  -- compare tests/data/profile-engine-unknown.yaml --prices ${SHEET})
plan_cli_test(perf.engine --rc 0 --stdout-re "engine sglang$"
  -- perf --model deepseek-r1 --gpu h200 --engine sglang --input 1000 --output 200)
# The engine terms size the run where they cover it (TensorRT-LLM's Hopper runs hold 5
# DeepSeek deployments), the roofline's figures beside them, and the provenance says which.
plan_cli_test(perf.engine_terms --rc 0 --stdout-re "\"engine\": \"trtllm\""
  --stdout-re "\"sized_by\": \"engine terms\"" --stdout-re "\"provenance\": \"engine\""
  --stdout-re "\"engine_terms\": \\{" --stdout-re "\"roofline\": \\{" --stdout-re "\"tpot_ms\": [0-9.]+"
  --stdout-re "\"engine_terms_source\": \"engine terms: trtllm/hopper, fitted to [0-9]+ measured runs \\(AIConfigurator silicon sample, ai-dynamo/aiconfigurator@095f58a"
  -- perf --model deepseek-r1 --gpu h200 --precision fp8 --engine trtllm --input 1024 --output 1024
     --concurrency 32 --format json)
plan_cli_test(perf.engine_terms_table --rc 0 --stdout-re "^requests/s, catalog roofline +[0-9.]+ +capacity"
  --stdout-re "^Sized by the engine terms: trtllm/hopper, fitted to [0-9]+ measured runs"
  --stdout-re "^Sources: model calib/catalog.yaml:[0-9]+ .*. the catalog roofline beside it: efficiencies"
  -- perf --model deepseek-r1 --gpu h200 --precision fp8 --engine trtllm --input 1024 --output 1024
     --concurrency 32)
# SGLang's Hopper runs hold 2 MLA deployments, under the 3 the rule needs: the roofline, and why.
plan_cli_test(perf.engine_terms_not_covered --rc 0 --stdout-re "\"engine\": \"sglang 0.5.10\""
  --stdout-re "\"sized_by\": \"catalog roofline\"" --stdout-re "\"engine_terms\": null"
  --stdout-re "\"roofline\": null"
  --stdout-re "not used, the catalog roofline sizes the run: the measured runs hold 2 deployments of latent-attention \\(MLA\\) models on hopper with sglang \\(at least 3 needed\\)"
  -- perf --model deepseek-r1 --gpu h200 --precision fp8 --engine sglang@0.5.10 --input 1024 --output 1024
     --concurrency 32 --format json)
plan_cli_test(perf.engine_default --rc 0 --stdout-re "\"engine\": \"vllm \\(default\\)\""
  -- perf --model llama-3.1-8b --gpu h100-sxm --input 1000 --output 200 --format json)
plan_cli_test(perf.engine_unknown --rc 64
  --stderr-exact "plan: error: --engine 'ollama' is not an engine (expected vllm, sglang or trtllm, optionally with a version: sglang@0.5.10)"
  -- perf --model llama-3.1-8b --gpu h100-sxm --engine ollama --input 1 --output 1)

# plan validate: the shipped measured runs, cross-validated, and a user's own runs.
# Read as deployed, counted by hand from the file: 132 rows whose id's _tpN_epM_ names N GPUs
# where tp_size x attention_dp_size gives N x M (18 + 30 SGLang, 15 + 22 + 27 + 19 + 1
# TensorRT-LLM), and 86 without a layout in the id filed as tp (or attention dp) 16 or 64 with
# experts 4 x 4 or 8 x 8 on servers of 8 (SGLang 18 + 15 + 15, TensorRT-LLM 6 + 1 + 2 + 28 + 1).
plan_cli_test(validate.shipped --rc 0
  --stdout-re "^Read as deployed: 218 runs whose columns file tp x ep as the GPU count"
  --stdout-re "^Predictions: cross-validated, 5 folds grouped by deployment"
  --stdout-re "^  same engine version: [0-9]+ deployments and loads, [0-9]+ runs: TPOT median [0-9.]+% "
  --stdout-re "^In-sample: the terms fitted to every run, on those [0-9]+ distinct runs: TPOT median [0-9.]+% "
  --stdout-re "^sglang +[0-9]+ " --stdout-re "^trtllm +[0-9]+ " --stdout-re "^vllm +[0-9]+ " --stdout-re "^all +[0-9]+ "
  -- validate)
plan_cli_test(validate.by_class --rc 0 --stdout-re "^dense +[0-9]+ " --stdout-re "^mla +[0-9]+ " --stdout-re "^moe +[0-9]+ "
  -- validate --by class)
# By layout, replicas across servers apart (64 B200 are 8 HGX servers of 8; 72 GB200 one NVL72),
# the first column as wide as "dep across servers" (18), so the runs' column still lines up.
plan_cli_test(validate.by_layout --rc 0 --stdout-re "^dep +[0-9]+ " --stdout-re "^tp +[0-9]+ "
  --stdout-re "^layout +runs  TPOT median"
  -- validate --by layout)
# By engine version as the runs state it: TensorRT-LLM 1.0.0rc3 filed 177 Llama-3.1-8B, 63
# Qwen3-235B-A22B-FP8 and 45 Qwen3-32B aggregated runs on H100 (calib/measured/silicon_train.csv),
# 177 + 63 + 45 = 285, every one predicted; runs that state no version apart.
plan_cli_test(validate.by_version --rc 0 --stdout-re "^trtllm 1\\.0\\.0rc3 +285 "
  --stdout-re "^vllm \\(none\\) +[0-9]+ "
  -- validate --by version)
plan_cli_test(validate.own_data --rc 0
  --stdout-re "^Measured runs: tests/data/measured-runs.csv"
  --stdout-re "^Runs: 4 \\(4 aggregated\\). predicted 3 \\(75.0% of the aggregated runs\\)"
  --stdout-re "^3: model nope/nope-7b is not in the catalog$"
  -- validate --data tests/data/measured-runs.csv --by gpu --excluded)
plan_cli_test(validate.bad_number --rc 2
  --stderr-exact "plan: error: tests/data/measured-runs-bad.csv:2:53: isl 'many' is not a number"
  -- validate --data tests/data/measured-runs-bad.csv)
# "1e12" starts at column 65: the 64 characters of the fields before it and their commas.
plan_cli_test(validate.bad_concurrency --rc 2
  --stderr-exact "plan: error: tests/data/measured-runs-bad-concurrency.csv:2:8: silicon_concurrency '1000001' is not a count (expected a whole number from 0 to 100000)"
  -- validate --data tests/data/measured-runs-bad-concurrency.csv)
plan_cli_test(validate.bad_count --rc 2
  --stderr-exact "plan: error: tests/data/measured-runs-bad-count.csv:2:65: tp_size '1e12' is not a count (expected a whole number from 0 to 100000)"
  -- validate --data tests/data/measured-runs-bad-count.csv)

# plan compare on a profile with engine: the engine terms size a fleet where they cover the
# engine, the GPU's generation and the model (vLLM and SGLang on H100s), the catalog roofline
# elsewhere (A100s: no measured runs of that generation), and the source says which.
plan_cli_test(compare.engine_terms --rc 0
  --stdout-re "^[*]? +on-h100 +self_hosted .* engine +yes$"
  --stdout-re "^ +on-h100-sglang +self_hosted .* engine +yes$"
  --stdout-re "^ +on-a100 +self_hosted .* spec +yes$"
  --stdout-re "on-h100: replica throughput \\(engine\\) from engine terms: vllm/hopper, fitted to [0-9]+ measured runs"
  --stdout-re "on-h100-sglang: replica throughput \\(engine\\) from engine terms: sglang/hopper, fitted to [0-9]+"
  --stdout-re "on-a100: replica throughput \\(spec\\) from catalog roofline, calib/catalog.yaml: llama-3.1-8b on"
  --stdout-re "on-a100: sized by the catalog roofline: no engine terms for vllm \\(default\\) on 1x a100-80gb-sxm"
  -- compare tests/data/profile-engine-terms.yaml)
plan_cli_test(compare.engine_terms_json --rc 0
  --stdout-re "\"throughput_provenance\": \"engine\""
  --stdout-re "\"throughput_source\": \"engine terms: vllm/hopper, fitted to [0-9]+ measured runs \\(AIConfigurator"
  -- compare tests/data/profile-engine-terms.yaml --format json)
# moe_tp on a self-hosted option: 8 GPUs under dep, experts sliced over 2 and split over 4.
plan_cli_test(compare.moe_tp --rc 0
  --stdout-re "^[*]? +hybrid +self_hosted .* 8 dep .* yes$"
  --stdout-re "hybrid: qwen3-235b-a22b on 8x h200 \\(fp8, dep, experts 2 x 4 \\(moe_tp x moe_ep\\)\\)"
  -- compare tests/data/profile-moe-tp.yaml)
# A replica across servers says how its collectives are taken: 16 H200 are 2 HGX servers of 8
# (calib/catalog.yaml: NVLink 450 GB/s, NIC 50 GB/s a GPU).
plan_cli_test(perf.across_servers --rc 0
  --stdout-re "note: 16 GPUs span 2 scale-up domains of 8 \\(nvlink 450 GB/s within each, the 50 GB/s link of each"
  -- perf --model deepseek-r1 --gpu h200 --gpus 16 --parallel ep --input 1024 --output 1024 --concurrency 64)
# The limit the engine was started with: 512 requests of SGLang run 256 at a time under
# --max-batch-seqs 256 (the KV cache holds 4,550 of 100 tokens), the other 256 wait, and the
# limit is cited as given.
plan_cli_test(perf.max_batch_seqs_given --rc 0 --stdout-re "^max concurrent sequences +256 +sglang's limit, 256 a scheduler$"
  --stdout-re "^batch +256\\.0 " --stdout-re "^note: concurrency 512 beyond the batch of 256 the replica holds"
  --stdout-re "batch limit --max-batch-seqs"
  -- perf --model llama-3.1-8b --gpu h100-sxm --engine sglang --input 50 --output 50 --concurrency 512
     --max-batch-seqs 256)
plan_cli_test(perf.max_batch_seqs_bad --rc 64
  --stderr-exact "plan: error: --max-batch-seqs 0 (expected a count of sequences from 1 to 1000000)"
  -- perf --model llama-3.1-8b --gpu h100-sxm --input 50 --output 50 --max-batch-seqs 0)
# A server started with its own limit (tests/data/profile-engine-limit.yaml): SGLang's default
# of 2,048 bounds one option's batch (the KV cache holds 2,275 requests of 200 tokens), the
# option started with 16 runs 16, and its findings say so.
plan_cli_test(compare.engine_limit --rc 0
  --stdout-re "in a closed loop of 2048 requests of 100 \\+ 100 tokens"
  --stdout-re "own-limit: llama-3.1-8b on 1x h100-sxm \\(bf16\\), engine terms sglang/hopper: operating batch 16,"
  --stdout-re "sglang, max_batch_seqs 16"
  -- compare tests/data/profile-engine-limit.yaml)
plan_cli_test(compare.engine_limit_bad --rc 2
  --stderr-re "^plan: error: tests/data/profile-engine-limit-bad\\.yaml:13:[0-9]+: .*max_batch_seqs.* 0"
  -- compare tests/data/profile-engine-limit-bad.yaml)
plan_cli_test(perf.max_batch_seqs_disagg --rc 64
  --stderr-exact "plan: error: --max-batch-seqs bounds one replica's batch (expected none with --serving disaggregated, whose decode workers run what their KV cache holds)"
  -- perf --model llama-3.1-8b --gpu h100-sxm --serving disaggregated --prefill-gpus 1 --decode-gpus 1 --input 50
     --output 50 --max-batch-seqs 4)
# Repeated measurements (tests/data/measured-runs-repeated.csv): Llama-3.1-8B on one H100 at 8
# requests filed four times: 100/10 ms and 150/12.5 ms under vLLM 0.18.0, 100.05/10.004 ms (the
# first, rounded: the same measurement) and 200/10 ms under 0.15.1. Same version: TTFT 100/150
# -> 33.33%, 150/100 -> 50%: median 41.7%, p90 33.33 + 0.9 x 16.67 = 48.3%; TPOT 20%, 25%:
# 22.5%, 24.5%. Any version, six ordered pairs: TTFT 25, 33.33, 33.33, 50, 50, 100: median
# 41.7%, p90 at rank 4.5: 75.0%; TPOT 0, 0, 20, 20, 25, 25: 20.0%, 25.0%.
plan_cli_test(validate.repeated --rc 0
  --stdout-re "^  same engine version: 1 deployment and load, 2 runs: TPOT median 22.5% \\(p90 24.5%\\), TTFT median 41.7% \\(p90 48.3%\\)$"
  --stdout-re "^  any engine version: 1 deployment and load, 3 runs: TPOT median 20.0% \\(p90 25.0%\\), TTFT median 41.7% \\(p90 75.0%\\)$"
  -- validate --data tests/data/measured-runs-repeated.csv)
