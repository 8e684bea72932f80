#include "migrate/engines/mysql/mysql_splitter.h"

#include <initializer_list>

#include "common/text.h"

namespace strata::migrate {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool starts_with_ci(std::string_view s, std::size_t at, std::string_view word) {
  if (s.size() - at < word.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k) {
    char c = s[at + k];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != word[k]) return false;
  }
  return true;
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         (static_cast<unsigned char>(c) >= 0x80);
}

std::size_t end_of_line(std::string_view s, std::size_t at) {
  const std::size_t eol = s.find('\n', at);
  return eol == std::string_view::npos ? s.size() : eol;
}

// The splitter's state: where the current statement began (npos: none yet), the delimiter in
// force and the line that set it.
class Splitter {
 public:
  Splitter(std::string_view sql, std::size_t first_line) : sql_(sql), first_line_(first_line) {}

  MysqlSplit run() {
    while (i_ < sql_.size() && !out_.error_offset) step();
    if (out_.error_offset) return out_;
    if (start_ != std::string_view::npos) {
      if (delimiter_ != ";") {
        fail(start_, "the statement is never ended by the delimiter " + delimiter_ + " set by DELIMITER on line " +
                         std::to_string(delimiter_line_));
      } else {
        finish(sql_.size());  // the client sends a last statement without its ';'
      }
    }
    return out_;
  }

 private:
  void step() {
    const char c = sql_[i_];
    if (start_ == std::string_view::npos && at_line_start() && starts_with_ci(sql_, first_non_blank(), "DELIMITER")) {
      if (delimiter_command()) return;
    }
    if (is_space(c)) {
      ++i_;
    } else if (c == '#' || (c == '-' && next(1) == '-' && (i_ + 2 >= sql_.size() || is_space(sql_[i_ + 2])))) {
      i_ = end_of_line(sql_, i_);
    } else if (c == '/' && next(1) == '*' && next(2) != '!') {
      comment();
    } else if (sql_.compare(i_, delimiter_.size(), delimiter_) == 0) {
      if (program_.depth > 0 && delimiter_ == ";") {
        // A ';' inside a stored program's BEGIN ... END: the server's, not the end.
        ++i_;
        program_.statement_start = true;
        return;
      }
      if (start_ != std::string_view::npos) finish(i_);
      i_ += delimiter_.size();
    } else {
      if (start_ == std::string_view::npos) start_ = i_;
      token();
    }
  }

  char next(std::size_t k) const { return i_ + k < sql_.size() ? sql_[i_ + k] : '\0'; }

  bool at_line_start() const {
    std::size_t k = i_;
    while (k > 0 && (sql_[k - 1] == ' ' || sql_[k - 1] == '\t')) --k;
    return k == 0 || sql_[k - 1] == '\n';
  }

  std::size_t first_non_blank() const {
    std::size_t k = i_;
    while (k < sql_.size() && (sql_[k] == ' ' || sql_[k] == '\t')) ++k;
    return k;
  }

  // "DELIMITER $$": the first word after it, up to a blank, is the new delimiter. Returns false
  // when the line is not the command (DELIMITERS, a column named delimiter_x).
  bool delimiter_command() {
    const std::size_t word = first_non_blank();
    const std::size_t after = word + 9;
    if (after < sql_.size() && !is_space(sql_[after])) return false;
    const std::size_t eol = end_of_line(sql_, word);
    std::size_t k = after;
    while (k < eol && is_space(sql_[k])) ++k;
    std::size_t e = k;
    while (e < eol && !is_space(sql_[e])) ++e;
    if (e == k) {
      fail(word, "DELIMITER names no delimiter");
      return true;
    }
    delimiter_ = std::string(sql_.substr(k, e - k));
    delimiter_line_ = first_line_ - 1 + line_of(word);
    i_ = eol;
    return true;
  }

  void comment() {
    const std::size_t close = sql_.find("*/", i_ + 2);
    if (close == std::string_view::npos) return fail(i_, "a /* comment is never closed");
    i_ = close + 2;
  }

  // One token of a statement: a quoted string or identifier, a conditional comment, or a run of
  // other characters up to something that needs a look of its own.
  void token() {
    const char c = sql_[i_];
    if (c == '\'' || c == '"' || c == '`') return quoted(c);
    // Words are read only where ';' ends statements: under DELIMITER the client's delimiter
    // decides alone (and may be made of word characters: END$$).
    if (delimiter_ == ";" && is_word_char(c)) {
      const std::size_t begin = i_;
      while (i_ < sql_.size() && is_word_char(sql_[i_])) ++i_;
      return word(sql_.substr(begin, i_ - begin));
    }
    if (c == '(' && program_.words < k_header_words) program_.header_open = true;
    // A label ("outer: LOOP"): what follows starts a statement (":=" assigns).
    if (c == ':' && next(1) != '=') program_.statement_start = true;
    if (c == '/' && next(1) == '*' && next(2) == '!') {
      const std::size_t close = sql_.find("*/", i_ + 3);
      if (close == std::string_view::npos) return fail(i_, "a /*! comment is never closed");
      i_ = close + 2;
      return;
    }
    ++i_;
  }

  // Backslash escapes in strings (not in `identifiers`); a doubled quote is one quote.
  void quoted(char quote) {
    const std::size_t open = i_;
    ++i_;
    while (i_ < sql_.size()) {
      const char c = sql_[i_];
      if (c == '\\' && quote != '`') {
        i_ += 2;
      } else if (c == quote) {
        if (next(1) == quote) {
          i_ += 2;
        } else {
          ++i_;
          return;
        }
      } else {
        ++i_;
      }
    }
    const char* what = quote == '`' ? "a `quoted identifier` is never closed" : quote == '"' ? "a \"string\" is never closed"
                                                                                            : "a 'string' is never closed";
    fail(open, what);
  }

  // Stored programs written without DELIMITER, as dbmate and golang-migrate send them (the whole
  // file as one query, the server parsing it): CREATE PROCEDURE, FUNCTION, TRIGGER or EVENT (and
  // MariaDB's BEGIN NOT ATOMIC) read as the server reads them, their ';'s inside BEGIN ... END,
  // IF ... END IF, CASE ... END CASE, LOOP, WHILE and REPEAT blocks. IF, LOOP, WHILE and REPEAT
  // open a block only where a statement starts (IF( is a function, IF EXISTS a clause); CASE
  // opens one anywhere (its expression form also ends with END).
  static constexpr std::size_t k_header_words = 12;
  struct Program {
    std::size_t words = 0;        // words of the statement read so far
    bool create = false;          // its first word is CREATE
    bool stored = false;          // it is a stored program
    bool header_open = false;     // a '(' came before the kind was named
    int depth = 0;                // open blocks
    bool statement_start = false; // the next word starts a statement of the body
    bool after_end = false;       // the last word was END
  };

  static bool one_of(std::string_view w, std::initializer_list<std::string_view> words) {
    for (std::string_view x : words) {
      if (w.size() == x.size() && starts_with_ci(w, 0, x)) return true;
    }
    return false;
  }

  void word(std::string_view w) {
    Program& p = program_;
    const bool first = p.words == 0;
    const bool at_start = p.statement_start;
    p.statement_start = false;
    ++p.words;
    if (first) {
      p.create = one_of(w, {"CREATE"});
      // MariaDB's anonymous block: BEGIN NOT ATOMIC ... END.
      if (one_of(w, {"BEGIN"}) && starts_with_ci(sql_, first_word_after(i_), "NOT")) {
        p.stored = true;
        p.depth = 1;
        p.statement_start = true;
      }
      return;
    }
    if (!p.stored) {
      if (p.create && !p.header_open && p.words <= k_header_words && one_of(w, {"PROCEDURE", "FUNCTION", "TRIGGER", "EVENT"})) {
        p.stored = true;
      }
      return;
    }
    if (p.after_end) {
      p.after_end = false;
      if (one_of(w, {"IF", "CASE", "LOOP", "WHILE", "REPEAT"})) return;  // END IF, END LOOP, ...
    }
    if (one_of(w, {"END"})) {
      if (p.depth > 0) --p.depth;
      p.after_end = true;
      return;
    }
    if (one_of(w, {"BEGIN", "CASE"}) || (at_start && one_of(w, {"IF", "LOOP", "WHILE", "REPEAT"}))) ++p.depth;
    // After these a statement of the body starts (FOR EACH ROW: a trigger's one statement).
    p.statement_start = one_of(w, {"BEGIN", "THEN", "ELSE", "DO", "LOOP", "REPEAT", "ROW"});
  }

  // Where the first word after `at` starts (blanks skipped).
  std::size_t first_word_after(std::size_t at) const {
    while (at < sql_.size() && is_space(sql_[at])) ++at;
    return at;
  }

  void finish(std::size_t end) {
    std::size_t e = end;
    while (e > start_ && is_space(sql_[e - 1])) --e;
    out_.statements.push_back({start_, e - start_});
    start_ = std::string_view::npos;
    program_ = Program{};
  }

  void fail(std::size_t at, std::string why) {
    out_.error_offset = at;
    out_.error = std::move(why);
    i_ = sql_.size();
  }

  std::size_t line_of(std::size_t at) const {
    std::size_t line = 1;
    for (std::size_t k = 0; k < at; ++k) line += sql_[k] == '\n' ? std::size_t{1} : std::size_t{0};
    return line;
  }

  std::string_view sql_;
  std::size_t i_ = 0;
  std::size_t start_ = std::string_view::npos;
  std::string delimiter_ = ";";
  std::size_t delimiter_line_ = 0;
  std::size_t first_line_ = 1;
  Program program_;
  MysqlSplit out_;
};

}  // namespace

MysqlSplit split_mysql(std::string_view sql, std::size_t first_line) { return Splitter(sql, first_line).run(); }

namespace {

bool is_mysql_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         (static_cast<unsigned char>(c) >= 0x80);
}

// Past the quoted run opening at `i` (backslash escapes outside `identifiers`, doubled quotes).
std::size_t skip_quoted(std::string_view s, std::size_t i) {
  const char quote = s[i];
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\' && quote != '`') {
      ++i;
    } else if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return s.size();
}

}  // namespace

std::vector<SqlWord> mysql_words(std::string_view sql, std::size_t max_words) {
  std::vector<SqlWord> words;
  std::size_t i = 0;
  while (i < sql.size() && words.size() < max_words) {
    const char c = sql[i];
    const char n = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (c == '#' || (c == '-' && n == '-' && (i + 2 >= sql.size() || is_space(sql[i + 2])))) {
      i = end_of_line(sql, i);
    } else if (c == '/' && n == '*' && i + 2 < sql.size() && sql[i + 2] == '!') {
      i += 3;  // the server runs what a conditional comment holds: read it, skipping its version
      while (i < sql.size() && sql[i] >= '0' && sql[i] <= '9') ++i;
    } else if (c == '/' && n == '*') {
      const std::size_t close = sql.find("*/", i + 2);
      i = close == std::string_view::npos ? sql.size() : close + 2;
    } else if (c == '*' && n == '/') {
      i += 2;  // the end of a conditional comment
    } else if (c == '\'' || c == '"') {
      i = skip_quoted(sql, i);
    } else if (c == '`') {
      const std::size_t end = skip_quoted(sql, i);
      const std::size_t inner_end = end > i + 1 && sql[end - 1] == '`' ? end - 1 : end;
      words.push_back(SqlWord{std::string(sql.substr(i + 1, inner_end - i - 1)), i, true});
      i = end;
    } else if (is_mysql_word_char(c)) {
      const std::size_t start = i;
      while (i < sql.size() && is_mysql_word_char(sql[i])) ++i;
      words.push_back(SqlWord{to_upper(sql.substr(start, i - start)), start, false});
    } else {
      if (c == '(' || c == ')' || c == ',' || c == '.') words.push_back(SqlWord{std::string(1, c), i, false});
      ++i;
    }
  }
  return words;
}

namespace {

std::size_t after_blanks(std::string_view s, std::size_t i) {
  while (i < s.size() && is_space(s[i])) ++i;
  return i;
}

// Past a user name's part (a name or a host) starting at `i`: quoted, or a bare name (host names
// hold dots).
std::size_t after_account_part(std::string_view s, std::size_t i) {
  if (i >= s.size()) return i;
  if (s[i] == '`' || s[i] == '\'' || s[i] == '"') return skip_quoted(s, i);
  while (i < s.size() && (is_mysql_word_char(s[i]) || s[i] == '.')) ++i;
  return i;
}

// Past the account of a DEFINER clause starting at `i`: CURRENT_USER[()], user[@host] or a role.
std::size_t after_account(std::string_view s, std::size_t i) {
  if (starts_with_ci(s, i, "CURRENT_USER") && (i + 12 >= s.size() || !is_mysql_word_char(s[i + 12]))) {
    i += 12;
    const std::size_t k = after_blanks(s, i);
    if (k < s.size() && s[k] == '(') {
      const std::size_t close = after_blanks(s, k + 1);
      if (close < s.size() && s[close] == ')') return close + 1;
    }
    return i;
  }
  i = after_account_part(s, i);
  const std::size_t at = after_blanks(s, i);
  if (at < s.size() && s[at] == '@') i = after_account_part(s, after_blanks(s, at + 1));
  return i;
}

}  // namespace

std::string without_definer_clauses(std::string_view statement) {
  std::string out(statement);
  const std::vector<SqlWord> words = mysql_words(statement);
  if (words.empty() || words[0].quoted || (words[0].upper != "CREATE" && words[0].upper != "ALTER")) return out;
  for (const SqlWord& w : words) {
    if (w.quoted || w.upper != "DEFINER") continue;
    const std::size_t eq = after_blanks(statement, w.offset + 7);
    if (eq >= statement.size() || statement[eq] != '=') continue;  // SQL SECURITY DEFINER
    const std::size_t end = after_account(statement, after_blanks(statement, eq + 1));
    for (std::size_t k = w.offset; k < end; ++k) {
      if (out[k] != '\n') out[k] = ' ';
    }
  }
  return out;
}

}  // namespace strata::migrate
