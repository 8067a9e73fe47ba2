// `plan prices show` text of lib/report/src/prices_report.cpp, from a sheet built by hand.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "plan/report/prices_report.hpp"

using namespace plan;

namespace {
PriceSheet header_only() {
  PriceSheet s;
  s.version = "2025-01";
  s.effective_date = "2025-01-15";
  s.currency = "USD";
  s.path = "pricing/2025-01.yaml";
  s.sha256 = "abc123";
  s.sources.push_back({"aws-pricing", "https://aws.amazon.com/ec2/pricing/", "2025-01-10", ""});
  return s;
}
}  // namespace

TEST_CASE("render_price_sheet: a sheet without prices has its header and sources", "[report][prices]") {
  CHECK(report::render_price_sheet(header_only()) ==
        "price sheet 2025-01 (effective 2025-01-15, USD), pricing/2025-01.yaml\n"
        "sha256 abc123\n"
        "\n"
        "sources:\n"
        "  aws-pricing: https://aws.amazon.com/ec2/pricing/ (retrieved 2025-01-10)\n");
}

TEST_CASE("render_price_sheet: API, managed and GPU tables with line numbers", "[report][prices]") {
  PriceSheet s = header_only();
  ApiModel a;
  a.id = "mini";
  a.provider = "openai";
  a.prices.input_per_mtok = 0.15;
  a.prices.output_per_mtok = 0.6;
  a.prices.cached_input_per_mtok = 0.075;  // cache write and batch prices absent: "-"
  a.context_tokens = 128000;
  a.line = 12;
  s.api_models.push_back(a);

  ManagedOffering m1;
  m1.id = "bedrock-llama";
  m1.provider = "aws";
  m1.model = "llama-3-70b";
  m1.on_demand = TokenPrices{};
  m1.on_demand->input_per_mtok = 0.72;
  m1.on_demand->output_per_mtok = 0.72;
  m1.provisioned = Provisioned{};
  m1.provisioned->terms.push_back({"1m", 21.18, 1, 31});
  m1.provisioned->terms.push_back({"6m", 13.02, 6, 32});
  m1.line = 30;
  ManagedOffering m2;  // dedicated only: no leading "; "
  m2.id = "hf-endpoint";
  m2.provider = "hf";
  m2.model = "llama-3-8b";
  m2.dedicated = DedicatedEndpoint{"a10g", 1, 1.3, ""};
  m2.line = 41;
  s.managed = {m1, m2};

  GpuInstance g;
  g.id = "aws-p5";
  g.provider = "aws";
  g.instance = "p5.48xlarge";
  g.gpu = "h100-sxm";
  g.gpu_count = 8;
  g.on_demand_per_hour = 98.32;
  g.reserved_1y_per_hour = 57.63;  // no 3-year price: "-"
  g.spot_per_hour = 39.3;
  g.line = 55;
  s.gpu_instances.push_back(g);

  // Prices per 1M tokens with 3 decimals, per hour with 4 (instances) or 2 (units,
  // endpoints); every table followed by a blank line. The managed table is 16 + 8 + 11 + 86
  // + 4 columns and 4 gaps of 2 = 133 wide: at 120 its modes (which would end at 127) and
  // line move to a second table under the offering column.
  ::unsetenv("COLUMNS");  // the default width
  CHECK(report::render_price_sheet(s) ==
        "price sheet 2025-01 (effective 2025-01-15, USD), pricing/2025-01.yaml\n"
        "sha256 abc123\n"
        "\n"
        "api model  provider  input/1M  output/1M  cached/1M  cache write/1M  batch in/1M  batch out/1M  context  line\n"
        "---------  --------  --------  ---------  ---------  --------------  -----------  ------------  -------  ----\n"
        "mini       openai       0.150      0.600      0.075               -            -             -   128000    12\n"
        "\n"
        "managed offering  provider  model\n"
        "----------------  --------  -----------\n"
        "bedrock-llama     aws       llama-3-70b\n"
        "hf-endpoint       hf        llama-3-8b\n"
        "\n"
        "managed offering  modes                                                                                   line\n"
        "----------------  --------------------------------------------------------------------------------------  ----\n"
        "bedrock-llama     on_demand 0.720/0.720 per 1M; provisioned 1m 21.18/unit-h; provisioned 6m 13.02/unit-h    30\n"
        "hf-endpoint       dedicated 1x a10g 1.30/h                                                                  41\n"
        "\n"
        "gpu instance  provider  instance     gpu       GPUs  on-demand/h  reserved 1y/h  reserved 3y/h   spot/h  line\n"
        "------------  --------  -----------  --------  ----  -----------  -------------  -------------  -------  ----\n"
        "aws-p5        aws       p5.48xlarge  h100-sxm     8      98.3200        57.6300              -  39.3000    55\n"
        "\n"
        "sources:\n"
        "  aws-pricing: https://aws.amazon.com/ec2/pricing/ (retrieved 2025-01-10)\n");
}

TEST_CASE("render_price_sheet: tiers, 1-hour writes, output limits and retirements after the table", "[report][prices]") {
  PriceSheet s = header_only();
  ApiModel a;
  a.id = "m";
  a.provider = "anthropic";
  a.prices.input_per_mtok = 3;
  a.prices.output_per_mtok = 15;
  a.prices.cache_write_1h_per_mtok = 6;
  ContextTier t;
  t.above_input_tokens = 200000;
  t.prices.input_per_mtok = 6;
  t.prices.output_per_mtok = 22.5;
  t.line = 27;
  a.prices.tiers.push_back(t);
  ServiceTier flex;
  flex.name = "flex";
  flex.prices.input_per_mtok = 1.5;
  flex.prices.output_per_mtok = 7.5;
  flex.line = 30;
  a.prices.service_tiers.push_back(flex);
  a.max_output_tokens = 64000;
  a.retires = "2026-10-15";
  a.line = 20;
  s.api_models.push_back(a);
  CHECK_THAT(report::render_price_sheet(s),
             Catch::Contains("api models, further prices and limits:\n"
                             "  m: 1-hour cache write 6.000/1M; above 200000 input tokens 6.000/22.500 per 1M (line 27); "
                             "service tier flex 1.500/7.500 per 1M (line 30); max output 64000 tokens; retires 2026-10-15\n"));
}
