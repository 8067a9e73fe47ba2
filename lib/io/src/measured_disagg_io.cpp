#include "plan/io/measured_disagg_io.hpp"

#include <cmath>
#include <fmt/format.h>
#include <map>
#include <sstream>

#include "plan/core/base/error.hpp"
#include "measured_csv.hpp"

namespace plan::io {
std::vector<perf::MeasuredDisaggRun> read_measured_disagg_runs(const std::string& path) {
  measured_io_detail::MeasuredCsv csv(
      path, {"backend", "model_path", "system", "precision", "mode", "isl", "osl", "silicon_data_source",
             "silicon_ttft_ms", "silicon_tpot_ms", "prefill_tp_size", "prefill_attention_dp_size", "prefill_moe_tp_size",
             "prefill_moe_ep_size", "decode_tp_size", "decode_attention_dp_size", "decode_moe_tp_size",
             "decode_moe_ep_size"});
  std::vector<perf::MeasuredDisaggRun> runs;
  while (csv.next()) {
    auto text = [&](const std::string& name) { return csv.text(name); };
    if (text("mode") != "disagg") continue;
    perf::MeasuredDisaggRun d;
    perf::MeasuredRun& r = d.run;
    r = csv.run();  // mode: disagg, as filtered above
    if (const auto c = csv.stated_concurrency()) r.concurrency = *c;
    d.prefill.workers = csv.count("prefill_num_workers", 0);
    csv.read_layout("prefill_", d.prefill);
    d.decode.workers = csv.count("decode_num_workers", 0);
    csv.read_layout("decode_", d.decode);
    runs.push_back(std::move(d));
  }
  return runs;
}

}  // namespace plan::io
