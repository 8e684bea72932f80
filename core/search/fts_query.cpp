#include "search/fts_query.h"

#include "common/cjk_terms.h"
#include "common/fts_words.h"
#include "common/symbol_terms.h"
#include "search/fts_compounds.h"

#include <algorithm>
#include <string>
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
  const auto add = [&out](std::string_view term) {
    if (!out.empty()) out += " OR ";
    // Terms hold no ASCII punctuation (the whole terms of names are letters and digits) and
    // compounds only '.', '+' and '-', so no '"' to double inside the string.
    out += '"';
    out += term;
    out += '"';
  };
  const std::vector<std::string> terms = fts_terms(text, options);
  for (const std::string& term : terms) add(term);
  if (terms.empty()) return out;
  // The whole terms of names such as C++ (common/symbol_terms.h), each once: single tokens, so
  // they come before the phrases.
  for (const std::string& symbol : symbol_query_terms(text)) add(symbol);
  // The compounds (search/fts_compounds.h) after every term, each once: a phrase adds its share
  // last on both stores, so PostgreSQL's sum is SQLite's to the last bit (store/postgres/pg_bm25.h).
  for (const std::string& compound : fts_compound_terms(text)) add(compound);
  return out;
}

namespace {

// ---- compounds (search/fts_compounds.h) ----

bool joins_a_compound(char c) { return c == '.' || c == '+' || c == '-'; }

bool all_ascii(std::string_view word) {
  return std::all_of(word.begin(), word.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool has_digit(std::string_view word) {
  return std::any_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The words of one run so far: text[start, end), how many, whether one holds a digit.
struct Run {
  std::size_t start = 0, end = 0, words = 0;
  bool digit = false, ascii = true;
};

}  // namespace

std::vector<std::string> fts_compound_terms(std::string_view text) {
  std::vector<std::string> out;
  Run run;
  const auto flush = [&] {
    if (run.words >= 2 && run.digit && run.ascii && out.size() < kMaxCompoundTerms) {
      std::string term(text.substr(run.start, run.end - run.start));
      if (std::find(out.begin(), out.end(), term) == out.end()) out.push_back(std::move(term));
    }
    run = Run{};
  };
  for_each_fts_word(text, [&](std::string_view word) {
    const auto start = static_cast<std::size_t>(word.data() - text.data());
    const bool continues = run.words > 0 && start == run.end + 1 && joins_a_compound(text[run.end]);
    if (!continues) {
      flush();
      run.start = start;
    }
    run.end = start + word.size();
    ++run.words;
    run.digit = run.digit || has_digit(word);
    run.ascii = run.ascii && all_ascii(word);
  });
  flush();
  return out;
}

}  // namespace strata::search
