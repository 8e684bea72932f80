#include "migrate/run/recording_driver.h"

#include <utility>

#include "common/text.h"

namespace strata::migrate {

RecordingDriver::RecordingDriver(std::unique_ptr<Driver> inner, Recording mode, const std::string& database)
    : inner_(std::move(inner)), mode_(mode) {
  if (mode_ == Recording::as_well) return;
  note("-- strata migrate dry run on " + database +
       ". Nothing was executed. :duration_ms is bound at run time to the measured duration.");
  if (!inner_->dialect().preamble.empty()) note(inner_->dialect().preamble);
}

void RecordingDriver::note(const std::string& comment) {
  sql_ += comment;
  sql_ += '\n';
}

std::string RecordingDriver::take_sql() { return std::exchange(sql_, {}); }

void RecordingDriver::record(std::string_view sql) {
  if (paused_) return;
  sql_ += sql;
  sql_ += '\n';
}

void RecordingDriver::exec(const std::string& sql, const std::string& doing) {
  record(sql);
  if (executes()) inner_->exec(sql, doing);
}

void RecordingDriver::exec_bound(const std::string& sql, double duration_ms, const std::string& doing) {
  record(sql);
  if (executes()) inner_->exec_bound(sql, duration_ms, doing);
}

void RecordingDriver::begin() {
  record(inner_->dialect().begin + ";");
  if (executes()) inner_->begin();
}

void RecordingDriver::commit() {
  record("COMMIT;");
  if (executes()) inner_->commit();
}

// Not recorded: a rollback is the end of a failure, not a statement the run would execute.
void RecordingDriver::rollback() noexcept {
  if (executes()) inner_->rollback();
}

bool RecordingDriver::in_transaction() { return executes() && inner_->in_transaction(); }

std::size_t RecordingDriver::run_section(const Section& section, std::size_t skip, const StatementDone& on_done) {
  if (const std::string_view shown = trim(section.shown ? *section.shown : section.sql); !shown.empty()) record(shown);
  if (!executes()) return inner_->statement_offsets(section.sql).size();
  if (!on_done) return inner_->run_section(section, skip);
  return inner_->run_section(section, skip, [&](std::size_t index) {
    paused_ = true;
    const struct Resume {
      bool& paused;
      ~Resume() { paused = false; }
    } resume{paused_};
    on_done(index);
  });
}

// SQLite's spelling: the only engine that takes foreign_keys:off (PostgreSQL's and MySQL's run
// plans refuse it before anything runs).
void RecordingDriver::set_foreign_keys(bool on) {
  record(on ? "PRAGMA foreign_keys = ON;" : "PRAGMA foreign_keys = OFF;");
  if (executes()) inner_->set_foreign_keys(on);
}

std::optional<std::pair<std::string, std::size_t>> RecordingDriver::foreign_key_violations() {
  record("PRAGMA foreign_key_check;");
  if (!executes()) return std::nullopt;
  return inner_->foreign_key_violations();
}

}  // namespace strata::migrate
