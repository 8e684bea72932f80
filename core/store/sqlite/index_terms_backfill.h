#pragma once
// The keyword index's derived terms (common/index_terms.h) of rows written before the store had
// them: migration 0007 lists the chunks and titles holding a CJK character in cjk_terms_pending,
// and 0019 those that may hold a name such as `C++` or `C#` (common/symbol_terms.h), as SQL
// cannot compute the terms; strata computes them when it opens the store. Internal to
// core/store.
namespace strata::sqlite {
class Connection;
}

namespace strata::store {

// Computes the terms of every listed row, stores those that differ from the row's (NULL for
// none) and empties the list, in one transaction (a crash leaves the list as it was, for the
// next open); the index follows through the triggers of migrations 0007 and 0009. One indexed
// read when the list is empty, as it is once done. Returns the number of rows whose terms
// changed. Throws Error(unavailable) when SQLite fails.
// REQUIRES: the store is at schema version 7 or later.
int fill_pending_index_terms(sqlite::Connection& conn);

}  // namespace strata::store
