#include "migrate/run/run_plan.h"

#include <optional>
#include <string_view>

#include "common/text.h"
#include "migrate/engines/engines.h"

namespace strata::migrate {

SectionPlan plan_section(const Section& section, DriverKind kind, bool up) {
  SectionPlan plan;
  const auto line_of = [&](std::size_t offset) { return section.first_line + position_of(section.sql, offset).line - 1; };
  const std::string marker = std::string("'-- migrate:") + (up ? "up" : "down");
  const auto refuse = [&](std::string code, std::size_t offset, std::string message) {
    plan.problems.push_back({std::move(code), line_of(offset), std::move(message)});
  };
  const auto warn = [&](std::string code, std::size_t offset, std::string message) {
    plan.warnings.push_back({std::move(code), line_of(offset), std::move(message)});
  };
  const Engine& e = engine(kind);
  // The section option foreign_keys:off is honoured (SQLite), or refused with the engine's advice.
  const bool foreign_keys_option = e.foreign_keys_off_refusal.empty();
  const std::string no_txn_code(e.no_transaction_code);
  if (!foreign_keys_option && section.foreign_keys_off) {
    plan.problems.push_back({"foreign-keys-option", section.first_line > 1 ? section.first_line - 1 : 0,
                             std::string(e.foreign_keys_off_refusal)});
  }
  const StatementScan scan = e.scan_statements(section.sql, section.first_line);
  if (scan.error_offset) {
    refuse("parse-error", *scan.error_offset, scan.error);
    return plan;
  }
  const std::vector<ScannedStatement>& statements = scan.statements;
  bool own_control = false;
  for (const ScannedStatement& s : statements) own_control |= s.role == StatementRole::begin || s.role == StatementRole::end;

  if (!section.transaction || own_control) {
    plan.mode = RunMode::as_written;
    plan.reason = !section.transaction ? "transaction:false" : "it has its own BEGIN/COMMIT";
    plan.foreign_keys_off = foreign_keys_option && section.foreign_keys_off;
    // Offsets of the file's own BEGIN while its transaction is open, and of its last COMMIT until the
    // next BEGIN (none: k_none; not std::optional, which GCC 12 misreads as maybe uninitialized).
    constexpr std::size_t k_none = static_cast<std::size_t>(-1);
    std::size_t open = k_none;
    std::size_t committed = k_none;
    bool said_after_commit = false;
    for (const ScannedStatement& s : statements) {
      // After the file's own COMMIT, outside any transaction (SQLite's rebuild recipe ends with
      // PRAGMA foreign_keys=ON there, which is fine).
      if (committed != k_none && open == k_none && !said_after_commit && s.role != StatementRole::begin && s.role != StatementRole::end &&
          s.role != StatementRole::foreign_keys_on && s.role != StatementRole::foreign_keys_off) {
        said_after_commit = true;
        warn("statements-after-commit", s.offset,
             "runs after the file's own COMMIT (line " + std::to_string(line_of(committed)) +
                 "), outside a transaction: if it fails, what that transaction did stays committed and the migration is "
                 "left half-applied; move it before the COMMIT, or into a migration of its own");
      }
      if (s.role == StatementRole::begin) {
        // Its own code: the transaction is not left open (PostgreSQL ignores the second BEGIN with a
        // warning), but the engines disagree on what it does (MySQL commits the first, SQLite
        // refuses), so the file says something it does not mean on at least one of them.
        if (open != k_none) {
          refuse("nested-transaction", s.offset,
                 "BEGIN while the transaction begun at line " + std::to_string(line_of(open)) +
                     " is still open (PostgreSQL ignores it, MySQL commits the open transaction, SQLite refuses it); "
                     "remove one BEGIN");
        }
        open = s.offset;
      } else if (s.role == StatementRole::end) {
        if (open == k_none) refuse("unbalanced-transaction", s.offset, "COMMIT/ROLLBACK with no transaction open (no BEGIN before it in this section)");
        open = k_none;
        committed = s.offset;
      } else if (open != k_none && s.role == StatementRole::no_transaction) {
        refuse(no_txn_code, s.offset, s.what + " cannot run inside the transaction begun at line " +
                                          std::to_string(line_of(open)) + "; move it before BEGIN or after COMMIT");
      } else if (open != k_none && foreign_keys_option && (s.role == StatementRole::foreign_keys_off || s.role == StatementRole::foreign_keys_on)) {
        // SQLite ignores it there, and so does the file's own tool (golang-migrate's sqlite3
        // driver): run as written, and said.
        warn("pragma-in-transaction", s.offset,
             "PRAGMA foreign_keys has no effect inside the transaction begun at line " + std::to_string(line_of(open)) +
                 " (SQLite ignores it; the file runs as written); move it before BEGIN (SQLite's table-rebuild recipe: "
                 "PRAGMA foreign_keys=OFF; BEGIN; ...; COMMIT; PRAGMA foreign_keys=ON)");
      }
    }
    if (open != k_none) refuse("unbalanced-transaction", open, "BEGIN is never committed: the section ends with its transaction open");
    return plan;
  }

  for (const ScannedStatement& s : statements) {
    if (s.role != StatementRole::implicit_commit) continue;
    plan.mode = RunMode::as_written;
    plan.implicit_commit = true;
    plan.reason = std::string(e.title) + " commits " + s.what + " (line " + std::to_string(line_of(s.offset)) + ") implicitly";
    return plan;
  }

  if (statements.size() == 1 && statements.front().role == StatementRole::no_transaction) {
    plan.mode = RunMode::as_written;
    plan.reason = statements.front().what + " cannot run inside a transaction";
    return plan;
  }

  plan.mode = RunMode::transaction;
  plan.foreign_keys_off = foreign_keys_option && section.foreign_keys_off;
  for (const ScannedStatement& s : statements) {
    if (foreign_keys_option && s.role == StatementRole::foreign_keys_off) plan.foreign_keys_off = true;
    if (s.role == StatementRole::no_transaction) {
      refuse(no_txn_code, s.offset,
             s.what + " cannot run inside a transaction; give it a migration of its own (strata runs a lone " +
                 "statement of this kind outside a transaction) or mark the section " + marker + " transaction:false'");
    }
  }
  return plan;
}

}  // namespace strata::migrate
