# plan perf --serving disaggregated, and plan validate --mode disagg.
# DeepSeek-R1 fp8 on H200, 1 prefill worker of 8 GPUs and 2 decode workers of 8: 24 GPUs span
# more than one scale-up domain of 8, so the KV cache moves over the NIC (50 GB/s a GPU,
# calib/catalog.yaml). KV per token: MLA latent 576 x 61 layers x 1 B (fp8) = 35,136 B; 8,192
# tokens = 287,834,112 B, over 8 links (tp: every GPU of the worker) at 50 GB/s x link
# efficiency 0.80: 287,834,112 / 3.2e11 = 0.8995 ms. The decode-step term is the committed one
# (calib/engine_terms.json, "disagg": SGLang's fitted to 61 runs of 27 deployments, with its
# cross-validated error, which only the committed section carries).
plan_cli_test(perf.disagg_table --rc 0 --stdout-re "^fits +yes"
  --stdout-re "^prefill pool +1 x 8 GPUs tp +8 GPUs" --stdout-re "^decode pool +2 x 8 GPUs dep +16 GPUs"
  --stdout-re "^KV transfer +0.90 +ms, 287.8 MB over 8 links of 50 GB/s x 0.8"
  --stdout-re "^note: KV transfer over scale-out NIC"
  --stdout-re "^note: disaggregated term for sglang: decode step x [0-9.]+ \\(fitted to 61 measured disaggregated runs, 27 deployments, cross-validated median error [0-9.]+% \\(TPOT\\)"
  -- perf --model deepseek-r1 --gpu h200 --precision fp8 --engine sglang --serving disaggregated
     --prefill-workers 1 --prefill-gpus 8 --prefill-parallel tp --decode-workers 2 --decode-gpus 8
     --decode-parallel dep --input 8192 --output 1024 --concurrency 128)
# Inside one NVL72 rack (4 + 2 x 8 = 20 GPUs of 72): NVLink, 900 GB/s a GPU; a dep prefill
# worker holds a request's KV on one GPU: one link.
plan_cli_test(perf.disagg_json --rc 0 --stdout-re "\"serving\": \"disaggregated\"" --stdout-re "\"gpus\": 20,"
  --stdout-re "\"link_gb_per_s\": 900," --stdout-re "\"links\": 1," --stdout-re "\"ttft_ms\": [0-9.]+"
  --stdout-re "\"decode_batch\": [0-9.]+"
  -- perf --model deepseek-r1 --gpu gb200 --precision nvfp4 --engine trtllm --serving disaggregated
     --prefill-gpus 4 --prefill-parallel dep --decode-workers 2 --decode-gpus 8 --decode-parallel ep
     --input 1024 --output 1024 --concurrency 64 --format json)
plan_cli_test(perf.disagg_no_fit --rc 0 --stdout-re "\"fits\": false"
  --stdout-re "\"reason\": \"the prefill worker does not fit: weights need"
  -- perf --model deepseek-r1 --gpu h200 --serving disaggregated --prefill-gpus 1 --decode-gpus 8
     --input 10 --output 10 --format json)
plan_cli_test(perf.disagg_flags_without_serving --rc 64
  --stderr-exact "plan: error: --prefill-* and --decode-* size the pools of disaggregated serving (expected --serving disaggregated)"
  -- perf --model deepseek-r1 --gpu h200 --prefill-gpus 8 --input 10 --output 10)
plan_cli_test(perf.disagg_missing_gpus --rc 64
  --stderr-exact "plan: error: --serving disaggregated needs --prefill-gpus and --decode-gpus (GPUs per worker of each pool)"
  -- perf --model deepseek-r1 --gpu h200 --serving disaggregated --prefill-gpus 8 --input 10 --output 10)
plan_cli_test(perf.disagg_replica_gpus --rc 64
  --stderr-exact "plan: error: --gpus/--tp size one replica (expected --prefill-gpus and --decode-gpus with --serving disaggregated)"
  -- perf --model deepseek-r1 --gpu h200 --serving disaggregated --prefill-gpus 8 --decode-gpus 8 --gpus 8
     --input 10 --output 10)
plan_cli_test(perf.disagg_bad_layout --rc 64
  --stderr-exact "plan: error: --decode-parallel 'xx' is not a layout (expected tp, ep or dep)"
  -- perf --model deepseek-r1 --gpu h200 --serving disaggregated --prefill-gpus 8 --decode-gpus 8
     --decode-parallel xx --input 10 --output 10)
plan_cli_test(perf.disagg_rate --rc 64
  --stderr-exact "plan: error: --serving disaggregated runs a closed loop (expected --concurrency N, not --rate or max)"
  -- perf --model deepseek-r1 --gpu h200 --serving disaggregated --prefill-gpus 8 --decode-gpus 8 --rate 3
     --input 10 --output 10)
plan_cli_test(perf.disagg_bad_workers --rc 64
  --stderr-exact "plan: error: --decode-workers -1 is not a count (expected 1 to 100000)"
  -- perf --model deepseek-r1 --gpu h200 --serving disaggregated --prefill-gpus 8 --decode-gpus 8
     --decode-workers -1 --input 10 --output 10)
# The 919 disaggregated runs of the shipped file: 755 do not record their worker counts.
plan_cli_test(validate.disagg --rc 0 --stdout-re "^Runs: 919 disaggregated. predicted [0-9]+"
  --stdout-re "^Disaggregated runs left out, by rule: .*workers 755"
  --stdout-re "^all +[0-9]+ " --stdout-re "^mla +[0-9]+ "
  --stdout-re "^Disaggregated terms fitted to every predicted run:"
  --stdout-re "^  trtllm: decode step x [0-9.]+ \\([0-9]+ runs, [0-9]+ deployments\\)"
  -- validate --mode disagg --by class)
plan_cli_test(validate.disagg_write_terms --rc 64
  --stderr-exact "plan: error: --write-terms fits the aggregated runs (expected no --mode disagg)"
  -- validate --mode disagg --write-terms /dev/null)
# A user's own disaggregated runs (two rows of the shipped file): predicted with the term fitted
# to the shipped runs; the first, 10.4 s of TTFT for 1,024 tokens at a concurrency of 36, is an
# artefact by rule.
plan_cli_test(validate.disagg_own_data --rc 0
  --stdout-re "^Runs: 2 disaggregated. predicted 1 "
  --stdout-re "^Disaggregated runs left out, by rule: artefact 1"
  --stdout-re "^Disaggregated terms fitted to the shipped runs:"
  --stdout-re "^3,trtllm,deepseek-v3,gb300,fp8,1x4dep,4x8ep,8192,1024,36,"
  -- validate --mode disagg --data tests/data/measured-disagg.csv --rows)
plan_cli_test(validate.disagg_bad_count --rc 2
  --stderr-exact "plan: error: tests/data/measured-disagg-bad.csv:2:323: decode_num_workers 'two' is not a number"
  -- validate --mode disagg --data tests/data/measured-disagg-bad.csv)
