// Sentence boundaries, by rule: a run of stops (. ! ? … and the CJK 。！？), then any closing
// quotes or brackets, then whitespace. Not a boundary: a known abbreviation ("e.g.", "Dr.",
// "etc." before a lower-case word, ...), a single-letter initial ("J. Smith"), a word with inner
// dots ("U.S."), a stop followed by a lower-case letter, a decimal ("3.14": no whitespace). A
// blank line always ends a sentence. The sentence strategy packs these; paragraph uses them for
// a paragraph that is too large.
#include <utf8proc.h>

#include <array>
#include <cctype>

#include "chunk/engine.h"

namespace strata::chunk::detail {
namespace {

// Abbreviations that (almost) never end a sentence, lower case, without the final dot.
constexpr std::string_view kAbbreviations[] = {
    "mr",   "mrs",  "ms",  "dr",    "prof", "sr",   "jr",   "st",    "mt",   "vs",  "v",
    "e.g",  "i.e",  "cf",  "viz",   "al",   "fig",  "figs", "no",    "nos",  "vol", "vols",
    "p",    "pp",   "ch",  "sec",   "eq",   "eqs",  "ed",   "eds",   "approx", "ca", "dept",
    "est",  "inc",  "ltd", "co",    "corp", "gen",  "gov",  "sen",   "rep",  "capt", "lt",
    "col",  "sgt",  "rev", "hon",   "ave",  "resp", "op"};

bool is_abbreviation(std::string_view word) {
  std::array<char, 16> lower{};
  if (word.empty() || word.size() > lower.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(word[i])));
  }
  const std::string_view w(lower.data(), word.size());
  for (std::string_view a : kAbbreviations) {
    if (a == w) return true;
  }
  return false;
}

bool is_lowercase_at(std::string_view t, std::size_t p) {
  const auto c = static_cast<unsigned char>(t[p]);
  if (c < 0x80) return c >= 'a' && c <= 'z';
  std::size_t len = 0;
  return utf8proc_category(decode_at(t, p, len)) == UTF8PROC_CATEGORY_LL;
}

// The length of a stop at p (0 when there is none); `cjk` tells a stop that needs no space.
std::size_t stop_at(std::string_view t, std::size_t p, bool& cjk, bool& dot_only) {
  const char c = t[p];
  cjk = false;
  if (c == '.') return 1;
  if (c == '!' || c == '?') {
    dot_only = false;
    return 1;
  }
  const std::string_view rest = t.substr(p, 3);
  if (rest == "\xE2\x80\xA6") return 3;  // … (an ellipsis counts as dots)
  if (rest == "\xE3\x80\x82" || rest == "\xEF\xBC\x81" || rest == "\xEF\xBC\x9F") {  // 。！？
    cjk = true;
    dot_only = false;
    return 3;
  }
  return 0;
}

// Bytes that may start a stop or a line feed; everything else is skipped quickly.
struct Interesting {
  bool byte[256] = {};
  constexpr Interesting() {
    for (int c : {int{'\n'}, int{'.'}, int{'!'}, int{'?'}, 0xE2, 0xE3, 0xEF}) byte[c] = true;
  }
};
constexpr Interesting kInteresting;

std::size_t closer_at(std::string_view t, std::size_t p) {
  const char c = t[p];
  if (c == '"' || c == '\'' || c == ')' || c == ']' || c == '}') return 1;
  const std::string_view rest = t.substr(p, 3);
  if (rest == "\xE2\x80\x9D" || rest == "\xE2\x80\x99" || rest == "\xE3\x80\x8D" ||
      rest == "\xE3\x80\x8F") {  // ” ’ 」 』
    return 3;
  }
  if (t.substr(p, 2) == "\xC2\xBB") return 2;  // »
  return 0;
}

}  // namespace

std::size_t sentence_end(const Boundaries& bounds, std::size_t start, std::size_t b,
                         std::size_t& next) {
  const std::string_view t = bounds.text();
  std::size_t i = start;
  while (i < b) {
    while (i < b && !kInteresting.byte[static_cast<unsigned char>(t[i])]) ++i;
    if (i >= b) break;
    const char c = t[i];
    if (c == '\n') {
      // A blank line (a whitespace run with two line feeds) ends the sentence.
      std::size_t r = i, newlines = 0;
      while (r < b && is_space(t[r])) newlines += t[r++] == '\n' ? 1u : 0u;
      if (newlines >= 2 || r == b) {
        std::size_t e = i;
        while (e > start && is_space(t[e - 1])) --e;
        if (bounds.is_boundary(e) && bounds.is_boundary(r)) {
          next = r;
          return e;
        }
      }
      i = r;
      continue;
    }
    bool cjk = false, dot_only = true;
    std::size_t len = stop_at(t, i, cjk, dot_only);
    if (len == 0) {
      ++i;
      continue;
    }
    const std::size_t stop = i;
    std::size_t k = i + len;
    std::size_t stops = 1;
    bool more_cjk = false;
    while (k < b && (len = stop_at(t, k, more_cjk, dot_only)) > 0) {
      k += len;
      ++stops;
      cjk = cjk || more_cjk;
    }
    while (k < b && (len = closer_at(t, k)) > 0) k += len;
    if (k >= b) {
      next = b;
      return b;
    }
    if (!cjk && !is_space(t[k])) {
      i = k;
      continue;
    }
    std::size_t r = k;
    while (r < b && is_space(t[r])) ++r;
    bool boundary = true;
    if (!cjk) {
      if (r < b && is_lowercase_at(t, r)) boundary = false;
      if (boundary && dot_only && stops == 1 && t[stop] == '.') {
        // The word before the dot: an abbreviation, an initial, or dotted ("U.S", "e.g").
        std::size_t w = stop;
        while (w > start && !is_space(t[w - 1])) --w;
        while (w < stop && (t[w] == '(' || t[w] == '"' || t[w] == '\'' || t[w] == '[')) ++w;
        const std::string_view word = t.substr(w, stop - w);
        const bool initial = word.size() == 1 && std::isalpha(static_cast<unsigned char>(word[0]));
        const bool dotted = word.find('.') != std::string_view::npos;
        if (initial || dotted || is_abbreviation(word)) boundary = false;
      }
    }
    if (boundary && r < b && bounds.is_boundary(k) && bounds.is_boundary(r)) {
      next = r;
      return k;
    }
    if (boundary && r >= b) {
      next = b;
      return k;
    }
    i = k > i ? k : i + 1;
  }
  std::size_t e = b;
  while (e > start && is_space(t[e - 1]) && bounds.is_boundary(e - 1)) --e;
  next = b;
  return e;
}

}  // namespace strata::chunk::detail
