#pragma once
// The offline answer of `strata ask` when no model is configured: the sentences of the
// retrieved sources that best match the question, each followed by its citation [n].
//
// Scoring: BM25 (k1 1.2, b 0.75) over the candidate sentences of all sources, on lower-cased
// terms with English stop words removed and a light suffix-stripping stemmer (so "indexes",
// "indexing" and "indexed" meet "index"; a CamelCase name also gives its parts, "TestClient"
// test and client), times a small bonus for the source's rank
// (1 + 0.15 / n for source [n]). Sentences under 3 words (headings, labels) or mostly symbols
// (code) are not candidates. The best are picked greedily within the budgets, skipping one
// that repeats a picked sentence's terms (Jaccard >= 0.7) or scores under a quarter of the best,
// and are printed in source order, then document order, so the answer reads as the documents do,
// except that the best sentence introducing code (a command), when it scores at least half the
// best, leads: the instruction a reader acts on comes first. For "how do I X" ("how to X"), the
// one that says all of X's terms, best one opening with X's first ("Roll back the newest
// migration, ...:" for "how do I roll back a migration"), leads when it scores a quarter of the
// best, whatever its score among the others.
// A sentence is quoted as a reader sees it: inline Markdown and HTML (backticks, stars, links,
// tags, MkDocs includes) are dropped, and a sentence that ends with a colon keeps the fenced code
// block it introduces (up to 40 lines), printed after it, or the shell examples it introduces
// (lines starting with a "$ " prompt, as man pages show them, which are code and never
// candidates). A sentence holding the whole question word for word, from its question word on
// ("how do I ..."), quotes it as an example of asking it: its score is a tenth.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "llm/context_pack.h"

namespace strata::llm {

struct ExtractiveOptions {
  std::size_t max_sentences = 5;  // Default: 5.
  std::size_t max_chars = 1200;   // bytes of sentence text, citations excluded. Default: 1200.
};

struct ExtractedSentence {
  std::size_t source = 0;  // the n of [n]
  std::size_t offset = 0;  // bytes into that source's text
  std::string text;        // whitespace folded, list and heading markers and inline markup dropped
  double score = 0.0;
  std::string code;        // the fenced code block the sentence introduces (it ends in ':'), or ""
};

struct ExtractiveAnswer {
  std::string text;                          // the answer, citations included
  std::vector<ExtractedSentence> sentences;  // in answer order
  // False when no sentence shares a term with the question: `text` then holds the opening
  // sentences of source [1] (if any), and the caller should say nothing matched closely.
  bool matched = false;
};

ExtractiveAnswer extractive_answer(std::string_view question, std::span<const Source> sources,
                                   const ExtractiveOptions& options = {});

// How well a source could answer a question as extractive_answer would quote it. Compared member
// by member: a passage that answers the question's kind comes before one that only shares its
// words.
struct ExtractiveEvidence {
  // How well its best sentence fits what the question's kind asks for, as the answer's lead
  // rules rank sentences, as a rank among the sources scored together: 0 when none fits or the
  // kind has no such rule; higher fits better. The kinds: a default question (a sentence that
  // states a default of its subject, its entry's first), "which X for Y" with X a name given as
  // written (a sentence that assigns X a value: "X must be set to V", "set X to V", for Y), "how
  // do I X" (a sentence that introduces code, or ends its passage with ':', holding all of X's
  // terms; one opening with X's first fits better).
  std::size_t fit = 0;
  double score = 0.0;  // its best sentence's score; 0 when no sentence shares a term
  auto operator<=>(const ExtractiveEvidence&) const = default;
};

// The evidence of each of `sources` for `question`, in their order, all of `sources` scored
// together as one answer's candidates are: a pool of passages deeper than an answer packs can
// be ranked by the answer's own rules before packing.
std::vector<ExtractiveEvidence> extractive_evidence(std::string_view question, std::span<const Source> sources,
                                                    std::size_t max_chars = ExtractiveOptions{}.max_chars);

// The stemmer and stop-word filter the scoring uses, exposed for tests: lower-cased terms of
// `text` without stop words, each stemmed.
std::vector<std::string> extractive_terms(std::string_view text);

// The names `question` gives as written, lower-cased: a word joined by '_' or '.' to another
// ("max_connections", "http.server"), or a CamelCase one ("DictReader"); in the order given.
std::vector<std::string> extractive_identifiers(std::string_view question);

// The words of `text` that are not stop words (question words such as "how" and "which"
// included), as written: letters and digits, a non-ASCII byte counting as a letter.
std::vector<std::string> extractive_content_words(std::string_view text);

}  // namespace strata::llm
