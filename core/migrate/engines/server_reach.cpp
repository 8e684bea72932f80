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

std::size_t skip_blanks(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
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

// Blanks and quotes: `LANGUAGE 'c'` and `LANGUAGE "c"` are `language c`.
std::size_t skip_separators(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\'' || s[i] == '"')) ++i;
  return i;
}

// Whether the words from `k` on are `parts`, each separated from the next by blanks and quotes only.
bool words_at(std::string_view s, const std::vector<Word>& words, std::size_t k, const std::vector<std::string_view>& parts) {
  if (k + parts.size() > words.size()) return false;
  for (std::size_t j = 0; j < parts.size(); ++j) {
    if (words[k + j].text != parts[j]) return false;
    if (j > 0 && skip_separators(s, words[k + j - 1].end) != words[k + j].offset) return false;
  }
  return true;
}

bool matches_at(std::string_view s, const std::vector<Word>& words, std::size_t k, const ReachRule& rule,
                const std::vector<std::string_view>& parts) {
  if (!words_at(s, words, k, parts)) return false;
  const std::size_t after = skip_blanks(s, words[k + parts.size() - 1].end);
  switch (rule.kind) {
    case ReachKind::call: return after < s.size() && s[after] == '(';
    case ReachKind::words:
    case ReachKind::word: return true;
    case ReachKind::file_arg:
      return after < s.size() &&
             (s[after] == '\'' || ((s[after] == 'e' || s[after] == 'E') && after + 1 < s.size() && s[after + 1] == '\''));
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
