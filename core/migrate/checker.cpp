#include "migrate/checker.h"

#include <algorithm>
#include <future>
#include <memory>

#include "common/text.h"
#include "migrate/baseline.h"
#include "migrate/driver.h"
#include "migrate/history.h"
#include "migrate/lint.h"
#include "migrate/migration_source.h"
#include "migrate/schema.h"
#include "migrate/scratch_database.h"
#include "migrate/sql_runner.h"
#include "strata/build_info.h"

namespace strata::migrate {
namespace {

Finding about(const Migration& m, std::string code, Severity sev, ExitCode cls,
              std::string message, std::size_t line = 0) {
  return Finding{std::move(code), sev, cls, m.version_text, m.file, line, std::move(message)};
}

void check_files(const MigrationSet& files, DriverKind dialect, CheckReport& r) {
  for (const Problem& p : files.problems) {
    r.findings.push_back(Finding{p.code, Severity::error, ExitCode::invalid_input,
                                 p.version ? std::to_string(*p.version) : "", p.file, p.line,
                                 p.message});
  }
  for (const Migration& m : files.migrations) {
    for (const LintFinding& f : lint_migration(m, dialect)) {
      r.findings.push_back(about(m, f.code, f.error ? Severity::error : Severity::warning,
                                 ExitCode::invalid_input, f.message, f.line));
    }
    if (!m.down.present || trim(m.down.sql).empty()) {
      r.findings.push_back(about(m, "missing-down", Severity::warning, ExitCode::invalid_input,
                                 "no down section: it cannot be rolled back"));
    }
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
  Finding f = about(m, code, Severity::error, cls, what + ": " + message, line);
  return f;
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
bool check_replay(const MigrationSet& files, const Endpoint* server, CheckReport& r) {
  ScratchDatabase scratch(server);
  note_caveat(scratch, r);
  for (const Migration& m : files.migrations) {
    try {
      scratch.apply(m.up);
    } catch (const Error& e) {
      r.findings.push_back(replay_failure(m, e, "parse-error", ExitCode::invalid_input,
                                          "fails on a fresh database"));
      return false;
    }
  }
  return true;
}

void check_roundtrip(const MigrationSet& files, const Endpoint* server, CheckReport& r) {
  ScratchDatabase scratch(server);
  note_caveat(scratch, r);
  std::vector<Schema> after;  // after[k]: schema once migrations 0..k are applied
  const Schema empty = scratch.schema();
  for (const Migration& m : files.migrations) {
    scratch.apply(m.up);
    after.push_back(scratch.schema());
  }
  for (std::size_t k = files.migrations.size(); k-- > 0;) {
    const Migration& m = files.migrations[k];
    if (!m.down.present || trim(m.down.sql).empty()) {
      r.findings.push_back(about(m, "roundtrip", Severity::warning, ExitCode::drift,
                                 "no down section; roundtrip stops here"));
      return;
    }
    const Schema& before = k == 0 ? empty : after[k - 1];
    try {
      scratch.apply(m.down);
      auto diff = diff_schemas(before, scratch.schema());
      if (!diff.empty()) {
        r.findings.push_back(about(m, "roundtrip", Severity::error, ExitCode::drift,
                                   "down does not undo up: " + diff.front() +
                                       (diff.size() > 1 ? " (+" + std::to_string(diff.size() - 1) + " more)" : "")));
        return;
      }
      scratch.apply(m.up);
      diff = diff_schemas(after[k], scratch.schema());
      if (!diff.empty()) {
        r.findings.push_back(about(m, "roundtrip", Severity::error, ExitCode::drift,
                                   "up after down gives another schema: " + diff.front()));
        return;
      }
      scratch.apply(m.down);
    } catch (const Error& e) {
      r.findings.push_back(replay_failure(m, e, "roundtrip", ExitCode::drift, "down/up cycle failed"));
      return;
    }
  }
}

void check_history(const MigrationSet& files, const History& h, const Driver* db, CheckReport& r) {
  if (h.golang_dirty) {
    r.findings.push_back(Finding{"partial", Severity::error, ExitCode::migration_failed,
                                 std::to_string(h.golang_version), "", 0,
                                 "golang-migrate left this version dirty (half applied)"});
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
      r.findings.push_back(Finding{"missing-file", Severity::error, ExitCode::history_mismatch,
                                   std::to_string(v), "", 0,
                                   "applied (" + row.name + ") but no migration file has this version"});
      continue;
    }
    if (row.state == RowState::partial) {
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
    if (newest && m.version < *newest) {
      r.findings.push_back(about(m, "out-of-order", Severity::error, ExitCode::history_mismatch,
                                 "pending but older than the newest applied version " +
                                     std::to_string(*newest)));
    } else {
      r.findings.push_back(about(m, "pending", Severity::info, ExitCode::pending, "not applied yet"));
    }
  }
  r.applied = h.rows.size();
}

void check_drift(const MigrationSet& files, const History& h, Driver& db, const Endpoint& server,
                 const std::string& table, CheckReport& r) {
  ScratchDatabase scratch(&server);
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
  Schema live = db.read_schema(table);
  if (h.source == HistorySource::dbmate || h.source == HistorySource::golang_migrate) {
    std::erase_if(live.objects, [](const SchemaObject& o) { return o.table == "schema_migrations"; });
  }
  for (const std::string& d : diff_schemas(scratch.schema(), live)) {
    r.findings.push_back(Finding{"drift", Severity::error, ExitCode::drift, "", db.display(), 0,
                                 "live schema differs from the applied migrations: " + d});
  }
}

bool counts(const Finding& f, bool strict) {
  return f.severity == Severity::error || f.exit_class == ExitCode::pending ||
         (strict && f.severity == Severity::warning && f.code != "scratch-schema");
}

}  // namespace

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

// The checks that need no database (the files and their lint), into a new report.
CheckReport check_without_database(const MigrationSet& files, const CheckOptions& o) {
  CheckReport r;
  check_files(files, o.database ? o.database->kind : DriverKind::sqlite, r);
  return r;
}

// Adds the rest to `r` (from check_without_database). `conn` is the read-only database, null when
// there is none (or it does not exist yet).
CheckReport check_with(const MigrationSet& files, Driver* conn, const CheckOptions& o, CheckReport r) {
  const Endpoint* server = o.database ? &*o.database : nullptr;
  // Replaying every migration costs far more than the rest of check (a quarter of a second
  // for a thousand tables), so it is part of --roundtrip, which needs it anyway.
  if (o.roundtrip && check_replay(files, server, r)) check_roundtrip(files, server, r);

  if (o.database) {
    r.database_checked = true;
    History h;
    if (conn == nullptr) {
      r.findings.push_back(Finding{"no-database", Severity::info, ExitCode::ok, "", o.database->display, 0,
                                   "database does not exist yet: every migration is pending"});
    } else {
      HistoryTable table(*conn, o.table);
      h = table.read(files);
    }
    check_history(files, h, conn, r);
    if (o.drift && conn != nullptr) check_drift(files, h, *conn, *o.database, o.table, r);
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
  return check_with(files, conn.get(), o, check_without_database(files, o));
}

CheckReport check_directory(const std::string& dir, const CheckOptions& o) {
  // Connecting (a PostgreSQL login costs milliseconds of key stretching) overlaps with reading
  // and linting the directory.
  auto opening = std::async(std::launch::async, [&o] { return open_database(o); });
  const MigrationSet files = load_directory(dir);
  CheckReport r = check_without_database(files, o);
  const auto conn = opening.get();
  return check_with(files, conn.get(), o, std::move(r));
}

}  // namespace strata::migrate
