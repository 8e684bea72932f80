#include "migrate/run_plan.h"

#include <optional>
#include <set>
#include <string_view>

#include "common/text.h"
#include "migrate/mysql_splitter.h"
#include "migrate/postgres_splitter.h"
#include "migrate/sql_runner.h"

namespace strata::migrate {
namespace {

enum class Kind { other, begin, end, no_transaction, foreign_keys_off, foreign_keys_on, implicit_commit };

struct Statement {
  std::size_t offset = 0;
  Kind kind = Kind::other;
  std::string what;  // for no_transaction: the statement's kind as users know it
};

// PRAGMAs that behave normally inside a transaction (reads, and user_version/application_id,
// which are transactional).
bool transaction_safe_pragma(const std::string& name) {
  static const std::set<std::string> safe = {
      "USER_VERSION", "APPLICATION_ID", "FOREIGN_KEY_CHECK", "INTEGRITY_CHECK", "QUICK_CHECK",
      "TABLE_INFO",   "TABLE_XINFO",    "INDEX_LIST",        "INDEX_INFO",      "INDEX_XINFO",
      "FOREIGN_KEY_LIST"};
  return safe.count(name) != 0;
}

bool is(const std::vector<SqlWord>& w, std::size_t i, std::string_view word) {
  return i < w.size() && !w[i].quoted && w[i].upper == word;
}

// BEGIN / COMMIT / END / ROLLBACK as statements of their own (not ROLLBACK TO a savepoint, not
// the prepared-transaction forms, not the BEGIN of a trigger body, which is inside CREATE).
Kind control_kind(const std::vector<SqlWord>& w) {
  if (is(w, 0, "BEGIN") || (is(w, 0, "START") && is(w, 1, "TRANSACTION"))) return Kind::begin;
  if (is(w, 0, "COMMIT") || is(w, 0, "END")) return is(w, 1, "PREPARED") ? Kind::other : Kind::end;
  if (is(w, 0, "ROLLBACK") || is(w, 0, "ABORT")) {
    for (const SqlWord& x : w) {
      if (!x.quoted && (x.upper == "TO" || x.upper == "PREPARED")) return Kind::other;
    }
    return Kind::end;
  }
  return Kind::other;
}

Statement classify_sqlite(const std::vector<SqlWord>& w, std::size_t offset) {
  Statement s{offset, control_kind(w), {}};
  if (s.kind != Kind::other) return s;
  if (is(w, 0, "VACUUM")) return {offset, Kind::no_transaction, "VACUUM"};
  if (!is(w, 0, "PRAGMA") || w.size() < 2) return s;
  std::size_t n = 1;
  if (is(w, 2, ".")) n = 3;  // PRAGMA main.foreign_keys: the schema is not the pragma
  if (n >= w.size()) return s;
  const std::string& name = w[n].upper;
  if (name == "FOREIGN_KEYS") {
    std::size_t v = n + 1;
    if (is(w, v, "(")) ++v;
    if (v >= w.size()) return s;  // a read
    const std::string& value = w[v].upper;
    if (value == "OFF" || value == "FALSE" || value == "NO" || value == "0") return {offset, Kind::foreign_keys_off, {}};
    return {offset, Kind::foreign_keys_on, {}};
  }
  if (transaction_safe_pragma(name)) return s;
  return {offset, Kind::no_transaction, "PRAGMA " + to_lower(name)};
}

Statement classify_postgres(const std::vector<SqlWord>& w, std::size_t offset) {
  Statement s{offset, control_kind(w), {}};
  if (s.kind != Kind::other) return s;
  const auto no_txn = [&](std::string what) { return Statement{offset, Kind::no_transaction, std::move(what)}; };
  if (is(w, 0, "VACUUM")) return no_txn("VACUUM");
  if (is(w, 0, "ALTER") && is(w, 1, "SYSTEM")) return no_txn("ALTER SYSTEM");
  if ((is(w, 0, "CREATE") || is(w, 0, "DROP")) && (is(w, 1, "DATABASE") || is(w, 1, "TABLESPACE"))) {
    return no_txn(w[0].upper + " " + w[1].upper);
  }
  if (is(w, 0, "CREATE") && (is(w, 1, "INDEX") || (is(w, 1, "UNIQUE") && is(w, 2, "INDEX")))) {
    const std::size_t i = is(w, 1, "INDEX") ? 2 : 3;
    if (is(w, i, "CONCURRENTLY")) return no_txn("CREATE INDEX CONCURRENTLY");
  }
  if (is(w, 0, "DROP") && is(w, 1, "INDEX") && is(w, 2, "CONCURRENTLY")) return no_txn("DROP INDEX CONCURRENTLY");
  if (is(w, 0, "REINDEX")) {
    for (const SqlWord& x : w) {
      if (!x.quoted && x.upper == "CONCURRENTLY") return no_txn("REINDEX CONCURRENTLY");
    }
  }
  return s;
}

// MySQL and MariaDB commit the open transaction before (and after) most statements that are not
// data changes: DDL, account and lock statements. A section holding one cannot be one transaction.
Statement classify_mysql(const std::vector<SqlWord>& w, std::size_t offset) {
  if (is(w, 0, "BEGIN") && is(w, 1, "NOT")) return {offset, Kind::other, {}};  // MariaDB's BEGIN NOT ATOMIC block
  Statement s{offset, control_kind(w), {}};
  if (s.kind != Kind::other || w.empty() || w[0].quoted) return s;
  const std::string& first = w[0].upper;
  if ((first == "CREATE" || first == "DROP") && is(w, 1, "TEMPORARY")) return s;
  static const std::set<std::string, std::less<>> commits = {
      "CREATE", "ALTER",   "DROP",     "RENAME", "TRUNCATE", "GRANT",   "REVOKE",  "LOCK",  "UNLOCK",
      "ANALYZE", "OPTIMIZE", "REPAIR", "FLUSH",  "INSTALL",  "UNINSTALL", "RESET", "CACHE", "LOAD"};
  if (commits.count(first) == 0 || (first == "LOAD" && !is(w, 1, "INDEX"))) return s;
  std::string what = first;
  if (w.size() > 1 && !w[1].quoted && w[1].upper.size() > 1) what += " " + w[1].upper;
  return {offset, Kind::implicit_commit, std::move(what)};
}

std::vector<Statement> statements_of(const Section& section, DriverKind kind) {
  std::vector<Statement> out;
  const std::string& sql = section.sql;
  // The first words tell a statement's kind; REINDEX's options may put CONCURRENTLY a few in.
  constexpr std::size_t k_words = 8;
  if (kind == DriverKind::postgres) {
    const SplitResult split = split_postgres(sql);
    for (const SqlStatement& st : split.statements) {
      out.push_back(classify_postgres(postgres_words(std::string_view(sql).substr(st.offset, st.length), k_words), st.offset));
    }
    return out;
  }
  if (kind == DriverKind::mysql) {
    for (const MysqlStatement& st : split_mysql(sql).statements) {
      out.push_back(classify_mysql(mysql_words(std::string_view(sql).substr(st.offset, st.length), k_words), st.offset));
    }
    return out;
  }
  const std::vector<std::size_t> offsets = statement_offsets(sql);
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const std::size_t end = i + 1 < offsets.size() ? offsets[i + 1] : sql.size();
    out.push_back(classify_sqlite(postgres_words(std::string_view(sql).substr(offsets[i], end - offsets[i]), k_words), offsets[i]));
  }
  return out;
}

}  // namespace

SectionPlan plan_section(const Section& section, DriverKind kind, bool up) {
  SectionPlan plan;
  const auto line_of = [&](std::size_t offset) { return section.first_line + position_of(section.sql, offset).line - 1; };
  const std::string marker = std::string("'-- migrate:") + (up ? "up" : "down");
  const auto refuse = [&](std::string code, std::size_t offset, std::string message) {
    plan.problems.push_back({std::move(code), line_of(offset), std::move(message)});
  };
  const bool sqlite = kind == DriverKind::sqlite;
  const char* const no_txn_code = sqlite ? "pragma-in-transaction" : "not-in-transaction";
  if (!sqlite && section.foreign_keys_off) {
    plan.problems.push_back({"foreign-keys-option", section.first_line > 1 ? section.first_line - 1 : 0,
                             kind == DriverKind::mysql
                                 ? "foreign_keys:off is a SQLite option (on MySQL, write SET FOREIGN_KEY_CHECKS = 0 "
                                   "in the migration and = 1 at its end)"
                                 : "foreign_keys:off is a SQLite option; PostgreSQL has no such switch (declare the "
                                   "constraints DEFERRABLE and use SET CONSTRAINTS ... DEFERRED)"});
  }
  if (kind == DriverKind::mysql) {
    // What the client could not split is refused before anything runs, not half-way through.
    if (const MysqlSplit split = split_mysql(section.sql, section.first_line); split.error_offset) {
      refuse("parse-error", *split.error_offset, split.error);
      return plan;
    }
  }
  const std::vector<Statement> statements = statements_of(section, kind);
  bool own_control = false;
  for (const Statement& s : statements) own_control |= s.kind == Kind::begin || s.kind == Kind::end;

  if (!section.transaction || own_control) {
    plan.mode = RunMode::as_written;
    plan.reason = !section.transaction ? "transaction:false" : "it has its own BEGIN/COMMIT";
    plan.foreign_keys_off = sqlite && section.foreign_keys_off;
    std::optional<std::size_t> open;  // offset of the file's own BEGIN while its transaction is open
    for (const Statement& s : statements) {
      if (s.kind == Kind::begin) {
        if (open) refuse("unbalanced-transaction", s.offset, "BEGIN while the transaction begun at line " + std::to_string(line_of(*open)) + " is still open");
        open = s.offset;
      } else if (s.kind == Kind::end) {
        if (!open) refuse("unbalanced-transaction", s.offset, "COMMIT/ROLLBACK with no transaction open (no BEGIN before it in this section)");
        open.reset();
      } else if (open && s.kind == Kind::no_transaction) {
        refuse(no_txn_code, s.offset, s.what + " cannot run inside the transaction begun at line " +
                                          std::to_string(line_of(*open)) + "; move it before BEGIN or after COMMIT");
      } else if (open && sqlite && (s.kind == Kind::foreign_keys_off || s.kind == Kind::foreign_keys_on)) {
        refuse("pragma-in-transaction", s.offset,
               "PRAGMA foreign_keys has no effect inside the transaction begun at line " + std::to_string(line_of(*open)) +
                   "; move it before BEGIN (SQLite's table-rebuild recipe: PRAGMA foreign_keys=OFF; BEGIN; ...; COMMIT; PRAGMA foreign_keys=ON)");
      }
    }
    if (open) refuse("unbalanced-transaction", *open, "BEGIN is never committed: the section ends with its transaction open");
    return plan;
  }

  if (kind == DriverKind::mysql) {
    for (const Statement& s : statements) {
      if (s.kind != Kind::implicit_commit) continue;
      plan.mode = RunMode::as_written;
      plan.implicit_commit = true;
      plan.reason = "MySQL commits " + s.what + " (line " + std::to_string(line_of(s.offset)) + ") implicitly";
      return plan;
    }
  }

  if (statements.size() == 1 && statements.front().kind == Kind::no_transaction) {
    plan.mode = RunMode::as_written;
    plan.reason = statements.front().what + " cannot run inside a transaction";
    return plan;
  }

  plan.mode = RunMode::transaction;
  plan.foreign_keys_off = sqlite && section.foreign_keys_off;
  for (const Statement& s : statements) {
    if (sqlite && s.kind == Kind::foreign_keys_off) plan.foreign_keys_off = true;
    if (s.kind == Kind::no_transaction) {
      refuse(no_txn_code, s.offset,
             s.what + " cannot run inside a transaction; give it a migration of its own (strata runs a lone " +
                 "statement of this kind outside a transaction) or mark the section " + marker + " transaction:false'");
    }
  }
  return plan;
}

}  // namespace strata::migrate
