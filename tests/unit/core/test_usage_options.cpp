// The options of an imported profile (lib/core/src/data/usage_options.cpp): a sheet and a
// catalog built in code, workloads as the aggregator would give them.
#include <catch2/catch.hpp>

#include "plan/core/base/error.hpp"
#include "plan/core/data/usage_options.hpp"

using namespace plan;
using namespace plan::usage;

namespace {

ApiModel api(const std::string& id, const std::string& provider, double in, double out, int line) {
  ApiModel m;
  m.id = id;
  m.provider = provider;
  m.prices.input_per_mtok = in;
  m.prices.output_per_mtok = out;
  m.line = line;
  return m;
}

// gpt-x (line 10, retiring 2026-06-30, successor gpt-y), gpt-y (line 20), azure-gpt-x (line
// 30: the same model at another provider, with a "priority" tier), a managed offering of the
// open model "llama-8b" (line 40), and two GPU instances: 1x l4 at 0.80/h (line 50) and 1x
// h100 at 3.00/h (line 60).
PriceSheet sheet() {
  PriceSheet s;
  s.version = "2026-05";
  s.effective_date = "2026-05-01";
  s.path = "pricing/2026-05.yaml";
  ApiModel x = api("gpt-x", "openai", 2, 8, 10);
  x.retires = "2026-06-30";
  x.successor = "gpt-y";
  s.api_models.push_back(x);
  s.api_models.push_back(api("gpt-y", "openai", 1, 4, 20));
  ApiModel az = api("azure-gpt-x", "azure", 2.2, 8.8, 30);
  az.prices.service_tiers.push_back({"priority", az.prices, 31});
  s.api_models.push_back(az);
  ManagedOffering m;
  m.id = "bedrock-llama-8b";
  m.provider = "bedrock";
  m.model = "llama-8b";
  m.on_demand = TokenPrices{};
  m.on_demand->input_per_mtok = 0.2;
  m.on_demand->output_per_mtok = 0.2;
  m.line = 40;
  s.managed.push_back(m);
  GpuInstance l4;
  l4.id = "aws-l4";
  l4.gpu = "l4";
  l4.on_demand_per_hour = 0.80;
  l4.line = 50;
  GpuInstance h100 = l4;
  h100.id = "aws-h100";
  h100.gpu = "h100";
  h100.on_demand_per_hour = 3.00;
  h100.line = 60;
  s.gpu_instances = {l4, h100};
  return s;
}

// l4: 24 GiB; h100: 80 GiB. Models: llama-8b (8e9 params), big-70b (70e9), from a user file.
Catalog catalog() {
  Catalog c;
  GpuSpec l4;
  l4.id = "l4";
  l4.memory_gib = 24;
  GpuSpec h100;
  h100.id = "h100";
  h100.memory_gib = 80;
  c.gpus = {l4, h100};
  ModelArch small;
  small.id = "llama-8b";
  small.params_total = 8e9;
  small.hf_ids = {"meta-llama/Llama-8B"};
  small.line = 7;
  ModelArch big;
  big.id = "big-70b";
  big.params_total = 70e9;
  big.file = "/home/u/.local/share/plan/models/big.yaml";
  big.line = 3;
  c.models = {small, big};
  return c;
}

ImportedWorkload workload(const std::string& key) {
  ImportedWorkload w;
  w.key = key;
  w.tokens_per_day = 1e6;
  return w;
}

const ImportOption* find(const ImportedOptions& o, const std::string& id) {
  for (const auto& x : o.options)
    if (x.id == id) return &x;
  return nullptr;
}

std::vector<std::string> ids(const ImportedOptions& o) {
  std::vector<std::string> v;
  for (const auto& x : o.options) v.push_back(x.id);
  return v;
}

const Catalog& no_catalog() { throw std::logic_error("catalog read for a model of the sheet"); }

}  // namespace

TEST_CASE("parse_alternatives: words, lists, all, none and a bad word", "[usage_options]") {
  auto a = parse_alternatives({"same-model,successors"});
  CHECK(a.same_model);
  CHECK(a.successors);
  CHECK_FALSE(a.self_hosted);
  a = parse_alternatives({"none", "self-hosted"});
  CHECK_FALSE(a.same_model);
  CHECK(a.self_hosted);
  a = parse_alternatives({"all"});
  CHECK((a.same_model && a.successors && a.self_hosted));
  try {
    parse_alternatives({"same-model,cheaper"});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage_error);
    CHECK(std::string(e.what()).find("'cheaper'") != std::string::npos);
  }
}

TEST_CASE("a sheet model: its own option, the same model elsewhere, its successor", "[usage_options]") {
  const PriceSheet s = sheet();
  ImportSummary sum;
  sum.workloads = {workload("openai/gpt-x-2025-01-01")};  // maps to gpt-x (prefix and date removed)
  ImportedOptions o;
  add_workload_options(o, sum, s, parse_alternatives({"same-model,successors"}), no_catalog);
  // Order of first addition: the model itself, its other offer at azure and that offer's
  // priority tier (same-model), then the successor.
  CHECK(ids(o) == std::vector<std::string>{"gpt-x", "azure-gpt-x", "azure-gpt-x-priority", "gpt-y"});
  const ImportOption* own = find(o, "gpt-x");
  CHECK(own->seen == std::vector<std::string>{"openai/gpt-x-2025-01-01"});
  CHECK(own->sheet_line == 10);
  CHECK(find(o, "azure-gpt-x-priority")->service_tier == "priority");
  CHECK(find(o, "azure-gpt-x-priority")->sheet_id == "azure-gpt-x");
  // 2026-06-30 is after the sheet's 2026-05-01: "retires".
  CHECK(find(o, "gpt-y")->why ==
        std::vector<std::string>{"successor of gpt-x, which retires 2026-06-30 (pricing/2026-05.yaml:10)"});
  const std::string key = "openai/gpt-x-2025-01-01";
  CHECK(o.current_option.at(key) == "gpt-x");
  CHECK(o.models.at(key) == std::vector<std::string>{"gpt-x", "azure-gpt-x", "gpt-y"});
  CHECK(o.models_why.at(key).size() == 2);
  CHECK(o.notes.count(key) == 0);  // no billed cost in the data

  SECTION("without alternatives: the model alone") {
    ImportedOptions bare;
    add_workload_options(bare, sum, s, parse_alternatives({"none"}), no_catalog);
    CHECK(ids(bare) == std::vector<std::string>{"gpt-x"});
    // models: still holds the workload to the same model at its other offers.
    CHECK(bare.models.at(key) == std::vector<std::string>{"gpt-x", "azure-gpt-x"});
  }
}

TEST_CASE("a billed cost against the list price of the same tokens", "[usage_options]") {
  const PriceSheet s = sheet();
  ImportSummary sum;
  sum.period_days = 30;
  ImportedWorkload w = workload("gpt-x");
  BilledTotals b;
  b.input = 1e6;   // 1M input at 2 USD = 2.00
  b.output = 1e6;  // 1M output at 8 USD = 8.00: list 10.00 USD
  b.records = 4;
  b.usd = 9.0;     // billed 9.00: 9 / 10 - 1 = -10.0%, over 2%
  w.billed = b;
  sum.workloads = {w};
  ImportedOptions o;
  add_workload_options(o, sum, s, parse_alternatives({"none"}), no_catalog);
  REQUIRE(o.billed.count("gpt-x") == 1);
  CHECK(o.billed.at("gpt-x").usd == Approx(9.0));
  CHECK(o.billed.at("gpt-x").days == Approx(30));
  CHECK(*o.billed.at("gpt-x").list_usd == Approx(10.0));
  const std::string line = "billed 9.00 USD in the data (4 rows with a cost) against 10.00 USD at the list prices of "
                           "gpt-x (pricing/2026-05.yaml:10): -10.0%, over 2%: a negotiated discount, a wrong price or "
                           "a billing error";
  CHECK(o.notes.at("gpt-x") == std::vector<std::string>{line});
  REQUIRE(o.attention.size() == 1);
  CHECK(o.attention[0].first == "gpt-x");

  SECTION("within 2%: a note, nothing for attention") {
    o = {};
    sum.workloads[0].billed->usd = 10.1;  // +1.0%
    add_workload_options(o, sum, s, parse_alternatives({"none"}), no_catalog);
    CHECK(o.attention.empty());
    CHECK(o.notes.at("gpt-x")[0].find(": +1.0%") != std::string::npos);
  }
}

TEST_CASE("a catalog model: its managed offer, a self-hosted fleet on the cheapest instance that holds it",
          "[usage_options]") {
  const PriceSheet s = sheet();
  const Catalog c = catalog();
  int reads = 0;
  auto cat = [&]() -> const Catalog& { ++reads; return c; };
  ImportSummary sum;
  sum.workloads = {workload("meta-llama/Llama-8B"), workload("big-70b"), workload("unknown-model")};
  ImportedOptions o;
  add_workload_options(o, sum, s, parse_alternatives({"same-model"}), cat);
  CHECK(reads == 3);
  // llama-8b has a pay-per-token offer: no fleet unless self-hosted is asked. big-70b has
  // none: a fleet anyway. Its bf16 weights are 70e9 x 2 = 140 GB; 80% of an l4 (24 GiB =
  // 25.77 GB) is 20.6 GB and of an h100 (80 GiB = 85.90 GB) 68.7 GB: neither holds it, so no
  // option. unknown-model is in neither: nothing, and no models:.
  CHECK(ids(o) == std::vector<std::string>{"bedrock-llama-8b"});
  CHECK(o.models.at("meta-llama/Llama-8B") == std::vector<std::string>{"llama-8b"});
  CHECK(o.models_why.at("meta-llama/Llama-8B")[0].find("served by llama-8b (calib/catalog.yaml:7)") == 0);
  // The user-catalog model is cited by its own file.
  CHECK(o.models_why.at("big-70b")[0].find("served by big-70b (/home/u/.local/share/plan/models/big.yaml:3)") == 0);
  CHECK(o.models.count("unknown-model") == 0);

  SECTION("self-hosted asked: the cheapest instance that holds the weights") {
    ImportedOptions sh;
    add_workload_options(sh, sum, s, parse_alternatives({"self-hosted"}), cat);
    // llama-8b: 8e9 x 2 = 16 GB <= 20.6 GB of an l4 (0.80/h, cheaper than the h100's 3.00/h).
    REQUIRE(find(sh, "self-hosted-llama-8b") != nullptr);
    const ImportOption& f = *find(sh, "self-hosted-llama-8b");
    CHECK(f.kind == ImportOptionKind::self_hosted);
    CHECK(f.sheet_id == "aws-l4");
    CHECK(f.sheet_line == 50);
    CHECK(f.model == "llama-8b");
    CHECK(f.why[0].find("(16.0 GB)") != std::string::npos);
    CHECK(find(sh, "self-hosted-big-70b") == nullptr);
  }
}

TEST_CASE("cheapest_fitting_instance: weights against 80% of the instance's memory", "[usage_options]") {
  const PriceSheet s = sheet();
  const Catalog c = catalog();
  ModelArch m;
  m.params_total = 30e9;  // 60 GB at bf16: over an l4's 20.6 GB, within an h100's 68.7 GB
  double gb = 0;
  const GpuInstance* i = cheapest_fitting_instance(s, c, m, &gb);
  CHECK(gb == Approx(60));
  REQUIRE(i != nullptr);
  CHECK(i->id == "aws-h100");
  m.params_mtp = 5e9;  // (30e9 + 5e9) x 2 = 70 GB: over 68.7 GB
  CHECK(cheapest_fitting_instance(s, c, m, &gb) == nullptr);
}

TEST_CASE("what-if models and the whole sheet when nothing was added", "[usage_options]") {
  const PriceSheet s = sheet();
  ImportedOptions o;
  add_considered(o, {"gpt-x"}, s);
  // gpt-x and its azure offer (same model at another provider).
  CHECK(ids(o) == std::vector<std::string>{"gpt-x", "azure-gpt-x"});
  CHECK(o.models.empty());
  try {
    add_considered(o, {"gpt-z"}, s);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage_error);
    CHECK(std::string(e.what()).find("did you mean 'gpt-x'?") != std::string::npos);
  }
  ImportedOptions none;
  none.models["k"] = {"m"};
  finish_options(none, s);
  CHECK(none.options_are_whole_sheet);
  CHECK(ids(none) == std::vector<std::string>{"gpt-x", "gpt-y", "azure-gpt-x"});
  CHECK(none.models.empty());
  finish_options(o, s);
  CHECK_FALSE(o.options_are_whole_sheet);
}

TEST_CASE("usd_text: two decimals, four significant figures below 1", "[usage_options]") {
  CHECK(usd_text(12.3456) == "12.35");    // 1 and over: two decimals
  CHECK(usd_text(0.00252) == "0.002520");  // floor(log10 0.00252) = floor(-2.6) = -3: 3 + 3 = 6 decimals
  CHECK(usd_text(0.5) == "0.5000");        // floor(log10 0.5) = -1: 3 + 1 = 4 decimals
  CHECK(usd_text(0) == "0.00");
}

TEST_CASE("reconcile_cost_export: a cost export's line items against the list price of the data's tokens",
          "[usage_options]") {
  const PriceSheet s = sheet();
  ImportSummary sum;
  sum.first_s = 1000;
  sum.end_s = 2000;
  sum.period_days = 28;
  ImportedWorkload w = workload("gpt-x");
  w.all_tokens.input = 1e6;   // 1M input at 2 USD = 2.00
  w.all_tokens.output = 1e6;  // 1M output at 8 USD = 8.00: list 10.00 USD
  sum.workloads = {w};
  CostExport c;
  c.path = "costs.json";
  c.buckets = 30;
  c.outside = 2;
  c.first_s = 1000;
  c.end_s = 2000;
  c.usd = 12.5;
  c.usd_by_model = {{"gpt-x-2025-01-01", 9.0}, {"dall-e-3", 3.5}};
  ImportedOptions o;
  SECTION("buckets that cover the period") {
    const CostReconciliation r = reconcile_cost_export(o, c, s, sum);
    CHECK(r.covered);
    CHECK(r.summary == "cost export: 30 daily buckets in the usage period (2 outside, left out), 12.50 USD; line items "
                       "of no workload: dall-e-3 (3.50 USD)");
    CHECK(r.lines.empty());
    // 9.00 billed against 10.00 list: 9 / 10 - 1 = -10.0%.
    const std::string line = "billed 9.00 USD in the cost export costs.json (line items of gpt-x) against 10.00 USD at "
                             "the list prices of gpt-x (pricing/2026-05.yaml:10) for the usage data's tokens: -10.0%, "
                             "over 2%: a negotiated discount, a wrong price or a billing error";
    CHECK(o.notes.at("gpt-x") == std::vector<std::string>{line});
    REQUIRE(r.attention.size() == 1);
    CHECK(r.attention[0].second == line);
    CHECK(o.billed.at("gpt-x").usd == Approx(9.0));
    CHECK(o.billed.at("gpt-x").days == Approx(28));
    CHECK(*o.billed.at("gpt-x").list_usd == Approx(10.0));
  }
  SECTION("buckets that start after the data: not reconciled") {
    c.first_s = 1001;
    const CostReconciliation r = reconcile_cost_export(o, c, s, sum);
    CHECK_FALSE(r.covered);
    CHECK(r.summary.rfind("not reconciled: its buckets do not cover the usage period", 0) == 0);
    CHECK(o.notes.empty());
    CHECK(o.billed.empty());
  }
  SECTION("two workloads of one sheet model: named, not split") {
    sum.workloads.push_back(workload("openai/gpt-x"));
    const CostReconciliation r = reconcile_cost_export(o, c, s, sum);
    CHECK(r.lines == std::vector<std::string>{"gpt-x: 2 workloads of the data map to it; billed cost not split"});
    CHECK(o.billed.empty());
  }
}
