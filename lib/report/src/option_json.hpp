#pragma once
// JSON fields shared by the reports' per-option objects. Private to plan_report.
#include "plan/core/profile.hpp"
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

}  // namespace plan::report
