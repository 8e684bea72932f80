#pragma once
// What an engine's lint rules report, and their shape: each engine's row (engines.h) points at
// its own rules (engines/ENGINE/ENGINE_lint.cpp); check/lint.h runs them with the rules every
// engine shares.
#include <cstddef>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "migrate/model/migration.h"

namespace strata::migrate {

struct LintFinding {
  // All: unfilled-backfill (a `migrate diff` placeholder still in the file). SQLite: pragma-in-transaction | unbalanced-transaction | destructive. PostgreSQL:
  // not-in-transaction | unbalanced-transaction | foreign-keys-option |
  // index-without-concurrently | volatile-default | not-null-without-default | rename |
  // destructive | parse-error | drop-object | drop-default | drop-foreign-key | drop-identity |
  // type-change-recheck | work-under-lock (and more: strata-migrate(1) lists them). MySQL:
  // not-in-transaction | unbalanced-transaction | parse-error | foreign-keys-option |
  // alter-without-algorithm | alter-copies-table | alter-locks-table | not-null-without-default |
  // rename | destructive.
  std::string code;
  bool error = false;
  std::size_t line = 0;
  std::string message;
  std::string file;  // the section's file: the .down.sql of a golang-migrate pair for its down
  bool info = false;  // said, never counted (a statement the parser could not read)
};

// What the migrations linted so far made, for rules that depend on it (a type change rewrites
// a table or not by the column's type before it); filled by the engine's rules from up sections,
// in the order the migrations run.
struct LintMemory {
  std::map<std::string, std::string> column_types;  // "table.column" -> its type, as the engine spells it
  std::map<std::string, std::string> not_null_checks;  // CHECK (column IS NOT NULL) NOT VALID: name -> "table.column"
  std::set<std::string> validated_not_null;           // "table.column" with such a check validated
  std::set<std::string> known_constraints;            // every constraint a linted migration added, by name
  std::map<std::string, std::string> constraint_kinds;  // constraint name -> its kind ("f" foreign key, "c" check, ...)
  std::set<std::string> not_null_columns;             // "table.column" declared NOT NULL (or a primary key's)
  std::set<std::string> checked_columns;              // "table.column" named by a validated CHECK
  std::map<std::string, std::vector<std::string>> index_columns;  // index name -> "table.column" of its plain columns
  std::map<std::string, std::vector<std::string>> check_columns;  // CHECK ... NOT VALID: name -> "table.column" it reads
  // A table's columns in one index's or one foreign key's order (plain column names).
  struct TableColumns {
    std::string table;
    std::vector<std::string> columns;
  };
  // Foreign keys by constraint name, and the indexes that can find a row by their leading columns
  // (by index or constraint name: no WHERE, no expression), for a foreign key left without one.
  std::map<std::string, TableColumns> foreign_keys;
  std::map<std::string, TableColumns> full_indexes;

  // Forgets what is known of `table`'s columns (a table dropped, or made again).
  void forget_table(const std::string& table) {
    const std::string prefix = table + ".";
    for (auto it = column_types.lower_bound(prefix); it != column_types.end() && it->first.starts_with(prefix);) {
      not_null_columns.erase(it->first);
      it = column_types.erase(it);
    }
    std::erase_if(foreign_keys, [&](const auto& fk) { return fk.second.table == table; });
    std::erase_if(full_indexes, [&](const auto& index) { return index.second.table == table; });
  }
};

// What a section is linted with.
struct LintContext {
  bool up = true;  // the up section, else the down
  // A lock timeout strata sets for every migration (--ddl-lock-timeout, migrate.ddl_lock_timeout): the
  // migration need not set its own.
  bool lock_timeout_configured = false;
  LintMemory* memory = nullptr;  // null: each section alone
  // MySQL: the server judged for (mysql_server.h: "mariadb-10.11", "mysql-8.0" or a server's
  // VERSION()); empty: MariaDB 10.11.
  std::string server_version{};
};

// The engine's warnings and errors about one section.
using LintSection = void (*)(const Section& s, const LintContext& c, std::vector<LintFinding>& out);

// The engine's checks of what a migration reaches outside the project (files it would change);
// `project_root` empty: every absolute path is outside.
using LintFiles = std::vector<LintFinding> (*)(const Migration& m, const std::filesystem::path& project_root);

}  // namespace strata::migrate
