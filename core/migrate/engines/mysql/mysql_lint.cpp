// MySQL's and MariaDB's lint rules (the row's lint_section, engines.h): each ALTER TABLE action on
// a table in use judged by what the server (mysql_server.h: flavour and version) does with it,
// ALGORITHM=COPY and LOCK=SHARED|EXCLUSIVE as written, NOT NULL without a default, renames, drops
// (check/lint.h).
#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/setting.h"
#include "common/text.h"
#include "migrate/engines/server_reach.h"
#include "migrate/engines/mysql/mysql_engine.h"
#include "migrate/engines/mysql/mysql_server.h"
#include "migrate/engines/mysql/mysql_splitter.h"
#include "migrate/schema/schema_changes.h"

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

// The table a `CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name` makes; nullopt for another statement.
std::optional<std::string> created_table(const MyWords& w) {
  if (!my_is(w, 0, "CREATE") || !(my_is(w, 1, "TABLE") || (my_is(w, 1, "TEMPORARY") && my_is(w, 2, "TABLE")))) {
    return std::nullopt;
  }
  std::size_t i = my_is(w, 1, "TABLE") ? 2 : 3;
  if (my_is(w, i, "IF")) i += 3;
  return my_name(w, i);
}

// The (from, to) pairs of `RENAME TABLE a TO b [, c TO d]...`.
std::vector<std::pair<std::string, std::string>> renamed_tables(const MyWords& w) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t i = 2;
  while (i < w.size()) {
    std::string from = my_name(w, i);
    if (!my_is(w, i, "TO")) break;
    ++i;
    pairs.emplace_back(std::move(from), my_name(w, i));
    if (!my_is(w, i, ",")) break;
    ++i;
  }
  return pairs;
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
void lint_mysql_clauses(const MyWords& w, const std::string& table, const MysqlServer& server,
                        const std::function<void(const char*, std::string)>& flag) {
  if (clause_value(w, "ALGORITHM") == "COPY") {
    flag("alter-copies-table", "ALGORITHM=COPY on existing table " + table +
                                   " copies every row into a new table and blocks writes until it is done; say "
                                   "ALGORITHM=INPLACE (or INSTANT), LOCK=NONE, which runs online or fails at once (judged for " +
                                   server.label() + ")");
  }
  const std::string lock = clause_value(w, "LOCK");
  if (lock == "SHARED" || lock == "EXCLUSIVE") {
    flag("alter-locks-table", "LOCK=" + lock + " on existing table " + table + " blocks " +
                                  (lock == "SHARED" ? "writes" : "reads and writes") +
                                  " for the whole ALTER; say LOCK=NONE, which runs online or fails at once (judged for " +
                                  server.label() + ")");
  }
}

// ---- What earlier migrations made: VIRTUAL generated columns -------------------------------
// A VIRTUAL generated column stores nothing (the server computes it on read): dropping one loses
// no data (Atlas's destructive check passes it). Which columns are virtual is kept in the
// LintMemory check carries from migration to migration, as column_types["table.column"] =
// "virtual" (any other column: "").

bool virtual_text(std::string_view upper_definition) {
  const bool generated = upper_definition.find(" AS (") != std::string_view::npos ||
                         upper_definition.find("GENERATED ALWAYS") != std::string_view::npos;
  return generated && upper_definition.find("STORED") == std::string_view::npos &&
         upper_definition.find("PERSISTENT") == std::string_view::npos;
}

// The column an ADD [COLUMN] or DROP [COLUMN] action at w[a] names; "" for another action.
std::string action_column(const MyWords& w, std::size_t a, std::string_view verb) {
  if (!my_is(w, a, verb)) return "";
  std::size_t c = a + 1;
  if (my_is(w, c, "COLUMN")) ++c;
  if (my_is(w, c, "IF")) c += verb == "ADD" ? std::size_t{3} : std::size_t{2};
  if (c >= w.size() || (!w[c].quoted && (w[c].upper == "INDEX" || w[c].upper == "KEY" || w[c].upper == "PRIMARY" ||
                                         w[c].upper == "UNIQUE" || w[c].upper == "FOREIGN" || w[c].upper == "CONSTRAINT" ||
                                         w[c].upper == "CHECK" || w[c].upper == "FULLTEXT" || w[c].upper == "SPATIAL" ||
                                         w[c].upper == "DEFAULT" || w[c].upper == "("))) {
    return "";
  }
  return to_lower(w[c].upper);  // MySQL's column names ignore case
}

// Each comma-separated action of an ALTER TABLE from w[i] (parentheses kept whole): fn(start, end),
// end the index of the comma after it (or w.size()).
void for_each_action(const MyWords& w, std::size_t i, const std::function<void(std::size_t, std::size_t)>& fn) {
  while (i < w.size()) {
    std::size_t end = i;
    int depth = 0;
    while (end < w.size() && !(depth == 0 && w[end].upper == "," && !w[end].quoted)) {
      if (!w[end].quoted && w[end].upper == "(") ++depth;
      if (!w[end].quoted && w[end].upper == ")") --depth;
      ++end;
    }
    fn(i, end);
    i = end + 1;
  }
}

// CREATE TABLE's columns into the memory: which are VIRTUAL (the table's earlier columns forgotten).
void remember_created_columns(const std::string& text, const MyWords& w, LintMemory& memory) {
  const std::optional<std::string> table = created_table(w);
  if (!table) return;
  memory.forget_table(*table);
  const std::optional<TableShape> shape = table_shape(text, k_mysql_dialect);
  if (!shape) return;
  for (const TablePart* p : shape->columns()) {
    memory.column_types[*table + "." + to_lower(p->name)] = virtual_text(to_upper(" " + p->definition())) ? "virtual" : "";
  }
}

// A unique index added to a table in use: built online, but it fails when the rows already hold a
// duplicate, and MySQL has committed each DDL statement before it (Atlas MF101).
std::string unique_may_fail(const std::string& what, const std::string& table) {
  return what + " on existing table " + table + " fails if its rows hold duplicates, and the statements before it in " +
         "the migration stay applied (MySQL commits each DDL statement); look for them first (SELECT ... GROUP BY the " +
         "columns HAVING COUNT(*) > 1), or add it in a migration of its own";
}

// What the server does with one ALTER TABLE action when the statement names neither an ALGORITHM
// nor LOCK=NONE (it then takes the least locking way the operation allows). Sources, cited per
// rule below: MySQL 8.0 Reference Manual 17.12.1 "Online DDL Operations" (its tables: Instant, In
// Place, Rebuilds Table, Permits Concurrent DML), and MariaDB's "InnoDB Online DDL Operations with
// the INSTANT / INPLACE / NOCOPY Alter Algorithm".
void lint_mysql_action(const MyWords& w, std::size_t a, std::size_t end, const std::string& table, bool algorithm,
                       const MysqlServer& server, const std::function<void(const char*, std::string)>& flag) {
  const std::string verb = a < w.size() && !w[a].quoted ? w[a].upper : "";
  const std::string judged = " (judged for " + server.label() + ")";
  const auto copies = [&](const std::string& what, const std::string& why) {
    if (algorithm) return;  // an ALGORITHM or LOCK=NONE written: the server refuses rather than copies
    flag("alter-copies-table", what + " on existing table " + table + " " + why + judged);
  };
  const auto blocks_writes = [&](const std::string& what, const std::string& why) {
    if (algorithm) return;
    flag("alter-locks-table", what + " on existing table " + table + " " + why + judged);
  };
  const auto word_in_action = [&](std::string_view word) {
    return std::any_of(w.begin() + static_cast<std::ptrdiff_t>(a), w.begin() + static_cast<std::ptrdiff_t>(end),
                       [&](const SqlWord& x) { return !x.quoted && x.upper == word; });
  };
  if (verb == "DROP" && my_is(w, a + 1, "PRIMARY")) {
    // Both servers: dropping a primary key in place needs a new one in the same statement (MySQL
    // "Dropping a primary key": In Place No; MariaDB "ALTER TABLE ... DROP PRIMARY KEY").
    const bool adds_one = std::count_if(w.begin(), w.end(), [](const SqlWord& x) { return !x.quoted && x.upper == "PRIMARY"; }) > 1;
    if (!adds_one) {
      copies("DROP PRIMARY KEY", "copies every row into a new table and blocks writes while it does (in place only when "
                                 "the same ALTER adds another primary key)");
    }
    return;
  }
  // A foreign key dropped: its rows' integrity and its ON DELETE action go (Atlas CD101), as
  // PostgreSQL's DROP CONSTRAINT of one.
  if (verb == "DROP" && my_is(w, a + 1, "FOREIGN") && my_is(w, a + 2, "KEY")) {
    const std::string name = a + 3 < end ? (w[a + 3].quoted ? w[a + 3].upper : to_lower(w[a + 3].upper)) : "";
    flag("drop-foreign-key", "DROP FOREIGN KEY " + name + " removes a foreign key of " + table +
                                 ": rows that break it can be written from then on, and its ON DELETE action stops");
    return;
  }
  // Dropping a column: INSTANT on MySQL 8.0.29+ and MariaDB 10.4+, in place with concurrent DML
  // before; only its data is the risk.
  if (verb == "DROP" && !my_is(w, a + 1, "INDEX") && !my_is(w, a + 1, "KEY") && !my_is(w, a + 1, "CONSTRAINT") &&
      !my_is(w, a + 1, "FOREIGN") && !my_is(w, a + 1, "CHECK") && !my_is(w, a + 1, "DEFAULT")) {
    flag("destructive", "DROP COLUMN destroys data");
    return;
  }
  // Changing a column's type copies the table on both servers ("Changing the column data type":
  // Instant No, In Place No), save a longer VARCHAR within its length bytes, which a MODIFY alone
  // does not show: it may copy.
  const auto column_change = [&](const std::string& what) {
    if (algorithm) return;
    flag("alter-without-algorithm", what + " on existing table " + table +
                                        " without ALGORITHM=: a type change copies the whole table and blocks "
                                        "writes while it does; say ALGORITHM=INSTANT where the change allows it (a "
                                        "default, a rename, a longer VARCHAR), which fails at once instead of copying" +
                                        judged);
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
  if (verb == "CONVERT") {
    // "Converting a character set": In Place No, on both servers.
    return copies("CONVERT TO CHARACTER SET", "re-encodes every row into a copy of the table and blocks writes while it does");
  }
  if (verb != "ADD") return;
  const std::string what = a + 1 < w.size() && !w[a + 1].quoted ? w[a + 1].upper : "";
  // A secondary index, UNIQUE included, is built in place while the table takes writes ("Creating
  // or adding a secondary index": Permits Concurrent DML Yes; MariaDB the same); so is a primary
  // key, with a rebuild ("Adding a primary key": In Place Yes, Permits Concurrent DML Yes).
  // FULLTEXT and SPATIAL indexes are built in place but without concurrent DML.
  if (what == "FULLTEXT" || what == "SPATIAL") {
    return blocks_writes("ADD " + what + " INDEX", "is built in place but blocks writes while it is (no LOCK=NONE for it); "
                                                   "add it in a quiet hour, or with pt-online-schema-change or gh-ost");
  }
  if (what == "UNIQUE" || (what == "CONSTRAINT" && word_in_action("UNIQUE"))) {
    flag("unique-may-fail", unique_may_fail("ADD UNIQUE", table));
    return;
  }
  if (what == "INDEX" || what == "KEY" || what == "PRIMARY") return;
  const bool foreign = what == "FOREIGN" || (what == "CONSTRAINT" && word_in_action("FOREIGN"));
  if (foreign && !algorithm) {
    flag("alter-without-algorithm", "ADD FOREIGN KEY on existing table " + table +
                                        ": with foreign_key_checks on, the server copies the whole table and blocks "
                                        "writes while it does (in place needs SET foreign_key_checks = 0, which skips "
                                        "checking the rows already there)" + judged);
    return;
  }
  const bool check = what == "CHECK" || (what == "CONSTRAINT" && word_in_action("CHECK"));
  if (check) {
    // MySQL enforces CHECK from 8.0.16 (before, it parses and ignores one) and checks the rows by
    // copying the table (ALGORITHM=COPY only); MariaDB enforces it from 10.2.1 and refuses
    // ALGORITHM=INPLACE for it too (tests/e2e/lint_mysql.sh asks the server).
    const bool enforced = server.mariadb ? server.at_least(10, 2, 1) : server.at_least(8, 0, 16);
    if (enforced) {
      copies("ADD CHECK", "copies the whole table to check its rows and blocks writes while it does; check the rows in "
                          "the application, or add it in a quiet hour (pt-online-schema-change or gh-ost keep the table "
                          "writable)");
    }
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
  // A plain column is added instantly (MySQL 8.0.12+, MariaDB 10.3.2+) or in place with
  // concurrent DML (older servers); a VIRTUAL one instantly; a STORED one is computed into every
  // row by copying the table ("Adding a STORED column": In Place No; MariaDB the same).
  if (generated && stored) {
    copies("ADD COLUMN " + column + " ... STORED", "computes and writes the value into every row by copying the table, "
                                                   "blocking writes; add it VIRTUAL (instant), or in a quiet hour");
    return;
  }
  // "Adding an auto-increment column": In Place Yes, Permits Concurrent DML No (both servers).
  if (auto_increment) {
    copies("ADD COLUMN " + column + " AUTO_INCREMENT", "rebuilds the table to number every row and blocks writes while "
                                                       "it does; add it in a quiet hour, or with pt-online-schema-change "
                                                       "or gh-ost");
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
  const MysqlServer server = mysql_server_or_default(c.server_version);
  std::set<std::string> created;  // tables created earlier in this section
  std::set<std::string> created_anywhere;
  for (const MysqlStatement& st : split.statements) {
    const MyWords w = mysql_words(std::string_view(s.sql).substr(st.offset, st.length));
    if (const auto name = created_table(w)) created_anywhere.insert(*name);
  }
  std::set<std::string> swapped_out;  // old tables renamed away for a new one to take their name
  // Tables an index of was dropped earlier in the section: a unique index added after it most
  // often replaces it (a unique key widened to more columns, which cannot fail), and lint does
  // not know what the dropped one covered, so unique-may-fail stays quiet there.
  std::set<std::string> replaced_index;
  LintMemory own_memory;
  LintMemory& memory = c.memory != nullptr && up ? *c.memory : own_memory;
  for (const MysqlStatement& st : split.statements) {
    const MyWords w = mysql_words(std::string_view(s.sql).substr(st.offset, st.length));
    remember_created_columns(std::string(std::string_view(s.sql).substr(st.offset, st.length)), w, memory);
    const auto flag = [&](const char* code, std::string message) {
      if (up) out.push_back({code, false, line_of(st.offset), std::move(message), s.file});
    };
    if (const auto name = created_table(w)) {
      created.insert(*name);
      continue;
    }
    if (my_is(w, 0, "DROP") && my_is(w, 1, "TABLE")) {
      std::size_t i = my_is(w, 2, "IF") ? 4 : 2;
      bool lost = false;
      while (i < w.size()) {
        const std::string name = my_name(w, i);
        memory.forget_table(name);
        lost = lost || (created.count(name) == 0 && swapped_out.count(name) == 0);
        if (!my_is(w, i, ",")) break;
        ++i;
      }
      if (lost) flag("destructive", "DROP TABLE destroys data");
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
      const auto pairs = renamed_tables(w);
      for (const auto& [from, to] : pairs) {
        if (created.count(from) != 0) {
          created.insert(to);  // a table made in this section, under its final name
          continue;
        }
        // The swap `RENAME TABLE t TO t_old, t_new TO t` (or t made again later): t keeps
        // answering under its name, and t_old is the old copy, dropped without loss.
        const bool given_back = created_anywhere.count(from) != 0 ||
                                std::any_of(pairs.begin(), pairs.end(), [&](const auto& p) { return p.second == from; });
        if (given_back) {
          swapped_out.insert(to);
          continue;
        }
        flag("rename", "renaming table " + from + " breaks code still using the old name; add the new name, "
                       "move readers and writers, drop the old one later");
      }
      continue;
    }
    if (my_is(w, 0, "CREATE") && (my_is(w, 1, "INDEX") || my_is(w, 2, "INDEX"))) {
      // CREATE INDEX is ALTER TABLE ... ADD INDEX: in place with writes going on, save FULLTEXT
      // and SPATIAL (MySQL 8.0 "Online DDL Support for Index Operations"; MariaDB the same).
      const std::string kind = my_is(w, 2, "INDEX") && !w[1].quoted ? w[1].upper : "";
      std::size_t i = 1;
      while (i < w.size() && !my_is(w, i, "ON")) ++i;
      ++i;
      const std::string table = my_name(w, i);
      if (created.count(table) == 0 && kind == "UNIQUE" && replaced_index.count(table) == 0) {
        flag("unique-may-fail", unique_may_fail("CREATE UNIQUE INDEX", table));
      }
      if (created.count(table) == 0 && !has_algorithm(w) && (kind == "FULLTEXT" || kind == "SPATIAL")) {
        flag("alter-locks-table", "CREATE " + kind + " INDEX on existing table " + table +
                                      " is built in place but blocks writes while it is (no LOCK=NONE for it); add it "
                                      "in a quiet hour, or with pt-online-schema-change or gh-ost (judged for " +
                                      server.label() + ")");
      }
      continue;
    }
    if (my_is(w, 0, "DROP") && my_is(w, 1, "INDEX")) {
      std::size_t i = 2;
      while (i < w.size() && !my_is(w, i, "ON")) ++i;
      ++i;
      replaced_index.insert(my_name(w, i));
      continue;
    }
    if (!(my_is(w, 0, "ALTER") && my_is(w, 1, "TABLE"))) continue;
    std::size_t i = 2;
    const std::string table = my_name(w, i);
    const auto remember_action = [&](std::size_t a, std::size_t action_end) {
      if (const std::string added = action_column(w, a, "ADD"); !added.empty()) {
        const std::size_t from = w[a].offset, to = action_end < w.size() ? w[action_end].offset : st.length;
        memory.column_types[table + "." + added] =
            virtual_text(to_upper(std::string_view(s.sql).substr(st.offset + from, to - from))) ? "virtual" : "";
      }
      if (const std::string dropped = action_column(w, a, "DROP"); !dropped.empty()) {
        memory.column_types.erase(table + "." + dropped);
      }
    };
    if (created.count(table) != 0) {
      for_each_action(w, i, remember_action);
      continue;
    }
    const bool algorithm = has_algorithm(w);
    lint_mysql_clauses(w, table, server, [&](const char* code, std::string message) {
      if (up) out.push_back({code, false, line_of(st.offset), std::move(message), s.file});
    });
    for_each_action(w, i, [&](std::size_t a, std::size_t end) {
      // Findings point at the action's line: an ALTER TABLE often spans many.
      const std::size_t at = a < w.size() ? st.offset + w[a].offset : st.offset;
      const std::string dropped = action_column(w, a, "DROP");
      const auto known = memory.column_types.find(table + "." + dropped);
      const bool drops_virtual = !dropped.empty() && known != memory.column_types.end() && known->second == "virtual";
      lint_mysql_action(w, a, end, table, algorithm, server, [&](const char* code, std::string message) {
        if (std::string_view(code) == "unique-may-fail" && replaced_index.count(table) != 0) return;
        if (std::string_view(code) == "destructive" && drops_virtual) return;
        if (up) out.push_back({code, false, line_of(at), std::move(message), s.file});
      });
      remember_action(a, end);
      if (my_is(w, a, "DROP") && (my_is(w, a + 1, "INDEX") || my_is(w, a + 1, "KEY"))) replaced_index.insert(table);
    });
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

// ---- The server judged for (mysql_server.h) ------------------------------------------------
namespace mysql_server {

// Reads "N[.N[.N]]" at the front of `s`; nullopt without a first number.
std::optional<MysqlServer> read_numbers(std::string_view s, bool mariadb) {
  MysqlServer v{mariadb, 0, 0, 0};
  int* parts[] = {&v.major, &v.minor, &v.patch};
  std::size_t i = 0, part = 0;
  while (part < 3) {
    if (i >= s.size() || std::isdigit(static_cast<unsigned char>(s[i])) == 0) break;
    int n = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0 && n < 100000) n = n * 10 + (s[i++] - '0');
    *parts[part++] = n;
    if (i < s.size() && s[i] == '.') ++i;
    else break;
  }
  if (part == 0) return std::nullopt;
  return v;
}

}  // namespace mysql_server

std::string MysqlServer::label() const {
  std::string out = std::string(mariadb ? "MariaDB " : "MySQL ") + std::to_string(major) + "." + std::to_string(minor);
  if (patch > 0) out += "." + std::to_string(patch);
  return out;
}

std::optional<MysqlServer> parse_mysql_server(std::string_view text) {
  const std::string t = to_lower(trim(text));
  if (t.starts_with("mariadb-")) return mysql_server::read_numbers(std::string_view(t).substr(8), true);
  if (t.starts_with("mysql-")) return mysql_server::read_numbers(std::string_view(t).substr(6), false);
  // A server's own VERSION(): MariaDB's names itself ("10.11.6-MariaDB-0+deb12u1"; behind the
  // replication prefix "5.5.5-" some clients show), MySQL's does not ("8.0.36-0ubuntu0.22.04.1").
  const bool mariadb = t.find("mariadb") != std::string::npos;
  std::string_view rest = t;
  if (mariadb && rest.starts_with("5.5.5-")) rest.remove_prefix(6);
  if (rest.empty() || std::isdigit(static_cast<unsigned char>(rest.front())) == 0) return std::nullopt;
  return mysql_server::read_numbers(rest, mariadb);
}

MysqlServer mysql_server_or_default(std::string_view text) {
  if (trim(text).empty()) return k_default_mysql_server;
  if (const auto v = parse_mysql_server(text)) return *v;
  // A project's strata.toml may set it: shown printable and short.
  std::string shown;
  for (const char c : text.substr(0, 40)) shown += c >= ' ' && c <= '~' ? c : '?';
  throw Error(ExitCode::usage, "not a MySQL or MariaDB version: " + shown,
              "set " + mention(Setting::server_version) + " to mariadb-10.11 or mysql-8.0 (a flavour, then its version)");
}

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
