#include "store/postgres/pg_keyword_index.h"

#include <algorithm>
#include <utility>

#include "store/postgres/pg_array.h"

namespace strata::store::pg {

void PendingIndex::add(std::int64_t document_id, std::int64_t chunk_id, const ChunkTerms& terms, bool new_chunk) {
  for (const TermHits& t : terms.terms) {
    rows_.push_back(Row{t.term, chunk_id, document_id, t.text, t.title, t.cjk, terms.length});
    ++chunks_per_term_[t.term];
  }
  if (new_chunk) ++chunks_;
  tokens_ += terms.length;
  documents_.insert(document_id);
}

void PendingIndex::clear() {
  rows_.clear();
  chunks_per_term_.clear();
  documents_.clear();
  chunks_ = 0;
  tokens_ = 0;
}

// A chunk without any term (no word in its text, and an empty title) has no chunk_terms row but
// is a row of the collection all the same: BM25's N counts it, as FTS5 counts its empty row.
void PendingIndex::flush(pq::Connection& c, std::int64_t collection_id, std::string_view doing) {
  if (empty()) return;
  const std::string collection = std::to_string(collection_id);
  std::sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
    return a.term != b.term ? a.term < b.term : a.chunk_id < b.chunk_id;
  });
  std::string copy;
  copy.reserve(rows_.size() * 48);
  for (const Row& r : rows_) {
    copy += collection;
    copy += '\t';
    copy += pq::copy_escape(r.term);
    for (const std::int64_t v : {r.chunk_id, r.document_id, std::int64_t{r.text}, std::int64_t{r.title},
                                 std::int64_t{r.cjk}, std::int64_t{r.length}}) {
      copy += '\t';
      copy += std::to_string(v);
    }
    copy += '\n';
  }
  if (!copy.empty()) {
    c.copy_in("COPY chunk_terms (collection_id, term, chunk_id, document_id, text_hits, title_hits, cjk_hits, length)"
              " FROM STDIN",
              copy, doing);
  }
  std::vector<const std::pair<const std::string, std::int64_t>*> terms;
  terms.reserve(chunks_per_term_.size());
  for (const auto& entry : chunks_per_term_) terms.push_back(&entry);
  std::sort(terms.begin(), terms.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  ArrayLiteral names, counts;
  for (const auto* t : terms) {
    names.add(t->first);
    counts.add(t->second);
  }
  c.exec("WITH added AS (INSERT INTO term_stats (collection_id, term, chunks)"
         "   SELECT $1::bigint, u.term, u.n FROM unnest($2::text[], $3::bigint[]) AS u (term, n)"
         "   ON CONFLICT (collection_id, term) DO UPDATE SET chunks = term_stats.chunks + excluded.chunks)"
         " INSERT INTO keyword_stats (collection_id, chunk_count, token_count) VALUES ($1::bigint, $4::bigint, $5::bigint)"
         " ON CONFLICT (collection_id) DO UPDATE SET chunk_count = keyword_stats.chunk_count + excluded.chunk_count,"
         "                                           token_count = keyword_stats.token_count + excluded.token_count",
         {collection, names.take(), counts.take(), std::to_string(chunks_), std::to_string(tokens_)}, false, doing);
  clear();
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
