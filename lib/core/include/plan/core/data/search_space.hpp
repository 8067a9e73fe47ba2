#pragma once
// The open choices of a self-hosted option: keys written as a list or `auto` (instance, gpu,
// precision, engine, gpus_per_replica, parallel) and the limits on where to rent (clouds,
// regions, terms). `plan search` and `plan compare` search them (search.hpp,
// docs/profiles.md "Open choices").
#include <string>
#include <vector>

#include "plan/core/data/engine.hpp"
#include "plan/core/base/error.hpp"
#include "plan/core/data/parallel.hpp"

namespace plan {

enum class PricingTerm;

// One open key: the values listed, or every value the price sheet and catalog allow (`auto`).
// Neither (not open): the option's own value.
template <class T>
struct OpenChoice {
  std::vector<T> values;  // listed, in the profile's order
  std::vector<SourceLoc> locs;  // where each is written
  bool any = false;       // `auto`
  bool open() const { return any || !values.empty(); }
};

// How the search serves the model: one pool of aggregated replicas, disaggregated prefill
// and decode pools (xPyD units), or both (`auto`).
enum class Serving { aggregated, disaggregated, any };

struct SearchSpace {
  OpenChoice<std::string> instances;  // sheet gpu_instances ids
  OpenChoice<std::string> gpus;       // catalog GPU ids the instances carry
  OpenChoice<std::string> precisions;
  OpenChoice<perf::EngineChoice> engines;
  OpenChoice<int> gpus_per_replica;
  OpenChoice<Parallel> parallels;
  std::vector<std::string> clouds;   // sheet providers; empty: any
  std::vector<std::string> regions;  // empty: any
  std::vector<PricingTerm> terms;    // empty: the option's term
  Serving serving = Serving::aggregated;  // `serving:`
  SourceLoc loc;                     // the option
};

}  // namespace plan
