// The shipped price sheet 2026-07 against the rows of its upstream files
// (pricing/sources/2026-07/), and the corrections it carries over 2026-05. Expected values are
// the source rows as quoted in the comments, with the arithmetic applied to them.
#include <catch2/catch.hpp>

#include "plan/core/data/price_sheet.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;

namespace {
const PriceSheet& sheet_2026_07() {
  static const PriceSheet s = io::load_price_sheet(PLAN_SOURCE_DIR "/pricing/2026-07.yaml");
  return s;
}
}  // namespace

TEST_CASE("2026-07: a GCP instance against its Cyclenerd row", "[price_sheets]") {
  // Cyclenerd pricing.yml line 3314, a3-highgpu-8g us-central1:
  //   hour: 88.4899999025753, hour_spot: 36.113584, month_1y: 44810.08066464, month_3y: 28370.99821392
  // on-demand 88.49 (5 decimals); 1-year 44810.08066464 / 730 = 61.383672...; 3-year
  // 28370.99821392 / 730 = 38.864380...; spot 36.11358.
  const GpuInstance* g = sheet_2026_07().find_instance("gcp-a3-highgpu-8g");
  REQUIRE(g);
  CHECK(g->gpu == "h100-sxm");
  CHECK(g->gpu_count == 8);
  CHECK(g->on_demand_per_hour == Approx(88.49));
  REQUIRE(g->reserved_1y_per_hour);
  CHECK(*g->reserved_1y_per_hour == Approx(61.38367));
  REQUIRE(g->reserved_3y_per_hour);
  CHECK(*g->reserved_3y_per_hour == Approx(38.86438));
  REQUIRE(g->spot_per_hour);
  CHECK(*g->spot_per_hour == Approx(36.11358));
}

TEST_CASE("2026-07: the four GCP on-demand prices 2026-05 had at about half the list", "[price_sheets]") {
  // Cyclenerd us-central1 `hour`: a3-highgpu-1g 11.0612499878219 (line 2456), a2-ultragpu-1g
  // 5.06879789041096 (line 1571), a2-ultragpu-8g 40.5503831232877 (line 2189); 2026-05 had
  // 5.38327, 2.94582 and 23.56656.
  const PriceSheet& s = sheet_2026_07();
  CHECK(s.find_instance("gcp-a3-highgpu-1g")->on_demand_per_hour == Approx(11.06125));
  CHECK(s.find_instance("gcp-a2-ultragpu-1g")->on_demand_per_hour == Approx(5.0688));
  CHECK(s.find_instance("gcp-a2-ultragpu-8g")->on_demand_per_hour == Approx(40.55038));
}

TEST_CASE("2026-07: an Azure instance against its catalog row", "[price_sheets]") {
  // azure_gpu_vms_2026-05-20.csv line 402:
  //   Standard_ND96isr_H100_v5,H100,8,96,1900,H100,98.32,18.169536,eastus2,V2
  const GpuInstance* g = sheet_2026_07().find_instance("azure-Standard_ND96isr_H100_v5");
  REQUIRE(g);
  CHECK(g->gpu == "h100-sxm");
  CHECK(g->gpu_count == 8);
  CHECK(g->region == "eastus2");
  CHECK(g->on_demand_per_hour == Approx(98.32));
  REQUIRE(g->spot_per_hour);
  CHECK(*g->spot_per_hour == Approx(18.16954));
  CHECK_FALSE(g->reserved_1y_per_hour);
}

TEST_CASE("2026-07: long-context, 1-hour cache and service-tier prices from LiteLLM", "[price_sheets]") {
  const PriceSheet& s = sheet_2026_07();
  // claude-sonnet-4-5: input_cost_per_token_above_200k_tokens 6e-06 -> 6.00/1M,
  // output_cost_per_token_above_200k_tokens 2.25e-05 -> 22.50; cache_creation_input_token_cost_above_1hr
  // 6e-06 -> 6.00.
  const ApiModel* sonnet = s.find_api("claude-sonnet-4-5");
  REQUIRE(sonnet);
  REQUIRE(sonnet->prices.tiers.size() == 1);
  CHECK(sonnet->prices.tiers[0].above_input_tokens == 200000);
  CHECK(sonnet->prices.tiers[0].prices.input_per_mtok == Approx(6.00));
  CHECK(sonnet->prices.tiers[0].prices.output_per_mtok == Approx(22.50));
  CHECK(*sonnet->prices.cache_write_1h_per_mtok == Approx(6.00));
  // gpt-5: max_input_tokens 272000 (input limit), max_output_tokens 128000; flex 6.25e-07 -> 0.625.
  const ApiModel* gpt5 = s.find_api("gpt-5");
  REQUIRE(gpt5);
  CHECK(*gpt5->context_tokens == 272000);
  CHECK(*gpt5->max_output_tokens == 128000);
  REQUIRE(gpt5->prices.service_tiers.size() == 2);
  CHECK(gpt5->prices.service_tiers[0].name == "flex");
  CHECK(gpt5->prices.service_tiers[0].prices.input_per_mtok == Approx(0.625));
  // gpt-5.4: 272k tier, input_cost_per_token_above_272k_tokens 5e-06 -> 5.00.
  REQUIRE(s.find_api("gpt-5.4")->prices.tiers.size() == 1);
  CHECK(s.find_api("gpt-5.4")->prices.tiers[0].above_input_tokens == 272000);
  CHECK(s.find_api("gpt-5.4")->prices.tiers[0].prices.input_per_mtok == Approx(5.00));
}

TEST_CASE("2026-07: retired offerings carry their dates", "[price_sheets]") {
  const PriceSheet& s = sheet_2026_07();
  CHECK(s.find_api("claude-3-haiku")->retires == std::optional<std::string>("2026-04-20"));
  CHECK(s.find_managed("bedrock-claude-3.5-sonnet")->retires == std::optional<std::string>("2026-03-01"));
  // LiteLLM deprecation_date of claude-opus-4-1-20250805: 2026-08-05, after the sheet's date.
  CHECK(s.find_api("claude-opus-4-1")->retires == std::optional<std::string>("2026-08-05"));
}

TEST_CASE("2026-07: the AWS 1-year RIs 2026-05 left out", "[price_sheets]") {
  // tsaol_g6e.json, g6e.48xlarge us-east-1: {"onDemand": 30.13118, "reserved": 18.98264};
  // tsaol_g6.json, g6.2xlarge: {"onDemand": 0.9776, "reserved": 0.63642}.
  const PriceSheet& s = sheet_2026_07();
  CHECK(*s.find_instance("aws-g6e.48xlarge")->reserved_1y_per_hour == Approx(18.98264));
  CHECK(*s.find_instance("aws-g6.2xlarge")->reserved_1y_per_hour == Approx(0.63642));
}
