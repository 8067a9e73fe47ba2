# plan prices list | show | verify, on the shipped sheets in pricing/.

# Every column has a heading; the default sheet (the newest) is marked in its own column.
plan_cli_test(prices.list --rc 0
  --stdout-re "^version +effective +file +default$"
  --stdout-re "^2024-12 +2024-12-01 +.*pricing/2024-12\\.yaml$"
  --stdout-re "^2026-05 +2026-05-20 +.*pricing/2026-05\\.yaml$"
  --stdout-re "^2026-07 +2026-07-24 +.*pricing/2026-07\\.yaml$"
  --stdout-re "^2026-12 +2026-12-06 +.*pricing/2026-12\\.yaml +yes$"
  -- prices list)

# The sheet's own figures (pricing/2024-12.yaml): gpt-4o-mini 0.15 in / 0.60 out / 0.075 cached,
# no cache write, batch 0.075 / 0.30, 128k context; p5.48xlarge 8x H100 at 98.32 per hour.
plan_cli_test(prices.show_2024_12 --rc 0
  --stdout-re "^price sheet 2024-12 \\(effective 2024-12-01, USD\\)"
  --stdout-re "^gpt-4o-mini +openai +0\\.150 +0\\.600 +0\\.075 +- +0\\.075 +0\\.300 +128000 "
  --stdout-re "^claude-3-haiku +anthropic +0\\.250 +1\\.250 +0\\.030 +0\\.300 +0\\.125 +0\\.625 +200000 "
  --stdout-re "^bedrock-claude-instant .*provisioned 1m 39\\.60/unit-h. provisioned 6m 22\\.00/unit-h"
  --stdout-re "^aws-p5\\.48xlarge +aws +p5\\.48xlarge +h100-sxm +8 +98\\.3200 "
  -- prices show 2024-12)

# pricing/2026-05.yaml: GCP a3-highgpu-1g = host 1.18251 + 1x H100 4.20076 = 5.38327 on demand,
# spot 0.4829 + 4.0013 = 4.4842; AWS p4d 21.957642 on demand, RI 13.921094, spot 6.85 (low end).
plan_cli_test(prices.show_2026_05 --rc 0
  --stdout-re "^gcp-a3-highgpu-1g +gcp +a3-highgpu-1g +h100-sxm +1 +5\\.3833 +- +- +4\\.4842 "
  --stdout-re "^aws-p4d\\.24xlarge +aws +p4d\\.24xlarge +a100-40gb +8 +21\\.9576 +13\\.9211 +- +6\\.8500 "
  --stdout-re "^gpt-5-mini +openai +0\\.250 +2\\.000 +0\\.025 +- +- +- +272000 "
  -- prices show 2026-05)

# Every shipped sheet matches pricing/MANIFEST.sha256: editing a released sheet fails here.
plan_cli_test(prices.verify --rc 0
  --stdout-re "^2024-12\\.yaml: ok$" --stdout-re "^2026-05\\.yaml: ok$" --stdout-re "^2026-07\\.yaml: ok$"
  --stdout-re "^2026-12\\.yaml: ok$"
  --stdout-re "^hardware/2026-11\\.yaml: ok$"
  -- prices verify)
# An edited hardware price list fails the same way.
add_test(NAME cli.prices.verify_hardware_setup
  COMMAND bash -c "rm -rf \"$1\" && mkdir -p \"$1/pricing/hardware\" && cp pricing/*.yaml pricing/MANIFEST.sha256 \"$1/pricing/\" && cp pricing/hardware/*.yaml pricing/hardware/MANIFEST.sha256 \"$1/pricing/hardware/\" && printf '# edited\\n' >> \"$1/pricing/hardware/2026-11.yaml\""
          bash ${CMAKE_BINARY_DIR}/verify-hardware
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.prices.verify_hardware_setup PROPERTIES FIXTURES_SETUP verify_hardware)
plan_cli_test(prices.verify_hardware_changed --rc 1
  --stdout-re "^2026-07\\.yaml: ok$"
  --stdout-re "^hardware/2026-11\\.yaml: CHANGED \\(manifest [0-9a-f]{64}, file [0-9a-f]{64}\\)$"
  -- --data-dir ${CMAKE_BINARY_DIR}/verify-hardware prices verify)
set_tests_properties(cli.prices.verify_hardware_changed PROPERTIES FIXTURES_REQUIRED verify_hardware)

# A copy of pricing/ with one sheet edited, one sheet not in the manifest and one manifest
# line without its file: each is reported and the exit code is 1 (check failed).
set(VERIFY_DIR ${CMAKE_BINARY_DIR}/verify-fixture)
add_test(NAME cli.prices.verify_fixture_setup
  COMMAND bash -c "rm -rf \"$1\" && mkdir -p \"$1/pricing\" && cp pricing/*.yaml pricing/MANIFEST.sha256 \"$1/pricing/\" && printf '# edited\\n' >> \"$1/pricing/2024-12.yaml\" && printf 'version: x\\n' > \"$1/pricing/extra.yaml\" && printf '%s  gone.yaml\\n' 0000000000000000000000000000000000000000000000000000000000000000 >> \"$1/pricing/MANIFEST.sha256\""
          bash ${VERIFY_DIR}
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.prices.verify_fixture_setup PROPERTIES FIXTURES_SETUP verify_fixture)
plan_cli_test(prices.verify_changed --rc 1
  --stdout-re "^2024-12\\.yaml: CHANGED \\(manifest [0-9a-f]{64}, file [0-9a-f]{64}\\)$"
  --stdout-re "^2026-05\\.yaml: ok$"
  --stdout-re "^extra\\.yaml: NOT IN MANIFEST$"
  --stdout-re "^gone\\.yaml: MISSING$"
  -- --data-dir ${VERIFY_DIR} prices verify)
set_tests_properties(cli.prices.verify_changed PROPERTIES FIXTURES_REQUIRED verify_fixture)

# A pricing/ without a manifest is bad input (exit 2), not a failed check.
add_test(NAME cli.prices.no_manifest_setup
  COMMAND bash -c "rm -rf \"$1\" && mkdir -p \"$1/pricing\" && cp pricing/2024-12.yaml \"$1/pricing/\"" bash ${VERIFY_DIR}-nomanifest
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.prices.no_manifest_setup PROPERTIES FIXTURES_SETUP no_manifest)
plan_cli_test(prices.verify_no_manifest --rc 2
  --stderr-exact "plan: error: ${VERIFY_DIR}-nomanifest/pricing/MANIFEST.sha256: cannot open file (expected the price-sheet manifest)"
  -- --data-dir ${VERIFY_DIR}-nomanifest prices verify)
set_tests_properties(cli.prices.verify_no_manifest PROPERTIES FIXTURES_REQUIRED no_manifest)

# A malformed manifest line is bad input (exit 2), located at its line.
plan_cli_test(prices.verify_bad_manifest --rc 2
  --stderr-exact "plan: error: ${PLAN_TEST_DATA}/manifest-bad/pricing/MANIFEST.sha256:3:1: malformed manifest line (expected \"SHA256  FILENAME\", 64 hex digits, two spaces)"
  -- --data-dir ${PLAN_TEST_DATA}/manifest-bad prices verify)

# Every `gpu:` in the shipped sheets is a GPU id of the catalog's set (the loader accepts any
# string; the performance model looks GPUs up by these ids).
add_test(NAME data.sheet_gpu_ids
  COMMAND bash -c "bad=$(grep -ho 'gpu: [^,}]*' pricing/*.yaml | sort -u | grep -vxE 'gpu: (a10g|l4|l40s|a100-40gb|a100-80gb-sxm|a100-80gb-pcie|h100-sxm|h100-pcie|h200|b200|mi300x|gh200)'); if [ -n \"$bad\" ]; then echo \"unknown GPU ids: $bad\"; exit 1; fi"
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})

# pricing/2026-07.yaml: GCP a3-highgpu-8g at Cyclenerd's us-central1 list, hour 88.4899999 ->
# 88.4900, 1-year 44810.08066464 / 730 = 61.3837, 3-year 28370.99821392 / 730 = 38.8644, spot
# 36.113584 -> 36.1136; Azure ND96isr H100 v5 eastus2 98.32, spot 18.169536 -> 18.1695.
plan_cli_test(prices.show_2026_07 --rc 0
  --stdout-re "^gcp-a3-highgpu-8g +gcp +a3-highgpu-8g +h100-sxm +8 +88\\.4900 +61\\.3837 +38\\.8644 +36\\.1136 "
  --stdout-re "^azure-Standard_ND96isr_H100_v5 +azure +Standard_ND96isr_H100_v5 +h100-sxm +8 +98\\.3200 +- +- +18\\.1695 "
  -- prices show 2026-07)

# plan prices import: the draft of 2026-07 from the upstream files in pricing/sources/2026-07/.
# a3-highgpu-8g: Cyclenerd `hour: 88.4899999025753` -> 88.49 (5 decimals).
plan_cli_test(prices.import --rc 0
  --file-re ${CMAKE_BINARY_DIR}/draft-2026-07.yaml "^  - \\{id: gcp-a3-highgpu-8g, provider: gcp, instance: a3-highgpu-8g, gpu: h100-sxm, gpu_count: 8, region: us-central1, on_demand_per_hour: 88\\.49, "
  --file-re ${CMAKE_BINARY_DIR}/draft-2026-07.yaml "^  # gcp_cyclenerd_2026-05-21\\.yml line 3314: hour 88\\.4899999025753"
  -- prices import pricing/sources/2026-07/import.yaml -o ${CMAKE_BINARY_DIR}/draft-2026-07.yaml)
# A draft is never written into pricing/, where released sheets live.
plan_cli_test(prices.import_into_data_dir --rc 64 --no-file pricing/draft.yaml
  --stderr-re "^plan: error: -o pricing/draft\\.yaml is inside .*pricing \\(expected a path outside it"
  -- prices import pricing/sources/2026-07/import.yaml -o pricing/draft.yaml)

# Two sheets compared entry by entry (tests/data/sheet-basic-b.yaml says what it changes):
# the expected text is written out by hand in tests/data/sheet-diff-basic.txt, line numbers
# counted in the two fixtures (B has one more comment line at the top). The same sheet
# against itself: nothing changed, 7 entries unchanged (4 API models, 1 offering, 2
# instances).
plan_cli_test(prices.diff --rc 0 --stdout-file tests/data/sheet-diff-basic.txt
  -- prices diff tests/data/sheet-basic.yaml tests/data/sheet-basic-b.yaml)
plan_cli_test(prices.diff_same --rc 0 --stdout-re "^0 changed, 0 added, 0 removed, 7 unchanged$"
  -- prices diff tests/data/sheet-basic.yaml tests/data/sheet-basic.yaml)
plan_cli_test(prices.diff_unknown --rc 2 --stderr-re "^plan: error: .*nope"
  -- prices diff tests/data/sheet-basic.yaml nope)
