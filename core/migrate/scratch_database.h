#pragma once
// An empty database that migrations are replayed into, for `check --drift`, `check --roundtrip`
// and the fresh-database replay: in-memory SQLite, or a scratch schema on a PostgreSQL server
// (created here, dropped by the destructor). Runs sections as the engine does
// (transaction and foreign-key options honoured) but keeps no history.
#include <memory>

#include "migrate/migration.h"
#include "migrate/schema.h"

namespace strata::migrate {

class Driver;
struct Endpoint;

class ScratchDatabase {
 public:
  // `server` null (or SQLite): in memory. REQUIRES: `server` outlives nothing; it is not kept.
  explicit ScratchDatabase(const Endpoint* server = nullptr);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  // Throw Error(migration_failed) naming file:line:col when a statement fails.
  void apply(const Section& section);
  Schema schema();

 private:
  std::unique_ptr<Driver> db_;
};

}  // namespace strata::migrate
