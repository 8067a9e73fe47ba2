// The report charts (lib/report/src/charts.cpp) and their label layout (lib/report/src/svg.cpp),
// on inputs written out by hand.
#include <catch2/catch.hpp>
#include <string>

#include "plan/report/charts.hpp"
#include "plan/report/svg.hpp"

using namespace plan;
using namespace plan::report;

namespace {

int count(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("LabelBox::intersects: shared area only, touching edges do not count", "[report][svg]") {
  const LabelBox a{0, 0, 10, 10};
  CHECK(a.intersects({5, 5, 15, 15}));
  CHECK_FALSE(a.intersects({10, 0, 20, 10}));  // touches a's right edge
  CHECK_FALSE(a.intersects({0, 11, 10, 20}));
}

TEST_CASE("render_svg(LineChart): two markers at one volume get their labels side by side", "[report][svg]") {
  LineChart c;
  c.series.push_back({"s", {{0, 0}, {10, 10}}, {}});
  c.markers = {{5, "AAAA"}, {5, "BBBB"}};
  const std::string svg = render_svg(c);
  // Plot from x = 78 (left margin) to 760 - 30 = 730 px; x = 5 of 0..10 is at
  // 78 + 0.5 x 652 = 404 px. The first label hangs from the top (34 + 4 = 38) left of the
  // line, at 404 - 3 = 401; the second would take the same box, so it goes right of the
  // line, at 404 + 12 = 416 (its glyphs span 416 - 0.76 x 11 - 1 = 406.6 .. 416 + 0.24 x 11
  // + 1 = 419.6, clear of the first's 391.6 .. 404.6).
  CHECK(svg.find("<text class=\"marker-label\" x=\"401.0\" y=\"38.0\" font-size=\"11\" text-anchor=\"end\" "
                 "transform=\"rotate(-90 401.0 38.0)\">AAAA</text>") != std::string::npos);
  CHECK(svg.find("<text class=\"marker-label\" x=\"416.0\" y=\"38.0\" font-size=\"11\" text-anchor=\"end\" "
                 "transform=\"rotate(-90 416.0 38.0)\">BBBB</text>") != std::string::npos);
  // Every text element has a class.
  CHECK(count(svg, "<text ") == count(svg, "<text class=\""));
}

TEST_CASE("hourly_capacity_svg: a flat peak factor draws average and peak; every fleet its capacity", "[report][charts]") {
  Profile p;
  Workload w;
  w.id = "chat";
  w.requests_per_day = 86400;  // 1 request/s on average
  w.input_tokens = 150;
  w.output_tokens = 50;
  w.traffic = TrafficShape::from_peak_to_average(3);
  p.workloads = {w};
  // Average: 86,400 x 200 tokens / 86,400 s = 200 tokens/s in every hour (the shape is flat);
  // peak for sizing: 200 x 3 = 600 tokens/s.
  OptionResult a, b;
  a.id = "gpu-a";
  auto& fa = a.detail.emplace<SelfHostedResult>().fleet.emplace();
  fa.replicas = 2;
  fa.replica_tokens_per_s = 400;  // 2 x 400 = 800 tokens/s
  b.id = "gpu-b";
  auto& fb = b.detail.emplace<SelfHostedResult>().fleet.emplace();
  fb.replicas = 3;
  fb.replica_tokens_per_s = 250;  // 3 x 250 = 750 tokens/s
  const std::string svg = hourly_capacity_svg(p, {&a, &b});
  CHECK(svg.find(">average 200 tokens/s</text>") != std::string::npos);
  CHECK(svg.find(">peak (flat peak factor) 600 tokens/s</text>") != std::string::npos);
  CHECK(svg.find(">gpu-a: 2 replicas, 800 tokens/s</text>") != std::string::npos);
  CHECK(svg.find(">gpu-b: 3 replicas, 750 tokens/s</text>") != std::string::npos);
  // One reference line each: average, peak and the two fleets.
  CHECK(count(svg, "class=\"ref\"") == 4);
  // With an hourly shape, no average or peak lines: only the fleets'.
  p.workloads[0].traffic = TrafficShape::from_hourly({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2});
  const std::string shaped = hourly_capacity_svg(p, {&a, &b});
  CHECK(count(shaped, "class=\"ref\"") == 2);
  CHECK(shaped.find("flat peak factor") == std::string::npos);
}
