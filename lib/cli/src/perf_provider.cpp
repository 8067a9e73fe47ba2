// Builds the performance model used for self-hosted options: the catalog roofline of
// calib/catalog.yaml, with a GPU's efficiencies replaced by a calibration file's when one
// matches the replica's model, GPU, precision and tensor-parallel degree.
#include <filesystem>
#include <fmt/format.h>

#include "common.hpp"
#include "plan/core/perf.hpp"
#include "plan/io/calibration_io.hpp"
#include "plan/io/catalog_loader.hpp"

namespace plan::cli {

std::string catalog_path(const Globals& g) { return g.calib_dir() + "/catalog.yaml"; }

namespace {

// Efficiencies relative to a catalog GPU's spec figures can stand in for the catalog's;
// ones relative to the probe's own streaming kernel (a device not matched to the catalog)
// cannot.
bool relative_to_catalog(const Calibration& c) {
  return c.efficiencies && c.efficiencies->reference_source.rfind("catalog gpu ", 0) == 0;
}

// A copy of the catalog in which `gpu` carries the calibration's efficiencies and the
// fixed per-step cost is the fitted t_fixed (which already holds per-layer launch gaps).
std::unique_ptr<Catalog> calibrated_catalog(const Catalog& base, const std::string& gpu, const Precision& weights,
                                            const Calibration& c) {
  auto cat = std::make_unique<Catalog>(base);
  for (auto& g : cat->gpus) {
    if (g.id != gpu) continue;
    g.e_bw = c.efficiencies->e_bw;
    if (c.efficiencies->e_fl) {
      if (weights.compute == "bf16") {
        g.e_fl_16 = *c.efficiencies->e_fl;
      } else {
        g.e_fl_8 = *c.efficiencies->e_fl;
      }
    }
  }
  cat->efficiency.step_overhead_ms.value = c.efficiencies->t_fixed_s * 1e3;
  cat->efficiency.step_overhead_ms.source = c.path;
  cat->efficiency.layer_overhead_us.value = 0;
  cat->efficiency.layer_overhead_us.source = c.path;
  return cat;
}

// The catalog model run on a calibrated copy of the catalog, which it owns.
class CalibratedReplicaModel : public ReplicaModel {
 public:
  CalibratedReplicaModel(std::unique_ptr<Catalog> cat, const Option& o, const GpuInstance& inst, const WorkloadMix& mix,
                         const Calibration& c)
      : cat_(std::move(cat)), inner_(*cat_, o, inst, mix), spec_(inner_.spec()) {
    const Efficiencies& e = *c.efficiencies;
    spec_.provenance = "calibrated";
    spec_.provenance_source = c.path;
    spec_.notes.push_back(fmt::format("calibrated by {}: e_bw {:.3f}, e_fl {}, t_fixed {:.3f} ms ({})", c.path, e.e_bw,
                                      e.e_fl ? fmt::format("{:.3f}", *e.e_fl) : std::string("catalog default"),
                                      e.t_fixed_s * 1e3, e.reference_source));
  }
  const ReplicaSpec& spec() const override { return spec_; }
  int replicas_for(double requests_per_s) const override { return inner_.replicas_for(requests_per_s); }
  std::optional<FleetLatency> latency(double requests_per_s, int replicas) const override {
    return inner_.latency(requests_per_s, replicas);
  }

 private:
  std::unique_ptr<Catalog> cat_;
  perf::CatalogReplicaModel inner_;
  ReplicaSpec spec_;
};

class CalibratedProvider : public ReplicaModelProvider {
 public:
  CalibratedProvider(Catalog cat, std::string results_dir, std::optional<Calibration> only)
      : base_(std::move(cat)), results_dir_(std::move(results_dir)), only_(std::move(only)) {}

  std::unique_ptr<ReplicaModel> make(const Option& option, const GpuInstance& instance,
                                     const WorkloadMix& mix) const override {
    auto model = base_.make(option, instance, mix);
    // Only what the catalog roofline sized; the TP it chose is part of the match.
    if (model->spec().provenance != "spec" || !base_.catalog().find_model(option.model)) return model;
    const Precision* weights = base_.catalog().find_precision(option.precision);
    if (!weights) return model;
    io::CalibrationKey key{option.model, instance.gpu, option.precision, model->spec().gpus_per_replica};
    std::optional<Calibration> c;
    if (only_) {
      if (io::calibration_matches(*only_, key)) c = only_;
    } else {
      c = io::find_calibration(results_dir_, key);
    }
    if (!c || !relative_to_catalog(*c)) return model;
    return std::make_unique<CalibratedReplicaModel>(calibrated_catalog(base_.catalog(), instance.gpu, *weights, *c),
                                                    option, instance, mix, *c);
  }

 private:
  perf::CatalogReplicaModelProvider base_;
  std::string results_dir_;
  std::optional<Calibration> only_;
};

}  // namespace

std::unique_ptr<ReplicaModelProvider> make_replica_provider(const Globals& g, const std::string& calibration) {
  const std::string path = catalog_path(g);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return nullptr;  // options then need an explicit throughput
  std::optional<Calibration> only;
  if (!calibration.empty()) only = io::load_calibration(calibration);
  return std::make_unique<CalibratedProvider>(io::load_catalog(path), g.calib_dir() + "/results", std::move(only));
}

}  // namespace plan::cli
