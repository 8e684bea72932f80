#pragma once
// Compound terms of a query: `0.1`, `3.11`, `UTF-8`, `x86-64`, `v1.2.3`. The keyword index's
// tokenizer (unicode61) splits them at the dot, plus or hyphen into pieces that occur in almost
// every chunk ("0" and "1"), so a question about `0.1` ranked by its pieces finds any page with
// numbers in it. The index keeps each token's position, so the whole term is still there: the
// pieces one after another, which an FTS5 phrase matches (`"0.1"` is the phrase `0 1`). The query
// keeps the pieces as terms (search/fts_query.h) and adds each compound as such a phrase, whose
// rarity (idf) is the whole term's: found whole as well as split, on both stores (PostgreSQL's
// keyword search ranks phrases as FTS5 does, store/postgres/pg_bm25.h), with no change to the
// index. A phrase does not see which separator stood between the pieces (`0-1` and `0 1` match
// `0.1` too). A `+` or `#` that ends a word (`C++`, `C#`) leaves no piece after it for a phrase
// to hold: such names get a whole term of their own in the index instead (common/symbol_terms.h:
// `C++` → cplusplus), which the query adds beside the compounds' phrases.
//
// Defined in fts_query.cpp, beside the expression that adds them.
//
// Only pieces holding a digit make a compound: version numbers, encodings, sizes and identifiers
// are whole terms; a hyphenated phrase of words (`read-only`, `non-relevant`) is words, which its
// pieces find already.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::search {

// At most this many compounds are kept (the first ones typed).
inline constexpr std::size_t kMaxCompoundTerms = 16;

// The compounds of `text`, each once, in the order typed: runs of two or more ASCII words (as
// common/fts_words.h cuts them) joined by single '.', '+' or '-' characters, of which at least one
// word holds a digit, as typed (`UTF-8` in "UTF-8." or "(UTF-8)"). A run holding a non-ASCII word
// is none (its CJK terms live in another column).
std::vector<std::string> fts_compound_terms(std::string_view text);

}  // namespace strata::search
