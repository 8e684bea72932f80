#pragma once
// A chunk's keyword-index terms on PostgreSQL: what SQLite's chunks_fts holds for the chunk
// (migrations/0009), counted per column, so that BM25 computed from chunk_terms equals
// strata_bm25's in SQLite (store/fts_bm25.h). The columns are chunks_fts's: `text` (the chunk's
// text), `title` (the first k_indexed_title_chars characters of the document's title, a space,
// and the title's CJK terms) and `cjk` (the chunk's CJK terms); the scope column is not counted.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/fts_tokenizer.h"

namespace strata::store::pg {

struct TermHits {
  std::string term;
  std::int32_t text = 0, title = 0, cjk = 0;
};

struct ChunkTerms {
  std::vector<TermHits> terms;  // each term once, sorted by term
  std::int32_t length = 0;      // tokens in text, title and cjk: BM25's |D|
};

// chunks_fts's title column for a document: substr(title, 1, 300) || ' ' || title_cjk_terms.
std::string title_column(std::string_view title, std::string_view title_cjk_terms);

// The terms of one chunk. `title` is title_column()'s result (the same for every chunk of a
// document), `cjk` the chunk's CJK terms ("" when none).
ChunkTerms chunk_terms(const FtsTokenizer& tokenizer, std::string_view text, std::string_view title,
                       std::string_view cjk);

}  // namespace strata::store::pg
