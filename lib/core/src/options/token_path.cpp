#include "plan/core/options/token_path.hpp"

#include "options/evaluators.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace plan {

namespace {

// Points `off` at the service tier the option selects; false with `why` when there is none.
bool select_service_tier(TokenOffering& off, const TokenPrices& list, const std::optional<std::string>& name,
                         int entry_line, std::string* why) {
  off.prices = &list;
  off.line = entry_line;
  if (!name) return true;
  for (const auto& t : list.service_tiers) {
    if (t.name == *name) {
      off.prices = &t.prices;
      off.line = t.line;
      return true;
    }
  }
  std::vector<std::string> names;
  for (const auto& t : list.service_tiers) names.push_back(t.name);
  if (why)
    *why = fmt::format("{} has no service tier '{}' (listed: {})", off.sheet_id, *name,
                       names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", ")));
  return false;
}

// The fields an API model and a managed offering give a token offering alike: the entry,
// the model it serves, its limits and data classes, the option's rate tier, service tier and
// discount. False with `why` when the service tier is not listed.
template <class Entry>
bool fill_entry(TokenOffering& off, const Entry& m, const std::string& model, const TokenPrices& list,
                   const std::optional<std::string>& rate_tier, const std::optional<std::string>& service_tier,
                   const Profile& p, const Option& o, const PriceSheet& sheet, std::string* why) {
  off.sheet_id = m.id;
  off.label = m.provider + " " + model;
  off.model = model;
  off.provider = m.provider;
  off.sheet_path = sheet.path;
  off.limits = &m.rate_limits;
  off.tier = rate_tier;
  off.context_tokens = m.context_tokens;
  off.max_output_tokens = m.max_output_tokens;
  off.data_classes = &m.data_classes;
  if (!select_service_tier(off, list, service_tier, m.line, why)) return false;
  off.discount = discount_for(p, o, m.provider);
  return true;
}

}  // namespace

std::optional<TokenOffering> token_offering(const Option& o, const Profile& p, const PriceSheet& sheet,
                                            std::string* why) {
  return std::visit([&](const auto& k) { return detail::token_offering(k, o, p, sheet, why); }, o.spec);
}

namespace detail {
bool fill_offering(TokenOffering& off, const ApiModel& m, const std::string& model, const TokenPrices& list,
                   const std::optional<std::string>& rate_tier, const std::optional<std::string>& service_tier,
                   const Profile& p, const Option& o, const PriceSheet& sheet, std::string* why) {
  return fill_entry(off, m, model, list, rate_tier, service_tier, p, o, sheet, why);
}

bool fill_offering(TokenOffering& off, const ManagedOffering& m, const std::string& model, const TokenPrices& list,
                   const std::optional<std::string>& rate_tier, const std::optional<std::string>& service_tier,
                   const Profile& p, const Option& o, const PriceSheet& sheet, std::string* why) {
  return fill_entry(off, m, model, list, rate_tier, service_tier, p, o, sheet, why);
}
}  // namespace detail

std::optional<std::string> token_exclusion(const Profile& p, const PriceSheet& sheet, const TokenOffering& off,
                                           const Workload& w) {
  if (auto why = air_gapped_exclusion(w, off.sheet_id)) return why;
  const auto& policy = p.policy.self_hosted_only;
  if (has_data_class(policy, w.data_class))
    return fmt::format("workload '{}' has data class '{}', which the profile's policy keeps on self-hosted GPUs "
                       "(policy.self_hosted_only at {}:{})",
                       w.id, w.data_class, p.policy.loc.file, p.policy.loc.line);
  if (off.data_classes && !off.data_classes->empty() && !has_data_class(*off.data_classes, w.data_class))
    return fmt::format("workload '{}' has data class '{}', which {} may not receive (allowed: {}; {})", w.id,
                       w.data_class, off.sheet_id, fmt::join(*off.data_classes, ", "), sheet.cite(off.line));
  // The context limit is an input limit (the vendors publish max input and max output
  // tokens separately).
  if (off.context_tokens && w.input_tokens > *off.context_tokens)
    return fmt::format("workload '{}' sends {:.0f} input tokens per request; {} accepts at most {:.0f} ({})", w.id,
                       w.input_tokens, off.sheet_id, *off.context_tokens, sheet.cite(off.line));
  if (off.max_output_tokens && w.output_tokens > *off.max_output_tokens)
    return fmt::format("workload '{}' expects {:.0f} output tokens per request; {} returns at most {:.0f} ({})", w.id,
                       w.output_tokens, off.sheet_id, *off.max_output_tokens, sheet.cite(off.line));
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
    int tier_line = 0;
    const TokenPrices& prices = prices_for_request(*off.prices, l.w->input_tokens, &tier_line);
    if (tier_line)
      tc.notes.push_back(fmt::format("workload '{}' ({:.0f} input tokens per request) is priced wholly at the "
                                     "long-context tier of {} ({}:{})",
                                     l.w->id, l.w->input_tokens, off.sheet_id, off.sheet_path, tier_line));
    if (l.w->cache_write_1h && l.w->cache_write_share > 0 && prices.cache_write_per_mtok &&
        !prices.cache_write_1h_per_mtok)
      tc.notes.push_back(fmt::format("workload '{}' writes the cache for 1 hour; {} lists no 1-hour cache-write "
                                     "price, so the 5-minute price is used",
                                     l.w->id, off.sheet_id));
    tc.cost += scaled(token_cost(*l.w, prices, interactive, batch), price_factor(off.discount));
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
