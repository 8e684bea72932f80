#pragma once
// `migrate diff`: the next migration, written from the schema the user wants. The project's
// migrations are replayed into one scratch database and the desired schema (DDL files, or a live
// database) is read from another; what differs becomes an up section and, compared the other
// way, a down section. Before anything is written the draft is proven in the first scratch: its
// up must give the desired schema and its down the schema before.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "migrate/schema/ddl_writer.h"
#include "migrate/engines/driver.h"
#include "migrate/model/placeholders.h"
#include "migrate/schema/schema_changes.h"

namespace strata::migrate {

struct DiffRequest {
  // Decides the dialect and, for PostgreSQL and MySQL, the server the scratch databases are
  // created on. SQLite replays in memory (the file is never opened).
  Endpoint database;
  std::vector<std::string> dirs{"./migrations"};
  std::string table = "strata_migrations";  // the history table, left out of both schemas
  Placeholders placeholders{};
  // Where the project starts: a migration file that is a link out of it is not read
  // (load_directories). Default: empty, the migrations directories alone.
  std::filesystem::path project_root{};
  std::map<std::string, std::string> tool_variables{};  // Sqitch's --set (load_directories)
  // The desired schema: SQL files, and folders whose *.sql files are read in name order...
  std::vector<std::string> desired_files;
  // ...or a database to read it from (then desired_files is empty).
  std::optional<Endpoint> desired_database;
  Renames renames;
  // PostgreSQL: indexes on existing tables CONCURRENTLY, in a second migration (DiffDraft's
  // Script::concurrent).
  bool concurrently = false;
};

struct DiffDraft {
  std::string desired;  // what the desired schema was read from, for messages
  Script up;
  Script down;
  // Possible renames nothing decided: nothing is drafted until --rename or --no-rename (or the
  // user at a terminal) decides each.
  std::vector<RenameCandidate> undecided;
  // Differences the draft leaves when proven in the scratch database ("up: ...", "down: ...");
  // empty when it gives both schemas exactly (column order aside).
  std::vector<std::string> unproven;
  std::size_t changes = 0;  // objects that differ
  bool empty() const { return changes == 0; }
};

// Throws Error(migration_failed) when a migration does not replay, Error(invalid_input) when
// the desired schema does not load (naming file:line:col), Error(unavailable) for a server.
DiffDraft draft_migration(const DiffRequest& request);

// The migration file's text: both sections with their options, and a header comment.
std::string migration_text(const DiffDraft& draft, const Script& up, const Script& down);

// For --concurrently on PostgreSQL: the second file's text (transaction:false), or "" if none.
std::string concurrent_migration_text(const DiffDraft& draft);

}  // namespace strata::migrate
