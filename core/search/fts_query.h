#pragma once
// The keyword half of `strata search`: what the user typed, turned into an SQLite FTS5 MATCH
// expression. The user's text is always a query, never FTS5 syntax: `C++`, quotes, AND/OR/NOT/
// NEAR, `-`, `:`, `*`, `^`, parentheses, control characters and invalid UTF-8 can never make
// the expression a syntax error, whatever the table's tokenizer (unicode61 or porter unicode61).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::search {

// At most this many terms are kept (the first ones, in the order typed; a repeat counts): a longer
// query adds little to BM25 and costs one posting-list scan per term.
inline constexpr std::size_t kMaxQueryTerms = 64;

struct FtsQueryOptions {
  // Drop the 33 words of Lucene's English stop set ("a", "and", "the", "with", ...), as the
  // reference BM25 of bench/ does, and the personal and possessive pronouns ("I", "my", "you",
  // "your", ...), unless every term is one ("to be or not to be" keeps them). They match most
  // rows, cost the longest posting lists and add little to BM25; the pronouns say who asks, not
  // what about. Default: true.
  bool drop_stop_words = true;
};

// The terms of `text`: its words as FTS5's `unicode61 remove_diacritics 2` tokenizer delimits
// them (common/fts_words.h), except that a word with a Chinese, Japanese or Korean character in
// it gives its CJK terms instead (common/cjk_terms.h: bigrams of its CJK runs and the pieces
// around them), which the index holds in its `cjk` column: "什么是依赖注入" gives 什么 么是 是依
// 依赖 赖注 注入. Terms keep their case and accents (FTS5 folds both itself). A repeated word is
// kept each time: BM25 weighs a query term by how often the query holds it (qtf), and long
// questions say what they are about more than once; deduplicating cost 0.04 to 0.08 nDCG@10 on
// ../shared/eval's CISI, CACM and LISA (BENCHMARKS.md "search"). At most kMaxQueryTerms.
std::vector<std::string> fts_terms(std::string_view text, const FtsQueryOptions& options = {});

// An FTS5 MATCH expression for `text`: each term as a double-quoted FTS5 string, joined with OR,
// e.g. `don't "panic"` → `"don" OR "t" OR "panic"`. OR rather than AND (FTS5's implicit
// operator) because BM25 then ranks rows that match more (and rarer) terms higher while a row
// that misses one term can still be found; a query word absent from the corpus never empties
// the result. Terms are strings, so a term FTS5's own tokenizer splits further becomes a phrase.
// Then the whole term of each name that ends in '+' or '#' (common/symbol_terms.h), once, as the
// index holds it: `C++ templates` → `"C" OR "templates" OR "cplusplus"`, `C#` → `"C" OR "csharp"`.
// Then each compound of the text (`0.1`, `UTF-8`: search/fts_compounds.h) once, as a phrase:
// `UTF-8 errors` → `"UTF" OR "8" OR "errors" OR "UTF-8"`. Both rank the whole term by its own
// rarity while its pieces still count.
// Returns "" when the text has no terms (empty or punctuation only): the caller runs no
// keyword query then (FTS5 rejects an empty MATCH expression).
std::string fts_match_expression(std::string_view text, const FtsQueryOptions& options = {});

}  // namespace strata::search
