#include "migrate/lint.h"

#include <algorithm>
#include <array>
#include <functional>
#include <set>
#include <span>
#include <string_view>

#include "common/text.h"
#include "migrate/ddl_writer.h"
#include "migrate/mysql_splitter.h"
#include "migrate/postgres_splitter.h"
#include "migrate/run_plan.h"

namespace strata::migrate {
namespace {

struct Word {
  std::string upper;
  std::size_t offset;
};

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The keywords and identifiers of `sql`, outside comments and quoted text, upper-cased.
std::vector<Word> words_of(std::string_view sql) {
  std::vector<Word> words;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t eol = sql.find('\n', i);
      i = eol == std::string_view::npos ? sql.size() : eol;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      const std::size_t end = sql.find(close, i + 1);
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (is_word_char(c)) {
      const std::size_t start = i;
      while (i < sql.size() && is_word_char(sql[i])) ++i;
      words.push_back(Word{to_upper(sql.substr(start, i - start)), start});
    } else {
      ++i;
    }
  }
  return words;
}

void lint_section(const Section& s, std::vector<LintFinding>& out) {
  const std::vector<Word> words = words_of(s.sql);
  const auto line_of = [&](std::size_t offset) {
    return s.first_line + position_of(s.sql, offset).line - 1;
  };
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i].upper;
    const std::size_t n = i + 1;
    const std::string next = n < words.size() ? words[n].upper : "";
    // ALTER TABLE [schema.]t DROP [COLUMN] c
    const bool alter_drop = w == "DROP" && ((i >= 3 && words[i - 3].upper == "ALTER" && words[i - 2].upper == "TABLE") ||
                                            (i >= 4 && words[i - 4].upper == "ALTER" && words[i - 3].upper == "TABLE"));
    if (w == "DROP" && (next == "TABLE" || next == "COLUMN" || alter_drop)) {
      out.push_back({"destructive", false, line_of(words[i].offset),
                     next == "TABLE" ? "DROP TABLE destroys data" : "DROP COLUMN destroys data", s.file});
    }
  }
}

}  // namespace

namespace {

// ---- PostgreSQL ---------------------------------------------------------------------------

using Words = std::span<const SqlToken>;

// How PostgreSQL folds a name: unquoted to lower case, quoted as written.
std::string name_key(const SqlToken& w) { return w.quoted ? w.upper() : to_lower(w.text); }

// A possibly schema-qualified name at words[i]; returns the last part and moves i past it.
std::string qualified_name(Words w, std::size_t& i) {
  std::string name;
  while (i < w.size()) {
    name = name_key(w[i]);
    ++i;
    if (i < w.size() && w[i].is(".")) {
      ++i;
    } else {
      break;
    }
  }
  return name;
}

bool is(Words w, std::size_t i, std::string_view word) { return i < w.size() && w[i].is(word); }

bool is_volatile_function(const SqlToken& w) {
  static constexpr std::array<std::string_view, 10> names = {
      "RANDOM", "GEN_RANDOM_UUID", "UUID_GENERATE_V1", "UUID_GENERATE_V1MC", "UUID_GENERATE_V4",
      "CLOCK_TIMESTAMP", "TIMEOFDAY", "NEXTVAL", "TXID_CURRENT", "RANDOM_NORMAL"};
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return w.is(n); });
}

void lint_postgres_section(const Section& s, bool up, std::vector<LintFinding>& out) {
  const auto line_of = [&](std::size_t offset) { return s.first_line + position_of(s.sql, offset).line - 1; };
  // One pass of the lexer splits the section and keeps every statement's words.
  const SplitResult split = split_postgres(s.sql, Tokens::keep);
  if (split.error_offset) {
    out.push_back({"parse-error", true, line_of(*split.error_offset), split.error, s.file});
    return;
  }
  std::set<std::string> created;  // tables created earlier in this section
  for (const SqlStatement& st : split.statements) {
    const Words w = Words(split.tokens).subspan(st.first_token, st.end_token - st.first_token);
    if (w.empty()) continue;
    // The line is counted only for a finding: most statements have none.
    const auto flag = [&](const char* code, bool error, std::string message) {
      out.push_back({code, error, line_of(st.offset), std::move(message), s.file});
    };
    if (is(w, 0, "CREATE") && (is(w, 1, "TABLE") || (is(w, 2, "TABLE") && (is(w, 1, "UNLOGGED") || is(w, 1, "TEMP") || is(w, 1, "TEMPORARY"))))) {
      std::size_t i = is(w, 1, "TABLE") ? 2 : 3;
      if (is(w, i, "IF")) i += 3;
      created.insert(qualified_name(w, i));
      continue;
    }
    if (is(w, 0, "CREATE") && (is(w, 1, "INDEX") || (is(w, 1, "UNIQUE") && is(w, 2, "INDEX")))) {
      std::size_t i = is(w, 1, "INDEX") ? 2 : 3;
      const bool concurrently = is(w, i, "CONCURRENTLY");
      while (i < w.size() && !is(w, i, "ON")) ++i;
      ++i;
      if (is(w, i, "ONLY")) ++i;
      const std::string table = qualified_name(w, i);
      if (!concurrently && up && created.count(table) == 0) {
        flag("index-without-concurrently", false,
             "CREATE INDEX on existing table " + table +
                 " blocks writes to it while the index builds; use CREATE INDEX CONCURRENTLY, alone in a "
                 "migration (strata runs it outside a transaction)");
      }
      continue;
    }
    if (is(w, 0, "DROP") && is(w, 1, "TABLE") && up) {
      flag("destructive", false, "DROP TABLE destroys data");
      continue;
    }
    if (!(is(w, 0, "ALTER") && is(w, 1, "TABLE"))) continue;
    std::size_t i = 2;
    if (is(w, i, "IF") && is(w, i + 1, "EXISTS")) i += 2;
    if (is(w, i, "ONLY")) ++i;
    const std::string table = qualified_name(w, i);
    const bool is_new = created.count(table) != 0;
    // The actions, separated by top-level commas.
    while (i < w.size()) {
      std::size_t end = i;
      int depth = 0;
      while (end < w.size() && !(depth == 0 && w[end].is(","))) {
        if (w[end].is("(")) ++depth;
        if (w[end].is(")")) --depth;
        ++end;
      }
      std::size_t a = i;
      if (is(w, a, "RENAME") && up && !is_new && !is(w, a + 1, "CONSTRAINT")) {
        flag("rename", false,
             std::string(is(w, a + 1, "TO") ? "renaming table " : "renaming a column of ") + table +
                 " breaks code still using the old name; add the new name, move readers and writers, drop "
                 "the old one later");
      } else if (is(w, a, "DROP") && up && !is(w, a + 1, "CONSTRAINT") && !is(w, a + 1, "DEFAULT")) {
        flag("destructive", false, "DROP COLUMN destroys data");
      } else if (is(w, a, "ADD") && up && !is_new && !is(w, a + 1, "CONSTRAINT") && !is(w, a + 1, "PRIMARY") &&
                 !is(w, a + 1, "UNIQUE") && !is(w, a + 1, "FOREIGN") && !is(w, a + 1, "CHECK")) {
        ++a;
        if (is(w, a, "COLUMN")) ++a;
        if (is(w, a, "IF")) a += 3;
        const std::string column = a < w.size() ? name_key(w[a]) : "";
        bool has_default = false, not_null = false, volatile_default = false, generated = false;
        for (std::size_t k = a + 1; k < end; ++k) {
          const SqlToken& u = w[k];
          if (u.quoted) continue;
          if (k == a + 1 && (u.is("SERIAL") || u.is("BIGSERIAL") || u.is("SMALLSERIAL"))) volatile_default = true;
          if (u.is("DEFAULT")) has_default = true;
          if (u.is("GENERATED")) generated = true;
          if (u.is("NOT") && is(w, k + 1, "NULL")) not_null = true;
          if (has_default && is_volatile_function(u)) volatile_default = true;
        }
        if (volatile_default) {
          flag("volatile-default", false,
               "ADD COLUMN " + column + " with a volatile default rewrites all of " + table +
                   " under an exclusive lock; add it without the default, then backfill in batches");
        } else if (not_null && !has_default && !generated) {
          flag("not-null-without-default", false,
               "ADD COLUMN " + column + " NOT NULL without a default fails once " + table +
                   " has rows; add it nullable, backfill, then SET NOT NULL");
        }
      }
      i = end + 1;
    }
  }
}

}  // namespace

namespace {

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

bool has_algorithm(const MyWords& w) {
  return std::any_of(w.begin(), w.end(), [](const SqlWord& x) { return !x.quoted && x.upper == "ALGORITHM"; });
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
  if (what == "CONSTRAINT" || what == "FOREIGN" || what == "CHECK") return;
  std::size_t c = a + 1;
  if (my_is(w, c, "COLUMN")) ++c;
  if (my_is(w, c, "IF")) c += 3;
  const std::string column = c >= w.size() ? "" : w[c].quoted ? w[c].upper : to_lower(w[c].upper);
  bool has_default = false, not_null = false, generated = false;
  for (std::size_t k = c + 1; k < end; ++k) {
    if (w[k].quoted) continue;
    has_default |= w[k].upper == "DEFAULT" || w[k].upper == "AUTO_INCREMENT";
    generated |= w[k].upper == "AS" || w[k].upper == "GENERATED";
    not_null |= w[k].upper == "NOT" && my_is(w, k + 1, "NULL");
  }
  if (not_null && !has_default && !generated) {
    flag("not-null-without-default", "ADD COLUMN " + column + " NOT NULL without a default gives every row " + table +
                                         " already has the type's implicit default (0, '', a zero date); state the "
                                         "default you mean, or add it nullable, backfill, then MODIFY it NOT NULL");
  }
}

void lint_mysql_section(const Section& s, bool up, std::vector<LintFinding>& out) {
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

}  // namespace

namespace {

// What the run plan refuses (run_plan.h) is lint's error too, so check, up and --dry-run agree.
void add_plan_problems(const Section& s, DriverKind dialect, bool up, std::vector<LintFinding>& out) {
  for (PlanProblem& p : plan_section(s, dialect, up).problems) {
    out.push_back({std::move(p.code), true, p.line, std::move(p.message), s.file});
  }
}

// A placeholder `migrate diff` wrote (ddl_writer.h k_backfill_marker) that nobody filled in:
// the rows that exist would get NULL where the column is about to be NOT NULL.
void add_unfilled_backfills(const Section& s, std::vector<LintFinding>& out) {
  std::size_t line = s.first_line;
  std::size_t start = 0;
  while (start < s.sql.size()) {
    std::size_t end = s.sql.find('\n', start);
    if (end == std::string::npos) end = s.sql.size();
    if (std::string_view(s.sql).substr(start, end - start).find(k_backfill_marker) != std::string_view::npos) {
      out.push_back({"unfilled-backfill", true, line,
                     "a backfill placeholder written by `migrate diff` is not filled in: give the existing rows a value, "
                     "then delete the line",
                     s.file});
    }
    start = end + 1;
    ++line;
  }
}

}  // namespace

std::vector<LintFinding> lint_migration(const Migration& m, DriverKind dialect) {
  std::vector<LintFinding> out;
  const auto lint_one = [&](const Section& s, bool up) {
    if (!s.present) return;
    const std::size_t first = out.size();
    add_plan_problems(s, dialect, up, out);
    add_unfilled_backfills(s, out);
    if (dialect == DriverKind::postgres) {
      lint_postgres_section(s, up, out);
    } else if (dialect == DriverKind::mysql) {
      lint_mysql_section(s, up, out);
    } else {
      std::vector<LintFinding> found;
      lint_section(s, found);
      for (auto& f : found) {
        // DROP in a down section is what undoing a CREATE looks like.
        if (up || f.code != "destructive") out.push_back(std::move(f));
      }
    }
    for (std::size_t i = first; i < out.size(); ++i) {
      if (out[i].file.empty()) out[i].file = s.file;
    }
  };
  lint_one(m.up, true);
  lint_one(m.down, false);
  return out;
}

}  // namespace strata::migrate
