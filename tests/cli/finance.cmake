# plan project, breakeven, sweep and diff on the finance fixtures (tests/data/sheet-finance*.yaml,
# profile-fin-*.yaml). Expected figures are worked out in the comments.
set(FSHEET tests/data/sheet-finance.yaml)
set(FSHEET_B tests/data/sheet-finance-b.yaml)
set(FIN_A tests/data/profile-fin-a.yaml)
set(FIN_B tests/data/profile-fin-b.yaml)
set(FIN_C tests/data/profile-fin-commit.yaml)

# fin-b month 1 (2025-03), gpu: $2,000.00 reserved + $5,000 migration = $7,000.00; the API
# costs 4M x 30.416667 x $15/1M = $1,825.00, so the saving is 1,825 - 7,000 = -5,175.00.
plan_cli_test(project.csv --rc 0
  --stdout-re "^profile,price_sheet,baseline,basis,month_index,month,option,kind,volume_scale,tokens,requests,api_tokens_usd,provisioned_units_usd,gpu_compute_usd,amortization_usd,energy_usd,colocation_usd,maintenance_usd,ops_labour_usd,monitoring_usd,storage_usd,egress_usd,one_time_usd,capital_usd,total_usd,cumulative_usd,savings_vs_baseline_usd,cumulative_savings_usd,present_value_usd,needed,paid,utilization,feasible"
  --stdout-re "^fin-b,test-finance,api,accrual,1,2025-03,gpu,self_hosted,1\\.000000,121666667,[0-9]+,0\\.00,0\\.00,2000\\.00,0\\.00,0\\.00,0\\.00,0\\.00,0\\.00,0\\.00,0\\.00,0\\.00,5000\\.00,0\\.00,7000\\.00,7000\\.00,-5175\\.00,-5175\\.00,,1,1,"
  -- project ${FIN_B} --prices ${FSHEET} --format csv)
# 12 x $2,000 + $5,000 = $29,000.00; payback in month 9 (worked in tests/unit/test_finance.cpp).
plan_cli_test(project.table --rc 0 --stdout-re "^total .*29,000\\.00" --stdout-re "payback against api: month 9 \\(2025-11\\)"
  -- project ${FIN_B} --prices ${FSHEET})
plan_cli_test(project.json --rc 0 --stdout-re "\"payback_month\": 9" --stdout-re "\"total\": 29000\\.00"
  -- project ${FIN_B} --prices ${FSHEET} --format json)
# Reserved fleet: 2 replicas paid in month 6 though 1 is needed; 2 x 730 x 2.739726 = 4,000.00.
plan_cli_test(project.commitment --rc 0 --stdout-re "^fin-commit,test-finance,on-demand,accrual,6,2025-06,reserved,self_hosted,0\\.100000,[0-9]+,[0-9]+,0\\.00,0\\.00,4000\\.00,"
  -- project ${FIN_C} --prices ${FSHEET} --format csv --baseline on-demand)
plan_cli_test(project.bad_baseline --rc 64 --stderr-exact "plan: error: unknown baseline option 'nope' (expected one of: api, gpu)"
  -- project ${FIN_B} --prices ${FSHEET} --baseline nope)
plan_cli_test(project.bad_start --rc 2
  --stderr-exact "plan: error: tests/data/profile-fin-bad-start.yaml:4:3: 'start' in horizon is '2025-13' (expected YYYY-MM, month 01 to 12)"
  -- project tests/data/profile-fin-bad-start.yaml --prices ${FSHEET})

# Case (a): $2.50/h over 4M tokens/h = $0.625 per 1M, above the API's $0.30: no break-even.
plan_cli_test(breakeven.none --rc 0 --stdout-re "no break-even: gpu costs \\$0\\.6250 per 1M tokens even at full SLA-bound utilisation, at or above api's \\$0\\.3000 per 1M"
  -- breakeven ${FIN_A} --prices ${FSHEET})
# Case (b): 730 x 2.739726 / $15 per 1M = 133,333,332 tokens/month / 30.416667 = 4,383,562 tokens/day.
plan_cli_test(breakeven.csv --rc 0 --stdout-re "^fin-b,test-finance,gpu,api,true,false,4383562,133333332,0\\.000761,15\\.000000,9,2025-11,"
  -- breakeven ${FIN_B} --prices ${FSHEET} --format csv)
plan_cli_test(breakeven.table --rc 0 --stdout-re "^gpu +api +4\\.38M +133\\.33M "
  --stdout-re "^over the examined range 1\\.00k to 1\\.00T tokens/day$"
  -- breakeven ${FIN_B} --prices ${FSHEET})
plan_cli_test(breakeven.json --rc 0 --stdout-re "\"found\": false" --stdout-re "\"option_floor_usd_per_mtok\": 0\\.625"
  -- breakeven ${FIN_A} --prices ${FSHEET} --format json)
plan_cli_test(breakeven.against_unknown --rc 64 --stderr-re "^plan: error: --against 'x' is not an option"
  -- breakeven ${FIN_A} --prices ${FSHEET} --against x)

# 1M tokens/day x 30.416667 x $15/1M = $456.25; the GPU is $2,000.00 at any volume here.
plan_cli_test(sweep.csv --rc 0 --stdout-re "^tokens_per_day,tokens_per_month,api_usd,gpu_usd,cheapest,infeasible"
  --stdout-re "^1000000,30416667,456\\.25,2000\\.00,api,"
  --stdout-re "^10000000,304166667,4562\\.50,2000\\.00,gpu,"
  -- sweep ${FIN_B} --prices ${FSHEET} --volume 1M..10M --points 10)
plan_cli_test(sweep.crossovers --rc 0 --stdout-re "^tokens_per_day,tokens_per_month,option_a,option_b,cheaper_above"
  --stdout-re "^4383562,133333332,api,gpu,gpu"
  -- sweep ${FIN_B} --prices ${FSHEET} --volume 1M..10M --points 10 --crossovers)
# Text output gives volumes with SI suffixes (4,383,562 -> 4.38M; 133,333,332 -> 133.33M).
plan_cli_test(sweep.table --rc 0 --stdout-re "^  4\\.38M tokens/day \\(133\\.33M tokens/month\\): api and gpu cost the same. gpu is cheaper above"
  -- sweep ${FIN_B} --prices ${FSHEET} --volume 1M..10M --points 10 --log --format table)
plan_cli_test(sweep.bad_volume --rc 64 --stderr-re "^plan: error: --volume '10M\\.\\.1M' is not FROM\\.\\.TO"
  -- sweep ${FIN_B} --prices ${FSHEET} --volume 10M..1M)
plan_cli_test(sweep.crossovers_not_csv --rc 64 --stderr-re "^plan: error: --crossovers applies to --format csv only"
  -- sweep ${FIN_B} --prices ${FSHEET} --volume 1M..10M --crossovers --format json)

# Sheet B: flat-15 input $12 (was $15): 121.67M tokens x (0.5 x 12 + 0.5 x 15) / 1M = $1,642.50;
# gpu-2000 reserved $3.00/h: 730 x 3 = $2,190.00.
plan_cli_test(diff.prices --rc 0 --stdout-re "^api +1,825\\.00 +1,642\\.50 +-182\\.50"
  --stdout-re "^gpu +2,000\\.00 +2,190\\.00 +\\+190\\.00"
  --stdout-re "api: input_per_mtok: 15 -> 12 \\(tests/data/sheet-finance\\.yaml:16 -> tests/data/sheet-finance-b\\.yaml:16\\)"
  --stdout-re "gpu: reserved_1y_per_hour: 2\\.739726 -> 3 "
  -- diff ${FIN_B} --prices-a ${FSHEET} --prices-b ${FSHEET_B})
plan_cli_test(diff.profiles --rc 0 --stdout-re "gpu: option instance: gpu-2\\.50 -> gpu-2000"
  -- diff ${FIN_A} ${FIN_B} --prices-a ${FSHEET} --prices-b ${FSHEET})
plan_cli_test(diff.needs_prices --rc 64 --stderr-re "^plan: error: one profile needs --prices-a and --prices-b"
  -- diff ${FIN_B})

# diff of two compare results, and CSV read back by Python's csv module.
add_test(NAME cli.diff.json COMMAND bash -c
  "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT
   $0 compare ${FIN_B} --prices ${FSHEET} --format json -o $d/a.json
   $0 compare ${FIN_B} --prices ${FSHEET_B} --format json -o $d/b.json
   $0 diff $d/a.json $d/b.json --format csv > $d/diff.csv
   grep -Eq '^[^,]*,[^,]*,api,1825\\.00,1642\\.50,-182\\.50,api_tokens: 1825\\.00 -> 1642\\.50 \\(-182\\.50\\)' $d/diff.csv"
  $<TARGET_FILE:plan> WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.diff.json PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")

find_package(Python3 COMPONENTS Interpreter QUIET)
if(Python3_Interpreter_FOUND)
  add_test(NAME cli.finance.csv_python COMMAND bash -c
    "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT
     $0 project ${FIN_B} --prices ${FSHEET} --format csv -o $d/project.csv
     $0 project ${FIN_C} --prices ${FSHEET} --format csv -o $d/commit.csv
     $0 sweep ${FIN_A} --prices ${FSHEET} --volume 1k..1T --points 500 --log -o $d/sweep.csv
     $0 breakeven ${FIN_B} --prices ${FSHEET} --format csv -o $d/breakeven.csv
     ${Python3_EXECUTABLE} tests/tools/check_csv.py $d/project.csv --projection
     ${Python3_EXECUTABLE} tests/tools/check_csv.py $d/commit.csv --projection
     ${Python3_EXECUTABLE} tests/tools/check_csv.py $d/sweep.csv
     ${Python3_EXECUTABLE} tests/tools/check_csv.py $d/breakeven.csv
     ${Python3_EXECUTABLE} tests/tools/check_csv.py examples/finance-walkthrough/project.csv --projection
     ${Python3_EXECUTABLE} tests/tools/check_csv.py examples/finance-walkthrough/sweep.csv"
    $<TARGET_FILE:plan> WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli.finance.csv_python PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")
endif()

# The walkthrough's files are what the tool prints (examples/finance-walkthrough/generate.sh).
set(WALK examples/finance-walkthrough)
plan_cli_test(walkthrough.project --rc 0 --stdout-file ${WALK}/project.csv -- project ${WALK}/profile.yaml --format csv)
plan_cli_test(walkthrough.breakeven --rc 0 --stdout-file ${WALK}/breakeven.csv -- breakeven ${WALK}/profile.yaml --format csv)
plan_cli_test(walkthrough.crossovers --rc 0 --stdout-file ${WALK}/sweep-crossovers.csv
  -- sweep ${WALK}/profile.yaml --volume 100M..300M --points 201 --crossovers)

# Owned servers (docs/finance.md "Owned hardware"). tests/data/profile-owned-hardware.yaml names
# dgx-h100 of pricing/hardware/2026-11.yaml ($199,000, 10.2 kW); month 1 is 2025-01 (PLAN_TODAY,
# pinned for every CLI test, as the profile gives no start); its traffic, 3,200 tokens/s
# against the 8,000 one server holds, is utilisation 0.4. Cash month 1: the purchase $199,000,
# energy 10.2 x (0.3 + 0.7 x 0.4) x 1.5 x 730 x 0.10 = 647.80, colocation 10.2 x 200 = 2,040.00,
# maintenance 0.10 x 199,000 / 12 = 1,658.33: total 203,346.13; no amortisation line.
plan_cli_test(project.owned_cash --rc 0
  --stdout-re "^owned-hardware,test-basic,box,cash,1,2025-01,box,self_hosted,1\\.000000,[0-9]+,[0-9]+,0\\.00,0\\.00,0\\.00,0\\.00,647\\.80,2040\\.00,1658\\.33,0\\.00,0\\.00,0\\.00,0\\.00,0\\.00,199000\\.00,203346\\.13,"
  -- project tests/data/profile-owned-hardware.yaml --prices tests/data/sheet-basic.yaml --basis cash --format csv)
# Accrual month 1: amortisation 199,000 x 0.8 / 36 = 4,422.22 instead of the purchase:
# 4,422.22 + 647.80 + 2,040.00 + 1,658.33 = 8,768.35.
plan_cli_test(project.owned_accrual --rc 0
  --stdout-re "^owned-hardware,test-basic,box,accrual,1,2025-01,box,self_hosted,1\\.000000,[0-9]+,[0-9]+,0\\.00,0\\.00,0\\.00,4422\\.22,647\\.80,2040\\.00,1658\\.33,0\\.00,0\\.00,0\\.00,0\\.00,0\\.00,0\\.00,8768\\.35,"
  -- project tests/data/profile-owned-hardware.yaml --prices tests/data/sheet-basic.yaml --format csv)
plan_cli_test(project.bad_basis --rc 64 -- project tests/data/profile-owned-hardware.yaml --prices tests/data/sheet-basic.yaml --basis cashflow)
# compare shows the owned lines and cites the list entry (pricing/hardware/2026-11.yaml:44, dgx-h100).
plan_cli_test(compare.owned --rc 0
  --stdout-re "box: amortization 4,422\\.22, energy 647\\.80, colocation 2,040\\.00, maintenance 1,658\\.33, ops 0\\.00 per month \\(accrual\\)"
  --stdout-re "box: server 'dgx-h100' \\(gpu, gpu_count, power_kw, purchase_usd\\) from pricing/hardware/2026-11\\.yaml:[0-9]+"
  -- compare tests/data/profile-owned-hardware.yaml --prices tests/data/sheet-basic.yaml)

# Dates: without a horizon start a projection begins in the current month. profile-basic has
# no horizon (12 months): pinned to 2026-12-01, month 1 is 2026-12 and month 12 is 2027-11
# (2026-12 + 11 months), whatever the sheet's effective date (2024-12-01).
plan_cli_test(project.default_start --rc 0
  --stdout-re "^basic,test-basic,mini,accrual,1,2026-12,mini,"
  --stdout-re "^basic,test-basic,mini,accrual,12,2027-11,mini,"
  -- --today 2026-12-01 project tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml --format csv)
# --start and --months replace the horizon: 2 months from 2027-03.
plan_cli_test(project.start_months --rc 0 --stdout-re "2 months from 2027-03.{2}baseline mini"
  -- project tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml --start 2027-03 --months 2)
plan_cli_test(project.bad_start_flag --rc 64
  --stderr-exact "plan: error: --start '2027-13' is not a month (expected YYYY-MM, month 01 to 12)"
  -- project tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml --start 2027-13)
plan_cli_test(report.start_months --rc 0 --stdout-re "<!DOCTYPE html>"
  -- report tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml --start 2027-03 --months 2)
# fin-commit lists 6 monthly multipliers: --months 7 cannot extend them.
plan_cli_test(project.months_vs_scale --rc 64
  --stderr-exact "plan: error: --months 7 differs from the 6 months of the profile's monthly_volume_scale (expected the same number, or growth_per_month in the profile)"
  -- project tests/data/profile-fin-commit.yaml --prices tests/data/sheet-finance.yaml --months 7)

# Payback that means payback (docs/finance.md "Payback"). profile-buy-vs-rent-in-service.yaml,
# cash basis, rent-aws-p5 against the owned servers: month 1 the servers' purchase and running
# costs, 634,000 + 24,766.77 = 658,766.77 (energy 1,868.37 at the 45.90% the engine terms'
# 3 replicas at peak leave the 4 held), against 88,691.73 rented: savings +570,075.04; every
# later month -63,924.96 (88,691.73 - 24,766.77). Cumulative after month k: 570,075.04 -
# (k - 1) x 63,924.96: month 9 +58,675.36, month 10 -5,249.60, and below zero to the end. So
# no payback (the running sum alone said "month 1"), and the month they turn negative: 10.
plan_cli_test(project.payback_negative_again --rc 0
  --stdout-re "^payback against owned-h100: none within 48 months: the cumulative savings turn negative again in month 10 \\("
  -- project tests/data/profile-buy-vs-rent-in-service.yaml --basis cash)
# profiles/buy-vs-rent.yaml, cash basis: the baseline owned-h100 serves nothing in its 3 months
# of lead time, so no option's savings against it are computed and none pays back (the AWS
# fleet, whose savings turn negative and end $2.8M behind, was reported as "month 1").
plan_cli_test(project.payback_infeasible_baseline --rc 0
  --stdout-re "^payback against owned-h100: none within 51 months: owned-h100 is infeasible in month 1 \\("
  -- project profiles/buy-vs-rent.yaml --basis cash)
add_test(NAME cli.project.payback_not_month_1
         COMMAND bash -c "out=$($<TARGET_FILE:plan> project profiles/buy-vs-rent.yaml --basis cash) || exit 1; ! grep -E '^payback against owned-h100: month' <<<\"$out\""
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.project.payback_not_month_1 PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")
# An option infeasible in every month (fin-b with its data class kept private by policy: the
# API may not receive it) has no savings and no payback; JSON says why.
plan_cli_test(project.payback_infeasible_json --rc 0
  --stdout-re "\"payback_none_reason\": \"api is infeasible in month 1 \\(2025-03\\), and savings of or against an infeasible option are not computed\""
  --stdout-re "\"savings_vs_baseline\": null"
  -- project tests/data/profile-fin-private.yaml --prices ${FSHEET} --format json --baseline gpu)
# Provisioned units: utilisation = mean demand / paid capacity (fin-commit, 3-month term). Flat
# traffic of 2M input tokens a day = 1,388.89 a minute = 1.38889 units; month 1 (scale 2) needs
# 2.77778 units, pays 3: 0.9259; month 6 (scale 0.1) 0.138889 of the 1 unit paid: 0.1389.
plan_cli_test(project.provisioned_utilization --rc 0
  --stdout-re "^fin-commit,test-finance,on-demand,accrual,1,2025-01,provisioned,managed,2\\.000000,[0-9]+,[0-9]+,.*,3,3,0\\.9259,true"
  --stdout-re "^fin-commit,test-finance,on-demand,accrual,6,2025-06,provisioned,managed,0\\.100000,[0-9]+,[0-9]+,.*,1,1,0\\.1389,true"
  -- project ${FIN_C} --prices ${FSHEET} --format csv --baseline on-demand)
