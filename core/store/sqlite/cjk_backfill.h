#pragma once
// The keyword index's CJK terms of rows written before the store had them (migrations/0007):
// the migration lists the chunks and titles holding a CJK character in cjk_terms_pending, as
// SQL cannot compute the terms (common/cjk_terms.h); strata computes them when it opens the
// store. Internal to core/store.
namespace strata::sqlite {
class Connection;
}

namespace strata::store {

// Computes and stores the terms of every listed row and empties the list, in one transaction
// (a crash leaves the list as it was, for the next open); the index follows through the
// triggers of migration 0007. One indexed read when the list is empty, as it is once done.
// Returns the number of rows filled. Throws Error(unavailable) when SQLite fails.
// REQUIRES: the store is at schema version 7 or later.
int fill_pending_cjk_terms(sqlite::Connection& conn);

}  // namespace strata::store
