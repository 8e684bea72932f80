#include "common/cjk_terms.h"

#include <algorithm>
#include <iterator>

#include "common/fts_words.h"

namespace strata {
namespace {

struct Range {
  std::int32_t first, last;
};

// Ascending; migrations/0007 spells the same class as a GLOB (tested).
constexpr Range kCjkRanges[] = {
    {0x1100, 0x11FF},    // Hangul Jamo
    {0x3005, 0x3007},    // 々 〆 〇
    {0x3040, 0x30FF},    // Hiragana, Katakana
    {0x3130, 0x318F},    // Hangul Compatibility Jamo
    {0x31F0, 0x31FF},    // Katakana Phonetic Extensions
    {0x3400, 0x4DBF},    // CJK Unified Ideographs Extension A
    {0x4E00, 0x9FFF},    // CJK Unified Ideographs
    {0xA960, 0xA97F},    // Hangul Jamo Extended-A
    {0xAC00, 0xD7FF},    // Hangul Syllables, Hangul Jamo Extended-B
    {0xF900, 0xFAFF},    // CJK Compatibility Ideographs
    {0xFF66, 0xFFDC},    // half-width Katakana and Hangul
    {0x20000, 0x3FFFF},  // the Supplementary and Tertiary Ideographic Planes
};

// The first byte of the UTF-8 form of every code point above is at least 0xE1 (U+1100 is
// E1 84 80): text without such a byte has no CJK character, checked without decoding.
bool may_hold_cjk(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xE1; });
}

}  // namespace

bool is_cjk(std::int32_t cp) {
  if (cp < kCjkRanges[0].first) return false;
  const Range* r = std::upper_bound(std::begin(kCjkRanges), std::end(kCjkRanges), cp,
                                    [](std::int32_t v, const Range& x) { return v < x.first; });
  return r != std::begin(kCjkRanges) && cp <= std::prev(r)->last;
}

bool cjk_terms_of_word(std::string_view word, std::vector<std::string_view>& out) {
  if (!may_hold_cjk(word)) return false;
  const std::size_t first = out.size();
  bool any = false;
  std::size_t piece = 0;           // start of the current non-CJK piece
  std::size_t run = 0, run_n = 0;  // start of the current CJK run, and its length in characters
  std::size_t prev = 0;            // start of the previous character
  std::size_t i = 0;
  auto end_run = [&](std::size_t at) {
    if (run_n == 1) out.push_back(word.substr(run, at - run));
    run_n = 0;
  };
  while (i < word.size()) {
    std::int32_t cp = 0;
    std::size_t len = decode_utf8_at(word, i, cp);
    if (len == 0) len = 1;  // not for a word of for_each_fts_word; kept in the piece if ever
    if (is_cjk(cp)) {
      any = true;
      if (piece < i && run_n == 0) out.push_back(word.substr(piece, i - piece));
      if (run_n == 0) run = i;
      if (run_n > 0) out.push_back(word.substr(prev, i + len - prev));  // the bigram ending here
      ++run_n;
      piece = i + len;
    } else if (run_n > 0) {
      end_run(i);
      piece = i;
    }
    prev = i;
    i += len;
  }
  if (!any) {
    out.resize(first);
    return false;
  }
  if (run_n > 0) {
    end_run(i);
  } else if (piece < i) {
    out.push_back(word.substr(piece));
  }
  return true;
}

std::string cjk_index_terms(std::string_view text) {
  std::string out;
  if (!may_hold_cjk(text)) return out;
  std::vector<std::string_view> terms;
  for_each_fts_word(text, [&](std::string_view word) {
    terms.clear();
    if (!cjk_terms_of_word(word, terms)) return;
    for (std::string_view t : terms) {
      if (!out.empty()) out += ' ';
      out.append(t);
    }
  });
  return out;
}

}  // namespace strata
