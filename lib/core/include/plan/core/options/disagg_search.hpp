#pragma once
// The disaggregated points of a search (`serving: disaggregated` or `auto`,
// docs/profiles.md "Open choices"): xPyD units of 1 or 2 prefill workers and 1 to 4 decode
// workers, each pool with the GPUs per worker and the layout the aggregated search tries on
// the instance (both pools in the same layout and GPUs per worker), sized by
// disagg_plan.hpp and costed at the instance's price for each term.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/options/search.hpp"

namespace plan {

// What the search enumerates, as the aggregated search reads it from the option's space.
struct DisaggAxes {
  std::vector<const GpuInstance*> instances;
  std::vector<std::string> precisions;
  std::vector<perf::EngineChoice> engines;
  std::vector<std::optional<Parallel>> layouts;         // nullopt: tp
  std::function<std::vector<int>(const GpuInstance&)> gpu_counts;  // GPUs per worker on an instance
};

inline constexpr int disagg_prefill_workers[] = {1, 2};
inline constexpr int disagg_decode_workers[] = {1, 2, 3, 4};

// Adds every feasible disaggregated point to `out` (in the order searched) and counts them
// in `res.counts`; the first reasons a point failed go to `reasons` when it is empty. `sets`
// (may be null) size the pools where they cover them; `dterms` (may be null) scale the decode
// step of an engine that has a disaggregated term.
void add_disagg_points(const Profile& p, const PriceSheet& sheet, const Option& o, const Catalog& cat,
                       const std::vector<perf::TermSet>* sets, const std::vector<perf::DisaggTerms>* dterms,
                       const DisaggAxes& axes, double volume_scale,
                       SearchResult& res, std::vector<SearchPoint>& out, std::vector<std::string>& reasons);

// The option result of a disaggregated point: both pools' instances at the term's price, the
// ops costs, the units, the latency at the unit's operating point.
OptionResult disagg_option_result(const Profile& p, const SearchPoint& pt, double volume_scale);

// The same point at another volume: the units sized again for the scaled peak demand (the
// shape, its capacity and the price unchanged).
OptionResult disagg_result_at(const Profile& p, const SearchPoint& pt, double volume_scale);

}  // namespace plan
