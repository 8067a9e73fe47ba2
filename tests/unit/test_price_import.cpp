// `plan prices import` (lib/io/src/price_import.cpp): a draft sheet from upstream files.
// The small fixtures in tests/data/import/ are rows copied from the upstream files (README
// there); the expected figures are those rows with the documented arithmetic applied by
// hand. The last case rebuilds pricing/2026-07.yaml's entries from pricing/sources/2026-07/
// and lists every way the released sheet differs from the draft.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "plan/core/data/price_sheet.hpp"
#include "plan/io/loaders.hpp"
#include "plan/io/price_import.hpp"

using namespace plan;

namespace {
PriceSheet draft_of(const std::string& spec) {
  io::PriceImport imp = io::import_price_sheet(spec);
  return io::parse_price_sheet("draft.yaml", imp.sheet_yaml);
}
}  // namespace

TEST_CASE("import: LiteLLM entries become token prices per 1M tokens", "[price_import]") {
  const PriceSheet s = draft_of(PLAN_TEST_DATA "/import/spec.yaml");
  // gpt-5: input_cost_per_token 1.25e-06 x 1e6 = 1.25; output 1e-05 -> 10.00; cache read
  // 1.25e-07 -> 0.125; no *_batches keys: no batch price. max_input_tokens 272000 is the input
  // limit, max_output_tokens 128000. flex: 6.25e-07 -> 0.625, 5e-06 -> 5.00.
  const ApiModel* g5 = s.find_api("gpt-5");
  REQUIRE(g5);
  CHECK(g5->prices.input_per_mtok == Approx(1.25));
  CHECK(g5->prices.output_per_mtok == Approx(10.00));
  CHECK(*g5->prices.cached_input_per_mtok == Approx(0.125));
  CHECK_FALSE(g5->prices.batch_input_per_mtok);
  CHECK(*g5->context_tokens == 272000);
  CHECK(*g5->max_output_tokens == 128000);
  REQUIRE(g5->prices.service_tiers.size() == 2);
  CHECK(g5->prices.service_tiers[0].name == "flex");
  CHECK(g5->prices.service_tiers[0].prices.input_per_mtok == Approx(0.625));
  CHECK(g5->prices.service_tiers[1].name == "priority");
  CHECK(g5->prices.service_tiers[1].prices.output_per_mtok == Approx(20.00));
  // gpt-5.4: batch 1.25e-06 / 7.5e-06 -> 1.25 / 7.50; tier above 272k: 5e-06 -> 5.00,
  // 2.25e-05 -> 22.50, cache read 5e-07 -> 0.50.
  const ApiModel* g54 = s.find_api("gpt-5.4");
  REQUIRE(g54);
  CHECK(*g54->prices.batch_input_per_mtok == Approx(1.25));
  CHECK(*g54->prices.batch_output_per_mtok == Approx(7.50));
  REQUIRE(g54->prices.tiers.size() == 1);
  CHECK(g54->prices.tiers[0].above_input_tokens == 272000);
  CHECK(g54->prices.tiers[0].prices.input_per_mtok == Approx(5.00));
  CHECK(g54->prices.tiers[0].prices.output_per_mtok == Approx(22.50));
  CHECK(*g54->prices.tiers[0].prices.cached_input_per_mtok == Approx(0.50));
  // claude-sonnet-4-5: 5-minute write 3.75e-06 -> 3.75, 1-hour 6e-06 -> 6.00; tier above 200k
  // 6.00 / 22.50, write 7.50, 1-hour write 1.2e-05 -> 12.00; the spec's context_tokens wins
  // over max_input_tokens 200000.
  const ApiModel* son = s.find_api("claude-sonnet-4-5");
  REQUIRE(son);
  CHECK(*son->prices.cache_write_per_mtok == Approx(3.75));
  CHECK(*son->prices.cache_write_1h_per_mtok == Approx(6.00));
  REQUIRE(son->prices.tiers.size() == 1);
  CHECK(son->prices.tiers[0].above_input_tokens == 200000);
  CHECK(*son->prices.tiers[0].prices.cache_write_per_mtok == Approx(7.50));
  CHECK(*son->prices.tiers[0].prices.cache_write_1h_per_mtok == Approx(12.00));
  CHECK(*son->context_tokens == 1000000);
  // Bedrock Llama 4 Maverick: 2.4e-07 / 9.7e-07 -> 0.24 / 0.97, batch 1.2e-07 / 4.85e-07 -> 0.12 / 0.485.
  const ManagedOffering* mav = s.find_managed("bedrock-maverick");
  REQUIRE(mav);
  REQUIRE(mav->on_demand);
  CHECK(mav->on_demand->input_per_mtok == Approx(0.24));
  CHECK(mav->on_demand->output_per_mtok == Approx(0.97));
  CHECK(*mav->on_demand->batch_output_per_mtok == Approx(0.485));
  CHECK(*mav->context_tokens == 128000);
  CHECK(*mav->max_output_tokens == 4096);
}

TEST_CASE("import: GPU instances from Cyclenerd, SkyPilot CSV and AWS family rows", "[price_import]") {
  const PriceSheet s = draft_of(PLAN_TEST_DATA "/import/spec.yaml");
  // gcp-mini.yml a3-highgpu-8g us-central1: hour 88.4899999025753 -> 88.49 (5 decimals);
  // month_1y 44810.08066464 / 730 = 61.383672 -> 61.38367; month_3y 28370.99821392 / 730 =
  // 38.864381 -> 38.86438; hour_spot 36.113584 -> 36.11358.
  const GpuInstance* a3 = s.find_instance("gcp-a3-highgpu-8g");
  REQUIRE(a3);
  CHECK(a3->on_demand_per_hour == 88.49);
  CHECK(*a3->reserved_1y_per_hour == 61.38367);
  CHECK(*a3->reserved_3y_per_hour == 38.86438);
  CHECK(*a3->spot_per_hour == 36.11358);
  // a2-ultragpu-1g: hour 5.06879789041096 -> 5.0688; no month_1y/month_3y: no commitments.
  const GpuInstance* a2 = s.find_instance("gcp-a2-ultragpu-1g");
  REQUIRE(a2);
  CHECK(a2->on_demand_per_hour == 5.0688);
  CHECK_FALSE(a2->reserved_1y_per_hour);
  // azure-mini.csv: ...,98.32,18.169536,eastus2 -> 98.32, spot 18.16954; H200 84.8,84.8: a
  // spot price equal to on-demand is no spot offer, left out.
  CHECK(s.find_instance("azure-h100")->on_demand_per_hour == 98.32);
  CHECK(*s.find_instance("azure-h100")->spot_per_hour == 18.16954);
  CHECK_FALSE(s.find_instance("azure-h200")->spot_per_hour);
  // tsaol_p4d.json us-east-1: onDemand 21.957642 -> 21.95764, reserved 13.921094 -> 13.92109.
  CHECK(s.find_instance("aws-p4d")->on_demand_per_hour == 21.95764);
  CHECK(*s.find_instance("aws-p4d")->reserved_1y_per_hour == 13.92109);
}

TEST_CASE("import: the draft records each input's sha256 and the source row of each instance", "[price_import]") {
  io::PriceImport imp = io::import_price_sheet(PLAN_TEST_DATA "/import/spec.yaml");
  CHECK_THAT(imp.sheet_yaml, Catch::Contains("  # gcp-mini.yml line 9: hour 88.4899999025753, hour_spot 36.113584, "
                                             "month_1y 44810.08066464, month_3y 28370.99821392"));
  CHECK_THAT(imp.sheet_yaml, Catch::Contains("  # azure-mini.csv line 2: Price 98.32, SpotPrice 18.169536"));
  CHECK_THAT(imp.sheet_yaml, Catch::Contains("Input sha256 "));
  CHECK_THAT(imp.findings.at(0), Catch::Contains("no batch price in the input file, none listed: gpt-5, claude-sonnet-4-5"));
}

// pricing/sources/2026-07/import.yaml rebuilds pricing/2026-07.yaml's entries. Every draft entry
// must equal the released one, except as listed here:
// - hourly figures: the draft rounds to 5 decimals; the released AWS figures keep tsaol's 6
//   (21.957642 against 21.95764): compared within 1e-5.
// - AWS spot: the released sheet carries 2026-05's spot levels (anycloud aws/vms.csv, not among
//   the inputs); the draft has none.
// - rate limits of gpt-4o, gpt-4o-mini and claude-3-haiku: carried over from 2026-05 (2025 copies
//   of the vendors' docs, not among the inputs); prices, limits per request and dates are compared.
// - entries carried over from 2026-05 (Lambda, Bedrock Llama 3/3.1, Claude 3 Haiku, Claude 3.5
//   Sonnet, Claude Instant, Together Llama 3.1) have no input: released only.
TEST_CASE("import: the released 2026-07 sheet's entries from its upstream files", "[price_import]") {
  const PriceSheet draft = draft_of(PLAN_SOURCE_DIR "/pricing/sources/2026-07/import.yaml");
  const PriceSheet rel = io::load_price_sheet(PLAN_SOURCE_DIR "/pricing/2026-07.yaml");
  auto same_prices = [](const TokenPrices& a, const TokenPrices& b) {
    auto eq = [](const std::optional<double>& x, const std::optional<double>& y) { return x == y; };
    bool same = a.input_per_mtok == b.input_per_mtok && a.output_per_mtok == b.output_per_mtok &&
                eq(a.cached_input_per_mtok, b.cached_input_per_mtok) && eq(a.cache_write_per_mtok, b.cache_write_per_mtok) &&
                eq(a.cache_write_1h_per_mtok, b.cache_write_1h_per_mtok) &&
                eq(a.batch_input_per_mtok, b.batch_input_per_mtok) && eq(a.batch_output_per_mtok, b.batch_output_per_mtok) &&
                a.tiers.size() == b.tiers.size() && a.service_tiers.size() == b.service_tiers.size();
    for (std::size_t i = 0; same && i < a.tiers.size(); ++i)
      same = a.tiers[i].above_input_tokens == b.tiers[i].above_input_tokens &&
             a.tiers[i].prices.input_per_mtok == b.tiers[i].prices.input_per_mtok &&
             a.tiers[i].prices.output_per_mtok == b.tiers[i].prices.output_per_mtok &&
             eq(a.tiers[i].prices.cached_input_per_mtok, b.tiers[i].prices.cached_input_per_mtok) &&
             eq(a.tiers[i].prices.cache_write_1h_per_mtok, b.tiers[i].prices.cache_write_1h_per_mtok);
    for (std::size_t i = 0; same && i < a.service_tiers.size(); ++i)
      same = a.service_tiers[i].name == b.service_tiers[i].name &&
             a.service_tiers[i].prices.input_per_mtok == b.service_tiers[i].prices.input_per_mtok &&
             a.service_tiers[i].prices.output_per_mtok == b.service_tiers[i].prices.output_per_mtok &&
             a.service_tiers[i].prices.cached_input_per_mtok == b.service_tiers[i].prices.cached_input_per_mtok;
    return same;
  };
  for (const auto& d : draft.api_models) {
    INFO(d.id);
    const ApiModel* r = rel.find_api(d.id);
    REQUIRE(r);
    CHECK(same_prices(d.prices, r->prices));
    CHECK(d.context_tokens == r->context_tokens);
    CHECK(d.max_output_tokens == r->max_output_tokens);
    CHECK(d.retires == r->retires);
    CHECK(d.provider == r->provider);
    CHECK(d.data_classes == r->data_classes);
  }
  for (const auto& d : draft.managed) {
    INFO(d.id);
    const ManagedOffering* r = rel.find_managed(d.id);
    REQUIRE(r);
    REQUIRE(r->on_demand);
    CHECK(same_prices(*d.on_demand, *r->on_demand));
    CHECK(d.context_tokens == r->context_tokens);
    CHECK(d.max_output_tokens == r->max_output_tokens);
    CHECK(d.model == r->model);
  }
  for (const auto& d : draft.gpu_instances) {
    INFO(d.id);
    const GpuInstance* r = rel.find_instance(d.id);
    REQUIRE(r);
    CHECK(d.on_demand_per_hour == Approx(r->on_demand_per_hour).margin(1e-5));
    CHECK(d.reserved_1y_per_hour.has_value() == r->reserved_1y_per_hour.has_value());
    if (d.reserved_1y_per_hour) CHECK(*d.reserved_1y_per_hour == Approx(*r->reserved_1y_per_hour).margin(1e-5));
    CHECK(d.reserved_3y_per_hour == r->reserved_3y_per_hour);
    if (d.provider == "aws") CHECK_FALSE(d.spot_per_hour);
    else CHECK(d.spot_per_hour == r->spot_per_hour);
    CHECK(d.gpu == r->gpu);
    CHECK(d.gpu_count == r->gpu_count);
  }
  // Released entries the draft does not have: exactly the carried-over ones.
  std::set<std::string> released_only;
  for (const auto& m : rel.api_models)
    if (!draft.find_api(m.id)) released_only.insert(m.id);
  for (const auto& m : rel.managed)
    if (!draft.find_managed(m.id)) released_only.insert(m.id);
  for (const auto& g : rel.gpu_instances)
    if (!draft.find_instance(g.id) && g.provider != "lambda") released_only.insert(g.id);
  CHECK(released_only == std::set<std::string>{"bedrock-llama3.1-8b", "bedrock-llama3.1-70b", "bedrock-llama3-8b",
                                               "bedrock-llama3-70b", "bedrock-claude-3-haiku",
                                               "bedrock-claude-3.5-sonnet", "bedrock-claude-instant",
                                               "together-llama3.1-8b", "together-llama3.1-70b",
                                               "together-llama3.1-405b"});
}
