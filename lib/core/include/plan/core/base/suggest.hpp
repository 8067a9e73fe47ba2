#pragma once
// "Did you mean ...?": the known name nearest to a mistyped one.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plan {

// Optimal string alignment distance: the fewest insertions, deletions, substitutions and
// swaps of two adjacent characters that turn `a` into `b` (each counts 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The most edits a name may be from `word` and still be suggested: 1 for words of up to
// 4 characters, 2 up to 8, then a quarter of the word's length (rounded down).
std::size_t suggestion_limit(std::string_view word);

// The name in `names` nearest to `word` within suggestion_limit(word); on a tie the first
// in `names`. nullopt when none is that near, or when `word` is itself one of `names`.
std::optional<std::string> nearest_name(std::string_view word, const std::vector<std::string>& names);

}  // namespace plan
