#pragma once
// The history table: which migrations a database has, with their checksums. Also recognises
// the version tables of dbmate, golang-migrate, goose, Flyway and Alembic so a project can switch
// tools without SQL.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "migrate/engines/driver.h"
#include "migrate/model/foreign_history.h"
#include "migrate/model/migration.h"

namespace strata::migrate {


enum class RowState { applied, partial };

enum class HistorySource { none, strata, dbmate, golang_migrate, goose, flyway, alembic, prisma, drizzle, sqitch };
const char* to_string(HistorySource s);
// The table another tool keeps its history in: schema_migrations (dbmate, golang-migrate),
// goose_db_version (goose), flyway_schema_history (Flyway), alembic_version (Alembic),
// _prisma_migrations (Prisma), __drizzle_migrations (Drizzle; in the schema drizzle on PostgreSQL),
// sqitch.changes (Sqitch's registry: the schema sqitch, or on SQLite the file sqitch.db beside the database).
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
  // The table the history was read from when another tool's (schema_migrations, or golang-migrate's
  // ?x-migrations-table=, goose_db_version, ...); empty for strata's own.
  std::string foreign_table;
  std::map<Version, HistoryRow> rows;
  // A migration another tool left failed half-way: golang-migrate's dirty flag, a Flyway row with
  // success false. That version's row reads as RowState::partial.
  bool dirty = false;
  Version dirty_version = 0;
  // Repeatable migrations (R__name.sql) as last applied, by name; their rows carry
  // repeatable_version(name), which keeps them out of `rows`.
  std::map<std::string, HistoryRow> repeatable;

  std::optional<Version> newest() const;
  const HistoryRow* find(Version v) const;
};

class HistoryTable {
 public:
  // `foreign_table`: where dbmate's or golang-migrate's history may be (golang-migrate's
  // ?x-migrations-table= names another table).
  HistoryTable(Driver& db, std::string table, ForeignHistoryTables foreign = {});

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

  // The row the project's own tool writes for `m` (Prisma's _prisma_migrations, Drizzle's
  // __drizzle_migrations: run/tool_history.cpp), written beside strata's own while that table is
  // there, so the team's tool, run again, finds `m` applied. Empty for strata's layout or when the
  // tool's table is not in the database.
  std::string tool_row_sql(const Migration& m, MigrationLayout layout);

  // Executes an insert_sql/finish_sql statement binding :duration_ms.
  void execute(const std::string& sql, double duration_ms = 0);

  const std::string& name() const { return table_; }

 private:
  // strata's own rows, as text.
  std::vector<std::vector<std::string>> read_rows();
  // Each version with its text as the foreign table spells it.
  std::vector<std::pair<Version, std::string>> foreign_versions(const MigrationSet& files, HistorySource& source,
                                        bool& dirty, Version& dirty_version);
  // goose's applied versions (goose_db_version).
  std::vector<std::pair<Version, std::string>> goose_versions(HistorySource& source);
  // Flyway's (flyway_schema_history): the versions its newest row per version says are applied,
  // every file up to a BASELINE row, and a failed one as `dirty`.
  std::vector<std::pair<Version, std::string>> flyway_versions(const MigrationSet& files, HistorySource& source,
                                                               bool& dirty, Version& dirty_version);
  // Throws when a table of Flyway's shape is there under another name than flyway_table_.
  void refuse_flyway_history_named_otherwise();
  // Alembic's (alembic_version): every file up to the one named after the recorded revision.
  std::vector<std::pair<Version, std::string>> alembic_versions(const MigrationSet& files, HistorySource& source);
  // Prisma's (_prisma_migrations, run/tool_history.cpp): the migrations it finished and did not roll
  // back; one it left unfinished as `dirty`. Checksums it recorded go to recorded_sums_.
  std::vector<std::pair<Version, std::string>> prisma_versions(const MigrationSet& files, HistorySource& source,
                                                               bool& dirty, Version& dirty_version);
  // Drizzle's (__drizzle_migrations): every journal entry up to the newest created_at, as
  // drizzle-orm's migrator decides; hashes to recorded_sums_.
  std::vector<std::pair<Version, std::string>> drizzle_versions(const MigrationSet& files, HistorySource& source);
  // Where Drizzle's table is, when it is there (drizzle.__drizzle_migrations on PostgreSQL).
  std::optional<std::string> drizzle_table();
  // Sqitch's (its registry's changes for the plan's %project, run/tool_history.cpp): each change
  // it deployed and did not revert, matched to the plan by change id (else by name, in order);
  // script hashes that are not the deploy script's to recorded_sums_.
  std::vector<std::pair<Version, std::string>> sqitch_versions(const MigrationSet& files, HistorySource& source);
  // The registry's rows (change_id, change, script_hash) for `project` in the order deployed;
  // nullopt when the database has no Sqitch registry.
  std::optional<std::vector<std::vector<std::string>>> sqitch_changes(const std::string& project, const std::string& registry);
  // A Prisma or Drizzle history's checksum for a version, where it is not the file's: read()
  // gives that row the recorded checksum, so status and check report the file as changed.
  std::map<Version, std::string> recorded_sums_;
  // The tool's table as tool_row_sql writes to it, once looked for ("" when it is not there).
  std::optional<std::string> tool_table_;

  Driver& db_;
  std::string table_;
  std::string foreign_table_;
  std::string flyway_table_;
};

// The refusal for a history another tool left dirty (golang-migrate's flag, a failed Flyway row):
// it names the version, and the hint gives both ways out, each statement on a line of its own, in
// SQL that runs on `kind` (dirty is a boolean on PostgreSQL, an integer on SQLite).
Error dirty_history_error(const History& h, const MigrationSet& files, DriverKind kind,
                         const std::string& database);

// The history row's version for the repeatable migration `name`: negative, so that it can never
// be a versioned migration's, and the same in every strata.
Version repeatable_version(const std::string& name);

// Compares dotted version strings numerically ("0.10.0" > "0.9.1").
int compare_versions(const std::string& a, const std::string& b);

}  // namespace strata::migrate
