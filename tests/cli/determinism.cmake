# Byte-for-byte repeatable output, also under a comma-decimal locale (see determinism.sh).
add_test(NAME cli.determinism
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/determinism.sh $<TARGET_FILE:plan>
                 tests/data/profile-basic.yaml tests/data/sheet-basic.yaml
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.determinism PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}" SKIP_RETURN_CODE 77)

# The unit test [locale] under a de_DE.UTF-8 locale generated into the build tree.
add_test(NAME locale.setup
         COMMAND bash -c "mkdir -p '${CMAKE_BINARY_DIR}/locale' && localedef -i de_DE -f UTF-8 '${CMAKE_BINARY_DIR}/locale/de_DE.UTF-8' || echo 'localedef failed: unit.locale will skip'")
set_tests_properties(locale.setup PROPERTIES FIXTURES_SETUP de_locale)
add_test(NAME unit.locale COMMAND plan_unit_tests "[locale]")
# Without the locale the case warns "SKIPPED: locale ..." and CTest reports it as skipped,
# not passed (scripts/setup.sh generates de_DE.UTF-8 so that CI runs it).
set_tests_properties(unit.locale PROPERTIES FIXTURES_REQUIRED de_locale ENVIRONMENT "LOCPATH=${CMAKE_BINARY_DIR}/locale"
                     SKIP_REGULAR_EXPRESSION "SKIPPED: locale")
