#include "plan/io/measured_io.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <charconv>
#include <map>
#include <set>
#include <string_view>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "plan/core/base/error.hpp"
#include "measured_csv.hpp"

namespace plan::io {
namespace measured_io_detail {

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

MeasuredCsv::MeasuredCsv(const std::string& path, std::initializer_list<const char*> required)
    : path_(path), in_(read_text(path)) {
  std::string line;
  if (!std::getline(in_, line)) throw Error({path, 0, 0}, "empty file (expected a header of measured-run columns)");
  const auto header = split_csv(line, cols_);
  for (std::size_t i = 0; i < header.size(); ++i) at_[header[i]] = i;
  for (const char* req : required)
    if (!at_.count(req)) throw Error({path, 1, 1}, fmt::format("missing column '{}' in the header", req));
}

bool MeasuredCsv::next() {
  std::string line;
  while (std::getline(in_, line)) {
    ++lineno_;
    if (line.empty() || line == "\r") continue;
    fields_ = split_csv(line, cols_);
    return true;
  }
  return false;
}

std::string MeasuredCsv::text(const std::string& name) const {
  const auto it = at_.find(name);
  return it != at_.end() && it->second < fields_.size() ? fields_[it->second] : std::string();
}

int MeasuredCsv::column(const std::string& name) const {
  const auto it = at_.find(name);
  return it != at_.end() && it->second < cols_.size() ? cols_[it->second] : 1;
}

double MeasuredCsv::number(const std::string& name, double fallback) const {
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
    throw Error({path_, lineno_, column(name)}, fmt::format("{} '{}' is not a number", name, s));
  return v;
}

int MeasuredCsv::count(const std::string& name, double fallback) const {
  const double v = number(name, fallback);
  if (v < 0 || v > 100000 || v != std::floor(v))
    throw Error({path_, lineno_, column(name)},
                fmt::format("{} '{}' is not a count (expected a whole number from 0 to 100000)", name, text(name)));
  return static_cast<int>(v);
}

void named_layout(std::string_view id, int& tp, int& ep) {
  tp = ep = 0;
  // A whole number at the front of s, its digits taken off; -1 where s starts with none.
  auto number = [](std::string_view& s) {
    int v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || v < 1) return -1;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    return v;
  };
  for (std::size_t at = id.find("_tp"); at != std::string_view::npos; at = id.find("_tp", at + 1)) {
    std::string_view s = id.substr(at + 3);
    const int t = number(s);
    if (t < 1) continue;
    if (s.size() > 1 && s[0] == '_' && s[1] >= '0' && s[1] <= '9') {  // "_tp8_0_ep8_0"
      s.remove_prefix(1);
      while (!s.empty() && s[0] >= '0' && s[0] <= '9') s.remove_prefix(1);
    }
    if (s.substr(0, 3) != "_ep") continue;
    s.remove_prefix(3);
    int e = 1;
    if (s.substr(0, 4) == "none") s.remove_prefix(4);
    else if ((e = number(s)) < 1) continue;
    if (!s.empty() && s[0] != '_') continue;
    tp = t, ep = e;
    return;
  }
}

std::optional<double> MeasuredCsv::stated_concurrency() const {
  static const std::regex concurrency_re(R"((?:^|;)\s*silicon_concurrency=(\d+))");
  const std::string source = text("silicon_data_source");
  std::smatch cm;
  if (!std::regex_search(source, cm, concurrency_re)) return std::nullopt;
  const std::string digits = cm[1].str();
  long long v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size() || v > 100000)
    throw Error({path_, lineno_, column("silicon_data_source")},
                fmt::format("silicon_concurrency '{}' is not a count (expected a whole number from 0 to 100000)",
                            digits));
  return static_cast<double>(v);
}

perf::MeasuredRun MeasuredCsv::run() const {
  perf::MeasuredRun r;
  r.line = lineno_;
  r.id = text("id");
  r.engine = text("backend");
  r.version = text("backend_version");
  r.model_path = text("model_path");
  r.system = text("system");
  r.precision = text("precision");
  r.mode = text("mode");
  r.isl = number("isl", 0);
  r.osl = number("osl", 0);
  r.ttft_ms = number("silicon_ttft_ms", 0);
  r.tpot_ms = number("silicon_tpot_ms", 0);
  return r;
}

}  // namespace measured_io_detail

std::vector<perf::MeasuredRun> read_measured_runs(const std::string& path) {
  measured_io_detail::MeasuredCsv csv(path, {"backend", "model_path", "system", "precision", "isl", "osl", "batch_size",
                                             "tp_size", "silicon_ttft_ms", "silicon_tpot_ms"});
  std::vector<perf::MeasuredRun> runs;
  while (csv.next()) {
    perf::MeasuredRun r = csv.run();
    csv.read_layout("", r);
    // Under attention data parallelism batch_size is one rank's batch: the replica holds the
    // client's concurrency the run states (silicon_concurrency, batch_size x attention dp on
    // 46 of the 47 such shipped rows), else d x batch_size for d ranks.
    const double batch = csv.number("batch_size", 0);
    r.concurrency = r.dp > 1 ? csv.stated_concurrency().value_or(batch * r.dp) : batch;
    measured_io_detail::named_layout(r.id, r.named_tp, r.named_ep);
    runs.push_back(std::move(r));
  }
  return runs;
}

std::vector<perf::MeasuredRun> read_measured_deployments(const std::string& path) {
  using namespace measured_io_detail;
  // Read at once into a string of the file's size (every plan that sizes a fleet reads it).
  std::string text;
  {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw Error({path, 0, 0}, "cannot read the file");
    text.resize(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
  }
  std::string_view rest(text);
  auto next_line = [&rest]() {
    const auto nl = rest.find('\n');
    std::string_view l = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    return l;
  };
  std::vector<int> cols;
  const auto header = split_csv(std::string(next_line()), cols);
  // The columns that name a deployment; -1 when absent (then the reader's defaults).
  auto index = [&](const char* name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    return -1;
  };
  const int c_engine = index("backend"), c_version = index("backend_version"), c_model = index("model_path"),
            c_system = index("system"), c_precision = index("precision"), c_mode = index("mode"),
            c_tp = index("tp_size"), c_pp = index("pp_size"), c_dp = index("attention_dp_size"),
            c_moe_tp = index("moe_tp_size"), c_moe_ep = index("moe_ep_size"), c_id = index("id");
  if (c_engine < 0 || c_model < 0 || c_system < 0)
    throw Error({path, 1, 1}, "missing column backend, model_path or system (expected the measured-run columns)");
  std::vector<perf::MeasuredRun> out;
  std::set<std::string, std::less<>> seen;
  std::vector<std::string_view> f;
  int lineno = 1;
  while (!rest.empty()) {
    const std::string_view l = next_line();
    ++lineno;
    if (l.empty()) continue;
    // The shipped runs quote no field; a quoted record is read by the full reader.
    if (l.find('"') != std::string_view::npos) {
      std::vector<int> c;
      const auto fields = split_csv(std::string(l), c);
      perf::MeasuredRun r;
      auto at = [&](int i) { return i >= 0 && static_cast<std::size_t>(i) < fields.size() ? fields[i] : std::string(); };
      auto count = [&](int i, int def) {
        int v = def;
        const std::string x = at(i);
        std::from_chars(x.data(), x.data() + x.size(), v);
        return v;
      };
      r.line = lineno;
      r.engine = at(c_engine), r.version = at(c_version), r.model_path = at(c_model), r.system = at(c_system);
      r.precision = at(c_precision), r.mode = at(c_mode);
      r.tp = count(c_tp, 1), r.pp = count(c_pp, 1), r.dp = count(c_dp, 1), r.moe_tp = count(c_moe_tp, r.tp);
      r.moe_ep = count(c_moe_ep, 1);
      named_layout(at(c_id), r.named_tp, r.named_ep);
      const std::string key = fmt::format("{}|{}|{}|{}|{}|{}|{} {} {} {} {} {} {}", r.engine, r.version, r.model_path,
                                          r.system, r.precision, r.mode, r.tp, r.pp, r.dp, r.moe_tp, r.moe_ep,
                                          r.named_tp, r.named_ep);
      if (seen.insert(key).second) out.push_back(std::move(r));
      continue;
    }
    f.clear();
    std::size_t start = 0;
    for (std::size_t i = 0; i <= l.size(); ++i)
      if (i == l.size() || l[i] == ',') {
        f.push_back(l.substr(start, i - start));
        start = i + 1;
      }
    auto at = [&](int i) { return i >= 0 && static_cast<std::size_t>(i) < f.size() ? f[i] : std::string_view(); };
    // The key: the deployment columns as they stand (the integers' text included) and the
    // layout the id names.
    int named_tp = 0, named_ep = 0;
    named_layout(at(c_id), named_tp, named_ep);
    std::string key;
    for (int i : {c_engine, c_version, c_model, c_system, c_precision, c_mode, c_tp, c_pp, c_dp, c_moe_tp, c_moe_ep}) {
      key += at(i);
      key += '|';
    }
    key += fmt::format("{}|{}", named_tp, named_ep);
    if (!seen.insert(key).second) continue;
    auto count = [&](int i, int def) {
      int v = def;
      const std::string_view x = at(i);
      if (!x.empty()) std::from_chars(x.data(), x.data() + x.size(), v);
      return v;
    };
    perf::MeasuredRun r;
    r.line = lineno;
    r.engine = at(c_engine), r.version = at(c_version), r.model_path = at(c_model), r.system = at(c_system);
    r.precision = at(c_precision), r.mode = at(c_mode);
    r.tp = count(c_tp, 1), r.pp = count(c_pp, 1), r.dp = count(c_dp, 1), r.moe_tp = count(c_moe_tp, r.tp);
    r.moe_ep = count(c_moe_ep, 1);
    r.named_tp = named_tp, r.named_ep = named_ep;
    out.push_back(std::move(r));
  }
  return out;
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
  j["method"] = fmt::format(
      "non-negative least squares on relative error (Eigen), one set per engine and GPU generation (and per engine "
      "over every generation as the fallback); {}-fold cross-validation grouped by deployment, repeated over {} "
      "partitions drawn independently (each run's prediction the median of its {})",
      perf::cv_folds, perf::cv_repeats, perf::cv_repeats);
  j["runs"] = t.runs;
  j["used"] = t.used;
  j["predicted"] = t.predicted;
  j["cv"] = {{"rows", t.cv.rows},
             {"tpot_median_pct", t.cv.tpot_median},
             {"tpot_p90_pct", t.cv.tpot_p90},
             {"ttft_median_pct", t.cv.ttft_median},
             {"ttft_p90_pct", t.cv.ttft_p90}};
  if (t.coverage) {
    // Before the sets: what decides whether a set sizes a deployment of a model class.
    ordered_json counts = ordered_json::object();
    for (const auto& [key, n] : t.coverage->deployments) counts[key] = n;
    j["coverage"] = {{"meaning", fmt::format("distinct deployments of aggregated runs whose model the catalog knows, "
                                             "per engine|generation|class; a set sizes a deployment of a class "
                                             "with at least {} here; below the lowest concurrency of its runs, "
                                             "the terms are extrapolated",
                                             perf::min_deployments)},
                     {"deployments", counts}};
    if (!t.coverage->lowest_concurrency.empty()) {
      ordered_json low = ordered_json::object();
      for (const auto& [key, c] : t.coverage->lowest_concurrency) low[key] = c;
      j["coverage"]["lowest_concurrency"] = low;
    }
  }
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
  if (!t.disagg.empty()) {
    // After the sets, which it is fitted on: the disaggregated model's decode-step term.
    ordered_json d = ordered_json::array();
    for (const auto& x : t.disagg)
      d.push_back({{"engine", x.engine},
                   {"decode_scale", x.decode_scale},
                   {"runs", x.rows},
                   {"deployments", x.deployments},
                   {"cv_tpot_median_pct", x.cv_tpot_median},
                   {"cv_ttft_median_pct", x.cv_ttft_median},
                   {"source", x.source}});
    j["disagg"] = d;
  }
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
    if (j.contains("coverage")) {
      perf::EngineCoverage c;
      for (const auto& [key, n] : j.at("coverage").at("deployments").items()) {
        if (std::count(key.begin(), key.end(), '|') != 2)
          throw Error({path, 0, 0}, fmt::format("coverage key '{}' is not engine|generation|class", key));
        c.deployments[key] = n.get<int>();
      }
      if (j.at("coverage").contains("lowest_concurrency"))
        for (const auto& [key, n] : j.at("coverage").at("lowest_concurrency").items())
          c.lowest_concurrency[key] = n.get<double>();
      t.coverage = std::move(c);
    }
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
    if (j.contains("disagg"))
      for (const auto& jd : j.at("disagg")) {
        perf::DisaggTerms d;
        d.engine = jd.at("engine").get<std::string>();
        d.decode_scale = jd.at("decode_scale").get<double>();
        if (!(d.decode_scale > 0) || !std::isfinite(d.decode_scale))
          throw Error({path, 0, 0}, fmt::format("disaggregated term of {}: decode_scale {} (expected a positive number)",
                                                d.engine, d.decode_scale));
        d.rows = jd.at("runs").get<int>();
        d.deployments = jd.at("deployments").get<int>();
        d.cv_tpot_median = jd.at("cv_tpot_median_pct").get<double>();
        d.cv_ttft_median = jd.at("cv_ttft_median_pct").get<double>();
        d.source = jd.at("source").get<std::string>();
        t.disagg.push_back(std::move(d));
      }
  } catch (const nlohmann::json::exception& e) {
    throw Error({path, 0, 0}, fmt::format("engine terms: {}", e.what()));
  }
  return t;
}

}  // namespace plan::io
