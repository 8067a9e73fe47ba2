# plan risk on tests/data/profile-risk.yaml (an API at $15 per 1M against a $2,000/month
# reserved GPU, 12 months, volume lognormal p10 0.7 / p90 1.4, API prices -50%..0% a year).
# With every input at its median: api 4562.50 x 0.989949 x S(0.75) = 47,667.21 with
# S(r) = (1 - r) / (1 - r^(1/12)) = 10.553678; gpu 12 x 1999.99998 = 24,000.00; margin
# 23,667.21. Volume p10..p90 moves the margin from 9,705.81 to 43,411.62 (swing 4562.50 x
# 0.7 x 10.553678 = 33,705.81). Worked in full in tests/unit/test_risk.cpp.
set(RISK tests/data/profile-risk.yaml)
set(FSHEET tests/data/sheet-finance.yaml)
plan_cli_test(risk.json --rc 0
  --stdout-re "\"recommended\": \"gpu\""
  --stdout-re "\"runner_up\": \"api\""
  --stdout-re "\"median_margin_usd\": 23667\\.21"
  --stdout-re "\"input\": \"volume\""
  --stdout-re "\"swing_usd\": 33705\\.81"
  --stdout-re "\"draws\": 20000"
  -- risk ${RISK} --prices ${FSHEET} --format json)
plan_cli_test(risk.table --rc 0
  --stdout-re "^plan risk: risk, price sheet test-finance. 20000 draws, seed 5, 12 months"
  --stdout-re "^volume +lognormal"
  -- risk ${RISK} --prices ${FSHEET})
plan_cli_test(risk.csv --rc 0
  --stdout-re "^profile,price_sheet,draws,seed,option,kind,monthly_p10_usd,monthly_p50_usd,monthly_p90_usd,monthly_mean_usd,horizon_p10_usd,horizon_p50_usd,horizon_p90_usd,horizon_mean_usd,probability_cheapest,probability_feasible"
  --stdout-re "^risk,test-finance,500,9,gpu,self_hosted,2000\\.00,2000\\.00,2000\\.00,2000\\.00,24000\\.00,"
  -- risk ${RISK} --prices ${FSHEET} --format csv --draws 500 --seed 9)
plan_cli_test(risk.no_uncertainty --rc 2
  --stderr-re "^plan: error: tests/data/profile-fin-a\\.yaml:[0-9]+:[0-9]+: profile has no uncertainty section"
  -- risk tests/data/profile-fin-a.yaml --prices ${FSHEET})
plan_cli_test(risk.bad_threads --rc 64 --stderr-re "^plan: error: PLAN_THREADS is 'two'"
  --env PLAN_THREADS=two -- risk ${RISK} --prices ${FSHEET})
plan_cli_test(risk.example --rc 0 --stdout-re "\"id\": \"hybrid\"" --stdout-re "\"input\": \"throughput\""
  -- risk profiles/b2b-saas-risk.yaml --draws 5000 --format json)
# The same seed gives the same bytes with one thread and with two.
add_test(NAME cli.risk.threads
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/risk_threads.sh $<TARGET_FILE:plan> ${RISK} ${FSHEET}
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.risk.threads PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")
# "openai" starts at column 43: 30 characters of "  api_price_change_per_year: {" and 12 of "test: -0.1, ".
plan_cli_test(risk.unknown_provider --rc 2
  --stderr-exact "plan: error: tests/data/profile-risk-bad-provider.yaml:12:43: unknown provider 'openai' in api_price_change_per_year (expected 'default' or a provider of price sheet test-finance: test)"
  -- risk tests/data/profile-risk-bad-provider.yaml --prices ${FSHEET})

# --scale 2 doubles the volume: the tornado's volume bar at p10 (0.7 x 2 = 1.4 of today's)
# is the unscaled bar at p90: 4,562.50 x 1.4 x 10.553678 - 24,000 = 43,411.62
# (tests/unit/test_risk.cpp, "tornado"). --group: one row per kind asked for.
plan_cli_test(risk.scale_and_group --rc 0
  --stdout-re "^volume +0\\.7 +1\\.4 +43,411\\.62 +110,823\\.24 +67,411\\.62$"
  --stdout-re "^self_hosted +[01]\\.[0-9]{3} +gpu$"
  --stdout-re "^api +[01]\\.[0-9]{3} +api$"
  --stdout-re "^note: volume x2 \\(--scale\\)"
  -- risk tests/data/profile-risk.yaml --prices tests/data/sheet-finance.yaml --draws 2000 --group self_hosted
     --group api --scale 2)
plan_cli_test(risk.bad_group --rc 64 --stderr-re "--group: hosted not in"
  -- risk tests/data/profile-risk.yaml --prices tests/data/sheet-finance.yaml --group hosted)

# Catalog-sized dense fleets (Llama 3.1 8B and 70B) get the measured spread of dense models
# (include/plan/core/finance/risk.hpp, spec_throughput_widths): p10 0.73, p90 1.19, median
# sqrt(0.73 x 1.19) = sqrt(0.8687) = 0.932.
plan_cli_test(risk.measured_width --rc 0
  --stdout-re "^throughput\\[l40s-llama-8b\\] +lognormal\\(median 0.932, .* 0.73 +0.932 +1.19 "
  -- risk profiles/b2b-saas-risk.yaml --draws 500)
