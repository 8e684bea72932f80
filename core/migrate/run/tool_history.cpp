// The history tables of Prisma Migrate and Drizzle Kit, read as those tools read them, so a
// project switches to strata without SQL (history.h, model/tool_layout.h).
#include <algorithm>
#include <map>

#include "common/error.h"
#include "common/text.h"
#include "migrate/engines/driver.h"
#include "migrate/model/tool_layout.h"
#include "migrate/run/history.h"

namespace strata::migrate {
namespace {

// Prisma's row id: a new UUID's text made by the database, so that a dry run prints the statement
// that runs (a random id written here would differ between the two).
std::string new_uuid_sql(DriverKind kind) {
  switch (kind) {
    case DriverKind::postgres: return "md5(random()::text || clock_timestamp()::text)::uuid::text";
    case DriverKind::mysql: return "UUID()";
    case DriverKind::sqlite: break;
  }
  return "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || "
         "substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";
}

std::optional<Version> leading_version(const std::string& name) {
  std::size_t n = 0;
  while (n < name.size() && n < 18 && name[n] >= '0' && name[n] <= '9') ++n;
  if (n == 0) return std::nullopt;
  return std::stoll(name.substr(0, n));
}

}  // namespace

// _prisma_migrations holds a row per attempt: finished_at set is applied, rolled_back_at set
// (`prisma migrate resolve --rolled-back`) is taken back, neither is a migration that failed
// half-way, which Prisma refuses to go past (P3009) and so does strata.
std::vector<std::pair<Version, std::string>> HistoryTable::prisma_versions(const MigrationSet& files,
                                                                          HistorySource& source, bool& dirty,
                                                                          Version& dirty_version) {
  source = HistorySource::prisma;
  std::map<std::string, const Migration*> by_label;
  for (const Migration& m : files.migrations) by_label.emplace(m.label(), &m);
  std::map<Version, std::string> applied;
  for (const auto& row :
       db_.query("SELECT migration_name, checksum, CASE WHEN finished_at IS NULL THEN 0 ELSE 1 END, "
                 "CASE WHEN rolled_back_at IS NULL THEN 0 ELSE 1 END FROM " + db_.qualified("_prisma_migrations") +
                     " ORDER BY started_at, migration_name",
                 "reading _prisma_migrations")) {
    const std::string& name = row[0];
    if (row[3] == "1") continue;  // rolled back
    const auto file = by_label.find(name);
    std::optional<Version> v = file != by_label.end() ? std::optional<Version>(file->second->version) : leading_version(name);
    if (!v) {
      throw Error(ExitCode::history_mismatch,
                  db_.display() + ": _prisma_migrations lists migration '" + escape_control_characters(name) +
                      "', and the migrations folder has no such folder",
                  "restore the folder prisma/migrations/" + escape_control_characters(name) + "/migration.sql");
    }
    if (row[2] == "0") {
      dirty = true;
      dirty_version = *v;
    }
    applied[*v] = file != by_label.end() ? file->second->version_text : name;
    if (file != by_label.end() && !prisma_checksum_matches(*file->second, row[1])) {
      recorded_sums_[*v] = "prisma:" + row[1];
    }
  }
  return {applied.begin(), applied.end()};
}

std::optional<std::string> HistoryTable::drizzle_table() {
  if (db_.kind() != DriverKind::postgres) {
    if (db_.table_exists("__drizzle_migrations")) return std::string("__drizzle_migrations");
    return std::nullopt;
  }
  const auto rows = db_.query("SELECT pg_catalog.to_regclass('drizzle.__drizzle_migrations') IS NOT NULL", "");
  if (!rows.empty() && !rows[0].empty() && rows[0][0] == "t") return std::string("drizzle.__drizzle_migrations");
  return std::nullopt;
}

// drizzle-orm's migrator reads only the newest created_at and runs every journal entry whose
// `when` is later: so every entry up to it counts as applied. Its hash is checked here, where
// drizzle-orm never checks it.
std::vector<std::pair<Version, std::string>> HistoryTable::drizzle_versions(const MigrationSet& files,
                                                                           HistorySource& source) {
  source = HistorySource::drizzle;
  const std::string table = *drizzle_table();
  const std::string quoted = db_.kind() == DriverKind::postgres ? "\"drizzle\".\"__drizzle_migrations\""
                                                                 : db_.qualified("__drizzle_migrations");
  std::map<std::int64_t, std::string> hashes;
  std::optional<std::int64_t> newest;
  for (const auto& row : db_.query("SELECT hash, created_at FROM " + quoted, "reading " + table)) {
    std::int64_t at = 0;
    try {
      at = row[1].find_first_of(".eE") == std::string::npos ? std::stoll(row[1]) : static_cast<std::int64_t>(std::stod(row[1]));
    } catch (const std::exception&) {
      throw Error(ExitCode::history_mismatch,
                  db_.display() + ": " + table + " holds a created_at that is not a number: '" +
                      escape_control_characters(row[1]) + "'");
    }
    hashes[at] = row[0];
    newest = std::max(newest.value_or(at), at);
  }
  std::vector<std::pair<Version, std::string>> versions;
  if (!newest) return versions;
  for (const Migration& m : files.migrations) {
    if (m.tool_created_at > *newest) continue;
    versions.emplace_back(m.version, m.version_text);
    const auto hash = hashes.find(m.tool_created_at);
    if (hash != hashes.end() && hash->second != m.tool_checksum) recorded_sums_[m.version] = "drizzle:" + hash->second;
  }
  return versions;
}

// A row as the tool writes it once a migration is done: Prisma's (prisma-engines'
// record_migration_started then record_successful_step and record_migration_finished: one step,
// both times now, the checksum of migration.sql) and drizzle-orm's (the hash and the journal's
// `when`). Written in the migration's own transaction, it goes with it on a failure.
std::string HistoryTable::tool_row_sql(const Migration& m, MigrationLayout layout) {
  if (layout == MigrationLayout::strata) return {};
  if (!tool_table_) {
    if (layout == MigrationLayout::prisma) {
      tool_table_ = db_.table_exists("_prisma_migrations") ? db_.qualified("_prisma_migrations") : std::string{};
    } else {
      tool_table_ = !drizzle_table() ? std::string{}
                    : db_.kind() == DriverKind::postgres ? std::string("\"drizzle\".\"__drizzle_migrations\"")
                                                         : db_.qualified("__drizzle_migrations");
    }
  }
  if (tool_table_->empty()) return {};
  if (layout == MigrationLayout::prisma) {
    const std::string& now = db_.dialect().now;
    return "INSERT INTO " + *tool_table_ +
           " (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (" +
           new_uuid_sql(db_.kind()) + ", " + db_.quote(m.tool_checksum) + ", " + now + ", " + db_.quote(m.label()) +
           ", " + now + ", 1);";
  }
  return "INSERT INTO " + *tool_table_ + " (hash, created_at) VALUES (" + db_.quote(m.tool_checksum) + ", " +
         std::to_string(m.tool_created_at) + ");";
}

}  // namespace strata::migrate
