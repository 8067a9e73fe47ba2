# plan completion bash|zsh, the man page, and suggestions for a mistyped command or option.
add_test(NAME cli.completion.scripts COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/completion.sh $<TARGET_FILE:plan>)
set_tests_properties(cli.completion.scripts PROPERTIES SKIP_RETURN_CODE 125)
plan_cli_test(completion.unknown_shell --rc 64 --stderr-re "^plan: error: shell: fish not in \\{bash,zsh\\}"
  -- completion fish)

# 'comapre' is one adjacent swap from 'compare' (edit distance 1, within the limit of 2 for
# 7 letters); 'lsit' one swap from 'list'; '--formt' one insertion from '--format'.
# (A ';' cannot pass through a CMake list: the patterns match it with '.'.)
plan_cli_test(suggest.command --rc 64
  --stderr-re "^plan: error: unknown command 'comapre'. did you mean 'compare'\\? \\(see plan --help\\)$"
  -- comapre profiles/early-chat.yaml)
plan_cli_test(suggest.nested_command --rc 64
  --stderr-re "^plan: error: unknown command 'lsit'. did you mean 'list'\\? \\(see plan --help\\)$"
  -- calibrate lsit)
plan_cli_test(suggest.option --rc 64
  --stderr-re "^plan: error: unknown option '--formt' for plan compare. did you mean '--format'\\? \\(see plan --help\\)$"
  -- compare profiles/early-chat.yaml --formt json)
# A global option after the subcommand is known ('--no-calibration'); '--no-calib' is 6
# edits from it (6 letters missing), beyond the limit of 10 / 4 = 2: nothing is suggested.
plan_cli_test(suggest.option_none --rc 64
  --stderr-exact "plan: error: unknown option '--no-calib' for plan compare (see plan --help)"
  -- compare profiles/early-chat.yaml --no-calibration --no-calib)
# 'xyzzy' is 3 or more edits from every command: the list instead.
plan_cli_test(suggest.command_none --rc 64
  --stderr-re "^plan: error: unknown command 'xyzzy' \\(expected one of: compare, prices, .*calibrate, .*completion.*\\) \\(see plan --help\\)$"
  -- xyzzy)

# The man page: a section per subcommand, nested ones included (tests/cli/man_page.sh).
add_test(NAME cli.man_page COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/man_page.sh $<TARGET_FILE:plan> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.man_page PROPERTIES SKIP_RETURN_CODE 125)
