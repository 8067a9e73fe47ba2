// lib/core/src/base/suggest.cpp: edit distance and the nearest known name.
#include <catch2/catch.hpp>

#include "plan/core/base/suggest.hpp"

using namespace plan;

TEST_CASE("edit_distance counts insertions, deletions, substitutions and adjacent swaps", "[suggest]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("", "abc") == 3);        // three insertions
  CHECK(edit_distance("compare", "compare") == 0);
  CHECK(edit_distance("comapre", "compare") == 1);  // "ap" -> "pa": one swap
  CHECK(edit_distance("compar", "compare") == 1);   // one insertion ('e')
  CHECK(edit_distance("cmopare", "compare") == 1);  // "mo" -> "om": one swap
  CHECK(edit_distance("kitten", "sitting") == 3);   // k->s, e->i, +g (the textbook example)
  CHECK(edit_distance("ca", "abc") == 3);           // OSA: no edit of a swapped pair, so 3 (not 2)
}

TEST_CASE("suggestion_limit grows with the word", "[suggest]") {
  CHECK(suggestion_limit("run") == 1);        // 3 characters: up to 4 -> 1
  CHECK(suggestion_limit("compare") == 2);    // 7 characters: up to 8 -> 2
  CHECK(suggestion_limit("breakeven") == 2);  // 9 characters: 9 / 4 = 2
  CHECK(suggestion_limit("--no-calibration") == 4);  // 16 characters: 16 / 4 = 4
}

TEST_CASE("nearest_name picks the closest name within the limit", "[suggest]") {
  const std::vector<std::string> cmds{"compare", "prices", "recommend", "report", "project", "breakeven",
                                      "sweep", "diff", "perf", "calibrate", "completion"};
  CHECK(nearest_name("comapre", cmds) == std::optional<std::string>("compare"));  // 1 swap
  CHECK(nearest_name("reprot", cmds) == std::optional<std::string>("report"));    // 1 swap
  CHECK(nearest_name("swep", cmds) == std::optional<std::string>("sweep"));       // 1 insertion
  CHECK(nearest_name("pref", cmds) == std::optional<std::string>("perf"));  // "re" -> "er": 1 swap
  // Nothing within 2 edits of a 6-letter word that is no command.
  CHECK_FALSE(nearest_name("zzzzzz", cmds).has_value());
  // A name already known is no typo.
  CHECK_FALSE(nearest_name("diff", cmds).has_value());
  // "difff" is 1 substitution from "diffs" and 1 deletion from "diff": the first of equals wins.
  CHECK(nearest_name("difff", {"diffs", "diff"}) == std::optional<std::string>("diffs"));
}
