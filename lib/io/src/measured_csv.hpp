#pragma once
// The CSV of measured serving runs (calib/measured/silicon_train.csv's columns), read one
// record at a time by column name, for the aggregated and the disaggregated readers alike.
// Private to lib/io.
#include <initializer_list>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "plan/core/serving/engine_fit.hpp"

namespace plan::io::measured_io_detail {

// The layout a run's id names as the benchmark configured it: "..._tp8_ep8_..." or
// "..._tp8_0_ep8_0_..." is tp 8 (GPUs per replica), ep 8; "_epnone" is ep 1. Both 0 where the
// id names none.
void named_layout(std::string_view id, int& tp, int& ep);

// Splits one CSV record (RFC 4180 quoting); `cols` gets each field's 1-based column.
std::vector<std::string> split_csv(const std::string& line, std::vector<int>& cols);
std::string read_text(const std::string& path);

class MeasuredCsv {
 public:
  // Reads the file's header; a missing required column is an error at line 1.
  MeasuredCsv(const std::string& path, std::initializer_list<const char*> required);
  // The next record, skipping blank lines; false at the end.
  bool next();
  int line() const { return lineno_; }
  // A field's text ("" where the column or the field is missing).
  std::string text(const std::string& name) const;
  // A number; `fallback` where the field is empty; an error at FILE:LINE:COL otherwise.
  double number(const std::string& name, double fallback) const;
  // A GPU count or layout size: a whole number from 0 to 100,000.
  int count(const std::string& name, double fallback) const;
  // The client's closed-loop concurrency the run's silicon_data_source states
  // ("...; silicon_concurrency=256; ..."); nullopt where it states none.
  std::optional<double> stated_concurrency() const;
  // The fields every measured run has: line, id, engine and version, model, system,
  // precision, mode, lengths, measured TTFT and TPOT (no concurrency, no layout).
  perf::MeasuredRun run() const;
  // A layout's sizes from the columns `prefix`tp_size ... `prefix`moe_ep_size; without the
  // expert columns, experts are split like attention (tensor parallel).
  template <class Layout>
  void read_layout(const std::string& prefix, Layout& l) const {
    l.tp = count(prefix + "tp_size", 1);
    l.pp = count(prefix + "pp_size", 1);
    l.dp = count(prefix + "attention_dp_size", 1);
    l.moe_tp = count(prefix + "moe_tp_size", l.tp);
    l.moe_ep = count(prefix + "moe_ep_size", 1);
  }

 private:
  int column(const std::string& name) const;
  std::string path_;
  std::istringstream in_;
  std::map<std::string, std::size_t> at_;
  std::vector<std::string> fields_;
  std::vector<int> cols_;
  int lineno_ = 1;
};

}  // namespace plan::io::measured_io_detail
