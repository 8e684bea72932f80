#pragma once
// Words as SQLite FTS5's `unicode61` tokenizer delimits them (the tokenizer under the store's
// keyword index, migrations/0005 and 0007): runs of token characters (ASCII letters and digits;
// non-ASCII letters, numbers, marks and private use characters), split at everything else
// (ASCII punctuation and controls, Unicode spaces, punctuation and symbols, invalid UTF-8).
// Words keep their case and accents: FTS5 folds both itself. The query builder
// (search/fts_query.h) and the CJK terms of the index (common/cjk_terms.h) both walk text this
// way, so what one cuts the other sees the same.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace strata {

// True for a code point unicode61 keeps in a token by default (categories L*, M*, N* and Co).
// Marks are kept because remove_diacritics folds them into the letter before them.
bool is_fts_word_code_point(std::int32_t cp);

// The length of the valid UTF-8 sequence at `text[i]` (its code point in `cp`), or 0 when the
// byte at `i` does not start one. REQUIRES: i < text.size().
std::size_t decode_utf8_at(std::string_view text, std::size_t i, std::int32_t& cp);

// Calls f(word) for each word of `text`, in order; `word` is a view into `text`, always valid
// UTF-8 and never empty. Any bytes are accepted.
template <typename F>
void for_each_fts_word(std::string_view text, F&& f) {
  std::size_t start = 0, end = 0;  // the current word: text[start, end)
  auto flush = [&](std::size_t next) {
    if (end > start) f(text.substr(start, end - start));
    start = end = next;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      const bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      ++i;
      if (word) {
        end = i;
      } else {
        flush(i);
      }
      continue;
    }
    std::int32_t cp = 0;
    const std::size_t len = decode_utf8_at(text, i, cp);
    if (len == 0) {  // invalid UTF-8: a separator, never part of a word
      flush(++i);
      continue;
    }
    i += len;
    if (is_fts_word_code_point(cp)) {
      end = i;
    } else {
      flush(i);
    }
  }
  flush(i);
}

}  // namespace strata
