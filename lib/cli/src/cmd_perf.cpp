// plan perf: what one replica of a model does on a GPU type, from the engine terms or the
// catalog roofline.
// The run is perf::run_perf (lib/core), the rendering report::render_perf_* (lib/report).
#include <cstdlib>
#include <fmt/format.h>
#include <optional>

#include "common.hpp"
#include "plan/core/serving/perf_run.hpp"
#include "plan/core/serving/disagg.hpp"
#include "plan/core/serving/engine_fit.hpp"
#include "plan/io/catalog_loader.hpp"
#include "plan/io/hf_config.hpp"
#include "plan/io/measured_io.hpp"
#include <filesystem>
#include "plan/report/disagg_report.hpp"
#include "plan/report/perf_report.hpp"
#include "plan/report/table.hpp"

namespace plan::cli {
namespace {

struct PerfOptions {
  std::string model;
  std::string gpu;
  std::string precision = "bf16";
  std::string kv_precision;
  int tp = 0;    // --tp; 0: smallest that fits
  int gpus = 0;  // --gpus; 0: smallest that fits
  int moe_tp = 1;  // --moe-tp
  std::string parallel;  // empty: the layout with most throughput per GPU
  double input_tokens = 0;
  double output_tokens = 0;
  std::string concurrency;  // N or "max"; default 1 when no --rate
  std::optional<double> rate;
  std::string engine;  // empty: vllm, the default
  std::optional<int> max_batch_seqs;  // --max-batch-seqs; none: the engine's default
  std::string format = "table";
  std::string out;
  // Disaggregated serving: each pool's workers, GPUs per worker and layout (0 / empty: not given).
  std::string serving;  // empty or aggregated: one replica; disaggregated: two pools
  int prefill_workers = 0, prefill_gpus = 0, decode_workers = 0, decode_gpus = 0;
  std::string prefill_parallel, decode_parallel;
};

// The pools of `plan perf --serving disaggregated`, with a usage error for every flag that
// does not belong or is missing.
perf::DisaggRequest disagg_request_of(const PerfOptions& o, const perf::PerfRunRequest& q) {
  auto usage = [](std::string why) { return Error(std::move(why), ExitCode::usage_error); };
  if (o.tp != 0 || o.gpus != 0)
    throw usage("--gpus/--tp size one replica (expected --prefill-gpus and --decode-gpus with --serving disaggregated)");
  if (o.max_batch_seqs)
    throw usage("--max-batch-seqs bounds one replica's batch (expected none with --serving disaggregated, whose decode "
                "workers run what their KV cache holds)");
  if (!o.parallel.empty())
    throw usage("--parallel sets one replica's layout (expected --prefill-parallel and --decode-parallel with "
                "--serving disaggregated)");
  if (o.moe_tp != 1) throw usage("--moe-tp is not available with --serving disaggregated (expected 1)");
  if (o.rate || o.concurrency == "max")
    throw usage("--serving disaggregated runs a closed loop (expected --concurrency N, not --rate or max)");
  if (o.prefill_gpus == 0 || o.decode_gpus == 0)
    throw usage("--serving disaggregated needs --prefill-gpus and --decode-gpus (GPUs per worker of each pool)");
  perf::DisaggRequest d;
  d.model = q.model;
  d.gpu = q.gpu;
  d.precision = q.precision;
  d.kv_precision = q.kv_precision;
  d.engine = q.engine.engine;
  d.input_tokens = q.input_tokens;
  d.output_tokens = q.output_tokens;
  d.concurrency = q.concurrency;
  auto pool = [&](const char* name, int workers, int gpus, const std::string& layout) {
    perf::PoolSpec p;
    p.workers = workers == 0 ? 1 : workers;
    if (p.workers < 1 || p.workers > 100000)
      throw usage(fmt::format("--{}-workers {} is not a count (expected 1 to 100000)", name, workers));
    p.gpus = gpus;
    if (gpus < 1 || gpus > perf::max_replica_gpus)
      throw usage(fmt::format("--{}-gpus {} is not a GPU count (expected 1 to {})", name, gpus, perf::max_replica_gpus));
    if (!layout.empty()) {
      const auto l = parse_parallel(layout);
      if (!l) throw usage(fmt::format("--{}-parallel '{}' is not a layout (expected tp, ep or dep)", name, layout));
      p.layout = *l;
    }
    return p;
  };
  d.prefill = pool("prefill", o.prefill_workers, o.prefill_gpus, o.prefill_parallel);
  d.decode = pool("decode", o.decode_workers, o.decode_gpus, o.decode_parallel);
  return d;
}

bool disagg_flags_given(const PerfOptions& o) {
  return o.prefill_workers != 0 || o.prefill_gpus != 0 || o.decode_workers != 0 || o.decode_gpus != 0 ||
         !o.prefill_parallel.empty() || !o.decode_parallel.empty();
}

perf::PerfRunRequest request_of(const PerfOptions& o) {
  perf::PerfRunRequest q;
  q.model = o.model;
  q.gpu = o.gpu;
  q.precision = o.precision;
  q.kv_precision = o.kv_precision;
  if (o.tp != 0 && o.gpus != 0 && o.tp != o.gpus)
    throw Error(fmt::format("--tp {} and --gpus {} differ (expected one GPU count per replica)", o.tp, o.gpus),
                ExitCode::usage_error);
  q.gpus_per_replica = o.gpus != 0 ? o.gpus : o.tp;
  q.moe_tp = o.moe_tp;
  if (!o.parallel.empty()) {
    q.parallel = parse_parallel(o.parallel);
    if (!q.parallel)
      throw Error(fmt::format("--parallel '{}' is not a layout (expected tp, ep or dep)", o.parallel),
                  ExitCode::usage_error);
  }
  if (!o.engine.empty()) {
    auto e = perf::parse_engine_choice(o.engine);
    if (!e)
      throw Error(fmt::format("--engine '{}' is not an engine (expected {}, optionally with a version: sglang@0.5.10)",
                              o.engine, perf::engine_names),
                  ExitCode::usage_error);
    q.engine = *e;
  }
  // The limit the server was started with, in place of the engine's default.
  if (o.max_batch_seqs) {
    if (*o.max_batch_seqs < 1 || *o.max_batch_seqs > 1'000'000)
      throw Error(fmt::format("--max-batch-seqs {} (expected a count of sequences from 1 to 1000000)",
                              *o.max_batch_seqs),
                  ExitCode::usage_error);
    q.engine.max_batch_seqs = *o.max_batch_seqs;
  }
  q.input_tokens = o.input_tokens;
  q.output_tokens = o.output_tokens;
  if (o.rate && !o.concurrency.empty())
    throw Error("--rate and --concurrency both given (expected one: an open-loop rate or a closed-loop concurrency)",
                ExitCode::usage_error);
  if (o.concurrency == "max") {
    q.mode = perf::PerfRunMode::max;
  } else if (!o.concurrency.empty()) {
    char* end = nullptr;
    long v = std::strtol(o.concurrency.c_str(), &end, 10);
    if (!end || *end != '\0' || v < 1 || v > 1'000'000)
      throw Error(fmt::format("--concurrency '{}' is not a count (expected an integer from 1 to 1000000, or max)",
                              o.concurrency),
                  ExitCode::usage_error);
    q.concurrency = static_cast<int>(v);
  }
  if (o.rate) {
    q.mode = perf::PerfRunMode::rate;
    q.rate_rps = *o.rate;
  }
  return q;
}

}  // namespace

void setup_perf(CLI::App& app, Registry& reg) {
  auto opt = std::make_shared<PerfOptions>();
  auto* sub = app.add_subcommand("perf", "Throughput and latency of one replica of a model on a GPU type, from the "
                                         "engine terms fitted to measured runs where they cover it, else the catalog "
                                         "roofline (calib/catalog.yaml), calibrated by a calibration file when one matches");
  sub->add_option("--model", opt->model,
                  "Catalog model id, e.g. llama-3.1-8b, or hf:PATH/config.json (a Hugging Face config, read by its "
                  "fields; its quantization_config sets the precision unless --precision is given)")
      ->required();
  sub->add_option("--gpu", opt->gpu, "Catalog GPU id, e.g. h100-sxm")->required();
  auto* precision = sub->add_option("--precision", opt->precision,
                                    "Weights precision: bf16, fp16, fp8, int8, int4, mxfp4, nvfp4")
                         ->capture_default_str();
  sub->add_option("--kv-precision", opt->kv_precision, "KV-cache precision (default: the weights precision's default)");
  sub->add_option("--gpus", opt->gpus, "GPUs per replica: any count the layout allows, up to 1024; past the GPU's scale-up domain "
                  "(8, or 72 on an NVL72) over the catalog's inter-node link (default: the smallest power of two, or "
                  "the whole domain, that fits)");
  sub->add_option("--tp", opt->tp, "Same as --gpus (the tensor-parallel degree of layout tp)");
  sub->add_option("--moe-tp", opt->moe_tp,
                  "Layouts ep and dep: GPUs each routed expert is sliced over (moe_tp x moe_ep = --gpus; default 1, "
                  "experts split whole over every GPU)");
  sub->add_option("--parallel", opt->parallel,
                  "Layout of the replica's GPUs: tp (tensor parallel), ep (experts split, attention tensor parallel), "
                  "dep (experts split, attention data parallel); default: the one with most requests/s per GPU");
  sub->add_option("--input", opt->input_tokens, "Input tokens per request")->required();
  sub->add_option("--output", opt->output_tokens, "Output tokens per request")->required();
  sub->add_option("--concurrency", opt->concurrency,
                  "Concurrent requests (closed loop), or 'max' for offline saturation (default 1)");
  sub->add_option("--rate", opt->rate, "Open-loop arrival rate, requests/s (Poisson), on one replica");
  sub->add_option("--engine", opt->engine,
                  "Serving engine: vllm, sglang or trtllm, optionally with a version (sglang@0.5.10); default vllm. "
                  "Its terms fitted to measured runs (calib/engine_terms.json) size the replica where they cover it, "
                  "the catalog roofline beside them");
  sub->add_option("--max-batch-seqs", opt->max_batch_seqs,
                  "The most sequences one scheduler runs at once, as the engine was started with it (vLLM's "
                  "--max-num-seqs, SGLang's --max-running-requests, TensorRT-LLM's --max_batch_size); per "
                  "attention-DP rank under dep. Default: the engine's own default (vLLM 1024 on a GPU of 70 GiB or "
                  "more other than A100, else 256; SGLang and TensorRT-LLM 2048)");
  sub->add_option("--serving", opt->serving,
                  "aggregated (one replica serves prefill and decode; the default) or disaggregated (a prefill pool "
                  "and a decode pool, the KV cache moved between them; give each pool's --*-workers, --*-gpus and "
                  "--*-parallel, and --concurrency across the whole deployment)")
      ->check(CLI::IsMember({"aggregated", "disaggregated"}));
  sub->add_option("--prefill-workers", opt->prefill_workers, "Disaggregated: prefill workers (default 1)");
  sub->add_option("--prefill-gpus", opt->prefill_gpus, "Disaggregated: GPUs per prefill worker");
  sub->add_option("--prefill-parallel", opt->prefill_parallel, "Disaggregated: prefill workers' layout, tp, ep or dep "
                                                               "(default tp)");
  sub->add_option("--decode-workers", opt->decode_workers, "Disaggregated: decode workers (default 1)");
  sub->add_option("--decode-gpus", opt->decode_gpus, "Disaggregated: GPUs per decode worker");
  sub->add_option("--decode-parallel", opt->decode_parallel, "Disaggregated: decode workers' layout, tp, ep or dep "
                                                             "(default tp)");
  add_format_option(*sub, opt->format, {"table", "json"});
  sub->add_option("-o,--output-file", opt->out, "Write to FILE atomically instead of standard output");
  reg.add(sub, [opt, precision, &g = reg.globals]() {
    if (opt->serving != "disaggregated" && disagg_flags_given(*opt))
      throw Error("--prefill-* and --decode-* size the pools of disaggregated serving (expected --serving "
                  "disaggregated)",
                  ExitCode::usage_error);
    perf::PerfRunRequest q = request_of(*opt);
    if (opt->serving == "disaggregated") {
      if (opt->model.rfind("hf:", 0) == 0)
        throw Error("--model hf:PATH is not available with --serving disaggregated (expected a catalog model id)",
                    ExitCode::usage_error);
      const perf::DisaggRequest d = disagg_request_of(*opt, q);
      const Catalog cat = load_full_catalog(g);
      const std::string path = g.calib_dir() + "/engine_terms.json";
      std::optional<perf::EngineTerms> terms;
      if (std::filesystem::exists(path)) terms = io::read_engine_terms(path);
      // The disaggregated term (a decode worker's step against the engine terms'), committed
      // beside the engine terms (docs/performance-model.md, "Disaggregated prefill and decode").
      const std::vector<perf::DisaggTerms> dterms = terms ? terms->disagg : std::vector<perf::DisaggTerms>{};
      const perf::DisaggResult r = perf::run_disagg(cat, terms ? &terms->sets : nullptr, d, &dterms);
      const std::string engine = perf::describe(q.engine);
      emit(opt->format == "json" ? report::render_disagg_json(d, r, engine)
                                 : report::fit_lines(report::render_disagg_table(d, r, engine)),
           opt->out);
      return 0;
    }
    // hf:PATH (relative to the working directory): the config's architecture joins the catalog
    // under that id, as `model: hf:PATH` does in a profile.
    std::vector<ModelArch> extra;
    if (opt->model.rfind("hf:", 0) == 0) {
      const std::string path = opt->model.substr(3);
      if (path.empty())
        throw Error("--model 'hf:' names no file (expected hf:PATH/config.json)", ExitCode::usage_error);
      const io::HfModel hf = io::load_hf_config(path, opt->model);
      extra.push_back(hf.arch);
      if (precision->count() == 0) q.precision = hf.precision;
    }
    Catalog cat = load_full_catalog(g, extra);
    const perf::CalibrationSet cal = load_calibrations(g);
    auto lookup = [&cal, &cat](const std::string& model, const std::string& gpu, const std::string& weights, int gpus,
                               Parallel layout, std::vector<std::string>* notes) {
      return cal.apply(cat, {model, gpu, weights, gpus, layout}, notes);
    };
    // The engine terms size the run where they cover it, as they size fleets.
    const EngineTermsFile terms = load_engine_terms(g, cat);
    perf::PerfRunResult r = perf::run_perf(cat, q, lookup, terms.terms.get(), terms.coverage.get());
    if (!terms.terms && r.fits) r.engine_terms_source = "none (calib/engine_terms.json is not in the data directory)";
    for (const auto& [path, why] : cal.skipped())
      r.notes.push_back(fmt::format("calibration file {} skipped: {} (plan calibrate list shows it as invalid)", path, why));
    emit(opt->format == "json" ? report::render_perf_json(r) : report::fit_lines(report::render_perf_table(r)), opt->out);
    return 0;
  });
}

}  // namespace plan::cli
