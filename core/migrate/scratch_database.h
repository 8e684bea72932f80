#pragma once
// An in-memory SQLite database that migrations are replayed into, for `check --drift`,
// `check --roundtrip` and the fresh-database replay. Runs sections as the engine does
// (transaction and foreign-key options honoured) but keeps no history.
#include <memory>

#include "migrate/migration.h"
#include "migrate/schema.h"

namespace strata::migrate {

class Connection;

class ScratchDatabase {
 public:
  ScratchDatabase();
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  // Throw Error(migration_failed) naming file:line:col when a statement fails.
  void apply(const Section& section);
  Schema schema();

 private:
  std::unique_ptr<Connection> conn_;
};

}  // namespace strata::migrate
