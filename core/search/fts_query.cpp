#include "search/fts_query.h"

#include <utf8proc.h>

#include <cstdint>
#include <unordered_set>

namespace strata::search {
namespace {

bool is_ascii_token_char(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// unicode61's default token categories are L*, N* and Co; marks are kept too because
// remove_diacritics folds them into the letter before them, and a mark FTS5 itself treats as a
// separator only turns the quoted term into a phrase, which is still valid.
bool is_token_code_point(std::int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_CO:
      return true;
    default:
      return false;
  }
}

// The length of the valid UTF-8 sequence at `i` (its code point in `cp`), or 0 when the byte at
// `i` does not start one.
std::size_t decode(std::string_view s, std::size_t i, std::int32_t& cp) {
  const utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

// Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.
bool is_stop_word(std::string_view lower) {
  static constexpr std::string_view kStopWords[] = {
      "a",    "an",   "and",   "are",  "as",   "at",    "be",   "but",   "by",   "for", "if",
      "in",   "into", "is",    "it",   "no",   "not",   "of",   "on",    "or",   "such", "that",
      "the",  "their", "then", "there", "these", "they", "this", "to",   "was",  "will", "with"};
  for (std::string_view w : kStopWords) {
    if (w == lower) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> fts_terms(std::string_view text, const FtsQueryOptions& options) {
  std::vector<std::string> terms, stop_words;  // the stop words are kept in case nothing else is
  std::unordered_set<std::string> seen;
  std::string term;
  auto flush = [&] {
    if (term.empty()) return;
    std::string key = term;
    for (char& c : key) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    const bool stop = options.drop_stop_words && is_stop_word(key);
    std::vector<std::string>& into = stop ? stop_words : terms;
    if (into.size() < kMaxQueryTerms && seen.insert(std::move(key)).second) into.push_back(term);
    term.clear();
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (is_ascii_token_char(c)) {
        term.push_back(static_cast<char>(c));
      } else {
        flush();
      }
      ++i;
      continue;
    }
    std::int32_t cp = 0;
    const std::size_t len = decode(text, i, cp);
    if (len == 0) {  // invalid UTF-8: a separator, never passed on to SQLite
      flush();
      ++i;
      continue;
    }
    if (is_token_code_point(cp)) {
      term.append(text.substr(i, len));
    } else {
      flush();
    }
    i += len;
  }
  flush();
  return terms.empty() ? stop_words : terms;
}

std::string fts_match_expression(std::string_view text, const FtsQueryOptions& options) {
  std::string out;
  for (const std::string& term : fts_terms(text, options)) {
    if (!out.empty()) out += " OR ";
    // Terms hold no ASCII punctuation, so no '"' to double inside the string.
    out += '"';
    out += term;
    out += '"';
  }
  return out;
}

}  // namespace strata::search
