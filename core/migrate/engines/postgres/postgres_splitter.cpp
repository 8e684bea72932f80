#include "migrate/engines/postgres/postgres_splitter.h"

#include <algorithm>
#include <optional>

#include "migrate/engines/statement_scan.h"

namespace strata::migrate {
namespace {

bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_ident_char(unsigned char c) { return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$'; }
bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string upper(std::string_view w) {
  std::string out(w);
  for (char& ch : out) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return out;
}

// `w` equals `keyword` (upper case) once its ASCII letters are upper-cased, as upper(w) would.
bool equals_upper(std::string_view w, std::string_view keyword) {
  if (w.size() != keyword.size()) return false;
  for (std::size_t i = 0; i < w.size(); ++i) {
    char c = w[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != keyword[i]) return false;
  }
  return true;
}

std::string unquote(std::string_view inside) {
  std::string name;
  name.reserve(inside.size());
  for (std::size_t k = 0; k < inside.size(); ++k) {
    name.push_back(inside[k]);
    if (inside[k] == '"') ++k;
  }
  return name;
}

// One lexer for both the splitter and the word list, so the two never disagree about what is
// quoted. Calls on_word for words and on_punct for punctuation; returns false (with the opening
// offset and a message) on an unterminated token.
class Lexer {
 public:
  explicit Lexer(std::string_view sql) : sql_(sql) {}

  struct Token {
    enum Kind { word, quoted_word, punct, space, literal, end, bad } kind = end;
    std::size_t start = 0;
    std::size_t end_pos = 0;
  };

  Token next() {
    Token t;
    t.start = i_;
    if (i_ >= sql_.size()) return t;
    const auto c = static_cast<unsigned char>(sql_[i_]);
    const auto at = [&](std::size_t k) -> unsigned char {
      return k < sql_.size() ? static_cast<unsigned char>(sql_[k]) : 0;
    };
    if (is_space(c)) {
      ++i_;
      while (i_ < sql_.size() && is_space(static_cast<unsigned char>(sql_[i_]))) ++i_;  // a run is one token
      t.kind = Token::space;
    } else if (c == '-' && at(i_ + 1) == '-') {
      const std::size_t eol = sql_.find('\n', i_);
      i_ = eol == std::string_view::npos ? sql_.size() : eol + 1;
      t.kind = Token::space;
    } else if (c == '/' && at(i_ + 1) == '*') {
      int depth = 0;
      std::size_t k = i_;
      while (k < sql_.size()) {
        if (sql_[k] == '/' && at(k + 1) == '*') {
          ++depth;
          k += 2;
        } else if (sql_[k] == '*' && at(k + 1) == '/') {
          k += 2;
          if (--depth == 0) break;
        } else {
          ++k;
        }
      }
      if (depth != 0) return bad(t, "unterminated /* comment");
      i_ = k;
      t.kind = Token::space;
    } else if (c == '\'' || ((c == 'E' || c == 'e') && at(i_ + 1) == '\'')) {
      const bool escapes = c != '\'';
      std::size_t k = i_ + (escapes ? 2 : 1);
      bool closed = false;
      while (k < sql_.size()) {
        if (escapes && sql_[k] == '\\') {
          k += 2;
        } else if (sql_[k] == '\'') {
          if (at(k + 1) == '\'') {
            k += 2;
          } else {
            ++k;
            closed = true;
            break;
          }
        } else {
          ++k;
        }
      }
      if (!closed) return bad(t, "unterminated string literal");
      i_ = k;
      t.kind = Token::literal;
    } else if (c == '"') {
      std::size_t k = i_ + 1;
      bool closed = false;
      while (k < sql_.size()) {
        if (sql_[k] == '"') {
          if (at(k + 1) == '"') {
            k += 2;
            continue;
          }
          ++k;
          closed = true;
          break;
        }
        ++k;
      }
      if (!closed) return bad(t, "unterminated quoted identifier");
      i_ = k;
      t.kind = Token::quoted_word;
    } else if (c == '$' && (at(i_ + 1) == '$' || is_ident_start(at(i_ + 1)))) {
      // $tag$: the tag is an identifier without '$'. $1 (a parameter) is not a dollar quote.
      std::size_t k = i_ + 1;
      while (k < sql_.size() && is_ident_char(at(k)) && sql_[k] != '$') ++k;
      if (at(k) != '$') {
        ++i_;
        t.kind = Token::punct;
      } else {
        const std::string_view tag = sql_.substr(i_, k - i_ + 1);
        const std::size_t close = sql_.find(tag, k + 1);
        if (close == std::string_view::npos) {
          return bad(t, "unterminated dollar-quoted string " + std::string(tag));
        }
        i_ = close + tag.size();
        t.kind = Token::literal;
      }
    } else if (is_ident_start(c)) {
      std::size_t k = i_;
      while (k < sql_.size() && is_ident_char(at(k))) ++k;
      i_ = k;
      t.kind = Token::word;
    } else if (c >= '0' && c <= '9') {
      std::size_t k = i_;
      while (k < sql_.size() && (is_ident_char(at(k)) || sql_[k] == '.')) ++k;
      i_ = k;
      t.kind = Token::literal;
    } else {
      ++i_;
      t.kind = Token::punct;
    }
    t.end_pos = i_;
    return t;
  }

  const std::string& error() const { return error_; }

 private:
  Token bad(Token t, std::string message) {
    error_ = std::move(message);
    t.kind = Token::bad;
    i_ = sql_.size();
    return t;
  }

  std::string_view sql_;
  std::size_t i_ = 0;
  std::string error_;
};

// The token lint reads for `t`, if it is one: a word, a quoted identifier, or ( ) , .
std::optional<SqlToken> token_of(std::string_view sql, const Lexer::Token& t) {
  const std::string_view text = sql.substr(t.start, t.end_pos - t.start);
  switch (t.kind) {
    case Lexer::Token::word: return SqlToken{text, false};
    case Lexer::Token::quoted_word: return SqlToken{text.substr(1, text.size() - 2), true};
    case Lexer::Token::punct:
      if (text == "(" || text == ")" || text == "," || text == ".") return SqlToken{text, false};
      return std::nullopt;
    default: return std::nullopt;
  }
}

}  // namespace

bool SqlToken::is(std::string_view keyword) const { return !quoted && equals_upper(text, keyword); }

std::string SqlToken::upper() const { return quoted ? unquote(text) : migrate::upper(text); }

SplitResult split_postgres(std::string_view sql, Tokens keep) {
  SplitResult result;
  Lexer lex(sql);
  std::size_t start = std::string_view::npos;  // first token of the current statement
  std::size_t last_end = 0;
  // CREATE FUNCTION/PROCEDURE ... BEGIN ATOMIC ... END: semicolons inside do not split.
  int word_index = 0;
  bool routine = false;
  int depth = 0;
  std::string_view prev;
  std::size_t first_token = 0;
  const auto finish = [&](std::size_t end) {
    if (start != std::string_view::npos) {
      result.statements.push_back(SqlStatement{start, end - start, first_token, result.tokens.size()});
    }
    first_token = result.tokens.size();
    start = std::string_view::npos;
    word_index = 0;
    routine = false;
    depth = 0;
    prev = {};
  };
  while (true) {
    const Lexer::Token t = lex.next();
    if (t.kind == Lexer::Token::end) break;
    if (t.kind == Lexer::Token::bad) {
      result.error_offset = t.start;
      result.error = lex.error();
      return result;
    }
    if (t.kind == Lexer::Token::space) continue;
    if (t.kind == Lexer::Token::punct && sql[t.start] == ';' && depth == 0) {
      finish(t.start);
      continue;
    }
    if (start == std::string_view::npos) start = t.start;
    last_end = t.end_pos;
    if (keep == Tokens::keep) {
      if (std::optional<SqlToken> token = token_of(sql, t)) result.tokens.push_back(*token);
    }
    if (t.kind == Lexer::Token::word) {
      // Only the first words (and those of a routine) matter.
      if (word_index >= 4 && !routine) continue;
      const std::string_view w = sql.substr(t.start, t.end_pos - t.start);
      if (word_index < 4 && (equals_upper(w, "FUNCTION") || equals_upper(w, "PROCEDURE"))) routine = true;
      if (routine) {
        if ((equals_upper(w, "ATOMIC") && equals_upper(prev, "BEGIN")) || (depth > 0 && equals_upper(w, "CASE"))) ++depth;
        if (equals_upper(w, "END") && depth > 0) --depth;
      }
      prev = w;
      ++word_index;
    }
  }
  finish(last_end);
  return result;
}

std::vector<SqlWord> postgres_words(std::string_view sql, std::size_t max_words) {
  std::vector<SqlWord> words;
  words.reserve(std::min<std::size_t>(max_words, 16));
  Lexer lex(sql);
  while (words.size() < max_words) {
    const Lexer::Token t = lex.next();
    if (t.kind == Lexer::Token::end || t.kind == Lexer::Token::bad) break;
    if (const std::optional<SqlToken> token = token_of(sql, t)) words.push_back(SqlWord{token->upper(), t.start, token->quoted});
  }
  return words;
}

// statement_scan.h: SQLite's run plan reads its statements with this lexer too.
std::vector<SqlWord> sql_words(std::string_view sql, std::size_t max_words) { return postgres_words(sql, max_words); }

}  // namespace strata::migrate
