#!/usr/bin/env bash
# plan profile import from a LiteLLM proxy's PostgreSQL database (--source litellm-db),
# against a real PostgreSQL server that this script starts on a free port of 127.0.0.1 and
# always stops. Run by CTest from the source root.
#   profile_import_pg.sh PLAN
# The server binaries come from the newest /usr/lib/postgresql/*/bin (Debian's postgresql
# package, installed by scripts/setup.sh); without them the test fails, unless PLAN_SKIP_PG=1.
# PostgreSQL refuses to run as root: as root, the server runs as the user nobody.
set -u
plan=$1
if [ "${PLAN_SKIP_PG:-}" = 1 ]; then
  echo "PLAN_SKIP_PG=1: the PostgreSQL tests of plan profile import are skipped"
  exit 0
fi
# pg_start, psql, $spend_table, $tmp, $port, $bindir; the server stops on exit.
. "$(dirname "$0")/pg_server.sh"
pg_start || exit 1

# The password the tests must never see again, and a wrong one.
secret=S3CRET-xyzzy
wrong=WR0NG-plugh
# A password with the characters a URI must percent-encode: p@ss:w/rd%x is p%40ss%3Aw%2Frd%25x.
special='p@ss:w/rd%x'
special_uri='p%40ss%3Aw%2Frd%25x'
psql postgres <<SQL || { echo "FAIL: setting up the databases"; exit 1; }
CREATE ROLE litellm LOGIN PASSWORD '$secret';
CREATE DATABASE litellm OWNER litellm;
CREATE DATABASE empty OWNER litellm;
CREATE DATABASE oldschema OWNER litellm;
CREATE ROLE special LOGIN PASSWORD '$special';
SQL
# Three days (2026-05-01 to 05-03, UTC) of requests for two models:
#   gpt-4o-mini: 100 a day, 50 in hour 09 and 50 in hour 15; 1000 prompt tokens of which
#     400 cached (in metadata, as LiteLLM writes it), 100 completion tokens; tag "support".
#   claude-3-haiku-20240307: 20 a day in hour 14; 2000 prompt tokens for even i, 3000 for
#     odd i; 500 completion tokens; no cached tokens; tag "batch-etl".
#   One malformed row: prompt_tokens -5 (2026-05-02 10:00).
# The table is owned by the user plan connects as, so only the reader's care keeps it unwritten.
psql litellm <<SQL || { echo "FAIL: creating the spend logs"; exit 1; }
SET ROLE litellm;
$spend_table
INSERT INTO "LiteLLM_SpendLogs" (request_id, call_type, api_key, spend, total_tokens, prompt_tokens,
    completion_tokens, "startTime", "endTime", model, model_group, metadata, cache_hit, request_tags)
SELECT format('mini-%s-%s', d, i), 'acompletion', 'hashed', 0.00021, 1100, 1000, 100,
       ts, ts + interval '2 s', 'gpt-4o-mini', 'gpt-4o-mini',
       '{"user_api_key_alias": "svc", "usage_object": {"prompt_tokens": 1000, "completion_tokens": 100,
         "prompt_tokens_details": {"cached_tokens": 400}}}', 'False', '["support"]'
FROM generate_series(0, 2) d, generate_series(0, 99) i,
     LATERAL (SELECT timestamp '2026-05-01' + d * interval '1 day'
                     + CASE WHEN i < 50 THEN interval '9 h' ELSE interval '15 h' END
                     + (i % 50) * interval '1 min' AS ts) t;
INSERT INTO "LiteLLM_SpendLogs" (request_id, call_type, api_key, spend, total_tokens, prompt_tokens,
    completion_tokens, "startTime", "endTime", model, model_group, metadata, cache_hit, request_tags)
SELECT format('haiku-%s-%s', d, i), 'acompletion', 'hashed', 0.001, 2500 + 1000 * (i % 2),
       2000 + 1000 * (i % 2), 500, ts, ts + interval '3 s', 'claude-3-haiku-20240307', 'haiku', '{}', 'False',
       '["batch-etl"]'
FROM generate_series(0, 2) d, generate_series(0, 19) i,
     LATERAL (SELECT timestamp '2026-05-01' + d * interval '1 day' + interval '14 h' + i * interval '1 min' AS ts) t;
INSERT INTO "LiteLLM_SpendLogs" (request_id, call_type, spend, total_tokens, prompt_tokens, completion_tokens,
    "startTime", "endTime", model, request_tags)
VALUES ('bad-1', 'acompletion', 0, 95, -5, 100, '2026-05-02 10:00:00', '2026-05-02 10:00:01', 'gpt-4o-mini',
        '["support"]');
GRANT SELECT ON "LiteLLM_SpendLogs" TO special;
-- A view of the same name in schema trap whose rows can only be read by writing: reading it
-- in a read-only transaction fails.
CREATE SCHEMA trap;
CREATE TABLE trap.written (at timestamptz);
CREATE FUNCTION trap.probe() RETURNS boolean LANGUAGE plpgsql VOLATILE AS
  \$\$ BEGIN INSERT INTO trap.written VALUES (now()); RETURN true; END \$\$;
CREATE VIEW trap."LiteLLM_SpendLogs" AS SELECT s.* FROM public."LiteLLM_SpendLogs" s WHERE trap.probe();
SQL
# Partitioned deployments declare "startTime" TIMESTAMP WITH TIME ZONE; this database's
# sessions default to New York time (the reader sets UTC; a time read with its offset is the
# same instant either way, which a reader that dropped the offset would get wrong).
psql postgres <<SQL || { echo "FAIL: creating database tz"; exit 1; }
CREATE DATABASE tz OWNER litellm;
ALTER DATABASE tz SET timezone = 'America/New_York';
SQL
psql tz <<SQL || { echo "FAIL: creating the table with timestamptz"; exit 1; }
SET ROLE litellm;
CREATE TABLE "LiteLLM_SpendLogs" (request_id TEXT PRIMARY KEY, spend DOUBLE PRECISION, "startTime" TIMESTAMPTZ,
  model TEXT, prompt_tokens INTEGER, completion_tokens INTEGER);
INSERT INTO "LiteLLM_SpendLogs" VALUES ('a', 0, '2026-05-01 09:30:00+00', 'gpt-4o-mini', 300, 30),
                                       ('b', 0, '2026-05-01 05:45:00-04', 'gpt-4o-mini', 500, 50);
SQL
psql oldschema <<SQL || { echo "FAIL: creating the table without prompt_tokens"; exit 1; }
SET ROLE litellm;
CREATE TABLE "LiteLLM_SpendLogs" (request_id TEXT PRIMARY KEY, "startTime" TIMESTAMP(3), model TEXT,
  completion_tokens INTEGER, spend DOUBLE PRECISION);
SQL

fail=0
uri_base="127.0.0.1:$port/litellm"
shown="postgresql://litellm@$uri_base"
run() {  # run NAME EXPECTED-RC [ENV=V...] -- PLAN-ARGS...: plan profile import into $tmp/NAME.yaml
  local name=$1 want=$2; shift 2
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  env "${envs[@]+"${envs[@]}"}" "$plan" profile import "$@" -o "$tmp/$name.yaml" >"$tmp/$name.out" 2>"$tmp/$name.err"
  local rc=$?
  if [ "$rc" != "$want" ]; then
    echo "FAIL ($name): exit code $rc, expected $want"; cat "$tmp/$name.err"; fail=1
  fi
  # No password, right or wrong, in the profile, on stdout or on stderr.
  for s in "$secret" "$wrong" "$special" "$special_uri"; do
    if grep -qF -- "$s" "$tmp/$name.yaml" "$tmp/$name.out" "$tmp/$name.err" 2>/dev/null; then
      echo "FAIL ($name): the password $s appears in the output"; fail=1
    fi
  done
  if [ "$want" != 0 ] && [ -e "$tmp/$name.yaml" ]; then echo "FAIL ($name): an output file after a failure"; fail=1; fi
}
want() {  # want NAME ERE: the written profile matches ERE
  grep -Eq -- "$2" "$tmp/$1.yaml" || { echo "FAIL ($1): profile does not match /$2/"; sed 's/^/  /' "$tmp/$1.yaml" | head -70; fail=1; }
}
want_err() {  # want_err NAME ERE: stderr is one line matching ERE
  if [ "$(wc -l <"$tmp/$1.err")" != 1 ] || ! grep -Eq -- "$2" "$tmp/$1.err"; then
    echo "FAIL ($1): stderr is not one line matching /$2/"; sed 's/^/  /' "$tmp/$1.err"; fail=1
  fi
}

# The password in the URI.
run uri 0 -- "postgresql://litellm:$secret@$uri_base"
want uri "^#   $shown \\(litellm-db\\), table LiteLLM_SpendLogs, database, read at 20[0-9-]{8}T[0-9:]{8}Z$"
# 300 + 60 + 1 rows; the one with prompt_tokens -5 skipped (1/361 = 0.3%, under 1%). In the
# query's order (startTime, request_id) it is row 171: 120 rows on May 1 (100 + 20), then the
# 50 of May 2 in hour 9.
want uri '^#     361 rows read, 1 skipped as malformed$'
want uri "^#     skipped: input_tokens '-5' is not a count \\(expected a non-negative number\\) \\(row 171, request_id 'bad-1'\\)$"
want uri '^# Period: 2026-05-01 to 2026-05-03 in UTC \(3 days\)'
# gpt-4o-mini: 300 requests / 3 days = 100 a day; 1000 in, 100 out; cached 400 / 1000 = 0.4;
# 50 of 100 requests a day in hour 9 and 50 in hour 15: 50% each.
want uri '^  - id: "gpt-4o-mini"$'
want uri '^    requests_per_day: 100$'
want uri '^    input_tokens: 1000$'
want uri '^    output_tokens: 100$'
want uri '^    cached_input_share: 0\.4$'
want uri '^    hourly: \[0, 0, 0, 0, 0, 0, 0, 0, 0, 50, 0, 0, 0, 0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 0\]$'
# claude-3-haiku-20240307: 60 / 3 = 20 a day; (10 x 2000 + 10 x 3000) / 20 = 2500 in, 500
# out, all in hour 14.
want uri '^  - id: "claude-3-haiku-20240307"$'
want uri '^    requests_per_day: 20$'
want uri '^    input_tokens: 2500$'
want uri '^    output_tokens: 500$'
want uri '^    hourly: \[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0\]$'
# Both models are on the sheet: the options are theirs.
want uri '^  - id: "gpt-4o-mini"$'
want uri '^  - id: "claude-3-haiku"$'
grep -q "plan: warning: $shown: input_tokens '-5' is not a count" "$tmp/uri.err" ||
  { echo "FAIL (uri): no warning for the malformed row"; cat "$tmp/uri.err"; fail=1; }
"$plan" compare "$tmp/uri.yaml" >"$tmp/compare.out" 2>&1 || { echo "FAIL: compare on the imported profile"; cat "$tmp/compare.out"; fail=1; }

# The same rows exported as CSV (what LiteLLM's export holds) give the same profile, but for
# the lines naming the source.
PGPASSWORD=$admin_pw "$bindir/psql" -X -q -h 127.0.0.1 -p "$port" -U planadmin -d litellm \
  -c "\\copy (SELECT * FROM \"LiteLLM_SpendLogs\" ORDER BY request_id) TO '$tmp/export.csv' WITH CSV HEADER" ||
  { echo "FAIL: exporting the spend logs"; fail=1; }
run csv 0 -- "$tmp/export.csv"
strip_sources() { sed '/^# Sources:$/,/^# Period:/{/^# Period:/!d}' "$1"; }
if ! diff <(strip_sources "$tmp/uri.yaml") <(strip_sources "$tmp/csv.yaml") >"$tmp/diff.txt"; then
  echo "FAIL: the database and its CSV export give different profiles"; cat "$tmp/diff.txt"; fail=1
fi

# A password percent-encoded in the URI (the role may read the table, which is all it needs).
run special 0 -- "postgresql://special:$special_uri@$uri_base"
want special "^#   postgresql://special@$uri_base \\(litellm-db\\), table LiteLLM_SpendLogs"
want special '^    requests_per_day: 100$'

# The password in PGPASSWORD; a key=value connection string; by tag.
run pgpassword 0 PGPASSWORD=$secret -- "$shown"
want pgpassword '^    requests_per_day: 100$'
run conninfo 0 -- "host=127.0.0.1 port=$port dbname=litellm user=litellm password='$secret'" --by tag
want conninfo "^#   host=127.0.0.1 port=$port dbname=litellm user=litellm \\(litellm-db\\), table LiteLLM_SpendLogs"
want conninfo '^  - id: "support"$'
want conninfo '^  - id: "batch-etl"$'

# timestamptz: 09:30 UTC and 05:45 New York time (09:45 UTC) are both in hour 9 UTC; 2
# requests on one day; (300 + 500) / 2 = 400 tokens in.
run tz 0 -- "postgresql://litellm:$secret@127.0.0.1:$port/tz"
want tz '^    requests_per_day: 2$'
want tz '^    input_tokens: 400$'
want tz '^    hourly: \[0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0\]$'

# A wrong password, in the URI or in PGPASSWORD: one line naming the database without it.
auth_failed="^plan: error: $shown: connection to server at \"127.0.0.1\", port $port failed: FATAL:  password authentication failed for user \"litellm\"$"
run wrong-uri 2 -- "postgresql://litellm:$wrong@$uri_base"
want_err wrong-uri "$auth_failed"
run wrong-env 2 PGPASSWORD=$wrong -- "$shown"
want_err wrong-env "$auth_failed"

# A database without the table; a table without a column.
run no-table 2 -- "postgresql://litellm:$secret@127.0.0.1:$port/empty"
want_err no-table "^plan: error: postgresql://litellm@127.0.0.1:$port/empty: no table \"LiteLLM_SpendLogs\" in database 'empty' "
run no-column 2 -- "postgresql://litellm:$secret@127.0.0.1:$port/oldschema"
want_err no-column "^plan: error: postgresql://litellm@127.0.0.1:$port/oldschema: table \"LiteLLM_SpendLogs\" has no column \"prompt_tokens\" "

# Read-only: through the trap view, reading the rows means writing, which the session refuses.
run trap 2 -- "postgresql://litellm:$secret@$uri_base?options=-csearch_path%3Dtrap"
want_err trap "^plan: error: $shown\\?options=-csearch_path%3Dtrap: ERROR:  cannot execute INSERT in a read-only transaction$"
written=$(PGPASSWORD=$admin_pw "$bindir/psql" -X -tA -h 127.0.0.1 -p "$port" -U planadmin -d litellm \
  -c 'SELECT count(*) FROM trap.written' 2>&1)
[ "$written" = 0 ] || { echo "FAIL: the trap table has rows ($written)"; fail=1; }
# Every statement plan sent (application name "plan" in the server log) only reads.
grep -E '^plan\|' "$tmp/server.log" >"$tmp/plan-statements.log"
[ -s "$tmp/plan-statements.log" ] || { echo "FAIL: no statement of plan in the server log"; fail=1; }
if grep -vE '^plan\|(LOG:  (statement|execute [^:]*): (SET (SESSION CHARACTERISTICS AS TRANSACTION READ ONLY$|(TimeZone|DateStyle|IntervalStyle) = )|BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY$|SELECT |DECLARE spend_rows NO SCROLL CURSOR FOR SELECT |FETCH FORWARD |CLOSE spend_rows$|COMMIT$)|(FATAL|ERROR|STATEMENT|DETAIL|CONTEXT):  )' \
     "$tmp/plan-statements.log" >"$tmp/other.log"; then
  echo "FAIL: plan sent statements other than reads:"; cat "$tmp/other.log"; fail=1
fi
grep -qF "$secret" "$tmp/plan-statements.log" && { echo "FAIL: the password appears in plan's statements"; fail=1; }
exit $fail
