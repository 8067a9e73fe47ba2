# plan calibrate: probe runs, imports, show, list, and their errors.
set(CAL tests/data/calib)

# No CUDA device: with a CUDA build the probe reports it (CUDA_VISIBLE_DEVICES hides any
# GPU of the test machine); without one the build says it has no probe. Exit 69 both ways.
if(PLAN_HAVE_CUDA)
  set(NO_CUDA_LINE "plan: error: no CUDA device found (expected an NVIDIA GPU and its driver, or --backend cpu)")
else()
  set(NO_CUDA_LINE "plan: error: this build has no CUDA probe (expected a build with a CUDA compiler, or --backend cpu)")
endif()
plan_cli_test(calibrate.no_cuda_device --rc 69 --env CUDA_VISIBLE_DEVICES= --stderr-exact "${NO_CUDA_LINE}"
  --no-file ${CMAKE_BINARY_DIR}/calib-no-cuda.yaml
  -- calibrate run --backend cuda --model tiny -o ${CMAKE_BINARY_DIR}/calib-no-cuda.yaml)

# A probe module that does not load: the dynamic loader's reason, with --backend cuda an
# error, without --backend a notice before measuring the CPU (not "no CUDA device found").
if(PLAN_HAVE_CUDA)
  set(NO_MODULE /nonexistent/libplan_probe_cuda.so)
  plan_cli_test(calibrate.cuda_module_missing --rc 69 --env PLAN_CUDA_PROBE=${NO_MODULE}
    --stderr-re "^plan: error: the CUDA probe needs /nonexistent/libplan_probe_cuda\\.so \\(install the CUDA runtime and cuBLAS, or use --backend cpu\\): .*No such file or directory$"
    --no-file ${CMAKE_BINARY_DIR}/calib-no-module.yaml
    -- calibrate run --backend cuda --model tiny -o ${CMAKE_BINARY_DIR}/calib-no-module.yaml)
  plan_cli_test(calibrate.cuda_module_missing_notice --rc 0 --env PLAN_CUDA_PROBE=${NO_MODULE}
    --stderr-re "^plan: notice: the CUDA probe needs /nonexistent/libplan_probe_cuda\\.so .*No such file or directory. measuring the CPU \\(--backend cpu\\)$"
    -- calibrate run --model tiny --context 512 --batch 1,2 --prefill-tokens 32 --repeats 2 --warmup 1
       --stream-mib 16 -o ${CMAKE_BINARY_DIR}/calib-no-module-cpu.yaml)
endif()

# The CPU probe end to end on the tiny model (small sizes: well under a few seconds).
plan_cli_test(calibrate.cpu_run --rc 0 --env CUDA_VISIBLE_DEVICES=
  --stdout-re "^efficiencies: e_bw [0-9.]+, e_fl [0-9.]+"
  --stdout-re "^ +4 +[0-9.]+ +[0-9.]+ "
  --stderr-re "^plan: calibrate: decode batch 4: "
  --file-re ${CMAKE_BINARY_DIR}/calib-tiny.yaml "^kind: probe$"
  --file-re ${CMAKE_BINARY_DIR}/calib-tiny.yaml "^  backend: cpu$"
  --file-re ${CMAKE_BINARY_DIR}/calib-tiny.yaml "^    - \\{batch: 4, step_ms: "
  --file-re ${CMAKE_BINARY_DIR}/calib-tiny.yaml "^  e_bw: [0-9]"
  -- calibrate run --backend cpu --model tiny --context 512 --batch 1,2,4 --prefill-tokens 32
     --repeats 3 --warmup 1 --stream-mib 16 -o ${CMAKE_BINARY_DIR}/calib-tiny.yaml)
plan_cli_test(calibrate.cpu_fp16 --rc 64
  --stderr-exact "plan: error: the cpu backend measures fp32 only, not 'fp16' (expected --precision fp32)"
  -- calibrate run --backend cpu --model tiny --precision fp16)
plan_cli_test(calibrate.unknown_model --rc 2
  --stderr-re "^plan: error: unknown model 'nope' for the probe \\(expected one of: llama-3\\.1-8b, .*tiny, or its dimensions in --shape\\)$"
  -- calibrate run --backend cpu --model nope)

# Hand-made file: 0.5 ms + 5e7 B / 5 GB/s = 10.5 ms at batch 1.
plan_cli_test(calibrate.show --rc 0 --stdout-re "^ +1 +10\\.500 +95\\.2 "
  --stdout-re "^efficiencies: e_bw 0\\.500, e_fl 0\\.400, t_fixed 0\\.5000 ms"
  -- calibrate show tests/data/calib-home/calib/results/tiny-example.yaml)
plan_cli_test(calibrate.list --rc 0 --stdout-re "^tiny-example\\.yaml +probe +tiny +example-cpu +fp32 +1 tp +0\\.500 +0\\.400 +0\\.5000"
  -- --data-dir tests/data/calib-home calibrate list)
# The layout of a serving result: 8 GPUs, data-parallel attention with experts split (dep).
plan_cli_test(calibrate.list_layout --rc 0
  --stdout-re "^qwen3-235b-a22b-h200-fp8-dep8-throughput\\.yaml +import +qwen3-235b-a22b +h200 +fp8 +8 dep "
  -- --data-dir tests/data/calib-layout-home calibrate list)

plan_cli_test(calibrate.import_vllm_serve --rc 0 --stdout-re "TTFT p99 ms +762\\.49"
  --stdout-re "TPOT p50 ms +8\\.323"
  --file-re ${CMAKE_BINARY_DIR}/calib-import-serve.yaml "^  source_sha256: aecdbccf820c7336d47e06f8aa41291c6d405d32cfd081d2c1c723d6aacf0488$"
  --file-re ${CMAKE_BINARY_DIR}/calib-import-serve.yaml "^tp: 1$"
  -- calibrate import ${CAL}/vllm_bench_serve.json --model opt-125m --gpu l4 --precision fp16 --tp 1
     -o ${CMAKE_BINARY_DIR}/calib-import-serve.yaml)
plan_cli_test(calibrate.import_vllm_throughput --rc 0 --stdout-re "total tokens/s +10000\\.0"
  -- calibrate import ${CAL}/vllm_bench_throughput.json --model m --gpu h100 --precision bf16 --tp 2
     -o ${CMAKE_BINARY_DIR}/calib-import-throughput.yaml)
plan_cli_test(calibrate.import_guidellm --rc 0 --stdout-re "TPOT mean ms +51\\.400"
  -- calibrate import ${CAL}/guidellm_benchmarks.json --benchmark-index 2 --model m --gpu h100 --precision bf16 --tp 1
     -o ${CMAKE_BINARY_DIR}/calib-import-guidellm.yaml)
plan_cli_test(calibrate.import_missing_fields --rc 2 --no-file ${CMAKE_BINARY_DIR}/calib-import-bad.yaml
  --stderr-exact "plan: error: ${CAL}/vllm_bench_throughput_incomplete.json: vLLM bench throughput result is missing fields total_num_tokens, requests_per_second (expected every field that format writes)"
  -- calibrate import ${CAL}/vllm_bench_throughput_incomplete.json --model m --gpu h100 --precision bf16 --tp 1
     -o ${CMAKE_BINARY_DIR}/calib-import-bad.yaml)
plan_cli_test(calibrate.import_unknown --rc 2
  --stderr-exact "plan: error: ${CAL}/unknown.json: not a known benchmark result (expected `vllm bench serve --save-result` JSON with request_throughput, `vllm bench throughput --output-json` JSON with elapsed_time and tokens_per_second, or a GuideLLM benchmarks.json with a 'benchmarks' list)"
  -- calibrate import ${CAL}/unknown.json --model m --gpu h100 --precision bf16 --tp 1)
plan_cli_test(calibrate.import_needs_tp --rc 64 --stderr-re "--gpus is required"
  -- calibrate import ${CAL}/unknown.json --model m --gpu h100 --precision bf16)
# A MoE served on 8 GPUs with data-parallel attention: the GPU count and the layout are
# recorded, and the fit runs on the dep replica model. Under dep each of the 8 GPUs is an
# attention-DP rank with its own scheduler, so vLLM's 1,024 sequences on an H200 (a GPU of 70 GiB
# or more) hold per rank: the replica runs up to 1,024 x 8 = 8,192 (the KV cache holds far more
# of 200 tokens), and the run's 4,000 requests bound it. The file's 200 requests/s of 100 + 100
# tokens are 20,000 output tok/s, below what the catalog gives 8 H200s at 4,000 sequences, so
# the fit slows the model (a positive scale within the spec).
plan_cli_test(calibrate.import_layout --rc 0
  --file-re ${CMAKE_BINARY_DIR}/import-dep.yaml "^tp: 8$"
  --file-re ${CMAKE_BINARY_DIR}/import-dep.yaml "^parallel: dep$"
  --stdout-re "^model qwen3-235b-a22b, gpu h200, precision fp8, tp 8, parallel dep$"
  --stdout-re "^output tok/s +4000\\.0 +20000\\.00 "
  --stdout-re "plans for qwen3-235b-a22b on 8x h200 \\(fp8, layout dep\\) use these scales"
  -- calibrate import ${CAL}/vllm_bench_throughput_dep8.json --model qwen3-235b-a22b --gpu h200 --precision fp8
     --gpus 8 --parallel dep --input-len 100 --output-len 100 -o ${CMAKE_BINARY_DIR}/import-dep.yaml)
# An offline run of fewer requests than the replica holds is fitted at its request count: the
# 1,000 requests of vllm_bench_throughput.json, not 8,192.
plan_cli_test(calibrate.import_request_count --rc 0
  --stdout-re "^output tok/s +1000\\.0 +2500\\.00 "
  -- calibrate import ${CAL}/vllm_bench_throughput.json --model qwen3-235b-a22b --gpu h200 --precision fp8
     --gpus 8 --parallel dep --input-len 100 --output-len 100 -o ${CMAKE_BINARY_DIR}/import-dep-1000.yaml)
# That file (tests/data/calib-layout, written by the import above) sizes the dep replica
# it was measured on: at the batch of its run (4,000 sequences) the calibrated model serves
# the 200 requests/s of 100 + 100 tokens it was fitted to; the replica holds up to 8,192
# (1,024 per rank). A tp replica of the same model and GPUs keeps the catalog, and a finding
# says why.
set(LAYOUT tests/data/calib-layout/qwen3-235b-a22b-h200-fp8-dep8-throughput.yaml)
plan_cli_test(perf.calibrated_layout --rc 0
  --stdout-re "^max concurrent sequences +8192 "
  --stdout-re "^batch +4000\\.0 "
  --stdout-re "^requests/s +200\\.00 +capacity$"
  --stdout-re "calibrated by serving results ${LAYOUT}: "
  -- --calibration ${LAYOUT} perf --model qwen3-235b-a22b --gpu h200 --precision fp8 --gpus 8 --parallel dep
     --input 100 --output 100 --concurrency 4000)
plan_cli_test(perf.calibrated_other_layout --rc 0
  --stdout-re "^note: serving results ${LAYOUT} \\(layout dep\\) not applied: measured in another layout than this replica's tp \\(8 GPUs\\). a serving result applies only to the layout it was measured in$"
  -- --calibration ${LAYOUT} perf --model qwen3-235b-a22b --gpu h200 --precision fp8 --gpus 8 --parallel tp
     --input 100 --output 100 --concurrency max)
# A MoE option that leaves its layout open is planned on the measured deployment (dep on 8
# GPUs: 200 requests/s of 100 + 100 tokens per replica at the run's 4,000 sequences, 200 / 8 =
# 25.00 per GPU; a little more at the replica's limit of 8,192, where each step's fixed cost
# is spread over more sequences) rather than
# on the one chosen without a measurement (2 GPUs, sized by the engine terms: vLLM on
# Hopper); one that asks for 2 GPUs keeps those figures.
plan_cli_test(compare.calibrated_open_layout --rc 0
  --stdout-re "^\\*? +open +self_hosted .* 8 dep .* calibrated +yes$"
  --stdout-re "^  open: layout dep on 8 GPUs chosen: measured by the serving results ${LAYOUT} \\(25\\.[0-9][0-9] requests/s per GPU\\)\\. (tp|ep|dep) on 2 GPUs, chosen on the engine terms, has no measurement here \\([0-9.]+ requests/s per GPU from the engine terms\\)$"
  --stdout-re "^ +two-gpus +self_hosted .* 2 (tp|ep|dep) .* engine +yes$"
  -- --calibration ${LAYOUT} compare tests/data/profile-moe-open-layout.yaml)
plan_cli_test(calibrate.import_dense_layout --rc 64
  --stderr-exact "plan: error: --parallel ep splits routed experts, and llama-3.1-8b is a dense model (expected --parallel tp, or a mixture-of-experts catalog model)"
  -- calibrate import ${CAL}/vllm_bench_throughput.json --model llama-3.1-8b --gpu h200 --precision bf16
     --gpus 2 --parallel ep --input-len 1000 --output-len 1000)
plan_cli_test(calibrate.import_bad_layout --rc 64 --stderr-re "--parallel: pp not in \\{tp,ep,dep\\}|--parallel.*pp"
  -- calibrate import ${CAL}/vllm_bench_throughput.json --model m --gpu h200 --precision bf16 --gpus 2 --parallel pp)

# The CPU probe to a calibrated plan, end to end (tests/cli/cpu_calibrated_plan.sh).
add_test(NAME cli.calibrate.cpu_to_compare
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cpu_calibrated_plan.sh $<TARGET_FILE:plan>
                 ${CMAKE_BINARY_DIR}/calib-cpu-tiny.yaml
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.calibrate.cpu_to_compare PROPERTIES ENVIRONMENT "CUDA_VISIBLE_DEVICES=")

# A calibration file that plan writes, plan reads: show, list and compare
# (tests/cli/calibrate_round_trip.sh).
add_test(NAME cli.calibrate.round_trip
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/calibrate_round_trip.sh $<TARGET_FILE:plan>
                 ${CMAKE_BINARY_DIR}/calib-round-trip
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.calibrate.round_trip PROPERTIES ENVIRONMENT "CUDA_VISIBLE_DEVICES=;PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")

# The CUDA probe on a real device: runs only where the build has the probe and the machine
# a GPU; elsewhere `plan` exits 69 (no device) and the test is reported as skipped.
if(PLAN_HAVE_CUDA)
  add_test(NAME cli.calibrate.cuda_run_on_device
           COMMAND bash -c "\"$0\" calibrate run --backend cuda --model tiny --precision bf16 --context 1024 --batch 1,8,32 --prefill-tokens 256 --repeats 3 --stream-mib 256 -o \"$1\"; rc=$?; if [ $rc = 69 ]; then exit 125; fi; [ $rc = 0 ] && grep -q '^  backend: cuda$' \"$1\" && grep -q '^  e_bw: ' \"$1\""
                   $<TARGET_FILE:plan> ${CMAKE_BINARY_DIR}/calib-cuda-tiny.yaml
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli.calibrate.cuda_run_on_device PROPERTIES SKIP_RETURN_CODE 125
                       ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")
endif()
# A mixture of experts by its catalog name, for a layout (tests/data/calib-moe: tiny-moe,
# 2 layers of hidden 256, 8 experts of 128, top_k 2, 1 shared, vocab 1000). The probe runs
# one token's path: attention q,k,v 256x(8+2x2)x32 = 98,304, o 65,536, and a gated MLP of
# (2 + 1) x 128 = 384: 3 x 256 x 384 = 294,912; 458,752 per layer. Head 1000 x 256 =
# 256,000. Batch 1 at context 16 in fp32 moves (2 x 458,752 + 256,000) x 4 = 4,694,016 B
# of weights + 2 layers x 16 tokens x (2x2x32) x 4 = 16,384 B of KV: 4,710,400. The file
# records the layout (one device probed: tp 1).
plan_cli_test(calibrate.cpu_moe_layout --rc 0 --env CUDA_VISIBLE_DEVICES=
  --file-re ${CMAKE_BINARY_DIR}/calib-moe-ep.yaml "^model: \"tiny-moe\"$"
  --file-re ${CMAKE_BINARY_DIR}/calib-moe-ep.yaml "^tp: 1$"
  --file-re ${CMAKE_BINARY_DIR}/calib-moe-ep.yaml "^parallel: ep$"
  --file-re ${CMAKE_BINARY_DIR}/calib-moe-ep.yaml "bytes: 4710400, "
  --file-re ${CMAKE_BINARY_DIR}/calib-moe-ep.yaml "mixture of experts: measured as one token's path, attention and a gated MLP of \\(top_k 2 \\+ shared 1\\) x expert_ffn 128 = 384"
  --stdout-re "^model tiny-moe, gpu .*, precision fp32, tp 1, parallel ep$"
  -- --data-dir tests/data/calib-moe calibrate run --backend cpu --model tiny-moe --parallel ep
     --context 16 --batch 1,2 --prefill-tokens 8 --repeats 2 --warmup 1 --stream-mib 4 -o ${CMAKE_BINARY_DIR}/calib-moe-ep.yaml)
plan_cli_test(calibrate.dense_layout --rc 64
  --stderr-exact "plan: error: --parallel dep splits routed experts, and tiny is a dense model (expected --parallel tp, or a mixture-of-experts catalog model)"
  -- --data-dir tests/data/calib-moe calibrate run --backend cpu --model tiny --parallel dep)

# A shape given on the command line: 2 layers of hidden 128. Params per layer: q,k,v
# 128x(4+2x2)x32 = 32,768, o 4x32x128 = 16,384, MLP 3x128x344 = 132,096: 181,248. Head
# 1000x128 = 128,000. Batch 1 at context 16 in fp32 moves (2 x 181,248 + 128,000) x 4 =
# 1,961,984 B of weights + 2 layers x 16 tokens x (2x2x32) x 4 = 16,384 B of KV: 1,978,368.
plan_cli_test(calibrate.cpu_shape --rc 0 --env CUDA_VISIBLE_DEVICES=
  --file-re ${CMAKE_BINARY_DIR}/calib-shape.yaml "^model: \"small\"$"
  --file-re ${CMAKE_BINARY_DIR}/calib-shape.yaml "^  layers: 2$"
  --file-re ${CMAKE_BINARY_DIR}/calib-shape.yaml "bytes: 1978368, "
  -- calibrate run --backend cpu --model small --shape layers=2,hidden=128,heads=4,kv_heads=2,head_dim=32,ffn=344,vocab=1000
     --context 16 --batch 1,2 --prefill-tokens 8 --repeats 2 --warmup 1 --stream-mib 4 -o ${CMAKE_BINARY_DIR}/calib-shape.yaml)
plan_cli_test(calibrate.bad_shape --rc 64
  --stderr-exact "plan: error: --shape lacks vocab (expected --shape layers=N,hidden=N,heads=N,kv_heads=N,head_dim=N,ffn=N,vocab=N)"
  -- calibrate run --backend cpu --model small --shape layers=2,hidden=128,heads=4,kv_heads=2,head_dim=32,ffn=344)

# A matching calibration file changes how compare sizes a self-hosted option: `small`
# (llama-3.1-8b, bf16, one h100-sxm, TP 1) is calibrated by the file; `fixed` keeps its override.
plan_cli_test(compare.calibrated --rc 0
  --stdout-re "\"throughput_provenance\": \"calibrated\""
  --stdout-re "calibrated by .*calib-wired/calib/results/llama-3\\.1-8b-h100-sxm-bf16-tp1\\.yaml: e_bw 0\\.400, e_fl 0\\.500, t_fixed 2\\.000 ms"
  --stdout-re "\"throughput_provenance\": \"override\""
  -- --data-dir tests/data/calib-wired compare tests/data/profile-perf.yaml --prices tests/data/sheet-basic.yaml --format json)

# A CPU run named after a catalog GPU keeps its own references (so the plan never uses it).
plan_cli_test(calibrate.cpu_named_gpu --rc 0 --env CUDA_VISIBLE_DEVICES=
  --stderr-re "efficiencies are relative to this device's own measurements, not to catalog gpu h100-sxm"
  --file-re ${CMAKE_BINARY_DIR}/calib-cpu-h100.yaml "^gpu: \"h100-sxm\"$"
  --file-re ${CMAKE_BINARY_DIR}/calib-cpu-h100.yaml "^  reference_source: \"measured on this device: STREAM triad"
  -- calibrate run --backend cpu --model tiny --gpu h100-sxm --context 64 --batch 1,2 --prefill-tokens 8
     --repeats 2 --warmup 1 --stream-mib 4 -o ${CMAKE_BINARY_DIR}/calib-cpu-h100.yaml)

# Regression: a GuideLLM 'benchmarks' list holding a scalar (found by fuzz_serving) is bad
# input, not an internal error.
plan_cli_test(calibrate.import_guidellm_scalar --rc 2
  --stderr-exact "plan: error: fuzz/corpus/serving/crash-guidellm-scalar-benchmark.json:2:3: benchmark result is not valid JSON (expected the JSON of vllm bench serve or throughput, or GuideLLM's benchmarks.json)"
  --no-file ${CMAKE_BINARY_DIR}/guidellm-scalar.yaml
  -- calibrate import fuzz/corpus/serving/crash-guidellm-scalar-benchmark.json --model llama-3.1-8b --gpu h100-sxm
     --precision bf16 --tp 1 -o ${CMAKE_BINARY_DIR}/guidellm-scalar.yaml)

# Serving results fitted into plans. The fixtures restate a published vLLM 0.6.0 run of
# Llama 3.1 8B on an A100 80GB (tests/data/calib/SOURCES.md): median TPOT 14.14 ms at
# 4 requests/s, and 4,132 output tok/s offline. The fitted model reproduces the figure it
# was fitted to; the arithmetic of the fit is worked by hand in test_serving_fit.cpp.
set(SERVING tests/data/calib-serving)
plan_cli_test(calibrate.import_serve_fit --rc 0
  --stdout-re "^TPOT ms +11\\.0 +14\\.14 +[0-9.]+ +14\\.14$"
  --stdout-re "^time scales: memory x[0-9.]+, compute x[0-9.]+, fixed x1\\.000. least squares"
  --stdout-re "^held at the catalog's value: fixed \\(too few measurements to fit it as well\\)$"
  -- calibrate import ${CAL}/vllm_serve_llama8b_a100_4rps.json --model llama-3.1-8b --gpu a100-80gb-sxm
     --precision bf16 --tp 1 -o ${CMAKE_BINARY_DIR}/import-serve-fit.yaml)
plan_cli_test(calibrate.import_throughput_lengths --rc 0
  --stdout-re "^output tok/s +256\\.0 +4132\\.34 +[0-9.]+ +4132\\.34$"
  --file-re ${CMAKE_BINARY_DIR}/import-throughput.yaml "^  mean_input_tokens: 215$"
  --file-re ${CMAKE_BINARY_DIR}/import-throughput.yaml "^  output_tokens_per_s: 4132\\.3356$"
  -- calibrate import ${CAL}/vllm_throughput_llama8b_a100.json --model llama-3.1-8b --gpu a100-80gb-sxm
     --precision bf16 --tp 1 --input-len 215 --output-len 194.28 -o ${CMAKE_BINARY_DIR}/import-throughput.yaml)
plan_cli_test(calibrate.import_throughput_no_lengths --rc 0
  --stdout-re "not used: it does not give the mean input and output tokens per request \\(import it with --input-len and --output-len\\)$"
  --stdout-re "^not used for planning: no usable serving measurement$"
  -- calibrate import ${CAL}/vllm_throughput_llama8b_a100.json --model llama-3.1-8b --gpu a100-80gb-sxm
     --precision bf16 --tp 1 -o ${CMAKE_BINARY_DIR}/import-throughput-bare.yaml)
plan_cli_test(calibrate.import_length_given_twice --rc 64
  --stderr-exact "plan: error: ${CAL}/vllm_serve_llama8b_a100_4rps.json gives 215.0 mean tokens per request already (--input-len applies to files that do not)"
  --no-file ${CMAKE_BINARY_DIR}/import-twice.yaml
  -- calibrate import ${CAL}/vllm_serve_llama8b_a100_4rps.json --model llama-3.1-8b --gpu a100-80gb-sxm
     --precision bf16 --tp 1 --input-len 100 -o ${CMAKE_BINARY_DIR}/import-twice.yaml)
plan_cli_test(calibrate.import_not_in_catalog --rc 0
  --stdout-re "^not used for planning: opt-125m on h100-sxm \\(bf16, TP 1\\) is not a deployment of calib/catalog\\.yaml"
  -- calibrate import ${CAL}/vllm_bench_serve.json --model opt-125m --gpu h100-sxm --precision bf16 --tp 1
     -o ${CMAKE_BINARY_DIR}/import-opt.yaml)

# perf and compare with both files: the fitted model gives the measured TPOT at 4 req/s.
plan_cli_test(perf.calibrated_serving --rc 0
  --stdout-re "\"provenance\": \"calibrated\""
  --stdout-re "\"tpot_ms\": 14\\.1[34]"
  --stdout-re "\"calibration\": \"${SERVING}/llama-3\\.1-8b-a100-80gb-sxm-bf16-tp1-serve\\.yaml, ${SERVING}/llama-3\\.1-8b-a100-80gb-sxm-bf16-tp1-throughput\\.yaml\""
  -- --calibration ${SERVING}/llama-3.1-8b-a100-80gb-sxm-bf16-tp1-serve.yaml
     --calibration ${SERVING}/llama-3.1-8b-a100-80gb-sxm-bf16-tp1-throughput.yaml
     perf --model llama-3.1-8b --gpu a100-80gb-sxm --input 215 --output 194.28 --rate 4 --format json)
plan_cli_test(perf.calibrated_serving_offline --rc 0
  --stdout-re "\"output_tokens_per_s\": 413[0-9]\\."
  -- --calibration ${SERVING}/llama-3.1-8b-a100-80gb-sxm-bf16-tp1-serve.yaml
     --calibration ${SERVING}/llama-3.1-8b-a100-80gb-sxm-bf16-tp1-throughput.yaml
     perf --model llama-3.1-8b --gpu a100-80gb-sxm --input 215 --output 194.28 --concurrency max --format json)
plan_cli_test(perf.uncalibrated --rc 0
  --stdout-re "\"provenance\": \"spec\"" --stdout-re "\"calibration\": null"
  -- --no-calibration perf --model llama-3.1-8b --gpu a100-80gb-sxm --input 215 --output 194 --format json)
plan_cli_test(compare.calibrated_serving --rc 0
  --stdout-re "^  a100: calibrated by serving results ${SERVING}/llama-3\\.1-8b-a100-80gb-sxm-bf16-tp1-serve\\.yaml, ${SERVING}/llama-3\\.1-8b-a100-80gb-sxm-bf16-tp1-throughput\\.yaml: time scales memory x"
  --stdout-re "^  a100: replica throughput \\(calibrated\\) from ${SERVING}/"
  -- --calibration ${SERVING}/llama-3.1-8b-a100-80gb-sxm-bf16-tp1-serve.yaml
     --calibration ${SERVING}/llama-3.1-8b-a100-80gb-sxm-bf16-tp1-throughput.yaml
     compare tests/data/profile-calibrated.yaml)
plan_cli_test(compare.calibration_not_matching --rc 0
  --stdout-re "^  a100: no --calibration file is for llama-3\\.1-8b on a100-80gb-sxm \\(bf16, 1 GPU, layout tp\\): not calibrated, sized as its throughput source says$"
  -- --calibration tests/data/calib-home/calib/results/tiny-example.yaml compare tests/data/profile-calibrated.yaml)
plan_cli_test(compare.calibration_missing_file --rc 2
  --stderr-re "^plan: error: .*nope\\.yaml"
  -- --calibration tests/data/nope.yaml compare tests/data/profile-calibrated.yaml)
plan_cli_test(compare.calibration_and_none --rc 64
  --stderr-re "^plan: error: .*--no-calibration"
  -- --calibration tests/data/nope.yaml --no-calibration compare tests/data/profile-calibrated.yaml)

# A GuideLLM sweep: one calibration file per benchmark, fitted together.
plan_cli_test(calibrate.import_guidellm_all --rc 0
  --stdout-re "^imported 2 benchmarks of ${CAL}/guidellm_benchmarks\\.json \\(sha256 [0-9a-f]{64}\\) for llama-3\\.1-8b on 1x h100-sxm \\(bf16\\)$"
  --stdout-re "^llama-3-1-8b-h100-sxm-bf16-tp1-guidellm-b1\\.yaml +TTFT ms +1\\.0 +180\\.00 "
  --file-re ${CMAKE_BINARY_DIR}/guidellm-all/llama-3-1-8b-h100-sxm-bf16-tp1-guidellm-b2.yaml "^  concurrency: 30$"
  -- calibrate import ${CAL}/guidellm_benchmarks.json --model llama-3.1-8b --gpu h100-sxm --precision bf16 --tp 1
     --benchmark-index all -o ${CMAKE_BINARY_DIR}/guidellm-all)
plan_cli_test(calibrate.import_guidellm_all_stdout --rc 64
  --stderr-exact "plan: error: --benchmark-index all writes one file per benchmark (expected -o DIRECTORY, or no -o)"
  -- calibrate import ${CAL}/guidellm_benchmarks.json --model llama-3.1-8b --gpu h100-sxm --precision bf16 --tp 1
     --benchmark-index all -o -)
plan_cli_test(calibrate.import_guidellm_bad_index --rc 64
  --stderr-exact "plan: error: --benchmark-index 'x' (expected a benchmark number from 1, or all)"
  -- calibrate import ${CAL}/guidellm_benchmarks.json --model llama-3.1-8b --gpu h100-sxm --precision bf16 --tp 1
     --benchmark-index x)
plan_cli_test(calibrate.import_guidellm_all_or_nothing --rc 2
  --stderr-re "^plan: error: ${CAL}/guidellm_second_incomplete\\.json: GuideLLM benchmark is missing fields benchmarks\\[1\\]\\.metrics\\.tokens_per_second"
  --no-file ${CMAKE_BINARY_DIR}/guidellm-partial/llama-3-1-8b-h100-sxm-bf16-tp1-guidellm-b1.yaml
  -- calibrate import ${CAL}/guidellm_second_incomplete.json --model llama-3.1-8b --gpu h100-sxm --precision bf16
     --tp 1 --benchmark-index all -o ${CMAKE_BINARY_DIR}/guidellm-partial)

# A probe of llama-3.1-8b on h100-sxm also calibrates llama-3.1-70b there (device
# efficiencies, the catalog's fixed cost). With its e_bw 0.400, TP 2 streams 141.2 GB / 2 of
# weights at 3,350 GB/s x 0.4 = 1,340 GB/s: 52.7 ms a step, above the 50 ms TPOT target, so
# the 8-GPU instance runs TP 4 (26.3 ms of weights a step). A model that fits no degree of
# its instance keeps the catalog's reason and provenance.
plan_cli_test(compare.calibrated_other_model_tp --rc 0
  --stdout-re "^  big-on-eight: calibrated by .*llama-3\\.1-8b-h100-sxm-bf16-tp1\\.yaml: e_bw 0\\.400, .*probed with llama-3\\.1-8b, so the fixed cost per step is the catalog's. measured at TP 1, all-reduces at TP 4 from the catalog$"
  --stdout-re "^  big-on-eight: TP 4 chosen: with the calibration, TP 2 misses the latency targets$"
  --stdout-re "^   big-on-one +self_hosted .* spec +no$"
  -- --data-dir tests/data/calib-wired compare tests/data/profile-perf.yaml --prices tests/data/sheet-basic.yaml)

# The model a result file names is checked against --model ('.' stands for ';', a CMake list
# separator, in the patterns). tests/data/calib/vllm_bench_serve.json
# is a real vLLM result of facebook/opt-125m: imported as llama-3.1-8b it is refused and
# nothing is written; --force imports it and the file says so.
plan_cli_test(calibrate.import_model_mismatch --rc 2
  --stderr-re "^plan: error: ${CAL}/vllm_bench_serve\\.json: result file is for model 'facebook/opt-125m', not llama-3\\.1-8b \\(catalog hf_ids: meta-llama/Llama-3\\.1-8B-Instruct, meta-llama/Meta-Llama-3\\.1-8B-Instruct, meta-llama/Llama-3\\.1-8B, meta-llama/Meta-Llama-3\\.1-8B, nvidia/Llama-3\\.1-8B-Instruct-FP8\\). pass --force to import it anyway$"
  --no-file ${CMAKE_BINARY_DIR}/import-mismatch.yaml
  -- calibrate import ${CAL}/vllm_bench_serve.json --model llama-3.1-8b --gpu h100-sxm --precision bf16 --tp 1
     -o ${CMAKE_BINARY_DIR}/import-mismatch.yaml)
plan_cli_test(calibrate.import_model_forced --rc 0
  --stdout-re "^model check: FORCED: the result file is for model 'facebook/opt-125m', not llama-3\\.1-8b. imported with --force$"
  --file-re ${CMAKE_BINARY_DIR}/import-forced.yaml "^model: \"llama-3\\.1-8b\"$"
  --file-re ${CMAKE_BINARY_DIR}/import-forced.yaml "^  model_in_file: \"facebook/opt-125m\"$"
  --file-re ${CMAKE_BINARY_DIR}/import-forced.yaml "^  model_check: forced$"
  -- calibrate import ${CAL}/vllm_bench_serve.json --model llama-3.1-8b --gpu h100-sxm --precision bf16 --tp 1
     --force -o ${CMAKE_BINARY_DIR}/import-forced.yaml)
# meta-llama/Meta-Llama-3.1-8B-Instruct is one of llama-3.1-8b's hf_ids.
plan_cli_test(calibrate.import_model_matched --rc 0
  --stdout-re "^model check: the result file names 'meta-llama/Meta-Llama-3\\.1-8B-Instruct', which is llama-3\\.1-8b$"
  --file-re ${CMAKE_BINARY_DIR}/import-matched.yaml "^  model_check: matched$"
  -- calibrate import ${CAL}/vllm_serve_llama8b_a100_4rps.json --model llama-3.1-8b --gpu a100-80gb-sxm
     --precision bf16 --tp 1 -o ${CMAKE_BINARY_DIR}/import-matched.yaml)
# vLLM bench throughput JSON names no model: imported, with a note.
plan_cli_test(calibrate.import_model_unchecked --rc 0
  --stdout-re "^model check: none: the result file names no model, so it could not be checked against llama-3\\.1-8b$"
  --file-re ${CMAKE_BINARY_DIR}/import-unchecked.yaml "^  model_check: unchecked$"
  -- calibrate import ${CAL}/vllm_throughput_llama8b_a100.json --model llama-3.1-8b --gpu a100-80gb-sxm
     --precision bf16 --tp 1 --input-len 215 --output-len 194.28 -o ${CMAKE_BINARY_DIR}/import-unchecked.yaml)
# A forced import (tests/data/calib-forced, hand-made) is flagged by show, list and the plan.
set(FORCED tests/data/calib-forced/calib/results/llama-3.1-8b-a100-80gb-sxm-bf16-tp1-forced.yaml)
plan_cli_test(calibrate.show_forced --rc 0
  --stdout-re "^model check: FORCED: the result file is for model 'facebook/opt-125m', not llama-3\\.1-8b. imported with --force$"
  -- calibrate show ${FORCED})
plan_cli_test(calibrate.list_forced --rc 0
  --stdout-re "^llama-3\\.1-8b-a100-80gb-sxm-bf16-tp1-forced\\.yaml +import +llama-3\\.1-8b \\(forced: file is for facebook/opt-125m\\) +a100-80gb-sxm "
  -- --data-dir tests/data/calib-forced calibrate list)
plan_cli_test(compare.calibrated_forced --rc 0
  --stdout-re "^  a100: serving result ${FORCED} was imported with --force: its result file is for model 'facebook/opt-125m', not llama-3\\.1-8b$"
  --stdout-re "^  a100: calibrated by serving results ${FORCED}: "
  -- --calibration ${FORCED} compare tests/data/profile-calibrated.yaml)

# diff of two compare results that differ only by the serving calibration: the price and the
# fleet may stay, but the replica's provenance and latency at peak move, and diff reports them.
add_test(NAME cli.diff.calibration COMMAND bash -c
  "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT
   $0 --no-calibration compare tests/data/profile-calibrated.yaml --format json -o $d/a.json
   $0 --calibration $1 --calibration $2 compare tests/data/profile-calibrated.yaml --format json -o $d/b.json
   $0 diff $d/a.json $d/b.json > $d/diff.txt
   grep -q '^  a100: replica throughput provenance: spec -> calibrated$' $d/diff.txt
   grep -Eq '^  a100: TPOT at peak: [0-9.]+ -> [0-9.]+ ms \\(\\+[0-9.]+\\)$' $d/diff.txt
   ! grep -q '^  a100: no change$' $d/diff.txt"
  $<TARGET_FILE:plan> ${SERVING}/llama-3.1-8b-a100-80gb-sxm-bf16-tp1-serve.yaml
  ${SERVING}/llama-3.1-8b-a100-80gb-sxm-bf16-tp1-throughput.yaml WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.diff.calibration PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")

# User files: nothing is written into an install prefix or the source tree by calibrate
# import, calibrate run, models add or prices import
# (tests/cli/user_files.sh), and without HOME or XDG_DATA_HOME a default output is refused.
add_test(NAME cli.calibrate.user_files
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/user_files.sh $<TARGET_FILE:plan> ${PROJECT_SOURCE_DIR})
plan_cli_test(calibrate.no_user_dir --rc 73 --env HOME= --env XDG_DATA_HOME=
  --stderr-exact "plan: error: no directory for user files (expected HOME or an absolute XDG_DATA_HOME, or -o FILE)"
  -- calibrate import ${CAL}/vllm_bench_serve.json --model opt-125m --gpu l4 --precision fp16 --tp 1)

# Fuzz regressions (fuzz/corpus): a number beyond double's range in a serving result, and a
# calibration file on which an earlier parser never returned. Its third line holds a control
# character (0x14) in column 10, after "s: 1&sene": the reader rejects it before any parsing.
plan_cli_test(calibrate.import_number_overflow --rc 2
  --stderr-exact "plan: error: fuzz/corpus/serving/crash-number-overflow.json: benchmark result holds a number out of range (expected the JSON of vllm bench serve or throughput, or GuideLLM's benchmarks.json)"
  -- calibrate import fuzz/corpus/serving/crash-number-overflow.json --model llama-3.1-8b --gpu h100-sxm
     --precision bf16 --tp 1 -o ${CMAKE_BINARY_DIR}/number-overflow.yaml)
plan_cli_test(calibrate.show_stray_comma --rc 2
  --stderr-exact "plan: error: fuzz/corpus/calibration/timeout-loadall.yaml:3:10: invalid YAML: control characters are not allowed (expected well-formed YAML)"
  -- calibrate show fuzz/corpus/calibration/timeout-loadall.yaml)
