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
  --stderr-exact "plan: error: unknown model 'nope' (expected one of: llama-3.1-8b, llama-3.1-70b, mistral-7b, mixtral-8x7b, qwen2.5-7b, qwen2.5-72b, llama-7b)"
  -- perf --model nope --gpu h100-sxm --input 1 --output 1)
plan_cli_test(perf.unknown_gpu --rc 2 --stderr-re "^plan: error: unknown GPU 'v100' \\(expected one of: a10g, "
  -- perf --model llama-3.1-8b --gpu v100 --input 1 --output 1)
plan_cli_test(perf.unknown_precision --rc 2 --stderr-re "^plan: error: unknown precision 'fp4' "
  -- perf --model llama-3.1-8b --gpu h100-sxm --precision fp4 --input 1 --output 1)
plan_cli_test(perf.bad_tp --rc 2
  --stderr-exact "plan: error: --tp 3 is not a tensor-parallel degree (expected 1, 2, 4 or 8)"
  -- perf --model llama-3.1-8b --gpu h100-sxm --tp 3 --input 1 --output 1)
plan_cli_test(perf.bad_concurrency --rc 64 --stderr-re "^plan: error: --concurrency 'lots'"
  -- perf --model llama-3.1-8b --gpu h100-sxm --input 1 --output 1 --concurrency lots)

set(PERF_PROFILE tests/data/profile-perf.yaml)
plan_cli_test(compare.perf_table --rc 0 --stdout-re "^ +small +self_hosted .* spec +yes$"
  --stdout-re "^ +big-on-one +self_hosted .* no$" --stdout-re "^ +big-on-eight +self_hosted .* 2 .* spec +yes$"
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
