# plan profile import on the generated fixtures of tests/data/usage, each followed by
# plan compare on the profile it wrote (tests/cli/profile_import.sh).
add_test(NAME cli.profile_import.then_compare
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/profile_import.sh $<TARGET_FILE:plan>
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.profile_import.then_compare PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")

plan_cli_test(profile_import.bad_tz --rc 64
  --stderr-re "^plan: error: --tz 'Europe/Berlin' is not a UTC offset"
  -- profile import tests/data/usage/requests.csv --tz Europe/Berlin)
plan_cli_test(profile_import.bad_column --rc 64
  --stderr-re "^plan: error: --column tokens=x: unknown field 'tokens'"
  -- profile import tests/data/usage/requests.csv --column tokens=x)
