#pragma once
// Checking an answer's citations: `strata ask` numbers its sources [1..n] and asks the model to
// cite them; afterwards every marker in the answer is found and a number that matches no source
// is flagged, so a user can see an invented citation.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::llm {

// One marker as written: "[2]", "[1, 3]", "[2-4]" (also with an en dash or semicolons).
struct CitationMarker {
  std::size_t offset = 0, length = 0;  // bytes of the answer, brackets included
  std::vector<std::size_t> numbers;    // in the order written, ranges expanded
};

struct CitationReport {
  std::vector<CitationMarker> markers;  // in answer order
  std::vector<std::size_t> cited;       // distinct numbers in 1..source_count, ascending
  std::vector<std::size_t> unknown;     // distinct numbers outside 1..source_count, ascending
  std::vector<std::size_t> uncited;     // sources in 1..source_count never cited, ascending
};

// Largest range a marker may span ("[1-50]"); a wider one is not read as a citation.
inline constexpr std::size_t kMaxCitationRange = 50;

// Finds the citation markers of `answer` and checks them against sources 1..source_count.
// A marker may follow a word directly ("capital[1]", "東京[2]"), as models often write them. Not
// markers: brackets holding anything but numbers, commas, semicolons, dashes and spaces; a
// Markdown link "[1](url)" or reference "[text][1]" (a bracket right after a bracket that is not
// a citation; "[1][2]" is two citations); anything inside `inline code` or a ``` / ~~~ fenced
// block, where `a[1]` is code.
CitationReport check_citations(std::string_view answer, std::size_t source_count);

// `answer` without its citation markers (as check_citations finds them, with the space before
// each): an earlier answer sent again in a conversation, whose [1] named a source of its own
// turn and would collide with this turn's [1].
std::string without_citations(std::string_view answer);

}  // namespace strata::llm
