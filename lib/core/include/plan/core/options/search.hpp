#pragma once
// The search behind `plan search` and behind `plan compare` on an option with open choices
// (search_space.hpp): every point of the product of instances (limited by clouds, regions
// and the GPU), terms, precisions, engines, GPUs per replica and layouts, each costed by
// evaluate_option (the one costing path), ranked by USD/month among the feasible points.
// Pruning (docs/performance-model.md "Searching a self-hosted option"): a point whose model
// does not fit the replica's memory, or that misses the latency targets on one replica, is
// not costed; nor is a point whose lower bound (its GPU-hours at the mean request rate)
// cannot beat the ranked points found so far. A replica model is built once per GPU, GPUs
// per instance, precision, engine, GPUs per replica and layout (once per workload mix).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "plan/core/options/compare.hpp"
#include "plan/core/options/disagg_plan.hpp"
#include "plan/core/data/profile.hpp"

namespace plan {

// One costed point: a self-hosted option written out in full, and its figures.
struct SearchPoint {
  Option option;  // the point as an option of its own (same id)
  std::string cloud;     // the instance's provider
  std::string instance;  // sheet gpu_instances id
  std::string region;
  std::string gpu;
  PricingTerm term = PricingTerm::on_demand;
  int gpus = 0;              // fleet GPUs at peak
  int gpus_per_replica = 0;
  std::string layout;        // "tp4", "dep8": the layout and GPUs of one replica
  std::string precision;
  std::string engine;
  int replicas = 0;          // at peak
  double monthly_usd = 0;
  double usd_per_mtok = 0;
  std::optional<double> ttft_p95_ms;  // at peak
  std::optional<double> tpot_ms;      // at peak
  double tokens_per_s_per_gpu = 0;    // SLA-bound capacity of a replica over its GPUs
  std::optional<double> tokens_per_s_per_user;  // 1000 / TPOT ms: the decode speed a user sees
  std::string price_source;  // the sheet line of the instance's price
  std::optional<DisaggPlan> disagg;  // a disaggregated point: layout is its xPyD shape, replicas its units
};

struct SearchCounts {
  std::size_t points = 0;         // the product searched
  std::size_t no_fit = 0;         // not costed: the model does not fit the replica (memory, context, layout)
  std::size_t misses_targets = 0; // not costed: one replica misses the TPOT or TTFT target
  std::size_t no_price = 0;       // not costed: the sheet has no price for the term
  std::size_t pruned_bound = 0;   // not costed: its lower bound cannot beat the ranked points
  std::size_t costed = 0;
  std::size_t feasible = 0;       // of the costed
};

struct SearchResult {
  std::string option_id;
  std::string space;  // what was searched, in words
  SearchCounts counts;
  std::vector<SearchPoint> ranked;  // feasible, cheapest first (ties: the order searched), at most `top`
  // The reasons of the cheapest point costed infeasible, when none is feasible.
  std::vector<std::string> reasons;
  std::vector<std::string> notes;
};

struct SearchSettings {
  std::size_t top = 10;        // points ranked; 0 = every feasible point
  double volume_scale = 1.0;   // as EvalSettings
  bool prune = true;           // the lower-bound pruning (off: every fitting point is costed)
};

// Whether the option is self-hosted with open choices.
bool has_open_choices(const Option& o);

// Searches option `o` (self-hosted with open choices). Throws plan::Error (at the option)
// when the space names a precision the catalog does not have.
SearchResult search_option(const Profile& p, const PriceSheet& sheet, const Option& o, const ReplicaModelProvider* perf,
                           const SearchSettings& s = {});

// The points no other point beats on both USD per 1M tokens and tokens/s per user (lower cost,
// faster decode), by tokens/s per user ascending; points without a TPOT are left out.
std::vector<const SearchPoint*> pareto_front(const std::vector<SearchPoint>& points);

// One line for the provenance of the chosen point: what was searched, how many points were
// feasible, and the point chosen.
std::string search_provenance(const SearchResult& r);

namespace detail {
// evaluate_option for an option with open choices: the cheapest feasible point, costed as an
// option of its own, with the search in its provenance; infeasible when no point is.
OptionResult evaluate_searched(const Profile& p, const PriceSheet& sheet, const Option& o,
                               const ReplicaModelProvider* perf, const EvalSettings& settings);
}  // namespace detail

}  // namespace plan
