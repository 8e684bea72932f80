// MySQL's and MariaDB's lint rules (the row's lint_section, engines.h): ALTER TABLE without
// ALGORITHM= on a table in use, NOT NULL without a default, renames, drops (check/lint.h).
#include <algorithm>
#include <functional>
#include <set>
#include <string_view>

#include "common/text.h"
#include "migrate/engines/server_reach.h"
#include "migrate/engines/mysql/mysql_engine.h"
#include "migrate/engines/mysql/mysql_splitter.h"

namespace strata::migrate {
// Named, not anonymous: each engine's lint helpers keep their short names in a unity build.
namespace mysql_lint {

// ---- MySQL and MariaDB ----------------------------------------------------------------------

using MyWords = std::vector<SqlWord>;

bool my_is(const MyWords& w, std::size_t i, std::string_view word) { return i < w.size() && !w[i].quoted && w[i].upper == word; }

// A possibly database-qualified name at w[i] (MySQL compares table names as written on Linux);
// moves i past it.
std::string my_name(const MyWords& w, std::size_t& i) {
  std::string name;
  while (i < w.size()) {
    name = w[i].quoted ? w[i].upper : to_lower(w[i].upper);
    ++i;
    if (!my_is(w, i, ".")) break;
    ++i;
  }
  return name;
}

// The value of an `ALGORITHM = X` or `LOCK = X` clause ("=" is not a word), upper-cased; "" when
// the statement has none.
std::string clause_value(const MyWords& w, std::string_view clause) {
  for (std::size_t i = 0; i + 1 < w.size(); ++i) {
    if (my_is(w, i, clause) && !w[i + 1].quoted) return w[i + 1].upper;
  }
  return "";
}

// The statement says how it must run: an ALGORITHM (COPY is flagged by its own rule), or
// LOCK=NONE. The server then refuses (at once) what it cannot do that way instead of copying
// the table under a lock: nothing more to warn of.
bool has_algorithm(const MyWords& w) {
  const std::string algorithm = clause_value(w, "ALGORITHM");
  return (!algorithm.empty() && algorithm != "DEFAULT") || clause_value(w, "LOCK") == "NONE";
}

// ALGORITHM=COPY or LOCK=SHARED|EXCLUSIVE written: the statement asks for the copy, or the lock,
// whatever the server could do online.
void lint_mysql_clauses(const MyWords& w, const std::string& table,
                        const std::function<void(const char*, std::string)>& flag) {
  if (clause_value(w, "ALGORITHM") == "COPY") {
    flag("alter-copies-table", "ALGORITHM=COPY on existing table " + table +
                                   " copies every row into a new table and blocks writes until it is done; say "
                                   "ALGORITHM=INPLACE (or INSTANT), LOCK=NONE, which runs online or fails at once");
  }
  const std::string lock = clause_value(w, "LOCK");
  if (lock == "SHARED" || lock == "EXCLUSIVE") {
    flag("alter-locks-table", "LOCK=" + lock + " on existing table " + table + " blocks " +
                                  (lock == "SHARED" ? "writes" : "reads and writes") +
                                  " for the whole ALTER; say LOCK=NONE, which runs online or fails at once");
  }
}

// One ALTER TABLE action, w[a, end): what it risks on a table that already holds rows.
void lint_mysql_action(const MyWords& w, std::size_t a, std::size_t end, const std::string& table, bool algorithm,
                       const std::function<void(const char*, std::string)>& flag) {
  const std::string verb = a < w.size() && !w[a].quoted ? w[a].upper : "";
  const auto copy_warning = [&](const std::string& what) {
    if (algorithm) return;
    flag("alter-without-algorithm", what + " on existing table " + table +
                                        " without ALGORITHM=: the server may copy the whole table and block writes "
                                        "while it does; say ALGORITHM=INPLACE, LOCK=NONE (or INSTANT), which fails at "
                                        "once instead of copying");
  };
  if (verb == "DROP" && !my_is(w, a + 1, "INDEX") && !my_is(w, a + 1, "KEY") && !my_is(w, a + 1, "CONSTRAINT") &&
      !my_is(w, a + 1, "FOREIGN") && !my_is(w, a + 1, "PRIMARY") && !my_is(w, a + 1, "CHECK") && !my_is(w, a + 1, "DEFAULT")) {
    flag("destructive", "DROP COLUMN destroys data");
    return;
  }
  // A changed type always copies the table (INPLACE is refused for it), so the advice differs.
  const auto column_change = [&](const std::string& what) {
    if (algorithm) return;
    flag("alter-without-algorithm", what + " on existing table " + table +
                                        " without ALGORITHM=: a type change copies the whole table and blocks "
                                        "writes while it does; say ALGORITHM=INSTANT where the change allows it (a "
                                        "default, a rename, a longer VARCHAR), which fails at once instead of copying");
  };
  // CHANGE [COLUMN] old new type: a rename only when the names differ (MySQL compares column
  // names without case); CHANGE c c type is MODIFY c type.
  const auto same_name_change = [&] {
    std::size_t c = a + 1;
    if (my_is(w, c, "COLUMN")) ++c;
    return c + 1 < end && to_lower(w[c].upper) == to_lower(w[c + 1].upper);
  };
  if (verb == "CHANGE" && same_name_change()) return column_change("CHANGE COLUMN");
  if (verb == "RENAME" && (my_is(w, a + 1, "INDEX") || my_is(w, a + 1, "KEY"))) {
    flag("rename", "renaming an index of " + table + " breaks queries and hints that name it (FORCE INDEX, optimizer "
                   "hints); add the new index beside it, move them, drop the old one later");
    return;
  }
  if (verb == "RENAME" || verb == "CHANGE") {
    flag("rename", std::string(verb == "CHANGE" || my_is(w, a + 1, "COLUMN") ? "renaming a column of " : "renaming table ") +
                       table + " breaks code still using the old name; add the new name, move readers and writers, "
                       "drop the old one later");
    if (verb == "CHANGE") column_change("CHANGE COLUMN");
    return;
  }
  if (verb == "MODIFY") return column_change("MODIFY COLUMN");
  if (verb != "ADD") return;
  const std::string what = a + 1 < w.size() && !w[a + 1].quoted ? w[a + 1].upper : "";
  if (what == "INDEX" || what == "KEY" || what == "UNIQUE" || what == "FULLTEXT" || what == "SPATIAL" ||
      what == "PRIMARY") {
    return copy_warning("ADD " + what + (what == "PRIMARY" ? " KEY" : ""));
  }
  const bool foreign = what == "FOREIGN" || (what == "CONSTRAINT" && std::any_of(w.begin() + static_cast<std::ptrdiff_t>(a), w.begin() + static_cast<std::ptrdiff_t>(end), [](const SqlWord& x) {
                                                 return !x.quoted && x.upper == "FOREIGN";
                                               }));
  if (foreign && !algorithm) {
    flag("alter-without-algorithm", "ADD FOREIGN KEY on existing table " + table +
                                        ": with foreign_key_checks on, the server copies the whole table and blocks "
                                        "writes while it does (in place needs SET foreign_key_checks = 0, which skips "
                                        "checking the rows already there)");
    return;
  }
  const bool check = what == "CHECK" || (what == "CONSTRAINT" && std::any_of(w.begin() + static_cast<std::ptrdiff_t>(a), w.begin() + static_cast<std::ptrdiff_t>(end), [](const SqlWord& x) {
                                            return !x.quoted && x.upper == "CHECK";
                                          }));
  if (check) {
    // MySQL 8.0.16+ checks the rows by copying the table (ALGORITHM=COPY only); MariaDB reads
    // them under a lock too.
    flag("alter-copies-table", "ADD CHECK on existing table " + table +
                                   " copies the whole table to check its rows and blocks writes while it does (MySQL "
                                   "8 allows only ALGORITHM=COPY for it); check the rows in the application, or add it "
                                   "in a quiet hour (pt-online-schema-change or gh-ost keep the table writable)");
    return;
  }
  if (what == "CONSTRAINT" || what == "FOREIGN") return;
  std::size_t c = a + 1;
  if (my_is(w, c, "COLUMN")) ++c;
  if (my_is(w, c, "IF")) c += 3;
  const std::string column = c >= w.size() ? "" : w[c].quoted ? w[c].upper : to_lower(w[c].upper);
  bool has_default = false, not_null = false, generated = false, stored = false, auto_increment = false;
  for (std::size_t k = c + 1; k < end; ++k) {
    if (w[k].quoted) continue;
    has_default |= w[k].upper == "DEFAULT" || w[k].upper == "AUTO_INCREMENT";
    generated |= w[k].upper == "AS" || w[k].upper == "GENERATED";
    stored |= w[k].upper == "STORED" || w[k].upper == "PERSISTENT";
    auto_increment |= w[k].upper == "AUTO_INCREMENT";
    not_null |= w[k].upper == "NOT" && my_is(w, k + 1, "NULL");
  }
  if (generated && stored) {
    flag("alter-copies-table", "ADD COLUMN " + column + " ... STORED on existing table " + table +
                                   " computes and writes the value into every row by copying the table (MySQL 8: "
                                   "ALGORITHM=COPY only), blocking writes; add it VIRTUAL (INSTANT), or in a quiet hour");
    return;
  }
  if (auto_increment) {
    flag("alter-copies-table", "ADD COLUMN " + column + " AUTO_INCREMENT on existing table " + table +
                                   " rebuilds the table to number every row and blocks writes while it does (MySQL 8: "
                                   "no concurrent DML); add it in a quiet hour, or with pt-online-schema-change or gh-ost");
    return;
  }
  if (not_null && !has_default && !generated) {
    flag("not-null-without-default", "ADD COLUMN " + column + " NOT NULL without a default gives every row " + table +
                                         " already has the type's implicit default (0, '', a zero date); state the "
                                         "default you mean, or add it nullable, backfill, then MODIFY it NOT NULL");
  }
}

}  // namespace mysql_lint

void lint_mysql_section(const Section& s, const LintContext& c, std::vector<LintFinding>& out) {
  const bool up = c.up;
  using namespace mysql_lint;
  const auto line_of = [&](std::size_t offset) { return s.first_line + position_of(s.sql, offset).line - 1; };
  const MysqlSplit split = split_mysql(s.sql);
  if (split.error_offset) return;  // the run plan's parse-error already says so
  std::set<std::string> created;  // tables created earlier in this section
  for (const MysqlStatement& st : split.statements) {
    const MyWords w = mysql_words(std::string_view(s.sql).substr(st.offset, st.length));
    const auto flag = [&](const char* code, std::string message) {
      if (up) out.push_back({code, false, line_of(st.offset), std::move(message), s.file});
    };
    if (my_is(w, 0, "CREATE") && (my_is(w, 1, "TABLE") || (my_is(w, 1, "TEMPORARY") && my_is(w, 2, "TABLE")))) {
      std::size_t i = my_is(w, 1, "TABLE") ? 2 : 3;
      if (my_is(w, i, "IF")) i += 3;
      created.insert(my_name(w, i));
      continue;
    }
    if (my_is(w, 0, "DROP") && my_is(w, 1, "TABLE")) {
      flag("destructive", "DROP TABLE destroys data");
      continue;
    }
    if (my_is(w, 0, "TRUNCATE")) {
      flag("destructive", "TRUNCATE destroys data");
      continue;
    }
    if (my_is(w, 0, "DROP") && (my_is(w, 1, "DATABASE") || my_is(w, 1, "SCHEMA"))) {
      flag("destructive", "DROP DATABASE destroys every table in it");
      continue;
    }
    if (my_is(w, 0, "RENAME") && my_is(w, 1, "TABLE")) {
      std::size_t i = 2;
      flag("rename", "renaming table " + my_name(w, i) + " breaks code still using the old name; add the new name, "
                     "move readers and writers, drop the old one later");
      continue;
    }
    if (my_is(w, 0, "CREATE") && (my_is(w, 1, "INDEX") || my_is(w, 2, "INDEX"))) {
      std::size_t i = 1;
      while (i < w.size() && !my_is(w, i, "ON")) ++i;
      ++i;
      const std::string table = my_name(w, i);
      if (created.count(table) == 0 && !has_algorithm(w)) {
        flag("alter-without-algorithm", "CREATE INDEX on existing table " + table +
                                            " without ALGORITHM=: the server may copy the whole table and block "
                                            "writes while it does; say ALGORITHM=INPLACE LOCK=NONE, which fails at "
                                            "once instead of copying");
      }
      continue;
    }
    if (!(my_is(w, 0, "ALTER") && my_is(w, 1, "TABLE"))) continue;
    std::size_t i = 2;
    const std::string table = my_name(w, i);
    if (created.count(table) != 0) continue;
    const bool algorithm = has_algorithm(w);
    lint_mysql_clauses(w, table, [&](const char* code, std::string message) {
      if (up) out.push_back({code, false, line_of(st.offset), std::move(message), s.file});
    });
    while (i < w.size()) {
      std::size_t end = i;
      int depth = 0;
      while (end < w.size() && !(depth == 0 && w[end].upper == "," && !w[end].quoted)) {
        if (!w[end].quoted && w[end].upper == "(") ++depth;
        if (!w[end].quoted && w[end].upper == ")") --depth;
        ++end;
      }
      // Findings point at the action's line: an ALTER TABLE often spans many.
      const std::size_t at = i < w.size() ? st.offset + w[i].offset : st.offset;
      lint_mysql_action(w, i, end, table, algorithm, [&](const char* code, std::string message) {
        if (up) out.push_back({code, false, line_of(at), std::move(message), s.file});
      });
      i = end + 1;
    }
  }
}

namespace {

// What no scratch database contains (server_reach.h): a replay refuses it before it runs.
constexpr std::string_view k_my_files = "reads or writes the server's own files";
constexpr std::string_view k_my_programs = "loads a library into the server";
constexpr std::string_view k_my_server = "changes the whole server or its other sessions";
constexpr ReachRule k_mysql_reach[] = {
    {ReachKind::words, "into outfile", "", k_my_files},
    {ReachKind::words, "into dumpfile", "", k_my_files},
    {ReachKind::words, "load data", "", k_my_files},
    {ReachKind::words, "load xml", "", k_my_files},
    {ReachKind::call, "load_file", "", k_my_files},
    {ReachKind::words, "install plugin", "", k_my_programs},
    {ReachKind::words, "install soname", "", k_my_programs},
    {ReachKind::words, "install component", "", k_my_programs},
    {ReachKind::word, "soname", "", k_my_programs},
    {ReachKind::call, "sys_exec", "", k_my_programs},
    {ReachKind::call, "sys_eval", "", k_my_programs},
    {ReachKind::words, "set global", "", k_my_server},
    {ReachKind::words, "set persist", "", k_my_server},
    {ReachKind::words, "set persist_only", "", k_my_server},
    {ReachKind::word, "@@global", "", k_my_server},
    {ReachKind::words, "change master", "", k_my_server},
    {ReachKind::words, "change replication", "", k_my_server},
    {ReachKind::words, "start slave", "", k_my_server},
    {ReachKind::words, "start replica", "", k_my_server},
};

// What a replay refuses besides, in a statement that holds a body (CREATE PROCEDURE ...,
// PREPARE, SET @q = '...'): accounts, databases and the server's caches belong to the whole
// server wherever a body names them. (Only there: `ALTER TABLE t DROP role` drops a column.) Not
// lint's: `up` of a top-level CREATE USER is the user's to run.
constexpr std::string_view k_my_accounts = "changes accounts or databases of the whole server";
constexpr ReachRule k_mysql_replay_reach[] = {
    {ReachKind::words, "create user", "", k_my_accounts},
    {ReachKind::words, "alter user", "", k_my_accounts},
    {ReachKind::words, "drop user", "", k_my_accounts},
    {ReachKind::words, "rename user", "", k_my_accounts},
    {ReachKind::words, "create role", "", k_my_accounts},
    {ReachKind::words, "drop role", "", k_my_accounts},
    {ReachKind::words, "create database", "", k_my_accounts},
    {ReachKind::words, "alter database", "", k_my_accounts},
    {ReachKind::words, "drop database", "", k_my_accounts},
    {ReachKind::words, "create schema", "", k_my_accounts},
    {ReachKind::words, "alter schema", "", k_my_accounts},
    {ReachKind::words, "drop schema", "", k_my_accounts},
    {ReachKind::words, "create server", "", k_my_accounts},
    {ReachKind::words, "create tablespace", "", k_my_accounts},
    {ReachKind::words, "flush tables", "", k_my_server},
    {ReachKind::words, "flush privileges", "", k_my_server},
    {ReachKind::words, "flush logs", "", k_my_server},
    {ReachKind::words, "flush hosts", "", k_my_server},
    {ReachKind::words, "kill connection", "", k_my_server},
    {ReachKind::words, "kill query", "", k_my_server},
    {ReachKind::words, "reset master", "", k_my_server},
    {ReachKind::words, "purge binary", "", k_my_server},
};

}  // namespace

std::span<const ReachRule> mysql_reach_rules() { return k_mysql_reach; }
std::span<const ReachRule> mysql_replay_reach_rules() { return k_mysql_replay_reach; }

std::vector<LintFinding> lint_mysql_files(const Migration& m, const std::filesystem::path&) {
  std::vector<LintFinding> out;
  for (const Section* s : {&m.up, &m.down}) {
    if (!s->present) continue;
    const MysqlSplit split = split_mysql(s->sql);
    for (const MysqlStatement& st : split.statements) {
      const std::string_view text = std::string_view(s->sql).substr(st.offset, st.length);
      if (const std::optional<Reach> r = find_server_reach(text, k_mysql_reach)) {
        const std::size_t line = s->first_line + position_of(s->sql, st.offset + r->offset).line - 1;
        out.push_back({"server-reach", true, line,
                       "'" + r->what + "' " + r->why + ": `up` would run it with your role on the server "
                       "(check's replays refuse it)",
                       s->file});
      }
    }
  }
  return out;
}

}  // namespace strata::migrate
