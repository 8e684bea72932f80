#include "migrate/run/history.h"

#include <map>

#include "common/error.h"
#include "common/text.h"
#include "migrate/engines/driver.h"
#include "migrate/engines/engines.h"
#include "strata/build_info.h"

namespace strata::migrate {
namespace {

constexpr const char* k_foreign_table = "schema_migrations";
constexpr const char* k_goose_table = "goose_db_version";
// Appended to strata_version on rows imported from a foreign history: they were not run by strata
// and their time is not known. compare_versions reads only the numbers before it.
constexpr std::string_view k_imported_mark = " imported from ";

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

Version repeatable_version(const std::string& name) {
  return -static_cast<Version>(stable_hash(name) >> 2) - 1;  // folded into the negative range
}

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

const char* to_string(HistorySource s) {
  switch (s) {
    case HistorySource::dbmate: return "dbmate";
    case HistorySource::golang_migrate: return "golang-migrate";
    case HistorySource::goose: return "goose";
    case HistorySource::strata: return "strata";
    case HistorySource::none: break;
  }
  return "none";
}

const char* history_table_of(HistorySource s) { return s == HistorySource::goose ? k_goose_table : k_foreign_table; }

Error golang_dirty_error(const History& h, const MigrationSet& files, DriverKind kind,
                         const std::string& database) {
  const Version v = h.golang_version;
  const Migration* m = files.find(v);
  const std::string name = m != nullptr ? m->up.file : "version " + std::to_string(v);
  std::optional<Version> previous;
  for (const Migration& f : files.migrations) {
    if (f.version < v) previous = f.version;
  }
  const std::string no(engine(kind).false_literal);
  const std::string vt = m != nullptr ? m->version_text : std::to_string(v);
  std::string hint = "either finish " + name + " by hand, then clear the flag: UPDATE schema_migrations SET dirty = " +
                     no + " WHERE version = " + std::to_string(v) + "; or undo its partial changes, then " +
                     (previous ? "step back so strata runs it again: UPDATE schema_migrations SET version = " +
                                     std::to_string(*previous) + ", dirty = " + no
                               : std::string("remove the row so strata runs it again: DELETE FROM schema_migrations")) +
                     "; then run `strata migrate up`";
  return Error(ExitCode::migration_failed,
               database + ": golang-migrate left version " + vt + " dirty: a migration to or from it failed half-way (" +
                   name + ")",
               std::move(hint));
}

std::optional<Version> History::newest() const {
  if (rows.empty()) return std::nullopt;
  return rows.rbegin()->first;
}

const HistoryRow* History::find(Version v) const {
  const auto it = rows.find(v);
  return it == rows.end() ? nullptr : &it->second;
}

HistoryTable::HistoryTable(Driver& db, std::string table) : db_(db), table_(std::move(table)) {}

std::string HistoryTable::create_sql() const {
  const Dialect& d = db_.dialect();
  return db_.prepare_schema_sql() + "CREATE TABLE IF NOT EXISTS " + db_.qualified(table_) +
         " (\n"
         "  version " + d.version_type + " PRIMARY KEY,\n"
         "  name TEXT NOT NULL,\n"
         "  checksum TEXT NOT NULL,\n"
         "  checksum_ws TEXT NOT NULL,\n"
         "  applied_at " + d.time_type + " NOT NULL,\n"
         "  duration_ms " + d.real_type + " NOT NULL,\n"
         "  strata_version TEXT NOT NULL,\n"
         "  state " + d.short_text + " NOT NULL DEFAULT 'applied' CHECK (state IN ('applied', 'partial')),\n"
         "  statements_done INTEGER NOT NULL DEFAULT 0\n"
         ");";
}

std::vector<std::pair<Version, std::string>> HistoryTable::foreign_versions(const MigrationSet& files,
                                                                           HistorySource& source, bool& dirty,
                                                                           Version& golang_version) {
  std::vector<std::pair<Version, std::string>> versions;
  if (table_ != k_foreign_table && table_ != k_goose_table && !db_.table_exists(k_foreign_table) &&
      db_.table_exists(k_goose_table)) {
    return goose_versions(source);
  }
  if (table_ == k_foreign_table || !db_.table_exists(k_foreign_table)) return versions;
  const std::string doing = "reading schema_migrations";
  bool has_dirty = false;
  for (const std::string& c : db_.column_names(k_foreign_table)) has_dirty |= c == "dirty";
  const std::string table = db_.qualified(k_foreign_table);
  if (has_dirty) {
    source = HistorySource::golang_migrate;
    // dirty is a boolean in PostgreSQL and an integer in SQLite: compare as text.
    auto rows = db_.query("SELECT version, CASE WHEN dirty THEN 1 ELSE 0 END FROM " + table + " LIMIT 1", doing);
    if (rows.empty()) return versions;
    golang_version = std::stoll(rows[0][0]);
    dirty = rows[0][1] == "1";
    for (const Migration& m : files.migrations) {
      if (m.version <= golang_version) versions.emplace_back(m.version, m.version_text);
    }
    // A dirty version without a file is still the version golang-migrate was at.
    if (files.find(golang_version) == nullptr) versions.emplace_back(golang_version, rows[0][0]);
  } else {
    source = HistorySource::dbmate;
    for (const auto& row : db_.query("SELECT version FROM " + table, doing)) {
      const std::string& text = row[0];
      try {
        versions.emplace_back(std::stoll(text), text);
      } catch (const std::exception&) {
        throw Error(ExitCode::history_mismatch,
                    db_.display() + ": schema_migrations holds a version that is not a number: '" + text + "'");
      }
    }
  }
  return versions;
}

// goose's goose_db_version is a log: a row per up (is_applied true) and per down (false), the
// first one version 0. A version is applied when its newest row says so, as goose reads it.
std::vector<std::pair<Version, std::string>> HistoryTable::goose_versions(HistorySource& source) {
  source = HistorySource::goose;
  std::map<Version, std::pair<std::string, bool>> latest;
  const std::string doing = "reading goose_db_version";
  for (const auto& row : db_.query("SELECT version_id, CASE WHEN is_applied THEN 1 ELSE 0 END FROM " +
                                       db_.qualified(k_goose_table) + " ORDER BY id",
                                   doing)) {
    Version v = 0;
    try {
      v = std::stoll(row[0]);
    } catch (const std::exception&) {
      throw Error(ExitCode::history_mismatch,
                  db_.display() + ": goose_db_version holds a version that is not a number: '" + row[0] + "'");
    }
    if (v > 0) latest[v] = {row[0], row[1] == "1"};
  }
  std::vector<std::pair<Version, std::string>> versions;
  for (const auto& [v, state] : latest) {
    if (state.second) versions.emplace_back(v, state.first);
  }
  return versions;
}

History HistoryTable::read(const MigrationSet& files) {
  History h;
  if (db_.table_exists(table_)) {
    h.source = HistorySource::strata;
    auto rows = db_.query("SELECT version, name, checksum, checksum_ws, " + db_.dialect().read_time +
                                    ", duration_ms, strata_version, state, statements_done FROM " +
                                    db_.qualified(table_) + " ORDER BY version",
                                "reading history table " + table_ +
                                    " (was it created by another tool? pass --table to use another name)");
    for (auto& q : rows) {
      HistoryRow r;
      r.version = std::stoll(q[0]);
      r.version_text = q[0];
      r.name = std::move(q[1]);
      r.checksum = std::move(q[2]);
      r.checksum_ws = std::move(q[3]);
      r.applied_at = std::move(q[4]);
      r.duration_ms = std::stod(q[5]);
      r.strata_version = std::move(q[6]);
      if (const std::size_t at = r.strata_version.find(k_imported_mark); at != std::string::npos) {
        const std::string from = r.strata_version.substr(at + k_imported_mark.size());
        r.imported_from = from == "golang-migrate" ? HistorySource::golang_migrate
                          : from == "goose"        ? HistorySource::goose
                                                   : HistorySource::dbmate;
        r.applied_at.clear();
      }
      r.state = q[7] == "partial" ? RowState::partial : RowState::applied;
      r.statements_done = static_cast<std::size_t>(std::stoll(q[8]));
      if (r.version < 0) {
        h.repeatable.emplace(r.name, std::move(r));
        continue;
      }
      // Rows come in version order: each goes at the end of the map.
      h.rows.emplace_hint(h.rows.end(), r.version, std::move(r));
    }
    return h;
  }
  HistorySource source = HistorySource::none;
  for (auto& [v, text] : foreign_versions(files, source, h.golang_dirty, h.golang_version)) {
    HistoryRow r;
    r.version = v;
    r.version_text = std::move(text);
    if (const Migration* m = files.find(v)) {
      r.name = m->name;
      r.checksum = m->checksum;
      r.checksum_ws = m->whitespace_checksum();
    }
    r.strata_version = k_version;
    r.imported_from = source;
    if (h.golang_dirty && v == h.golang_version) r.state = RowState::partial;
    h.rows.emplace(v, std::move(r));
  }
  h.source = source;
  return h;
}

std::size_t HistoryTable::create_and_import(const MigrationSet& files) {
  if (db_.table_exists(table_)) return 0;
  History foreign = read(files);
  if (foreign.golang_dirty) throw golang_dirty_error(foreign, files, db_.kind(), db_.display());
  db_.exec(create_sql(), "creating history table " + table_);
  std::size_t imported = 0;
  // The import is one-way: strata never writes schema_migrations again, and drift and dump leave
  // it out (drop_foreign_history) until the team drops it.
  const std::string mark = std::string(k_version) + std::string(k_imported_mark) + to_string(foreign.source);
  for (const auto& [version, row] : foreign.rows) {
    const Migration* m = files.find(version);
    Migration placeholder;
    if (m == nullptr) {
      placeholder.version = version;
      placeholder.name = "(no file; imported from " + std::string(to_string(foreign.source)) + ")";
      m = &placeholder;
    }
    std::string sql = insert_sql(*m, RowState::applied);
    const std::string ours = db_.quote(k_version);
    sql.replace(sql.rfind(ours), ours.size(), db_.quote(mark));
    execute(sql, 0);
    ++imported;
  }
  return imported;
}

std::string HistoryTable::insert_sql(const Migration& m, RowState state) const {
  return "INSERT INTO " + db_.qualified(table_) +
         " (version, name, checksum, checksum_ws, applied_at, duration_ms, strata_version, state, "
         "statements_done) VALUES (" +
         std::to_string(m.version) + ", " + db_.quote(m.name) + ", " + db_.quote(m.checksum) +
         ", " + db_.quote(m.whitespace_checksum()) + ", " + db_.dialect().now + ", :duration_ms, " +
         db_.quote(k_version) + ", " + (state == RowState::partial ? "'partial'" : "'applied'") +
         ", 0);";
}

std::string HistoryTable::delete_sql(Version v) const {
  return "DELETE FROM " + db_.qualified(table_) + " WHERE version = " + std::to_string(v) + ";";
}

std::string HistoryTable::progress_sql(Version v, std::size_t statements_done) const {
  return "UPDATE " + db_.qualified(table_) + " SET statements_done = " +
         std::to_string(statements_done) + " WHERE version = " + std::to_string(v) + ";";
}

std::string HistoryTable::finish_sql(Version v, std::size_t statements) const {
  return "UPDATE " + db_.qualified(table_) +
         " SET state = 'applied', statements_done = " + std::to_string(statements) + ", applied_at = " +
         db_.dialect().now + ", "
         "duration_ms = :duration_ms WHERE version = " +
         std::to_string(v) + ";";
}

std::string HistoryTable::accept_sql(const Migration& m) const {
  return "UPDATE " + db_.qualified(table_) + " SET checksum = " + db_.quote(m.checksum) +
         ", checksum_ws = " + db_.quote(m.whitespace_checksum()) + ", name = " + db_.quote(m.name) +
         " WHERE version = " + std::to_string(m.version) + ";";
}

void HistoryTable::execute(const std::string& sql, double duration_ms) {
  db_.exec_bound(sql, duration_ms, "writing history table " + table_);
}

}  // namespace strata::migrate
