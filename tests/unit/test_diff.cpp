// Diffs (lib/core/src/finance/diff.cpp) and the compare-JSON reader (lib/io/src/compare_json_loader.cpp).
#include <catch2/catch.hpp>

#include <string>

#include "plan/core/finance/diff.hpp"
#include "plan/io/loaders.hpp"
#include "plan/report/compare_report.hpp"

using namespace plan;

namespace {
std::string data(const std::string& f) { return std::string(PLAN_TEST_DATA) + "/" + f; }
}  // namespace

TEST_CASE("price_changes names the price lines an option uses", "[diff]") {
  Profile p = io::load_profile(data("profile-fin-b.yaml"));
  PriceSheet a = io::load_price_sheet(data("sheet-finance.yaml"));
  PriceSheet b = io::load_price_sheet(data("sheet-finance-b.yaml"));
  // sheet-finance-b.yaml: flat-15 input 15 -> 12 (line 16), gpu-2000 reserved 2.739726 -> 3.00 (line 40).
  auto api = price_changes(*p.find_option("api"), a, b);
  REQUIRE(api.size() == 1);
  CHECK_THAT(api[0], Catch::StartsWith("input_per_mtok: 15 -> 12 (") && Catch::Contains("sheet-finance.yaml:16 -> ") &&
                         Catch::EndsWith("sheet-finance-b.yaml:16)"));
  auto gpu = price_changes(*p.find_option("gpu"), a, b);
  REQUIRE(gpu.size() == 1);
  CHECK_THAT(gpu[0], Catch::StartsWith("reserved_1y_per_hour: 2.739726 -> 3 ("));
  CHECK(price_changes(*p.find_option("api"), a, a).empty());
}

TEST_CASE("add_option_reasons and add_price_reasons put the causes first", "[diff]") {
  const Profile p = io::load_profile(data("profile-fin-b.yaml"));
  const PriceSheet a = io::load_price_sheet(data("sheet-finance.yaml"));
  const PriceSheet b = io::load_price_sheet(data("sheet-finance-b.yaml"));
  // B: the api option on another model, the gpu option unchanged.
  Profile q = p;
  std::get<ApiOption>(q.options[0].spec).model = "other-model";
  CompareDiff d;
  d.options = {{"api", {}, {}, 0, {"input: 1.00 -> 2.00 (+1.00)"}}, {"gpu", {}, {}, 0, {}}, {"only-b", {}, {}, 0, {"only in B"}}};
  add_option_reasons(d, p, q);
  CHECK(d.options[0].why ==
        std::vector<std::string>{"option model: flat-15 -> other-model", "input: 1.00 -> 2.00 (+1.00)"});
  CHECK(d.options[1].why.empty());
  CHECK(d.options[2].why == std::vector<std::string>{"only in B"});
  // One profile under sheets a and b: flat-15's input 15 -> 12 (line 16), before the rest.
  add_price_reasons(d, p, a, p, b);
  REQUIRE(d.options[0].why.size() == 3);
  CHECK_THAT(d.options[0].why[0], Catch::StartsWith("input_per_mtok: 15 -> 12 ("));
  CHECK(d.options[0].why[1] == "option model: flat-15 -> other-model");
  // gpu-2000 reserved 2.739726 -> 3.00 (line 40).
  REQUIRE(d.options[1].why.size() == 1);
  CHECK_THAT(d.options[1].why[0], Catch::StartsWith("reserved_1y_per_hour: 2.739726 -> 3 ("));
  // The same sheet file on both sides: nothing added.
  CompareDiff same;
  same.options = {{"api", {}, {}, 0, {}}};
  add_price_reasons(same, p, a, p, a);
  CHECK(same.options[0].why.empty());
}

TEST_CASE("diff_sheets: changed, added and removed entries by kind", "[diff]") {
  const PriceSheet a = io::load_price_sheet(data("sheet-finance.yaml"));
  PriceSheet b = io::load_price_sheet(data("sheet-finance-b.yaml"));
  // sheet-finance-b.yaml changes flat-15's input (15 -> 12) and gpu-2000's reserved price;
  // blended-030, pt-fin and gpu-2.50 are the same. Here B also loses blended-030 and gains
  // a copy of flat-15 as flat-15-new.
  b.api_models.erase(b.api_models.begin());
  ApiModel copy = b.api_models.front();
  copy.id = "flat-15-new";
  b.api_models.push_back(copy);
  const SheetDiff d = diff_sheets(a, b);
  REQUIRE(d.entries.size() == 4);
  CHECK(d.entries[0].kind == SheetEntryKind::api_model);
  CHECK(d.entries[0].id == "blended-030");
  CHECK(d.entries[0].status == EntryStatus::removed);
  CHECK(d.entries[1].id == "flat-15");
  CHECK(d.entries[1].status == EntryStatus::changed);
  CHECK(d.entries[2].id == "flat-15-new");
  CHECK(d.entries[2].status == EntryStatus::added);
  CHECK(d.entries[3].kind == SheetEntryKind::gpu_instance);
  CHECK(d.entries[3].id == "gpu-2000");
  CHECK(d.entries[3].status == EntryStatus::changed);
  CHECK(d.unchanged == 2);  // pt-fin, gpu-2.50
  CHECK(std::string(to_string(SheetEntryKind::managed_offering)) == "managed offering");
  CHECK(std::string(to_string(EntryStatus::added)) == "added");
}

TEST_CASE("diff_results: cost lines, change and volume", "[diff]") {
  CompareResult a, b;
  a.price_sheet_version = "x";
  b.price_sheet_version = "y";
  OptionResult o;
  o.id = "gpu";
  o.breakdown.gpu_compute = 2000;
  o.monthly_cost_usd = 2000;
  a.options.push_back(o);
  o.breakdown.gpu_compute = 2190;
  o.monthly_cost_usd = 2190;
  b.options.push_back(o);
  OptionResult only_b;
  only_b.id = "api";
  b.options.push_back(only_b);
  CompareDiff d = diff_results(a, b);
  REQUIRE(d.options.size() == 2);
  CHECK(d.context.front() == "price sheet: x -> y");
  CHECK(d.options[0].change_usd == Approx(190.00));  // 2,190 - 2,000
  REQUIRE(d.options[0].why.size() == 1);
  CHECK(d.options[0].why[0] == "gpu_compute: 2000.00 -> 2190.00 (+190.00)");
  CHECK(d.options[1].why == std::vector<std::string>{"only in B"});
  CHECK_FALSE(d.options[1].a_usd);
}

TEST_CASE("compare JSON reads back what plan compare wrote", "[diff][io]") {
  Profile p = io::load_profile(data("profile-fin-b.yaml"));
  PriceSheet s = io::load_price_sheet(data("sheet-finance.yaml"));
  CompareResult r = compare(p, s, nullptr);
  CompareResult back = io::parse_compare_json("c.json", report::render_compare(r, report::Format::json));
  REQUIRE(back.options.size() == 2);
  CHECK(back.price_sheet_version == "test-finance");
  // api: 4M tokens/day x 30.416667 x $15/1M = $1,825.00; gpu: 730 x 2.739726 = $2,000.00.
  CHECK(back.options[0].monthly_cost_usd == Approx(1825.00));
  CHECK(back.options[0].breakdown.api_tokens == Approx(1825.00));
  CHECK(back.options[1].breakdown.gpu_compute == Approx(2000.00));
  REQUIRE(fleet_detail(back.options[1]));
  CHECK(fleet_detail(back.options[1])->replicas == 1);
  CompareDiff d = diff_results(r, back);
  for (const auto& o : d.options) CHECK(o.why.empty());
}

namespace {
// A self-hosted result: 2 replicas of 1 GPU at 60% utilisation, 1,500 tokens/s each from the
// catalog, TPOT 11.68 ms at peak.
OptionResult fleet() {
  OptionResult o;
  o.id = "gpu";
  o.kind = OptionKind::self_hosted;
  o.breakdown.gpu_compute = 2000;
  o.monthly_cost_usd = 2000;
  SelfHostedDetail d;
  d.replicas = 2;
  d.gpus = 2;
  d.gpus_per_replica = 1;
  d.instances = 2;
  d.utilization = 0.60;
  d.replica_tokens_per_s = 1500;
  d.throughput_provenance = ThroughputProvenance::spec;
  d.throughput_source = "calib/catalog.yaml";
  d.latency_at_peak = FleetLatency{100.0, 180.0, 250.0, 11.68};
  o.kind = OptionKind::self_hosted;
  o.detail = SelfHostedResult{d};
  return o;
}

CompareDiff diff_one(const OptionResult& a, const OptionResult& b) {
  CompareResult ra, rb;
  ra.options.push_back(a);
  rb.options.push_back(b);
  return diff_results(ra, rb);
}
}  // namespace

TEST_CASE("diff_results: equal fleets are no change", "[diff]") {
  CompareDiff d = diff_one(fleet(), fleet());
  REQUIRE(d.options.size() == 1);
  CHECK(d.options[0].why.empty());
}

TEST_CASE("diff_results: a TPOT change alone is a change", "[diff]") {
  OptionResult b = fleet();
  std::get<SelfHostedResult>(b.detail).fleet->latency_at_peak->tpot_ms = 14.14;
  CompareDiff d = diff_one(fleet(), b);
  CHECK(d.options[0].change_usd == 0);
  // 14.14 - 11.68 = +2.46 ms.
  CHECK(d.options[0].why == std::vector<std::string>{"TPOT at peak: 11.68 -> 14.14 ms (+2.46)"});
  SECTION("below the printed resolution (0.01 ms) it is not") {
    std::get<SelfHostedResult>(b.detail).fleet->latency_at_peak->tpot_ms = 11.683;  // rounds to 11.68 like A
    CHECK(diff_one(fleet(), b).options[0].why.empty());
  }
}

TEST_CASE("diff_results: a utilisation change alone is a change", "[diff]") {
  OptionResult b = fleet();
  std::get<SelfHostedResult>(b.detail).fleet->utilization = 0.75;
  CompareDiff d = diff_one(fleet(), b);
  // 0.60 and 0.75 of capacity, to 0.1 percentage point.
  CHECK(d.options[0].why == std::vector<std::string>{"utilisation: 60.0% -> 75.0%"});
  SECTION("below the printed resolution (0.1 point) it is not") {
    std::get<SelfHostedResult>(b.detail).fleet->utilization = 0.6004;  // 60.04% rounds to 60.0%
    CHECK(diff_one(fleet(), b).options[0].why.empty());
  }
}

TEST_CASE("diff_results: provenance and throughput from a calibration", "[diff]") {
  OptionResult b = fleet();
  std::get<SelfHostedResult>(b.detail).fleet->throughput_provenance = ThroughputProvenance::calibrated;
  std::get<SelfHostedResult>(b.detail).fleet->throughput_source = "calib/results/x.yaml";
  CompareDiff d = diff_one(fleet(), b);
  CHECK(d.options[0].why == std::vector<std::string>{
                                "replica throughput provenance: spec -> calibrated",
                                "replica throughput source: calib/catalog.yaml -> calib/results/x.yaml"});
  SECTION("with the replica throughput, GPUs and TTFT it moved") {
    std::get<SelfHostedResult>(b.detail).fleet->replica_tokens_per_s = 1200;
    std::get<SelfHostedResult>(b.detail).fleet->replicas = 3;
    std::get<SelfHostedResult>(b.detail).fleet->gpus = 3;
    std::get<SelfHostedResult>(b.detail).fleet->instances = 3;
    std::get<SelfHostedResult>(b.detail).fleet->latency_at_peak->ttft_p99_ms = 300;
    CompareDiff e = diff_one(fleet(), b);
    CHECK(e.options[0].why == std::vector<std::string>{
                                  "replicas: 2 -> 3", "GPUs: 2 -> 3", "instances: 2 -> 3",
                                  "replica throughput: 1500.0 -> 1200.0 tokens/s",
                                  "replica throughput provenance: spec -> calibrated",
                                  "replica throughput source: calib/catalog.yaml -> calib/results/x.yaml",
                                  "TTFT p99 at peak: 250.00 -> 300.00 ms (+50.00)"});  // 300 - 250
  }
}

// An infeasible side has no price, so no cost line is compared with it: a retired model
// read back from compare JSON (cost lines null, read as 0) must not show "0.00 -> 274.05".
TEST_CASE("diff_results: no cost lines against an infeasible side", "[diff]") {
  OptionResult a = fleet(), b = fleet();
  a.feasible = false;
  a.reasons = {"retired"};
  a.breakdown = CostBreakdown{};
  CompareDiff d = diff_one(a, b);
  for (const auto& why : d.options[0].why) CHECK_THAT(why, !Catch::StartsWith("gpu_compute"));
  CHECK(d.options[0].change_usd == 0);  // no price on side A: no change computed
}

TEST_CASE("diff_results: infeasible on both sides for other reasons", "[diff]") {
  OptionResult a = fleet(), b = fleet();
  a.feasible = b.feasible = false;
  a.reasons = {"TPOT 60 ms above the 50 ms target"};
  b.reasons = {"TPOT 60 ms above the 50 ms target", "does not fit in GPU memory"};
  CompareDiff d = diff_one(a, b);
  CHECK(d.options[0].why == std::vector<std::string>{"infeasible reason added: does not fit in GPU memory"});
  CHECK(diff_one(b, a).options[0].why == std::vector<std::string>{"infeasible reason dropped: does not fit in GPU memory"});
}

// The same model in two sheets, the second adding a 1-hour cache write (6.00) and a tier above
// 200,000 input tokens (6.00 / 22.50): both show as changes, "none" on the side without them.
TEST_CASE("price_changes shows 1-hour cache writes and long-context tiers", "[diff]") {
  Profile p = io::parse_profile("p.yaml", R"(name: t
workloads:
  - {id: w, requests_per_day: 1, input_tokens: 1, output_tokens: 1}
options:
  - {id: a, kind: api, model: m}
)");
  PriceSheet a;
  a.path = "a.yaml";
  ApiModel m;
  m.id = "m";
  m.prices.input_per_mtok = 3;
  m.prices.output_per_mtok = 15;
  m.line = 10;
  a.api_models.push_back(m);
  PriceSheet b = a;
  b.path = "b.yaml";
  b.api_models[0].prices.cache_write_1h_per_mtok = 6;
  ContextTier t;
  t.above_input_tokens = 200000;
  t.prices.input_per_mtok = 6;
  t.prices.output_per_mtok = 22.5;
  t.line = 20;
  b.api_models[0].prices.tiers.push_back(t);
  auto out = price_changes(*p.find_option("a"), a, b);
  REQUIRE(out.size() == 4);
  CHECK(out[0] == "cache_write_1h_per_mtok: none -> 6 (a.yaml:10 -> b.yaml:10)");
  CHECK(out[1] == "tiers[0].above_input_tokens: none -> 200000 (a.yaml:10 -> b.yaml:20)");
  CHECK(out[2] == "tiers[0].input_per_mtok: none -> 6 (a.yaml:10 -> b.yaml:20)");
  CHECK(out[3] == "tiers[0].output_per_mtok: none -> 22.5 (a.yaml:10 -> b.yaml:20)");
}
