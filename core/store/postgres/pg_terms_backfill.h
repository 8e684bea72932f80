#pragma once
// The keyword index's derived terms (common/index_terms.h) of documents written before the store
// had them: migrations/postgres/0008 lists the documents that may hold a name such as `C++` or
// `C#` (common/symbol_terms.h) in index_terms_pending, as SQL cannot compute the terms; strata
// computes them, and their chunks' postings with them, when a role that may write them opens the
// store (pg_open.h), as the SQLite store does at its next open (migrations/0019).
#include <cstdint>

#include "pq/connection.h"

namespace strata::store::pg {

// For each collection with listed documents, in one transaction holding its write lock (taken
// without waiting: a collection another writer holds is left listed for a later open,
// pg_write_lock.h): each listed document's postings leave the index (found from the terms its
// rows hold), its chunks' and title's terms are computed again and stored where they differ, its
// postings go back from them, and it leaves the list. A document gone since it was listed just
// leaves the list. A failure rolls back that collection's transaction and is thrown; the
// collections done stay done, the rest stay listed. Returns the documents indexed again.
// REQUIRES: no transaction open on `c`; the store at version 8 or later.
std::int64_t fill_pending_index_terms(pq::Connection& c);

}  // namespace strata::store::pg
