#pragma once
// The one-line excerpt `strata search` prints for a hit: the stretch of the chunk that holds the
// most distinct query terms, made safe to print.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::search {

inline constexpr std::size_t kSnippetBytes = 200;

// At most about `width` bytes of `text` (plus an ellipsis at a cut end) around the window with
// the most distinct `terms` (matched without ASCII case at a word start; a term of 6 letters or
// more also by its prefix without the last 3, so "migrations" finds "migrating" as the porter
// stemmer would), the start of the text when none occurs. The result is one line of valid
// UTF-8: line breaks, tabs and other C0/C1 controls become spaces, bidirectional overrides and
// isolates are dropped, runs of spaces become one, invalid bytes become U+FFFD.
std::string make_snippet(std::string_view text, const std::vector<std::string>& terms,
                         std::size_t width = kSnippetBytes);

}  // namespace strata::search
