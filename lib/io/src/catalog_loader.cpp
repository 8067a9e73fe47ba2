// Reads calib/catalog.yaml. The format is described at the top of that file and in
// docs/performance-model.md.
#include "plan/io/catalog_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <set>

#include "entries.hpp"
#include "yaml_strict.hpp"

namespace plan::io {
namespace {

constexpr int max_count = 1'000'000;   // layers, widths, heads, vocab
constexpr double max_params = 1e14;
constexpr double max_figure = 1e7;     // GiB, GB/s, TFLOPS

void check_source(const Catalog& c, Map& m, const std::string& id) {
  auto it = std::find_if(c.sources.begin(), c.sources.end(), [&](const Source& s) { return s.id == id; });
  if (it == c.sources.end())
    throw Error(m.key_loc("source"), fmt::format("source '{}' of {} is not listed under 'sources'", id, m.what()));
}

ModelArch read_model(const Catalog& c, Map& m) {
  ModelArch a;
  a.id = m.str("id");
  a.name = m.opt_str("name").value_or(a.id);
  a.layers = m.integer("layers", 1, max_count);
  a.hidden = m.integer("hidden", 1, max_count);
  a.heads = m.integer("heads", 1, max_count);
  a.kv_heads = m.integer("kv_heads", 1, max_count);
  a.head_dim = m.integer("head_dim", 1, max_count);
  a.ffn = m.integer("ffn", 1, max_count);
  a.vocab = m.integer("vocab", 1, max_count);
  a.params_total = m.num("params_total", Range::positive(max_params));
  a.params_active = m.num("params_active", Range::positive(max_params));
  a.max_context = m.num("max_context", Range::positive(1e9));
  a.experts = m.opt_integer("experts", 1, 4096).value_or(0);
  a.top_k = m.opt_integer("top_k", 1, 4096).value_or(0);
  a.moe_ffn = m.opt_integer("moe_ffn", 1, max_count).value_or(0);
  a.shared_experts = m.opt_integer("shared_experts", 1, 4096).value_or(0);
  a.dense_layers = m.opt_integer("dense_layers", 0, max_count).value_or(0);
  a.moe_every = m.opt_integer("moe_every", 1, max_count).value_or(1);
  a.tied_embeddings = m.opt_bool("tied_embeddings").value_or(false);
  const std::string attention = m.opt_str("attention").value_or("gqa");
  if (attention == "mla") {
    a.attention = AttentionKind::mla;
    a.kv_lora_rank = m.integer("kv_lora_rank", 1, max_count);
    a.qk_rope_head_dim = m.integer("qk_rope_head_dim", 1, max_count);
    a.qk_nope_head_dim = m.integer("qk_nope_head_dim", 1, max_count);
    a.v_head_dim = m.integer("v_head_dim", 1, max_count);
  } else if (attention != "gqa") {
    throw Error(m.key_loc("attention"), fmt::format("{} has attention '{}' (expected gqa or mla)", m.what(), attention));
  }
  a.sliding_window = m.opt_integer("sliding_window", 1, 1'000'000'000).value_or(0);
  a.local_layers = m.opt_integer("local_layers", 0, max_count).value_or(0);
  a.attention_sinks = m.opt_bool("attention_sinks").value_or(false);
  a.linear_layers = m.opt_integer("linear_layers", 1, max_count).value_or(0);
  if (a.linear_layers > 0) {
    a.linear_key_heads = m.integer("linear_key_heads", 1, max_count);
    a.linear_value_heads = m.integer("linear_value_heads", 1, max_count);
    a.linear_key_head_dim = m.integer("linear_key_head_dim", 1, max_count);
    a.linear_value_head_dim = m.integer("linear_value_head_dim", 1, max_count);
    a.linear_conv_kernel = m.integer("linear_conv_kernel", 1, max_count);
  }
  a.index_topk = m.opt_integer("index_topk", 1, 1'000'000'000).value_or(0);
  if (a.index_topk > 0) {
    a.index_heads = m.integer("index_heads", 1, max_count);
    a.index_head_dim = m.integer("index_head_dim", 1, max_count);
    a.index_layers = m.opt_integer("index_layers", 1, a.layers).value_or(0);
  }
  a.mtp_layers = m.opt_integer("mtp_layers", 1, max_count).value_or(0);
  if (a.mtp_layers > 0) a.params_mtp = m.num("params_mtp", Range::positive(max_params));
  a.hf_ids = m.opt_str_list("hf_ids");
  a.source = m.str("source");
  check_source(c, m, a.source);
  a.line = m.loc().line;
  if (a.params_active > a.params_total)
    throw Error(m.key_loc("params_active"), fmt::format("{} has params_active {:g} above params_total {:g} (expected "
                                                        "at most params_total)", m.what(), a.params_active, a.params_total));
  if (a.heads % a.kv_heads != 0)
    throw Error(m.key_loc("kv_heads"), fmt::format("{} has {} heads, not a multiple of its {} kv_heads (expected "
                                                   "grouped-query attention)", m.what(), a.heads, a.kv_heads));
  if ((a.experts > 0) != (a.top_k > 0))
    throw Error(m.loc(), fmt::format("{} has only one of experts and top_k (expected both for a mixture of experts, "
                                     "or neither)", m.what()));
  if ((a.sliding_window > 0) != (a.local_layers > 0))
    throw Error(m.loc(), fmt::format("{} has only one of sliding_window and local_layers (expected both for "
                                     "sliding-window attention, or neither)", m.what()));
  if (a.local_layers + a.linear_layers >= a.layers && a.linear_layers > 0)
    throw Error(m.key_loc("linear_layers"), fmt::format("{} has linear_layers {} and local_layers {}, leaving none of "
                                                        "its {} layers with full attention", m.what(),
                                                        a.linear_layers, a.local_layers, a.layers));
  if (a.local_layers > a.layers)
    throw Error(m.key_loc("local_layers"), fmt::format("{} has local_layers {} above its {} layers", m.what(),
                                                       a.local_layers, a.layers));
  if (!a.is_moe() && (a.moe_ffn || a.shared_experts || a.dense_layers || a.moe_every != 1))
    throw Error(m.loc(), fmt::format("{} sets moe_ffn, shared_experts, dense_layers or moe_every without experts "
                                     "(expected them only on a mixture of experts)", m.what()));
  if (a.is_moe() && a.moe_layers() < 1)
    throw Error(m.key_loc("dense_layers"), fmt::format("{} has no MoE layer after dense_layers {} with moe_every {} "
                                                       "(expected fewer dense layers than its {} layers)",
                                                       m.what(), a.dense_layers, a.moe_every, a.layers));
  if (a.top_k > a.experts)
    throw Error(m.key_loc("top_k"), fmt::format("{} routes to top_k {} of {} experts (expected top_k <= experts)",
                                                m.what(), a.top_k, a.experts));
  return a;
}

GpuSpec read_gpu(const Catalog& c, Map& m) {
  GpuSpec g;
  g.id = m.str("id");
  g.name = m.opt_str("name").value_or(g.id);
  const std::string device = m.opt_str("device").value_or("gpu");
  if (device != "gpu" && device != "cpu")
    throw Error(m.key_loc("device"), fmt::format("{} has device '{}' (expected gpu or cpu)", m.what(), device));
  g.device = device == "cpu" ? DeviceKind::cpu : DeviceKind::gpu;
  g.memory_gib = m.num("memory_gib", Range::positive(max_figure));
  g.hbm_gb_per_s = m.num("hbm_gb_per_s", Range::positive(max_figure));
  g.bf16_tflops = m.num("bf16_tflops", Range::positive(max_figure));
  g.fp8_tflops = m.opt_num("fp8_tflops", Range::positive(max_figure));
  g.int8_tops = m.opt_num("int8_tops", Range::positive(max_figure));
  g.fp4_tflops = m.opt_num("fp4_tflops", Range::positive(max_figure));
  g.fp6_tflops = m.opt_num("fp6_tflops", Range::positive(max_figure));
  g.vendor = m.opt_str("vendor").value_or("");
  if (!g.vendor.empty() && g.vendor != "nvidia" && g.vendor != "amd" && g.vendor != "intel" && g.vendor != "other")
    throw Error(m.key_loc("vendor"), fmt::format("{} has vendor '{}' (expected nvidia, amd, intel or other)", m.what(),
                                                 g.vendor));
  g.interconnect = m.str("interconnect");
  if (g.interconnect != "nvlink" && g.interconnect != "pcie" && g.interconnect != "infinity-fabric")
    throw Error(m.key_loc("interconnect"), fmt::format("{} has interconnect '{}' (expected nvlink, pcie or "
                                                       "infinity-fabric)", m.what(), g.interconnect));
  g.interconnect_gb_per_s = m.num("interconnect_gb_per_s", Range::positive(max_figure));
  g.scaleup_gpus = m.opt_integer("scaleup_gpus", 1, 4096).value_or(8);
  g.scaleout_gb_per_s = m.opt_num("scaleout_gb_per_s", Range::positive(max_figure));
  g.e_bw = m.opt_num("e_bw", {0, 1, true});
  g.e_fl_16 = m.opt_num("e_fl_16", {0, 1, true});
  g.e_fl_8 = m.opt_num("e_fl_8", {0, 1, true});
  g.source = m.str("source");
  g.note = m.opt_str("note").value_or("");
  check_source(c, m, g.source);
  g.line = m.loc().line;
  return g;
}

Precision read_precision(Map& m) {
  Precision p;
  p.id = m.str("id");
  p.bytes = m.num("bytes", Range::positive(16));
  p.compute = m.str("compute");
  if (p.compute != "bf16" && p.compute != "fp8" && p.compute != "int8" && p.compute != "fp4" && p.compute != "fp6")
    throw Error(m.key_loc("compute"), fmt::format("{} computes in '{}' (expected bf16, fp8, int8, fp6 or fp4)",
                                                  m.what(), p.compute));
  p.native_only = m.opt_bool("native_only").value_or(false);
  p.vendor = m.opt_str("vendor").value_or("");
  if (!p.vendor.empty() && p.vendor != "nvidia" && p.vendor != "amd" && p.vendor != "intel")
    throw Error(m.key_loc("vendor"), fmt::format("{} has vendor '{}' (expected nvidia, amd or intel)", m.what(),
                                                 p.vendor));
  p.non_expert_bytes = m.opt_num("non_expert_bytes", Range::positive(16));
  p.default_kv = m.opt_str("default_kv").value_or(p.id);
  p.line = m.loc().line;
  return p;
}

CatalogValue read_value(const Catalog& c, Map& eff, const char* key, Range r) {
  Map m(eff.file(), eff.node(key), fmt::format("efficiency '{}'", key));
  CatalogValue v;
  v.value = m.num("value", r);
  v.source = m.str("source");
  check_source(c, m, v.source);
  v.note = m.str("note");
  v.line = m.loc().line;
  m.finish();
  return v;
}

// Models, GPUs and precisions are read alike: the id first, so that every later message names
// the entry, then the entry itself, whose id must be new.
template <typename T, typename Read>
void read_entries(Map& top, const char* key, const char* what, std::vector<T>& out, Read read,
                  std::set<std::string> ids = {}) {
  top.seq(key, [&](const Node& n, std::size_t i) {
    Map first(top.file(), n, fmt::format("{} {}", what, i + 1));
    Map m(top.file(), n, fmt::format("{} '{}'", what, first.str("id")));
    T item = read(m);
    check_unique(ids, item, m, what);
    m.finish();
    out.push_back(std::move(item));
  });
}

}  // namespace

bool is_data_dir_catalog(const std::string& path) {
  const std::string name = shipped_catalog_file;
  return path == name ||
         (path.size() > name.size() && path.compare(path.size() - name.size(), name.size(), name) == 0 &&
          path[path.size() - name.size() - 1] == '/');
}

Catalog parse_catalog(const std::string& file, const std::string& text) {
  Document doc = parse_document(file, text);
  Map top(file, doc.root, "catalog");
  Catalog c;
  c.path = file;
  read_sources(file, top, c.sources);
  read_entries(top, "models", "model", c.models, [&](Map& m) { return read_model(c, m); });
  read_entries(top, "gpus", "gpu", c.gpus, [&](Map& m) { return read_gpu(c, m); });
  read_entries(top, "precisions", "precision", c.precisions, read_precision);
  for (const auto& p : c.precisions) {
    if (!c.find_precision(p.default_kv))
      throw Error(SourceLoc{file, p.line, 0}, fmt::format("precision '{}' has default_kv '{}', which is not a listed "
                                                          "precision", p.id, p.default_kv));
  }
  {
    Map e(file, top.node("efficiency"), "efficiency");
    Efficiency& f = c.efficiency;
    const Range share{0, 1, true};
    f.e_bw = read_value(c, e, "e_bw", share);
    f.e_fl_16 = read_value(c, e, "e_fl_16", share);
    f.e_fl_8 = read_value(c, e, "e_fl_8", share);
    f.step_overhead_ms = read_value(c, e, "step_overhead_ms", Range::non_negative(1000));
    f.layer_overhead_us = read_value(c, e, "layer_overhead_us", Range::non_negative(1e5));
    f.allreduce_base_us = read_value(c, e, "allreduce_base_us", Range::non_negative(1e5));
    f.allreduce_hop_us = read_value(c, e, "allreduce_hop_us", Range::non_negative(1e5));
    f.link_efficiency = read_value(c, e, "link_efficiency", share);
    f.mem_utilization = read_value(c, e, "mem_utilization", share);
    f.overhead_gib_per_gpu = read_value(c, e, "overhead_gib_per_gpu", Range::non_negative(1000));
    f.max_batch_seqs = read_value(c, e, "max_batch_seqs", {1, 1e6, false});
    auto per_engine = [&](const char* key) {
      return e.has(key) ? read_value(c, e, key, {1, 1e6, false}) : f.max_batch_seqs;
    };
    f.max_batch_seqs_vllm_large = per_engine("max_batch_seqs_vllm_large");
    f.max_batch_seqs_sglang = per_engine("max_batch_seqs_sglang");
    f.max_batch_seqs_trtllm = per_engine("max_batch_seqs_trtllm");
    f.prefill_batch_tokens = read_value(c, e, "prefill_batch_tokens", {1, 1e9, false});
    e.finish();
  }
  top.finish();
  // Entries carry their file, except those of a data directory's calib/catalog.yaml, which
  // citations name by that relative path (catalog.hpp, shipped_catalog_file).
  if (!is_data_dir_catalog(file)) {
    for (auto& m : c.models) m.file = file;
    for (auto& g : c.gpus) g.file = file;
  }
  return c;
}

Catalog load_catalog(const std::string& path) { return parse_catalog(path, read_text_file(path, Limits{}.max_bytes)); }

void parse_user_models(Catalog& c, const std::string& file, const std::string& text) {
  Document doc = parse_document(file, text);
  Map top(file, doc.root, "user catalog entry");
  read_sources(file, top, c.sources);
  std::set<std::string> ids;
  for (const auto& m : c.models) ids.insert(m.id);
  read_entries(top, "models", "model", c.models, [&](Map& m) {
    ModelArch a = read_model(c, m);
    a.file = file;
    return a;
  }, ids);
  top.finish();
}

void add_user_models(Catalog& c, const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".yaml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) parse_user_models(c, f, read_text_file(f, Limits{}.max_bytes));
}

}  // namespace plan::io
