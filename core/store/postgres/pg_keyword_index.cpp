#include "store/postgres/pg_keyword_index.h"

#include <algorithm>
#include <utility>

#include "common/error.h"
#include "store/fts_tokenizer.h"
#include "store/postgres/pg_array.h"

namespace strata::store::pg {
namespace {

// The block columns of chunk_term_blocks after (collection_id, term), in the order of
// append_block_row and of the statements below.
constexpr const char* k_kw_block_columns = "first_chunk, last_chunk, chunk_ids, document_ids, postings";

void kw_append_array(std::string& out, const Posting* postings, std::size_t count, auto field) {
  out += '{';
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += ',';
    out += std::to_string(field(postings[i]));
  }
  out += '}';
}

// `bytes` big-endian bytes of `v` as hex digits.
void kw_append_hex(std::string& out, std::uint64_t v, int bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    const auto b = static_cast<unsigned>((v >> shift) & 0xFFu);
    out += k_digits[b >> 4];
    out += k_digits[b & 0xFu];
  }
}

// Postings of older chunks (a title indexed again), merged with the blocks of their terms that
// overlap them: those blocks are taken out, and their postings and the new ones go back cut into
// blocks of k_block_postings, so the term's blocks still never overlap. A block removed and one
// written with the same last_chunk in one statement do not collide: a key's uniqueness is checked
// against the rows this transaction has not deleted.
constexpr const char* k_kw_merge_blocks =
    "WITH added AS (SELECT n.term, n.chunk_id, n.document_id, int8send(n.chunk_id) || int4send(n.text_hits)"
    "                 || int4send(n.title_hits) || int4send(n.cjk_hits) || int4send(n.length) AS posting"
    "               FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::int[], $6::int[], $7::int[], $8::int[])"
    "                 AS n (term, chunk_id, document_id, text_hits, title_hits, cjk_hits, length)),"
    " span AS (SELECT term, min(chunk_id) AS lo, max(chunk_id) AS hi FROM added GROUP BY term),"
    " gone AS (DELETE FROM chunk_term_blocks b USING span s"
    "           WHERE b.collection_id = $1 AND b.term = s.term AND b.last_chunk >= s.lo AND b.first_chunk <= s.hi"
    "           RETURNING b.*),"
    " postings AS (SELECT g.term, u.chunk_id, u.document_id, strata_posting(g.postings, (u.n - 1)::int) AS posting"
    "              FROM gone g CROSS JOIN LATERAL unnest(g.chunk_ids, g.document_ids) WITH ORDINALITY"
    "                AS u (chunk_id, document_id, n)"
    "              UNION ALL SELECT * FROM added),"
    " numbered AS (SELECT p.*, (row_number() OVER (PARTITION BY p.term ORDER BY p.chunk_id) - 1) / $9 AS block"
    "              FROM postings p)"
    " INSERT INTO chunk_term_blocks (collection_id, term, first_chunk, last_chunk, chunk_ids, document_ids, postings)"
    " SELECT $1, term, min(chunk_id), max(chunk_id), array_agg(chunk_id ORDER BY chunk_id),"
    "        array_agg(document_id ORDER BY chunk_id), '\\x01'::bytea || string_agg(posting, ''::bytea ORDER BY chunk_id)"
    "   FROM numbered GROUP BY term, block";

}  // namespace

void append_block_row(std::string& out, const Posting* postings, std::size_t count) {
  out += std::to_string(postings[0].chunk_id);
  out += '\t';
  out += std::to_string(postings[count - 1].chunk_id);
  out += '\t';
  kw_append_array(out, postings, count, [](const Posting& p) { return p.chunk_id; });
  out += '\t';
  kw_append_array(out, postings, count, [](const Posting& p) { return p.document_id; });
  out += '\t';
  // bytea's hex input, its backslash doubled for COPY's text format: the narrow layout when every
  // value fits it, else the wide one (migrations/postgres/0002).
  out += "\\\\x";
  const std::int64_t base = postings[0].chunk_id;
  const auto fits = [](std::int64_t v, std::int64_t most) { return v >= 0 && v <= most; };
  bool narrow = true;
  for (std::size_t i = 0; i < count && narrow; ++i) {
    const Posting& p = postings[i];
    narrow = fits(p.chunk_id - base, 0xFFFF'FFFF) && fits(p.text, 0xFFFF) && fits(p.title, 0xFFFF) &&
             fits(p.cjk, 0xFFFF) && fits(p.length, 0xFFFF);
  }
  if (narrow) {
    kw_append_hex(out, k_postings_narrow, 1);
    kw_append_hex(out, static_cast<std::uint64_t>(base), 8);
    for (std::size_t i = 0; i < count; ++i) {
      const Posting& p = postings[i];
      kw_append_hex(out, static_cast<std::uint64_t>(p.chunk_id - base), 4);
      kw_append_hex(out, static_cast<std::uint32_t>(p.text), 2);
      kw_append_hex(out, static_cast<std::uint32_t>(p.title), 2);
      kw_append_hex(out, static_cast<std::uint32_t>(p.cjk), 2);
      kw_append_hex(out, static_cast<std::uint32_t>(p.length), 2);
    }
  } else {
    kw_append_hex(out, k_postings_wide, 1);
    for (std::size_t i = 0; i < count; ++i) {
      const Posting& p = postings[i];
      kw_append_hex(out, static_cast<std::uint64_t>(p.chunk_id), 8);
      kw_append_hex(out, static_cast<std::uint32_t>(p.text), 4);
      kw_append_hex(out, static_cast<std::uint32_t>(p.title), 4);
      kw_append_hex(out, static_cast<std::uint32_t>(p.cjk), 4);
      kw_append_hex(out, static_cast<std::uint32_t>(p.length), 4);
    }
  }
  out += '\n';
}

void PendingIndex::add(std::int64_t document_id, std::int64_t chunk_id, const ChunkTerms& terms, bool new_chunk) {
  for (const TermHits& t : terms.terms) {
    rows_.push_back(Row{t.term, Posting{chunk_id, document_id, t.text, t.title, t.cjk, terms.length}, !new_chunk});
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

// A chunk without any term (no word in its text, and an empty title) has no posting but is a
// row of the collection all the same: BM25's N counts it, as FTS5 counts its empty row.
void PendingIndex::flush(pq::Connection& c, std::int64_t collection_id, std::string_view doing) {
  if (empty()) return;
  const std::string collection = std::to_string(collection_id);
  std::sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
    return a.term != b.term ? a.term < b.term : a.p.chunk_id < b.p.chunk_id;
  });
  std::string copy;
  copy.reserve(rows_.size() * 24);
  ArrayLiteral m_term, m_chunk, m_doc, m_text, m_title, m_cjk, m_length;
  std::vector<Posting> block;
  for (std::size_t i = 0; i < rows_.size();) {
    std::size_t end = i;
    bool old = false;
    for (; end < rows_.size() && rows_[end].term == rows_[i].term; ++end) {
      if (rows_[end].old) old = true;
    }
    if (old) {
      for (std::size_t k = i; k < end; ++k) {
        const Posting& p = rows_[k].p;
        m_term.add(std::string_view(rows_[k].term));
        m_chunk.add(p.chunk_id);
        m_doc.add(p.document_id);
        m_text.add(std::int64_t{p.text});
        m_title.add(std::int64_t{p.title});
        m_cjk.add(std::int64_t{p.cjk});
        m_length.add(std::int64_t{p.length});
      }
    } else {
      const std::string term = pq::copy_escape(rows_[i].term);
      for (std::size_t k = i; k < end; k += k_block_postings) {
        block.clear();
        for (std::size_t j = k; j < std::min(end, k + k_block_postings); ++j) block.push_back(rows_[j].p);
        copy += collection;
        copy += '\t';
        copy += term;
        copy += '\t';
        append_block_row(copy, block.data(), block.size());
      }
    }
    i = end;
  }
  if (!copy.empty()) {
    c.copy_in(std::string("COPY chunk_term_blocks (collection_id, term, ") + k_kw_block_columns + ") FROM STDIN", copy,
              doing);
  }
  if (m_term.size() > 0) {
    c.exec(k_kw_merge_blocks,
           {collection, m_term.take(), m_chunk.take(), m_doc.take(), m_text.take(), m_title.take(), m_cjk.take(),
            m_length.take(), std::to_string(k_block_postings)},
           false, doing);
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
         " INSERT INTO keyword_stats (collection_id, chunk_count, token_count, stamp)"
         "   VALUES ($1::bigint, $4::bigint, $5::bigint, (random() * 9.0e18)::bigint)"
         " ON CONFLICT (collection_id) DO UPDATE SET chunk_count = keyword_stats.chunk_count + excluded.chunk_count,"
         "                                           token_count = keyword_stats.token_count + excluded.token_count,"
         "                                           stamp = excluded.stamp",
         {collection, names.take(), counts.take(), std::to_string(chunks_), std::to_string(tokens_)}, false, doing);
  clear();
}

// One statement: the postings of the document's chunks leave their blocks (a block left with
// others is written again without them, an emptied one goes), the chunks leave too (with
// `chunks`), and what the postings counted leaves the statistics. A term whose last chunk goes
// loses its term_stats row; the others are lowered. Those two sets of rows are disjoint, as one
// statement's changes must be, and so are the blocks rewritten and those removed.
//
// The blocks that can hold a posting of chunks lo..hi, for each of their terms: those whose
// last_chunk is in lo..hi, and the first after hi if it starts at or before hi (blocks of a term
// never overlap, so no other can). Both are ranges of the primary key.
std::int64_t drop_document_index(pq::Connection& c, std::int64_t collection_id, std::int64_t document_id, bool chunks,
                                 std::string_view doing) {
  const std::string collection = std::to_string(collection_id);
  const std::string document = std::to_string(document_id);
  const pq::Result r = c.exec(
      "SELECT c.id, c.text, coalesce(c.cjk_terms, ''), coalesce(d.title, ''), coalesce(d.title_cjk_terms, '')"
      " FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.document_id = $1",
      {document}, false, doing);
  std::vector<std::string> terms;
  std::vector<std::int64_t> ids;
  std::int64_t postings = 0, lo = 0, hi = -1;
  if (r.rows() > 0) {
    const FtsTokenizer tokenizer;
    const std::string title = title_column(r.text(0, 3), r.text(0, 4));
    for (int i = 0; i < r.rows(); ++i) {
      const ChunkTerms t = chunk_terms(tokenizer, r.text(i, 1), title, r.text(i, 2));
      if (t.terms.empty()) continue;
      const std::int64_t id = r.int64(i, 0);
      ids.push_back(id);
      lo = ids.size() == 1 ? id : std::min(lo, id);
      hi = std::max(hi, id);
      postings += static_cast<std::int64_t>(t.terms.size());
      for (const TermHits& h : t.terms) terms.push_back(h.term);
    }
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  }
  const std::string sql =
      "WITH gone_chunks AS (DELETE FROM chunks WHERE $7::bool AND document_id = $5::bigint RETURNING id),"
      " cand AS (SELECT b.* FROM unnest($2::text[]) AS t (term) CROSS JOIN LATERAL ("
      "            (SELECT * FROM chunk_term_blocks x WHERE x.collection_id = $1 AND x.term = t.term"
      "              AND x.last_chunk >= $3::bigint AND x.last_chunk <= $4::bigint)"
      "            UNION ALL"
      "            (SELECT * FROM chunk_term_blocks x WHERE x.collection_id = $1 AND x.term = t.term"
      "              AND x.last_chunk > $4::bigint ORDER BY x.last_chunk LIMIT 1)) b"
      "          WHERE b.first_chunk <= $4::bigint),"
      " split AS (SELECT c.term, c.last_chunk AS key, u.*, u.chunk_id = ANY ($6::bigint[]) AS gone,"
      "                  strata_posting(c.postings, (u.n - 1)::int) AS posting"
      "            FROM cand c CROSS JOIN LATERAL unnest(c.chunk_ids, c.document_ids) WITH ORDINALITY"
      "              AS u (chunk_id, document_id, n)),"
      " hit AS (SELECT DISTINCT term, key FROM split WHERE gone),"
      " kept AS (SELECT s.term, s.key, min(s.chunk_id) AS f, max(s.chunk_id) AS l, array_agg(s.chunk_id ORDER BY s.n) AS ci,"
      "                 array_agg(s.document_id ORDER BY s.n) AS di, '\\x01'::bytea || string_agg(s.posting, ''::bytea ORDER BY s.n) AS po"
      "            FROM split s JOIN hit h ON h.term = s.term AND h.key = s.key WHERE NOT s.gone GROUP BY s.term, s.key),"
      " rewritten AS (UPDATE chunk_term_blocks b SET first_chunk = k.f, last_chunk = k.l, chunk_ids = k.ci,"
      "                 document_ids = k.di, postings = k.po"
      "               FROM kept k WHERE b.collection_id = $1 AND b.term = k.term AND b.last_chunk = k.key),"
      " emptied AS (DELETE FROM chunk_term_blocks b USING hit h"
      "              WHERE b.collection_id = $1 AND b.term = h.term AND b.last_chunk = h.key"
      "                AND NOT EXISTS (SELECT 1 FROM kept k WHERE k.term = h.term AND k.key = h.key)),"
      " per_term AS (SELECT term, count(*) AS n FROM split WHERE gone GROUP BY term),"
      " dropped AS (DELETE FROM term_stats s USING per_term p"
      "              WHERE s.collection_id = $1 AND s.term = p.term AND s.chunks <= p.n),"
      " lowered AS (UPDATE term_stats s SET chunks = s.chunks - p.n FROM per_term p"
      "              WHERE s.collection_id = $1 AND s.term = p.term AND s.chunks > p.n),"
      " counted AS (UPDATE keyword_stats SET stamp = (random() * 9.0e18)::bigint,"
      "                 chunk_count = chunk_count - (SELECT count(*) FROM gone_chunks),"
      "                 token_count = token_count - (SELECT coalesce(sum(length), 0) FROM (SELECT DISTINCT chunk_id,"
      " ('x' || encode(substring(posting FROM 21 FOR 4), 'hex'))::bit(32)::int AS length FROM split WHERE gone) g)"
      " WHERE collection_id = $1)"
      " SELECT (SELECT count(*) FROM gone_chunks), (SELECT count(*) FROM split WHERE gone)";
  pq::Result out = c.exec(sql,
                          {collection, pq::to_text_array(terms), std::to_string(lo), std::to_string(hi), document,
                           pq::to_int_array(ids), chunks ? "t" : "f"},
                          false, doing);
  if (out.int64(0, 1) != postings) {
    c.fail(ExitCode::unavailable, std::string(doing) + ": the keyword index of document " + document + " holds " +
                                   std::to_string(out.int64(0, 1)) + " of its chunks' " + std::to_string(postings) +
                                   " terms (written by another tokenizer?)");
  }
  return out.int64(0, 0);
}

void drop_document(pq::Connection& c, std::int64_t collection_id, std::int64_t document_id, std::string_view doing) {
  drop_document_index(c, collection_id, document_id, true, doing);
  c.exec("DELETE FROM documents WHERE id = $1", {std::to_string(document_id)}, false, doing);
}

}  // namespace strata::store::pg
