#pragma once
// The largest figures a profile takes (private to plan_io): the profile loader rejects a
// workload above them, and the usage importers reject a row that would give one, so that an
// imported profile always loads.
#include <cstddef>

namespace plan::io::profile_limits {

// Above these a figure is a typo, not a workload.
constexpr double max_tokens_per_day = 1e15;
constexpr double max_requests_per_day = 1e12;
constexpr double max_tokens_per_request = 1e8;

}  // namespace plan::io::profile_limits
