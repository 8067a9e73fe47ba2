// The usage readers (lib/io/src/usage_*.cpp) on the fixtures of tests/data/usage/, written
// by tests/data/usage/generate.py; each expected figure is worked out from what the
// generator writes (its docstrings).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "plan/core/base/error.hpp"
#include "plan/io/usage_import.hpp"

using namespace plan;
using namespace plan::io;

namespace {
const std::string dir = std::string(PLAN_TEST_DATA) + "/usage/";

struct Imported {
  std::vector<UsageFileReport> reports;
  usage::ImportSummary summary;
  const usage::ImportedWorkload& w(const std::string& key) const {
    for (const auto& x : summary.workloads)
      if (x.key == key) return x;
    FAIL("no workload " << key);
    return summary.workloads.front();
  }
};

Imported import(std::vector<std::string> files, UsageImportOptions opt = {}, int offset_s = 0, int window = 28) {
  for (auto& f : files) f = dir + f;
  usage::Aggregator agg(offset_s, window);
  Imported r;
  r.reports = import_usage(files, opt, agg);
  r.summary = agg.finish();
  return r;
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / ("plan-usage-test-" + name);
  std::ofstream(p) << text;
  return p.string();
}
}  // namespace

TEST_CASE("requests CSV: level, means, shares, shape and lengths per model", "[usage_import]") {
  auto r = import({"requests.csv"});
  REQUIRE(r.reports.size() == 1);
  CHECK(r.reports[0].source == UsageSource::requests);
  CHECK(r.reports[0].rows == 337);  // 28 days x 12 rows + 1 malformed
  CHECK(r.reports[0].bad == 1);     // 1 of 337 = 0.3%: skipped, not an error
  REQUIRE(r.reports[0].first_bad.size() == 1);
  // Header on line 1, day 0's ten gpt-4o rows on lines 2-11 and two claude rows on 12-13.
  CHECK(r.reports[0].first_bad[0].line == 14);
  CHECK(r.reports[0].sha256.size() == 64);
  CHECK(r.summary.period_days == 28);
  const auto& g = r.w("gpt-4o-2024-08-06");
  CHECK(g.requests_per_day == Approx(10));   // 280 requests / 28 days
  CHECK(g.input_tokens == Approx(1150));     // (3 x 500 + 3 x 1000 + 2 x 1500 + 2 x 2000) / 10
  CHECK(g.output_tokens == Approx(200));
  CHECK(g.cached_input_share == Approx(1280.0 / 11500));  // 5 x 256 cached of 11,500 input a day
  CHECK(g.batchable_share == Approx(0.2));                // 2 of 10 a day
  CHECK(g.hourly[9] == Approx(4));
  CHECK(g.hourly[14] == Approx(4));
  CHECK(g.hourly[20] == Approx(2));
  // 280 lengths: 84 x 500, 84 x 1000, 56 x 1500, 56 x 2000. p50 = rank 140 = 1000,
  // p90 = rank 252 = 2000 (ranks 225-280); the sketch is within 1/128.
  CHECK(g.input_lengths->p50 == Approx(1000).epsilon(1.0 / 128));
  CHECK(g.input_lengths->p90 == Approx(2000).epsilon(1.0 / 128));
  const auto& c = r.w("claude-3-haiku-20240307");
  CHECK(c.requests_per_day == Approx(2));
  CHECK(c.input_tokens == Approx(3000));
  CHECK(c.output_tokens == Approx(600));
  CHECK(c.hourly[3] == Approx(2));
}

TEST_CASE("requests CSV by tag, and in another time zone", "[usage_import]") {
  UsageImportOptions opt;
  opt.by_tag = true;
  auto r = import({"requests.csv"}, opt);
  CHECK(r.w("chat").requests_per_day == Approx(10));
  CHECK(r.w("etl").requests_per_day == Approx(2));
  auto z = import({"requests.csv"}, {}, -5 * 3600);  // -05:00: 09:00 UTC is 04:00
  CHECK(z.w("gpt-4o-2024-08-06").hourly[4] == Approx(4));
  // Day 0's 03:00 UTC requests fall on 2026-04-30 local: the period is 29 local days, the
  // window the last 28 (May 1-28). 03:00 UTC = 22:00 the day before, so the window holds
  // claude's requests of local May 1-27: 27 x 2 / 28 = 1.92857 a day at 22:00.
  CHECK(z.summary.period_days == 29);
  CHECK(z.summary.window_days == 28);
  CHECK(z.w("claude-3-haiku-20240307").hourly[22] == Approx(54.0 / 28));
}

TEST_CASE("requests JSONL with OpenAI's field names", "[usage_import]") {
  auto r = import({"requests.jsonl"});
  CHECK(r.reports[0].source == UsageSource::requests);
  const auto& g = r.w("gpt-4o-2024-08-06");
  CHECK(g.requests_per_day == Approx(10));  // 70 rows / 7 days
  CHECK(g.input_tokens == Approx(1150));
  UsageImportOptions opt;
  opt.by_tag = true;
  CHECK(import({"requests.jsonl"}, opt).w("chat").rows == 70);  // metadata.tag
}

TEST_CASE("buckets CSV: the window's level and the fitted growth", "[usage_import]") {
  auto r = import({"buckets.csv"});
  CHECK(r.reports[0].source == UsageSource::buckets);
  const auto& w = r.w("gpt-4o-mini");
  // Days 42-69: 1000 x 1.01^42 x (1.01^28 - 1) / 0.01 / 28 = 1000 x 1.51879 x 32.129 / 28 = 1742.76.
  CHECK(w.requests_per_day == Approx(1742.76).epsilon(1e-5));
  CHECK(w.input_tokens == Approx(800));
  CHECK(w.output_tokens == Approx(200));
  CHECK(w.hourly[10] == Approx(0.75 * 1742.76).epsilon(1e-5));
  CHECK(w.hourly[22] == Approx(0.25 * 1742.76).epsilon(1e-5));
  CHECK_FALSE(w.input_lengths);  // buckets, not single requests
  REQUIRE(r.summary.growth);
  // b = ln 1.01 = 0.00995033 a day; growth = exp(0.00995033 x 730 / 24) - 1 = exp(0.302656) - 1.
  CHECK(r.summary.growth->growth_per_month == Approx(0.353449).epsilon(1e-4));
  CHECK(r.summary.growth->r_squared == Approx(1).epsilon(1e-6));
  CHECK(r.summary.growth->days == 70);
}

TEST_CASE("OpenAI usage pages: daily buckets with request counts and batch", "[usage_import]") {
  auto r = import({"openai-usage.jsonl"});
  CHECK(r.reports[0].source == UsageSource::openai_usage);
  CHECK(r.reports[0].rows == 14);  // 7 buckets x 2 results
  const auto& w = r.w("gpt-4o-mini-2024-07-18");
  CHECK(w.requests_per_day == Approx(1100));              // 1000 + 100
  CHECK(w.input_tokens == Approx(1000));                  // 1,100,000 / 1100
  CHECK(w.output_tokens == Approx(300000.0 / 1100));      // (250,000 + 50,000) / 1100 = 272.7
  CHECK(w.cached_input_share == Approx(200000.0 / 1100000));
  CHECK(w.batchable_share == Approx(100.0 / 1100));
  CHECK_FALSE(w.hourly_known);  // daily buckets
}

TEST_CASE("Anthropic usage report: tokens without request counts", "[usage_import]") {
  auto r = import({"anthropic-usage.json"});
  CHECK(r.reports[0].source == UsageSource::anthropic_usage);
  const auto& w = r.w("claude-sonnet-4-5-20250929");
  CHECK_FALSE(w.requests_known);
  // A result: 600 + 100 + 300 = 1000 input and 250 output; 3 results a day = 3750 tokens.
  CHECK(w.tokens_per_day == Approx(3750));
  CHECK(w.input_share == Approx(0.8));          // 3000 / 3750
  CHECK(w.cached_input_share == Approx(0.3));   // 900 / 3000
  CHECK(w.cache_write_share == Approx(0.1));    // 300 / 3000
  CHECK(w.batchable_share == Approx(1.0 / 3));  // one result of three, by tokens
  CHECK(w.hourly[8] == Approx(1250));           // tokens per day in hour 8
  CHECK(w.hourly[16] == Approx(2500));
}

TEST_CASE("LiteLLM spend logs, CSV export and /spend/logs JSON", "[usage_import]") {
  for (const char* f : {"litellm-spend.csv", "litellm-spend.json"}) {
    INFO(f);
    auto r = import({f});
    CHECK(r.reports[0].source == UsageSource::litellm_spend);
    CHECK(r.reports[0].bad == 0);
    const auto& w = r.w("gpt-4o-mini");
    CHECK(w.requests_per_day == Approx(4));        // 12 requests / 3 days
    CHECK(w.input_tokens == Approx(1000));
    CHECK(w.output_tokens == Approx(100));
    CHECK(w.cached_input_share == Approx(0.4));    // 400 cached of 1000, from metadata
    CHECK(w.hourly[12] == Approx(4));
    UsageImportOptions opt;
    opt.by_tag = true;
    CHECK(import({f}, opt).w("support").rows == 12);  // request_tags' first tag
    // LiteLLM's spend column: 12 rows of 0.00021 USD, and the tokens they were billed for.
    REQUIRE(w.billed.has_value());
    CHECK(w.billed->records == 12);
    CHECK(w.billed->usd == Approx(0.00252));    // 12 x 0.00021
    CHECK(w.billed->input == Approx(12000));    // 12 x 1000
    CHECK(w.billed->cached == Approx(4800));    // 12 x 400
    CHECK(w.billed->output == Approx(1200));    // 12 x 100
  }
}

TEST_CASE("usage without a cost column has no billed totals", "[usage_import]") {
  CHECK_FALSE(import({"requests.csv"}).w("gpt-4o-2024-08-06").billed.has_value());
}

TEST_CASE("vLLM scrapes: rates from counters, a restart, lengths from the histogram", "[usage_import]") {
  auto r = import({"vllm-1.prom", "vllm-2.prom", "vllm-3.prom"});
  CHECK(r.reports[0].source == UsageSource::vllm_metrics);
  // Scrape 1 -> 2: +300 requests, +150,000 prompt, +30,000 generation, +15,000 cached.
  // Scrape 2 -> 3: counters went down (restart): 50, 25,000, 5,000, 2,500 since it.
  CHECK(r.reports[2].notes.size() == 1);
  const auto& w = r.w("meta-llama/Llama-3.1-8B-Instruct");
  CHECK(w.requests_per_day == Approx(350));          // 350 requests within one day
  CHECK(w.input_tokens == Approx(500));              // 175,000 / 350
  CHECK(w.output_tokens == Approx(100));             // 35,000 / 350
  CHECK(w.cached_input_share == Approx(0.1));        // 17,500 / 175,000
  CHECK(w.hourly[10] == Approx(300));
  CHECK(w.hourly[11] == Approx(50));
  REQUIRE(w.input_lengths);
  CHECK(w.input_lengths->from_histogram);
  // Increases per bucket (le 100, 500, 1000, +Inf): [30,180,300,300] + [5,30,50,50] (after
  // the restart) = [35,210,350,350]. p50: rank 175 in (100, 500]: 100 + 400 x 140/175 = 420;
  // p90: rank 315 in (500, 1000]: 500 + 500 x 105/140 = 875; p99: 500 + 500 x 136.5/140 = 987.5.
  CHECK(w.input_lengths->p50 == Approx(420));
  CHECK(w.input_lengths->p90 == Approx(875));
  CHECK(w.input_lengths->p99 == Approx(987.5));
}

TEST_CASE("usage import: bad input", "[usage_import]") {
  usage::Aggregator agg(0, 28);
  SECTION("empty file") {
    auto p = write_temp("empty.csv", "");
    CHECK_THROWS_WITH(import_usage({p}, {}, agg), Catch::Contains("file is empty"));
  }
  SECTION("a missing column names what was found") {
    auto p = write_temp("nocol.csv", "when,model,input_tokens,output_tokens\n2026-05-01T00:00:00Z,m,1,1\n");
    CHECK_THROWS_WITH(import_usage({p}, {}, agg), Catch::Contains("no timestamp column") && Catch::Contains("found: when"));
    UsageImportOptions opt;
    opt.columns = {{"timestamp", "when"}};
    CHECK(import_usage({p}, opt, agg)[0].rows == 1);
  }
  SECTION("more than 1% malformed rows") {
    auto p = write_temp("bad.csv", "timestamp,model,input_tokens,output_tokens\n2026-05-01T00:00:00Z,m,1,1\n"
                                   "2026-05-01T00:00:00Z,m,x,1\n");
    try {
      import_usage({p}, {}, agg);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.loc().line == 3);
      CHECK(e.loc().col == 24);  // the input_tokens field
      CHECK(std::string(e.what()).find("1 of 2 rows malformed") != std::string::npos);
    }
    UsageImportOptions opt;
    opt.skip_bad = true;
    CHECK(import_usage({p}, opt, agg)[0].bad == 1);
  }
  SECTION("a row beyond the profile loader's limits is a malformed row") {
    // Row 3: 1e308 input tokens in one request (a profile takes at most 1e8 per request);
    // row 4: a bucket of 2 requests with 3e8 output tokens, 1.5e8 per request, also beyond;
    // row 5: 2 requests with 1.8e8 input tokens, 9e7 each, within. 4 rows, 2 malformed.
    auto p = write_temp("limits.csv", "timestamp,model,input_tokens,output_tokens,requests\n"
                                      "2026-05-01T00:00:00Z,m,1,1,1\n"
                                      "2026-05-01T01:00:00Z,m,1e308,1,1\n"
                                      "2026-05-01T02:00:00Z,m,1,3e8,2\n"
                                      "2026-05-01T03:00:00Z,m,1.8e8,1,2\n");
    UsageImportOptions opt;
    opt.source = UsageSource::buckets;
    CHECK_THROWS_WITH(import_usage({p}, opt, agg), Catch::Contains("2 of 4 rows malformed"));
    opt.skip_bad = true;
    usage::Aggregator fresh(0, 28);
    const auto r = import_usage({p}, opt, fresh);
    CHECK(r[0].rows == 4);
    CHECK(r[0].bad == 2);
    REQUIRE(r[0].first_bad.size() == 2);
    CHECK(r[0].first_bad[0].line == 3);
    CHECK_THAT(r[0].first_bad[0].message, Catch::Contains("input_tokens 1e+308 (expected at most 1e+08 per request"));
    CHECK(r[0].first_bad[1].line == 4);
    CHECK_THAT(r[0].first_bad[1].message, Catch::Contains("output_tokens 3e+08 over 2 requests"));
  }
  SECTION("files of different formats") {
    CHECK_THROWS_WITH(import_usage({dir + "requests.csv", dir + "openai-usage.jsonl"}, {}, agg),
                      Catch::Contains("expected files of one format"));
  }
  SECTION("one vLLM scrape") {
    CHECK_THROWS_WITH(import_usage({dir + "vllm-1.prom"}, {}, agg), Catch::Contains("two or more scrapes"));
  }
}

TEST_CASE("timestamps and format detection", "[usage_import]") {
  CHECK(parse_timestamp("2026-05-01T00:00:00Z") == 1777593600);
  CHECK(parse_timestamp("2026-05-01 02:00:00.250+02:00") == 1777593600);  // 02:00 at +02:00 = 00:00Z
  CHECK(parse_timestamp("2026-05-01") == 1777593600);
  CHECK(parse_timestamp("1777593600") == 1777593600);
  CHECK(parse_timestamp("1777593600000") == 1777593600);  // milliseconds
  CHECK_FALSE(parse_timestamp("2026-13-01"));
  CHECK_FALSE(parse_timestamp("yesterday"));
  CHECK(detect_usage_source("timestamp,model,input_tokens,output_tokens\n") == UsageSource::requests);
  CHECK(detect_usage_source("hour,model,requests,input_tokens,output_tokens\n") == UsageSource::buckets);
  CHECK(detect_usage_source("# HELP vllm:num_requests_running x\n") == UsageSource::vllm_metrics);
  CHECK(detect_usage_source("{\"data\":[{\"starting_at\":\"x\"}]}") == UsageSource::anthropic_usage);
  CHECK_FALSE(detect_usage_source("just text"));
}

TEST_CASE("Anthropic usage report: 1-hour cache writes keep their TTL", "[usage_import]") {
  // One hourly bucket: 1000 uncached, 300 written with a 1-hour TTL, 100 with 5 minutes,
  // 600 read, 500 output.
  const std::string path = write_temp("anthropic-1h.json", R"({"data": [{"starting_at": "2026-05-01T08:00:00Z",
    "ending_at": "2026-05-01T09:00:00Z", "results": [{"uncached_input_tokens": 1000, "cache_creation":
    {"ephemeral_1h_input_tokens": 300, "ephemeral_5m_input_tokens": 100}, "cache_read_input_tokens": 600,
    "output_tokens": 500, "model": "claude-sonnet-5", "service_tier": "standard"}]}], "has_more": false})");
  usage::Aggregator agg(0, 28);
  UsageImportOptions opt;
  opt.source = UsageSource::anthropic_usage;
  import_usage({path}, opt, agg);
  const auto s = agg.finish();
  REQUIRE(s.workloads.size() == 1);
  const auto& w = s.workloads[0];
  CHECK(w.cache_write_share == Approx(0.2));      // 400 / 2000 input tokens
  CHECK(w.cache_write_1h_share == Approx(0.75));  // 300 of the 400 written
  std::filesystem::remove(path);
}
