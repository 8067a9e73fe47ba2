// The connection strings of lib/io/src/usage_litellm_db.cpp: which FILE arguments are a
// database, and how a database is named without its password. Reading a database is tested
// against a real PostgreSQL server by tests/cli/profile_import_pg.sh.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "plan/core/base/error.hpp"
#include "plan/io/usage_import.hpp"

using namespace plan;
using namespace plan::io;

TEST_CASE("is_database_uri tells connection strings from files", "[usage][litellm_db]") {
  CHECK(is_database_uri("postgresql://u@h/db"));
  CHECK(is_database_uri("postgres://h"));
  CHECK(is_database_uri("host=h dbname=db"));
  CHECK(is_database_uri("dbname = db"));
  CHECK(is_database_uri("service=litellm"));
  CHECK_FALSE(is_database_uri("spend.csv"));
  CHECK_FALSE(is_database_uri("hostnames.csv"));
  CHECK_FALSE(is_database_uri("mysql://u@h/db"));
  CHECK_FALSE(is_database_uri("./host=x.csv"));
}

TEST_CASE("redact_connection_string drops the password", "[usage][litellm_db]") {
  ::unsetenv("PGPASSWORD");
  SECTION("URI user information") {
    CHECK(redact_connection_string("postgresql://litellm:S3CRET@db.example:5432/litellm") ==
          "postgresql://litellm@db.example:5432/litellm");
    CHECK(redact_connection_string("postgres://litellm@db/x") == "postgres://litellm@db/x");
    CHECK(redact_connection_string("postgresql://db/x") == "postgresql://db/x");
    // Percent-encoded: p@ss:w/rd is p%40ss%3Aw%2Frd.
    CHECK(redact_connection_string("postgresql://u:p%40ss%3Aw%2Frd@h/db") == "postgresql://u@h/db");
  }
  SECTION("URI parameters") {
    CHECK(redact_connection_string("postgresql://u@h/db?password=S3CRET&sslmode=require") ==
          "postgresql://u@h/db?sslmode=require");
    CHECK(redact_connection_string("postgresql://u@h/db?sslmode=require&sslpassword=K&password=S") ==
          "postgresql://u@h/db?sslmode=require");
    CHECK(redact_connection_string("postgresql://u@h/db?password=S") == "postgresql://u@h/db");
  }
  SECTION("key=value pairs") {
    CHECK(redact_connection_string("host=h port=5432 dbname=litellm user=u password=S3CRET") ==
          "host=h port=5432 dbname=litellm user=u");
    // A quoted value with an escaped quote inside (libpq's rule: \').
    CHECK(redact_connection_string("host=h password = 'a \\' secret' dbname=x") == "host=h dbname=x");
    // An unterminated quote: nothing after it is shown.
    CHECK(redact_connection_string("host=h password='S3CRET dbname=x") == "host=h ...");
  }
  SECTION("PGPASSWORD's value is hidden wherever it appears") {
    ::setenv("PGPASSWORD", "hunter2x", 1);
    CHECK(redact_connection_string("postgresql://u@h/hunter2x") == "postgresql://u@h/***");
    ::unsetenv("PGPASSWORD");
  }
}

TEST_CASE("a connection string with the wrong --source is an error naming it without the password",
          "[usage][litellm_db]") {
  UsageImportOptions opt;
  opt.source = UsageSource::requests;
  usage::Aggregator agg(0, 28);
  try {
    import_usage({"postgresql://u:S3CRET@127.0.0.1:1/db"}, opt, agg);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.loc().file == "postgresql://u@127.0.0.1:1/db");
    CHECK(e.code() == ExitCode::usage_error);
    CHECK(std::string(e.what()).find("S3CRET") == std::string::npos);
  }
  CHECK(parse_usage_source("litellm-db") == UsageSource::litellm_db);
  CHECK(std::string(to_string(UsageSource::litellm_db)) == "litellm-db");
}
