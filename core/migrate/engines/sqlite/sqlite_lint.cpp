// SQLite's lint rules (the row's lint_section and lint_files, engines.h): DROP TABLE and DROP
// COLUMN as destructive, renames of tables and columns running code uses, and ATTACH or VACUUM INTO of a file outside the project.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "common/text.h"
#include "common/project_root.h"
#include "migrate/engines/sqlite/sqlite_engine.h"
#include "migrate/schema/schema_changes.h"

namespace strata::migrate {
// Named, not anonymous: each engine's lint helpers keep their short names in a unity build.
namespace sqlite_lint {

struct Word {
  std::string upper;
  std::size_t offset;
  std::size_t end = 0;   // just past it (past the closing quote of a quoted name)
  bool quoted = false;   // a "name", `name` or [name]: never a keyword
};

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Where the comment starting at `i` ends (a line comment at its line break); `i` when none does.
std::size_t after_comment(std::string_view sql, std::size_t i) {
  if (sql.substr(i, 2) == "--") {
    const std::size_t eol = sql.find('\n', i);
    return eol == std::string_view::npos ? sql.size() : eol;
  }
  if (sql.substr(i, 2) == "/*") {
    const std::size_t end = sql.find("*/", i + 2);
    return end == std::string_view::npos ? sql.size() : end + 2;
  }
  return i;
}

// The keywords and identifiers of `sql`, outside comments and quoted text, upper-cased.
std::vector<Word> words_of(std::string_view sql) {
  std::vector<Word> words;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (const std::size_t after = after_comment(sql, i); after != i) {
      i = after;
    } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      const std::size_t end = sql.find(close, i + 1);
      const std::size_t start = i;
      i = end == std::string_view::npos ? sql.size() : end + 1;
      if (c != '\'' && end != std::string_view::npos) {
        words.push_back(Word{to_upper(sql.substr(start + 1, end - start - 1)), start, i, true});
      }
    } else if (is_word_char(c)) {
      const std::size_t start = i;
      while (i < sql.size() && is_word_char(sql[i])) ++i;
      words.push_back(Word{to_upper(sql.substr(start, i - start)), start, i});
    } else {
      ++i;
    }
  }
  return words;
}

bool keyword(const std::vector<Word>& words, std::size_t i, std::string_view word) {
  return i < words.size() && !words[i].quoted && words[i].upper == word;
}

// The table named at words[i] ([schema.]name, IF [NOT] EXISTS skipped), upper-cased; i moves
// past it.
std::string table_at(std::string_view sql, const std::vector<Word>& words, std::size_t& i) {
  if (keyword(words, i, "IF")) i += keyword(words, i + 1, "NOT") ? std::size_t{3} : std::size_t{2};
  std::string name;
  while (i < words.size()) {
    name = words[i].upper;
    const std::size_t end = words[i].end;
    ++i;
    if (end >= sql.size() || sql[end] != '.') break;
  }
  return name;
}

// Every table the section creates, wherever it does.
std::set<std::string> tables_created(std::string_view sql, const std::vector<Word>& words) {
  std::set<std::string> created;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (keyword(words, i, "CREATE") && (keyword(words, i + 1, "TABLE") || keyword(words, i + 2, "TABLE"))) {
      std::size_t k = i + (keyword(words, i + 1, "TABLE") ? 2 : 3);
      created.insert(table_at(sql, words, k));
    }
  }
  return created;
}

// SQLite's documented way to change a table ALTER TABLE cannot (sqlite.org/lang_altertable.html,
// "Making Other Kinds Of Table Schema Changes"): CREATE TABLE new_X, copy the rows, DROP TABLE X,
// ALTER TABLE new_X RENAME TO X; or its mirror, ALTER TABLE X RENAME TO X_old, CREATE TABLE X,
// copy the rows, DROP TABLE X_old. Their DROP destroys nothing the new table did not take: the
// tables a section's DROP TABLE leaves alone are those it created earlier and those a table it
// creates is renamed to (or from) in it.
// The section's words, read once, with what both its rules and lint_rebuilds need of them.
struct SectionWords {
  std::vector<Word> words;
  std::set<std::string> created_anywhere;
  // Each table the section creates and renames -> the name it takes (upper case, as table_at
  // gives): new_X -> X in the first rebuild, X -> X_old in its mirror.
  std::vector<std::pair<std::string, std::string>> renamed_from_created;

  explicit SectionWords(std::string_view sql) : words(words_of(sql)), created_anywhere(tables_created(sql, words)) {
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (!keyword(words, i, "ALTER") || !keyword(words, i + 1, "TABLE")) continue;
      std::size_t k = i + 2;
      const std::string from = table_at(sql, words, k);
      if (!keyword(words, k, "RENAME") || !keyword(words, k + 1, "TO") || created_anywhere.count(from) == 0) continue;
      k += 2;
      renamed_from_created.emplace_back(from, table_at(sql, words, k));
    }
  }
  // The tables whose DROP destroys nothing the new table did not take.
  std::set<std::string> rebuilt() const {
    std::set<std::string> out;
    for (const auto& [from, to] : renamed_from_created) out.insert(to);
    return out;
  }
};

// ALTER TABLE t RENAME [TO x | [COLUMN] a TO b] at words[i] (ALTER): the finding, if running code
// still using the old name breaks. Not for a table the section made before it (nobody uses it
// yet), nor for one it makes again under the old name.
std::optional<std::string> rename_finding(std::string_view sql, const std::vector<Word>& words, std::size_t i,
                                          const std::set<std::string>& created_before,
                                          const std::set<std::string>& created_anywhere) {
  if (!keyword(words, i, "ALTER") || !keyword(words, i + 1, "TABLE")) return std::nullopt;
  std::size_t k = i + 2;
  const std::string table = table_at(sql, words, k);
  if (!keyword(words, k, "RENAME") || created_before.count(table) != 0) return std::nullopt;
  if (keyword(words, k + 1, "TO")) {
    if (created_anywhere.count(table) != 0) return std::nullopt;
    return "renaming table " + to_lower(table) +
           " breaks code still using the old name; add a view under the old name, or move readers and writers first";
  }
  return "renaming a column of " + to_lower(table) +
         " breaks code still using the old name; add the new column, move readers and writers, drop the old one later";
}

void lint_section(const Section& s, const SectionWords& read, std::vector<LintFinding>& out) {
  const std::vector<Word>& words = read.words;
  const std::set<std::string>& created_anywhere = read.created_anywhere;
  const std::set<std::string> rebuilt = read.rebuilt();
  std::set<std::string> created;  // tables created earlier in the section
  const auto line_of = [&](std::size_t offset) {
    return s.first_line + position_of(s.sql, offset).line - 1;
  };
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i].quoted) continue;
    const std::string& w = words[i].upper;
    const std::size_t n = i + 1;
    const std::string next = n < words.size() && !words[n].quoted ? words[n].upper : "";
    if (w == "CREATE" && (next == "TABLE" || keyword(words, i + 2, "TABLE"))) {
      std::size_t k = i + (next == "TABLE" ? 2 : 3);
      created.insert(table_at(s.sql, words, k));
    }
    if (const auto renamed = rename_finding(s.sql, words, i, created, created_anywhere)) {
      out.push_back({"rename", false, line_of(words[i].offset), *renamed, s.file});
      continue;
    }
    if (w == "DROP" && next == "TABLE") {
      std::size_t k = i + 2;
      const std::string table = table_at(s.sql, words, k);
      if (created.count(table) != 0 || rebuilt.count(table) != 0) continue;
    }
    // ALTER TABLE [schema.]t DROP [COLUMN] c
    const bool alter_drop = w == "DROP" && ((i >= 3 && keyword(words, i - 3, "ALTER") && keyword(words, i - 2, "TABLE")) ||
                                            (i >= 4 && keyword(words, i - 4, "ALTER") && keyword(words, i - 3, "TABLE")));
    if (alter_drop || (w == "DROP" && next == "COLUMN")) {
      // ALTER TABLE t DROP ... of a table created earlier in the section: nothing written yet.
      std::size_t k = keyword(words, i - 2, "TABLE") ? i - 1 : i - 2;
      if (alter_drop && created.count(table_at(s.sql, words, k)) != 0) continue;
    }
    if (w == "DROP" && (next == "TABLE" || next == "COLUMN" || alter_drop)) {
      out.push_back({"destructive", false, line_of(words[i].offset),
                     next == "TABLE" ? "DROP TABLE destroys data" : "DROP COLUMN destroys data", s.file});
    }
  }
}


// ---- What earlier migrations made: a rebuild that makes a column NOT NULL ------------------

// A table's columns as the migrations so far left them, in LintMemory's terms ("table.column",
// lower case: SQLite's names ignore case): column_types holds every column, not_null_columns
// those that refuse NULL.
class TableMemory {
 public:
  explicit TableMemory(LintMemory& m) : m_(m) {}

  bool knows(const std::string& table) const {
    const auto it = m_.column_types.lower_bound(table + ".");
    return it != m_.column_types.end() && it->first.starts_with(table + ".");
  }
  bool nullable(const std::string& table, const std::string& column) const {
    const std::string key = table + "." + column;
    return m_.column_types.count(key) != 0 && m_.not_null_columns.count(key) == 0;
  }
  void add(const std::string& table, const std::string& column, bool not_null) {
    const std::string key = table + "." + column;
    m_.column_types[key] = "";
    if (not_null) m_.not_null_columns.insert(key); else m_.not_null_columns.erase(key);
  }
  void drop(const std::string& table, const std::string& column) {
    m_.column_types.erase(table + "." + column);
    m_.not_null_columns.erase(table + "." + column);
  }
  void drop_table(const std::string& table) { m_.forget_table(table); }
  void rename_table(const std::string& from, const std::string& to) {
    drop_table(to);
    for (const std::string& c : columns(from)) {
      add(to, c, m_.not_null_columns.count(from + "." + c) != 0);
      drop(from, c);
    }
  }
  void rename_column(const std::string& table, const std::string& from, const std::string& to) {
    if (m_.column_types.count(table + "." + from) == 0) return;
    add(table, to, m_.not_null_columns.count(table + "." + from) != 0);
    drop(table, from);
  }

 private:
  std::vector<std::string> columns(const std::string& table) const {
    std::vector<std::string> out;
    for (auto it = m_.column_types.lower_bound(table + "."); it != m_.column_types.end() && it->first.starts_with(table + ".");
         ++it) {
      out.push_back(it->first.substr(table.size() + 1));
    }
    return out;
  }
  LintMemory& m_;
};

// A column definition refuses NULL: NOT NULL, or a PRIMARY KEY (SQLite lets NULL into a primary
// key that is not an INTEGER one, a bug it keeps; a migration that wrote one means it refused).
bool refuses_null(const TablePart& p) {
  const std::string u = to_upper(p.definition());
  return u.find("NOT NULL") != std::string::npos || u.find("PRIMARY KEY") != std::string::npos;
}

std::string lower_name(const TablePart& p) { return to_lower(p.name); }

// Whether the section fills a column's NULLs itself: it copies COALESCE(c, ...) or IFNULL(c, ...),
// or updates (or deletes) the rows WHERE c IS NULL, before the copy would meet one.
bool fills_nulls(const std::string& lowered_section, const std::string& column) {
  for (const std::string& quoted : {column, "\"" + column + "\"", "`" + column + "`", "[" + column + "]"}) {
    for (const std::string& pattern : {"coalesce(" + quoted, "ifnull(" + quoted, quoted + " is null"}) {
      if (lowered_section.find(pattern) != std::string::npos) return true;
    }
  }
  return false;
}

// SQLite's table rebuild (CREATE TABLE new_X, copy, DROP TABLE X, RENAME new_X TO X) is how
// Prisma, Drizzle and Django make a column NOT NULL: the copy then fails on a row of X whose
// column is NULL, and the migration with it (Atlas MF104). Reported at the CREATE of new_X, for
// each column X had (as the earlier migrations made it) nullable and new_X makes NOT NULL; and
// the memory of every table follows the section's CREATE, ALTER and DROP. Not for a column the
// section fills itself (fills_nulls).
void lint_rebuilds(const Section& s, const SectionWords& read, LintMemory& memory, std::vector<LintFinding>& out) {
  const StatementScan scan = scan_sqlite_statements(s.sql, s.first_line);
  if (scan.error_offset) return;
  TableMemory tables(memory);
  const std::string lowered = to_lower(s.sql);
  // new_X -> X, for the section's rebuilds, in the memory's lower case.
  std::map<std::string, std::string> rebuilds;
  for (const auto& [from, to] : read.renamed_from_created) rebuilds[to_lower(from)] = to_lower(to);
  for (std::size_t n = 0; n < scan.statements.size(); ++n) {
    const std::size_t at = scan.statements[n].offset;
    const std::size_t end = n + 1 < scan.statements.size() ? scan.statements[n + 1].offset : s.sql.size();
    const std::string text = s.sql.substr(at, end - at);
    const std::vector<Word> w = words_of(text);
    std::size_t i = 0;
    if (keyword(w, 0, "CREATE") && (keyword(w, 1, "TABLE") || keyword(w, 2, "TABLE"))) {
      i = keyword(w, 1, "TABLE") ? 2 : 3;
      const std::string table = to_lower(table_at(text, w, i));
      const std::optional<TableShape> shape = table_shape(text, k_sqlite_dialect);
      if (!shape) continue;
      const auto rebuild = rebuilds.find(table);
      if (rebuild != rebuilds.end() && tables.knows(rebuild->second)) {
        for (const TablePart* p : shape->columns()) {
          if (!refuses_null(*p) || !tables.nullable(rebuild->second, lower_name(*p))) continue;
          if (fills_nulls(lowered, lower_name(*p))) continue;
          out.push_back({"set-not-null", false, s.first_line + position_of(s.sql, at).line - 1,
                         "the rebuild of " + rebuild->second + " makes column " + p->name +
                             " NOT NULL: copying its rows into " + table + " fails on a row whose " + p->name +
                             " is NULL, and the migration with it; fill them first (UPDATE " + rebuild->second +
                             " SET " + p->name + " = ... WHERE " + p->name + " IS NULL)",
                         s.file});
        }
      }
      tables.drop_table(table);
      for (const TablePart* p : shape->columns()) tables.add(table, lower_name(*p), refuses_null(*p));
    } else if (keyword(w, 0, "DROP") && keyword(w, 1, "TABLE")) {
      i = 2;
      tables.drop_table(to_lower(table_at(text, w, i)));
    } else if (keyword(w, 0, "ALTER") && keyword(w, 1, "TABLE")) {
      i = 2;
      const std::string table = to_lower(table_at(text, w, i));
      if (keyword(w, i, "RENAME") && keyword(w, i + 1, "TO")) {
        i += 2;
        tables.rename_table(table, to_lower(table_at(text, w, i)));
      } else if (keyword(w, i, "RENAME")) {
        i += keyword(w, i + 1, "COLUMN") ? std::size_t{2} : std::size_t{1};
        if (i + 2 < w.size() && keyword(w, i + 1, "TO")) {
          tables.rename_column(table, to_lower(w[i].upper), to_lower(w[i + 2].upper));
        }
      } else if (keyword(w, i, "ADD")) {
        i += keyword(w, i + 1, "COLUMN") ? std::size_t{2} : std::size_t{1};
        if (i < w.size()) {
          const std::string rest = to_upper(text.substr(w[i].offset));
          tables.add(table, to_lower(w[i].upper),
                     rest.find("NOT NULL") != std::string::npos || rest.find("PRIMARY KEY") != std::string::npos);
        }
      } else if (keyword(w, i, "DROP")) {
        i += keyword(w, i + 1, "COLUMN") ? std::size_t{2} : std::size_t{1};
        if (i < w.size()) tables.drop(table, to_lower(w[i].upper));
      }
    }
  }
}


// ---- ATTACH and VACUUM INTO (SQLite) -------------------------------------------------------

struct AttachToken {
  enum class Kind { word, string, other, end_of_statement } kind;
  std::string text;  // a word upper-cased; a string literal's value
  std::size_t offset;
};

// The tokens of `sql` that matter here: words, string literals (value unescaped), ';' and other
// single characters; comments and quoted identifiers skipped (an identifier is a word here).
std::vector<AttachToken> attach_tokens(std::string_view sql) {
  std::vector<AttachToken> out;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (const std::size_t after = after_comment(sql, i); after != i) {
      i = after;
    } else if (c == '\'') {
      std::string value;
      std::size_t j = i + 1;
      for (; j < sql.size(); ++j) {
        if (sql[j] != '\'') {
          value += sql[j];
        } else if (j + 1 < sql.size() && sql[j + 1] == '\'') {
          value += '\'';
          ++j;
        } else {
          break;
        }
      }
      out.push_back({AttachToken::Kind::string, std::move(value), i});
      i = j + 1;
    } else if (c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      const std::size_t end = sql.find(close, i + 1);
      out.push_back({AttachToken::Kind::word, "\"", i});
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (is_word_char(c)) {
      const std::size_t start = i;
      while (i < sql.size() && is_word_char(sql[i])) ++i;
      out.push_back({AttachToken::Kind::word, to_upper(sql.substr(start, i - start)), start});
    } else if (c == ';') {
      out.push_back({AttachToken::Kind::end_of_statement, ";", i++});
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else {
      out.push_back({AttachToken::Kind::other, std::string(1, c), i++});
    }
  }
  return out;
}

// The file a name given to ATTACH opens; "" for a private temporary database.
std::string attached_file(std::string name) {
  if (name.empty() || name == ":memory:") return "";
  if (name.size() >= 5 && to_lower(name.substr(0, 5)) == "file:") {
    std::string rest = name.substr(5);
    const std::size_t query = rest.find_first_of("?#");
    const std::string params = query == std::string::npos ? "" : to_lower(rest.substr(query));
    if (params.find("mode=memory") != std::string::npos) return "";
    rest = rest.substr(0, query);
    if (rest.starts_with("//")) {  // file://host/path: the host is empty or localhost
      const std::size_t slash = rest.find('/', 2);
      rest = slash == std::string::npos ? "" : rest.substr(slash);
    }
    const std::string decoded = percent_decode(rest);
    return decoded == ":memory:" ? "" : decoded;
  }
  return name;
}

bool outside_project(const std::string& file, const std::filesystem::path& root) {
  const std::filesystem::path path(file);
  if (root.empty()) {
    if (path.is_absolute()) return true;
    const std::filesystem::path normal = path.lexically_normal();
    return !normal.empty() && *normal.begin() == "..";
  }
  return !really_inside(path.is_absolute() ? path : root / path, root);
}

}  // namespace sqlite_lint

void lint_sqlite_section(const Section& s, const LintContext& c, std::vector<LintFinding>& out) {
  const bool up = c.up;
  std::vector<LintFinding> found;
  const sqlite_lint::SectionWords read(s.sql);
  sqlite_lint::lint_section(s, read, found);
  // The memory of earlier migrations is the up sections' (check lints a set in order); a section
  // linted alone starts from nothing.
  if (up) {
    LintMemory own;
    sqlite_lint::lint_rebuilds(s, read, c.memory != nullptr ? *c.memory : own, found);
    std::stable_sort(found.begin(), found.end(), [](const LintFinding& a, const LintFinding& b) { return a.line < b.line; });
  }
  for (auto& f : found) {
    // DROP in a down section is what undoing a CREATE looks like, and a rename there undoes the
    // up's.
    if (up || (f.code != "destructive" && f.code != "rename")) out.push_back(std::move(f));
  }
}

std::vector<LintFinding> lint_sqlite_files(const Migration& m, const std::filesystem::path& project_root) {
  using namespace sqlite_lint;
  std::vector<LintFinding> out;
  for (const Section* s : {&m.up, &m.down}) {
    if (!s->present) continue;
    const std::vector<AttachToken> t = attach_tokens(s->sql);
    bool statement_start = true;
    for (std::size_t i = 0; i < t.size(); ++i) {
      const bool start = statement_start;
      statement_start = t[i].kind == AttachToken::Kind::end_of_statement;
      if (!start || t[i].kind != AttachToken::Kind::word) continue;
      std::size_t j = i + 1;
      std::string what;
      if (t[i].text == "ATTACH") {
        if (j < t.size() && t[j].text == "DATABASE") ++j;
        what = "ATTACH of ";
      } else if (t[i].text == "VACUUM") {
        if (j < t.size() && t[j].kind == AttachToken::Kind::word && t[j].text != "INTO") ++j;
        if (j >= t.size() || t[j].text != "INTO") continue;
        ++j;
        what = "VACUUM INTO ";
      } else {
        continue;
      }
      // The file name: one string literal, up to AS (ATTACH) or the end of the statement.
      std::size_t end = j;
      while (end < t.size() && t[end].kind != AttachToken::Kind::end_of_statement &&
             !(t[end].kind == AttachToken::Kind::word && t[end].text == "AS")) {
        ++end;
      }
      const std::size_t line = s->first_line + position_of(s->sql, t[i].offset).line - 1;
      if (end != j + 1 || t[j].kind != AttachToken::Kind::string) {
        out.push_back({"attach-outside-project", true, line,
                       what + "a file name computed at run time: strata cannot tell that it is in the project "
                              "(check's replays refuse it)",
                       s->file});
        continue;
      }
      const std::string file = attached_file(t[j].text);
      if (file.empty() || !outside_project(file, project_root)) continue;
      out.push_back({"attach-outside-project", true, line,
                     what + "'" + t[j].text + "', outside the project: `up` would change that file "
                            "(check's replays refuse it)",
                     s->file});
    }
  }
  return out;
}

}  // namespace strata::migrate
