#include "plan/io/measured_disagg_io.hpp"

#include <cmath>
#include <fmt/format.h>
#include <map>
#include <regex>
#include <sstream>

#include "plan/core/base/error.hpp"

namespace plan::io {
namespace measured_io_detail {
// measured_io.cpp
std::vector<std::string> split_csv(const std::string& line, std::vector<int>& cols);
std::string read_text(const std::string& path);
}  // namespace measured_io_detail

std::vector<perf::MeasuredDisaggRun> read_measured_disagg_runs(const std::string& path) {
  using measured_io_detail::read_text;
  using measured_io_detail::split_csv;
  std::istringstream in(read_text(path));
  std::string line;
  std::vector<int> cols;
  if (!std::getline(in, line)) throw Error({path, 0, 0}, "empty file (expected a header of measured-run columns)");
  const auto header = split_csv(line, cols);
  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < header.size(); ++i) at[header[i]] = i;
  for (const char* req :
       {"backend", "model_path", "system", "precision", "mode", "isl", "osl", "silicon_data_source", "silicon_ttft_ms",
        "silicon_tpot_ms", "prefill_tp_size", "prefill_attention_dp_size", "prefill_moe_tp_size", "prefill_moe_ep_size",
        "decode_tp_size", "decode_attention_dp_size", "decode_moe_tp_size", "decode_moe_ep_size"})
    if (!at.count(req)) throw Error({path, 1, 1}, fmt::format("missing column '{}' in the header", req));
  static const std::regex concurrency_re(R"((?:^|;)\s*silicon_concurrency=(\d+))");
  std::vector<perf::MeasuredDisaggRun> runs;
  int lineno = 1;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line == "\r") continue;
    const auto f = split_csv(line, cols);
    auto text = [&](const std::string& name) -> std::string {
      const auto it = at.find(name);
      return it != at.end() && it->second < f.size() ? f[it->second] : std::string();
    };
    if (text("mode") != "disagg") continue;
    auto column = [&](const std::string& name) {
      const auto it = at.find(name);
      return it != at.end() && it->second < cols.size() ? cols[it->second] : 1;
    };
    auto number = [&](const std::string& name, double fallback) {
      const std::string s = text(name);
      if (s.empty()) return fallback;
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(s, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != s.size() || !std::isfinite(v))
        throw Error({path, lineno, column(name)}, fmt::format("{} '{}' is not a number", name, s));
      return v;
    };
    auto count = [&](const std::string& name, double fallback) {
      const double v = number(name, fallback);
      if (v < 0 || v > 100000 || v != std::floor(v))
        throw Error({path, lineno, column(name)},
                    fmt::format("{} '{}' is not a count (expected a whole number from 0 to 100000)", name, text(name)));
      return static_cast<int>(v);
    };
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
