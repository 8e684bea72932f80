#pragma once
// Lines of offsets asked in increasing order, each byte counted once: position_of (text.h) from
// the start for each of n findings in a long text is n passes over it (a 2 MB script with 4,800
// findings took 7 s).
#include <algorithm>
#include <cstddef>
#include <string_view>

namespace strata {

class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}

  // position_of(text, offset).line; an offset before the previous one counts again from the start.
  std::size_t line_of(std::size_t offset) {
    const std::size_t end = std::min(offset, text_.size());
    if (end < offset_) {
      offset_ = 0;
      line_ = 1;
    }
    line_ += static_cast<std::size_t>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(offset_),
                                                  text_.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
    offset_ = end;
    return line_;
  }

 private:
  std::string_view text_;
  std::size_t offset_ = 0;  // the newlines before it are counted in line_
  std::size_t line_ = 1;
};

}  // namespace strata
