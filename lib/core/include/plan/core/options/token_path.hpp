#pragma once
// The pay-per-token path: one function prices traffic on an offering billed per token and
// checks what the offering accepts (rate limits hour by hour, context, data classes, the
// workloads' accepted models). API options, managed on-demand options and a hybrid's
// overflow all go through it.
#include <optional>
#include <string>
#include <vector>

#include "plan/core/options/cost.hpp"
#include "plan/core/data/price_sheet.hpp"
#include "plan/core/data/profile.hpp"
#include "plan/core/data/traffic.hpp"

namespace plan {

// A sheet entry billed per token, as an option names it.
struct TokenOffering {
  std::string sheet_id;     // api_models or managed id
  std::string label;        // "provider model"
  std::string model;        // the model it serves
  std::string provider;     // the sheet's provider name
  std::string sheet_path;   // the sheet's file, for citations
  // The list prices used: the entry's, or the service tier the option selects.
  const TokenPrices* prices = nullptr;
  const std::vector<RateLimit>* limits = nullptr;
  std::optional<std::string> tier;
  std::optional<double> context_tokens;     // input limit (the sheet's context)
  std::optional<double> max_output_tokens;  // output limit
  const std::vector<std::string>* data_classes = nullptr;  // empty = any
  int line = 0;             // price-sheet line of the prices used (the entry's or its service tier's)
  // Negotiated discount off the list prices (cost x (1 - fraction)); absent = list price.
  std::optional<AppliedDiscount> discount;
};

// The offering of a pay-per-token option, with the profile's discount for it; nullopt with
// `why` when the sheet lacks it, it was retired before the sheet's date, or it has no
// service tier of the name the option selects.
std::optional<TokenOffering> token_offering(const Option& o, const Profile& p, const PriceSheet& sheet,
                                            std::string* why);

// Why workload `w` may not be sent to `off` (profile policy, the entry's data classes, its
// context, the workload's accepted models); nullopt when it may.
std::optional<std::string> token_exclusion(const Profile& p, const PriceSheet& sheet, const TokenOffering& off,
                                           const Workload& w);

// What traffic costs on the offering and whether the offering takes it.
struct TokenCosting {
  TokenCost cost;
  std::optional<RateCheck> rate_check;  // absent when the sheet lists no limits
  std::vector<std::string> exceeded;    // limits exceeded, one message each
  std::vector<std::string> notes;       // long-context tiers applied, missing 1-hour cache prices
};

// Prices `lanes`, each sending `split[i]`'s overflow share (or, without a split, all of its
// traffic) to the offering, and checks the rate limits hour by hour.
TokenCosting price_tokens(const TokenOffering& off, const std::vector<Lane>& lanes, const Split* split);

}  // namespace plan
