// Erlang C against textbook values.
#include <catch2/catch.hpp>
#include <cmath>

#include "plan/core/serving/queueing.hpp"

using namespace plan::queueing;

TEST_CASE("erlang_c matches textbook values", "[queueing]") {
  // Two servers, one Erlang: C = (a^2/2 * 2/(2-a)) / (1 + a + a^2/2 * 2/(2-a)) = 1 / (1 + 1 + 1) = 1/3.
  CHECK(erlang_c(2, 1.0) == Approx(1.0 / 3.0).epsilon(1e-12));
  // Three servers, two Erlangs (standard table value): B(3,2) = (8/6) / (1 + 2 + 2 + 8/6) = 4/19,
  // C = 3B / (3 - 2(1 - B)) = (12/19) / (27/19) = 4/9.
  CHECK(erlang_c(3, 2.0) == Approx(4.0 / 9.0).epsilon(1e-12));
  // One server: M/M/1, the probability of waiting is the utilisation.
  CHECK(erlang_c(1, 0.5) == Approx(0.5).epsilon(1e-12));
  // Saturated and idle queues.
  CHECK(erlang_c(4, 4.0) == 1.0);
  CHECK(erlang_c(4, 0.0) == 0.0);
}

TEST_CASE("erlang_c stays finite for many servers", "[queueing]") {
  // 10,000 servers at 99% load: a factorial-based formula would overflow.
  double c = erlang_c(10000, 9900.0);
  CHECK(c > 0.0);
  CHECK(c < 1.0);
  // Far below saturation the probability of waiting is negligible.
  CHECK(erlang_c(10000, 100.0) == 0.0);
}

TEST_CASE("erlang_c agrees with the classic Erlang B recursion", "[queueing]") {
  // Independent reference: B(k) = a B(k-1) / (k + a B(k-1)), C = c B / (c - a (1 - B)).
  auto reference = [](long c, double a) {
    double b = 1.0;
    for (long k = 1; k <= c; ++k) b = a * b / (static_cast<double>(k) + a * b);
    return static_cast<double>(c) * b / (static_cast<double>(c) - a * (1.0 - b));
  };
  for (auto [c, a] : {std::pair<long, double>{5, 4.0}, {50, 45.0}, {256, 250.0}, {10000, 9900.0}, {10000, 9990.0},
                      {100000, 99500.0}, {300, 200.0}}) {
    INFO("c = " << c << ", a = " << a);
    CHECK(erlang_c(c, a) == Approx(reference(c, a)).epsilon(1e-9).margin(1e-300));
  }
}

TEST_CASE("wait_quantile follows the Erlang C tail", "[queueing]") {
  // M/M/1 with lambda 0.5, mu 1: P(W > t) = 0.5 exp(-0.5 t); p95: t = ln(0.5 / 0.05) / 0.5 = 2 ln 10.
  CHECK(wait_quantile(1, 0.5, 1.0, 0.95) == Approx(2.0 * std::log(10.0)).epsilon(1e-12));
  // The median: C = 0.5 <= 1 - 0.5, so half the arrivals do not wait: 0.
  CHECK(wait_quantile(1, 0.5, 1.0, 0.50) == 0.0);
  // c = 2, lambda = 1, mu = 1: C = 1/3, drain 2 - 1 = 1; p95: ln((1/3) / 0.05) = ln(20/3).
  CHECK(wait_quantile(2, 1.0, 1.0, 0.95) == Approx(std::log(20.0 / 3.0)).epsilon(1e-12));
  // Mean wait of M/M/1 with rho 0.5: C / (mu - lambda) = 0.5 / 0.5 = 1.
  CHECK(mean_wait(1, 0.5, 1.0) == Approx(1.0).epsilon(1e-12));
  CHECK(std::isinf(wait_quantile(1, 1.0, 1.0, 0.95)));
}
