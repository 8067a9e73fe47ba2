#include "plan/core/serving/repeatability.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <string>

namespace plan::perf {
namespace {

// The fields of a model that its performance depends on: two catalog ids with the same
// signature are one architecture (names, sources and repository ids aside).
std::string architecture(const ModelArch& m) {
  return fmt::format("{} {} {} {} {} {} {} {:g} {:g} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}", m.layers, m.hidden,
                     m.heads, m.kv_heads, m.head_dim, m.ffn, m.vocab, m.params_total, m.params_active, m.experts,
                     m.top_k, m.moe_ffn, m.shared_experts, m.dense_layers, m.moe_every,
                     static_cast<int>(m.attention), m.kv_lora_rank, m.qk_rope_head_dim, m.sliding_window,
                     m.local_layers, m.linear_layers, m.index_topk, m.mtp_layers, m.tied_embeddings);
}

using Figures = std::pair<double, double>;  // TTFT, TPOT (s)

// One measurement filed twice, rounded in one file (765.4942 ms and 765.49): figures within
// 0.1% or 0.006 ms (a hundredth of a millisecond, rounded) of each other.
bool same_figure(double a, double b) { return std::abs(a - b) <= std::max(1e-3 * std::max(a, b), 6e-6); }
bool same_measurement(const Figures& a, const Figures& b) {
  return same_figure(a.first, b.first) && same_figure(a.second, b.second);
}
// The distinct measurements among `f`: each kept unless it is the same as one kept before it.
std::vector<Figures> distinct(const std::vector<Figures>& f) {
  std::vector<Figures> out;
  for (const auto& x : f)
    if (std::none_of(out.begin(), out.end(), [&](const Figures& y) { return same_measurement(x, y); }))
      out.push_back(x);
  return out;
}

void add_pairs(const std::vector<Figures>& distinct, RepeatSpread& s, std::vector<std::pair<double, double>>& tpot,
               std::vector<std::pair<double, double>>& ttft) {
  if (distinct.size() < 2) return;
  ++s.groups;
  s.runs += static_cast<int>(distinct.size());
  for (const auto& a : distinct)
    for (const auto& b : distinct)
      if (a != b) {
        ttft.emplace_back(a.first, b.first);
        tpot.emplace_back(a.second, b.second);
      }
}

}  // namespace

Repeatability repeatability(const Catalog& cat, const std::vector<MeasuredRun>& runs,
                            const std::vector<PreparedRun>& prep) {
  // Deployment and load, version aside -> version -> the distinct figures measured.
  std::map<std::string, std::map<std::string, std::vector<Figures>>> groups;
  for (const auto& r : prep) {
    if (!r.excluded.empty() && r.excluded_kind != "duplicate") continue;
    const ModelArch* model = cat.find_model(r.model_id);
    if (!model || r.index >= runs.size()) continue;
    const std::string key = fmt::format("{}|{}|{}|{}|{}|{}|{}|{:g}|{:g}|{:g}", architecture(*model), r.engine, r.gpu_id,
                                        r.precision_id, to_string(r.layout), r.gpus, r.moe_tp, r.isl, r.osl,
                                        r.concurrency);
    groups[key][runs[r.index].version].push_back({r.ttft_s, r.tpot_s});
  }
  Repeatability out;
  std::vector<std::pair<double, double>> same_t, same_f, any_t, any_f;
  for (const auto& [key, versions] : groups) {
    std::vector<Figures> all;
    for (const auto& [version, figures] : versions) {
      add_pairs(distinct(figures), out.same_version, same_t, same_f);
      all.insert(all.end(), figures.begin(), figures.end());
    }
    add_pairs(distinct(all), out.any_version, any_t, any_f);
  }
  out.same_version.error = summarise(same_t, same_f);
  out.any_version.error = summarise(any_t, any_f);
  return out;
}

}  // namespace plan::perf
