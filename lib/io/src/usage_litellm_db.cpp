// LiteLLM spend logs read from a LiteLLM proxy's PostgreSQL database (--source litellm-db),
// with libpq. The table and columns are LiteLLM's `LiteLLM_SpendLogs` (its schema.prisma);
// the rows go through the same row reader as the CSV export of that table (usage_rows.cpp),
// so both give the same profile.
//
// Read-only: the session's transactions default to READ ONLY, the rows are read inside a
// transaction begun READ ONLY, and only SELECT, DECLARE, FETCH and CLOSE are sent. Rows are
// streamed through a server-side cursor, a batch at a time.
//
// The password (in the URI, a password= pair, or PGPASSWORD) never leaves this file: the
// database is named by its connection string without the password, and every message of
// libpq or the server is scrubbed of it before it is thrown.
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fmt/format.h>
#include <memory>

#include "plan/core/base/error.hpp"
#include "plan/core/base/system_library.hpp"
#include "usage_formats.hpp"

namespace plan::io {
namespace {

// libpq's functions, loaded when a database is first read: linked, libpq and what it pulls
// in (TLS, Kerberos, LDAP) cost every run of plan about 8 ms of CPU at start-up.
struct Pq : SystemFunctions {
  Pq() : SystemFunctions(PLAN_LIBPQ_SONAME, "the Debian package " PLAN_LIBPQ_PACKAGE, "--source litellm-db") {}
  PLAN_SYSTEM_FUNCTION(PQclear);
  PLAN_SYSTEM_FUNCTION(PQconnectdbParams);
  PLAN_SYSTEM_FUNCTION(PQconninfoFree);
  PLAN_SYSTEM_FUNCTION(PQconninfoParse);
  PLAN_SYSTEM_FUNCTION(PQerrorMessage);
  PLAN_SYSTEM_FUNCTION(PQexec);
  PLAN_SYSTEM_FUNCTION(PQexecParams);
  PLAN_SYSTEM_FUNCTION(PQfinish);
  PLAN_SYSTEM_FUNCTION(PQfreemem);
  PLAN_SYSTEM_FUNCTION(PQgetisnull);
  PLAN_SYSTEM_FUNCTION(PQgetlength);
  PLAN_SYSTEM_FUNCTION(PQgetvalue);
  PLAN_SYSTEM_FUNCTION(PQntuples);
  PLAN_SYSTEM_FUNCTION(PQresultErrorMessage);
  PLAN_SYSTEM_FUNCTION(PQresultStatus);
  PLAN_SYSTEM_FUNCTION(PQsetNoticeProcessor);
  PLAN_SYSTEM_FUNCTION(PQstatus);
};

const Pq& pq() { return loaded<Pq>(); }

// LiteLLM's spend log table and the columns read from it (BerriAI/litellm schema.prisma,
// model LiteLLM_SpendLogs; docs/profiles.md cites the version). Names are case-sensitive
// in PostgreSQL, so they are quoted in the query.
constexpr const char* spend_table = "LiteLLM_SpendLogs";
constexpr int fetch_rows = 10000;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The keywords of libpq's key=value form that may start a connection string given as FILE.
bool conninfo_keyword_start(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  std::size_t i = 0;
  while (i < s.size() && (std::islower(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
  const std::string_view key = s.substr(0, i);
  s.remove_prefix(i);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  if (s.empty() || s.front() != '=') return false;
  for (const char* k : {"host", "hostaddr", "dbname", "service", "user", "port"})
    if (key == k) return true;
  return false;
}

bool secret_key(std::string_view k) { return k == "password" || k == "sslpassword"; }

// The connection string without its secrets, and the secrets' texts as written (to scrub
// messages of them).
struct Redacted {
  std::string display;
  std::vector<std::string> secrets;
};

// %XX decoding of a URI component (libpq decodes user, password and parameters this way).
std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

Redacted redact_uri(std::string_view uri) {
  Redacted r;
  const std::size_t scheme_end = uri.find("://") + 3;
  std::string out(uri.substr(0, scheme_end));
  std::string_view rest = uri.substr(scheme_end);
  // The user information ends at the first '@' before any '/' (libpq's rule).
  const std::size_t at = rest.find_first_of("@/");
  if (at != std::string_view::npos && rest[at] == '@') {
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    out += userinfo.substr(0, colon);
    if (colon != std::string_view::npos) {
      const std::string_view pw = userinfo.substr(colon + 1);
      r.secrets.emplace_back(pw);
      r.secrets.push_back(percent_decode(pw));
    }
    out += '@';
    rest.remove_prefix(at + 1);
  }
  const std::size_t q = rest.find('?');
  out += rest.substr(0, q);
  if (q != std::string_view::npos) {
    std::string_view params = rest.substr(q + 1);
    std::string kept;
    while (!params.empty()) {
      const std::size_t amp = params.find('&');
      const std::string_view p = params.substr(0, amp);
      const std::size_t eq = p.find('=');
      const std::string_view key = p.substr(0, eq);
      if (secret_key(percent_decode(key))) {
        if (eq != std::string_view::npos) {
          r.secrets.emplace_back(p.substr(eq + 1));
          r.secrets.push_back(percent_decode(p.substr(eq + 1)));
        }
      } else {
        kept += (kept.empty() ? "" : "&") + std::string(p);
      }
      if (amp == std::string_view::npos) break;
      params.remove_prefix(amp + 1);
    }
    if (!kept.empty()) out += "?" + kept;
  }
  r.display = out;
  return r;
}

// key = value pairs; a value is single-quoted (with \' and \\ escapes) or runs to the next
// blank (libpq's rules). The pairs are rewritten one space apart, the secret ones left out;
// text that does not parse is left out too, with " ..." in its place.
Redacted redact_keywords(std::string_view s) {
  Redacted r;
  std::string out;
  std::size_t i = 0;
  auto blank = [&](std::size_t k) { return k < s.size() && std::isspace(static_cast<unsigned char>(s[k])); };
  for (;;) {
    while (blank(i)) ++i;
    if (i >= s.size()) break;
    const std::size_t key_start = i;
    while (i < s.size() && s[i] != '=' && !blank(i)) ++i;
    const std::string_view key = s.substr(key_start, i - key_start);
    while (blank(i)) ++i;
    if (i >= s.size() || s[i] != '=' || key.empty()) {
      out += out.empty() ? "..." : " ...";
      break;
    }
    ++i;
    while (blank(i)) ++i;
    const std::size_t value_start = i;
    bool ok = true;
    if (i < s.size() && s[i] == '\'') {
      ++i;
      for (;;) {
        if (i >= s.size()) { ok = false; break; }
        if (s[i] == '\\' && i + 1 < s.size()) { i += 2; continue; }
        if (s[i] == '\'') { ++i; break; }
        ++i;
      }
    } else {
      while (i < s.size() && !blank(i)) i += (s[i] == '\\' && i + 1 < s.size()) ? 2 : 1;
    }
    const std::string_view value = s.substr(value_start, i - value_start);
    if (secret_key(key)) {
      r.secrets.emplace_back(value);
      if (value.size() >= 2 && value.front() == '\'') r.secrets.emplace_back(value.substr(1, value.size() - 2));
    }
    if (!ok) {
      // An unterminated quote: what follows may be anything, the password included.
      out += out.empty() ? "..." : " ...";
      break;
    }
    if (!secret_key(key)) out += (out.empty() ? "" : " ") + std::string(key) + "=" + std::string(value);
  }
  r.display = out;
  return r;
}

Redacted redact(std::string_view conninfo) {
  Redacted r = starts_with(conninfo, "postgresql://") || starts_with(conninfo, "postgres://")
                   ? redact_uri(conninfo)
                   : redact_keywords(conninfo);
  // What libpq itself takes for the password, however it parsed the string.
  char* err = nullptr;
  if (PQconninfoOption* opts = pq().PQconninfoParse(std::string(conninfo).c_str(), &err)) {
    for (PQconninfoOption* o = opts; o->keyword; ++o)
      if (o->val && secret_key(o->keyword)) r.secrets.emplace_back(o->val);
    pq().PQconninfoFree(opts);
  }
  if (err) pq().PQfreemem(err);
  if (const char* env = std::getenv("PGPASSWORD")) r.secrets.emplace_back(env);
  r.secrets.erase(std::remove(r.secrets.begin(), r.secrets.end(), std::string()), r.secrets.end());
  // Longest first, so that a secret containing another is replaced whole.
  std::sort(r.secrets.begin(), r.secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& secret : r.secrets) {
    for (std::size_t p; (p = r.display.find(secret)) != std::string::npos;) r.display.replace(p, secret.size(), "***");
  }
  return r;
}

// A message of libpq or the server: its first line, with every secret replaced.
std::string scrub(std::string msg, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets)
    for (std::size_t p; (p = msg.find(secret)) != std::string::npos;) msg.replace(p, secret.size(), "***");
  while (!msg.empty() && (msg.front() == '\n' || msg.front() == ' ')) msg.erase(0, 1);
  msg = msg.substr(0, msg.find('\n'));
  while (!msg.empty() && (msg.back() == ' ' || msg.back() == '\r')) msg.pop_back();
  return msg.empty() ? "unknown error" : msg;
}

struct PgConnDeleter {
  void operator()(PGconn* c) const { pq().PQfinish(c); }
};
struct PgResultDeleter {
  void operator()(PGresult* r) const { pq().PQclear(r); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// One session on the database, read-only, whose failures are plan::Error naming the
// database without its password.
class Session {
 public:
  Session(const std::string& conninfo, std::string display, std::vector<std::string> secrets)
      : display_(std::move(display)), secrets_(std::move(secrets)) {
    // Parse first: a malformed string is reported before any connection is tried, and a
    // connect_timeout is added when the string has none (libpq's default is to wait forever).
    char* err = nullptr;
    PQconninfoOption* opts = pq().PQconninfoParse(conninfo.c_str(), &err);
    if (!opts) {
      std::string msg = err ? err : "malformed connection string";
      if (err) pq().PQfreemem(err);
      fail(fmt::format("malformed connection string: {}", scrub(msg, secrets_)));
    }
    bool has_timeout = false;
    for (PQconninfoOption* o = opts; o->keyword; ++o)
      if (std::string_view(o->keyword) == "connect_timeout" && o->val && *o->val) has_timeout = true;
    pq().PQconninfoFree(opts);
    std::vector<const char*> keys{"dbname", "fallback_application_name"}, values{conninfo.c_str(), "plan"};
    if (!has_timeout) {
      keys.push_back("connect_timeout");
      values.push_back("30");
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_.reset(pq().PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
    if (!conn_) fail("cannot connect: out of memory");
    if (pq().PQstatus(conn_.get()) != CONNECTION_OK) fail(scrub(pq().PQerrorMessage(conn_.get()), secrets_));
    // Server notices would go to stderr unscrubbed; none is needed.
    pq().PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
    // Every transaction of this session is read-only, whatever is sent; results in UTC
    // and ISO dates, so timestamps read back as they do from a CSV export.
    exec("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
    exec("SET TimeZone = 'UTC'");
    exec("SET DateStyle = 'ISO, YMD'");
    exec("SET IntervalStyle = 'iso_8601'");
    exec("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw Error(SourceLoc{display_, 0, 0}, message, ExitCode::input_error);
  }

  // A statement or query; a failure is an error with the server's message.
  PgResult exec(const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<const char*> p;
    for (const auto& s : params) p.push_back(s.c_str());
    PgResult r(params.empty() ? pq().PQexec(conn_.get(), sql.c_str())
                              : pq().PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(p.size()), nullptr, p.data(),
                                             nullptr, nullptr, 0));
    const auto st = r ? pq().PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      fail(scrub(r ? pq().PQresultErrorMessage(r.get()) : pq().PQerrorMessage(conn_.get()), secrets_));
    return r;
  }

 private:
  std::string display_;
  std::vector<std::string> secrets_;
  PgConn conn_;
};

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

bool is_database_uri(std::string_view file) {
  return starts_with(file, "postgresql://") || starts_with(file, "postgres://") || conninfo_keyword_start(file);
}

std::string redact_connection_string(std::string_view conninfo) { return redact(conninfo).display; }

namespace detail {

void read_litellm_db(FileContext& ctx, const std::string& conninfo) {
  Redacted red = redact(conninfo);
  Session db(conninfo, ctx.path, red.secrets);
  ctx.report->table = spend_table;

  const std::string table = quote_ident(spend_table);
  auto where = db.exec(
      "SELECT to_regclass($1::text)::oid, current_database(), current_setting('search_path'), "
      "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
      {table});
  ctx.report->read_at = pq().PQgetvalue(where.get(), 0, 3);
  if (pq().PQgetisnull(where.get(), 0, 0))
    db.fail(fmt::format("no table \"{}\" in database '{}' (search_path {}; expected a LiteLLM proxy's database, "
                        "whose spend logs are in that table)",
                        spend_table, pq().PQgetvalue(where.get(), 0, 1), pq().PQgetvalue(where.get(), 0, 2)));
  const std::string oid = pq().PQgetvalue(where.get(), 0, 0);
  auto attrs = db.exec("SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = $1::oid AND attnum > 0 "
                       "AND NOT attisdropped ORDER BY attnum",
                       {oid});
  std::vector<std::string> have;
  for (int i = 0; i < pq().PQntuples(attrs.get()); ++i) have.emplace_back(pq().PQgetvalue(attrs.get(), i, 0));
  auto has = [&](const char* c) { return std::find(have.begin(), have.end(), c) != have.end(); };

  // The columns the litellm-spend reader reads from the CSV export, as LiteLLM names them.
  std::vector<const char*> required{"startTime", "prompt_tokens", "completion_tokens"};
  required.push_back(ctx.opt->by_tag ? "request_tags" : "model");
  for (const char* c : required) {
    if (!has(c)) {
      std::string found;
      for (const auto& h : have) found += (found.empty() ? "" : ", ") + h;
      db.fail(fmt::format("table \"{}\" has no column \"{}\" (expected LiteLLM's spend log columns \"startTime\", "
                          "model, prompt_tokens, completion_tokens{}; found: {})",
                          spend_table, c, ctx.opt->by_tag ? ", request_tags" : "", found.empty() ? "none" : found));
    }
  }
  std::vector<std::string> columns;
  for (const char* c : {"request_id", "startTime", "model", "prompt_tokens", "completion_tokens", "metadata",
                        "request_tags", "spend"})
    if (has(c)) columns.emplace_back(c);
  std::string select;
  std::vector<std::string> names;
  for (const auto& c : columns) {
    select += (select.empty() ? "" : ", ") + quote_ident(c) + "::text";
    std::string l = c;
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    names.push_back(l);
  }
  const bool has_id = has("request_id");
  std::string order = "\"startTime\"";
  if (has_id) order += ", request_id";

  TextRowReader reader(ctx, UsageSource::litellm_spend);
  reader.set_columns(names, 0);
  db.exec(fmt::format("DECLARE spend_rows NO SCROLL CURSOR FOR SELECT {} FROM {} ORDER BY {}", select, table, order));
  const std::string fetch = fmt::format("FETCH FORWARD {} FROM spend_rows", fetch_rows);
  std::vector<std::string_view> values(columns.size());
  std::uint64_t row_number = 0, last_progress = 0;
  for (;;) {
    PgResult batch = db.exec(fetch);
    const int n = pq().PQntuples(batch.get());
    if (n == 0) break;
    for (int r = 0; r < n; ++r) {
      ++row_number;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const int ci = static_cast<int>(c);
        values[c] = pq().PQgetisnull(batch.get(), r, ci)
                        ? std::string_view()
                        : std::string_view(pq().PQgetvalue(batch.get(), r, ci),
                                           static_cast<std::size_t>(pq().PQgetlength(batch.get(), r, ci)));
      }
      const std::size_t kept = ctx.report->first_bad.size();
      reader.row(0, values);
      // A malformed row kept for the report: name it by its place in the query's order
      // and its request_id.
      if (ctx.report->first_bad.size() > kept) {
        std::string& m = ctx.report->first_bad.back().message;
        m += has_id ? fmt::format(" (row {}, request_id '{}')", row_number, values[0]) : fmt::format(" (row {})", row_number);
      }
    }
    if (ctx.opt->rows_progress && row_number - last_progress >= 1000000) {
      last_progress = row_number;
      ctx.opt->rows_progress(ctx.path, row_number);
    }
  }
  db.exec("CLOSE spend_rows");
  db.exec("COMMIT");
  if (row_number == 0)
    db.fail(fmt::format("table \"{}\" has no rows (expected LiteLLM's spend logs)", spend_table));
}

}  // namespace detail
}  // namespace plan::io
