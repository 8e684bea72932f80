#include "search/fts_query.h"

#include "common/cjk_terms.h"
#include "common/fts_words.h"

namespace strata::search {
namespace {

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
  auto add = [&](std::string_view term) {
    std::string key(term);
    for (char& c : key) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    const bool stop = options.drop_stop_words && is_stop_word(key);
    std::vector<std::string>& into = stop ? stop_words : terms;
    if (into.size() < kMaxQueryTerms) into.emplace_back(term);
  };
  std::vector<std::string_view> cjk;
  for_each_fts_word(text, [&](std::string_view word) {
    cjk.clear();
    if (!cjk_terms_of_word(word, cjk)) {
      add(word);
      return;
    }
    for (std::string_view t : cjk) add(t);
  });
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
