#pragma once
// The store's SQLite connection, for core code that owns SQL (core/store/*, core/embed's
// store side). Not for cli/: it cannot include SQLiteCpp, and that is the point.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <optional>

#include "sqlite/connection.h"
#include "store/embedding_store.h"
#include "store/store.h"

namespace strata::store {

SQLite::Database& database(Store& store);
// The same connection with strata's error translation (Connection::fail, Transaction).
sqlite::Connection& connection(Store& store);

// A collection's recorded embedding model, read from the current row's columns `first`
// (embedding_provider), `first + 1` (embedding_model) and `first + 2` (embedding_dimensions):
// nullopt until a provider and a model are recorded; a NULL size (one still to learn) is 0.
std::optional<EmbeddingModel> recorded_model(SQLite::Statement& row, int first);

}  // namespace strata::store
