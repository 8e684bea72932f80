#pragma once
// Keyword search on PostgreSQL: the ranking of SQLite's strata_bm25_scoped (store/fts_bm25.h),
// computed from chunk_term_blocks (a term's postings packed in blocks: the essential terms'
// blocks read as arrays into the client and scored there; the other terms' share and the exact
// sums in SQL, through the view chunk_terms or, for one chunk, the one block that can hold it),
// term_stats and keyword_stats (migrations/postgres/0001). Same
// formula, same statistics (the collection's), same order (score, then chunk id), so the same
// query on the same documents gives the same rows with the same scores: each returned score is
// summed in SQLite's order, so it is the very same double (copies of a text tie exactly and rank
// by chunk id, as on SQLite). A query with a phrase of several tokens (never one that
// search/fts_query.h writes) agrees to rounding only.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pq/connection.h"
#include "store/fts_tokenizer.h"
#include "store/search_store.h"

namespace strata::store::pg {

// The phrases of an FTS5 MATCH expression as search/fts_query.h writes it: double-quoted strings
// ("" inside one is a quote) or barewords, joined by OR; each phrase's tokens as the index's
// tokenizer yields them (none for a string of punctuation, which matches nothing; several make a
// phrase: the tokens one after another in one column). Throws Error(usage) naming the expression
// for anything else (AND, NOT, NEAR, parentheses, column filters, a prefix *), which no caller
// writes.
std::vector<std::vector<std::string>> match_phrases(const std::string& match, const FtsTokenizer& tokenizer);

// How bm25_search reads postings. A query whose terms hold at most `essential_postings`
// postings in all is scored from every one of them. Otherwise the rarest terms whose postings add
// up to at most that many are read in full first, and the others only where they can still
// change the best `limit` (MaxScore: each term's score is bounded, so most chunks holding only
// common terms can be ruled out unread); when the bound rules too few out, more terms are read in
// full (so many that the bound rules the rest out, or all). Exact either way. Tests set a small
// budget to exercise the pruning on a small collection.
struct Bm25Plan {
  std::int64_t essential_postings = 40'000;
  // What a probe (one chunk's posting of one term: its block found by the primary key and
  // unpacked) costs, in postings read in a row: the
  // other terms' share of the remaining chunks' scores is read by probes when they cost less than
  // a pass over those terms' postings. 0 always probes, a huge value always passes.
  double probe_cost = 20;
  // When set, counts the searches answered by a pruned statement (for tests).
  std::int64_t* pruned_answers = nullptr;
};

// keyword_search (search_store.h) on `c`, whose search_path is the store's schema: the best `limit`
// chunks of the collection that pass `filters`, by BM25 score ascending (negative, lower is
// better), then chunk id. Reads in one snapshot. REQUIRES: filters validated.
std::vector<KeywordRow> bm25_search(pq::Connection& c, std::int64_t collection_id, const std::string& match,
                                    const std::vector<DocumentFilter>& filters, std::size_t limit,
                                    const Bm25Plan& plan = {});

// Whether any chunk of the collection holds phrase `tokens` (REQUIRES: at least one token) in its
// text, title or CJK terms.
bool collection_has_phrase(pq::Connection& c, std::int64_t collection_id, const std::vector<std::string>& tokens,
                           const FtsTokenizer& tokenizer);

}  // namespace strata::store::pg
