#pragma once
// JSON fields shared by the reports' per-option objects. Private to plan_report.
#include "plan/core/data/profile.hpp"
#include "plan/report/json.hpp"

namespace plan::report {

// Opens an option's object with the fields that name it; compare and project write the same
// ones so that a reader can join their documents on them.
template <typename Option>
void begin_option_object(JsonWriter& j, const Option& o) {
  j.begin_object();
  j.field("id", o.id);
  j.field("kind", to_string(o.kind));
  j.field("what", o.what);
  j.field("feasible", o.feasible);
}

// The price of a plan: monthly cost and cost per 1M tokens, both null where it is infeasible
// (an infeasible plan has no price; docs/compare-json.md).
inline void price_fields(JsonWriter& j, bool feasible, double monthly_cost_usd, double cost_per_mtok_usd) {
  if (feasible) {
    j.money("monthly_cost_usd", monthly_cost_usd);
    j.key("cost_per_mtok_usd").value_fixed(cost_per_mtok_usd, 4);
  } else {
    j.key("monthly_cost_usd").null();
    j.key("cost_per_mtok_usd").null();
  }
}

}  // namespace plan::report
