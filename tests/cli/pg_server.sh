# Sourced by tests/cli/profile_import_pg.sh and scripts/bench_import_pg.sh: a throwaway
# PostgreSQL server on a free port of 127.0.0.1, and LiteLLM's spend log table.
#   pg_start     initdb into a new temporary directory ($tmp) and start the server ($port);
#                it is stopped and the directory removed when the calling script exits
#   psql DB      runs SQL from stdin in database DB as the administrator (planadmin)
#   $bindir      the server's binaries: the newest /usr/lib/postgresql/*/bin (Debian's
#                postgresql package; `pg_config --bindir` may name another, client-only one)
#   $spend_table the CREATE TABLE of "LiteLLM_SpendLogs"
# PostgreSQL refuses to run as root: as root, the server runs as the user nobody.
# Every statement is logged ($tmp/server.log) with the client's application name.

admin_pw=admin-pw-4e1f
# The caller's libpq settings (PGHOST, PGSSLMODE, PGPASSWORD ...) and ~/.pgpass play no part.
for v in $(env | grep -o '^PG[A-Z_]*='); do unset "${v%=}"; done
export PGPASSFILE=/nonexistent/pgpass

pg_start() {
  bindir=""
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/psql" ] && bindir=$d
  done
  if [ -z "$bindir" ]; then
    echo "FAIL: no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb, pg_ctl, psql)."
    echo "      scripts/setup.sh installs them (Debian package postgresql); PLAN_SKIP_PG=1 skips this test."
    return 1
  fi
  as_server=()
  if [ "$(id -u)" != 0 ]; then
    tmp=$(mktemp -d)
  else
    # Under /tmp, whatever TMPDIR says: the server's user must reach the directory.
    tmp=$(mktemp -d /tmp/plan-pg.XXXXXX)
    chown nobody:nogroup "$tmp"
    as_server=(runuser -u nobody --)
  fi
  data=$tmp/data
  trap pg_stop EXIT
  echo "$admin_pw" >"$tmp/admin_pw"
  chmod 644 "$tmp/admin_pw"
  "${as_server[@]}" "$bindir/initdb" -D "$data" -U planadmin --pwfile="$tmp/admin_pw" --auth=scram-sha-256 \
    -E UTF8 --locale=C >"$tmp/initdb.log" 2>&1 || { echo "FAIL: initdb"; cat "$tmp/initdb.log"; return 1; }
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as_server[@]}" "$bindir/pg_ctl" -D "$data" -l "$tmp/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $tmp -c log_statement=${PG_LOG_STATEMENT:-all} -c log_line_prefix='%a|' -c fsync=off" \
    start >"$tmp/pg_ctl.log" 2>&1 ||
    { echo "FAIL: the server did not start"; cat "$tmp/pg_ctl.log" "$tmp/server.log"; return 1; }
}

pg_stop() {
  [ -f "$data/postmaster.pid" ] && "${as_server[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$tmp"
}

psql() {
  PGPASSWORD=$admin_pw "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U planadmin -d "$1"
}

# LiteLLM's spend log table as its schema.prisma declares it (BerriAI/litellm, commit
# 029f645f, model LiteLLM_SpendLogs), in the SQL Prisma generates for it: String is TEXT,
# Int INTEGER, Float DOUBLE PRECISION, DateTime TIMESTAMP(3), Json JSONB.
spend_table='CREATE TABLE "LiteLLM_SpendLogs" (
  "request_id" TEXT NOT NULL PRIMARY KEY, "call_type" TEXT NOT NULL, "api_key" TEXT NOT NULL DEFAULT '"''"',
  "spend" DOUBLE PRECISION NOT NULL DEFAULT 0.0, "total_tokens" INTEGER NOT NULL DEFAULT 0,
  "prompt_tokens" INTEGER NOT NULL DEFAULT 0, "completion_tokens" INTEGER NOT NULL DEFAULT 0,
  "startTime" TIMESTAMP(3) NOT NULL, "endTime" TIMESTAMP(3) NOT NULL, "request_duration_ms" INTEGER,
  "completionStartTime" TIMESTAMP(3), "model" TEXT NOT NULL DEFAULT '"''"', "model_id" TEXT DEFAULT '"''"',
  "model_group" TEXT DEFAULT '"''"', "custom_llm_provider" TEXT DEFAULT '"''"', "api_base" TEXT DEFAULT '"''"',
  "user" TEXT DEFAULT '"''"', "metadata" JSONB DEFAULT '"'{}'"', "cache_hit" TEXT DEFAULT '"''"',
  "cache_key" TEXT DEFAULT '"''"', "request_tags" JSONB DEFAULT '"'[]'"', "team_id" TEXT, "organization_id" TEXT,
  "end_user" TEXT, "requester_ip_address" TEXT, "messages" JSONB DEFAULT '"'{}'"', "response" JSONB DEFAULT '"'{}'"',
  "session_id" TEXT, "status" TEXT, "mcp_namespaced_tool_name" TEXT, "agent_id" TEXT,
  "proxy_server_request" JSONB DEFAULT '"'{}'"');
CREATE INDEX ON "LiteLLM_SpendLogs" ("startTime", "request_id");'

