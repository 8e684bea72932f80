#pragma once
// The store's SQLite connection, for core code that owns SQL (core/store/*, core/embed's
// store side). Not for cli/: it cannot include SQLiteCpp, and that is the point.
#include <SQLiteCpp/Database.h>

#include "migrate/connection.h"
#include "store/store.h"

namespace strata::store {

SQLite::Database& database(Store& store);
// The same connection with strata's error translation (Connection::fail, Transaction).
migrate::Connection& connection(Store& store);

}  // namespace strata::store
