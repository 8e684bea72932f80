#include "migrate/check/checker.h"

#include "migrate/model/tool_layout.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <filesystem>
#include <future>
#include <memory>

#include "common/atomic_file.h"
#include "common/setting.h"
#include "common/text.h"
#include "migrate/check/baseline.h"
#include "migrate/engines/driver.h"
#include "migrate/engines/engines.h"
#include "migrate/run/history.h"
#include "migrate/check/lint.h"
#include "migrate/model/migration_parser.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/run_plan.h"
#include "migrate/schema/schema.h"
#include "migrate/run/scratch_database.h"
#include "migrate/model/section_location.h"
#include "strata/build_info.h"

namespace strata::migrate {
namespace {

// What CheckOptions asks of the baseline (baseline.h), done on a finished report: writes it when
// asked to (then every baselinable finding is acknowledged), otherwise reads and applies one.
// Throws Error(invalid_input) for a malformed or missing baseline file, Error(unavailable) when
// the file cannot be written.
void use_baseline(const MigrationSet& files, const CheckOptions& o, CheckReport& r) {
  if (!o.write_baseline.empty()) {
    const std::string text = render_baseline(r.findings, files);
    // Beside the target, created exclusively and renamed (common/atomic_file.h): a failure
    // never leaves half a baseline, and no link planted in the project is written through.
    write_file_atomically(o.write_baseline, text);
    r.baseline_file = o.write_baseline;
    // What was written is what the next check reads.
    r.baselined += apply_baseline(parse_baseline(text, o.write_baseline), files, o.roundtrip, r.findings);
    return;
  }
  if (o.baseline.empty()) return;
  std::error_code ec;
  if (o.baseline_optional && !std::filesystem::exists(o.baseline, ec)) return;
  r.baseline_file = o.baseline;
  r.baselined += apply_baseline(read_baseline(o.baseline), files, o.roundtrip, r.findings);
}

Finding about(const Migration& m, std::string code, Severity sev, ExitCode cls,
              std::string message, std::size_t line = 0) {
  return Finding{std::move(code), sev, cls, m.version_text, m.file, line, std::move(message)};
}

// Why a .sql file of the folder does not run, as the layout decides it: a tool's project lists its
// migrations (renaming the file would not list it), strata's own takes a file by its name.
std::string not_a_migration_reason(MigrationLayout layout) {
  switch (layout) {
    case MigrationLayout::drizzle:
      return "not listed in meta/_journal.json: ignored, as drizzle-orm ignores it; `drizzle-kit generate` (or "
             "`strata migrate new`) adds a migration with its journal entry";
    case MigrationLayout::prisma:
      return "not in a migration folder (<timestamp>_<name>/migration.sql): ignored, as Prisma ignores it";
    case MigrationLayout::sqitch:
      return "not named by sqitch.plan: ignored, as Sqitch ignores it";
    case MigrationLayout::strata:
      break;
  }
  return "not a migration file name: ignored; rename it <version>_<name>.sql to run it";
}

void check_files(const MigrationSet& files, DriverKind dialect, const CheckOptions& o, CheckReport& r) {
  const std::filesystem::path& root = o.project_root;
  const LintFiles lint_files = engine(dialect).lint_files;
  // What earlier migrations made (a column's type) informs the rules of later ones: linted in
  // the order they run.
  LintMemory memory;
  const LintContext context{
      .up = true, .lock_timeout_configured = o.ddl_lock_timeout, .memory = &memory, .server_version = o.server_version};
  for (const Problem& p : files.problems) {
    r.findings.push_back(Finding{p.code, Severity::error, ExitCode::invalid_input,
                                 p.version ? std::to_string(*p.version) : "", p.file, p.line,
                                 p.message});
  }
  for (const Migration& m : files.migrations) {
    // A golang-migrate down's finding names the .down.sql (to_finding keeps the finding's file).
    for (const LintFinding& f : lint_migration(m, dialect, context)) r.findings.push_back(to_finding(f, m.version_text, m.file));
    if (lint_files != nullptr) {
      for (const LintFinding& f : lint_files(m, root)) r.findings.push_back(to_finding(f, m.version_text, m.file));
    }
    // An empty down is a rollback that changes nothing (dbmate's and golang-migrate's reading).
    if (!m.down.present && !files.forward_only()) {
      r.findings.push_back(about(m, "missing-down", Severity::warning, ExitCode::invalid_input,
                                 !m.pair ? std::string("no down section: it cannot be rolled back")
                                         : "no " + std::string(std::filesystem::path(down_file_of(m)).filename()) +
                                               " file: it cannot be rolled back"));
    }
    if (m.not_utf8) {
      r.findings.push_back(Finding{"not-utf8", Severity::info, ExitCode::ok, m.version_text, m.not_utf8->file,
                                   m.not_utf8->at.line,
                                   "bytes that are not UTF-8 at column " + std::to_string(m.not_utf8->at.column) +
                                       ": sent to the server as they are, as dbmate and golang-migrate send them "
                                       "(a binary literal; or a file saved in another encoding, which the server may "
                                       "refuse or store as it is)"});
    }
  }
  for (const Migration& m : files.repeatables) {
    std::vector<LintFinding> found = lint_migration(m, dialect, context);
    if (lint_files != nullptr) {
      for (LintFinding& f : lint_files(m, root)) found.push_back(std::move(f));
    }
    for (const LintFinding& f : found) r.findings.push_back(to_finding(f, "R", m.file));
  }
  if (engine(dialect).ddl_commits) {
    // Said once, up front: what a failure half-way through such a migration leaves.
    std::size_t ddl = 0;
    for (const Migration& m : files.migrations) if (plan_section(m.up, dialect, true).implicit_commit) ++ddl;
    if (ddl > 0) {
      r.findings.push_back(Finding{"implicit-commit", Severity::info, ExitCode::ok, "", "", 0,
                                   std::to_string(ddl) + " migration(s) hold DDL, which " + std::string(engine(dialect).title) +
                                       " commits implicitly: they "
                                   "run statement by statement, each recorded as it commits; one that fails half-way is "
                                   "left partial, and `up " + command_mention(Setting::resume) + "` continues it after the repair"});
    }
  }
  for (const std::string& file : files.ignored) {
    r.findings.push_back(Finding{"not-a-migration", Severity::warning, ExitCode::invalid_input, "", file, 0,
                                 not_a_migration_reason(files.layout)});
  }
}

// The runner's errors read "file:line:col: message"; the line also goes in the finding's field.
Finding replay_failure(const Migration& m, const Error& e, const std::string& code,
                       ExitCode cls, const std::string& what) {
  const std::string message = e.what();
  std::size_t line = 0;
  for (const Section* s : {&m.up, &m.down}) {
    const std::string prefix = s->file + ":";
    if (s->file.empty() || message.compare(0, prefix.size(), prefix) != 0) continue;
    for (std::size_t i = prefix.size(); i < message.size() && message[i] >= '0' && message[i] <= '9'; ++i) {
      line = line * 10 + static_cast<std::size_t>(message[i] - '0');
    }
    break;
  }
  // The runner's hint (a function of a newer SQLite, the server's own hint) belongs with it.
  const std::string hint = e.hint().empty() ? "" : " (" + e.hint() + ")";
  return about(m, code, Severity::error, cls, what + ": " + message + hint, line);
}

// Says once per check that the replay ran in the weaker kind of scratch.
void note_caveat(const ScratchDatabase& scratch, CheckReport& r) {
  const std::string caveat = scratch.caveat();
  if (caveat.empty()) return;
  for (const Finding& f : r.findings) {
    if (f.code == "scratch-schema") return;
  }
  // A warning that never changes the exit code, not even with --strict: the role, not the
  // migrations, is what it is about.
  r.findings.push_back(Finding{"scratch-schema", Severity::warning, ExitCode::ok, "", "", 0, caveat});
}

// Replays every up section in order into an empty database (the first half of --roundtrip).
// A migration that fails there will fail on a real fresh database too.
bool check_replay(const MigrationSet& files, const Endpoint* server, const std::string& table, const Placeholders& ph,
                  CheckReport& r) {
  ScratchDatabase scratch(server, table, &ph);
  note_caveat(scratch, r);
  for (const Migration& m : files.migrations) {
    try {
      scratch.apply(m.up);
    } catch (const Error& e) {
      r.findings.push_back(replay_failure(m, e, "parse-error", ExitCode::invalid_input,
                                          "fails on a fresh database"));
      return false;
    }
    // A Sqitch change's verify script, as `sqitch deploy --verify` runs it: it raises an error
    // when the change did not do what it says.
    if (!m.verify.present) continue;
    try {
      scratch.apply(m.verify);
    } catch (const Error& e) {
      r.findings.push_back(about(m, "verify-failed", Severity::error, ExitCode::invalid_input,
                                 "its verify script fails after its deploy script on a fresh database: " +
                                     std::string(e.what()) + (e.hint().empty() ? "" : " (" + e.hint() + ")")));
      return false;
    }
  }
  // Repeatable migrations run after the versioned ones, as `up` runs them (never rolled back,
  // so the roundtrip that follows leaves them out).
  for (const Migration& m : files.repeatables) {
    try {
      scratch.apply(m.up);
    } catch (const Error& e) {
      r.findings.push_back(replay_failure(m, e, "parse-error", ExitCode::invalid_input, "fails on a fresh database"));
      return false;
    }
  }
  return true;
}

// A schema difference as a finding: column order alone is info (nothing to fix, never counts).
Finding schema_finding(const Migration* m, const std::string& code, const SchemaDiff& d, const std::string& lead,
                       const std::string& expected_side, const std::string& actual_side) {
  const bool order = d.kind == SchemaDiff::Kind::column_order;
  Finding f = m != nullptr ? about(*m, code, Severity::error, ExitCode::drift, "")
                           : Finding{code, Severity::error, ExitCode::drift, "", "", 0, ""};
  if (order) {
    f.severity = Severity::info;
    f.exit_class = ExitCode::ok;
  }
  f.message = lead + describe(d, expected_side, actual_side);
  f.detail = d.detail;
  return f;
}

// Up, down, compare with the schema before that up, up again, for every migration in order (as
// the peers' roundtrip does). A broken pair does not stop the check: the scratch database is
// rebuilt from nothing up to that migration, so later results follow the real up path, and
// every broken down is reported.
void check_roundtrip(const MigrationSet& files, const Endpoint* server, const std::string& table, const Placeholders& ph,
                     CheckReport& r) {
  auto scratch = std::make_unique<ScratchDatabase>(server, table, &ph);
  note_caveat(*scratch, r);
  const auto rebuild = [&](std::size_t upto) {
    scratch = std::make_unique<ScratchDatabase>(server, table, &ph);
    for (std::size_t i = 0; i <= upto; ++i) scratch->apply(files.migrations[i].up);
  };
  Schema before = scratch->schema();
  for (std::size_t k = 0; k < files.migrations.size(); ++k) {
    const Migration& m = files.migrations[k];
    try {
      scratch->apply(m.up);
    } catch (const Error&) {
      return;  // the fresh replay (check_replay) reports it; nothing later can be checked
    }
    // missing-down already warns about a migration without a down: nothing to exercise here.
    // An empty down section is exercised, as the peers run it: a no-op that leaves up's objects
    // behind is reported.
    if (!m.down.present) {
      before = scratch->schema();
      continue;
    }
    const Schema after = scratch->schema();
    const std::size_t findings_before = r.findings.size();
    bool broken = false;
    try {
      scratch->apply(m.down);
    } catch (const Error& e) {
      Finding f = replay_failure(m, e, "roundtrip", ExitCode::drift, "down fails");
      // The finding names the migration (for a pair, the .up.sql file); the message names the
      // .down.sql line, which the line column would misplace.
      if (m.down.file != m.file) f.line = 0;
      r.findings.push_back(std::move(f));
      broken = true;
    }
    if (!broken) {
      for (const SchemaDiff& d : diff_schemas(before, scratch->schema())) {
        Finding f = schema_finding(&m, "roundtrip", d, "down does not undo up: ", "the schema before up",
                                   "the schema after down");
        broken |= f.severity == Severity::error;
        r.findings.push_back(std::move(f));
      }
      // After a down that did not undo its up, up again would only repeat that finding.
      if (!broken) {
        try {
          scratch->apply(m.up);
          for (const SchemaDiff& d : diff_schemas(after, scratch->schema())) {
            if (d.kind == SchemaDiff::Kind::column_order) continue;  // already said after down
            r.findings.push_back(schema_finding(&m, "roundtrip", d, "up after down gives another schema: ",
                                                "the first up", "up after down"));
            broken = true;
          }
        } catch (const Error& e) {
          r.findings.push_back(replay_failure(m, e, "roundtrip", ExitCode::drift, "up again after down fails"));
          broken = true;
        }
      }
    }
    if (broken) {
      try {
        rebuild(k);
      } catch (const Error&) {
        return;
      }
    }
    // Rebuilt, or back exactly where up left it: `after`. Only a column-order info leaves the
    // scratch in another order than `after`, and the next comparison must start from that.
    before = broken || r.findings.size() == findings_before ? after : scratch->schema();
  }
}

void check_history(const MigrationSet& files, const History& h, const Driver* db, CheckReport& r) {
  if (h.dirty) {
    const Error e = dirty_history_error(h, files, db != nullptr ? db->kind() : k_default_engine,
                                       db != nullptr ? db->display() : "");
    const Migration* m = files.find(h.dirty_version);
    std::string message = e.what();
    if (const std::size_t colon = message.find(": "); db != nullptr && colon != std::string::npos) {
      message = message.substr(colon + 2);  // the table already names the database
    }
    r.findings.push_back(Finding{"partial", Severity::error, ExitCode::migration_failed,
                                 m != nullptr ? m->version_text : std::to_string(h.dirty_version),
                                 m != nullptr ? m->up.file : "", 0, message + " (the way out is below the table)", {},
                                 e.hint()});
  }
  const std::optional<Version> newest = h.newest();
  // Rows share a handful of strata versions: compare each distinct one once.
  const std::string* last_version = nullptr;
  bool last_newer = false;
  for (const auto& [v, row] : h.rows) {
    const Migration* m = files.find(v);
    if (last_version == nullptr || *last_version != row.strata_version) {
      last_version = &row.strata_version;
      last_newer = compare_versions(row.strata_version, k_version) > 0;
    }
    if (last_newer) {
      r.findings.push_back(Finding{"newer-history", Severity::error, ExitCode::history_mismatch,
                                   std::to_string(v), m ? m->file : "", 0,
                                   "history row written by strata " + row.strata_version +
                                       ", newer than this strata " + k_version});
    }
    if (m == nullptr) {
      const std::string text = row.spelt_version();
      const std::string by = row.imported_from != HistorySource::none
                                 ? std::string("listed in ") + to_string(row.imported_from) + "'s " + history_table_of(row.imported_from)
                                 : "recorded";
      r.findings.push_back(Finding{"missing-file", Severity::error, ExitCode::history_mismatch, text, "", 0,
                                   "version " + text + (row.name.empty() || row.name.front() == '(' ? "" : " (" + row.name + ")") +
                                       " is " + by + " as applied but no migration file has this version"});
      continue;
    }
    if (row.state == RowState::partial && !(h.dirty && v == h.dirty_version)) {
      const auto offsets = db != nullptr ? db->statement_offsets(m->up.sql) : std::vector<std::size_t>{};
      std::string where;
      if (row.statements_done < offsets.size()) {
        where = " at " + m->file + ":" + location(m->up, offsets[row.statements_done]);
      }
      r.findings.push_back(about(m ? *m : Migration{}, "partial", Severity::error,
                                 ExitCode::migration_failed,
                                 "half-done transaction:false migration: stopped after statement " +
                                     std::to_string(row.statements_done) + where));
    }
    if (row.checksum != m->checksum) {
      const bool ws = row.checksum_ws == m->whitespace_checksum();
      r.findings.push_back(about(*m, "checksum-mismatch", Severity::error, ExitCode::history_mismatch,
                                 ws ? "changed after it was applied (only whitespace differs)"
                                    : "changed after it was applied"));
    }
  }
  for (const Migration& m : files.migrations) {
    if (h.find(m.version) != nullptr) continue;
    r.pending.push_back(m.version_text);
    if (newest && m.version < *newest && !files.applies_out_of_order()) {
      r.findings.push_back(about(m, "out-of-order", Severity::error, ExitCode::history_mismatch,
                                 "pending but older than the newest applied version " +
                                     h.find(*newest)->spelt_version()));
    } else {
      r.findings.push_back(about(m, "pending", Severity::info, ExitCode::pending, "not applied yet"));
    }
  }
  for (const Migration& m : files.repeatables) {
    const auto row = h.repeatable.find(m.name);
    if (row != h.repeatable.end() && row->second.checksum == m.checksum) continue;
    r.pending.push_back("R__" + m.name);
    r.findings.push_back(Finding{"pending", Severity::info, ExitCode::pending, "R", m.file, 0,
                                 row == h.repeatable.end() ? "repeatable: not applied yet"
                                                           : "repeatable: changed since it was applied; `up` applies it again"});
  }
  r.applied = h.rows.size();
}

// The first applied migration that names the live database by its name in a string literal
// (`SET @dbname = "fitness"`, `WHERE table_schema = 'fitness'`), with the line: the replay runs in
// a scratch database of another name, where such a query on information_schema finds nothing and
// the migration takes another branch.
std::optional<std::pair<const Migration*, std::size_t>> names_the_database(const MigrationSet& files, const History& h,
                                                                          const std::string& database) {
  if (database.empty()) return std::nullopt;
  for (const auto& [v, row] : h.rows) {
    const Migration* m = files.find(v);
    if (m == nullptr) continue;
    for (const char quote : {'\'', '"'}) {
      const std::string literal = quote + database + quote;
      if (const std::size_t at = m->up.sql.find(literal); at != std::string::npos) {
        return std::make_pair(m, m->up.first_line + static_cast<std::size_t>(std::count(m->up.sql.begin(),
                                                                                        m->up.sql.begin() + static_cast<std::ptrdiff_t>(at), '\n')));
      }
    }
  }
  return std::nullopt;
}

void check_drift(const MigrationSet& files, const History& h, Driver& db, const Endpoint& server,
                 const std::string& table, const Placeholders& ph, CheckReport& r) {
  ScratchDatabase scratch(&server, table, &ph);
  note_caveat(scratch, r);
  for (const auto& [v, row] : h.rows) {
    const Migration* m = files.find(v);
    if (m == nullptr) {
      r.findings.push_back(Finding{"drift", Severity::warning, ExitCode::drift, std::to_string(v),
                                   "", 0, "cannot replay: file missing; drift check incomplete"});
      return;
    }
    try {
      scratch.apply(m->up);
    } catch (const Error& e) {
      r.findings.push_back(replay_failure(*m, e, "drift", ExitCode::drift, "replay failed"));
      return;
    }
  }
  // Repeatable migrations the database has, as their files are now (one changed since is also
  // reported pending: the live database may differ from it until `up` runs it again).
  for (const Migration& m : files.repeatables) {
    if (h.repeatable.count(m.name) == 0) continue;
    try {
      scratch.apply(m.up);
    } catch (const Error& e) {
      r.findings.push_back(replay_failure(m, e, "drift", ExitCode::drift, "replay failed"));
      return;
    }
  }
  Schema replayed = scratch.schema();
  // Other schemas of the live database are compared only where the migrations create them: a
  // database shared with other applications keeps theirs to itself.
  std::vector<std::string> schemas;
  for (const SchemaObject& o : replayed.objects) {
    if (o.kind == ObjectKind::schema) schemas.push_back(o.name);
  }
  Schema live = db.read_schema(table, &schemas);
  // A dbmate/golang-migrate schema_migrations is history before and after strata imports it.
  drop_foreign_history(live, server.foreign_history);
  drop_foreign_history(replayed, server.foreign_history);
  const auto named = names_the_database(files, h, server.database);
  for (const SchemaDiff& d : diff_schemas(replayed, live)) {
    Finding f = schema_finding(nullptr, "drift", d, "", "the applied migrations", "the live database");
    f.file = db.display();
    if (named && f.severity == Severity::error) {
      // Not drift the replay can vouch for: say why it may differ, and let it not fail CI.
      f.severity = Severity::info;
      f.exit_class = ExitCode::ok;
      f.message += " (may not be drift: the replay ran in a scratch database, and " + named->first->up.file + ":" +
                   std::to_string(named->second) + " names this database ('" + server.database +
                   "') literally, so a query on information_schema there took another branch)";
    }
    r.findings.push_back(std::move(f));
  }
}

}  // namespace

bool counts(const Finding& f, bool strict) {
  return f.severity == Severity::error || f.exit_class == ExitCode::pending ||
         (strict && f.severity == Severity::warning && f.code != "scratch-schema");
}

const char* to_string(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "?";
}

namespace {

std::unique_ptr<Driver> open_database(const CheckOptions& o) {
  if (!o.database) return nullptr;
  return open_driver(*o.database, Access::read_only, o.table, o.busy_timeout);
}

// `o` with the server lint judges for, where the engine's servers differ (MySQL and MariaDB):
// the connected server's VERSION() when there is one, else the setting's (checked here, before
// any work).
CheckOptions judged_for(const CheckOptions& o, Driver* conn) {
  if (!o.database) return o;
  const Engine& e = engine(o.database->kind);
  if (e.check_lint_server == nullptr) return o;
  CheckOptions judged = o;
  if (conn != nullptr && e.names_lint_server != nullptr) {
    const auto rows = conn->query("SELECT VERSION()", "reading the server's version");
    if (!rows.empty() && !rows.front().empty() && e.names_lint_server(rows.front().front())) {
      judged.server_version = rows.front().front();
    }
  }
  e.check_lint_server(judged.server_version);
  return judged;
}

// The checks that need no database (the files and their lint), into a new report.
CheckReport check_without_database(const MigrationSet& files, const CheckOptions& o) {
  CheckReport r;
  check_files(files, o.database ? o.database->kind : k_default_engine, o, r);
  return r;
}

// Adds the rest to `r` (from check_without_database). `conn` is the read-only database, null when
// there is none (or it does not exist yet).
CheckReport check_with(const MigrationSet& files, Driver* conn, const CheckOptions& o, CheckReport r) {
  const Endpoint* server = o.database ? &*o.database : nullptr;
  // Replaying every migration costs far more than the rest of check (a quarter of a second
  // for a thousand tables), so it is part of --roundtrip, which needs it anyway.
  if (o.roundtrip && check_replay(files, server, o.table, o.placeholders, r)) {
    check_roundtrip(files, server, o.table, o.placeholders, r);
  }

  if (o.database) {
    r.database_checked = true;
    History h;
    if (conn == nullptr) {
      r.findings.push_back(Finding{"no-database", Severity::info, ExitCode::ok, "", o.database->display, 0,
                                   "database does not exist yet: every migration is pending"});
    } else {
      require_provider(files, conn->kind(), o.database->display);
      HistoryTable table(*conn, o.table, o.database->foreign_history);
      h = table.read(files);
    }
    check_history(files, h, conn, r);
    if (o.drift && conn != nullptr) check_drift(files, h, *conn, *o.database, o.table, o.placeholders, r);
  }

  use_baseline(files, o, r);
  for (const Finding& f : r.findings) {
    if (!f.baselined && counts(f, o.strict) && to_int(f.exit_class) > to_int(r.exit_code)) {
      r.exit_code = f.exit_class;
    }
  }
  return r;
}

}  // namespace

CheckReport check(const MigrationSet& files, const CheckOptions& o) {
  const auto conn = open_database(o);
  const CheckOptions judged = judged_for(o, conn.get());
  return check_with(files, conn.get(), judged, check_without_database(files, judged));
}

CheckReport check_directories(const std::vector<std::string>& dirs, const CheckOptions& o) {
  // Connecting (a PostgreSQL login costs milliseconds of key stretching) overlaps with reading
  // and linting the directories.
  auto opening = std::async(std::launch::async, [&o] { return open_database(o); });
  const MigrationSet files = load_directories(dirs, o.project_root, o.tool_variables);
  // MySQL's lint judges for the connected server's version: it waits for the connection.
  if (o.database && o.database->kind == DriverKind::mysql) {
    const auto conn = opening.get();
    const CheckOptions judged = judged_for(o, conn.get());
    return check_with(files, conn.get(), judged, check_without_database(files, judged));
  }
  CheckReport r = check_without_database(files, o);
  const auto conn = opening.get();
  return check_with(files, conn.get(), o, std::move(r));
}

}  // namespace strata::migrate
