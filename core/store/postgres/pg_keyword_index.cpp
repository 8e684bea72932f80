#include "store/postgres/pg_keyword_index.h"

namespace strata::store::pg {

void IndexRows::add(std::int64_t chunk_key, const ChunkTerms& terms) {
  for (const TermHits& t : terms.terms) {
    keys_.add(chunk_key);
    terms_.add(t.term);
    text_.add(std::int64_t{t.text});
    title_.add(std::int64_t{t.title});
    cjk_.add(std::int64_t{t.cjk});
    length_.add(std::int64_t{terms.length});
  }
  ++chunks_;
  tokens_ += terms.length;
}

// A chunk without any term (no word in its text, and an empty title) has no chunk_terms row but
// is a row of the collection all the same: BM25's N counts it, as FTS5 counts its empty row.
const char* IndexRows::ctes() {
  return "t AS (SELECT * FROM unnest($3::bigint[], $4::text[], $5::int[], $6::int[], $7::int[], $8::int[])"
         "        AS t (key, term, text_hits, title_hits, cjk_hits, length)),"
         " added_terms AS (INSERT INTO chunk_terms (collection_id, term, chunk_id, document_id, text_hits, title_hits,"
         "                                          cjk_hits, length)"
         "   SELECT $2::bigint, t.term, ids.id, $1::bigint, t.text_hits, t.title_hits, t.cjk_hits, t.length FROM t JOIN ids USING (key)),"
         " added_stats AS (INSERT INTO term_stats (collection_id, term, chunks)"
         "   SELECT $2::bigint, term, count(*) FROM t GROUP BY term"
         "   ON CONFLICT (collection_id, term) DO UPDATE SET chunks = term_stats.chunks + excluded.chunks),"
         " added_counts AS (INSERT INTO keyword_stats (collection_id, chunk_count, token_count) VALUES ($2::bigint, $9::bigint, $10::bigint)"
         "   ON CONFLICT (collection_id) DO UPDATE SET chunk_count = keyword_stats.chunk_count + excluded.chunk_count,"
         "                                             token_count = keyword_stats.token_count + excluded.token_count)";
}

std::vector<pq::Param> IndexRows::params(bool new_chunks) {
  std::vector<pq::Param> out{keys_.take(), terms_.take(), text_.take(), title_.take(), cjk_.take(), length_.take(),
                             std::to_string(new_chunks ? chunks_ : 0), std::to_string(tokens_)};
  chunks_ = 0;
  tokens_ = 0;
  return out;
}

// One statement: the rows leave chunk_terms (and chunks), and what they counted leaves the
// statistics. A term whose last chunk goes loses its term_stats row; the others are lowered.
// Those two sets of rows are disjoint, as one statement's changes must be.
std::int64_t drop_document_index(pq::Connection& c, std::int64_t collection_id, std::int64_t document_id, bool chunks,
                                 std::string_view doing) {
  const std::string gone_chunks = chunks ? "(SELECT count(*) FROM gone_chunks)" : "0";
  const std::string sql =
      std::string("WITH ") + (chunks ? "gone_chunks AS (DELETE FROM chunks WHERE document_id = $1::bigint RETURNING id)," : "") +
      " gone AS (DELETE FROM chunk_terms WHERE document_id = $1::bigint RETURNING term, chunk_id, length),"
      " per_term AS (SELECT term, count(*) AS n FROM gone GROUP BY term),"
      " dropped AS (DELETE FROM term_stats s USING per_term p"
      "              WHERE s.collection_id = $2 AND s.term = p.term AND s.chunks <= p.n),"
      " lowered AS (UPDATE term_stats s SET chunks = s.chunks - p.n FROM per_term p"
      "              WHERE s.collection_id = $2 AND s.term = p.term AND s.chunks > p.n),"
      " counted AS (UPDATE keyword_stats SET chunk_count = chunk_count - " +
      gone_chunks +
      ", token_count = token_count - (SELECT coalesce(sum(length), 0) FROM (SELECT DISTINCT chunk_id, length FROM gone) g)"
      "              WHERE collection_id = $2)"
      " SELECT " +
      gone_chunks;
  pq::Result r = c.exec(sql, {std::to_string(document_id), std::to_string(collection_id)}, false, doing);
  return r.int64(0, 0);
}

void drop_document(pq::Connection& c, std::int64_t collection_id, std::int64_t document_id, std::string_view doing) {
  drop_document_index(c, collection_id, document_id, true, doing);
  c.exec("DELETE FROM documents WHERE id = $1", {std::to_string(document_id)}, false, doing);
}

}  // namespace strata::store::pg
