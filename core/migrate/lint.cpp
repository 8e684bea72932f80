#include "migrate/lint.h"

#include <set>
#include <string_view>

#include "common/text.h"

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
      std::string w(sql.substr(start, i - start));
      for (char& ch : w) {
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      }
      words.push_back(Word{std::move(w), start});
    } else {
      ++i;
    }
  }
  return words;
}

// PRAGMAs that behave normally inside a transaction (reads, and user_version/application_id,
// which are transactional).
const std::set<std::string>& transaction_safe_pragmas() {
  static const std::set<std::string> safe = {
      "USER_VERSION", "APPLICATION_ID", "FOREIGN_KEY_CHECK", "INTEGRITY_CHECK", "QUICK_CHECK",
      "TABLE_INFO",   "TABLE_XINFO",    "INDEX_LIST",        "INDEX_INFO",      "INDEX_XINFO",
      "FOREIGN_KEY_LIST"};
  return safe;
}

void lint_section(const Section& s, bool transactional, std::vector<LintFinding>& out) {
  const std::vector<Word> words = words_of(s.sql);
  const auto line_of = [&](std::size_t offset) {
    return s.first_line + position_of(s.sql, offset).line - 1;
  };
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i].upper;
    std::size_t n = i + 1;
    // PRAGMA main.foreign_keys: the schema name is not the pragma's name.
    if (w == "PRAGMA" && n < words.size() && words[n].offset + words[n].upper.size() < s.sql.size() &&
        s.sql[words[n].offset + words[n].upper.size()] == '.') {
      ++n;
    }
    const std::string next = n < words.size() ? words[n].upper : "";
    // ALTER TABLE [schema.]t DROP [COLUMN] c
    const bool alter_drop = w == "DROP" && ((i >= 3 && words[i - 3].upper == "ALTER" && words[i - 2].upper == "TABLE") ||
                                            (i >= 4 && words[i - 4].upper == "ALTER" && words[i - 3].upper == "TABLE"));
    if (transactional && w == "VACUUM") {
      out.push_back({"pragma-in-transaction", true, line_of(words[i].offset),
                     "VACUUM cannot run inside a transaction; mark the section "
                     "'-- migrate:up transaction:false'"});
    } else if (transactional && w == "PRAGMA" && transaction_safe_pragmas().count(next) == 0) {
      std::string advice = "mark the section transaction:false";
      if (next == "FOREIGN_KEYS") advice = "use '-- migrate:up foreign_keys:off' instead";
      out.push_back({"pragma-in-transaction", true, line_of(words[i].offset),
                     "PRAGMA " + to_lower(next) + " has no effect inside a transaction; " + advice});
    } else if (w == "DROP" && (next == "TABLE" || next == "COLUMN" || alter_drop)) {
      out.push_back({"destructive", false, line_of(words[i].offset),
                     next == "TABLE" ? "DROP TABLE destroys data" : "DROP COLUMN destroys data"});
    }
  }
}

}  // namespace

std::vector<LintFinding> lint_migration(const Migration& m) {
  std::vector<LintFinding> out;
  if (m.up.present) lint_section(m.up, m.up.transaction, out);
  // DROP in a down section is what undoing a CREATE looks like: only the PRAGMA rule applies.
  if (m.down.present) {
    std::vector<LintFinding> down;
    lint_section(m.down, m.down.transaction, down);
    for (auto& f : down) {
      if (f.code != "destructive") out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace strata::migrate
