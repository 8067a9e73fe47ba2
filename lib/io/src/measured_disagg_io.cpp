#include "plan/io/measured_disagg_io.hpp"

#include <cmath>
#include <fmt/format.h>
#include <map>
#include <regex>
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
  static const std::regex concurrency_re(R"((?:^|;)\s*silicon_concurrency=(\d+))");
  std::vector<perf::MeasuredDisaggRun> runs;
  while (csv.next()) {
    auto text = [&](const std::string& name) { return csv.text(name); };
    if (text("mode") != "disagg") continue;
    auto number = [&](const std::string& name, double fallback) { return csv.number(name, fallback); };
    auto count = [&](const std::string& name, double fallback) { return csv.count(name, fallback); };
    const int lineno = csv.line();
    auto pool = [&](const std::string& p) {
      perf::MeasuredPool out;
      out.workers = count(p + "num_workers", 0);
      out.tp = count(p + "tp_size", 1);
      out.pp = count(p + "pp_size", 1);
      out.dp = count(p + "attention_dp_size", 1);
      out.moe_tp = count(p + "moe_tp_size", out.tp);
      out.moe_ep = count(p + "moe_ep_size", 1);
      return out;
    };
    perf::MeasuredDisaggRun d;
    perf::MeasuredRun& r = d.run;
    r.line = lineno;
    r.id = text("id");
    r.engine = text("backend");
    r.version = text("backend_version");
    r.model_path = text("model_path");
    r.system = text("system");
    r.precision = text("precision");
    r.mode = "disagg";
    r.isl = number("isl", 0);
    r.osl = number("osl", 0);
    std::smatch cm;
    const std::string source = text("silicon_data_source");
    if (std::regex_search(source, cm, concurrency_re)) r.concurrency = std::stod(cm[1].str());
    r.ttft_ms = number("silicon_ttft_ms", 0);
    r.tpot_ms = number("silicon_tpot_ms", 0);
    d.prefill = pool("prefill_");
    d.decode = pool("decode_");
    runs.push_back(std::move(d));
  }
  return runs;
}

}  // namespace plan::io
