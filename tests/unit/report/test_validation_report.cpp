// The error summary of `plan validate` (lib/report/src/validation_report.cpp): prepared runs
// and predictions built in code, an empty catalog (so the roofline sizes none of them).
#include <catch2/catch.hpp>

#include <sstream>

#include "plan/report/validation_report.hpp"

using namespace plan;
using namespace plan::perf;

namespace {

PreparedRun run(std::size_t index, const std::string& engine, double tpot_s, double ttft_s) {
  PreparedRun r;
  r.index = index;
  r.engine = engine;
  r.model_id = "m";
  r.gpu_id = "h100-sxm";
  r.precision_id = "fp8";
  r.isl = 1000;
  r.osl = 200;
  r.concurrency = 8;
  r.tpot_s = tpot_s;
  r.ttft_s = ttft_s;
  return r;
}

Prediction predicted(double tpot_s, double ttft_s) {
  Prediction p;
  p.tpot_s = tpot_s;
  p.ttft_s = ttft_s;
  return p;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The whitespace-separated words of the table line that starts with `key`.
std::vector<std::string> row(const std::string& text, const std::string& key) {
  for (const auto& l : lines_of(text)) {
    std::istringstream in(l);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    if (!words.empty() && words[0] == key && words.size() == 11) return words;
  }
  return {};
}

}  // namespace

TEST_CASE("render_validation: counts, rules, groups, duplicates, rows", "[validation_report]") {
  const Catalog empty;
  std::vector<MeasuredRun> runs(5);
  for (int i = 0; i < 5; ++i) runs[static_cast<std::size_t>(i)].line = i + 2;
  // r0 vllm: TPOT 11 ms predicted for 10 measured (|error| 10%), TTFT 90 for 100 (10%).
  // r1 sglang: TPOT 19 for 20 (5%), TTFT 260 for 200 (30%).
  // r2: left out by the rule "incomplete"; r3: disaggregated, not an aggregated run.
  // r4 vllm: a duplicate of r0 given its twin's prediction: TPOT 12 for 10 (20%), TTFT 100
  //   for 100 (0%).
  std::vector<PreparedRun> prep = {run(0, "vllm", 0.010, 0.100), run(1, "sglang", 0.020, 0.200),
                                   run(2, "vllm", 0.010, 0.100), run(3, "vllm", 0.010, 0.100),
                                   run(4, "vllm", 0.010, 0.100)};
  prep[0].kv_sequences = 32;
  prep[2].excluded = "no output tokens";
  prep[2].excluded_kind = "incomplete";
  prep[3].excluded = "disaggregated";
  prep[3].excluded_kind = "disagg";
  prep[4].excluded = "repeats line 2";
  prep[4].excluded_kind = "duplicate";
  std::vector<std::optional<Prediction>> pred = {predicted(0.011, 0.090), predicted(0.019, 0.260), std::nullopt,
                                                 std::nullopt, predicted(0.012, 0.100)};
  const std::string t = report::render_validation(empty, runs, prep, pred, "engine", true, true);
  const auto l = lines_of(t);
  // 5 runs, 4 aggregated (all but r3); 3 predicted: 3 / 4 = 75.0%.
  CHECK(l[0] == "Runs: 5 (4 aggregated); predicted 3 (75.0% of the aggregated runs)");
  CHECK(l[1].rfind("Of those, 1 repeat an earlier run's deployment", 0) == 0);
  CHECK(l[2] == "Aggregated runs left out, by rule: incomplete 1");
  // Medians and 90th percentiles interpolate between sorted errors (rank q x (n - 1)).
  // sglang: TPOT 5, TTFT 30. vllm (r0, r4): TPOT [10, 20]: median 15, p90 10 + 0.9 x 10 = 19;
  // TTFT [0, 10]: median 5, p90 9.
  CHECK(row(t, "sglang") ==
        std::vector<std::string>{"sglang", "1", "5.0%", "5.0%", "30.0%", "30.0%", "0", "0.0%", "0.0%", "0.0%", "0.0%"});
  CHECK(row(t, "vllm") ==
        std::vector<std::string>{"vllm", "2", "15.0%", "19.0%", "5.0%", "9.0%", "0", "0.0%", "0.0%", "0.0%", "0.0%"});
  // all: TPOT [5, 10, 20]: median 10, p90 at rank 1.8: 10 + 0.8 x 10 = 18; TTFT [0, 10, 30]:
  // median 10, p90 10 + 0.8 x 20 = 26.
  CHECK(row(t, "all") ==
        std::vector<std::string>{"all", "3", "10.0%", "18.0%", "10.0%", "26.0%", "0", "0.0%", "0.0%", "0.0%", "0.0%"});
  // distinct (r0, r1): TPOT [5, 10]: 7.5, 9.5; TTFT [10, 30]: 20, 28.
  CHECK(row(t, "distinct") ==
        std::vector<std::string>{"distinct", "2", "7.5%", "9.5%", "20.0%", "28.0%", "0", "0.0%", "0.0%", "0.0%",
                                 "0.0%"});
  // The group lines in key order, then all, then distinct.
  std::vector<std::string> order;
  for (const auto& line : l)
    for (const char* k : {"sglang ", "vllm ", "all ", "distinct "})
      if (line.rfind(k, 0) == 0) order.push_back(k);
  CHECK(order == std::vector<std::string>{"sglang ", "vllm ", "all ", "distinct "});
  // --rows: each predicted run; --excluded: the aggregated runs not predicted, with the reason.
  // The last column, the KV occupancy (concurrency / the sequences the KV cache holds): 8 / 32
  // = 0.250 where the memory plan is known (r0), empty where not (r4).
  CHECK(t.find("\n2,vllm,m,h100-sxm,fp8,tp,1,1000,200,8,10.000,11.000,100.0,90.0,0.250\n") != std::string::npos);
  CHECK(t.find("\n6,vllm,m,h100-sxm,fp8,tp,1,1000,200,8,10.000,12.000,100.0,100.0,\n") != std::string::npos);
  CHECK(t.find("\nRuns not predicted (line: reason)\n4: no output tokens\n") != std::string::npos);
  CHECK(t.find("disaggregated") == std::string::npos);
}

TEST_CASE("render_validation: nothing aggregated, no duplicates", "[validation_report]") {
  const Catalog empty;
  std::vector<MeasuredRun> runs(1);
  std::vector<PreparedRun> prep = {run(0, "vllm", 0.01, 0.1)};
  prep[0].excluded = "disaggregated";
  prep[0].excluded_kind = "disagg";
  const std::string t = report::render_validation(empty, runs, prep, {std::nullopt}, "gpu", false, false);
  CHECK(lines_of(t)[0] == "Runs: 1 (0 aggregated); predicted 0 (0.0% of the aggregated runs)");
  CHECK(t.find("Of those") == std::string::npos);
  CHECK(t.find("left out, by rule") == std::string::npos);
  CHECK(row(t, "all").empty());
}

TEST_CASE("render_validation: the in-sample line, each measurement once", "[validation_report]") {
  const Catalog empty;
  std::vector<MeasuredRun> runs(3);
  // r0: TPOT 10 ms, TTFT 100 ms; r1: 20 ms, 200 ms; r2: a duplicate, left out of the line.
  std::vector<PreparedRun> prep = {run(0, "vllm", 0.010, 0.100), run(1, "vllm", 0.020, 0.200),
                                   run(2, "vllm", 0.010, 0.100)};
  prep[2].excluded = "repeats line 2";
  prep[2].excluded_kind = "duplicate";
  const std::vector<std::optional<Prediction>> cv = {predicted(0.010, 0.100), predicted(0.020, 0.200),
                                                     predicted(0.010, 0.100)};
  // In-sample: r0 11 for 10 (TPOT 10%), 90 for 100 (TTFT 10%); r1 18 for 20 (10%), 260 for 200
  // (30%); r2's 50% in both is not counted. TPOT [10, 10]: 10, 10; TTFT [10, 30]: median 20, p90
  // 10 + 0.9 x 20 = 28.
  const std::vector<std::optional<Prediction>> fitted = {predicted(0.011, 0.090), predicted(0.018, 0.260),
                                                         predicted(0.015, 0.150)};
  const std::string t = report::render_validation(empty, runs, prep, cv, "engine", false, false, &fitted);
  CHECK(t.find("\nIn-sample: the terms fitted to every run, on those 2 distinct runs: TPOT median 10.0% (p90 "
               "10.0%), TTFT median 20.0% (p90 28.0%); ") != std::string::npos);
  // Without in-sample predictions, no such line.
  CHECK(report::render_validation(empty, runs, prep, cv, "engine", false, false).find("In-sample") ==
        std::string::npos);
}
