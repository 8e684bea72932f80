#include "migrate/history.h"

#include "common/error.h"
#include "common/text.h"
#include "migrate/driver.h"
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
         "  state TEXT NOT NULL DEFAULT 'applied' CHECK (state IN ('applied', 'partial')),\n"
         "  statements_done INTEGER NOT NULL DEFAULT 0\n"
         ");";
}

std::vector<Version> HistoryTable::foreign_versions(const MigrationSet& files,
                                                    HistorySource& source, bool& dirty,
                                                    Version& golang_version) {
  std::vector<Version> versions;
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
      if (m.version <= golang_version) versions.push_back(m.version);
    }
  } else {
    source = HistorySource::dbmate;
    for (const auto& row : db_.query("SELECT version FROM " + table, doing)) {
      const std::string& text = row[0];
      try {
        versions.push_back(std::stoll(text));
      } catch (const std::exception&) {
        throw Error(ExitCode::history_mismatch,
                    db_.display() + ": schema_migrations holds a version that is not a number: '" + text + "'");
      }
    }
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
      r.name = std::move(q[1]);
      r.checksum = std::move(q[2]);
      r.checksum_ws = std::move(q[3]);
      r.applied_at = std::move(q[4]);
      r.duration_ms = std::stod(q[5]);
      r.strata_version = std::move(q[6]);
      r.state = q[7] == "partial" ? RowState::partial : RowState::applied;
      r.statements_done = static_cast<std::size_t>(std::stoll(q[8]));
      // Rows come in version order: each goes at the end of the map.
      h.rows.emplace_hint(h.rows.end(), r.version, std::move(r));
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
  if (db_.table_exists(table_)) return 0;
  History foreign = read(files);
  if (foreign.golang_dirty) {
    throw Error(ExitCode::migration_failed,
                db_.display() + ": golang-migrate left version " +
                    std::to_string(foreign.golang_version) + " dirty (half applied)",
                "repair the schema by hand, then clear the flag: UPDATE schema_migrations SET "
                "dirty = 0");
  }
  db_.exec(create_sql(), "creating history table " + table_);
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
  return "INSERT INTO " + db_.qualified(table_) +
         " (version, name, checksum, checksum_ws, applied_at, duration_ms, strata_version, state, "
         "statements_done) VALUES (" +
         std::to_string(m.version) + ", " + sql_quote(m.name) + ", " + sql_quote(m.checksum) +
         ", " + sql_quote(m.whitespace_checksum()) + ", " + db_.dialect().now + ", :duration_ms, " +
         sql_quote(k_version) + ", " + (state == RowState::partial ? "'partial'" : "'applied'") +
         ", 0);";
}

std::string HistoryTable::delete_sql(Version v) const {
  return "DELETE FROM " + db_.qualified(table_) + " WHERE version = " + std::to_string(v) + ";";
}

std::string HistoryTable::progress_sql(Version v, std::size_t statements_done) const {
  return "UPDATE " + db_.qualified(table_) + " SET statements_done = " +
         std::to_string(statements_done) + " WHERE version = " + std::to_string(v) + ";";
}

std::string HistoryTable::finish_sql(Version v) const {
  return "UPDATE " + db_.qualified(table_) +
         " SET state = 'applied', applied_at = " + db_.dialect().now + ", "
         "duration_ms = :duration_ms WHERE version = " +
         std::to_string(v) + ";";
}

std::string HistoryTable::accept_sql(const Migration& m) const {
  return "UPDATE " + db_.qualified(table_) + " SET checksum = " + sql_quote(m.checksum) +
         ", checksum_ws = " + sql_quote(m.whitespace_checksum()) + ", name = " + sql_quote(m.name) +
         " WHERE version = " + std::to_string(m.version) + ";";
}

void HistoryTable::execute(const std::string& sql, double duration_ms) {
  db_.exec_bound(sql, duration_ms, "writing history table " + table_);
}

}  // namespace strata::migrate
