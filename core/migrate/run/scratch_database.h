#pragma once
// An empty database that migrations are replayed into, for `check --drift`, `check --roundtrip`
// and the fresh-database replay: in-memory SQLite, or a scratch database on a PostgreSQL server
// (created here, dropped by the destructor; a scratch schema when the role cannot create
// databases, see open_scratch in driver.h). Runs sections as the engine does
// (transaction and foreign-key options honoured) but keeps no history.
#include <memory>
#include <string>

#include "migrate/model/migration.h"
#include "migrate/model/placeholders.h"
#include "migrate/schema/schema.h"

namespace strata::migrate {

class Driver;
struct Endpoint;

class ScratchDatabase {
 public:
  // `server` null (or SQLite): in memory. REQUIRES: `server` outlives nothing; it is not kept.
  // `history_table`, when given, is created first, as `up` creates it before the first migration
  // (a project may alter it: harbor's migrations add a column to golang-migrate's table), and is
  // left out of schema().
  // `placeholders`, when given, expands ${NAME} as `up` would (REQUIRES: it outlives this).
  explicit ScratchDatabase(const Endpoint* server = nullptr, std::string history_table = {},
                           const Placeholders* placeholders = nullptr);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  // Throw Error(migration_failed) naming file:line:col when a statement fails.
  void apply(const Section& section);
  // As apply, for SQL whose statements may come before what they need (a PostgreSQL dump as the
  // desired schema of `migrate diff`): on PostgreSQL in dependency order (dependency_order.h);
  // elsewhere as apply (SQLite does not check references when it creates; MySQL's dump turns
  // foreign key checks off). The first load drops the history table created first: another
  // tool's dump of a database strata manages (mysqldump's) creates it; schema() leaves it out.
  void load(const Section& section);
  Schema schema();
  // Why this scratch is less isolated than a database of its own; empty when it is not.
  std::string caveat() const;

 private:
  std::unique_ptr<Driver> db_;
  std::string history_table_;
  bool history_created_ = false;  // by the constructor, and not dropped by load() yet
  const Placeholders* placeholders_;
};

}  // namespace strata::migrate
