# plan report: structure and numbers, the summary against the JSON of recommend and project
# (always), and rendering in headless Chromium with every chart label's box measured
# (skipped with a message where Chromium is absent). regulated has a flat peak factor;
# open-weight-moe has seven changes of the cheapest option, whose chart labels must not meet.
foreach(p b2b-saas early-chat regulated open-weight-moe)
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
  report.open-weight-moe.browser PROPERTIES RUN_SERIAL TRUE TIMEOUT 200)

# With an uncertainty: section: the risk section, its fan and tornado charts, and the
# probabilities of `plan risk` (structure only).
add_test(NAME report.b2b-saas-risk.structure
         COMMAND python3 ${PROJECT_SOURCE_DIR}/tests/report/check_report.py $<TARGET_FILE:plan>
                 profiles/b2b-saas-risk.yaml ${CMAKE_BINARY_DIR}/report-out
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME report.b2b-saas-risk.browser
         COMMAND python3 ${PROJECT_SOURCE_DIR}/tests/report/check_report.py $<TARGET_FILE:plan>
                 profiles/b2b-saas-risk.yaml ${CMAKE_BINARY_DIR}/report-out-b2b-saas-risk --browser
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(report.b2b-saas-risk.structure PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}")
# The fan and tornado charts' labels too.
set_tests_properties(report.b2b-saas-risk.browser PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}"
  SKIP_RETURN_CODE 125 RUN_SERIAL TRUE TIMEOUT 200)

# Single charts: --format svg on sweep and project.
plan_cli_test(sweep.svg --rc 0 --stdout-re "^<svg xmlns=\"http://www.w3.org/2000/svg\"" --stdout-re "Monthly cost against daily volume"
  --stdout-re "class=\"series\" data-name=\"mini\""
  -- sweep tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml --volume 1M..1B --points 20 --log --format svg)
plan_cli_test(project.svg --rc 0 --stdout-re "^<svg xmlns=\"http://www.w3.org/2000/svg\"" --stdout-re "Cumulative cost over 12 months"
  -- project tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml --format svg)

# Workbooks (--format xlsx): every formula recomputed with openpyxl and a small evaluator
# (tests/report/check_xlsx.py) must give the command's CSV figures, and changing a cost line
# must move the totals that depend on it. Debian's python3-openpyxl is for /usr/bin/python3.
set(PLAN_XLSX_PYTHON python3)
if(EXISTS /usr/bin/python3)
  set(PLAN_XLSX_PYTHON /usr/bin/python3)
endif()
foreach(cmd project compare sweep)
  set(args tests/data/profile-fin-commit.yaml --prices tests/data/sheet-finance.yaml --baseline on-demand)
  if(cmd STREQUAL "sweep")
    set(args tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml --volume 1M..10B --points 25 --log)
  elseif(cmd STREQUAL "compare")
    set(args tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml)
  endif()
  add_test(NAME report.xlsx.${cmd}
           COMMAND ${PLAN_XLSX_PYTHON} ${PROJECT_SOURCE_DIR}/tests/report/check_xlsx.py $<TARGET_FILE:plan>
                   ${CMAKE_BINARY_DIR}/xlsx-out ${cmd} ${args}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(report.xlsx.${cmd} PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}"
                       SKIP_RETURN_CODE 125)
endforeach()
# The cash basis adds a capital line (an owned server's purchase in month 1) to the sum.
add_test(NAME report.xlsx.project_cash
         COMMAND ${PLAN_XLSX_PYTHON} ${PROJECT_SOURCE_DIR}/tests/report/check_xlsx.py $<TARGET_FILE:plan>
                 ${CMAKE_BINARY_DIR}/xlsx-out-cash project profiles/buy-vs-rent.yaml --basis cash
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(report.xlsx.project_cash PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}"
                     SKIP_RETURN_CODE 125)
# A workbook is binary: it is not written to a terminal (check.sh runs plan without one, so
# this checks that a redirected stdout is accepted and gets a zip archive).
plan_cli_test(compare.xlsx_stdout --rc 0 --stdout-re "^PK"
  -- compare tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml --format xlsx)
# Without -o the report goes to standard output; nothing is written implicitly.
plan_cli_test(report.stdout --rc 0 --stdout-re "^<!DOCTYPE html>" --no-file report.html
  -- report tests/data/profile-basic.yaml --prices tests/data/sheet-basic.yaml)

# --scale 2 in the HTML report: the API's month is 2 x 4,562.50 = 9,125.00 (tests/cli/compare.cmake,
# compare.scale), and the report says the volume was scaled.
plan_cli_test(report.scale --rc 0 --stdout-re "volume x2 \\(--scale\\)" --stdout-re "9,125\\.00"
  -- report tests/data/profile-risk.yaml --prices tests/data/sheet-finance.yaml --scale 2)
