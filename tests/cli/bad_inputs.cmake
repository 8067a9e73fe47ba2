# The bad-input corpus: one test per tests/bad_inputs/{profile,sheet,hardware,usage,import}/NAME.err, run
# by tests/bad_inputs/run_case.sh from tests/bad_inputs (so file names in messages are short).
set(BAD_INPUTS ${PROJECT_SOURCE_DIR}/tests/bad_inputs)
foreach(kind profile sheet hardware usage import)
  file(GLOB cases CONFIGURE_DEPENDS ${BAD_INPUTS}/${kind}/*.err)
  foreach(err ${cases})
    get_filename_component(name ${err} NAME_WE)
    add_test(NAME bad_input.${kind}.${name}
             COMMAND bash ${BAD_INPUTS}/run_case.sh $<TARGET_FILE:plan> ${kind} ${name}
             WORKING_DIRECTORY ${BAD_INPUTS})
    # Hostile inputs must fail fast: a case taking more than 10 s is a failure.
    set_tests_properties(bad_input.${kind}.${name} PROPERTIES
      ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR};XDG_DATA_HOME=${CMAKE_BINARY_DIR}/xdg-empty" TIMEOUT 10
      LABELS bad_input)
  endforeach()
endforeach()
