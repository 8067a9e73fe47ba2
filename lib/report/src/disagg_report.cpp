#include "plan/report/disagg_report.hpp"

#include <fmt/format.h>

#include "plan/report/json.hpp"
#include "plan/report/table.hpp"

namespace plan::report {
namespace {

std::string pool_text(const perf::PoolSpec& p) {
  return fmt::format("{} x {} GPU{} {}{}", p.workers, p.gpus, p.gpus == 1 ? "" : "s", to_string(p.layout),
                     p.moe_tp > 1 ? fmt::format(" (moe_tp {})", p.moe_tp) : std::string());
}

void pool_json(JsonWriter& j, const char* key, const perf::PoolSpec& p, const perf::PoolFigures& f) {
  j.key(key).begin_object();
  j.field("workers", p.workers).field("gpus_per_worker", p.gpus).field("parallel", to_string(p.layout));
  j.field("moe_tp", p.moe_tp).field("slots_per_worker", f.slots).field("source", f.source);
  j.end_object();
}

}  // namespace

std::string render_disagg_table(const perf::DisaggRequest& q, const perf::DisaggResult& r, const std::string& engine) {
  Table t;
  t.add_column("", Align::left);
  t.add_column("value", Align::right);
  t.add_column("", Align::left);
  const auto& l = r.load;
  t.add_row({"fits", r.fits ? "yes" : "no", r.fits ? "" : r.reason});
  t.add_row({"prefill pool", pool_text(q.prefill), fmt::format("{} GPUs", r.prefill_gpus)});
  t.add_row({"decode pool", pool_text(q.decode), fmt::format("{} GPUs", r.decode_gpus)});
  if (r.fits) {
    t.add_row({"concurrency", std::to_string(q.concurrency), "requests in the closed loop, whole deployment"});
    t.add_row({"prefill", fixed(l.prefill_s * 1e3, 1), "ms, one request alone on a prefill worker"});
    t.add_row({"prefill batch", fixed(l.prefill_batch, 1), "requests a prefill worker prefills at once"});
    t.add_row({"prefill wait", fixed(l.prefill_wait_s * 1e3, 1),
               fmt::format("ms, for a prefill worker ({:.0f}% busy)", l.prefill_utilisation * 100)});
    t.add_row({"KV transfer", fixed(l.kv_transfer_s * 1e3, 2),
               fmt::format("ms, {:.1f} MB over {} link{} of {:g} GB/s x {:g}", r.kv_bytes_per_request / 1e6, r.links,
                           r.links == 1 ? "" : "s", r.link_gb_per_s, r.link_efficiency)});
    if (l.decode_wait_s > 0)
      t.add_row({"decode wait", fixed(l.decode_wait_s * 1e3, 1), "ms, queue for a decode slot"});
    t.add_row({"TTFT", fixed(l.ttft_s * 1e3, 1), "ms"});
    t.add_row({"decode batch", fixed(l.decode_batch, 1),
               fmt::format("sequences per decode worker (its KV cache holds {})", r.decode.slots)});
    t.add_row({"TPOT", fixed(l.tpot_s * 1e3, 2), "ms, the decode step at that batch"});
    t.add_row({"requests/s", fixed(l.throughput_rps, 2), ""});
    t.add_row({"output tokens/s", fixed(r.output_tokens_per_s, 0), ""});
    t.add_row({"output tokens/s per GPU", fixed(r.output_tokens_per_s_per_gpu, 1),
               fmt::format("over both pools' {} GPUs", r.prefill_gpus + r.decode_gpus)});
  }
  std::string out = fmt::format("{} on {} ({}), disaggregated {}P{}D, engine {}, {:.0f} + {:.0f} tokens\n", q.model,
                                q.gpu, q.precision, q.prefill.workers, q.decode.workers, engine, q.input_tokens,
                                q.output_tokens);
  out += t.render_text();
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  if (r.fits) out += "note: KV transfer over " + r.link + "\n";
  out += "Sources: model, GPU and link figures calib/catalog.yaml; engine terms calib/engine_terms.json; "
         "docs/performance-model.md \"Disaggregated prefill and decode\"\n";
  return out;
}

std::string render_disagg_json(const perf::DisaggRequest& q, const perf::DisaggResult& r, const std::string& engine) {
  JsonWriter j;
  const auto& l = r.load;
  j.begin_object();
  j.field("serving", "disaggregated");
  j.field("model", q.model).field("gpu", q.gpu).field("precision", q.precision).field("engine", engine);
  j.field("input_tokens", q.input_tokens).field("output_tokens", q.output_tokens).field("concurrency", q.concurrency);
  pool_json(j, "prefill", q.prefill, r.prefill);
  pool_json(j, "decode", q.decode, r.decode);
  j.field("gpus", r.prefill_gpus + r.decode_gpus);
  j.field("fits", r.fits);
  j.key("reason");
  if (r.fits) j.null();
  else j.value(r.reason);
  if (r.fits) {
    j.field("prefill_ms", l.prefill_s * 1e3).field("prefill_wait_ms", l.prefill_wait_s * 1e3);
    j.field("prefill_utilisation", l.prefill_utilisation);
    j.field("kv_bytes_per_request", r.kv_bytes_per_request).field("kv_transfer_ms", l.kv_transfer_s * 1e3);
    j.field("link", r.link).field("link_gb_per_s", r.link_gb_per_s).field("links", r.links);
    j.field("link_efficiency", r.link_efficiency);
    j.field("decode_wait_ms", l.decode_wait_s * 1e3);
    j.field("ttft_ms", l.ttft_s * 1e3).field("decode_batch", l.decode_batch).field("tpot_ms", l.tpot_s * 1e3);
    j.field("requests_per_s", l.throughput_rps).field("output_tokens_per_s", r.output_tokens_per_s);
    j.field("output_tokens_per_s_per_gpu", r.output_tokens_per_s_per_gpu);
  }
  j.key("notes").begin_array();
  for (const auto& n : r.notes) j.value(n);
  j.end_array();
  j.end_object();
  return j.str();
}

}  // namespace plan::report
