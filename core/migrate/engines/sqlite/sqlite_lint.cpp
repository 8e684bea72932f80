// SQLite's lint rules (the row's lint_section and lint_files, engines.h): DROP TABLE and DROP
// COLUMN as destructive, renames of tables and columns running code uses, and ATTACH or VACUUM INTO of a file outside the project.
#include <optional>
#include <set>
#include <string_view>

#include "common/text.h"
#include "common/project_root.h"
#include "migrate/engines/sqlite/sqlite_engine.h"

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
std::set<std::string> rebuilt_tables(std::string_view sql, const std::vector<Word>& words,
                                     const std::set<std::string>& created) {
  std::set<std::string> rebuilt;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (keyword(words, i, "ALTER") && keyword(words, i + 1, "TABLE")) {
      std::size_t k = i + 2;
      const std::string from = table_at(sql, words, k);
      if (keyword(words, k, "RENAME") && keyword(words, k + 1, "TO") && created.count(from) != 0) {
        k += 2;
        rebuilt.insert(table_at(sql, words, k));
      }
    }
  }
  return rebuilt;
}

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

void lint_section(const Section& s, std::vector<LintFinding>& out) {
  const std::vector<Word> words = words_of(s.sql);
  const std::set<std::string> created_anywhere = tables_created(s.sql, words);
  const std::set<std::string> rebuilt = rebuilt_tables(s.sql, words, created_anywhere);
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
  sqlite_lint::lint_section(s, found);
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
