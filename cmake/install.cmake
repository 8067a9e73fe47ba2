# cmake --install and CPack: the executable, the shipped data, a man page and shell
# completions. The CUDA probe module is installed by calib/CMakeLists.txt when built.
#   <prefix>/bin/plan
#   <prefix>/share/plan/{pricing,calib,profiles}/
#   <prefix>/lib/plan/libplan_probe_cuda.so                (CUDA builds)
#   <prefix>/share/man/man1/plan.1                         (when help2man is installed)
#   <prefix>/share/bash-completion/completions/plan
#   <prefix>/share/zsh/site-functions/_plan
install(TARGETS plan RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The sheets, their manifest and the owned-hardware lists; not the upstream files a sheet
# was built from (pricing/sources/, several MB, for `plan prices import` in a checkout).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/pricing/ DESTINATION ${PLAN_INSTALL_DATADIR}/pricing
        PATTERN "sources" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/calib/catalog.yaml DESTINATION ${PLAN_INSTALL_DATADIR}/calib)
# The engine terms and the measured runs they were fitted to (plan validate, plan perf --engine),
# with the runs' license and source note.
install(FILES ${PROJECT_SOURCE_DIR}/calib/engine_terms.json DESTINATION ${PLAN_INSTALL_DATADIR}/calib)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/calib/measured/ DESTINATION ${PLAN_INSTALL_DATADIR}/calib/measured)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/profiles/ DESTINATION ${PLAN_INSTALL_DATADIR}/profiles)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Completions and the man page are generated at install time by the built executable, so
# building the `plan` target alone is enough to install.
set(PLAN_BASH_COMPLETION_DIR "${CMAKE_INSTALL_DATADIR}/bash-completion/completions")
set(PLAN_ZSH_COMPLETION_DIR "${CMAKE_INSTALL_DATADIR}/zsh/site-functions")
install(CODE "
  set(plan_exe \"$<TARGET_FILE:plan>\")
  set(dest \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
  foreach(pair \"bash;${PLAN_BASH_COMPLETION_DIR}/plan\" \"zsh;${PLAN_ZSH_COMPLETION_DIR}/_plan\")
    list(GET pair 0 shell)
    list(GET pair 1 file)
    message(STATUS \"Installing: \${dest}/\${file}\")
    file(MAKE_DIRECTORY \"\${dest}/${PLAN_BASH_COMPLETION_DIR}\" \"\${dest}/${PLAN_ZSH_COMPLETION_DIR}\")
    execute_process(COMMAND \"\${plan_exe}\" completion \${shell} OUTPUT_FILE \"\${dest}/\${file}\"
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR \"plan completion \${shell} failed (\${rc})\")
    endif()
  endforeach()
")

# The man page, from `plan --help` and each subcommand's `--help` (help2man, Debian package
# help2man; scripts/man_page.sh adds a SUBCOMMANDS section, one subsection per subcommand).
# Without help2man the man page is left out and said so.
find_program(PLAN_HELP2MAN help2man)
if(PLAN_HELP2MAN)
  set(PLAN_MAN_PAGE "${CMAKE_INSTALL_MANDIR}/man1/plan.1")
  install(CODE "
    set(dest \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_MANDIR}/man1\")
    file(MAKE_DIRECTORY \"\${dest}\")
    message(STATUS \"Installing: \${dest}/plan.1\")
    execute_process(COMMAND bash \"${PROJECT_SOURCE_DIR}/scripts/man_page.sh\" \"$<TARGET_FILE:plan>\"
                            \"\${dest}/plan.1\" \"${PROJECT_DESCRIPTION}\"
                    RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR \"scripts/man_page.sh failed (\${rc})\")
    endif()
  ")
else()
  set(PLAN_MAN_PAGE "not installed")
endif()

# CPack: a .deb (dependencies from dpkg-shlibdeps, Debian package dpkg-dev) and a .tar.gz.
set(CPACK_PACKAGE_NAME plan)
set(CPACK_PACKAGE_VENDOR "plan")
set(CPACK_PACKAGE_CONTACT "plan maintainers <plan@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Loaded with dlopen when needed, so dpkg-shlibdeps cannot see them (CMakeLists.txt, plan_soname).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${PLAN_LIBPQ_PACKAGE}, ${PLAN_XLSXWRITER_PACKAGE}")
set(CPACK_PACKAGE_FILE_NAME "plan-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_OUTPUT_FILE_PREFIX "${CMAKE_BINARY_DIR}/packages")
include(CPack)
