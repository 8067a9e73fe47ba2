#pragma once
// Bookkeeping both calibration probes share (lib/probe for the CPU, calib/probe for CUDA):
// checking the configuration, choosing the layers to run, turning timings into decode
// points. The measuring itself is each probe's own.
#include <vector>

#include "plan/core/serving/calibration.hpp"

namespace plan {

// Checks what every backend needs of a ProbeConfig: a valid shape, batch sizes from 1 to
// `max_batch`, context, prefill tokens and repeats of at least 1. Throws plan::Error.
void check_probe_config(const ProbeConfig& cfg, int max_batch);

// Layers a probe runs: those asked for (all when cfg.layers_run is 0), at most `fit`, the
// number that fits in memory (at least 1). Records the count in `r` (whose `layers` is
// set), with a note when it is not the whole model: times are then scaled up to it.
int choose_layers_run(const ProbeConfig& cfg, int fit, ProbeResult& r);

// Median of timed repeats (the mean of the middle two for an even count).
double median(std::vector<double> v);

// One decode point from the timed repeats of the layers run and of the head. Layer times are
// multiplied by `scale` (layers / layers_run); bytes and FLOPs are those of the whole
// model's step with weights and KV cache at `bytes_per_element`.
DecodePoint decode_point(const TransformerShape& s, int batch, int context, double bytes_per_element,
                         std::vector<double> layer_s, std::vector<double> head_s, double scale);

}  // namespace plan
