#pragma once
// How wide UTF-8 text is on a terminal, for tables that must fit its width: most characters take
// one column, East Asian wide and fullwidth characters (and most emoji) two, combining marks and
// other zero-width characters none (utf8proc's character widths). A byte that is not valid UTF-8
// counts as one column, as terminals show a replacement character for it.
#include <cstddef>
#include <string>
#include <string_view>

namespace strata {

std::size_t display_width(std::string_view text);

// `text` when it fits in `columns`; else its longest start that fits in `columns - 1`, followed
// by "…" (one column). Never cuts a character in two. "" when `columns` is 0.
std::string fit_to_width(std::string_view text, std::size_t columns);

}  // namespace strata
