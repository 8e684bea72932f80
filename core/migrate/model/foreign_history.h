#pragma once
// The tables other tools keep their history in, where a project names them otherwise than the
// tool's default: strata reads them to take the history over, and dump, diff and check --drift
// leave them out of the schema.
#include <string>

namespace strata::migrate {

struct ForeignHistoryTables {
  // dbmate's and golang-migrate's: golang-migrate's ?x-migrations-table= on the URL.
  std::string migrate = "schema_migrations";
  // Flyway's: --history-table (migrate.history_table), else flyway.table or spring.flyway.table
  // in the project's own configuration files (flyway_config.h).
  std::string flyway = "flyway_schema_history";
  // Where `flyway` was named ("--history-table", "src/main/resources/application.properties:12"),
  // for the messages that name the table; empty: Flyway's default.
  std::string flyway_named_by;
};

}  // namespace strata::migrate
