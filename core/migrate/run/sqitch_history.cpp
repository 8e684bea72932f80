// Sqitch's registry, read as Sqitch reads it, so a Sqitch project switches to strata without SQL
// (history.h, model/sqitch_plan.h): the `changes` table of the schema `sqitch` (PostgreSQL; a
// database of that name on MySQL), or of the file sqitch.db that Sqitch keeps beside a SQLite
// database (registry_uri in App::Sqitch::Engine::sqlite: the database's name with "sqitch" for its
// stem); sqitch.conf's `registry` names another. A row there is a change deployed and not
// reverted: `sqitch revert` deletes it.
#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <map>
#include <set>

#include "common/error.h"
#include "common/text.h"
#include "migrate/engines/driver.h"
#include "migrate/run/history.h"
#include "sqlite/connection.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;

// `change` is a reserved word on MySQL (Sqitch quotes it there too).
std::string sqitch_changes_columns(DriverKind kind) {
  return std::string("change_id, ") + (kind == DriverKind::postgres || kind == DriverKind::sqlite ? "change" : "`change`") +
         ", COALESCE(script_hash, '')";
}

// Sqitch's registry file for the SQLite database `db`, as App::Sqitch::Engine::sqlite's
// registry_uri names it: `registry` itself when absolute; else beside the database, <registry>.<ext>
// for a database app.<ext>, or `registry` as it is when it has a dot or the database has none.
std::optional<fs::path> sqitch_sqlite_registry(Driver& db, const std::string& registry_name) {
  const auto rows = db.query("SELECT file FROM pragma_database_list WHERE name = 'main'", "finding the database file");
  if (rows.empty() || rows[0].empty() || rows[0][0].empty()) return std::nullopt;
  const fs::path main(rows[0][0]);
  const std::string base = main.filename().string();
  const bool keep = registry_name.find('.') != std::string::npos || base.find('.') == std::string::npos;
  fs::path registry = fs::path(registry_name).is_absolute()
                          ? fs::path(registry_name)
                          : main.parent_path() / (keep ? registry_name : registry_name + base.substr(base.find('.')));
  std::error_code ec;
  if (!fs::is_regular_file(registry, ec)) return std::nullopt;
  return registry;
}

// A schema's (PostgreSQL) or database's (MySQL) name quoted as an identifier.
std::string quote_registry(DriverKind kind, const std::string& name) {
  const char q = kind == DriverKind::postgres ? '"' : '`';
  std::string out(1, q);
  for (const char c : name) {
    if (c == q) out += q;
    out += c;
  }
  return out + q;
}

}  // namespace

std::optional<std::vector<std::vector<std::string>>> HistoryTable::sqitch_changes(const std::string& project,
                                                                                  const std::string& registry_name) {
  const std::string where = " WHERE project = " + db_.quote(project) + " ORDER BY committed_at, change_id";
  if (db_.kind() == DriverKind::sqlite) {
    const auto registry = sqitch_sqlite_registry(db_, registry_name);
    if (!registry) return std::nullopt;
    // Its own read-only connection: ATTACH cannot run inside the transaction a take-over is in.
    const auto conn = sqlite::Connection::open_existing_read_only(registry->string(), std::chrono::milliseconds(5000));
    if (!conn || !conn->table_exists("changes")) return std::nullopt;
    std::vector<std::vector<std::string>> rows;
    try {
      SQLite::Statement q(conn->db(), "SELECT " + sqitch_changes_columns(DriverKind::sqlite) + " FROM changes" + where);
      while (q.executeStep()) rows.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()});
    } catch (const SQLite::Exception& e) {
      conn->fail(e, "reading Sqitch's registry " + registry->string());
    }
    return rows;
  }
  const std::string changes = quote_registry(db_.kind(), registry_name) + ".changes";
  const std::string exists = db_.kind() == DriverKind::postgres
                                 ? "SELECT CASE WHEN pg_catalog.to_regclass(" + db_.quote(changes) + ") IS NULL THEN 0 ELSE 1 END"
                                 : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = " + db_.quote(registry_name) +
                                       " AND table_name = 'changes'";
  const auto found = db_.query(exists, "looking for Sqitch's registry");
  if (found.empty() || found[0].empty() || found[0][0] == "0") return std::nullopt;
  return db_.query("SELECT " + sqitch_changes_columns(db_.kind()) + " FROM " + changes + where,
                   "reading " + registry_name + ".changes");
}

// Matched by change id, as Sqitch matches them; a row whose id the plan does not give (a plan
// line edited since: its note, its planner) is matched by name to the first such change not yet
// matched, as `sqitch status` would still show it deployed.
std::vector<std::pair<Version, std::string>> HistoryTable::sqitch_versions(const MigrationSet& files,
                                                                          HistorySource& source) {
  std::vector<std::pair<Version, std::string>> versions;
  const auto rows = sqitch_changes(files.tool_project, files.tool_registry.empty() ? "sqitch" : files.tool_registry);
  if (!rows) return versions;
  source = HistorySource::sqitch;
  std::map<std::string, const Migration*> by_id;
  for (const Migration& m : files.migrations) by_id.emplace(m.tool_id, &m);
  std::set<Version> taken;
  for (const auto& row : *rows) {
    const auto id = by_id.find(row[0]);
    const Migration* m = id != by_id.end() && taken.count(id->second->version) == 0 ? id->second : nullptr;
    for (const Migration& f : files.migrations) {
      if (m != nullptr) break;
      const std::string base = f.name.substr(0, f.name.find('@'));
      if (base == row[1] && taken.count(f.version) == 0) m = &f;
    }
    if (m == nullptr) {
      throw Error(ExitCode::history_mismatch,
                  db_.display() + ": Sqitch's registry lists change '" + escape_control_characters(row[1]) + "' (" +
                      escape_control_characters(row[0]) + ") of project " + escape_control_characters(files.tool_project) +
                      ", and sqitch.plan has no such change",
                  "put the change back in sqitch.plan, or revert it with sqitch first");
    }
    taken.insert(m->version);
    versions.emplace_back(m->version, m->version_text);
    if (!row[2].empty() && row[2] != m->tool_checksum) recorded_sums_[m->version] = "sqitch:" + row[2];
  }
  return versions;
}

}  // namespace strata::migrate
