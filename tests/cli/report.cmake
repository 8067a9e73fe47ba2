# plan report: structure and numbers (always), and rendering in headless Chromium (skipped
# with a message where Chromium is absent).
foreach(p b2b-saas early-chat regulated)
  add_test(NAME report.${p}.structure
           COMMAND python3 ${PROJECT_SOURCE_DIR}/tests/report/check_report.py $<TARGET_FILE:plan>
                   profiles/${p}.yaml ${CMAKE_BINARY_DIR}/report-out
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  add_test(NAME report.${p}.browser
           COMMAND python3 ${PROJECT_SOURCE_DIR}/tests/report/check_report.py $<TARGET_FILE:plan>
                   profiles/${p}.yaml ${CMAKE_BINARY_DIR}/report-out-${p} --browser
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(report.${p}.structure report.${p}.browser PROPERTIES
    ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}" SKIP_RETURN_CODE 125)
endforeach()
set_tests_properties(report.b2b-saas.browser report.early-chat.browser report.regulated.browser
  PROPERTIES RUN_SERIAL TRUE TIMEOUT 200)

# With an uncertainty: section: the risk section, its fan and tornado charts, and the
# probabilities of `plan risk` (structure only).
add_test(NAME report.b2b-saas-risk.structure
         COMMAND python3 ${PROJECT_SOURCE_DIR}/tests/report/check_report.py $<TARGET_FILE:plan>
                 profiles/b2b-saas-risk.yaml ${CMAKE_BINARY_DIR}/report-out
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(report.b2b-saas-risk.structure PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")

# Single charts: --format svg on sweep and project.
plan_cli_test(sweep.svg --rc 0 --stdout-re "^<svg xmlns=\"http://www.w3.org/2000/svg\"" --stdout-re "Monthly cost against daily volume"
  --stdout-re "class=\"series\" data-name=\"mini\""
  -- sweep tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml --volume 1M..1B --points 20 --log --format svg)
plan_cli_test(project.svg --rc 0 --stdout-re "^<svg xmlns=\"http://www.w3.org/2000/svg\"" --stdout-re "Cumulative cost over 12 months"
  -- project tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml --format svg)
