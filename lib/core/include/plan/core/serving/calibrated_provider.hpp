#pragma once
// Which calibration sizes a self-hosted deployment, and the performance model built from
// it: the catalog roofline of calib/catalog.yaml, with a GPU's efficiencies replaced by a
// calibration's when one matches the replica's model, GPU, precision, GPU count and
// layout (docs/calibration.md). Takes calibrations already read (lib/io reads the files);
// no I/O here.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plan/core/serving/calibration.hpp"
#include "plan/core/data/catalog.hpp"
#include "plan/core/serving/perf.hpp"
#include "plan/core/serving/perf_run.hpp"
#include "plan/core/serving/replica_model.hpp"

namespace plan::perf {

// The calibrations that may apply to self-hosted deployments.
class CalibrationSet {
 public:
  CalibrationSet() = default;
  // `named`: the files were named by the user (--calibration), so a deployment that none
  // of them is for gets a note saying it is not calibrated (its throughput source, engine
  // terms or the catalog roofline, says what sized it).
  CalibrationSet(std::vector<Calibration> files, bool named) : files_(std::move(files)), named_(named) {}

  const std::vector<Calibration>& files() const { return files_; }
  bool named() const { return named_; }
  // Files of the calibration directories that could not be read: each its path and why.
  void add_skipped(std::string path, std::string why) { skipped_.emplace_back(std::move(path), std::move(why)); }
  const std::vector<std::pair<std::string, std::string>>& skipped() const { return skipped_; }

  // What applies to one deployment: serving results imported for exactly this model, GPU,
  // precision, GPU count and layout are fitted (perf::fit_serving, on the replica model of
  // that layout); serving results of another layout never apply (a note says so). Failing
  // that, the best probe calibration for this GPU and precision, measured at this TP or at
  // TP 1 (efficiencies are per GPU; all-reduces and all-to-alls stay the catalog's): the
  // same model first, then this TP, then this layout, then the newest (`created`; on equal
  // times the later in the list). A probe of another model keeps the catalog's fixed cost
  // per step. nullopt when none applies. `notes` collects why matching calibrations were
  // not used.
  std::optional<PerfCalibration> apply(const Catalog& base, const CalibrationKey& key,
                                       std::vector<std::string>* notes) const;

 private:
  std::vector<Calibration> files_;
  bool named_ = false;
  std::vector<std::pair<std::string, std::string>> skipped_;
};

// The catalog model for every option, calibrated where a calibration applies. Only
// replicas the catalog roofline or the engine terms sized (provenance "spec" or "engine") are
// calibrated, on the roofline: a calibration of the deployment comes before the engine terms; the TP and the
// layout the catalog chose (or the option named) are part of the match. When the option leaves the TP to the model and the
// calibrated replica misses the latency targets, larger degrees the instance allows are (choose_deployment from that degree up)
// tried, each with the calibration that matches it. When the option leaves a mixture of
// experts' layout open, serving results measured in another layout or GPU count the
// instance allows are tried too, and a measured deployment is chosen over one sized from
// the catalog alone (a note says which and why).
class CalibratedReplicaModelProvider : public ReplicaModelProvider {
 public:
  // `terms`: the engine terms that size what no calibration applies to (may be null).
  CalibratedReplicaModelProvider(Catalog cat, CalibrationSet calibrations,
                                 std::shared_ptr<const EngineTerms> terms = nullptr,
                                 std::shared_ptr<const EngineCoverage> coverage = nullptr)
      : base_(std::move(cat), std::move(terms), std::move(coverage)), calibrations_(std::move(calibrations)) {}
  std::unique_ptr<ReplicaModel> make(const Option& option, const GpuInstance& instance,
                                     const WorkloadMix& mix) const override;
  const Catalog& catalog() const { return base_.catalog(); }
  const EngineTerms* engine_terms() const { return base_.engine_terms(); }
  // One finding per calibration file skipped because it could not be read.
  std::vector<std::string> findings() const override;

 private:
  // The deployment the catalog (or the option) chose, calibrated where a calibration matches it.
  std::unique_ptr<ReplicaModel> make_in_layout(const Option& option, const GpuInstance& instance,
                                               const WorkloadMix& mix) const;
  CatalogReplicaModelProvider base_;
  CalibrationSet calibrations_;
};

}  // namespace plan::perf
