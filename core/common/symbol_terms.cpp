#include "common/symbol_terms.h"

#include <algorithm>
#include <cstdint>

#include "common/cjk_terms.h"
#include "common/fts_words.h"
#include "common/utf8.h"

namespace strata {
namespace {

bool symbol_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool symbol_ascii_alnum(char c) { return symbol_ascii_letter(c) || (c >= '0' && c <= '9'); }

// The name in `word`: its trailing ASCII letters and digits, when they start with a letter and
// are the whole word or follow a CJK character (使用C++: the word is 使用C); else "".
std::string_view symbol_name_of(std::string_view word) {
  std::size_t i = word.size();
  while (i > 0 && symbol_ascii_alnum(word[i - 1])) --i;
  if (i == word.size() || !symbol_ascii_letter(word[i])) return {};
  if (i > 0) {
    std::int32_t cp = 0;
    const std::size_t before = utf8_boundary_before(word, i - 1);
    if (decode_utf8_at(word, before, cp) == 0 || !is_cjk(cp)) return {};
  }
  return word.substr(i);
}

// The whole term of `word` (a word of `text` that a '+' or '#' follows) into `out`, given where
// the next word starts (npos: none); false when it names nothing (symbol_terms.h).
bool symbol_term_of(std::string_view text, std::string_view word, std::size_t next_word, std::string& out) {
  const std::string_view name = symbol_name_of(word);
  if (name.empty()) return false;
  const auto end = static_cast<std::size_t>(word.data() + word.size() - text.data());
  std::string_view suffix;
  if (text[end] == '#') {
    const std::size_t after = end + 1;
    if ((after < text.size() && text[after] == '#') || next_word == after) return false;
    suffix = "sharp";
  } else {
    std::size_t after = end;
    while (after < text.size() && text[after] == '+') ++after;
    const std::size_t pluses = after - end;
    if (pluses > 2 || (pluses == 1 && next_word == after)) return false;
    suffix = pluses == 1 ? "plus" : "plusplus";
  }
  out.clear();
  for (const char c : name) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  out += suffix;
  return true;
}

}  // namespace

std::vector<std::string> symbol_terms(std::string_view text) {
  std::vector<std::string> out;
  if (text.find_first_of("+#") == std::string_view::npos) return out;
  std::string_view before;  // the last word a '+' or '#' follows, until the next word is known
  std::string term;
  const auto decide = [&](std::size_t next_word) {
    if (!before.empty() && symbol_term_of(text, before, next_word, term)) out.push_back(term);
    before = {};
  };
  for_each_fts_word(text, [&](std::string_view word) {
    const auto start = static_cast<std::size_t>(word.data() - text.data());
    decide(start);
    const std::size_t end = start + word.size();
    if (end < text.size() && (text[end] == '+' || text[end] == '#')) before = word;
  });
  decide(std::string_view::npos);
  return out;
}

std::string symbol_index_terms(std::string_view text) {
  std::string out;
  for (const std::string& t : symbol_terms(text)) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

std::vector<std::string> symbol_query_terms(std::string_view text) {
  std::vector<std::string> out;
  for (std::string& t : symbol_terms(text)) {
    if (out.size() == kMaxSymbolQueryTerms) break;
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(std::move(t));
  }
  return out;
}

}  // namespace strata
