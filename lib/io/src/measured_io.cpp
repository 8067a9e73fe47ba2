#include "plan/io/measured_io.hpp"

#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "plan/core/base/error.hpp"

namespace plan::io {
namespace measured_io_detail {

// Splits one CSV record (RFC 4180 quoting); `cols` gets each field's 1-based column.
std::vector<std::string> split_csv(const std::string& line, std::vector<int>& cols) {
  std::vector<std::string> out;
  cols.clear();
  std::string cur;
  bool quoted = false;
  int start = 1;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cur += '"', ++i;
      else if (c == '"') quoted = false;
      else cur += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cols.push_back(start);
      cur.clear();
      start = static_cast<int>(i) + 2;
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  cols.push_back(start);
  return out;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error({path, 0, 0}, "cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace measured_io_detail

std::vector<perf::MeasuredRun> read_measured_runs(const std::string& path) {
  using namespace measured_io_detail;
  std::istringstream in(read_text(path));
  std::string line;
  std::vector<int> cols;
  if (!std::getline(in, line)) throw Error({path, 0, 0}, "empty file (expected a header of measured-run columns)");
  const auto header = split_csv(line, cols);
  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < header.size(); ++i) at[header[i]] = i;
  for (const char* req : {"backend", "model_path", "system", "precision", "isl", "osl", "batch_size", "tp_size",
                          "silicon_ttft_ms", "silicon_tpot_ms"})
    if (!at.count(req)) throw Error({path, 1, 1}, fmt::format("missing column '{}' in the header", req));
  std::vector<perf::MeasuredRun> runs;
  int lineno = 1;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line == "\r") continue;
    const auto f = split_csv(line, cols);
    auto text = [&](const char* name) -> std::string {
      const auto it = at.find(name);
      return it != at.end() && it->second < f.size() ? f[it->second] : std::string();
    };
    auto number = [&](const char* name, double fallback) {
      const auto it = at.find(name);
      if (it == at.end() || it->second >= f.size() || f[it->second].empty()) return fallback;
      const std::string& s = f[it->second];
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(s, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != s.size() || !std::isfinite(v))
        throw Error({path, lineno, cols[it->second]}, fmt::format("{} '{}' is not a number", name, s));
      return v;
    };
    // GPU counts and layout sizes: whole numbers from 0 to 100,000.
    auto count = [&](const char* name, double fallback) {
      const double v = number(name, fallback);
      if (v < 0 || v > 100000 || v != std::floor(v)) {
        const auto it = at.find(name);
        throw Error({path, lineno, cols[it->second]},
                    fmt::format("{} '{}' is not a count (expected a whole number from 0 to 100000)", name, f[it->second]));
      }
      return static_cast<int>(v);
    };
    perf::MeasuredRun r;
    r.line = lineno;
    r.id = text("id");
    r.engine = text("backend");
    r.version = text("backend_version");
    r.model_path = text("model_path");
    r.system = text("system");
    r.precision = text("precision");
    r.mode = text("mode");
    r.isl = number("isl", 0);
    r.osl = number("osl", 0);
    r.concurrency = number("batch_size", 0);
    r.tp = count("tp_size", 1);
    r.pp = count("pp_size", 1);
    r.dp = count("attention_dp_size", 1);
    // Without the expert columns, experts are split like attention (tensor parallel).
    r.moe_tp = count("moe_tp_size", r.tp);
    r.moe_ep = count("moe_ep_size", 1);
    r.ttft_ms = number("silicon_ttft_ms", 0);
    r.tpot_ms = number("silicon_tpot_ms", 0);
    runs.push_back(std::move(r));
  }
  return runs;
}

std::string provenance(const perf::EngineTerms& t, const perf::TermSet& s) {
  return fmt::format("fitted to {} measured runs ({}), cross-validated median error {:.1f}% (TPOT), {:.1f}% (TTFT)",
                     s.rows, t.origin, s.cv_tpot_median, s.cv_ttft_median);
}

std::string engine_terms_json(const perf::EngineTerms& t) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["data"] = t.data;
  j["data_sha256"] = t.data_sha256;
  j["origin"] = t.origin;
  j["method"] =
      "non-negative least squares on relative error (Eigen), one set per engine and GPU generation (and per engine "
      "over every generation as the fallback); 5-fold cross-validation grouped by deployment";
  j["runs"] = t.runs;
  j["used"] = t.used;
  j["predicted"] = t.predicted;
  j["cv"] = {{"rows", t.cv.rows},
             {"tpot_median_pct", t.cv.tpot_median},
             {"tpot_p90_pct", t.cv.tpot_p90},
             {"ttft_median_pct", t.cv.ttft_median},
             {"ttft_p90_pct", t.cv.ttft_p90}};
  ordered_json sets = ordered_json::array();
  for (const auto& s : t.sets) {
    ordered_json js;
    js["engine"] = s.engine;
    js["generation"] = s.generation;
    js["rows"] = s.rows;
    js["deployments"] = s.deployments;
    js["cv_tpot_median_pct"] = s.cv_tpot_median;
    js["cv_ttft_median_pct"] = s.cv_ttft_median;
    js["provenance"] = provenance(t, s);
    ordered_json terms = ordered_json::array();
    for (int k = 0; k < perf::tpot_terms; ++k) {
      const auto& info = perf::tpot_term_info[static_cast<std::size_t>(k)];
      terms.push_back({{"name", info.name}, {"of", "tpot"}, {"value", s.tpot[static_cast<std::size_t>(k)]},
                       {"unit", info.unit}, {"meaning", info.meaning}});
    }
    for (int k = 0; k < perf::ttft_terms; ++k) {
      const auto& info = perf::ttft_term_info[static_cast<std::size_t>(k)];
      terms.push_back({{"name", info.name}, {"of", "ttft"}, {"value", s.ttft[static_cast<std::size_t>(k)]},
                       {"unit", info.unit}, {"meaning", info.meaning}});
    }
    js["terms"] = terms;
    sets.push_back(js);
  }
  j["sets"] = sets;
  return j.dump(2) + "\n";
}

perf::EngineTerms read_engine_terms(const std::string& path) {
  const std::string text = measured_io_detail::read_text(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error({path, 0, 0}, fmt::format("not valid JSON: {}", e.what()));
  }
  perf::EngineTerms t;
  try {
    t.data = j.at("data").get<std::string>();
    t.data_sha256 = j.at("data_sha256").get<std::string>();
    t.origin = j.at("origin").get<std::string>();
    t.runs = j.at("runs").get<int>();
    t.used = j.at("used").get<int>();
    t.predicted = j.at("predicted").get<int>();
    const auto& cv = j.at("cv");
    t.cv.rows = cv.at("rows").get<int>();
    t.cv.tpot_median = cv.at("tpot_median_pct").get<double>();
    t.cv.tpot_p90 = cv.at("tpot_p90_pct").get<double>();
    t.cv.ttft_median = cv.at("ttft_median_pct").get<double>();
    t.cv.ttft_p90 = cv.at("ttft_p90_pct").get<double>();
    for (const auto& js : j.at("sets")) {
      perf::TermSet s;
      s.engine = js.at("engine").get<std::string>();
      s.generation = js.at("generation").get<std::string>();
      s.rows = js.at("rows").get<int>();
      s.deployments = js.at("deployments").get<int>();
      s.cv_tpot_median = js.at("cv_tpot_median_pct").get<double>();
      s.cv_ttft_median = js.at("cv_ttft_median_pct").get<double>();
      const auto& terms = js.at("terms");
      if (terms.size() != static_cast<std::size_t>(perf::tpot_terms + perf::ttft_terms))
        throw Error({path, 0, 0}, fmt::format("set {}/{} has {} terms (expected {})", s.engine, s.generation,
                                              terms.size(), perf::tpot_terms + perf::ttft_terms));
      for (int k = 0; k < perf::tpot_terms; ++k)
        s.tpot[static_cast<std::size_t>(k)] = terms.at(static_cast<std::size_t>(k)).at("value").get<double>();
      for (int k = 0; k < perf::ttft_terms; ++k)
        s.ttft[static_cast<std::size_t>(k)] =
            terms.at(static_cast<std::size_t>(perf::tpot_terms + k)).at("value").get<double>();
      t.sets.push_back(s);
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error({path, 0, 0}, fmt::format("engine terms: {}", e.what()));
  }
  return t;
}

}  // namespace plan::io
