# plan search: Llama 3.3 70B at 50M tokens/day (20,000 requests of 2,000 + 500 tokens), TTFT
# p95 1 s, TPOT 40 ms, over every instance of sheet 2026-12 (tests/data/profile-search-llama.yaml).
set(SEARCH_PROFILE tests/data/profile-search-llama.yaml)
# The cheapest point is one GH200 on Lambda on demand: 2.29 USD/h (pricing/2026-12.yaml:1166)
# x 730 h = 1,671.70 USD/month; per 1M tokens 1,671.70 / (50M x 730 / 24 / 1e6 = 1,520.83)
# = 1.0992. The runner-up is one H100 (aws-p5.4xlarge) at spot: 2.6295 x 730 x 1.10 (spot
# interruption overhead) = 2,111.49.
plan_cli_test(search.table --rc 0
  --stdout-re "^   1  lambda  lambda-gpu_1x_gh200 +on_demand +1  tp1 +fp8 +vllm +1 +1,671\\.70 +1\\.0992 "
  --stdout-re "^   2  aws +aws-p5\\.4xlarge +spot +1  tp1 +fp8 +vllm +1 +2,111\\.49"
  -- search ${SEARCH_PROFILE} --option open --top 5)
# The same options written out by hand and compared: none is cheaper than the search's first
# point (gh200-fp8 is that point: 1,671.70; p5-spot-fp8 the runner-up; the 8-GPU H100
# instance 88.49 x 730 = 64,597.70 on demand and 38.86438 x 730 = 28,371.00 for 3 years).
plan_cli_test(search.compare_written_out --rc 0
  --stdout-re "^\\* +open +self_hosted +1,671\\.70 "
  --stdout-re "^   gh200-fp8 +self_hosted +1,671\\.70 "
  --stdout-re "^   p5-spot-fp8 +self_hosted +2,111\\.49 "
  --stdout-re "^   h100x8-fp8 +self_hosted +64,597\\.70 "
  --stdout-re "^   h100x8-fp8-3y +self_hosted +28,371\\.00 "
  --stdout-re "chosen by search: lambda-gpu_1x_gh200 on_demand \\(lambda\\), 1 GPUs in tp1, fp8, vllm"
  --stdout-re "open: point \\(the cheapest feasible\\) from a search of 52 instances of price sheet 2026-12"
  -- compare ${SEARCH_PROFILE})
# Every column in JSON, for each ranked point.
plan_cli_test(search.json --rc 0
  --stdout-re "\"monthly_usd\": 1671\\.70"
  --stdout-re "\"cloud\": \"lambda\"" --stdout-re "\"instance\": \"lambda-gpu_1x_gh200\"" --stdout-re "\"term\": \"on_demand\""
  --stdout-re "\"gpus\": 1" --stdout-re "\"layout\": \"tp1\"" --stdout-re "\"precision\": \"fp8\""
  --stdout-re "\"engine\": \"vllm\"" --stdout-re "\"replicas\": 1" --stdout-re "\"usd_per_mtok\": 1\\.099"
  --stdout-re "\"ttft_p95_ms\": [0-9]" --stdout-re "\"tpot_ms\": [0-9]" --stdout-re "\"tokens_per_s_per_gpu\": [0-9]"
  --stdout-re "\"tokens_per_s_per_user\": [0-9]" --stdout-re "\"feasible\": [0-9]+"
  --stdout-re "\"price_source\": \"pricing/2026-12\\.yaml:1166\""
  -- search ${SEARCH_PROFILE} --format json --top 3)
plan_cli_test(search.csv --rc 0
  --stdout-re "^option,rank,cloud,instance,term,GPUs,layout,precision,engine,replicas,USD/month,USD/1M tokens,TTFT p95 ms,TPOT ms,tokens/s/GPU,tokens/s/user,price_source"
  --stdout-re "^open,1,lambda,lambda-gpu_1x_gh200,on_demand,1,tp1,fp8,vllm,1,1671\\.70,1\\.0992,"
  -- search ${SEARCH_PROFILE} --format csv --top 2)
plan_cli_test(search.unknown_option --rc 64
  --stderr-exact "plan: error: --option 'nope' is not an option of tests/data/profile-search-llama.yaml"
  -- search ${SEARCH_PROFILE} --option nope)
plan_cli_test(search.closed_option --rc 64
  --stderr-re "^plan: error: option 'gh200-fp8' has no open choices"
  -- search ${SEARCH_PROFILE} --option gh200-fp8)
# The profile's first key is on line 2 (line 1 is a comment).
plan_cli_test(search.no_open_option --rc 2
  --stderr-re "^plan: error: tests/data/profile-basic\\.yaml:2:1: profile has no self_hosted option with open choices"
  -- search tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml)
# DeepSeek-R1 with instance, engine, layout and GPUs per replica left open: compare plans the
# chosen point and says why. The cheapest is one replica on Lambda's 4x B200 at 27.16 USD/h
# (pricing/2026-12.yaml:1164) x 730 = 19,826.80 USD/month; the engines that fit there tie at
# that cost, and of equal costs the point with the most tokens/s per GPU comes first: under
# the fitted engine terms (blackwell sets of each engine) TensorRT-LLM's, with vLLM the
# runner-up at the same cost.
plan_cli_test(search.compare_deepseek --rc 0
  --stdout-re "^   deepseek-r1-cheapest +self_hosted +19,826\\.80 "
  --stdout-re "chosen by search: lambda-gpu_4x_b200_sxm6 on_demand \\(lambda\\), 4 GPUs in tp4, fp8, trtllm: the cheapest of"
  --stdout-re "the runner-up, lambda-gpu_4x_b200_sxm6 on_demand in tp4 \\(fp8, vllm\\), costs 19826\\.80 USD/month too"
  --stdout-re "1770 points. 1626 do not fit"
  -- compare tests/data/profile-search-deepseek.yaml)
# The HTML report draws every feasible point of the open option (281: the --top 0 search of
# the table above), the Pareto front, and the TPOT target (40 ms: 25.0 tokens/s per user).
plan_cli_test(search.report_chart --rc 0
  --stdout-re "<section id=\"search\"><h2>Cheapest ways to serve: open choices searched</h2>"
  --stdout-re "<g class=\"series\" data-name=\"feasible points \\(281\\)\">"
  --stdout-re "data-name=\"Pareto front"
  --stdout-re "TPOT target 40 ms \\(25\\.0 tokens/s per user\\)"
  -- report ${SEARCH_PROFILE})
# 'nope' is item 2 of line 11: four spaces, "precision: [fp8, " (17 characters), so column 22.
plan_cli_test(search.unknown_precision --rc 2
  --stderr-exact "plan: error: tests/data/search-bad-precision.yaml:11:22: unknown precision 'nope' (expected one of: bf16, fp16, fp8, int8, int4, mxfp4, mxfp6, nvfp4)"
  -- search tests/data/search-bad-precision.yaml)
# serving: the way of serving searched (docs/profiles.md "Open choices"). A "." stands for each
# ";" of a finding (a CMake list would split there).
# DeepSeek-R1 fp8, 33,333 requests/day of 2,000 + 1,000 tokens (flat: 33,333 / 86,400 = 0.386
# requests/s at peak), TTFT p95 3 s, TPOT 50 ms, instance and engine auto, serving auto. The
# cheapest aggregated point is the one search.compare_deepseek finds: one 4x B200 instance on
# Lambda at 27.16 USD/h (pricing/2026-12.yaml:1164) x 730 = 19,826.80 USD/month. The cheapest
# disaggregated unit is 1P:tp4+1D:tp4 on the same instance type: each pool's 4 GPUs on a whole
# instance, 2 instances (8 GPUs) x 27.16 x 730 = 39,653.60, for one unit (a unit serves more
# than 0.386 requests/s). The aggregated point is chosen, and the finding says so.
plan_cli_test(search.compare_serving_auto --rc 0
  --stdout-re "^\\* +deepseek-r1-auto +self_hosted +19,826\\.80 "
  --stdout-re "chosen by search: lambda-gpu_4x_b200_sxm6 on_demand \\(lambda\\), 4 GPUs in tp4, fp8, trtllm: the cheapest of"
  --stdout-re "serving auto: the cheapest aggregated point 19826\\.80 USD/month \\(lambda-gpu_4x_b200_sxm6 on_demand tp4, 4 GPUs\\). the cheapest disaggregated point 39653\\.60 USD/month \\(lambda-gpu_4x_b200_sxm6 on_demand 1P:tp4\\+1D:tp4, 8 GPUs\\)"
  --stdout-re "x serving aggregated and disaggregated \\(1-2 prefill x 1-4 decode workers"
  -- compare tests/data/profile-search-deepseek-disagg.yaml)
# serving: disaggregated alone: the same unit is chosen (39,653.60 as above); its 8 GPUs span
# two 4-GPU instances of an HGX-class GPU (scale-up domain 8 in the catalog, but 4 per
# instance), so the KV cache crosses the scale-out NIC.
plan_cli_test(search.compare_serving_disaggregated --rc 0
  --stdout-re "^\\* +deepseek-r1-xpyd +self_hosted +39,653\\.60 "
  --stdout-re "chosen by search: lambda-gpu_4x_b200_sxm6 on_demand \\(lambda\\), 8 GPUs in 1P:tp4\\+1D:tp4, fp8"
  --stdout-re "disaggregated unit from 1P:tp4\\+1D:tp4: .*KV over scale-out NIC \\(the unit's 8 GPUs span instances of 4 GPUs\\). 1 unit\\(s\\) for 0\\.386 requests/s at peak. 2 instance\\(s\\) of 4 GPUs \\(2 per unit, both pools\\) x 27\\.1600 USD/h x 730 h"
  -- compare tests/data/profile-search-deepseek-xpyd.yaml)
# On TensorRT-LLM, which has a disaggregated term (calib/engine_terms.json, "disagg": fitted to
# 90 runs of 45 deployments), the unit's decode step is scaled by it and the provenance says so.
plan_cli_test(search.compare_serving_disaggregated_term --rc 0
  --stdout-re "chosen by search: .* 1P:tp4\\+1D:tp4, fp8, trtllm"
  --stdout-re "disaggregated unit from 1P:tp4\\+1D:tp4: engine terms trtllm/blackwell, decode"
  --stdout-re "step x [0-9.]+, fitted to 90 disaggregated runs, CV median error [0-9.]+% \\(TPOT\\) at a concurrency of"
  -- compare tests/data/profile-search-deepseek-xpyd-trtllm.yaml)
# compare's JSON carries the chosen xPyD unit (docs/compare-json.md): 1P:tp4+1D:tp4, each pool
# 1 worker x 4 GPUs in tp; ceil(4 / 4) + ceil(4 / 4) = 2 instances a unit; 1 unit for
# 33,333 / 86,400 = 0.385799 requests/s at peak; the KV link of search.compare_serving_disaggregated.
plan_cli_test(search.compare_serving_disaggregated_json --rc 0
  --stdout-re "^ +\"disaggregated\": [{]$" --stdout-re "^ +\"shape\": \"1P:tp4[+]1D:tp4\",$"
  --stdout-re "^ +\"prefill\": [{]$" --stdout-re "^ +\"decode\": [{]$" --stdout-re "^ +\"gpus_per_worker\": 4,$"
  --stdout-re "^ +\"units\": 1,$" --stdout-re "^ +\"instances_per_unit\": 2,$"
  --stdout-re "^ +\"peak_requests_per_s\": 0[.]3857986"
  --stdout-re "^ +\"kv_link\": \"scale-out NIC [(]the unit's 8 GPUs span instances of 4 GPUs[)]\",$"
  -- compare tests/data/profile-search-deepseek-xpyd.yaml --format json)
# The layout column of plan search shows xPyD with each pool's layout.
plan_cli_test(search.serving_disaggregated_json --rc 0
  --stdout-re "\"layout\": \"1P:tp4\\+1D:tp4\"" --stdout-re "\"gpus\": 8" --stdout-re "\"replicas\": 1"
  --stdout-re "\"monthly_usd\": 39653\\.60"
  -- search tests/data/profile-search-deepseek-xpyd.yaml --format json --top 1)
# 'both' on line 11: four spaces and "serving: " (9 characters), so column 14.
plan_cli_test(search.bad_serving --rc 2
  --stderr-exact "plan: error: tests/data/search-bad-serving.yaml:11:14: 'serving' in option 'open' is 'both' (expected one of: aggregated, disaggregated, auto)"
  -- search tests/data/search-bad-serving.yaml)
# serving on an API option: an error at the key (line 10, column 5).
plan_cli_test(search.serving_on_api --rc 2
  --stderr-exact "plan: error: tests/data/search-serving-api.yaml:10:5: 'serving' does not apply to a api option (expected only for other kinds)"
  -- compare tests/data/search-serving-api.yaml)
# A disaggregated point is ranked at compare's cost, ops included: 39,653.60 (above) + 0.5 FTE x
# 120,000 / 12 = 5,000 + 100 monitoring = 44,753.60 USD/month; per 1M tokens: 33,333 x 3,000
# tokens a day x 730 / 24 = 3,041.636 M tokens a month, 44,753.60 / 3,041.636 = 14.7137.
plan_cli_test(search.serving_disaggregated_ops --rc 0
  --stdout-re "^deepseek-r1-xpyd,1,lambda,lambda-gpu_4x_b200_sxm6,on_demand,8,1P:tp4\\+1D:tp4,fp8,[a-z]+,1,44753\\.60,14\\.7137,"
  -- search tests/data/profile-search-deepseek-xpyd-ops.yaml --format csv --top 1)
# plan sweep costs the disaggregated point chosen at every volume, its units sized again: the
# unit (1P:tp4+1D:tp4, vllm) serves 2.016 requests/s (search.compare_serving_disaggregated's
# provenance). 456,122,449 tokens/day / 3,000 = 152,041 requests/day = 1.760/s: 1 unit,
# 39,653.60; 659,183,673 / 3,000 = 219,728 = 2.543/s: 2 units = 4 instances x 27.16 x 730 =
# 79,307.20.
plan_cli_test(search.sweep_disaggregated --rc 0
  --stdout-re "^456122449,13873724490,39653\\.60,deepseek-r1-xpyd,"
  --stdout-re "^659183673,20050170068,79307\\.20,deepseek-r1-xpyd,"
  -- sweep tests/data/profile-search-deepseek-xpyd.yaml --volume 50M..10B)
# A search whose engine is started with its own limit names it on every point.
plan_cli_test(search.engine_limit --rc 0
  --stdout-re "engine +sglang \\(max_batch_seqs 16\\) x gpus_per_replica auto"
  --stdout-re "^ +1 +aws +aws-p5\\.4xlarge +on_demand +1 +tp1 +bf16 +sglang \\(max_batch_seqs 16\\) "
  -- search tests/data/profile-search-engine-limit.yaml)
