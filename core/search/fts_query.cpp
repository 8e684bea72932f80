#include "search/fts_query.h"

#include "common/cjk_terms.h"
#include "common/fts_words.h"

#include <algorithm>
#include <iterator>

namespace strata::search {
namespace {

// Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.
constexpr std::string_view kLuceneStopWords[] = {
    "a",    "an",   "and",   "are",  "as",   "at",    "be",   "but",   "by",   "for", "if",
    "in",   "into", "is",    "it",   "no",   "not",   "of",   "on",    "or",   "such", "that",
    "the",  "their", "then", "there", "these", "they", "this", "to",   "was",  "will", "with"};

// The personal and possessive pronouns Lucene's set leaves out: a question's words about who
// asks ("how do I ... in my ..."), not about what. Left out of queries, they gain keyword search
// on four of bench/search_screen.py's nine sets and lose on none (nDCG@10: LISA +0.033, CACM
// +0.005, CISI +0.005, NPL +0.001; MED, SciFact and the manuals unchanged; BENCHMARKS.md
// "search quality"). Other function words were measured and left in: auxiliaries, modals, question
// words and clitics ("how", "must", the "s" of "client's") find pages of manuals.
constexpr std::string_view kPronouns[] = {
    "i",     "me",    "my",      "myself", "we",       "our",        "ours",  "ourselves", "you",
    "your",  "yours", "yourself", "yourselves", "he",  "him",        "his",   "himself",   "she",
    "her",   "hers",  "herself", "its",    "itself",   "them",       "theirs", "themselves"};

bool is_stop_word(std::string_view lower) {
  return std::ranges::find(kLuceneStopWords, lower) != std::end(kLuceneStopWords) ||
         std::ranges::find(kPronouns, lower) != std::end(kPronouns);
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
