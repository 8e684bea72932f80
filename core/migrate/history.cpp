#include "migrate/history.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.h"
#include "common/text.h"
#include "migrate/connection.h"
#include "strata/build_info.h"

namespace strata::migrate {
namespace {

constexpr const char* k_foreign_table = "schema_migrations";

std::vector<long long> numeric_parts(const std::string& v) {
  std::vector<long long> parts;
  for (const std::string& p : split(v, '.')) {
    long long n = 0;
    for (char c : p) {
      if (c < '0' || c > '9') break;
      n = n * 10 + (c - '0');
    }
    parts.push_back(n);
  }
  return parts;
}

}  // namespace

int compare_versions(const std::string& a, const std::string& b) {
  const auto pa = numeric_parts(a);
  const auto pb = numeric_parts(b);
  for (std::size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    const long long x = i < pa.size() ? pa[i] : 0;
    const long long y = i < pb.size() ? pb[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

std::optional<Version> History::newest() const {
  if (rows.empty()) return std::nullopt;
  return rows.rbegin()->first;
}

const HistoryRow* History::find(Version v) const {
  const auto it = rows.find(v);
  return it == rows.end() ? nullptr : &it->second;
}

HistoryTable::HistoryTable(Connection& conn, std::string table)
    : conn_(conn), table_(std::move(table)) {}

std::string HistoryTable::create_sql() const {
  return "CREATE TABLE IF NOT EXISTS " + sql_identifier(table_) +
         " (\n"
         "  version INTEGER PRIMARY KEY,\n"
         "  name TEXT NOT NULL,\n"
         "  checksum TEXT NOT NULL,\n"
         "  checksum_ws TEXT NOT NULL,\n"
         "  applied_at TEXT NOT NULL,\n"
         "  duration_ms REAL NOT NULL,\n"
         "  strata_version TEXT NOT NULL,\n"
         "  state TEXT NOT NULL DEFAULT 'applied' CHECK (state IN ('applied', 'partial')),\n"
         "  statements_done INTEGER NOT NULL DEFAULT 0\n"
         ");";
}

std::vector<Version> HistoryTable::foreign_versions(const MigrationSet& files,
                                                    HistorySource& source, bool& dirty,
                                                    Version& golang_version) {
  std::vector<Version> versions;
  if (table_ == k_foreign_table || !conn_.table_exists(k_foreign_table)) return versions;
  try {
    SQLite::Database& db = conn_.db();
    bool has_dirty = false;
    SQLite::Statement cols(db, "SELECT name FROM pragma_table_info('schema_migrations')");
    while (cols.executeStep()) has_dirty |= cols.getColumn(0).getString() == "dirty";
    if (has_dirty) {
      source = HistorySource::golang_migrate;
      SQLite::Statement q(db, "SELECT version, dirty FROM schema_migrations LIMIT 1");
      if (!q.executeStep()) return versions;
      golang_version = q.getColumn(0).getInt64();
      dirty = q.getColumn(1).getInt() != 0;
      for (const Migration& m : files.migrations) {
        if (m.version <= golang_version) versions.push_back(m.version);
      }
    } else {
      source = HistorySource::dbmate;
      SQLite::Statement q(db, "SELECT version FROM schema_migrations");
      while (q.executeStep()) {
        const std::string text = q.getColumn(0).getString();
        try {
          versions.push_back(std::stoll(text));
        } catch (const std::exception&) {
          throw Error(ExitCode::history_mismatch,
                      conn_.path() + ": schema_migrations holds a version that is not a number: '" +
                          text + "'");
        }
      }
    }
  } catch (const SQLite::Exception& e) {
    conn_.fail(e, "reading schema_migrations");
  }
  return versions;
}

History HistoryTable::read(const MigrationSet& files) {
  History h;
  if (conn_.table_exists(table_)) {
    h.source = HistorySource::strata;
    try {
      SQLite::Statement q(conn_.db(),
                          "SELECT version, name, checksum, checksum_ws, applied_at, duration_ms, "
                          "strata_version, state, statements_done FROM " +
                              sql_identifier(table_) + " ORDER BY version");
      while (q.executeStep()) {
        HistoryRow r;
        r.version = q.getColumn(0).getInt64();
        r.name = q.getColumn(1).getString();
        r.checksum = q.getColumn(2).getString();
        r.checksum_ws = q.getColumn(3).getString();
        r.applied_at = q.getColumn(4).getString();
        r.duration_ms = q.getColumn(5).getDouble();
        r.strata_version = q.getColumn(6).getString();
        r.state = q.getColumn(7).getString() == "partial" ? RowState::partial : RowState::applied;
        r.statements_done = static_cast<std::size_t>(q.getColumn(8).getInt64());
        h.rows.emplace(r.version, std::move(r));
      }
    } catch (const SQLite::Exception& e) {
      conn_.fail(e, "reading history table " + table_ +
                        " (was it created by another tool? pass --table to use another name)");
    }
    return h;
  }
  HistorySource source = HistorySource::none;
  for (Version v : foreign_versions(files, source, h.golang_dirty, h.golang_version)) {
    HistoryRow r;
    r.version = v;
    if (const Migration* m = files.find(v)) {
      r.name = m->name;
      r.checksum = m->checksum;
      r.checksum_ws = m->whitespace_checksum();
    }
    r.strata_version = k_version;
    h.rows.emplace(v, std::move(r));
  }
  h.source = source;
  return h;
}

std::size_t HistoryTable::create_and_import(const MigrationSet& files) {
  if (conn_.table_exists(table_)) return 0;
  History foreign = read(files);
  if (foreign.golang_dirty) {
    throw Error(ExitCode::migration_failed,
                conn_.path() + ": golang-migrate left version " +
                    std::to_string(foreign.golang_version) + " dirty (half applied)",
                "repair the schema by hand, then clear the flag: UPDATE schema_migrations SET "
                "dirty = 0");
  }
  conn_.exec(create_sql());
  std::size_t imported = 0;
  for (const auto& [version, row] : foreign.rows) {
    const Migration* m = files.find(version);
    if (m == nullptr) {
      Migration placeholder;
      placeholder.version = version;
      placeholder.name = "(imported, no file)";
      execute(insert_sql(placeholder, RowState::applied), 0);
    } else {
      execute(insert_sql(*m, RowState::applied), 0);
    }
    ++imported;
  }
  return imported;
}

std::string HistoryTable::insert_sql(const Migration& m, RowState state) const {
  return "INSERT INTO " + sql_identifier(table_) +
         " (version, name, checksum, checksum_ws, applied_at, duration_ms, strata_version, state, "
         "statements_done) VALUES (" +
         std::to_string(m.version) + ", " + sql_quote(m.name) + ", " + sql_quote(m.checksum) +
         ", " + sql_quote(m.whitespace_checksum()) + ", strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), :duration_ms, " +
         sql_quote(k_version) + ", " + (state == RowState::partial ? "'partial'" : "'applied'") +
         ", 0);";
}

std::string HistoryTable::delete_sql(Version v) const {
  return "DELETE FROM " + sql_identifier(table_) + " WHERE version = " + std::to_string(v) + ";";
}

std::string HistoryTable::progress_sql(Version v, std::size_t statements_done) const {
  return "UPDATE " + sql_identifier(table_) + " SET statements_done = " +
         std::to_string(statements_done) + " WHERE version = " + std::to_string(v) + ";";
}

std::string HistoryTable::finish_sql(Version v) const {
  return "UPDATE " + sql_identifier(table_) +
         " SET state = 'applied', applied_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
         "duration_ms = :duration_ms WHERE version = " +
         std::to_string(v) + ";";
}

std::string HistoryTable::accept_sql(const Migration& m) const {
  return "UPDATE " + sql_identifier(table_) + " SET checksum = " + sql_quote(m.checksum) +
         ", checksum_ws = " + sql_quote(m.whitespace_checksum()) + ", name = " + sql_quote(m.name) +
         " WHERE version = " + std::to_string(m.version) + ";";
}

void HistoryTable::execute(const std::string& sql, double duration_ms) {
  try {
    SQLite::Statement q(conn_.db(), sql);
    if (q.getBindParameterCount() > 0) q.bind(":duration_ms", duration_ms);
    q.exec();
  } catch (const SQLite::Exception& e) {
    conn_.fail(e, "writing history table " + table_);
  }
}

}  // namespace strata::migrate
