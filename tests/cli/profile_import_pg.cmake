# plan profile import from a LiteLLM proxy's PostgreSQL database, against a real server the
# script starts on a free port and stops (tests/cli/profile_import_pg.sh). It fails when the
# server binaries are missing (scripts/setup.sh installs them) unless PLAN_SKIP_PG=1.
add_test(NAME cli.profile_import.litellm_db
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/profile_import_pg.sh $<TARGET_FILE:plan>
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.profile_import.litellm_db PROPERTIES ENVIRONMENT "PLAN_DATA_DIR=${PROJECT_SOURCE_DIR}"
                     TIMEOUT 180)

# Without a server: a connection string where a file is expected and the reverse, --column,
# a refused connection (nothing listens on port 1) - each one line, without the password.
# (tests/bad_inputs/usage/db-*.uri are more cases that need no server.)
plan_cli_test(profile_import.db_with_file_source --rc 64
  # (a regular expression: the message's ';' would split a CMake argument)
  --stderr-re "^plan: error: postgresql://u@127.0.0.1:1/db: a database connection string, not a file \\(--source litellm-spend reads files. --source litellm-db reads a LiteLLM proxy's database\\)$"
  -- profile import postgresql://u:S3CRET@127.0.0.1:1/db --source litellm-spend)
plan_cli_test(profile_import.file_with_db_source --rc 64
  --stderr-exact "plan: error: tests/data/usage/litellm-spend.csv: not a PostgreSQL connection string (--source litellm-db expects postgresql://USER@HOST/DB or 'host=HOST dbname=DB')"
  -- profile import tests/data/usage/litellm-spend.csv --source litellm-db)
plan_cli_test(profile_import.db_with_column --rc 64
  --stderr-exact "plan: error: --column does not apply to a database (postgresql://u@127.0.0.1:1/db is read by LiteLLM's column names)"
  -- profile import postgresql://u:S3CRET@127.0.0.1:1/db --column model=m)
plan_cli_test(profile_import.db_refused_conninfo --rc 2
  --stderr-exact "plan: error: host=127.0.0.1 port=1 dbname=db user=u: connection to server at \"127.0.0.1\", port 1 failed: Connection refused"
  -- profile import "host=127.0.0.1 port=1 dbname=db password='S3 CRET' user=u")
