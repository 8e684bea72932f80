#pragma once
// Flyway's history table as a project's own configuration names it: `flyway.table` in
// flyway.conf or flyway.properties, `table` under [flyway] in flyway.toml, and Spring Boot's
// `spring.flyway.table` in its .properties and .yml files (hawkbit: schema_version, Flyway's own
// default before 5.0). A name, not an instruction: it chooses only which table strata reads and
// leaves out of the schema, and is checked as a plain identifier before it reaches SQL.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "migrate/model/foreign_history.h"

namespace strata::migrate {

struct NamedTable {
  std::string name;
  std::string named_by;  // "src/main/resources/application.properties:12" (relative to the project)
};

// The name the project's configuration gives, looked for in each migrations directory and in each
// folder above it up to `project_root` (the nearest first; in a folder, files by name): flyway.conf,
// flyway.toml, flyway.properties, conf/flyway.conf and conf/flyway.toml, and the .properties,
// .yml and .yaml files whose names start with "application" or hold "flyway". A file larger than
// 1 MiB, or a link out of the project, is not read. Spring's ${NAME:default} gives its default;
// a value that is only a placeholder is passed over. nullopt: none names it.
// Throws Error(invalid_input) naming the file and line when the value is not a table name.
std::optional<NamedTable> flyway_table_of_project(const std::vector<std::string>& dirs,
                                                  const std::filesystem::path& project_root);

// `tables` with Flyway's table set: `given` (--history-table, migrate.history_table) when not
// empty, else the project's (flyway_table_of_project), else Flyway's default.
// Throws Error(usage) when `given` is not a table name.
void name_flyway_history(ForeignHistoryTables& tables, const std::string& given, const std::vector<std::string>& dirs,
                         const std::filesystem::path& project_root);

}  // namespace strata::migrate
