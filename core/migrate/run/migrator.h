#pragma once
// The migration engine: applies and reverts migrations on a database (SQLite or PostgreSQL, through
// driver.h), one transaction per migration (or one for the batch), under a cross-process lock.
#include <chrono>
#include <filesystem>
#include <map>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "migrate/engines/driver.h"
#include "migrate/run/history.h"
#include "migrate/model/migration.h"
#include "migrate/model/placeholders.h"

namespace strata::migrate {

struct SectionPlan;

struct Target {
  Endpoint database;                       // where the database is
  std::string table = "strata_migrations";  // history table. Default: strata_migrations
  std::chrono::milliseconds lock_timeout{60000};  // Default: 60 s
  // How long each statement of a migration waits for a table's lock before it fails (engine's
  // ddl_lock_timeout_sql); none: the server's own (PostgreSQL and MySQL wait for ever).
  std::optional<std::chrono::milliseconds> ddl_lock_timeout{};
  Placeholders placeholders{};             // ${NAME} in sections that ask for it (envsub)
  bool show_values = false;                // a dry run prints the expanded SQL, values included
  // Where the project starts: a migration file that is a link out of it is not read
  // (load_directories). Default: empty, the migrations directory alone.
  std::filesystem::path project_root{};
  // A Sqitch project's psql variables from the command line (--set; load_directories).
  std::map<std::string, std::string> tool_variables{};
};

struct UpOptions {
  std::optional<Version> to;          // apply up to and including this version
  std::optional<std::size_t> steps;   // apply at most this many
  bool atomic = false;                // the whole batch in one transaction
  bool dry_run = false;               // print the SQL, touch nothing
  bool allow_out_of_order = false;    // apply pending files older than the newest applied
  bool resume = false;                // continue a half-done transaction:false migration
  bool trace_sql = false;             // keep the SQL that ran in RunResult::sql, as a dry run prints it
};

struct DownOptions {
  std::optional<Version> to;         // revert everything newer than this version
  std::optional<std::size_t> steps;  // Default: 1
  bool all = false;
  bool dry_run = false;
  bool trace_sql = false;  // as UpOptions::trace_sql
};

struct RedoOptions {
  std::size_t steps = 1;  // roll back this many, then apply exactly them again
  bool dry_run = false;
  bool trace_sql = false;  // as UpOptions::trace_sql
};

enum class Direction { up, down };

struct Step {
  Version version = 0;
  std::string version_text;  // as the file names it (leading zeros kept)
  std::string name;          // empty for a dbmate file named by its version alone
  Direction direction = Direction::up;
  double duration_ms = 0;

  // <version>_<name>, or the bare version: what the migration's file is called.
  std::string label() const { return name.empty() ? version_text : version_text + "_" + name; }
};

struct RunResult {
  std::vector<Step> steps;
  bool dry_run = false;
  std::string sql;  // the dry run's exact SQL
  std::size_t imported = 0;
  HistorySource imported_from = HistorySource::none;
  std::vector<std::string> notes;  // things worth telling the user (on stderr)
};

// outdated: a repeatable migration changed since it was last applied (the next `up` applies it).
enum class EntryState { applied, pending, missing, modified, partial, outdated };
const char* to_string(EntryState s);

struct StatusEntry {
  Version version = 0;
  std::string version_text;
  std::string name;
  EntryState state = EntryState::pending;
  std::string applied_at;  // empty when not applied
  std::string file;        // empty when missing
};

struct Status {
  bool database_exists = false;
  HistorySource source = HistorySource::none;
  std::vector<StatusEntry> entries;  // sorted by version; repeatable migrations (version "R") last, by name
  std::vector<Problem> problems;     // directory problems (the entries exclude those files)
  std::size_t applied = 0;
  std::size_t pending = 0;
  std::size_t partial = 0;  // begun and not finished: neither applied nor pending
};

using StepDone = std::function<void(const Step&)>;

// A schema.sql (Migrator::dump) and what to tell the user about it.
struct SchemaDump {
  std::string sql;
  // One line for each ${NAME} whose value was found in the schema and written as ${NAME}.
  std::vector<std::string> notes;
};

class Migrator {
 public:
  Migrator(Target target, MigrationSet files);
  // Reads `dirs` (one set, as load_directories) on first need. status() then opens the database
  // on another thread while the directories are read: for a thousand migrations the two take
  // about as long each.
  Migrator(Target target, std::vector<std::string> dirs);

  RunResult up(const UpOptions& options, const StepDone& on_step = {});
  RunResult down(const DownOptions& options, const StepDone& on_step = {});
  // Reverts the newest `steps` migrations, then applies them again.
  RunResult redo(const RedoOptions& o, const StepDone& on_step = {});
  // Records every migration up to and including `version` as applied, running nothing.
  RunResult stamp(Version version);
  // Applies `sql`, a schema.sql written by dump() and read from `file`, to an empty database and
  // records the versions its "Applied migrations" list names as applied, all in one transaction
  // (dbmate's `load`). A dbmate schema.sql (mysqldump's, pg_dump's or sqlite3's text) is taken
  // too: the versions it inserts into schema_migrations are recorded. Another tool's dump of a
  // database strata manages creates the history table itself: the empty one makes way for it.
  // A database with any table, or any history, is Error(unavailable); a listed
  // version no migration file has is Error(invalid_input) naming the file, before anything runs.
  // PostgreSQL's dump, in name order, is applied in dependency order. MySQL commits DDL
  // implicitly, so there a failure is undone by dropping what the dump had created.
  RunResult load(const std::string& file, const std::string& sql);
  // Re-accepts the current checksum of changed applied files (`version`, or all when nullopt).
  std::vector<std::string> accept(std::optional<Version> version);

  Status status();          // read-only
  // Read-only; the deterministic schema.sql. Values of the environment never reach it: the value
  // (4 bytes or more, any case, also with its quotes doubled) of every ${NAME} the migration
  // files use, marked envsub or not, is written as ${NAME}, each with a note naming the objects.
  SchemaDump dump();

  const MigrationSet& files();

 private:
  class Session;
  std::size_t run_up_as_written(Session& s, const Migration& m, const SectionPlan& plan);
  // Applies the pending migrations `o` selects, or exactly `only` (oldest first) when given;
  // then, unless `only`, --to or --steps limits the run, the repeatable ones that are due.
  void apply_pending(Session& s, const UpOptions& o, const StepDone& on_step,
                     const std::vector<Version>* only = nullptr);
  void revert(Session& s, const DownOptions& o, const StepDone& on_step);
  // Applies the repeatable migrations that are new or changed, by name, after the versioned ones.
  void apply_repeatables(Session& s, const StepDone& on_step);

  Target target_;
  std::vector<std::string> dirs_;
  std::optional<MigrationSet> files_;
};

}  // namespace strata::migrate
