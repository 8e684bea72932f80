#include "migrate/run/migrator.h"

#include "migrate/model/tool_layout.h"

#include <algorithm>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>

#include "common/clock.h"
#include "common/error.h"
#include "common/text.h"
#include "migrate/schema/dependency_order.h"
#include "migrate/engines/driver.h"
#include "migrate/engines/engines.h"
#include "migrate/model/migration_parser.h"
#include "migrate/model/migration_source.h"
#include "migrate/model/placeholders.h"
#include "migrate/run/recording_driver.h"
#include "migrate/run/run_plan.h"
#include "migrate/schema/schema.h"
#include "strata/build_info.h"
#include "common/setting.h"

namespace strata::migrate {
namespace {

using Clock = std::chrono::steady_clock;

std::string version_label(const MigrationSet& files, Version v) {
  if (const Migration* m = files.find(v)) return m->label();
  return std::to_string(v);
}

// The section's run plan (run_plan.h); what it refuses stops the run before anything executes,
// with the finding `check` reports for it.
SectionPlan require_plan(const Section& section, DriverKind kind, bool up) {
  SectionPlan plan = plan_section(section, kind, up);
  if (!plan.problems.empty()) {
    const PlanProblem& p = plan.problems.front();
    throw Error(ExitCode::invalid_input, section.file + ":" + std::to_string(p.line) + ": " + p.message,
                "nothing was run; `strata migrate check` lists every finding (" + p.code + ")");
  }
  return plan;
}

}  // namespace

const char* to_string(EntryState s) {
  switch (s) {
    case EntryState::applied: return "applied";
    case EntryState::pending: return "pending";
    case EntryState::missing: return "missing";
    case EntryState::modified: return "modified";
    case EntryState::partial: return "partial";
    case EntryState::outdated: return "outdated";
  }
  return "?";
}

// One open database for one command: the lock (unless dry run or read-only), the connection,
// the history. A dry run is the same calls on a RecordingDriver that writes every statement down
// instead of executing it (recording_driver.h), so what is printed is what would run; a trace
// (UpOptions::trace_sql) records a real run's statements the same way.
class Migrator::Session {
 public:
  enum class Mode { write, dry_run };

  Session(const Target& target, const MigrationSet& files, Mode mode, bool trace = false)
      : files_(files), placeholders_(target.placeholders), show_values_(target.show_values) {
    // A Prisma or Drizzle project made for another engine is refused before the database is opened.
    require_provider(files, target.database.kind, target.database.display);
    db_ = open_driver(target.database, mode == Mode::dry_run ? Access::dry_run : Access::write, target.table,
                      target.lock_timeout);
    if (mode == Mode::dry_run || trace) {
      auto recorder = std::make_unique<RecordingDriver>(
          std::move(db_), mode == Mode::dry_run ? Recording::instead : Recording::as_well, target.database.display);
      recorder_ = recorder.get();
      db_ = std::move(recorder);
    }
    result_.dry_run = mode == Mode::dry_run;
    // For the whole session: every migration's statements, and printed by a dry run.
    const auto set_timeout = engine(db_->kind()).ddl_lock_timeout_sql;
    if (target.ddl_lock_timeout && set_timeout != nullptr) {
      db_->exec(set_timeout(*target.ddl_lock_timeout), "setting the DDL lock timeout");
    }
    table_ = std::make_unique<HistoryTable>(*db_, target.table, target.database.foreign_history);
    history_exists_ = db_->table_exists(target.table);
    history_ = table_->read(files);
    // Every writing command refuses a dirty golang-migrate version, whether or not anything is
    // pending: running past it would build on a half-applied migration.
    if (history_.dirty) throw dirty_history_error(history_, files, db_->kind(), target.database.display);
  }

  ~Session() {
    if (db_) db_->rollback();  // before the connection closes, and both before the lock goes
  }

  History& history() { return history_; }
  std::string take_sql() { return recorder_ != nullptr ? recorder_->take_sql() : std::string{}; }
  RunResult& result() { return result_; }

  void begin() {
    // MySQL commits the open transaction at CREATE TABLE, so there the history table comes
    // before the transaction: the first migration's own statements stay in it.
    if (!history_exists_ && engine(db_->kind()).ddl_commits) create_history();
    db_->begin();
    // Elsewhere it is created with the first migration, so a failing first migration leaves a
    // new database exactly as it was.
    if (!history_exists_) create_history();
  }

  void commit() { db_->commit(); }

  // Ends a transaction a failed section left open (its own BEGIN, or strata's).
  void rollback() noexcept { db_->rollback(); }

  bool in_transaction() { return db_->in_transaction(); }
  std::size_t statement_count(const Section& section) const { return db_->statement_offsets(section.sql).size(); }
  DriverKind kind() const { return db_->kind(); }

  // A comment naming the migration, among the recorded statements only.
  void announce(const Migration& m, Direction d) {
    if (recorder_ == nullptr) return;
    recorder_->note("-- " + (d == Direction::up ? m.up.file : m.down.file) + (d == Direction::up ? " (up)" : " (down)"));
  }

  void set_foreign_keys(bool on) { db_->set_foreign_keys(on); }
  // Several commits in a row may be made durable more cheaply (SQLite: WAL for the run), unless
  // a section sets the journal or locking mode itself: what it chose must be what stays.
  std::unique_ptr<CommitRun> many_commits(const std::vector<const Migration*>& run, Direction d) {
    if (run.size() < 2) return nullptr;
    for (const Migration* m : run) {
      const std::string sql = to_lower(d == Direction::up ? m->up.sql : m->down.sql);
      if (sql.find("journal_mode") != std::string::npos || sql.find("locking_mode") != std::string::npos) return nullptr;
    }
    return db_->many_commits();
  }

  void run(const Section& section, std::size_t skip = 0, const StatementDone& on_done = {}) {
    if (!placeholders_.apply_to(section)) {
      db_->run_section(section, skip, on_done);
      return;
    }
    // The values are the user's environment: shown only when asked, kept out of messages.
    std::vector<std::string> values;
    Section expanded = expand_placeholders(section, placeholders_, &values);
    if (!show_values_) expanded.shown = section.sql;
    try {
      db_->run_section(expanded, skip, on_done);
    } catch (const Error& e) {
      throw hide_values(e, expanded.file, values);
    }
  }

  // See Driver::refuse_other_files.
  void refuse_other_files() { db_->refuse_other_files(); }

  // A PostgreSQL dump in name order (dependency_order.h).
  void run_in_dependency_order(const Section& whole) { migrate::run_in_dependency_order(*db_, whole); }

  // MySQL commits each CREATE, so a dump cannot load in one transaction; the database was empty,
  // so a failure is undone by dropping what the dump had created by then (its SET
  // FOREIGN_KEY_CHECKS = 0 is still in force on the session).
  void run_or_undo(const Section& dump, const std::string& history_table) {
    try {
      run(dump);
    } catch (const Error& e) {
      for (const SchemaObject& o : db_->read_schema(history_table).objects) {
        if (o.kind == ObjectKind::trigger) continue;  // dropped with its table
        try {
          db_->exec("DROP " + to_upper(to_string(o.kind)) + " IF EXISTS " + db_->qualified(o.name), "undoing the load");
        } catch (const Error&) {  // NOLINT(bugprone-empty-catch): the load's own error is the one to report
        }
      }
      throw Error(e.code(), e.what(), "the objects it had created were dropped; only the empty history table is left");
    }
  }

  // Whether one of `sql`'s statements is CREATE TABLE [IF NOT EXISTS] `table` (quoted or not,
  // qualified or not): a dump of a database strata manages, written by another tool (mysqldump,
  // pg_dump, sqlite3's .schema), creates the history table itself.
  bool creates_table(const std::string& sql, const std::string& table) const {
    for (const std::size_t at : db_->statement_offsets(sql)) {
      std::string head = sql.substr(at, 300);
      std::replace_if(
          head.begin(), head.end(), [](char c) { return c == '\n' || c == '\t' || c == '\r' || c == '('; }, ' ');
      std::vector<std::string> w;
      for (const std::string& word : split(head, ' ')) {
        if (!word.empty() && w.size() < 6) w.push_back(word);
      }
      std::size_t name = 2;
      if (w.size() > 4 && to_upper(w[2]) == "IF" && to_upper(w[3]) == "NOT" && to_upper(w[4]) == "EXISTS") name = 5;
      if (w.size() <= name || to_upper(w[0]) != "CREATE" || to_upper(w[1]) != "TABLE") continue;
      std::string bare;
      for (const char c : w[name].substr(w[name].rfind('.') + 1)) {
        if (c != '"' && c != '`' && c != '[' && c != ']') bare.push_back(c);
      }
      if (to_lower(bare) == to_lower(table)) return true;
    }
    return false;
  }
  // Drops the history table (empty: load refuses a database with history), for a dump that
  // creates it; create_history_if_missing() then makes it if the dump did not.
  void drop_empty_history() {
    db_->exec("DROP TABLE " + db_->qualified(table_->name()), "making way for the dump's history table");
  }
  void create_history_if_missing() { db_->exec(table_->create_sql(), "creating history table " + table_->name()); }

  // Refuses, before anything runs, a section whose placeholders cannot be expanded.
  void check_placeholders(const Section& section) const {
    if (placeholders_.apply_to(section)) expand_placeholders(section, placeholders_);
  }

  // A history statement, :duration_ms bound to `duration_ms`. Called from a section's on_done
  // (the statement count after each statement run as written), it is a by-product of running
  // the section, which a dry run and a trace leave out (RecordingDriver::run_section).
  void bookkeeping(const std::string& sql, double duration_ms = 0) { table_->execute(sql, duration_ms); }

  // A section in strata's own transaction with its history statement (after `clear_history`, when
  // given): foreign keys off around it when the plan says so, checked before COMMIT. `start`
  // times the migration for :duration_ms.
  void run_in_transaction(const Migration& m, const Section& section, bool foreign_keys_off,
                          const std::string& history_sql, Clock::time_point start,
                          const std::string& clear_history = {}) {
    if (foreign_keys_off) set_foreign_keys(false);
    begin();
    run(section);
    if (foreign_keys_off) foreign_key_check(m);
    if (!clear_history.empty()) bookkeeping(clear_history);
    bookkeeping(history_sql, ms_since(start));
    if (&section == &m.up) record_for_tool(m);  // an up: the tools record no downs
    commit();
    if (foreign_keys_off) set_foreign_keys(true);
  }

  // The row the project's own tool (Prisma, Drizzle) writes for an applied `m`, beside strata's,
  // while that tool's table is there (HistoryTable::tool_row_sql).
  void record_for_tool(const Migration& m) {
    const std::string sql = table_->tool_row_sql(m, files_.layout);
    if (!sql.empty()) {
      db_->exec(sql, "recording " + m.label() + " in " +
                         (files_.layout == MigrationLayout::prisma ? "_prisma_migrations" : "__drizzle_migrations"));
    }
  }

  // Fails the migration when a run with foreign keys off left dangling references.
  void foreign_key_check(const Migration& m) {
    if (const auto violation = db_->foreign_key_violations()) {
      throw Error(ExitCode::migration_failed,
                  m.file + ": foreign key check failed after the migration: " + violation->first + " (" +
                      std::to_string(violation->second) + " violation(s)); rolled back");
    }
  }

  void create_history() {
    history_exists_ = true;
    result_.imported = table_->create_and_import(files_);
    if (result_.imported > 0 && !result_.dry_run) {
      result_.imported_from = history_.source;
      result_.notes.push_back("imported " + std::to_string(result_.imported) + " version(s) from " +
                              to_string(history_.source) + "'s " + history_.foreign_table + " table");
    }
  }

  // Creates the history table now when it does not exist yet (in its own transaction).
  void ensure_history() {
    if (history_exists_) return;
    begin();
    commit();
  }

  // Keeps the in-memory history in step with what was just run (redo reads it again).
  void record_applied(const Migration& m) {
    HistoryRow row;
    row.version = m.version;
    row.name = m.name;
    row.checksum = m.checksum;  // just applied: the whitespace checksum can never be consulted
    row.strata_version = k_version;
    history_.rows[m.version] = row;
  }
  void record_reverted(Version v) { history_.rows.erase(v); }

  HistoryTable& table() { return *table_; }
  // No table, view or index but the history's.
  bool schema_empty(const std::string& history_table) { return db_->read_schema(history_table).objects.empty(); }

  // A step done: reported as it happens in a real run (a dry run reports its steps at the end).
  void step_done(const Step& step, const StepDone& on_step) {
    result_.steps.push_back(step);
    if (on_step && !result_.dry_run) on_step(step);
  }

 private:
  const MigrationSet& files_;
  const Placeholders& placeholders_;
  bool show_values_;
  std::unique_ptr<Driver> db_;
  RecordingDriver* recorder_ = nullptr;  // db_ itself, in a dry run or a trace
  std::unique_ptr<HistoryTable> table_;
  History history_;
  bool history_exists_ = false;
  RunResult result_;
};

namespace {

// Refuses to go on when the history cannot be trusted: written by a newer strata, an applied
// file changed, or (unless resuming) a half-done migration.
void verify_history(const History& h, const MigrationSet& files, bool resume) {
  for (const auto& [version, row] : h.rows) {
    if (compare_versions(row.strata_version, k_version) > 0) {
      throw Error(ExitCode::history_mismatch,
                  "history row " + std::to_string(version) + " was written by strata " +
                      row.strata_version + ", newer than this strata " + k_version,
                  "upgrade strata");
    }
    const Migration* m = files.find(version);
    if (m != nullptr && row.checksum != m->checksum) {
      const bool ws_only = row.checksum_ws == m->whitespace_checksum();
      throw Error(ExitCode::history_mismatch,
                  m->file + ": changed after it was applied" +
                      (ws_only ? " (only whitespace differs)" : ""),
                  "restore the file, or run `strata migrate accept " + m->version_text +
                      "` to accept it as it is");
    }
    if (row.state == RowState::partial && !resume) {
      const std::string where = m != nullptr ? m->file : std::to_string(version);
      throw Error(ExitCode::migration_failed,
                  where + ": half-done: a transaction:false migration stopped after statement " +
                      std::to_string(row.statements_done),
                  "repair the database, then run `strata migrate up " + command_mention(Setting::resume) +
                      "` to continue from statement " + std::to_string(row.statements_done + 1));
    }
  }
}

std::vector<const Migration*> select_pending(const History& h, const MigrationSet& files,
                                             const UpOptions& o) {
  std::vector<const Migration*> pending;
  const std::optional<Version> newest = h.newest();
  for (const Migration& m : files.migrations) {
    const HistoryRow* row = h.find(m.version);
    if (row != nullptr && row->state == RowState::applied) continue;
    if (row == nullptr && newest && m.version < *newest && !o.allow_out_of_order && !files.applies_out_of_order()) {
      throw Error(ExitCode::history_mismatch,
                  m.file + ": pending but older than the newest applied migration " +
                      version_label(files, *newest) + (files.find(*newest) ? " (" + files.find(*newest)->file + ")" : ""),
                  "apply it anyway with " + mention(Setting::allow_out_of_order) + ", or give it a newer version");
    }
    if (o.to && m.version > *o.to) break;
    pending.push_back(&m);
  }
  if (o.steps && pending.size() > *o.steps) pending.resize(*o.steps);
  return pending;
}

}  // namespace

Migrator::Migrator(Target target, MigrationSet files)
    : target_(std::move(target)), files_(std::move(files)) {}

Migrator::Migrator(Target target, std::vector<std::string> dirs)
    : target_(std::move(target)), dirs_(std::move(dirs)) {}

const MigrationSet& Migrator::files() {
  if (!files_) files_ = load_directories(dirs_, target_.project_root, target_.tool_variables);
  return *files_;
}

namespace {

void require_version(const MigrationSet& files, Version v, const std::string& flag) {
  if (files.find(v) == nullptr) {
    throw Error(ExitCode::usage, flag + " " + std::to_string(v) +
                                     ": no migration file has this version");
  }
}

}  // namespace

RunResult Migrator::up(const UpOptions& o, const StepDone& on_step) {
  files().require_valid();
  if (o.to) require_version(files(), *o.to, mention(Setting::to));
  Session s(target_, files(), o.dry_run ? Session::Mode::dry_run : Session::Mode::write, o.trace_sql);
  verify_history(s.history(), files(), o.resume);
  apply_pending(s, o, on_step);
  if (!o.to && !o.steps) apply_repeatables(s, on_step);
  s.result().sql = s.take_sql();
  return std::move(s.result());
}

void Migrator::apply_pending(Session& s, const UpOptions& o, const StepDone& on_step,
                             const std::vector<Version>* only) {
  std::vector<const Migration*> pending;
  if (only == nullptr) {
    pending = select_pending(s.history(), files(), o);
  } else {
    for (const Version v : *only) pending.push_back(files().find(v));
    std::sort(pending.begin(), pending.end(),
              [](const Migration* a, const Migration* b) { return a->version < b->version; });
  }
  const auto finish = [&](const Migration& m, double ms) {
    s.record_applied(m);
    Step step{m.version, m.version_text, m.name, Direction::up, ms};
    s.step_done(step, on_step);
  };

  // Every migration this run would execute is planned before the first one runs: what the plan
  // refuses (the same findings as `check`) leaves the database untouched.
  std::vector<SectionPlan> plans;
  for (const Migration* m : pending) {
    plans.push_back(require_plan(m->up, s.kind(), true));
    s.check_placeholders(m->up);
  }

  if (o.atomic && engine(s.kind()).ddl_commits) {
    throw Error(ExitCode::usage, mention(Setting::atomic) + ": MySQL and MariaDB commit DDL implicitly, so a batch of migrations cannot be one transaction",
                "run `strata migrate up` without " + mention(Setting::atomic) + ": each migration's statements are recorded as they commit, "
                "and `up " + command_mention(Setting::resume) + "` continues one that stopped half-way");
  }
  if (o.atomic && !pending.empty()) {
    bool fk_off = false;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (plans[i].mode == RunMode::as_written) {
        throw Error(ExitCode::invalid_input,
                    pending[i]->file + ": runs outside a transaction (" + plans[i].reason +
                        "), so it cannot be part of an " + mention(Setting::atomic) + " batch",
                    "apply it on its own first: strata migrate up " + command_mention(Setting::to) + " " + pending[i]->version_text);
      }
      fk_off |= plans[i].foreign_keys_off;
    }
    if (fk_off) s.set_foreign_keys(false);
    s.begin();
    std::vector<std::pair<const Migration*, double>> done;
    for (const Migration* m : pending) {
      const auto start = Clock::now();
      s.announce(*m, Direction::up);
      s.run(m->up);
      const double ms = ms_since(start);
      s.bookkeeping(s.table().insert_sql(*m, RowState::applied), ms);
      s.record_for_tool(*m);
      done.emplace_back(m, ms);
    }
    if (fk_off) s.foreign_key_check(*pending.back());
    s.commit();
    if (fk_off) s.set_foreign_keys(true);
    for (const auto& [m, ms] : done) finish(*m, ms);
    return;
  }
  const auto run = s.many_commits(pending, Direction::up);
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const Migration* m = pending[i];
    const SectionPlan& plan = plans[i];
    const auto start = Clock::now();
    s.announce(*m, Direction::up);
    if (plan.mode == RunMode::as_written) {
      const std::size_t statements = run_up_as_written(s, *m, plan);
      s.bookkeeping(s.table().finish_sql(m->version, statements), ms_since(start));
      s.record_for_tool(*m);
    } else {
      s.run_in_transaction(*m, m->up, plan.foreign_keys_off, s.table().insert_sql(*m, RowState::applied), start);
    }
    finish(*m, ms_since(start));
  }
}

// Repeatable migrations are idempotent by nature (CREATE OR REPLACE VIEW, a function): one that
// fails keeps its old row, so the next `up` runs it again.
void Migrator::apply_repeatables(Session& s, const StepDone& on_step) {
  std::vector<const Migration*> due;
  for (const Migration& r : files().repeatables) {
    const auto row = s.history().repeatable.find(r.name);
    if (row == s.history().repeatable.end() || row->second.checksum != r.checksum) due.push_back(&r);
  }
  std::vector<SectionPlan> plans;
  for (const Migration* r : due) {
    plans.push_back(require_plan(r->up, s.kind(), true));
    s.check_placeholders(r->up);
  }
  for (std::size_t i = 0; i < due.size(); ++i) {
    Migration keyed = *due[i];
    keyed.version = repeatable_version(keyed.name);
    const bool recorded = s.history().repeatable.count(keyed.name) != 0;
    const SectionPlan& plan = plans[i];
    const auto start = Clock::now();
    s.announce(keyed, Direction::up);
    const std::string clear = recorded ? s.table().delete_sql(keyed.version) : std::string{};
    const std::string record = s.table().insert_sql(keyed, RowState::applied);
    if (plan.mode == RunMode::transaction) {
      s.run_in_transaction(keyed, keyed.up, plan.foreign_keys_off, record, start, clear);
    } else {
      s.ensure_history();
      if (plan.foreign_keys_off) s.set_foreign_keys(false);
      s.run(keyed.up);
      if (!clear.empty()) s.bookkeeping(clear);
      s.bookkeeping(record, ms_since(start));
      if (plan.foreign_keys_off) s.set_foreign_keys(true);
    }
    HistoryRow row;
    row.version = keyed.version;
    row.name = keyed.name;
    row.checksum = keyed.checksum;
    s.history().repeatable[keyed.name] = row;
    Step step{0, keyed.version_text, keyed.name, Direction::up, ms_since(start)};
    s.step_done(step, on_step);
  }
}

// A section that runs outside strata's transaction: the history row goes in first as `partial`
// and counts the statements done, so a crash or a failure is visible and --resume continues.
// When the failure is inside the section's own transaction and nothing before it was committed,
// the database is as it was: the row goes and the migration stays pending. Returns the number of
// statements, for the finishing UPDATE.
std::size_t Migrator::run_up_as_written(Session& s, const Migration& m, const SectionPlan& plan) {
  const HistoryRow* row = s.history().find(m.version);
  const std::size_t skip = row != nullptr ? row->statements_done : 0;
  if (row == nullptr) {
    s.ensure_history();
    s.bookkeeping(s.table().insert_sql(m, RowState::partial));
  }
  std::size_t committed = skip;  // statements done and committed, outside any open transaction
  // After the last statement the finishing UPDATE (the caller's) records it: one round trip a
  // migration fewer on a server, and the same record, since nothing runs in between.
  const std::size_t last = s.statement_count(m.up);
  if (plan.foreign_keys_off) s.set_foreign_keys(false);
  try {
    s.run(m.up, skip, [&](std::size_t index) {
      if (index + 1 < last || s.in_transaction()) s.bookkeeping(s.table().progress_sql(m.version, index + 1));
      if (!s.in_transaction()) committed = index + 1;
    });
  } catch (const Error& e) {
    // The server's own hint (PostgreSQL) comes first; ours says what state the run left.
    const auto hint = [&](const std::string& ours) { return e.hint().empty() ? ours : e.hint() + "; " + ours; };
    const bool inside = s.in_transaction();
    s.rollback();
    if (plan.foreign_keys_off) s.set_foreign_keys(true);
    // Nothing committed (the failure was inside the section's own transaction, or at its first
    // statement): the database is as it was, so the migration is simply pending again, and a fixed
    // file runs with plain `up` (as dbmate's edit-and-rerun loop goes), not accept and --resume.
    if (committed == 0) {
      s.bookkeeping(s.table().delete_sql(m.version));
      throw Error(e.code(), e.what(),
                  hint(inside ? "its own transaction was rolled back: nothing of it was applied, it is still pending"
                              : "its first statement failed: nothing of it was applied, it is still pending"));
    }
    throw Error(e.code(), e.what(),
                hint("half-done: " + std::to_string(committed) + " statement(s) of it were committed (it runs outside "
                "strata's transaction: " + plan.reason + "); repair the database, then `strata migrate up " +
                command_mention(Setting::resume) + "` continues from statement " + std::to_string(committed + 1)));
  }
  if (plan.foreign_keys_off) s.set_foreign_keys(true);
  return last;
}

namespace {

std::vector<const Migration*> select_to_revert(const History& h, const MigrationSet& files,
                                               const DownOptions& o) {
  std::vector<Version> applied;
  for (auto it = h.rows.rbegin(); it != h.rows.rend(); ++it) applied.push_back(it->first);
  std::size_t count = 0;
  if (o.all) {
    count = applied.size();
  } else if (o.to) {
    if (h.find(*o.to) == nullptr) {
      throw Error(ExitCode::usage, mention(Setting::to) + " " + std::to_string(*o.to) + ": that version is not applied");
    }
    while (count < applied.size() && applied[count] > *o.to) ++count;
  } else {
    count = std::min(o.steps.value_or(1), applied.size());
  }
  std::vector<const Migration*> out;
  for (std::size_t i = 0; i < count; ++i) {
    const Migration* m = files.find(applied[i]);
    if (m == nullptr) {
      throw Error(ExitCode::history_mismatch,
                  "cannot roll back version " + std::to_string(applied[i]) +
                      ": its migration file is missing");
    }
    // An empty down section (or .down.sql) is a rollback that changes nothing, as in dbmate;
    // only a migration with no down at all cannot be rolled back.
    if (!m->down.present) {
      if (m->pair) {
        const std::string down = down_file_of(*m);
        const bool flyway = !down.ends_with(".down.sql");
        throw Error(ExitCode::invalid_input,
                    m->file + (flyway ? ": has no undo file" : ": has no .down.sql file") + ", so it cannot be rolled back",
                    "add " + down + " (an empty one rolls back nothing)");
      }
      throw Error(ExitCode::invalid_input, m->file + ": has no down section, so it cannot be rolled back",
                  "add a '-- migrate:down' section (an empty one rolls back nothing)");
    }
    out.push_back(m);
  }
  return out;
}

}  // namespace

RunResult Migrator::down(const DownOptions& o, const StepDone& on_step) {
  files().require_valid();
  Session s(target_, files(), o.dry_run ? Session::Mode::dry_run : Session::Mode::write, o.trace_sql);
  verify_history(s.history(), files(), false);
  revert(s, o, on_step);
  s.result().sql = s.take_sql();
  return std::move(s.result());
}

void Migrator::revert(Session& s, const DownOptions& o, const StepDone& on_step) {
  const auto targets = select_to_revert(s.history(), files(), o);
  std::vector<SectionPlan> plans;
  for (const Migration* m : targets) {
    plans.push_back(require_plan(m->down, s.kind(), false));
    s.check_placeholders(m->down);
  }
  const auto run = s.many_commits(targets, Direction::down);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Migration* m = targets[i];
    const SectionPlan& plan = plans[i];
    const auto start = Clock::now();
    s.announce(*m, Direction::down);
    if (plan.mode == RunMode::transaction) {
      s.run_in_transaction(*m, m->down, plan.foreign_keys_off, s.table().delete_sql(m->version), start);
    } else {
      if (plan.foreign_keys_off) s.set_foreign_keys(false);
      s.run(m->down);
      s.bookkeeping(s.table().delete_sql(m->version));
      if (plan.foreign_keys_off) s.set_foreign_keys(true);
    }
    s.record_reverted(m->version);
    Step step{m->version, m->version_text, m->name, Direction::down, ms_since(start)};
    s.step_done(step, on_step);
  }
}

RunResult Migrator::redo(const RedoOptions& o, const StepDone& on_step) {
  files().require_valid();
  Session s(target_, files(), o.dry_run ? Session::Mode::dry_run : Session::Mode::write, o.trace_sql);
  verify_history(s.history(), files(), false);
  DownOptions d;
  d.steps = o.steps;
  revert(s, d, on_step);
  // Exactly what was reverted goes back, even when older files are pending.
  std::vector<Version> reverted;
  for (const Step& step : s.result().steps) reverted.push_back(step.version);
  apply_pending(s, UpOptions{}, on_step, &reverted);
  s.result().sql = s.take_sql();
  return std::move(s.result());
}

RunResult Migrator::stamp(Version version) {
  files().require_valid();
  require_version(files(), version, "stamp");
  Session s(target_, files(), Session::Mode::write);
  verify_history(s.history(), files(), false);
  s.begin();
  RunResult& result = s.result();
  for (const Migration& m : files().migrations) {
    if (m.version > version) break;
    if (s.history().find(m.version) != nullptr) continue;
    s.bookkeeping(s.table().insert_sql(m, RowState::applied), 0);
    result.steps.push_back(Step{m.version, m.version_text, m.name, Direction::up, 0});
  }
  s.commit();
  return std::move(result);
}

namespace {

// The versions a dbmate schema.sql inserts into its history, after "-- Dbmate schema migrations":
// INSERT INTO `schema_migrations` (version) VALUES\n  ('20240101000000'),\n  ('...');
std::vector<std::string> versions_inserted_by_dbmate(const std::string& sql) {
  std::vector<std::string> out;
  const std::size_t mark = sql.find("\n-- Dbmate schema migrations\n");
  if (mark == std::string::npos) return out;
  const std::size_t values = sql.find(") VALUES", sql.find("INSERT INTO ", mark));
  if (values == std::string::npos) return out;
  const std::size_t end = std::min(sql.find(';', values), sql.size());
  for (std::size_t open = sql.find('\'', values); open < end; open = sql.find('\'', open + 1)) {
    const std::size_t close = sql.find('\'', open + 1);
    if (close >= end) break;
    out.push_back(sql.substr(open + 1, close - open - 1));
    open = close;
  }
  return out;
}

// The version texts of a dump's "-- Applied migrations:" list ("--   20240101000000 name"), or
// those a dbmate schema.sql inserts.
std::vector<std::string> versions_listed_in_dump(const std::string& sql) {
  std::vector<std::string> out;
  const std::size_t list = sql.find("\n-- Applied migrations:\n");
  if (list == std::string::npos) return versions_inserted_by_dbmate(sql);
  std::size_t at = sql.find('\n', list + 1) + 1;
  while (at < sql.size() && sql.compare(at, 5, "--   ") == 0) {
    const std::size_t end = std::min(sql.find('\n', at), sql.size());
    const std::string line = sql.substr(at + 5, end - at - 5);
    out.push_back(line.substr(0, line.find(' ')));
    at = end + 1;
  }
  return out;
}

}  // namespace

RunResult Migrator::load(const std::string& file, const std::string& sql) {
  files().require_valid();
  // A dump is the database's own text: nothing in it is a placeholder.
  Target target = target_;
  target.placeholders.everywhere = false;
  std::map<std::string, const Migration*, std::less<>> by_text;
  for (const Migration& m : files().migrations) by_text.emplace(m.version_text, &m);
  std::vector<const Migration*> listed;
  for (const std::string& text : versions_listed_in_dump(sql)) {
    const auto found = by_text.find(text);
    const Migration* m = found == by_text.end() ? nullptr : found->second;
    if (m == nullptr) {
      throw Error(ExitCode::invalid_input, file + ": lists the applied migration " + text + ", which no migration file has",
                  "load the schema.sql that belongs with these migration files (" + mention(Setting::dir) + ")");
    }
    listed.push_back(m);
  }
  Session s(target, files(), Session::Mode::write);
  // A schema.sql is a file a repository may have written: it creates objects in this database
  // and changes no other file (no ATTACH, no VACUUM INTO), as dump never writes those.
  s.refuse_other_files();
  if (!s.history().rows.empty() || !s.schema_empty(target_.table)) {
    throw Error(ExitCode::unavailable, target_.database.display + " is not empty: load applies a schema to an empty database",
                "drop it first (strata migrate drop), or load into a new one");
  }
  s.begin();
  const bool creates_history = s.creates_table(sql, target_.table);
  if (creates_history) s.drop_empty_history();
  Section section;
  section.present = true;
  const Engine& e = engine(s.kind());
  section.sql = e.schema_file_sql != nullptr ? e.schema_file_sql(sql) : sql;
  section.file = file;
  switch (e.load_order) {
    case LoadOrder::dependency_order: s.run_in_dependency_order(section); break;
    case LoadOrder::undo_on_failure: s.run_or_undo(section, target_.table); break;
    case LoadOrder::as_written: s.run(section); break;
  }
  if (creates_history) s.create_history_if_missing();
  RunResult& result = s.result();
  for (const Migration* m : listed) {
    s.bookkeeping(s.table().insert_sql(*m, RowState::applied), 0);
    result.steps.push_back(Step{m->version, m->version_text, m->name, Direction::up, 0});
  }
  s.commit();
  return std::move(result);
}

std::vector<std::string> Migrator::accept(std::optional<Version> version) {
  files().require_valid();
  if (version) require_version(files(), *version, "accept");
  Session s(target_, files(), Session::Mode::write);
  std::vector<std::string> accepted;
  s.begin();
  for (const auto& [v, row] : s.history().rows) {
    if (version && v != *version) continue;
    const Migration* m = files().find(v);
    if (m == nullptr || m->checksum == row.checksum) continue;
    s.bookkeeping(s.table().accept_sql(*m));
    accepted.push_back(m->file);
  }
  s.commit();
  if (version && accepted.empty()) {
    if (s.history().find(*version) == nullptr) {
      throw Error(ExitCode::usage, "accept " + std::to_string(*version) + ": that version is not applied");
    }
  }
  return accepted;
}

Status Migrator::status() {
  Status st;
  auto opening = std::async(std::launch::async, [this] {
    return open_driver(target_.database, Access::read_only, target_.table, target_.lock_timeout);
  });
  files();  // reads the directory meanwhile; the future is joined even if this throws
  auto db = opening.get();
  st.problems = files().problems;
  History h;
  if (db) {
    st.database_exists = true;
    require_provider(files(), db->kind(), target_.database.display);
    HistoryTable table(*db, target_.table, target_.database.foreign_history);
    h = table.read(files());
    st.source = h.source;
  }
  for (const Migration& m : files().migrations) {
    StatusEntry e{m.version, m.version_text, m.name, EntryState::pending, {}, m.file};
    if (const HistoryRow* row = h.find(m.version)) {
      e.applied_at = row->applied_at;
      e.state = row->state == RowState::partial ? EntryState::partial
                : row->checksum != m.checksum   ? EntryState::modified
                                                : EntryState::applied;
    }
    st.entries.push_back(std::move(e));
  }
  for (const auto& [v, row] : h.rows) {
    if (files().find(v) != nullptr) continue;
    st.entries.push_back(StatusEntry{v, row.spelt_version(),
                                     row.name, EntryState::missing, row.applied_at, {}});
  }
  // Listed in the order `up` runs them: by version, or a Drizzle journal's own order.
  if (files().layout != MigrationLayout::drizzle) {
    std::sort(st.entries.begin(), st.entries.end(),
              [](const StatusEntry& a, const StatusEntry& b) { return a.version < b.version; });
  }
  for (const Migration& r : files().repeatables) {
    StatusEntry e{0, "R", r.name, EntryState::pending, {}, r.file};
    if (const auto row = h.repeatable.find(r.name); row != h.repeatable.end()) {
      e.applied_at = row->second.applied_at;
      e.state = row->second.checksum == r.checksum ? EntryState::applied : EntryState::outdated;
    }
    st.entries.push_back(std::move(e));
  }
  for (const StatusEntry& e : st.entries) {
    if (e.state == EntryState::pending || e.state == EntryState::outdated) {
      ++st.pending;
    } else if (e.state == EntryState::partial) {
      ++st.partial;
    } else {
      ++st.applied;
    }
  }
  return st;
}

namespace {

// Every ${NAME} the files use, in any section, with its value when that has 4 bytes or more.
std::map<std::string, std::string> placeholder_values(const MigrationSet& files, const net::Getenv& getenv) {
  std::map<std::string, std::string> values;
  if (!getenv) return values;
  const auto take = [&](const Section& s) {
    for (const Placeholder& p : find_placeholders(s.sql)) {
      if (values.count(p.name) != 0) continue;
      if (const std::optional<std::string> v = getenv(p.name); v && v->size() >= 4) values.emplace(p.name, *v);
    }
  };
  for (const std::vector<Migration>* list : {&files.migrations, &files.repeatables}) {
    for (const Migration& m : *list) {
      take(m.up);
      take(m.down);
    }
  }
  return values;
}

// `text` with every copy of `value` (any ASCII case) replaced by `by`; true when there was one.
bool replace_ignoring_case(std::string& text, const std::string& value, const std::string& by) {
  const std::string folded_value = to_lower(value);
  bool found = false;
  std::string folded = to_lower(text);
  for (std::size_t at = folded.find(folded_value); at != std::string::npos; at = folded.find(folded_value, at + by.size())) {
    text.replace(at, value.size(), by);
    folded.replace(at, value.size(), by);
    found = true;
  }
  return found;
}

// Writes ${NAME} for every value of the environment found in the schema (see Migrator::dump).
std::vector<std::string> hide_placeholder_values(Schema& schema, const std::map<std::string, std::string>& values) {
  std::vector<std::string> notes;
  for (const auto& [name, value] : values) {
    const std::string placeholder = "${" + name + "}";
    // As written, and as a string literal keeps it (quotes doubled).
    std::string quoted;
    for (const char c : value) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    std::vector<std::string> objects;
    for (SchemaObject& o : schema.objects) {
      bool found = false;
      std::vector<std::string*> texts = {&o.text, &o.dump_text};
      for (auto& [pass, sql] : o.dump_after) texts.push_back(&sql);
      for (std::string* text : texts) {
        found = replace_ignoring_case(*text, value, placeholder) || found;
        if (quoted != value) found = replace_ignoring_case(*text, quoted, placeholder) || found;
      }
      replace_ignoring_case(o.name, value, placeholder);
      if (found) objects.push_back(object_label(o));
    }
    if (objects.empty()) continue;
    std::string list = objects.front();
    for (std::size_t i = 1; i < objects.size(); ++i) list += ", " + objects[i];
    notes.push_back("the value of " + placeholder + " (from your environment) is in " + list + ": the dump holds " +
                    placeholder + " instead, never the value");
  }
  return notes;
}

}  // namespace

SchemaDump Migrator::dump() {
  auto db = open_driver(target_.database, Access::read_only, target_.table, target_.lock_timeout);
  if (!db) throw Error(ExitCode::unavailable, target_.database.display + ": database does not exist");
  Schema schema = db->read_schema(target_.table);
  // history, not schema, before and after strata imports it
  drop_foreign_history(schema, target_.database.foreign_history);
  SchemaDump result;
  result.notes = hide_placeholder_values(schema, placeholder_values(files(), target_.placeholders.getenv));
  std::string out = "-- Schema of " + db->dump_title() + ", written by `strata migrate dump`. Do not edit.\n";
  out += db->dump_preamble();
  out += dump_schema(schema);
  HistoryTable table(*db, target_.table, target_.database.foreign_history);
  const History h = table.read(files());
  if (!h.rows.empty()) {
    out += "\n-- Applied migrations:\n";
    for (const auto& [v, row] : h.rows) {
      const Migration* m = files().find(v);
      const std::string text = m != nullptr ? m->version_text : row.spelt_version();
      // A history row's name is any text a database holds: a line break in it would end the
      // comment and give `load` a statement.
      out += "--   " + escape_control_characters(text) + " " +
             (row.name.empty() ? "(no file)" : escape_control_characters(row.name)) + "\n";
    }
  }
  result.sql = std::move(out);
  return result;
}

}  // namespace strata::migrate
