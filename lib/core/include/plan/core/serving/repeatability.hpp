#pragma once
// How well measured runs repeat: runs of one architecture, engine, GPU, precision and layout at
// the same lengths and concurrency, filed with different figures (the same measurement filed
// twice, with the same figures, is one run: the duplicate rule). Each run predicted by another
// of its group has an error no model of the deployment removes: a floor for the engine terms'
// error on those runs (docs/performance-model.md, "How well the runs repeat").
#include <vector>

#include "plan/core/data/catalog.hpp"
#include "plan/core/serving/engine_fit.hpp"

namespace plan::perf {

struct RepeatSpread {
  int groups = 0;      // deployments and loads measured more than once with different figures
  int runs = 0;        // the distinct measurements in those groups
  ErrorSummary error;  // |a / b - 1| of every ordered pair (a, b) of a group's distinct figures
};

struct Repeatability {
  RepeatSpread same_version;  // the engine version the runs state (or none) the same too
  RepeatSpread any_version;   // the version left free, as the engine terms leave it
};

// Over the runs prepare_runs placed (used, or left out as duplicates): `prep` as it returned,
// `runs` the runs it was given (for their engine version), `cat` for the models' architectures
// (DeepSeek-V3 and R1 are one architecture under two names).
Repeatability repeatability(const Catalog& cat, const std::vector<MeasuredRun>& runs,
                            const std::vector<PreparedRun>& prep);

}  // namespace plan::perf
