# Atomic output files, `-o -`, and exit 73 (see output_atomic.sh).
add_test(NAME cli.output_atomic
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/output_atomic.sh $<TARGET_FILE:plan>
                 tests/data/profile-basic.yaml tests/data/sheet-basic.yaml tests/bad_inputs/profile/unknown-model.yaml
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.output_atomic PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")

# Output fits 120 columns by default, the terminal's width when COLUMNS gives it
# (tests/cli/widths.sh).
add_test(NAME cli.output.widths COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/widths.sh $<TARGET_FILE:plan>
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.output.widths PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")
