# plan compare, each format, and its errors.
set(SHEET tests/data/sheet-basic.yaml)
set(PROFILE tests/data/profile-basic.yaml)

plan_cli_test(compare.table --rc 0 --stdout-re "month = 730 hours" --stdout-re "^\\* +mini +api +80\\.30"
  -- compare ${PROFILE} --prices ${SHEET})
plan_cli_test(compare.json --rc 0 --stdout-re "\"hours_per_month\": 730" --stdout-re "\"monthly_cost_usd\": 80\\.30"
  --stdout-re "\"cheapest\": \"mini\""
  -- compare ${PROFILE} --prices ${SHEET} --format json)
# 6,925.00 = 730 h x $2.50 + 0.5 FTE x $120,000 / 12 + $100 monitoring.
plan_cli_test(compare.csv --rc 0 --stdout-re "^profile,price_sheet,hours_per_month,currency,option,kind,"
  --stdout-re "^basic,test-basic,730,USD,gpu,self_hosted,true,false,243333333,6925\\.00,"
  -- compare ${PROFILE} --prices ${SHEET} --format csv)
plan_cli_test(compare.markdown --rc 0 --stdout-re "^\\| +\\| option \\| kind \\|"
  -- compare ${PROFILE} --prices ${SHEET} --format markdown)
plan_cli_test(compare.output_file --rc 0 --file-re ${CMAKE_BINARY_DIR}/compare-out.json "\"cheapest\": \"mini\""
  -- compare ${PROFILE} --prices ${SHEET} --format json -o ${CMAKE_BINARY_DIR}/compare-out.json)
plan_cli_test(compare.missing_file --rc 2
  --stderr-exact "plan: error: no-such-profile.yaml: cannot open file (expected a readable file)"
  -- compare no-such-profile.yaml)
plan_cli_test(compare.bad_format --rc 64 --stderr-re "plan: error: --format"
  -- compare ${PROFILE} --format xml)
plan_cli_test(compare.unknown_version --rc 2
  --stderr-exact "plan: error: unknown price-sheet version 'nope' (expected one of: 2024-12, 2026-05, 2026-07, 2026-12)"
  -- compare ${PROFILE} --prices nope)
plan_cli_test(version --rc 0 --stdout-re "^plan [0-9]+\\.[0-9]+\\.[0-9]+$" -- --version)
plan_cli_test(help --rc 0 --stdout-re "compare" --stdout-re "Exit codes" -- --help)
plan_cli_test(no_subcommand --rc 64 --stderr-re "plan: error:" --)

# Defaults that shape the result are findings. fin-b's workload gives tokens_per_day without
# tokens_per_request (its map starts at line 11, column 5), and its self-hosted option has
# no ops and the profile none either.
plan_cli_test(compare.finding_defaults --rc 0
  --stdout-re "tests/data/profile-fin-b\\.yaml:11:5: workload 'chat' gives tokens_per_day without tokens_per_request: 1,000 tokens per request assumed"
  --stdout-re "no ops costs given \\(no ops: block in the option or the profile\\)"
  -- compare tests/data/profile-fin-b.yaml --prices tests/data/sheet-finance.yaml)
# profile-basic's API option gives no tier; sheet-basic lists tier-1 and tier-5.
plan_cli_test(compare.finding_tier --rc 0
  --stdout-re "no rate-limit tier given: the highest tier the price sheet lists \\(tier-5\\) assumed"
  -- compare tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml)
# The sheet's age: tests/data/sheet-basic.yaml is effective 2024-12-01. On 2025-03-02 it is
# 31 (Dec) + 31 (Jan) + 28 (Feb) + 1 = 91 days old: a finding (the 90-day boundary itself is
# checked in tests/unit/test_token_path.cpp).
# --today wins over PLAN_TODAY (2025-01-01 for every CLI test, from CMakeLists.txt).
plan_cli_test(compare.age_91_days --rc 0
  --stdout-re "price sheet test-basic \\(tests/data/sheet-basic\\.yaml\\) is 91 days old on 2025-03-02"
  -- --today 2025-03-02 compare ${PROFILE} --prices ${SHEET})
plan_cli_test(compare.age_env --rc 0 --env PLAN_TODAY=2025-03-02 --stdout-re "is 91 days old on 2025-03-02"
  -- compare ${PROFILE} --prices ${SHEET})
plan_cli_test(compare.today_malformed --rc 64
  --stderr-exact "plan: error: --today (or PLAN_TODAY) is '2025-02-30' (expected a date YYYY-MM-DD)"
  -- --today 2025-02-30 compare ${PROFILE} --prices ${SHEET})
# Every report built on the sheet says so (CSV, a data format, does not).
foreach(cmd project breakeven recommend)
  plan_cli_test(${cmd}.age_91_days --rc 0 --stdout-re "note: price sheet test-basic .* is 91 days old on 2025-03-02"
    -- --today 2025-03-02 ${cmd} ${PROFILE} --prices ${SHEET})
endforeach()
plan_cli_test(sweep.age_91_days --rc 0 --stdout-re "^note: price sheet test-basic .* is 91 days old on 2025-03-02"
  -- --today 2025-03-02 sweep ${PROFILE} --prices ${SHEET} --volume 1M..10M --points 2 --format table)

# An infeasible option has no price. claude-3-haiku in tests/data/profile-retired-haiku.yaml is retired (so
# infeasible): its cost, cost per 1M and cost lines are empty in CSV (after monthly_tokens,
# the next 13 cells) and null in JSON, never $0.00, so sorting by cost cannot put it first.
# gpt-4o in profile-context-small.yaml receives 150,000 input tokens against its 128,000
# context: infeasible, no figure; gpt-4.1 beside it is priced.
plan_cli_test(compare.infeasible_no_price_csv --rc 0
  --stdout-re ",claude-3-haiku,api,false,false,[0-9]+,,,,,,,,,,,,,,"
  -- compare tests/data/profile-retired-haiku.yaml --format csv)
plan_cli_test(compare.context_too_small_csv --rc 0
  --stdout-re ",gpt-4o,api,false,false,[0-9]+,,,,,,,,,,,,,,.*accepts at most 128000"
  --stdout-re ",gpt-4\\.1,api,true,true,[0-9]+,[0-9]+\\.[0-9]{2},[0-9]+\\.[0-9]{4},"
  -- compare tests/data/profile-context-small.yaml --format csv)
find_package(Python3 COMPONENTS Interpreter QUIET)
if(Python3_Interpreter_FOUND)
  foreach(case "tests/data/profile-retired-haiku.yaml:claude-3-haiku" "tests/data/profile-context-small.yaml:gpt-4o")
    string(REPLACE ":" ";" parts "${case}")
    list(GET parts 0 profile)
    list(GET parts 1 option)
    add_test(NAME cli.compare.infeasible_no_price_json.${option}
             COMMAND bash -c "$<TARGET_FILE:plan> compare ${profile} --format json | ${Python3_EXECUTABLE} -c \"
import json, sys
o = {x['id']: x for x in json.load(sys.stdin)['options']}['${option}']
assert not o['feasible'], o
bad = {k: o[k] for k in ('monthly_cost_usd', 'cost_per_mtok_usd', 'cost_breakdown') if o[k] is not None}
sys.exit(f'${option} is infeasible but priced: {bad}' if bad else 0)\""
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(cli.compare.infeasible_no_price_json.${option} PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")
  endforeach()
endif()
# The same in a sweep: gpt-4o's cell is empty at every volume (it is listed as infeasible);
# gpt-4.1 at 1M tokens/day: 30.416667M tokens a month, 150/151 input at $2.00 and 1/151
# output at $8.00 per 1M (pricing/2026-05.yaml:104): 30.2152M x 2 + 0.2014M x 8 = 60.43 +
# 1.61 = $62.04.
plan_cli_test(sweep.infeasible_no_price --rc 0
  --stdout-re "^1000000,30416667,,62\\.04,gpt-4\\.1,gpt-4o"
  -- sweep tests/data/profile-context-small.yaml --volume 1M..2M --points 2)
# --scale X multiplies every workload's volume: tests/data/profile-risk.yaml's API at $15 per
# 1M tokens, 10M tokens/day x 2 x 730 / 24 days = 608.33M tokens, $9,125.00 a month (2 x
# 4,562.50); the reserved GPU stays $2,000.00. A finding says the volume was scaled.
plan_cli_test(compare.scale --rc 0
  --stdout-re "^ +api +api +9,125\\.00 +15\\.0000 "
  --stdout-re "^\\* +gpu +self_hosted +2,000\\.00 "
  --stdout-re "^volume: 608\\.33M tokens/month"
  --stdout-re "^  volume x2 \\(--scale\\): every workload's requests per day is 2 times the profile's$"
  -- compare tests/data/profile-risk.yaml --prices tests/data/sheet-finance.yaml --scale 2)
plan_cli_test(recommend.scale --rc 0 --stdout-re "volume x0\\.5 \\(--scale\\)"
  -- recommend tests/data/profile-risk.yaml --prices tests/data/sheet-finance.yaml --scale 0.5)
plan_cli_test(compare.scale_range --rc 64 --stderr-re "--scale"
  -- compare tests/data/profile-risk.yaml --prices tests/data/sheet-finance.yaml --scale 0)
