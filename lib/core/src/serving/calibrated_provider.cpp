// Which calibration sizes a self-hosted deployment (docs/calibration.md), and the
// performance model that runs the catalog roofline on the calibrated catalog.
#include "plan/core/serving/calibrated_provider.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

#include "plan/core/serving/deployment.hpp"
#include "plan/core/serving/serving_fit.hpp"
#include "plan/core/base/units.hpp"

namespace plan::perf {
namespace {

// Efficiencies relative to a catalog GPU's spec figures can stand in for the catalog's;
// ones relative to the probe's own streaming kernel (a device not matched to the catalog)
// cannot.
bool relative_to_catalog(const Calibration& c) {
  return c.efficiencies && c.efficiencies->reference_source.rfind("catalog gpu ", 0) == 0;
}

// A copy of the catalog in which `gpu` carries a probe's efficiencies and the fixed
// per-step cost is the fitted t_fixed (which already holds per-layer launch gaps).
Catalog probe_catalog(const Catalog& base, const std::string& gpu, const Precision& weights, const Calibration& c) {
  Catalog cat = base;
  for (auto& g : cat.gpus) {
    if (g.id != gpu) continue;
    // Where the probe found the catalog's figure wrong for the device (an efficiency above 1),
    // its efficiencies are relative to what it measured instead, and so is the plan.
    if (reference_bandwidth_replaced(*c.efficiencies))
      g.hbm_gb_per_s = c.efficiencies->reference_bandwidth_bytes_per_s / bytes_per_gb;
    if (reference_flops_replaced(*c.efficiencies) && !gemm_below_16bit(g, weights))
      g.bf16_tflops = c.efficiencies->reference_flops_per_s / 1e12;
    g.e_bw = c.efficiencies->e_bw;
    if (c.efficiencies->e_fl) (gemm_below_16bit(g, weights) ? g.e_fl_8 : g.e_fl_16) = *c.efficiencies->e_fl;
  }
  cat.efficiency.step_overhead_ms.value = c.efficiencies->t_fixed_s * 1e3;
  cat.efficiency.step_overhead_ms.source = c.path;
  cat.efficiency.layer_overhead_us.value = 0;
  cat.efficiency.layer_overhead_us.source = c.path;
  return cat;
}

std::string percent(double x) { return fmt::format("{:.0f}%", x * 100.0); }

std::string describe_fit(const ServingFit& f, const std::vector<std::string>& files, const Catalog& after,
                         const GpuSpec& gpu_after, const Precision& weights, double t_fixed_ms) {
  const double e_fl = gemm_efficiency(gpu_after, weights, after.efficiency);
  std::string s = fmt::format("calibrated by serving results {}: time scales memory x{:.3f}, compute x{:.3f}, fixed "
                              "x{:.3f} (e_bw {:.3f}, e_fl {:.3f}, fixed {:.2f} ms per step); fitted {}",
                              fmt::join(files, ", "), f.scales.memory, f.scales.compute, f.scales.fixed,
                              gpu_after.e_bw.value_or(after.efficiency.e_bw.value), e_fl, t_fixed_ms, fmt::join(f.fitted, ", "));
  if (!f.held.empty()) s += fmt::format("; held at the catalog's: {}", fmt::join(f.held, ", "));
  s += fmt::format("; RMS error over the measurements {} with the catalog, {} fitted", percent(f.rms_error_catalog),
                   percent(f.rms_error_fitted));
  return s;
}

}  // namespace

std::optional<PerfCalibration> CalibrationSet::apply(const Catalog& base, const CalibrationKey& key,
                                                     std::vector<std::string>* notes) const {
  const ModelArch* m = base.find_model(key.model);
  const GpuSpec* gpu = base.find_gpu(key.gpu);
  const Precision* w = base.find_precision(key.precision);
  if (!m || !gpu || !w) return std::nullopt;
  const Precision* kv = base.find_precision(w->kv_default());
  if (!kv) return std::nullopt;

  std::vector<Calibration> imports;
  std::vector<std::string> names;
  // Serving results of this deployment measured in another layout: a whole engine's times
  // (all-to-alls, expert imbalance, attention split) that do not describe this one.
  std::vector<std::string> other_layout;
  for (const auto& c : files_) {
    if (c.kind != CalibrationKind::import || !c.serving) continue;
    if (calibration_matches(c, key)) {
      imports.push_back(c);
      names.push_back(c.path);
    } else if (c.model == key.model && c.gpu == key.gpu && c.precision == key.precision &&
               c.gpus_per_replica == key.gpus_per_replica) {
      other_layout.push_back(fmt::format("{} (layout {})", c.path, to_string(c.parallel)));
    }
  }
  if (imports.empty() && !other_layout.empty() && notes)
    notes->push_back(fmt::format("serving results {} not applied: measured in another layout than this replica's {} "
                                 "({} GPU{}); a serving result applies only to the layout it was measured in",
                                 fmt::join(other_layout, ", "), to_string(key.parallel), key.gpus_per_replica,
                                 key.gpus_per_replica == 1 ? "" : "s"));
  if (!imports.empty()) {
    if (notes) {
      for (const auto& c : imports) {
        if (c.serving->model_check == ModelCheck::forced)
          notes->push_back(fmt::format("serving result {} was imported with --force: its result file is for model "
                                       "'{}', not {}",
                                       c.path, c.serving->tool_model.value_or(c.serving->tool_tokenizer.value_or("?")),
                                       key.model));
      }
    }
    ServingFit fit = fit_serving(base, *m, *gpu, *w, *kv, key.gpus_per_replica, imports, key.parallel);
    if (notes)
      for (const auto& n : fit.notes) notes->push_back(n);
    if (fit.ok) {
      PerfCalibration a{scaled_catalog(base, gpu->id, fit.scales), fmt::format("{}", fmt::join(names, ", ")), ""};
      a.note = describe_fit(fit, names, a.catalog, *a.catalog.find_gpu(gpu->id), *w,
                            fixed_step_seconds(*m, a.catalog.efficiency) * 1e3);
      return a;
    }
    if (notes) notes->push_back(fmt::format("serving results {} not applied: {}", fmt::join(names, ", "), fit.problem));
  }

  // Probe calibrations for this GPU and precision, best first: the same model (this TP,
  // else TP 1), then another model; within each the same layout first (a probe's kernels
  // run on one GPU, so its efficiencies hold in every layout), then the newest.
  auto rank = [&](const Calibration& c) {
    return (c.model == key.model ? 4 : 0) + (c.gpus_per_replica == key.gpus_per_replica ? 2 : 0) +
           (c.parallel == key.parallel ? 1 : 0);
  };
  const Calibration* best = nullptr;
  for (const auto& c : files_) {
    if (!relative_to_catalog(c) || c.gpu != key.gpu || c.precision != key.precision) continue;
    if (c.gpus_per_replica != key.gpus_per_replica && c.gpus_per_replica != 1) continue;
    if (!best || rank(c) > rank(*best) || (rank(c) == rank(*best) && c.created >= best->created)) best = &c;
  }
  if (!best) {
    if (named_ && imports.empty() && other_layout.empty() && notes)
      notes->push_back(fmt::format("no --calibration file is for {} on {} ({}, {} GPU{}, layout {}): not calibrated, sized as its throughput source says",
                                   key.model, key.gpu, key.precision, key.gpus_per_replica,
                                   key.gpus_per_replica == 1 ? "" : "s", to_string(key.parallel)));
    return std::nullopt;
  }
  const Efficiencies& e = *best->efficiencies;
  const bool same_model = best->model == key.model;
  Calibration use = *best;
  if (!same_model) {
    // The efficiencies are the device's; the fixed cost per step grows with the layer count
    // of the model that was probed, so another model keeps the catalog's.
    use.efficiencies->t_fixed_s = fixed_step_seconds(*m, base.efficiency);
  }
  PerfCalibration a{probe_catalog(base, gpu->id, *w, use), best->path, ""};
  a.note = fmt::format("calibrated by {}: e_bw {:.3f}, e_fl {}, t_fixed {:.3f} ms ({}){}{}{}", best->path, e.e_bw,
                       e.e_fl ? fmt::format("{:.3f}", *e.e_fl) : std::string("catalog default"),
                       use.efficiencies->t_fixed_s * 1e3, e.reference_source,
                       same_model ? std::string()
                                  : fmt::format("; probed with {}, so the fixed cost per step is the catalog's",
                                                best->model),
                       best->gpus_per_replica == key.gpus_per_replica ? std::string()
                                          : fmt::format("; measured at TP {}, all-reduces at TP {} from the catalog",
                                                        best->gpus_per_replica, key.gpus_per_replica),
                       best->parallel == key.parallel
                           ? std::string()
                           : fmt::format("; recorded for layout {}: per-GPU efficiencies, so applied to layout {} with "
                                         "its all-reduces and all-to-alls from the catalog",
                                         to_string(best->parallel), to_string(key.parallel)));
  return a;
}

namespace {

// The catalog model run on a calibrated copy of the catalog, which it owns.
class CalibratedReplicaModel : public ReplicaModel {
 public:
  CalibratedReplicaModel(PerfCalibration a, const Option& o, const GpuInstance& inst, const WorkloadMix& mix,
                         const std::vector<std::string>& notes)
      : cat_(std::make_unique<Catalog>(std::move(a.catalog))), inner_(*cat_, o, inst, mix), spec_(inner_.spec()) {
    spec_.provenance = ThroughputProvenance::calibrated;
    // Measured on a device: the catalog's known gap (perf::moe_catalog_over_measured_high)
    // is not claimed for it.
    spec_.capacity_doubt = 1.0;
    spec_.capacity_doubt_why.clear();
    spec_.provenance_source = a.source;
    spec_.notes.push_back(a.note);
    for (const auto& n : notes) spec_.notes.push_back(n);
  }
  const ReplicaSpec& spec() const override { return spec_; }
  void add_note(std::string n) { spec_.notes.push_back(std::move(n)); }
  std::optional<int> replicas_for(double requests_per_s) const override { return inner_.replicas_for(requests_per_s); }
  bool has_latency_model() const override { return inner_.has_latency_model(); }
  std::optional<FleetLatency> latency(double requests_per_s, int replicas) const override {
    return inner_.latency(requests_per_s, replicas);
  }
  bool serves(double requests_per_s, int replicas) const override { return inner_.serves(requests_per_s, replicas); }

 private:
  std::unique_ptr<Catalog> cat_;
  CatalogReplicaModel inner_;
  ReplicaSpec spec_;
};

// A model that keeps the catalog's figures, with notes on calibrations that matched but
// could not be used.
class NotedReplicaModel : public ReplicaModel {
 public:
  NotedReplicaModel(std::unique_ptr<ReplicaModel> inner, const std::vector<std::string>& notes)
      : inner_(std::move(inner)), spec_(inner_->spec()) {
    for (const auto& n : notes) spec_.notes.push_back(n);
  }
  const ReplicaSpec& spec() const override { return spec_; }
  std::optional<int> replicas_for(double requests_per_s) const override { return inner_->replicas_for(requests_per_s); }
  bool has_latency_model() const override { return inner_->has_latency_model(); }
  std::optional<FleetLatency> latency(double requests_per_s, int replicas) const override {
    return inner_->latency(requests_per_s, replicas);
  }
  bool serves(double requests_per_s, int replicas) const override { return inner_->serves(requests_per_s, replicas); }

 private:
  std::unique_ptr<ReplicaModel> inner_;
  ReplicaSpec spec_;
};

}  // namespace

std::unique_ptr<ReplicaModel> CalibratedReplicaModelProvider::make_in_layout(const Option& option,
                                                                             const GpuInstance& instance,
                                                                             const WorkloadMix& mix) const {
  auto model = base_.make(option, instance, mix);
  const FleetSpec* fleet = option.fleet();
  // Only what the catalog roofline or the engine terms sized (a calibration of this deployment
  // comes first); the TP chosen is part of the match.
  const bool modelled = model->spec().provenance == ThroughputProvenance::spec ||
                        model->spec().provenance == ThroughputProvenance::engine;
  if (!fleet || !modelled || !base_.catalog().find_model(fleet->model) || !model->spec().fits) return model;
  const int first = model->spec().gpus_per_replica;
  // The layout the option names, else the one the catalog chose (a dense model has only tp):
  // part of the match, like the GPU count.
  const Parallel layout = fleet->parallel.value_or(model->spec().parallel.value_or(Parallel::tp));
  const Catalog& cat = base_.catalog();
  const ModelArch* arch = cat.find_model(fleet->model);
  const GpuSpec* gpu = cat.find_gpu(instance.gpu);
  const Precision* w = cat.find_precision(fleet->precision);
  const Precision* kv =
      w ? cat.find_precision(fleet->kv_precision.empty() ? w->kv_default() : fleet->kv_precision) : nullptr;
  std::vector<std::string> first_notes;
  auto apply_at = [&](int tp, std::vector<std::string>* notes) {
    return calibrations_.apply(cat, {fleet->model, instance.gpu, fleet->precision, tp, layout}, notes);
  };
  // No calibration of the deployment chosen: it stands (with notes on files that matched but
  // could not be used).
  if (!gpu || !w || !kv || !apply_at(first, &first_notes)) {
    if (!first_notes.empty()) return std::make_unique<NotedReplicaModel>(std::move(model), first_notes);
    return model;
  }
  // From that count up (the option's count only, when it gives one), the first that the
  // calibrated model says meets the targets: choose_deployment, each count with the
  // calibration that matches it.
  DeploymentRequest req;
  req.model = arch;
  req.gpu = gpu;
  req.weights = w;
  req.kv = kv;
  req.context_tokens = mix.fit_tokens();
  req.gpus = fleet->gpus_per_replica > 0 ? first : 0;
  req.max_gpus = instance.gpu_count;
  req.min_gpus = first;
  req.layouts = {layout};
  req.moe_tp = fleet->moe_tp;
  std::map<int, std::unique_ptr<CalibratedReplicaModel>> built;
  auto score = [&](Parallel, int tp) {
    DeploymentScore sc;
    std::vector<std::string> notes;
    auto applied = apply_at(tp, &notes);
    if (!applied) {
      sc.problem = "no calibration applies";
      return sc;
    }
    Option at = option;
    at.fleet()->gpus_per_replica = tp;
    // The calibration is for this layout, so a MoE replica keeps it rather than the catalog
    // choosing again on calibrated figures (a dense model has only tp).
    if (!at.fleet()->parallel && arch->is_moe()) at.fleet()->parallel = layout;
    auto cal = std::make_unique<CalibratedReplicaModel>(std::move(*applied), at, instance, mix, notes);
    sc.meets = cal->spec().feasible;
    sc.capacity_rps = cal->spec().capacity_requests_per_s;
    if (!sc.meets) sc.problem = cal->spec().reasons.empty() ? "misses the latency targets" : cal->spec().reasons[0];
    built[tp] = std::move(cal);
    return sc;
  };
  const DeploymentChoice choice = choose_deployment(cat, req, score);
  if (const LayoutChoice* c = choice.chosen(); c && c->meets && built.count(c->gpus)) {
    auto cal = std::move(built[c->gpus]);
    if (c->gpus != first)
      cal->add_note(fmt::format("TP {} chosen: with the calibration, TP {} misses the latency targets", c->gpus, first));
    return cal;
  }
  // None meets them: the calibrated model of the smallest count, with its reasons.
  if (!built.empty()) return std::move(built.begin()->second);
  if (!first_notes.empty()) return std::make_unique<NotedReplicaModel>(std::move(model), first_notes);
  return model;
}

namespace {
double per_gpu(const ReplicaSpec& s) { return s.capacity_requests_per_s / std::max(1, s.gpus_per_replica); }

std::string deployment(const ReplicaSpec& s) {
  return fmt::format("{} on {} GPUs", to_string(s.parallel.value_or(Parallel::tp)), s.gpus_per_replica);
}
std::string deployment(Parallel layout, int gpus) { return fmt::format("{} on {} GPUs", to_string(layout), gpus); }

// Which model chose a deployment: a calibration, the engine terms or the catalog roofline.
std::string choice_of(const ReplicaSpec& s) {
  return s.provenance == ThroughputProvenance::calibrated ? "the calibrated choice"
         : s.provenance == ThroughputProvenance::engine   ? "chosen on the engine terms"
                                                          : "chosen on the catalog roofline";
}

// What sized a deployment chosen without a measurement, and whose figures it has.
std::string unmeasured(const ReplicaSpec& s) {
  return s.provenance == ThroughputProvenance::engine
             ? fmt::format("{}, {}, has no measurement here ({:.2f} requests/s per GPU from the engine terms)",
                           deployment(s), choice_of(s), per_gpu(s))
             : fmt::format("{}, {}, has no measurement here ({:.2f} requests/s per GPU from catalog figures)",
                           deployment(s), choice_of(s), per_gpu(s));
}
}  // namespace

std::unique_ptr<ReplicaModel> CalibratedReplicaModelProvider::make(const Option& option, const GpuInstance& instance,
                                                                   const WorkloadMix& mix) const {
  auto chosen = make_in_layout(option, instance, mix);
  const FleetSpec* fleet = option.fleet();
  const Catalog& cat = base_.catalog();
  const ModelArch* arch = fleet ? cat.find_model(fleet->model) : nullptr;
  // Only a mixture of experts whose layout the option leaves open, sized by the catalog.
  if (!arch || !arch->is_moe() || fleet->parallel || !chosen->spec().fits ||
      chosen->spec().provenance == ThroughputProvenance::override)
    return chosen;
  const GpuSpec* gpu = cat.find_gpu(instance.gpu);
  const Precision* w = cat.find_precision(fleet->precision);
  const Precision* kv =
      w ? cat.find_precision(fleet->kv_precision.empty() ? w->kv_default() : fleet->kv_precision) : nullptr;
  if (!gpu || !w || !kv) return chosen;
  const ReplicaSpec& was = chosen->spec();
  const Parallel was_layout = was.parallel.value_or(Parallel::tp);
  const bool was_measured = was.provenance == ThroughputProvenance::calibrated;
  // Serving results measured in another deployment of this model, GPU and precision: a
  // measured deployment is preferred to one sized without a measurement (the catalog's MoE
  // figures run high, docs/performance-model.md). The candidates are those deployments, and
  // the one chosen when it is calibrated; choose_deployment picks among them as it picks any
  // deployment (per layout the smallest count that meets the targets, then the layout with
  // the most requests/s per GPU), within the instance and the option's GPU count if given.
  std::map<std::pair<Parallel, int>, std::string> measured;  // deployment -> the first file measured on it
  for (const Calibration& c : calibrations_.files())
    if (c.serving && c.model == fleet->model && c.gpu == instance.gpu && c.precision == fleet->precision &&
        !(c.gpus_per_replica == was.gpus_per_replica && c.parallel == was_layout))
      measured.emplace(std::make_pair(c.parallel, c.gpus_per_replica), c.path);
  if (measured.empty()) return chosen;
  DeploymentRequest req;
  req.model = arch;
  req.gpu = gpu;
  req.weights = w;
  req.kv = kv;
  req.context_tokens = mix.fit_tokens();
  req.gpus = fleet->gpus_per_replica;
  req.max_gpus = instance.gpu_count;
  req.moe_tp = fleet->moe_tp;
  std::set<int> counts;
  std::set<Parallel> layouts;
  for (const auto& [d, file] : measured) {
    layouts.insert(d.first);
    counts.insert(d.second);
  }
  if (was_measured) {
    layouts.insert(was_layout);
    counts.insert(was.gpus_per_replica);
  }
  for (Parallel p : parallel_layouts)
    if (layouts.count(p)) req.layouts.push_back(p);
  req.counts.assign(counts.begin(), counts.end());
  std::map<std::pair<Parallel, int>, std::unique_ptr<ReplicaModel>> built;
  auto score = [&](Parallel layout, int g) {
    DeploymentScore sc;
    if (was_measured && layout == was_layout && g == was.gpus_per_replica) {
      sc.meets = was.feasible;
      sc.capacity_rps = was.capacity_requests_per_s;
      if (!sc.meets) sc.problem = was.reasons.empty() ? "misses the latency targets" : was.reasons.front();
      return sc;
    }
    if (!measured.count({layout, g})) {
      sc.problem = fmt::format("no serving results measured for {}", deployment(layout, g));
      return sc;
    }
    Option at = option;
    at.fleet()->gpus_per_replica = g;
    at.fleet()->parallel = layout;
    auto candidate = make_in_layout(at, instance, mix);
    sc.meets = candidate->spec().provenance == ThroughputProvenance::calibrated && candidate->spec().feasible;
    sc.capacity_rps = candidate->spec().capacity_requests_per_s;
    if (!sc.meets) sc.problem = "the serving results do not size it within the targets";
    built[{layout, g}] = std::move(candidate);
    return sc;
  };
  const DeploymentChoice choice = choose_deployment(cat, req, score);
  const LayoutChoice* pick = choice.chosen();
  if (!pick || !pick->meets) return chosen;
  if (was_measured && pick->layout == was_layout && pick->gpus == was.gpus_per_replica) {
    // The calibrated choice serves the most per GPU: kept, with the best of the others.
    const LayoutChoice* other = nullptr;
    for (const auto& c : choice.layouts)
      if (&c != pick && c.meets && measured.count({c.layout, c.gpus}) &&
          (!other || c.capacity_per_gpu() > other->capacity_per_gpu()))
        other = &c;
    if (!other) return chosen;
    return std::make_unique<NotedReplicaModel>(
        std::move(chosen), std::vector<std::string>{fmt::format(
                               "{} kept: the serving results {} ({}) give {:.2f} requests/s per GPU, below its {:.2f}",
                               deployment(was), measured.at({other->layout, other->gpus}),
                               deployment(other->layout, other->gpus), other->capacity_per_gpu(), per_gpu(was))});
  }
  auto best = std::move(built.at({pick->layout, pick->gpus}));
  const std::string why = !was.feasible ? fmt::format("{}, {}, is not feasible", deployment(was), choice_of(was))
                          : was_measured
                              ? fmt::format("{} gives {:.2f} requests/s per GPU, calibrated", deployment(was), per_gpu(was))
                              : unmeasured(was);
  return std::make_unique<NotedReplicaModel>(
      std::move(best), std::vector<std::string>{fmt::format(
                           "layout {} chosen: measured by the serving results {} ({:.2f} requests/s per GPU). {}",
                           deployment(pick->layout, pick->gpus), measured.at({pick->layout, pick->gpus}),
                           pick->capacity_per_gpu(), why)});
}

std::vector<std::string> CalibratedReplicaModelProvider::findings() const {
  std::vector<std::string> out;
  for (const auto& [path, why] : calibrations_.skipped())
    out.push_back(fmt::format("calibration file {} skipped: {} (plan calibrate list shows it as invalid; nothing "
                              "is sized by it)",
                              path, why));
  return out;
}

}  // namespace plan::perf
