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
