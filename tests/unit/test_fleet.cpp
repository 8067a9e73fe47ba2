// The fleet path (lib/core/src/options/fleet.cpp) and the traffic split (traffic.cpp). By hand.
#include <catch2/catch.hpp>

#include "plan/core/options/compare.hpp"
#include "plan/core/options/fleet.hpp"
#include "plan/core/data/traffic.hpp"
#include "fixtures.hpp"
#include "plan/io/loaders.hpp"

using namespace plan;
using plan::test::find;


TEST_CASE("checked_count rounds up and refuses counts beyond any fleet", "[fleet]") {
  CHECK(checked_count(0.0) == 0);
  CHECK(checked_count(3.0) == 3);
  CHECK(checked_count(3.0000000000001) == 3);  // rounding noise, not a fourth replica
  CHECK(checked_count(3.01) == 4);
  CHECK(checked_count(1e7) == 10000000);
  CHECK_FALSE(checked_count(1e7 + 1));
  CHECK_FALSE(checked_count(1e300));
  CHECK_FALSE(checked_count(std::numeric_limits<double>::infinity()));
  CHECK_FALSE(checked_count(std::numeric_limits<double>::quiet_NaN()));
}

// 864,000 requests a day of 1,000 tokens = 1e7 tokens/s; a replica said to serve 1e-6
// tokens/s would need 1e13 replicas: infeasible, naming the override and where it is.
TEST_CASE("a replica count beyond any fleet names the input behind it", "[fleet]") {
  Profile p = io::parse_profile("test.yaml", R"(name: tiny
workloads:
  - {id: chat, requests_per_day: 864000, input_tokens: 500, output_tokens: 500}
options:
  - {id: gpu, kind: self_hosted, instance: gpu-2.50, model: m, tokens_per_second_per_replica: 0.000001}
)");
  OptionResult r = evaluate_option(p, test::basic_sheet(), p.options[0], nullptr);
  CHECK_FALSE(r.feasible);
  REQUIRE(r.reasons.size() == 1);
  CHECK_THAT(r.reasons[0], Catch::Contains("needs more than 1e+07 replicas") &&
                               Catch::Contains("tokens_per_second_per_replica 1e-06 at test.yaml:5:"));
}

// Interactive 1 request/s in hours 0-11 and 3 in 12-23, and 43,200 batch requests a day;
// a fleet of capacity 2 requests/s. Interactive: hours 0-11 all private (1), hours 12-23
// 2 private and 1 overflowing: 12 x 3,600 = 43,200 interactive requests overflow. Idle:
// 1 request/s in hours 0-11 = 43,200 requests, which the batch requests fill exactly.
TEST_CASE("split_traffic: interactive up to capacity each hour, batch into idle hours", "[fleet]") {
  Workload w;
  w.id = "w";
  w.requests_per_day = 172800 + 43200;
  w.input_tokens = 500;
  w.output_tokens = 500;
  w.batchable_share = 43200.0 / (172800 + 43200);
  std::array<double, 24> day{};
  for (int h = 0; h < 24; ++h) day[h] = h < 12 ? 1 : 3;
  w.traffic = TrafficShape::from_hourly(day);
  std::vector<Workload> ws{w};
  std::vector<Lane> lanes = lanes_of(ws, 1.0);
  REQUIRE(lanes[0].sizing_rps[0] == Approx(1.0));
  REQUIRE(lanes[0].sizing_rps[12] == Approx(3.0));
  Split s = split_traffic(lanes, 2.0, true);
  CHECK(s.fits);
  CHECK(s.lanes[0].overflow_interactive == Approx(43200.0));
  CHECK(s.lanes[0].private_interactive == Approx(129600.0));
  CHECK(s.lanes[0].private_batch == Approx(43200.0));
  CHECK(s.lanes[0].overflow_batch == Approx(0.0).margin(1e-6));
  // The fleet is busy every hour: batch fills hours 0-11 to 2 requests/s.
  CHECK(s.private_sizing_rps[0] == Approx(2.0));
  CHECK(s.private_sizing_rps[12] == Approx(2.0));
  // All of it private-only: hours 12-23 need 3 requests/s, more than the fleet.
  lanes[0].private_only = true;
  CHECK_FALSE(split_traffic(lanes, 2.0, true).fits);
  // The capacity private-only traffic needs: the peak of 3, and (43,200 + 172,800) / 86,400
  // = 2.5 over the day for the batch requests: 3.
  CHECK(private_capacity_needed(lanes) == Approx(3.0));
}

TEST_CASE("WorkloadMix: costs use mean lengths, the memory fit the longest request", "[fleet]") {
  Workload a;
  a.requests_per_day = 1000;
  a.input_tokens = 500;
  a.output_tokens = 100;
  Workload b;
  b.requests_per_day = 10;
  b.input_tokens = 6000;
  b.output_tokens = 2000;
  // Means weighted by requests: (1000 x 500 + 10 x 6000) / 1010 = 560,000 / 1010 = 554.455...
  // and (1000 x 100 + 10 x 2000) / 1010 = 120,000 / 1010 = 118.811...
  WorkloadMix m = WorkloadMix::of({a, b});
  CHECK(m.input_tokens == Approx(560000.0 / 1010));
  CHECK(m.output_tokens == Approx(120000.0 / 1010));
  // The longest request is b's mean, 6000 + 2000 = 8000 (not the mix's 673.3).
  CHECK(m.fit_tokens() == 8000);
  CHECK_FALSE(m.long_request_from_p99);
  // With b's percentiles, input p99 9000 + output p99 3000 = 12,000; a's output p99 alone
  // gives 500 + 700 = 1200.
  b.input_tokens_p99 = 9000;
  b.output_tokens_p99 = 3000;
  a.output_tokens_p99 = 700;
  m = WorkloadMix::of({a, b});
  CHECK(m.fit_tokens() == 12000);
  CHECK(m.long_request_from_p99);
  CHECK(a.long_request_tokens() == 1200);
  CHECK(m.input_tokens == Approx(560000.0 / 1010));  // costs still on the means
}
