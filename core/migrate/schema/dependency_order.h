#pragma once
// SQL whose statements may come before what they need: a PostgreSQL dump, sorted by kind and
// name for a stable diff (a table before the one it references, a view before the view it reads).
#include "migrate/model/migration.h"

namespace strata::migrate {

class Driver;

// Runs every statement of `whole`, each under a savepoint inside the transaction the caller has
// open: one that fails waits for the next pass, and passes go on while any statement succeeds.
// What never succeeds throws its own error (Error(migration_failed), file:line:col).
// REQUIRES: a transaction is open on `db` (PostgreSQL: savepoints need one).
void run_in_dependency_order(Driver& db, const Section& whole);

}  // namespace strata::migrate
