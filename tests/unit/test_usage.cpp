// The usage aggregator (lib/core/src/data/usage.cpp): hand-built records with known answers.
#include <catch2/catch.hpp>

#include <cmath>

#include "plan/core/data/usage.hpp"

using namespace plan::usage;

namespace {
constexpr std::int64_t t0 = 1777593600;  // 2026-05-01T00:00:00Z
constexpr std::int64_t day = 86400, hour = 3600;

UsageRecord request(std::int64_t t, double in, double out, double cached = 0, bool batch = false) {
  UsageRecord r;
  r.start_s = t;
  r.key = "gpt-4o";
  r.input_tokens = in;
  r.output_tokens = out;
  r.cached_tokens = cached;
  r.batch = batch;
  return r;
}

// Each day: three requests at 09:10 UTC (100, 200 and 300 tokens in, 50 out), one at 21:30
// (400 in, 100 of them cached, 50 out, batch).
void add_day(Aggregator& a, std::int64_t d, int copies = 1) {
  for (int c = 0; c < copies; ++c) {
    a.add(request(t0 + d * day + 9 * hour + 600, 100, 50));
    a.add(request(t0 + d * day + 9 * hour + 600, 200, 50));
    a.add(request(t0 + d * day + 9 * hour + 600, 300, 50));
    a.add(request(t0 + d * day + 21 * hour + 1800, 400, 50, 100, true));
  }
}
}  // namespace

TEST_CASE("aggregator: request rows give level, means, shares, shape and lengths", "[usage]") {
  Aggregator a(0, 28);
  for (int d = 0; d < 14; ++d) add_day(a, d);
  auto s = a.finish();
  REQUIRE(s.workloads.size() == 1);
  const auto& w = s.workloads[0];
  CHECK(s.window_days == 14);            // 14 days of data, window 28: all 14
  CHECK(w.requests_known);
  CHECK(w.requests_per_day == Approx(4));  // 56 requests / 14 days
  CHECK(w.input_tokens == Approx(250));    // (100 + 200 + 300 + 400) / 4
  CHECK(w.output_tokens == Approx(50));
  CHECK(w.tokens_per_day == Approx(1200)); // 4 x (250 + 50)
  CHECK(w.input_share == Approx(1000.0 / 1200));
  CHECK(w.cached_input_share == Approx(0.1));  // 100 of 1000 input tokens a day
  CHECK(w.batchable_share == Approx(0.25));    // 1 of 4 requests
  CHECK(w.hourly_known);
  CHECK(w.hourly[9] == Approx(3));   // requests per day in hour 9 UTC
  CHECK(w.hourly[21] == Approx(1));
  CHECK(w.hourly[10] == 0);
  REQUIRE(w.input_lengths);
  // 56 lengths, 14 each of 100, 200, 300, 400. Nearest rank: p50 = rank 28 = 200,
  // p90 = rank ceil(50.4) = 51 = 400, p99 = rank 56 = 400; the sketch's midpoints are within
  // 1/128 (200 -> bucket 200..201, midpoint 200.5; 400 -> 400..403, midpoint 401.5).
  CHECK(w.input_lengths->p50 == Approx(200).epsilon(1.0 / 128));
  CHECK(w.input_lengths->p90 == Approx(400).epsilon(1.0 / 128));
  CHECK(w.input_lengths->p99 == Approx(400).epsilon(1.0 / 128));
  CHECK(w.input_lengths->samples == 56);
  CHECK(w.output_lengths->p50 == 50);  // below 128: exact
  CHECK_FALSE(s.growth);               // 14 days < 8 weeks
}

TEST_CASE("aggregator: rows in any order give the same workload", "[usage]") {
  // Newest first, as some exports list them: the same 14 days as above, days reversed.
  Aggregator a(0, 28);
  for (int d = 13; d >= 0; --d) add_day(a, d);
  auto s = a.finish();
  const auto& w = s.workloads.at(0);
  CHECK(s.window_days == 14);
  CHECK(w.requests_per_day == Approx(4));  // 56 requests / 14 days
  CHECK(w.input_tokens == Approx(250));
  CHECK(w.hourly[9] == Approx(3));
  CHECK(w.hourly[21] == Approx(1));
}

TEST_CASE("aggregator: the hourly shape and days follow the UTC offset", "[usage]") {
  Aggregator a(2 * 3600, 28);  // +02:00
  for (int d = 0; d < 14; ++d) add_day(a, d);
  auto s = a.finish();
  const auto& w = s.workloads[0];
  CHECK(w.hourly[11] == Approx(3));  // 09:10 UTC = 11:10 at +02:00
  CHECK(w.hourly[23] == Approx(1));  // 21:30 UTC = 23:30
  CHECK(w.hourly[9] == 0);
  CHECK(s.window_days == 14);        // every request falls on the same local day as in UTC
}

TEST_CASE("aggregator: the recent level is the mean over the window", "[usage]") {
  // Days 0-6 carry twice the traffic of days 7-13 (8 and 4 requests a day).
  auto run = [](int window) {
    Aggregator a(0, window);
    for (int d = 0; d < 7; ++d) add_day(a, d, 2);
    for (int d = 7; d < 14; ++d) add_day(a, d, 1);
    return a.finish();
  };
  CHECK(run(7).workloads[0].requests_per_day == Approx(4));   // days 7-13 only
  CHECK(run(28).workloads[0].requests_per_day == Approx(6));  // (7 x 8 + 7 x 4) / 14
  CHECK(run(10).workloads[0].requests_per_day == Approx(5.2)); // days 4-13: (3 x 8 + 7 x 4) / 10 = 52 / 10
}

TEST_CASE("aggregator: growth is fitted on daily totals over 8 weeks or more", "[usage]") {
  // Daily buckets of 10 requests whose tokens grow 1% a day: ln(total) = ln(1000) + 0.01 d,
  // so b = 0.01 and growth = exp(0.01 x 730 / 24) - 1 = exp(0.3041667) - 1
  // = e^0.3 x e^0.0041667 - 1 = 1.3498588 x 1.0041754 - 1 = 0.355495.
  auto run = [](int days) {
    Aggregator a(0, 28);
    for (int d = 0; d < days; ++d) {
      UsageRecord r;
      r.start_s = t0 + d * day;
      r.duration_s = day;
      r.key = "m";
      r.requests = 10;
      r.input_tokens = 600 * std::exp(0.01 * d);
      r.output_tokens = 400 * std::exp(0.01 * d);
      a.add(r);
    }
    return a.finish();
  };
  auto s = run(70);
  REQUIRE(s.growth);
  CHECK(s.growth->growth_per_month == Approx(0.355495).epsilon(1e-5));
  CHECK(s.growth->r_squared == Approx(1.0));
  CHECK(s.growth->days == 70);
  // Daily buckets say nothing about the hour of the day.
  CHECK_FALSE(s.workloads[0].hourly_known);
  CHECK(s.workloads[0].input_share == Approx(0.6));
  CHECK_FALSE(s.workloads[0].input_lengths);  // bucket rows are not single requests
  CHECK_FALSE(run(55).growth);                // 55 days < 56
  REQUIRE(run(56).growth);
}

TEST_CASE("aggregator: records without request counts give the tokens-per-day form", "[usage]") {
  Aggregator a(0, 28);
  for (int d = 0; d < 2; ++d) {
    UsageRecord r;
    r.start_s = t0 + d * day + 5 * hour;
    r.duration_s = hour;
    r.key = "claude-sonnet-4-5";
    r.requests = std::nullopt;
    r.input_tokens = 3000;
    r.output_tokens = 1000;
    r.cached_tokens = 1500;
    r.cache_write_tokens = 300;
    r.batch = d == 1;
    a.add(r);
  }
  const auto w = a.finish().workloads.at(0);
  CHECK_FALSE(w.requests_known);
  CHECK(w.tokens_per_day == Approx(4000));  // (2 x 4000) / 2 days
  CHECK(w.input_share == Approx(0.75));
  CHECK(w.cached_input_share == Approx(0.5));   // 3000 / 6000
  CHECK(w.cache_write_share == Approx(0.1));    // 600 / 6000
  CHECK(w.batchable_share == Approx(0.5));      // by tokens: 4000 of 8000
  CHECK(w.hourly[5] == Approx(4000));           // tokens per day in hour 5
}

TEST_CASE("aggregator: a period beyond ten years is refused", "[usage]") {
  Aggregator a(0, 28);
  CHECK(a.add(request(t0, 1, 1)));
  CHECK_FALSE(a.add(request(t0 + 11 * 366 * day, 1, 1)));
  CHECK(a.records() == 1);
}

TEST_CASE("length sketch: exact below 128, within 1/128 above", "[usage]") {
  LengthSketch s;
  for (int v = 1; v <= 100; ++v) s.add(v);
  CHECK(*s.quantile(0.5) == 50);   // rank 50 of 1..100
  CHECK(*s.quantile(0.99) == 99);
  LengthSketch big;
  big.add(1e6);
  // 1e6: 2^19 <= v < 2^20, bucket width 2^13 = 8192; midpoint within 4096 of 1e6 (0.41%).
  CHECK(*big.quantile(0.5) == Approx(1e6).epsilon(1.0 / 128));
  CHECK_FALSE(LengthSketch{}.quantile(0.5));
}

TEST_CASE("histogram_quantile interpolates as Prometheus does", "[usage]") {
  std::vector<double> le{10, 100, INFINITY};
  std::vector<double> cum{20, 80, 100};
  CHECK(*histogram_quantile(le, cum, 0.1) == Approx(5));   // rank 10 in 0..10 holding 20: 10 x 10/20
  CHECK(*histogram_quantile(le, cum, 0.5) == Approx(55));  // rank 50: 10 + 90 x (50 - 20) / 60
  CHECK(*histogram_quantile(le, cum, 0.9) == Approx(100)); // +inf bucket: the highest finite bound
  CHECK_FALSE(histogram_quantile(le, {0, 0, 0}, 0.5));
}

TEST_CASE("names: workload ids, sheet ids and UTC offsets", "[usage]") {
  CHECK(workload_id("Meta-Llama/Llama 3.1 8B") == "meta-llama-llama-3.1-8b");
  CHECK(workload_id("") == "unknown");
  const std::vector<std::string> ids{"gpt-4o", "gpt-4o-mini", "claude-3-haiku", "claude-sonnet-4-5"};
  CHECK(map_to_sheet_model("gpt-4o-2024-08-06", ids) == "gpt-4o");
  CHECK(map_to_sheet_model("gpt-4o-mini-2024-07-18", ids) == "gpt-4o-mini");
  CHECK(map_to_sheet_model("claude-3-haiku-20240307", ids) == "claude-3-haiku");
  CHECK(map_to_sheet_model("claude-sonnet-4-5@20250929", ids) == "claude-sonnet-4-5");
  CHECK(map_to_sheet_model("anthropic.claude-3-haiku-20240307-v1:0", ids) == "claude-3-haiku");
  CHECK(map_to_sheet_model("openai/GPT-4o", ids) == "gpt-4o");
  CHECK_FALSE(map_to_sheet_model("llama-3.1-8b", ids));
  CHECK(parse_utc_offset("UTC") == 0);
  CHECK(parse_utc_offset("+05:30") == 19800);  // 5 x 3600 + 30 x 60
  CHECK(parse_utc_offset("-08:00") == -28800);
  CHECK(parse_utc_offset("UTC+01") == 3600);
  CHECK_FALSE(parse_utc_offset("Europe/Berlin"));
  CHECK_FALSE(parse_utc_offset("+25:00"));
}

TEST_CASE("list cost of billed tokens: cache reads, cache writes, output and batch at their prices", "[usage]") {
  using namespace plan;
  TokenPrices p;
  p.input_per_mtok = 3.00;
  p.output_per_mtok = 15.00;
  p.cached_input_per_mtok = 0.30;
  p.cache_write_per_mtok = 3.75;
  p.batch_input_per_mtok = 1.50;
  p.batch_output_per_mtok = 7.50;
  usage::BilledTotals b;
  b.input = 1'000'000;  // 600k uncached, 300k read, 100k written
  b.cached = 300'000;
  b.cache_write = 100'000;
  b.output = 200'000;  // reasoning tokens included: billed as output
  b.batch_input = 2'000'000;
  b.batch_output = 400'000;
  // 0.6 x 3.00 + 0.3 x 0.30 + 0.1 x 3.75 + 0.2 x 15.00 = 1.80 + 0.09 + 0.375 + 3.00 = 5.265;
  // batch: 2 x 1.50 + 0.4 x 7.50 = 3.00 + 3.00 = 6.00; total 11.265 USD.
  CHECK(usage::list_cost_usd(b, p) == Approx(11.265));
  // Half the writes with a 1-hour TTL at 6.00: 0.05 x 3.75 + 0.05 x 6.00 = 0.4875 in place of
  // 0.1 x 3.75 = 0.375: 11.265 + 0.1125 = 11.3775 USD.
  p.cache_write_1h_per_mtok = 6.00;
  usage::BilledTotals b1h = b;
  b1h.cache_write_1h = 50'000;
  CHECK(usage::list_cost_usd(b1h, p) == Approx(11.3775));
  // Without cache or batch prices in the sheet, those tokens pay the standard prices:
  // 1.0 x 3.00 + 0.2 x 15.00 + 2 x 3.00 + 0.4 x 15.00 = 3 + 3 + 6 + 6 = 18.00 USD.
  TokenPrices plain;
  plain.input_per_mtok = 3.00;
  plain.output_per_mtok = 15.00;
  CHECK(usage::list_cost_usd(b, plain) == Approx(18.0));
}

TEST_CASE("the same model at the sheet's other providers", "[usage]") {
  using namespace plan;
  PriceSheet s;
  auto api = [&](const std::string& id, const std::string& provider, bool batch, std::vector<std::string> tiers) {
    ApiModel m;
    m.id = id;
    m.provider = provider;
    m.prices.input_per_mtok = 1;
    m.prices.output_per_mtok = 2;
    if (batch) {
      m.prices.batch_input_per_mtok = 0.5;
      m.prices.batch_output_per_mtok = 1;
    }
    for (auto& t : tiers) m.prices.service_tiers.push_back({t, m.prices, 0});
    m.line = static_cast<int>(s.api_models.size()) + 10;
    s.api_models.push_back(m);
  };
  api("gpt-5.6", "openai", true, {"priority", "flex"});
  api("gpt-5.6-mini", "openai", true, {});
  api("azure-gpt-5.6", "azure-openai", false, {"priority"});
  api("azure-us-gpt-5.6", "azure-openai", false, {});
  api("claude-sonnet-5", "anthropic", true, {});
  api("vertex-claude-sonnet-5", "vertex-ai", false, {});
  ManagedOffering b;
  b.id = "bedrock-claude-sonnet-5";
  b.provider = "aws-bedrock";
  b.model = "claude-sonnet-5";
  b.on_demand = TokenPrices{};
  b.line = 99;
  s.managed.push_back(b);
  ManagedOffering prov = b;  // provisioned only: no on-demand prices, not an offer
  prov.id = "bedrock-claude-sonnet-5-pt";
  prov.on_demand.reset();
  s.managed.push_back(prov);

  auto ids = [](const std::vector<usage::ModelOffer>& v) {
    std::vector<std::string> out;
    for (const auto& o : v) out.push_back(o.id);
    return out;
  };
  const auto gpt = usage::same_model_offers(s, "gpt-5.6");
  // gpt-5.6-mini is another model; the Azure entries are gpt-5.6 behind a provider prefix.
  CHECK(ids(gpt) == std::vector<std::string>{"gpt-5.6", "azure-gpt-5.6", "azure-us-gpt-5.6"});
  CHECK(gpt[0].service_tiers == std::vector<std::string>{"priority", "flex"});
  CHECK(gpt[0].batch);
  CHECK_FALSE(gpt[1].batch);
  CHECK(gpt[1].serves == "azure-gpt-5.6");  // an API option serves its own id
  const auto claude = usage::same_model_offers(s, "claude-sonnet-5");
  CHECK(ids(claude) == std::vector<std::string>{"claude-sonnet-5", "vertex-claude-sonnet-5", "bedrock-claude-sonnet-5"});
  CHECK(claude[2].managed);
  CHECK(claude[2].serves == "claude-sonnet-5");  // a managed option serves the offering's model
  // A catalog model with no API entry: only managed offerings of it.
  CHECK(usage::same_model_offers(s, "llama-3.1-8b").empty());
}
