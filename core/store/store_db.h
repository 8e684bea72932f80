#pragma once
// The store's SQLite connection, for core code that owns SQL (core/store/*, core/embed's
// store side). Not for cli/: it cannot include SQLiteCpp, and that is the point.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>

#include "sqlite/connection.h"
#include "store/embedding_store.h"
#include "store/store.h"

namespace strata::store {

SQLite::Database& database(Store& store);
// The same connection with strata's error translation (Connection::fail, Transaction).
sqlite::Connection& connection(Store& store);

// A collection's recorded embedding model, read from the current row's columns `first`
// (embedding_provider), `first + 1` (embedding_model), `first + 2` (embedding_dimensions) and
// `first + 3` (embedding_server): nullopt until a provider and a model are recorded; a NULL size
// (one still to learn) is 0, a NULL server "".
std::optional<EmbeddingModel> recorded_model(SQLite::Statement& row, int first);

// A nullable column as an optional.
inline std::optional<std::int64_t> optional_int(const SQLite::Column& c) {
  return c.isNull() ? std::nullopt : std::optional<std::int64_t>(c.getInt64());
}
inline std::optional<std::string> optional_text(const SQLite::Column& c) {
  return c.isNull() ? std::nullopt : std::optional<std::string>(c.getString());
}

}  // namespace strata::store
