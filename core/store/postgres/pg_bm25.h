#pragma once
// Keyword search on PostgreSQL: the ranking of SQLite's strata_bm25_scoped (store/fts_bm25.h),
// computed from chunk_term_blocks (a term's postings packed in blocks as bytes: every block of the
// query's terms streamed into the client and every posting scored there, exhaustively; reading
// them costs about as much as their bytes, so nothing is pruned: at 1.3M chunks MaxScore over
// arrays took p50 45 to 57 ms a query in-process, all the postings as bytes 10.5 to 10.7),
// term_stats and keyword_stats (migrations/postgres/0001 and 0002). Same
// formula, same statistics (the collection's), same order (score, then chunk id), so the same
// query on the same documents gives the same rows with the same scores: each returned score is
// summed in SQLite's order, so it is the very same double (copies of a text tie exactly and rank
// by chunk id, as on SQLite). A phrase of several tokens adds its share after every single term's:
// the compounds search/fts_query.h writes (`"0.1"`, `"UTF-8"`) come last and once each, so those
// scores are SQLite's very doubles too; an expression with a phrase before a term, or a phrase
// twice, agrees to rounding only.
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

// keyword_search (search_store.h) on `c`, whose search_path is the store's schema: the best `limit`
// chunks of the collection that pass `filters`, by BM25 score ascending (negative, lower is
// better), then chunk id. Reads in one snapshot. REQUIRES: filters validated, ranking.title_cap
// >= 0. With a title cap, the postings hold no title length: the titles of the documents whose
// postings have title hits are read and tokenized (as the writer tokenized them) in the same
// snapshot, and the postings are scored once those are known. With `keep_postings` (a
// long-running process) and neither filters nor a title cap, the terms' blocks come from the
// process's copy (pg_postings_cache.h) when it holds them in the state this snapshot reads, and
// are kept there when read: the same rows and scores either way.
std::vector<KeywordRow> bm25_search(pq::Connection& c, std::int64_t collection_id, const std::string& match,
                                    const std::vector<DocumentFilter>& filters, std::size_t limit,
                                    const KeywordRanking& ranking = {}, bool keep_postings = false);

// Whether any chunk of the collection holds phrase `tokens` (REQUIRES: at least one token) in its
// text, title or CJK terms.
bool collection_has_phrase(pq::Connection& c, std::int64_t collection_id, const std::vector<std::string>& tokens,
                           const FtsTokenizer& tokenizer);

}  // namespace strata::store::pg
