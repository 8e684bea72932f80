#include "migrate/run/history.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "common/error.h"
#include "common/setting.h"
#include "common/text.h"
#include "migrate/engines/driver.h"
#include "migrate/engines/engines.h"
#include "migrate/model/migration_parser.h"
#include "strata/build_info.h"
#include "common/setting.h"

namespace strata::migrate {
namespace {

constexpr const char* k_foreign_table = "schema_migrations";
constexpr const char* k_goose_table = "goose_db_version";
constexpr const char* k_flyway_table = "flyway_schema_history";
// The columns every Flyway since 3.0 writes, sorted (std::includes).
const std::set<std::string> k_flyway_columns = {"checksum", "description", "installed_rank", "installed_on",
                                                "script", "success", "type", "version"};
constexpr const char* k_alembic_table = "alembic_version";
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
    case HistorySource::flyway: return "Flyway";
    case HistorySource::alembic: return "Alembic";
    case HistorySource::prisma: return "Prisma";
    case HistorySource::drizzle: return "Drizzle";
    case HistorySource::sqitch: return "Sqitch";
    case HistorySource::strata: return "strata";
    case HistorySource::none: break;
  }
  return "none";
}

const char* history_table_of(HistorySource s) {
  switch (s) {
    case HistorySource::goose: return k_goose_table;
    case HistorySource::flyway: return k_flyway_table;
    case HistorySource::alembic: return k_alembic_table;
    case HistorySource::prisma: return "_prisma_migrations";
    case HistorySource::drizzle: return "__drizzle_migrations";
    case HistorySource::sqitch: return "sqitch.changes";
    default: return k_foreign_table;
  }
}

Error dirty_history_error(const History& h, const MigrationSet& files, DriverKind kind,
                          const std::string& database) {
  const Version v = h.dirty_version;
  const Migration* m = files.find(v);
  const std::string name = m != nullptr ? m->up.file : "version " + std::to_string(v);
  const std::string vt = m != nullptr ? m->version_text : std::to_string(v);
  if (h.source == HistorySource::flyway) {
    const auto it = h.rows.find(v);
    const std::string spelt = it != h.rows.end() ? it->second.spelt_version() : vt;
    return Error(ExitCode::migration_failed,
                 database + ": Flyway recorded version " + spelt + " as failed: it stopped half-way (" + name + ")",
                 "undo its partial changes, then remove the failed row so strata runs it again:\n"
                 "  DELETE FROM " + h.foreign_table + " WHERE version = '" + spelt + "' AND NOT success;\n"
                 "then run `strata migrate up` (Flyway's own way out is `flyway repair`)");
  }
  if (h.source == HistorySource::prisma) {
    const std::string label = m != nullptr ? m->label() : vt;
    const std::string yes = kind == DriverKind::sqlite ? "CURRENT_TIMESTAMP" : "now()";
    return Error(ExitCode::migration_failed,
                 database + ": Prisma recorded migration " + label + " as failed: it stopped half-way (" + name + ")",
                 "undo its partial changes, then mark it rolled back so strata runs it again:\n"
                 "  prisma migrate resolve --rolled-back " + label + "\n"
                 "or, without Prisma:\n"
                 "  UPDATE _prisma_migrations SET rolled_back_at = " + yes + " WHERE migration_name = '" + label +
                     "' AND finished_at IS NULL;\n"
                 "(if you finished it by hand instead: prisma migrate resolve --applied " + label + ")\n"
                 "then run `strata migrate up`");
  }
  std::optional<Version> previous;
  for (const Migration& f : files.migrations) {
    if (f.version < v) previous = f.version;
  }
  const std::string no(engine(kind).false_literal);
  const std::string& table = h.foreign_table;
  std::string hint = "either finish " + name + " by hand, then clear the flag:\n"
                     "  UPDATE " + table + " SET dirty = " + no + " WHERE version = " + std::to_string(v) + ";\n"
                     "or undo its partial changes, then " +
                     (previous ? "step back so strata runs it again:\n"
                                 "  UPDATE " + table + " SET version = " + std::to_string(*previous) + ", dirty = " + no + ";\n"
                               : "remove the row so strata runs it again:\n  DELETE FROM " + table + ";\n") +
                     "then run `strata migrate up`";
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

HistoryTable::HistoryTable(Driver& db, std::string table, ForeignHistoryTables foreign)
    : db_(db), table_(std::move(table)), foreign_table_(std::move(foreign.migrate)), flyway_table_(std::move(foreign.flyway)) {}

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
                                                                           Version& dirty_version) {
  std::vector<std::pair<Version, std::string>> versions;
  if (table_ == foreign_table_ || !db_.table_exists(foreign_table_)) {
    if (table_ != k_goose_table && db_.table_exists(k_goose_table)) return goose_versions(source);
    if (table_ != flyway_table_ && db_.table_exists(flyway_table_)) {
      return flyway_versions(files, source, dirty, dirty_version);
    }
    if (table_ != k_alembic_table && db_.table_exists(k_alembic_table)) return alembic_versions(files, source);
    if (table_ != "_prisma_migrations" && db_.table_exists("_prisma_migrations")) {
      return prisma_versions(files, source, dirty, dirty_version);
    }
    if (table_ != "__drizzle_migrations" && drizzle_table()) return drizzle_versions(files, source);
    // Only for a Sqitch project: the registry's rows are matched to its plan.
    if (files.layout == MigrationLayout::sqitch) return sqitch_versions(files, source);
    refuse_flyway_history_named_otherwise();
    return versions;
  }
  const std::string doing = "reading " + foreign_table_;
  bool has_dirty = false;
  for (const std::string& c : db_.column_names(foreign_table_)) has_dirty |= c == "dirty";
  const std::string table = db_.qualified(foreign_table_);
  if (has_dirty) {
    source = HistorySource::golang_migrate;
    // dirty is a boolean in PostgreSQL and an integer in SQLite: compare as text.
    auto rows = db_.query("SELECT version, CASE WHEN dirty THEN 1 ELSE 0 END FROM " + table + " LIMIT 1", doing);
    if (rows.empty()) return versions;
    dirty_version = std::stoll(rows[0][0]);
    dirty = rows[0][1] == "1";
    for (const Migration& m : files.migrations) {
      if (m.version <= dirty_version) versions.emplace_back(m.version, m.version_text);
    }
    // A dirty version without a file is still the version golang-migrate was at.
    if (files.find(dirty_version) == nullptr) versions.emplace_back(dirty_version, rows[0][0]);
  } else {
    source = HistorySource::dbmate;
    for (const auto& row : db_.query("SELECT version FROM " + table, doing)) {
      const std::string& text = row[0];
      try {
        versions.emplace_back(std::stoll(text), text);
      } catch (const std::exception&) {
        throw Error(ExitCode::history_mismatch,
                    db_.display() + ": " + foreign_table_ + " holds a version that is not a number: '" + text + "'");
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

// Flyway's flyway_schema_history is a log too, by installed_rank: SQL (and JDBC) rows apply a
// version, UNDO_SQL and DELETE rows (`flyway repair`) take it back, a BASELINE row stands for every
// version up to its own, SCHEMA rows record schemas Flyway created. A row with success false is a
// migration that failed half-way (MySQL, where DDL commits): as golang-migrate's dirty flag.
std::vector<std::pair<Version, std::string>> HistoryTable::flyway_versions(const MigrationSet& files,
                                                                          HistorySource& source, bool& dirty,
                                                                          Version& dirty_version) {
  source = HistorySource::flyway;
  enum class Row { applied, failed, undone };
  std::map<Version, std::pair<std::string, Row>> latest;
  std::optional<Version> baseline;
  for (const auto& row : db_.query("SELECT version, type, CASE WHEN success THEN 1 ELSE 0 END FROM " +
                                       db_.qualified(flyway_table_) + " WHERE version IS NOT NULL ORDER BY installed_rank",
                                   "reading " + flyway_table_)) {
    const std::string type = to_lower(row[1]);
    if (type == "schema") continue;
    const std::optional<Version> v = flyway_version(row[0]);
    if (!v) {
      throw Error(ExitCode::history_mismatch,
                  db_.display() + ": " + flyway_table_ + " holds a version strata cannot order: '" + row[0] + "'",
                  "strata reads Flyway versions of at most three parts, the second and third at most 99");
    }
    if (type.find("baseline") != std::string::npos) {
      baseline = std::max(baseline.value_or(*v), *v);
      continue;
    }
    const Row state = type.starts_with("undo") || type == "delete" ? Row::undone
                      : row[2] == "1"                              ? Row::applied
                                                                   : Row::failed;
    latest[*v] = {row[0], state};
  }
  std::map<Version, std::string> applied;
  if (baseline) {
    for (const Migration& m : files.migrations) {
      if (m.version <= *baseline) applied.emplace(m.version, m.version_text);
    }
  }
  for (const auto& [v, state] : latest) {
    if (state.second == Row::undone) {
      applied.erase(v);
      continue;
    }
    applied[v] = state.first;
    if (state.second == Row::failed) {
      dirty = true;
      dirty_version = v;
    }
  }
  return {applied.begin(), applied.end()};
}

// Flyway's history under a name strata was not told (Spring Boot's spring.flyway.table, Flyway
// 4's default schema_version): read as no history, every migration would be pending and `up`
// would fail on the first CREATE TABLE, `check` report the whole schema as drift. Found by its
// columns, it is refused with the option that names it.
void HistoryTable::refuse_flyway_history_named_otherwise() {
  std::string sql;
  switch (db_.kind()) {
    case DriverKind::sqlite:
      sql = "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
            "WHERE m.type = 'table' AND p.name = 'installed_rank'";
      break;
    case DriverKind::postgres:
      sql = "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'installed_rank'";
      break;
    case DriverKind::mysql:
      sql = "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = DATABASE() AND column_name = 'installed_rank'";
      break;
  }
  for (const auto& row : db_.query(sql, "looking for Flyway's history")) {
    const std::string& name = row[0];
    if (name == flyway_table_) continue;
    std::set<std::string> columns;
    for (const std::string& c : db_.column_names(name)) columns.insert(to_lower(c));
    if (!std::includes(columns.begin(), columns.end(), k_flyway_columns.begin(), k_flyway_columns.end())) continue;
    throw Error(ExitCode::history_mismatch,
                db_.display() + ": table " + escape_control_characters(name) +
                    " holds Flyway's history (installed_rank, script, success, ...), and strata was told to read it from " +
                    flyway_table_ + ", which is not there",
                "name the table: " + mention(Setting::history_table) + " " + escape_control_characters(name) +
                    " (Spring Boot's spring.flyway.table and flyway.conf's flyway.table in the project's own "
                    "configuration files are read too)");
  }
}

// Alembic records only the revision a database is at (one row per head). Imported with `strata
// migrate import`, revision R is the file VERSION_R.sql: the database has every file up to it.
std::vector<std::pair<Version, std::string>> HistoryTable::alembic_versions(const MigrationSet& files,
                                                                           HistorySource& source) {
  source = HistorySource::alembic;
  std::optional<Version> newest;
  for (const auto& row : db_.query("SELECT version_num FROM " + db_.qualified(k_alembic_table), "reading alembic_version")) {
    const std::string& revision = row[0];
    const auto named = std::find_if(files.migrations.begin(), files.migrations.end(), [&](const Migration& m) {
      return m.name == revision || m.name.starts_with(revision + "_");
    });
    if (named == files.migrations.end()) {
      throw Error(ExitCode::history_mismatch,
                  db_.display() + ": alembic_version is at revision '" + revision +
                      "', and no migration file is named after it (VERSION_" + revision + ".sql)",
                  "import the Alembic project's history first: alembic upgrade base:head --sql > up.sql, then "
                  "strata migrate import up.sql (see strata-migrate(1), IMPORTING FROM ALEMBIC)");
    }
    newest = std::max(newest.value_or(named->version), named->version);
  }
  std::vector<std::pair<Version, std::string>> versions;
  for (const Migration& m : files.migrations) {
    if (newest && m.version <= *newest) versions.emplace_back(m.version, m.version_text);
  }
  return versions;
}

// A table of this name with other columns was most likely made by another tool; the advice goes
// in the hint, where the CLI prints it and an MCP tool turns the flag into the setting, and only
// with a column error: a lock wait or a lost server is no sign of another tool.
std::vector<std::vector<std::string>> HistoryTable::read_rows() {
  try {
    return db_.query("SELECT version, name, checksum, checksum_ws, " + db_.dialect().read_time +
                         ", duration_ms, strata_version, state, statements_done FROM " + db_.qualified(table_) +
                         " ORDER BY version",
                     "reading history table " + table_);
  } catch (const Error& e) {
    if (std::string_view(e.what()).find("column") == std::string_view::npos) throw;
    const std::string advice = "was it created by another tool? pass " + mention(Setting::table) + " to use another name";
    throw Error(e.code(), e.what(), e.hint().empty() ? advice : e.hint() + "; " + advice);
  }
}

History HistoryTable::read(const MigrationSet& files) {
  History h;
  if (db_.table_exists(table_)) {
    h.source = HistorySource::strata;
    auto rows = read_rows();
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
        r.imported_from = HistorySource::dbmate;
        for (const HistorySource named : {HistorySource::golang_migrate, HistorySource::goose, HistorySource::flyway,
                                          HistorySource::alembic, HistorySource::prisma, HistorySource::drizzle,
                                          HistorySource::sqitch}) {
          if (from == to_string(named)) r.imported_from = named;
        }
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
  for (auto& [v, text] : foreign_versions(files, source, h.dirty, h.dirty_version)) {
    HistoryRow r;
    r.version = v;
    r.version_text = std::move(text);
    if (const Migration* m = files.find(v)) {
      r.name = m->name;
      r.checksum = m->checksum;
      r.checksum_ws = m->whitespace_checksum();
    }
    if (const auto sum = recorded_sums_.find(v); sum != recorded_sums_.end()) r.checksum = sum->second;
    r.strata_version = k_version;
    r.imported_from = source;
    if (h.dirty && v == h.dirty_version) r.state = RowState::partial;
    h.rows.emplace(v, std::move(r));
  }
  h.source = source;
  if (source == HistorySource::dbmate || source == HistorySource::golang_migrate) {
    h.foreign_table = foreign_table_;
  } else if (source == HistorySource::drizzle) {
    h.foreign_table = drizzle_table().value_or(history_table_of(source));
  } else if (source == HistorySource::flyway) {
    h.foreign_table = flyway_table_;
  } else if (source != HistorySource::none) {
    h.foreign_table = history_table_of(source);
  }
  return h;
}

std::size_t HistoryTable::create_and_import(const MigrationSet& files) {
  if (db_.table_exists(table_)) return 0;
  History foreign = read(files);
  if (foreign.dirty) throw dirty_history_error(foreign, files, db_.kind(), db_.display());
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
    // A file changed since Prisma or Drizzle ran it keeps showing as changed once taken over.
    if (const auto sum = recorded_sums_.find(version); sum != recorded_sums_.end()) {
      const std::string file_sum = db_.quote(m->checksum);
      sql.replace(sql.find(file_sum), file_sum.size(), db_.quote(sum->second));
    }
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
