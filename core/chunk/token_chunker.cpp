// token: windows of `size` tokens with `overlap` tokens repeated, each edge moved to the nearest
// grapheme boundary so no chunk holds part of a character. Tokens come from one tokenization of
// large blocks of the input (bounded memory); every chunk is then counted on its own, and a
// window whose own count exceeds the size (BPE is context-sensitive at the edges) gives up
// tokens from its end until it fits. Also the last level of every other strategy in unit tokens.
#include <algorithm>

#include "chunk/engine.h"

namespace strata::chunk::detail {

void Engine::token_windows(std::size_t a, std::size_t b) {
  const tokenizer::Tokenizer& tok = *measure_.tokenizer();
  std::vector<std::size_t> ends;  // absolute end of each token of the block
  std::size_t base = a, block_end = a;
  std::size_t block_len = std::max<std::size_t>(std::size_t{1} << 22, size_ * 64);
  auto load = [&](std::size_t from) {
    const std::size_t to = from + block_len >= b ? b : std::min(b, bounds_.ceil(from + block_len));
    ends = tok.token_ends(text_.substr(from, to - from));
    for (std::size_t& e : ends) e += from;
    base = from;
    block_end = to;
  };
  auto count = [&](std::size_t x, std::size_t y) { return tok.count(text_.substr(x, y - x)); };

  load(a);
  std::size_t s = a, ti = 0, prev_end = a;
  while (s < b) {
    ti = static_cast<std::size_t>(std::upper_bound(ends.begin(), ends.end(), s) - ends.begin());
    if (block_end < b && ti + size_ + 1 >= ends.size()) {
      if (s == base) block_len *= 2;  // the block cannot hold one window: make it larger
      load(s);
      continue;
    }
    std::size_t k = std::min(ti + size_, ends.size());  // the window is tokens [ti, k)
    const std::size_t target = ends[k - 1];
    const std::size_t f = bounds_.floor(target), c = bounds_.ceil(target);
    std::size_t e = (c - target < target - f || f <= s) ? c : f;
    std::size_t n = 0;
    bool oversized = false;
    while (true) {
      n = count(s, e);
      if (n <= size_) break;
      while (k > ti && ends[k - 1] >= e) --k;
      const std::size_t shorter = k > ti ? bounds_.floor(ends[k - 1]) : s;
      if (shorter <= s) {
        e = bounds_.next(s);  // one grapheme: it may be larger than the size on its own
        n = count(s, e);
        oversized = n > size_;
        break;
      }
      e = shorter;
    }
    if (e <= prev_end && s < prev_end) {
      s = prev_end;  // the overlap left no room for anything new: drop it
      continue;
    }
    emit(s, e, oversized, n, section);
    prev_end = e;
    if (e >= b) break;
    if (overlap_ == 0) {
      s = e;
      continue;
    }
    // Overlap: the last whole tokens before e, at most `overlap` of them.
    const auto done =
        static_cast<std::size_t>(std::upper_bound(ends.begin(), ends.end(), e) - ends.begin());
    std::size_t j = done > overlap_ ? done - overlap_ : 0;
    std::size_t ns = bounds_.ceil(j == 0 ? base : ends[j - 1]);
    while (ns < e && (ns <= s || count(ns, e) > overlap_)) {
      while (j < ends.size() && ends[j] <= ns) ++j;
      ns = j < ends.size() ? std::min(e, bounds_.ceil(ends[j])) : e;
    }
    s = ns;
  }
}

}  // namespace strata::chunk::detail
