# Untrusted text in every output (docs/reports.md, "Untrusted text").
# One case each (tests/cli/untrusted_text.sh): a script in an option id reaching the report's
# summary, formula cells in finance CSVs, a binary file's header echoed raw, control
# sequences in an imported profile's comments, and an imported row beyond the loader's limits.
foreach(c html-source-line csv-formula import-binary import-escapes import-limits)
  add_test(NAME cli.untrusted.${c}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/untrusted_text.sh $<TARGET_FILE:plan> ${c}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli.untrusted.${c} PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")
endforeach()

# Hostile text from a seeded generator through every command and format
# (tests/report/check_hostile.py): table, CSV, JSON, Markdown, HTML, SVG, xlsx and the
# importer's YAML; then the reports in headless Chromium, where no injected script may run
# (skipped with a message where Chromium is absent). Debian's python3-openpyxl is for
# /usr/bin/python3.
set(PLAN_HOSTILE_PYTHON python3)
if(EXISTS /usr/bin/python3)
  set(PLAN_HOSTILE_PYTHON /usr/bin/python3)
endif()
add_test(NAME cli.untrusted.hostile_text
         COMMAND ${PLAN_HOSTILE_PYTHON} ${PROJECT_SOURCE_DIR}/tests/report/check_hostile.py $<TARGET_FILE:plan>
                 ${CMAKE_BINARY_DIR}/hostile-out
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME cli.untrusted.hostile_text.browser
         COMMAND ${PLAN_HOSTILE_PYTHON} ${PROJECT_SOURCE_DIR}/tests/report/check_hostile.py $<TARGET_FILE:plan>
                 ${CMAKE_BINARY_DIR}/hostile-out-browser --browser --seeds=2
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.untrusted.hostile_text cli.untrusted.hostile_text.browser PROPERTIES
  ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}" SKIP_RETURN_CODE 125 TIMEOUT 300)
set_tests_properties(cli.untrusted.hostile_text.browser PROPERTIES RUN_SERIAL TRUE)
