#include "store/postgres/pg_terms_backfill.h"

#include <string>
#include <vector>

#include "common/error.h"
#include "common/index_terms.h"
#include "store/document_rules.h"
#include "store/fts_tokenizer.h"
#include "store/postgres/pg_array.h"
#include "store/postgres/pg_keyword_index.h"
#include "store/postgres/pg_terms.h"
#include "store/postgres/pg_write_lock.h"

namespace strata::store::pg {
namespace {

constexpr const char* k_backfill_doing = "computing the keyword index's terms";

// The derived terms as a parameter: NULL for none, as the writers store them.
pq::Param backfill_terms_param(const std::string& terms) { return terms.empty() ? std::nullopt : pq::Param(terms); }

// One listed document of `collection_id`, indexed again; its postings (old ones, merged into the
// blocks around them) wait in `pending`. REQUIRES: none of its rows is pending.
void backfill_document(pq::Connection& c, std::int64_t collection_id, std::int64_t document_id,
                       const FtsTokenizer& tokenizer, PendingIndex& pending) {
  const std::string id = std::to_string(document_id);
  const pq::Result doc = c.exec("SELECT coalesce(title, ''), coalesce(title_cjk_terms, '') FROM documents WHERE id = $1",
                                {id}, false, k_backfill_doing);
  if (doc.rows() == 0) return;
  drop_document_index(c, collection_id, document_id, false, k_backfill_doing);
  const std::string title_terms = derived_index_terms(indexed_title(doc.text(0, 0)));
  if (title_terms != doc.text(0, 1)) {
    c.exec("UPDATE documents SET title_cjk_terms = $1 WHERE id = $2", {backfill_terms_param(title_terms), id}, false,
           k_backfill_doing);
  }
  const std::string title = title_column(doc.text(0, 0), title_terms);
  const pq::Result chunks =
      c.exec("SELECT id, text, coalesce(cjk_terms, '') FROM chunks WHERE document_id = $1 ORDER BY ordinal", {id},
             false, k_backfill_doing);
  ArrayLiteral changed_ids, changed_terms;
  for (int i = 0; i < chunks.rows(); ++i) {
    const std::string terms = derived_index_terms(chunks.text(i, 1));
    if (terms != chunks.text(i, 2)) {
      changed_ids.add(chunks.int64(i, 0));
      if (terms.empty()) {
        changed_terms.add_null();
      } else {
        changed_terms.add(terms);
      }
    }
    pending.add(document_id, chunks.int64(i, 0), chunk_terms(tokenizer, chunks.text(i, 1), title, terms), false);
  }
  if (changed_ids.size() > 0) {
    c.exec("UPDATE chunks c SET cjk_terms = u.terms FROM unnest($1::bigint[], $2::text[]) AS u (id, terms)"
           " WHERE c.id = u.id",
           {changed_ids.take(), changed_terms.take()}, false, k_backfill_doing);
  }
}

// The listed documents of one collection, in one transaction under its write lock, taken without
// waiting: a command that opens the store is not held up by an ingest, and a collection being
// written is done at a later open (its writers keep its listed documents' postings and terms
// consistent meanwhile: they drop postings by the terms a row holds). Returns how many were
// indexed again.
std::int64_t backfill_collection(pq::Connection& c, std::int64_t collection_id) {
  const std::string collection = std::to_string(collection_id);
  c.begin();
  try {
    const pq::Result name = c.exec("SELECT name FROM collections WHERE id = $1", {collection}, false, k_backfill_doing);
    std::int64_t done = 0;
    if (name.rows() > 0) {
      try {
        lock_collection(c, name.str(0, 0), std::chrono::milliseconds(0));
      } catch (const Error&) {
        c.rollback();
        return 0;  // a writer holds it: left listed for a later open
      }
      // Read under the lock: another process may have done them meanwhile.
      const pq::Result listed = c.exec(
          "SELECT document_id FROM index_terms_pending WHERE collection_id = $1 ORDER BY document_id", {collection},
          false, k_backfill_doing);
      const FtsTokenizer tokenizer;
      PendingIndex pending;
      for (int i = 0; i < listed.rows(); ++i) {
        backfill_document(c, collection_id, listed.int64(i, 0), tokenizer, pending);
        ++done;
        // A document at a time: its postings merge into the blocks of its own chunk ids (a batch
        // of documents far apart would rewrite every block of a common term between them).
        pending.flush(c, collection_id, k_backfill_doing);
      }
    }
    c.exec("DELETE FROM index_terms_pending WHERE collection_id = $1", {collection}, false, k_backfill_doing);
    c.commit();
    return done;
  } catch (...) {
    c.rollback();
    throw;
  }
}

}  // namespace

std::int64_t fill_pending_index_terms(pq::Connection& c) {
  const pq::Result collections =
      c.exec("SELECT DISTINCT collection_id FROM index_terms_pending ORDER BY 1", {}, false, k_backfill_doing);
  std::int64_t done = 0;
  for (int i = 0; i < collections.rows(); ++i) done += backfill_collection(c, collections.int64(i, 0));
  return done;
}

}  // namespace strata::store::pg
