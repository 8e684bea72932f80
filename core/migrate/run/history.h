#pragma once
// The history table: which migrations a database has, with their checksums. Also recognises
// the version tables of dbmate and golang-migrate so a project can switch tools without SQL.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "migrate/engines/driver.h"
#include "migrate/model/migration.h"

namespace strata::migrate {


enum class RowState { applied, partial };

enum class HistorySource { none, strata, dbmate, golang_migrate, goose };
const char* to_string(HistorySource s);
// The table another tool keeps its history in: schema_migrations (dbmate, golang-migrate),
// goose_db_version (goose).
const char* history_table_of(HistorySource s);

struct HistoryRow {
  Version version = 0;
  // As the history spells it: a dbmate version keeps its zero padding ("0001"); strata's own
  // history stores integers.
  std::string version_text;
  std::string name;
  std::string checksum;
  std::string checksum_ws;
  std::string applied_at;
  double duration_ms = 0;
  std::string strata_version;
  RowState state = RowState::applied;
  std::size_t statements_done = 0;  // for a partial (transaction:false) migration
  // Taken over from dbmate's or golang-migrate's schema_migrations (none: run by strata). Such a
  // row has no known applied_at: it reads as empty even after the import.
  HistorySource imported_from = HistorySource::none;

  // The version as the history spells it, else the number.
  std::string spelt_version() const { return version_text.empty() ? std::to_string(version) : version_text; }
};


struct History {
  HistorySource source = HistorySource::none;
  std::map<Version, HistoryRow> rows;
  // golang-migrate records one version and a dirty flag instead of rows. A dirty version's row
  // reads as RowState::partial.
  bool golang_dirty = false;
  Version golang_version = 0;
  // Repeatable migrations (R__name.sql) as last applied, by name; their rows carry
  // repeatable_version(name), which keeps them out of `rows`.
  std::map<std::string, HistoryRow> repeatable;

  std::optional<Version> newest() const;
  const HistoryRow* find(Version v) const;
};

class HistoryTable {
 public:
  HistoryTable(Driver& db, std::string table);

  // Reads the history. For a database managed by dbmate or golang-migrate (and not yet by
  // strata) the rows are synthesised from `files` as "applied with the current checksum".
  History read(const MigrationSet& files);

  // SQL that creates the table (idempotent).
  std::string create_sql() const;
  // Creates the table and, for a dbmate/golang-migrate database, imports its versions. Must run
  // inside a write transaction. Returns how many versions were imported.
  std::size_t create_and_import(const MigrationSet& files);

  // The bookkeeping statements; the dry run prints exactly these. `duration` is bound at run
  // time as :duration_ms.
  std::string insert_sql(const Migration& m, RowState state) const;
  std::string delete_sql(Version v) const;
  std::string progress_sql(Version v, std::size_t statements_done) const;
  // A partial row done: applied, after `statements` statements.
  std::string finish_sql(Version v, std::size_t statements) const;
  std::string accept_sql(const Migration& m) const;

  // Executes an insert_sql/finish_sql statement binding :duration_ms.
  void execute(const std::string& sql, double duration_ms = 0);

  const std::string& name() const { return table_; }

 private:
  // Each version with its text as the foreign table spells it.
  std::vector<std::pair<Version, std::string>> foreign_versions(const MigrationSet& files, HistorySource& source,
                                        bool& dirty, Version& golang_version);
  // goose's applied versions (goose_db_version).
  std::vector<std::pair<Version, std::string>> goose_versions(HistorySource& source);

  Driver& db_;
  std::string table_;
};

// The refusal for a golang-migrate history left dirty: it names the version and both ways out, in
// SQL that runs on `kind` (dirty is a boolean on PostgreSQL, an integer on SQLite).
Error golang_dirty_error(const History& h, const MigrationSet& files, DriverKind kind,
                         const std::string& database);

// The history row's version for the repeatable migration `name`: negative, so that it can never
// be a versioned migration's, and the same in every strata.
Version repeatable_version(const std::string& name);

// Compares dotted version strings numerically ("0.10.0" > "0.9.1").
int compare_versions(const std::string& a, const std::string& b);

}  // namespace strata::migrate
