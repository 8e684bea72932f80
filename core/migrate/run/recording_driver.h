#pragma once
// The dry run as a driver (ninja's DryRunCommandRunner): the migration engine runs the same code
// whether or not anything executes, and this Driver decides. Reads go to the database, so the
// engine sees the history and the schema as they are; writes are written down, in the SQL the
// engine gave (the dialect's own spelling), and either not executed (a dry run) or executed as
// well (a trace, so that a test can compare a real run's statements with the dry run's).
#include <memory>
#include <optional>
#include <string>

#include "migrate/engines/driver.h"

namespace strata::migrate {

enum class Recording {
  instead,  // the dry run: writes are recorded and never reach the database
  as_well,  // the trace: writes are recorded and executed
};

class RecordingDriver final : public Driver {
 public:
  // `database` names the database in a dry run's first line.
  RecordingDriver(std::unique_ptr<Driver> inner, Recording mode, const std::string& database);

  // A comment among the statements ("-- file (up)"): no statement of its own.
  void note(const std::string& comment);
  // What was recorded, a statement (or comment) a line, and forgets it.
  std::string take_sql();

  DriverKind kind() const override { return inner_->kind(); }
  const Dialect& dialect() const override { return inner_->dialect(); }
  const std::string& display() const override { return inner_->display(); }
  std::string dump_title() const override { return inner_->dump_title(); }
  std::string dump_preamble() const override { return inner_->dump_preamble(); }

  void exec(const std::string& sql, const std::string& doing = {}) override;
  std::vector<std::vector<std::string>> query(const std::string& sql, const std::string& doing = {}) override {
    return inner_->query(sql, doing);
  }
  void exec_bound(const std::string& sql, double duration_ms, const std::string& doing) override;

  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  bool in_transaction() override;

  bool table_exists(const std::string& name) override { return inner_->table_exists(name); }
  std::vector<std::string> column_names(const std::string& table) override { return inner_->column_names(table); }
  std::string qualified(const std::string& name) const override { return inner_->qualified(name); }
  std::string quote(std::string_view text) const override { return inner_->quote(text); }
  std::string prepare_schema_sql() const override { return inner_->prepare_schema_sql(); }

  // Records the section as it is shown (Section::shown: placeholders unexpanded unless the user
  // asked to see their values). What running it does in passing (the statement count after each
  // statement, through `on_done`) is a by-product, not one of the run's statements: not recorded.
  std::size_t run_section(const Section& section, std::size_t skip = 0, const StatementDone& on_done = {}) override;
  std::vector<std::size_t> statement_offsets(std::string_view sql) const override {
    return inner_->statement_offsets(sql);
  }

  Schema read_schema(const std::string& exclude_table, const std::vector<std::string>* schemas = nullptr) override {
    return inner_->read_schema(exclude_table, schemas);
  }

  void set_foreign_keys(bool on) override;
  // Records the check; a dry run finds nothing to report.
  std::optional<std::pair<std::string, std::size_t>> foreign_key_violations() override;

  void refuse_other_files() override { inner_->refuse_other_files(); }
  std::string scratch_caveat() const override { return inner_->scratch_caveat(); }

 private:
  void record(std::string_view sql);
  bool executes() const { return mode_ == Recording::as_well; }

  std::unique_ptr<Driver> inner_;
  Recording mode_;
  bool paused_ = false;  // inside a section's on_done: by-products are not recorded
  std::string sql_;
};

}  // namespace strata::migrate
