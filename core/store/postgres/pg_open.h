#pragma once
// Opening a knowledge store on PostgreSQL (store.h): the URL read as migrate reads it, the store's
// schema (default `strata`) created and upgraded from migrations/postgres/ by the migration
// engine, then one connection whose search_path is that schema.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "pq/connection.h"
#include "store/store.h"

namespace strata::store {

// How a PostgreSQL store is opened: Store::open, open_existing, open_read_only.
enum class PgOpen { create, existing, read_only };

struct PgOpened {
  std::unique_ptr<pq::Connection> connection;
  std::string display;  // the URL without its password, and the schema
  std::int64_t version = 0;
};

// A read-only open of a server without the store's schema: Store::open_read_only answers nullopt.
struct PgStoreMissing : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws Error(unavailable) for an unreachable server or a refused login, "no store at …" for
// PgOpen::existing without the schema, Error(history_mismatch) for a store schema newer than
// this binary's (naming both versions), PgStoreMissing for PgOpen::read_only without it.
PgOpened open_postgres_store(const std::string& url, const OpenOptions& options, PgOpen how);

// The newest PostgreSQL store migration this binary ships.
std::int64_t latest_postgres_schema_version();

}  // namespace strata::store
