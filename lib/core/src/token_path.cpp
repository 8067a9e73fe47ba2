#include "plan/core/token_path.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace plan {

std::optional<TokenOffering> token_offering(const Option& o, const PriceSheet& sheet, std::string* why) {
  TokenOffering off;
  if (const ApiOption* a = o.as<ApiOption>()) {
    const ApiModel* m = sheet.find_api(a->model);
    if (!m) {
      if (why) *why = fmt::format("model '{}' is not in price sheet {}", a->model, sheet.version);
      return std::nullopt;
    }
    off.sheet_id = m->id;
    off.label = m->provider + " " + m->id;
    off.model = m->id;
    off.prices = &m->prices;
    off.limits = &m->rate_limits;
    off.tier = a->tier;
    off.context_tokens = m->context_tokens;
    off.data_classes = &m->data_classes;
    off.line = m->line;
    return off;
  }
  if (const ManagedOption* mo = o.as<ManagedOption>()) {
    const ManagedOffering* m = sheet.find_managed(mo->offering);
    if (!m) {
      if (why) *why = fmt::format("offering '{}' is not in price sheet {}", mo->offering, sheet.version);
      return std::nullopt;
    }
    if (!m->on_demand) {
      if (why) *why = fmt::format("offering {} has no on-demand prices", m->id);
      return std::nullopt;
    }
    off.sheet_id = m->id;
    off.label = m->provider + " " + m->model;
    off.model = m->model;
    off.prices = &*m->on_demand;
    off.limits = &m->rate_limits;
    off.tier = mo->tier;
    off.data_classes = &m->data_classes;
    off.line = m->line;
    return off;
  }
  if (why) *why = fmt::format("option '{}' is not billed per token", o.id);
  return std::nullopt;
}

std::optional<std::string> token_exclusion(const Profile& p, const PriceSheet& sheet, const TokenOffering& off,
                                           const Workload& w) {
  if (auto why = air_gapped_exclusion(w, off.sheet_id)) return why;
  const auto& policy = p.policy.self_hosted_only;
  if (std::find(policy.begin(), policy.end(), w.data_class) != policy.end())
    return fmt::format("workload '{}' has data class '{}', which the profile's policy keeps on self-hosted GPUs "
                       "(policy.self_hosted_only at {}:{})",
                       w.id, w.data_class, p.policy.loc.file, p.policy.loc.line);
  if (off.data_classes && !off.data_classes->empty() &&
      std::find(off.data_classes->begin(), off.data_classes->end(), w.data_class) == off.data_classes->end())
    return fmt::format("workload '{}' has data class '{}', which {} may not receive (allowed: {}; {})", w.id,
                       w.data_class, off.sheet_id, fmt::join(*off.data_classes, ", "), sheet.cite(off.line));
  if (off.context_tokens && w.tokens_per_request() > *off.context_tokens)
    return fmt::format("workload '{}' needs {:.0f} tokens per request; {} has a {:.0f}-token context", w.id,
                       w.tokens_per_request(), off.sheet_id, *off.context_tokens);
  return model_exclusion(w, off.model, off.sheet_id);
}

TokenCosting price_tokens(const TokenOffering& off, const std::vector<Lane>& lanes, const Split* split) {
  TokenCosting tc;
  std::vector<const Workload*> ws;
  std::vector<std::array<double, 24>> rps;
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const Lane& l = lanes[i];
    double interactive = 0, batch = l.batch_per_day;
    std::array<double, 24> sizing = l.sizing_rps;
    if (split) {
      const LaneSplit& ls = split->lanes[i];
      interactive = ls.overflow_interactive;
      batch = ls.overflow_batch;
      sizing = ls.overflow_sizing_rps;
    } else {
      interactive = l.interactive_per_day;
    }
    if (interactive + batch <= 0) continue;
    tc.cost += token_cost(*l.w, *off.prices, interactive, batch);
    ws.push_back(l.w);
    rps.push_back(sizing);
  }
  if (!off.limits || off.limits->empty()) return tc;
  const RateLimit* lim = &off.limits->back();  // the highest tier listed
  if (off.tier) {
    auto it = std::find_if(off.limits->begin(), off.limits->end(), [&](const RateLimit& l) { return l.tier == *off.tier; });
    if (it != off.limits->end()) lim = &*it;
  }
  tc.rate_check = check_rate_limits(ws, rps, *lim);
  tc.exceeded = tc.rate_check->exceeded;
  return tc;
}

}  // namespace plan
