#include "migrate/engines/server_reach.h"

#include <vector>

namespace strata::migrate {

namespace {

bool reach_word_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '_' || c == '$' || c == '@' || u >= 0x80;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

struct Word {
  std::size_t offset;
  std::size_t end;
  std::string text;  // lower case
};

std::vector<Word> words_of(std::string_view s) {
  std::vector<Word> out;
  for (std::size_t i = 0; i < s.size();) {
    if (!reach_word_char(s[i])) {
      ++i;
      continue;
    }
    Word w{i, i, {}};
    while (i < s.size() && reach_word_char(s[i])) w.text += lower(s[i++]);
    w.end = i;
    out.push_back(std::move(w));
  }
  return out;
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Blanks and comments (/* ... */, -- to the end of the line): to the server `TO/**/PROGRAM` is
// `TO PROGRAM`.
std::size_t skip_blanks(std::string_view s, std::size_t i) {
  while (i < s.size()) {
    if (blank(s[i])) {
      ++i;
    } else if (s.compare(i, 2, "/*") == 0) {
      const std::size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else if (s.compare(i, 2, "--") == 0) {
      const std::size_t end = s.find('\n', i);
      i = end == std::string_view::npos ? s.size() : end + 1;
    } else {
      break;
    }
  }
  return i;
}

// The words of `text` ("to program"), split on its spaces.
std::vector<std::string_view> parts_of(std::string_view text) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t space = text.find(' ', i);
    const std::size_t end = space == std::string_view::npos ? text.size() : space;
    out.push_back(text.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

// Blanks, comments and quotes: `LANGUAGE 'c'` and `LANGUAGE "c"` are `language c`.
std::size_t skip_separators(std::string_view s, std::size_t i) {
  for (;;) {
    const std::size_t next = skip_blanks(s, i);
    if (next < s.size() && (s[next] == '\'' || s[next] == '"' || s[next] == '`')) {
      i = next + 1;
    } else {
      return next;
    }
  }
}

// Whether a string literal starts at `i`: '...', E'...', U&'...', or a dollar-quoted $$...$$ or
// $tag$...$tag$ (to the server all name the same file).
bool string_at(std::string_view s, std::size_t i) {
  if (i >= s.size()) return false;
  const auto at = [&](std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  if (s[i] == '\'' || s[i] == '$') return true;
  if ((s[i] == 'e' || s[i] == 'E') && at(i + 1) == '\'') return true;
  return (s[i] == 'u' || s[i] == 'U') && at(i + 1) == '&' && at(i + 2) == '\'';
}

// The index of the word that starts at `offset`, searching from `from`; npos when none does.
std::size_t word_at(const std::vector<Word>& words, std::size_t from, std::size_t offset) {
  for (std::size_t i = from; i < words.size() && words[i].offset <= offset; ++i) {
    if (words[i].offset == offset) return i;
  }
  return std::string_view::npos;
}

// Whether the words from `k` on are `parts`, each separated from the next by blanks, comments
// and quotes only (a comment's own words are passed over: `TO -- note\n PROGRAM`). Sets `last`
// to the index of the last word matched.
bool words_at(std::string_view s, const std::vector<Word>& words, std::size_t k, const std::vector<std::string_view>& parts,
              std::size_t& last) {
  if (k >= words.size() || words[k].text != parts[0]) return false;
  last = k;
  for (std::size_t j = 1; j < parts.size(); ++j) {
    const std::size_t next = word_at(words, last + 1, skip_separators(s, words[last].end));
    if (next == std::string_view::npos || words[next].text != parts[j]) return false;
    last = next;
  }
  return true;
}

bool matches_at(std::string_view s, const std::vector<Word>& words, std::size_t k, const ReachRule& rule,
                const std::vector<std::string_view>& parts) {
  std::size_t last = k;
  if (!words_at(s, words, k, parts, last)) return false;
  std::size_t after = skip_blanks(s, words[last].end);
  switch (rule.kind) {
    case ReachKind::call:
      // A quoted name calls the same function: "pg_read_file"(...), `load_file`(...).
      if (after < s.size() && (s[after] == '"' || s[after] == '`')) after = skip_blanks(s, after + 1);
      return after < s.size() && s[after] == '(';
    case ReachKind::words:
    case ReachKind::word: return true;
    case ReachKind::file_arg: return string_at(s, after);
  }
  return false;
}

}  // namespace

std::optional<Reach> find_server_reach(std::string_view statement, std::span<const ReachRule> rules) {
  const std::vector<Word> words = words_of(statement);
  std::optional<Reach> first;
  for (const ReachRule& rule : rules) {
    const std::vector<std::string_view> parts = parts_of(rule.text);
    bool needed_seen = rule.needs.empty();
    for (std::size_t k = 0; k < words.size(); ++k) {
      if (first && words[k].offset >= first->offset) break;
      if (needed_seen && matches_at(statement, words, k, rule, parts)) {
        first = Reach{words[k].offset, std::string(rule.text), std::string(rule.why)};
        break;
      }
      needed_seen = needed_seen || words[k].text == rule.needs;
    }
  }
  return first;
}

}  // namespace strata::migrate
