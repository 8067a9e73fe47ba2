// Sizing disaggregated units (disagg_plan.hpp).
#include "plan/core/options/disagg_plan.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "plan/core/base/monotone_search.hpp"
#include "plan/core/base/units.hpp"

namespace plan {

std::string disagg_shape_text(const perf::PoolSpec& prefill, const perf::PoolSpec& decode) {
  return fmt::format("{}P:{}{}+{}D:{}{}", prefill.workers, to_string(prefill.layout), prefill.gpus, decode.workers,
                     to_string(decode.layout), decode.gpus);
}

double disagg_ttft_p95_s(const perf::DisaggLoad& l) {
  return l.prefill_s + l.kv_transfer_s + std::log(20.0) * (l.prefill_wait_s + l.decode_wait_s);
}

namespace {

// The unit at concurrency C when it meets the targets.
std::optional<DisaggUnitCapacity> at(const std::function<std::optional<perf::DisaggLoad>(int)>& solve, int c,
                                     double output_tokens, std::optional<double> ttft, std::optional<double> tpot) {
  const auto l = solve(c);
  if (!l) return std::nullopt;
  DisaggUnitCapacity u;
  u.concurrency = c;
  u.load = *l;
  u.ttft_p95_s = disagg_ttft_p95_s(*l);
  u.tpot_s = l->tpot_s;
  if (ttft && u.ttft_p95_s > *ttft * (1 + 1e-12)) return std::nullopt;
  if (tpot && u.tpot_s > *tpot * (1 + 1e-12)) return std::nullopt;
  const double per_request = l->ttft_s + std::max(0.0, output_tokens - 1) * l->tpot_s;
  if (!(per_request > 0)) return std::nullopt;
  u.capacity_rps = c / per_request;
  return u;
}

}  // namespace

std::optional<DisaggUnitCapacity> disagg_unit_capacity(const std::function<std::optional<perf::DisaggLoad>(int)>& solve,
                                                       double output_tokens, std::optional<double> ttft_p95_s,
                                                       std::optional<double> tpot_s, int max_concurrency) {
  auto best = at(solve, 1, output_tokens, ttft_p95_s, tpot_s);
  if (!best) return std::nullopt;
  // Doubling until a concurrency misses (or the cap), then bisection between the last that
  // met the targets and the first that did not.
  int lo = 1, hi = 0;
  while (hi == 0) {
    const int next = lo >= max_concurrency / 2 ? max_concurrency : lo * 2;
    if (next == lo) return best;
    if (auto u = at(solve, next, output_tokens, ttft_p95_s, tpot_s)) {
      best = u;
      lo = next;
      if (next == max_concurrency) return best;
    } else {
      hi = next;
    }
  }
  // The last concurrency that met the targets is the largest: bisection raises lo only there.
  largest_where(lo, hi - 1, [&](int c) {
    auto u = at(solve, c, output_tokens, ttft_p95_s, tpot_s);
    if (u) best = u;
    return u.has_value();
  });
  return best;
}

DisaggPlan size_disagg_fleet(const perf::PoolSpec& prefill, const perf::PoolSpec& decode,
                             const DisaggUnitCapacity& unit, double demand_rps, int gpus_per_instance,
                             double usd_per_instance_hour) {
  DisaggPlan d;
  d.prefill = prefill;
  d.decode = decode;
  d.shape = disagg_shape_text(prefill, decode);
  d.unit = unit;
  d.demand_rps = demand_rps;
  // Relative slack so that rounding in the ratio never rounds past the count that serves it.
  d.units = std::max(1, static_cast<int>(std::ceil(demand_rps / unit.capacity_rps * (1 - 1e-9))));
  d.gpus_per_instance = std::max(1, gpus_per_instance);
  auto whole = [&](int gpus) { return (gpus + d.gpus_per_instance - 1) / d.gpus_per_instance; };
  d.instances_per_unit = whole(prefill.workers * prefill.gpus) + whole(decode.workers * decode.gpus);
  d.instances = d.units * d.instances_per_unit;
  d.gpus = d.instances * d.gpus_per_instance;
  d.usd_per_instance_hour = usd_per_instance_hour;
  d.monthly_usd = d.instances * usd_per_instance_hour * hours_per_month;
  return d;
}

perf::DisaggTiming with_disagg_term(perf::DisaggTiming timing, const perf::DisaggTerms* term, std::string* why) {
  if (!term) return timing;
  timing.decode_step_s = [step = timing.decode_step_s, k = term->decode_scale](double b) { return k * step(b); };
  if (why)
    *why = fmt::format("decode step x {:.3g}, fitted to {} disaggregated runs, CV median error {:.1f}% (TPOT)",
                       term->decode_scale, term->rows, term->cv_tpot_median);
  return timing;
}

}  // namespace plan
