#include "llm/extractive.h"

#include <algorithm>
#include <cmath>
#include <compare>
#include <optional>
#include <set>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

// The sentence rules of `strata chunk --strategy sentence` (abbreviations, initials, decimals,
// CJK stops), so the offline answer cuts text where the chunker would.
#include "chunk/engine.h"
#include "common/text.h"

namespace strata::llm {
namespace {

constexpr double kRelativeFloor = 0.25;

bool is_ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

const std::unordered_set<std::string_view>& stop_words() {
  static const std::unordered_set<std::string_view> words = {
      "a",      "about",   "above",  "after",   "again",   "against", "all",     "also",    "am",
      "an",     "and",     "any",    "are",     "as",      "at",      "be",      "because", "been",
      "before", "being",   "below",  "between", "both",    "but",     "by",      "can",     "could",
      "did",    "do",      "does",   "doing",   "down",    "during",  "each",    "explain", "few",
      "for",    "from",    "further", "had",    "has",     "have",    "having",  "he",      "her",
      "here",   "hers",    "him",    "his",     "how",     "i",       "if",      "in",      "into",
      "is",     "it",      "its",    "itself",  "just",    "may",     "me",      "might",   "more",
      "most",   "must",    "my",     "no",      "nor",     "not",     "now",     "of",      "off",
      "on",     "once",    "only",   "or",      "other",   "our",     "ours",    "out",     "over",
      "own",    "please",  "same",   "shall",   "she",     "should",  "so",      "some",    "such",
      "tell",   "than",    "that",   "the",     "their",   "theirs",  "them",    "then",    "there",
      "these",  "they",    "this",   "those",   "through", "to",      "too",     "under",   "until",
      "up",     "us",      "very",   "was",     "we",      "were",    "what",    "when",    "where",
      "which",  "while",   "who",    "whom",    "why",     "will",    "with",    "would",   "you",
      "your",   "yours",   "describe", "s",     "t",       "d",       "ll",      "re",      "ve"};
  return words;
}

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// A few suffix rules, applied the same way to question and sentences: plurals, -ing, -ed,
// -ly, a final e. Crude next to Porter, but it only has to make forms of a word meet.
std::string stem(std::string w) {
  auto ends = [&](std::string_view s) { return w.size() > s.size() && std::string_view(w).ends_with(s); };
  auto cut = [&](std::size_t n) { w.resize(w.size() - n); };
  if (w.size() <= 3) return w;
  if (ends("ies") && w.size() > 4) {
    cut(3);
    w += 'y';
  } else if (ends("sses")) {
    cut(2);
  } else if (ends("xes") || ends("ches") || ends("shes")) {
    cut(2);
  } else if (ends("s") && !ends("ss") && !ends("us") && !ends("is")) {
    cut(1);
  }
  bool stripped = false;
  if (ends("ing") && w.size() >= 6) {
    cut(3);
    stripped = true;
  } else if (ends("ed") && w.size() >= 5) {
    cut(2);
    stripped = true;
  } else if (ends("ly") && w.size() >= 6) {
    cut(2);
  }
  if (stripped && w.size() >= 3) {
    const char a = w[w.size() - 1], b = w[w.size() - 2];
    if (a == b && !is_vowel(a) && a != 'l' && a != 's' && a != 'z') cut(1);  // running -> run
  }
  if (w.size() > 4 && w.back() == 'e') cut(1);
  return w;
}

bool is_ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_ascii_lower(char c) { return c >= 'a' && c <= 'z'; }
char lower_of(char c) { return is_ascii_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// The parts of a CamelCase name as written ("TestClient" -> Test, Client; "CORSMiddleware" ->
// CORS, Middleware; "DictReader" -> Dict, Reader); empty for a word that is not one.
std::vector<std::string_view> camel_parts(std::string_view word) {
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  for (std::size_t i = 1; i < word.size(); ++i) {
    const bool lower_then_upper = is_ascii_lower(word[i - 1]) && is_ascii_upper(word[i]);
    const bool acronym_then_word = is_ascii_upper(word[i - 1]) && is_ascii_upper(word[i]) && i + 1 < word.size() && is_ascii_lower(word[i + 1]);
    if (lower_then_upper || acronym_then_word) {
      parts.push_back(word.substr(from, i - from));
      from = i;
    }
  }
  if (parts.empty()) return {};
  parts.push_back(word.substr(from));
  return parts;
}

// With `drop_stop_words` (the scoring's terms), a CamelCase name also gives its parts after it:
// an API's name says what it does ("TestClient" for "how do I test", "DictReader" for "read ...
// into dicts"), and a question names the task, not the class.
std::vector<std::string> terms_of(std::string_view text, bool drop_stop_words) {
  std::vector<std::string> terms;
  std::string word;
  std::string written;  // the word as written, for its CamelCase parts
  auto add = [&](std::string w) {
    if (!w.empty() && !(drop_stop_words && stop_words().count(w))) terms.push_back(stem(std::move(w)));
  };
  auto flush = [&] {
    add(word);
    if (drop_stop_words) {
      for (const std::string_view part : camel_parts(written)) {
        std::string lower;
        for (const char c : part) lower.push_back(lower_of(c));
        if (lower.size() >= 3) add(lower);
      }
    }
    word.clear();
    written.clear();
  };
  for (char c : text) {
    if (is_ascii_alnum(c)) {
      word.push_back(lower_of(c));
      written.push_back(c);
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      word.push_back(c);  // non-ASCII letters stay in the word (no case folding for them)
      written.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  return terms;
}

struct Candidate {
  std::size_t source = 0;  // index into sources
  std::size_t offset = 0;
  std::string text;
  std::string code;  // the fenced code block a sentence ending in ':' introduces, fences included
  std::vector<std::string> terms;  // stemmed, stop words removed, with repeats
  double score = 0.0;
  bool short_title = false;  // a heading of three terms or fewer (reads_as_title)
  bool marked = false;       // a list item, a quote or a table row: never a title
  // It ends with ':' and nothing follows it in its source: what it introduces was cut off with
  // the chunk's end (the chunk after it holds it).
  bool introduces_next = false;
};

// What a question asks for, by its words alone: a default's value ("what is the default X",
// "default X size", "X by default"), what a thing is or does ("what does X do", "what is X"), or
// something else. The answer leads with a sentence of that kind when the passages hold one
// (lead_with_the_kind, lead_with_the_entry).
enum class QuestionKind { other, default_value, definition };

// Where `word` stands in `lower` as a word of its own (no letter, digit, '-' or '_' joined to it
// on either side: "non-default" and "default_statistics_target" are other words), from `from`.
std::size_t find_word(std::string_view lower, std::string_view word, std::size_t from = 0) {
  const auto joins = [](char c) { return is_ascii_alnum(c) || c == '-' || c == '_'; };
  for (std::size_t at = lower.find(word, from); at != std::string_view::npos; at = lower.find(word, at + 1)) {
    const bool before = at > 0 && joins(lower[at - 1]);
    const std::size_t end = at + word.size();
    // "defaults" and "defaulted" are the word too.
    std::size_t after = end;
    while (after < lower.size() && (lower[after] >= 'a' && lower[after] <= 'z')) ++after;
    const std::string_view tail = lower.substr(end, after - end);
    const bool joined_after = (after < lower.size() && joins(lower[after])) || !(tail.empty() || tail == "s" || tail == "ed");
    if (!before && !joined_after) return at;
  }
  return std::string_view::npos;
}

QuestionKind question_kind(std::string_view question) {
  const std::string q = to_lower(question);
  if (find_word(q, "default") != std::string::npos) return QuestionKind::default_value;
  const std::string_view t = trim(q);
  if ((t.starts_with("what does ") && (t.ends_with(" do") || t.ends_with(" do?"))) || t.starts_with("what is ") ||
      t.starts_with("what are ")) {
    return QuestionKind::definition;
  }
  return QuestionKind::other;
}

// A sentence that says what a default is: "default" (or "defaults") followed, within a few words,
// by a value: a number, or "is", "to", ":" then a word ("The default is 100 connections", "It
// defaults to 64MB", "Default: WARNING"). "non-default" and a sentence about changing a default
// without naming it do not count.
bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool states_a_default(std::string_view text) {
  const std::string s = to_lower(text);
  for (std::size_t at = find_word(s, "default"); at != std::string::npos; at = find_word(s, "default", at + 1)) {
    std::size_t end = at + 7;
    while (end < s.size() && s[end] >= 'a' && s[end] <= 'z') ++end;
    const std::string_view rest = std::string_view(s).substr(end, 48);
    if (has_digit(rest)) return true;
    for (const std::string_view link : {" is ", " to ", ": "}) {
      if (rest.starts_with(link)) return true;
    }
    // "The default encoding of open() is ...": a few words, then "is" or "are".
    std::size_t words = 0;
    for (std::size_t i = 0; i < rest.size() && words <= 4; ++i) {
      if (rest[i] != ' ') continue;
      ++words;
      if (rest.substr(i).starts_with(" is ") || rest.substr(i).starts_with(" are ")) return true;
    }
    // "5432 by default": the value before it.
    if (at >= 3 && std::string_view(s).substr(at - 3, 3) == "by ") {
      const std::string_view before = std::string_view(s).substr(at >= 27 ? at - 27 : 0, at >= 27 ? 24 : at - 3);
      if (has_digit(before)) return true;
    }
  }
  return false;
}

// A digit within a few words after "default" ("The default is typically 100 connections").
bool default_has_a_number(std::string_view text) {
  const std::string s = to_lower(text);
  for (std::size_t at = find_word(s, "default"); at != std::string::npos; at = find_word(s, "default", at + 1)) {
    if (has_digit(std::string_view(s).substr(at + 7, 40))) return true;
    // "listens to port 8000 by default": the value just before.
    if (at >= 3 && std::string_view(s).substr(at - 3, 3) == "by " && has_digit(std::string_view(s).substr(at >= 27 ? at - 27 : 0, at >= 27 ? 24 : at - 3))) {
      return true;
    }
  }
  return false;
}

// A change note, as Sphinx and many manuals open one: what a default or behaviour was, not is.
bool opens_as_change_note(std::string_view text) {
  const std::string s = to_lower(text.substr(0, 32));
  for (const std::string_view note : {"changed in version", "new in version", "deprecated since", "deprecated in version"}) {
    if (s.starts_with(note)) return true;
  }
  return false;
}

// The names a question gives as written, lower-cased: a word joined by '_' or '.' to another
// ("max_connections", "http.server", "os.path.join"), or a CamelCase one ("DictReader").
std::vector<std::string> identifiers_of(std::string_view question) {
  std::vector<std::string> names;
  std::size_t i = 0;
  while (i < question.size()) {
    if (!is_ascii_alnum(question[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    bool joined = false, camel = false;
    while (end < question.size()) {
      const char c = question[end];
      if (is_ascii_alnum(c)) {
        if (end > i && is_ascii_lower(question[end - 1]) && is_ascii_upper(c)) camel = true;
        ++end;
      } else if ((c == '_' || c == '.') && end + 1 < question.size() && is_ascii_alnum(question[end + 1]) && end > i) {
        joined = true;
        ++end;
      } else {
        break;
      }
    }
    if (joined || camel) names.push_back(to_lower(question.substr(i, end - i)));
    i = end;
  }
  return names;
}

// A title rather than a sentence: one short line that does not end like a sentence
// ("shared_buffers (integer)", "csv — CSV File Reading and Writing"). It names where an answer is
// and answers nothing; as a candidate it counts for little when it is a heading of three terms or
// fewer (a function's signature, "hashlib.pbkdf2_hmac(hash_name, password, salt, ...)", is an
// answer to "which function").
bool reads_as_title(std::string_view text) {
  if (text.empty()) return false;
  const char last = text.back();
  if (last == '.' || last == '!' || last == '?' || last == ':' || last == ';' || last == ',') return false;
  return std::count(text.begin(), text.end(), ' ') < 6;
}
constexpr double kTitleShare = 0.3;

// The title a sentence at `offset` of `text` stands under: the nearest line before it, within
// 1,500 bytes, that reads as a title ("max_connections (integer)", "# Rollback"); "" when none.
// A manual's entry for a setting gives its default in a sentence that does not name the setting:
// the title above it does.
std::string_view section_title(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::size_t stop = offset > 1500 ? offset - 1500 : 0;
  std::size_t end = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  while (end != std::string_view::npos && end >= stop) {
    const std::size_t previous = end == 0 ? std::string_view::npos : text.rfind('\n', end - 1);
    const std::size_t from = previous == std::string_view::npos ? 0 : previous + 1;
    const std::string_view line = trim(text.substr(from, end - from));
    if (!line.empty() && reads_as_title(line)) return line;
    if (previous == std::string_view::npos) break;
    end = previous;
  }
  return {};
}

bool is_list_or_heading_start(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i >= line.size()) return false;
  const char c = line[i];
  if (c == '#' || c == '>' || c == '|') return true;
  if ((c == '-' || c == '*' || c == '+') && i + 1 < line.size() && line[i + 1] == ' ') return true;
  std::size_t d = i;
  while (d < line.size() && line[d] >= '0' && line[d] <= '9') ++d;
  return d > i && d + 1 < line.size() && (line[d] == '.' || line[d] == ')') && line[d + 1] == ' ';
}

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The end of an emphasis span opened by `marker` at `open` (the marker's first character after
// it), or npos: the same marker further on, with no space just inside either end.
std::size_t emphasis_end(std::string_view s, std::size_t inner, std::string_view marker) {
  if (inner >= s.size() || is_space(s[inner])) return std::string_view::npos;
  const std::size_t close = s.find(marker, inner + 1);
  if (close == std::string_view::npos || is_space(s[close - 1])) return std::string_view::npos;
  return close;
}

// Inline Markdown and HTML as a reader sees them: `code` without its backticks (its text kept
// as written), [text](url) and ![alt](src) as their text, **strong** and *emphasis* without
// their stars or underscores, HTML tags and MkDocs include directives ({!> file !}) gone. An
// underscore inside a name (__init__, snake_case) stays.
std::string strip_markup(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '`') {
      std::size_t run = 0;
      while (i + run < s.size() && s[i + run] == '`') ++run;
      const std::size_t close = s.find(std::string(run, '`'), i + run);
      if (close != std::string_view::npos) {
        out.append(s.substr(i + run, close - i - run));
        i = close + run;
      } else {
        i += run;  // an unpaired run of backticks: dropped
      }
      continue;
    }
    if (c == '{' && i + 1 < s.size() && s[i + 1] == '!') {
      const std::size_t close = s.find("!}", i + 2);
      if (close != std::string_view::npos) {
        i = close + 2;
        continue;
      }
    }
    if (c == '[' || (c == '!' && i + 1 < s.size() && s[i + 1] == '[')) {
      const std::size_t open = c == '!' ? i + 1 : i;
      const std::size_t close = s.find(']', open + 1);
      if (close != std::string_view::npos && close + 1 < s.size() && s[close + 1] == '(') {
        const std::size_t paren = s.find(')', close + 2);
        if (paren != std::string_view::npos) {
          out += strip_markup(s.substr(open + 1, close - open - 1));
          i = paren + 1;
          continue;
        }
      }
    }
    if (c == '*') {
      const std::string_view marker = i + 1 < s.size() && s[i + 1] == '*' ? "**" : "*";
      const std::size_t close = emphasis_end(s, i + marker.size(), marker);
      if (close != std::string_view::npos) {
        out += strip_markup(s.substr(i + marker.size(), close - i - marker.size()));
        i = close + marker.size();
        continue;
      }
    }
    // _emphasis_, but never an underscore inside a name (snake_case, __init__): it opens after
    // no letter, digit or underscore and closes before none.
    if (c == '_' && (i == 0 || (!is_ascii_alnum(s[i - 1]) && s[i - 1] != '_')) && i + 1 < s.size() && s[i + 1] != '_') {
      const std::size_t close = emphasis_end(s, i + 1, "_");
      if (close != std::string_view::npos && (close + 1 == s.size() || (!is_ascii_alnum(s[close + 1]) && s[close + 1] != '_'))) {
        out += strip_markup(s.substr(i + 1, close - i - 1));
        i = close + 1;
        continue;
      }
    }
    if (c == '<' && i + 1 < s.size() && (is_ascii_alpha(s[i + 1]) || (s[i + 1] == '/' && i + 2 < s.size() && is_ascii_alpha(s[i + 2])))) {
      const std::size_t close = s.find_first_of("<>", i + 1);
      if (close != std::string_view::npos && s[close] == '>' && close - i <= 200) {
        i = close + 1;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

// The line of `text` that starts at `pos`, without its newline; `next` is set past it.
std::string_view line_at(std::string_view text, std::size_t pos, std::size_t& next) {
  const std::size_t nl = text.find('\n', pos);
  next = nl == std::string_view::npos ? text.size() : nl + 1;
  return text.substr(pos, (nl == std::string_view::npos ? text.size() : nl) - pos);
}

std::string_view trim_left(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  return line;
}

constexpr std::size_t kMaxCodeLines = 40;
constexpr std::size_t kMaxCodeBytes = 2000;

// A shell example as man pages (and text without Markdown) show one: a line, indented or not,
// whose text starts with a prompt "$ ". It is code, as a fenced block is.
bool is_prompt_line(std::string_view line) { return trim_left(line).starts_with("$ "); }

// The prompt lines that follow `pos` in `text` (past blank lines), left-trimmed and fenced with
// ```; "" when the next non-blank line is not one, or when they pass kMaxCodeLines lines or
// kMaxCodeBytes bytes.
std::string prompt_lines_after(std::string_view text, std::size_t pos) {
  std::size_t next = 0;
  for (; pos < text.size(); pos = next) {
    if (!trim_left(line_at(text, pos, next)).empty()) break;
  }
  std::string body;
  std::size_t lines = 0;
  for (; pos < text.size(); pos = next, ++lines) {
    const std::string_view line = line_at(text, pos, next);
    if (!is_prompt_line(line)) break;
    if (lines == kMaxCodeLines) return {};
    body.append(trim_left(line));
    body += '\n';
  }
  if (body.empty() || body.size() > kMaxCodeBytes) return {};
  return "```\n" + body + "```";
}

// The fenced code block (``` or ~~~) that follows `pos` in `text`, past blank lines and MkDocs
// tab markers (//// tab | ...), fences included; "" when none does, when it holds nothing but
// include directives, or when it is longer than kMaxCodeLines lines or kMaxCodeBytes bytes.
std::string code_block_after(std::string_view text, std::size_t pos) {
  std::size_t next = 0;
  // The rest of the sentence's own line first (usually nothing).
  if (!trim_left(line_at(text, pos, next)).empty()) return {};
  for (pos = next; pos < text.size(); pos = next) {
    const std::string_view line = trim_left(line_at(text, pos, next));
    if (line.empty() || line.starts_with("////")) continue;
    if (is_prompt_line(line)) return prompt_lines_after(text, pos);
    if (!line.starts_with("```") && !line.starts_with("~~~")) return {};
    const std::string_view fence = line.substr(0, 3);
    std::string body;
    std::size_t lines = 0;
    bool real_code = false;
    for (std::size_t p = next; p < text.size() && lines <= kMaxCodeLines; p = next, ++lines) {
      const std::string_view l = line_at(text, p, next);
      if (trim_left(l).starts_with(fence)) {
        if (!real_code || body.size() > kMaxCodeBytes) return {};
        return std::string(fence) + std::string(line.substr(3)) + "\n" + body + std::string(fence);
      }
      const std::string_view t = trim_left(l);
      if (!t.empty() && !t.starts_with("{!")) real_code = true;
      body.append(l);
      body += '\n';
    }
    return {};
  }
  return {};
}

// Folds whitespace and drops Markdown list, quote and heading markers at the start; then inline
// markup (strip_markup).
std::string clean_sentence(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t before = i;
    while (i < s.size() && is_space(s[i])) ++i;
    while (i < s.size() && (s[i] == '#' || s[i] == '>')) ++i;
    if (i + 1 < s.size() && (s[i] == '-' || s[i] == '*' || s[i] == '+') && s[i + 1] == ' ') ++i;
    std::size_t d = i;
    while (d < s.size() && s[d] >= '0' && s[d] <= '9') ++d;
    if (d > i && d + 1 < s.size() && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ') i = d + 1;
    if (i == before) break;
  }
  std::string out;
  bool space = false;
  for (; i < s.size(); ++i) {
    if (is_space(s[i])) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += s[i];
  }
  std::string plain = strip_markup(out);
  // Markup gone can leave a space before punctuation ("`x` ." is rare) or doubled spaces.
  std::string folded;
  for (const char ch : plain) {
    if (ch == ' ' && (folded.empty() || folded.back() == ' ')) continue;
    folded += ch;
  }
  while (!folded.empty() && folded.back() == ' ') folded.pop_back();
  return folded;
}

// Mostly letters and spaces: prose, not code or a table of numbers.
bool reads_as_prose(std::string_view s) {
  std::size_t plain = 0;
  for (char c : s) plain += (is_ascii_alnum(c) || c == ' ' || static_cast<unsigned char>(c) >= 0x80) ? 1u : 0u;
  return static_cast<double>(plain) >= 0.75 * static_cast<double>(s.size());
}

// A command line rather than a sentence, as a man page's examples show them without a prompt:
// a shell line continued with a backslash, or one that ends like no sentence and gives two
// options or more ("strata ask --base-url URL --model m 'what does redo do?'").
bool reads_as_command_line(std::string_view s) {
  if (s.find(" \\ ") != std::string_view::npos) return true;
  const char last = s.back();
  if (last == '.' || last == '!' || last == '?' || last == ':') return false;
  std::size_t options = 0;
  for (std::size_t at = s.find(" --"); at != std::string_view::npos; at = s.find(" --", at + 3)) {
    if (at + 3 < s.size() && is_ascii_alnum(s[at + 3])) ++options;
  }
  if (options >= 2) return true;
  // "strata ask -c 'and for the store?'": an option among the first words of a line that ends
  // like no sentence.
  std::size_t word = 0;
  for (std::size_t at = 0; at < s.size() && word < 4; ++word) {
    const std::size_t end = std::min(s.find(' ', at), s.size());
    const std::string_view w = s.substr(at, end - at);
    if (word > 0 && w.size() >= 2 && w[0] == '-' && (is_ascii_alnum(w[1]) || (w[1] == '-' && w.size() > 2))) return true;
    at = end + 1;
  }
  return false;
}

void add_sentence(std::vector<Candidate>& out, std::string_view source_text, std::size_t source, std::size_t offset,
                  std::string_view raw, std::size_t max_chars) {
  Candidate c;
  c.source = source;
  c.offset = offset;
  c.text = clean_sentence(raw);
  if (c.text.empty() || c.text.size() > max_chars || !reads_as_prose(c.text) || reads_as_command_line(c.text)) return;
  if (terms_of(c.text, false).size() < 3) return;
  std::string_view lead = raw;
  while (!lead.empty() && (lead.front() == ' ' || lead.front() == '\t')) lead.remove_prefix(1);
  c.marked = is_list_or_heading_start(lead) && lead.front() != '#';
  // A sentence that introduces code ("..., set it to False:") is read with its code.
  if (c.text.back() == ':') {
    c.code = code_block_after(source_text, offset + raw.size());
    c.introduces_next = c.code.empty() && trim(source_text.substr(std::min(source_text.size(), offset + raw.size()))).empty();
  }
  c.terms = terms_of(c.text, true);
  out.push_back(std::move(c));
}

// A line that is one block on its own: an ATX heading or a table row. The next line never
// continues it.
bool is_single_line_block(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i < line.size() && (line[i] == '#' || line[i] == '|');
}

// The sentences of one source, further cut at a line break where the next line starts a list
// item, a quote, a heading or a table row, or where the line before is a heading or a table row.
// Any other single line break inside a paragraph is a hard wrap and reads as a space (a list item
// or a sentence wrapped over several lines stays one candidate); a blank line ends the sentence.
// The fenced code blocks of `text` (``` or ~~~ lines), as [start, end) byte ranges, fences
// included; an unclosed fence runs to the end.
std::vector<std::pair<std::size_t, std::size_t>> fenced_blocks(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  std::size_t open = std::string_view::npos;
  std::string_view fence;
  for (std::size_t pos = 0, next = 0; pos < text.size(); pos = next) {
    const std::string_view line = trim_left(line_at(text, pos, next));
    if (open == std::string_view::npos && (line.starts_with("```") || line.starts_with("~~~"))) {
      open = pos;
      fence = line.substr(0, 3);
    } else if (open != std::string_view::npos && line.starts_with(fence)) {
      blocks.emplace_back(open, next);
      open = std::string_view::npos;
    }
  }
  if (open != std::string_view::npos) blocks.emplace_back(open, text.size());
  return blocks;
}

// The runs of prompt lines of `text` (is_prompt_line), as [start, end) byte
// ranges: shell examples, code as fenced blocks are.
std::vector<std::pair<std::size_t, std::size_t>> prompt_blocks(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  for (std::size_t pos = 0, next = 0; pos < text.size(); pos = next) {
    if (!is_prompt_line(line_at(text, pos, next))) continue;
    if (!blocks.empty() && blocks.back().second == pos) {
      blocks.back().second = next;
    } else {
      blocks.emplace_back(pos, next);
    }
  }
  return blocks;
}

void split_sentences(std::string_view text, std::size_t source, std::size_t max_chars, std::vector<Candidate>& out) {
  const chunk::detail::Boundaries bounds(text);
  // Code is never a candidate: a piece that starts inside a fenced block is skipped, and one
  // that runs into a block stops where it starts.
  // A shell example outside fences (a man page's "$ strata ...") is code too.
  auto blocks = fenced_blocks(text);
  for (const auto& block : prompt_blocks(text)) blocks.push_back(block);
  const auto add = [&](std::size_t at, std::string_view raw) {
    for (const auto& [start, end] : blocks) {
      if (at >= start && at < end) return;
      if (start > at && start < at + raw.size()) raw = raw.substr(0, start - at);
    }
    add_sentence(out, text, source, at, raw, max_chars);
  };
  std::size_t pos = 0;
  while (pos < text.size() && is_space(text[pos])) ++pos;
  while (pos < text.size()) {
    std::size_t next = text.size();
    const std::size_t end = chunk::detail::sentence_end(bounds, pos, text.size(), next);
    if (end > pos) {
      std::size_t a = pos;
      for (std::size_t nl = text.find('\n', a); nl != std::string_view::npos && nl < end; nl = text.find('\n', nl + 1)) {
        const std::string_view line = text.substr(a, nl - a);
        // The whole next line, even past the sentence's end: "…\n1. Run" ends a sentence at "1."
        // (a stop before a capital), and that line still starts a list item.
        const std::string_view rest = text.substr(nl + 1);
        if (is_list_or_heading_start(rest) || is_single_line_block(line)) {
          add(a, line);
          a = nl + 1;
        }
      }
      add(a, text.substr(a, end - a));
    }
    pos = next > pos ? next : text.size();
  }
}

// A sentence that holds the whole question word for word, from its question word on ("how do I
// roll back a migration"), quotes it: a page showing the question as an example of asking it (or
// a heading that asks it). That is weaker evidence than a sentence that answers it, which says
// what to do in its own words; so its score counts this share. A question of keywords ("roll back
// migration") is left alone: an answer may well hold those words in that order.
constexpr double kQuotedQuestion = 0.1;

// `question_opens_with_a_stop_word`: the question's first word, unstemmed ("does", "where"), is a
// stop or question word.
bool quotes_question(const std::vector<std::string>& sentence_words, const std::vector<std::string>& question_words,
                     bool question_opens_with_a_stop_word) {
  return question_words.size() >= 3 && question_opens_with_a_stop_word &&
         std::search(sentence_words.begin(), sentence_words.end(), question_words.begin(), question_words.end()) !=
             sentence_words.end();
}

double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::set<std::string> sa(a.begin(), a.end()), sb(b.begin(), b.end());
  if (sa.empty() && sb.empty()) return 1.0;
  std::size_t common = 0;
  for (const std::string& t : sa) common += sb.count(t);
  return static_cast<double>(common) / static_cast<double>(sa.size() + sb.size() - common);
}

// "Text." + [2] -> "Text [2]." (and "Text:" -> "Text [2]:"); text without a final stop gets " [2]"
// appended.
std::string with_citation(const std::string& text, std::size_t number) {
  const std::string cite = " [" + std::to_string(number) + "]";
  std::size_t end = text.size();
  while (end > 0 && (text[end - 1] == '.' || text[end - 1] == '!' || text[end - 1] == '?' || text[end - 1] == ':')) --end;
  if (end == 0) return text + cite;
  return text.substr(0, end) + cite + text.substr(end);
}

// A sentence that introduces code (a command, an example) is the instruction a reader acts on:
// the answer leads with the best such sentence when it scores at least this share of the best
// picked, and the others follow in source and document order. Without one the order is the
// documents'.
constexpr double kInstructionLeadShare = 0.5;

void lead_with_an_instruction(const std::vector<Candidate>& candidates, std::vector<std::size_t>& picked) {
  double best = 0.0;
  for (const std::size_t i : picked) best = std::max(best, candidates[i].score);
  auto lead = picked.end();
  for (auto it = picked.begin(); it != picked.end(); ++it) {
    const Candidate& c = candidates[*it];
    if (c.code.empty() || c.score < kInstructionLeadShare * best) continue;
    if (lead == picked.end() || c.score > candidates[*lead].score) lead = it;
  }
  if (lead != picked.end()) std::rotate(picked.begin(), lead, lead + 1);
}

// A question for a default's value is answered by the sentence that states it: the best such
// candidate that scores at least this share of the best candidate leads the answer, picked if it
// was not (in the place of the last sentence when the answer is full).
constexpr double kKindLeadShare = 0.25;

// How well a sentence that states a default answers the question, compared member by member:
// - `names_identifier`: its section's title holds a name the question gives as written
//   ("max_connections", "http.server"): the manual's entry for it, not a neighbour's that
//   mentions it;
// - `subject`: how many of the question's other terms its words and title hold between them;
// - `in_title`: of those, its title's;
// - `current`: it does not open as a change note ("Changed in version 3.0: The default protocol is
//   3" is history);
// - `concrete`: a digit follows the word "default" ("the default is DEFAULT_PROTOCOL" names another
//   name; "the default protocol is 4" answers).
struct LeadFit {
  bool names_identifier = false;
  std::size_t subject = 0;
  bool current = false;
  bool concrete = false;
  std::size_t in_title = 0;
  auto operator<=>(const LeadFit&) const = default;
};

void put_first(std::size_t lead, std::size_t max_sentences, std::vector<std::size_t>& picked);

// "can I mix def and async def ...": the sentence that says "you can mix" answers it, yes, in the
// question's own words. The best one that scores at least kKindLeadShare of the best leads.
void lead_with_the_permission(std::string_view question, const std::vector<Candidate>& candidates,
                              const std::vector<std::size_t>& order, std::size_t max_sentences,
                              std::vector<std::size_t>& picked) {
  const std::vector<std::string> words = terms_of(question, false);
  if (words.size() < 3 || words[0] != "can" || (words[1] != "i" && words[1] != "we") || order.empty()) return;
  const double best = candidates[order.front()].score;
  for (const std::size_t i : order) {  // best first
    const Candidate& c = candidates[i];
    if (c.score <= 0.0 || c.score < kKindLeadShare * best) break;
    const std::vector<std::string> said = terms_of(c.text, false);
    for (std::size_t w = 0; w + 1 < said.size(); ++w) {
      if (said[w] == "can" && said[w + 1] == words[2]) return put_first(i, max_sentences, picked);
    }
  }
}

// `lead` leads the answer: moved to the front when picked, else put there (in the place of the
// last sentence when the answer is full).
void put_first(std::size_t lead, std::size_t max_sentences, std::vector<std::size_t>& picked) {
  if (const auto it = std::find(picked.begin(), picked.end(), lead); it != picked.end()) {
    std::rotate(picked.begin(), it, it + 1);
  } else {
    if (picked.size() >= max_sentences) picked.pop_back();
    picked.insert(picked.begin(), lead);
  }
}

// Of the candidates that score at least kKindLeadShare of the best (`order`: best first), the one
// whose fit is greatest, the better scored on a tie; nullopt when none fits. `fit_of` gives a
// candidate's fit as an optional (none: it does not fit), compared member by member.
template <typename FitOf>
std::optional<std::size_t> best_fitting(const std::vector<Candidate>& candidates, const std::vector<std::size_t>& order,
                                        const FitOf& fit_of) {
  using Fit = typename std::invoke_result_t<const FitOf&, const Candidate&>::value_type;
  if (order.empty()) return std::nullopt;
  const double best = candidates[order.front()].score;
  std::optional<std::size_t> lead;
  Fit lead_fit{};
  for (const std::size_t i : order) {  // best first
    const Candidate& c = candidates[i];
    if (c.score <= 0.0 || c.score < kKindLeadShare * best) break;
    std::optional<Fit> fit = fit_of(c);
    if (!fit || (lead && *fit <= lead_fit)) continue;
    lead = i;
    lead_fit = std::move(*fit);
  }
  return lead;
}

template <typename FitOf>
void lead_with_the_kind(QuestionKind kind, const std::vector<Candidate>& candidates, const std::vector<std::size_t>& order,
                        std::size_t max_sentences, const FitOf& fit_of, std::vector<std::size_t>& picked) {
  if (kind != QuestionKind::default_value) return;
  // Of the sentences that state a default and score enough, the one that fits best (LeadFit).
  const std::optional<std::size_t> lead = best_fitting(candidates, order, [&](const Candidate& c) -> std::optional<LeadFit> {
    if (!states_a_default(c.text)) return std::nullopt;
    const LeadFit fit = fit_of(c);
    if (fit.subject == 0) return std::nullopt;
    return fit;
  });
  if (lead) put_first(*lead, max_sentences, picked);
}

// Whether `text` assigns the setting `name` (lower case, as written) a value: "wal_level must
// be set to logical", "X should be Y", "X is set to Y", "set X to Y". A mention of the name
// ("wal_level determines how much ...") assigns nothing.
bool assigns_a_value(std::string_view text, std::string_view name) {
  const std::string s = to_lower(text);
  const std::string_view all(s);
  for (std::size_t at = find_word(s, name); at != std::string::npos; at = find_word(s, name, at + 1)) {
    const std::string_view rest = all.substr(at + name.size());
    for (const std::string_view link : {" must be ", " should be ", " is set to ", " be set to ", " needs to be ", " has to be "}) {
      if (rest.starts_with(link)) return true;
    }
    if (at >= 4 && all.substr(at - 4, 4) == "set " && rest.starts_with(" to ")) return true;
  }
  return false;
}

// "which wal_level for logical replication": the question names a setting as written (X) and
// asks its value for something (Y, the question's other terms). The sentence that assigns X a
// value answers it, when the value is for Y: a manual assigns X for many purposes ("wal_level
// must be set to replica or higher to allow replication slots", "set wal_level to logical" for
// logical decoding), so of the assigning sentences that score at least kKindLeadShare of the
// best, the one that fits best leads (AssignFit).
// - `covered`: how many of Y's terms the sentence's words and its section's title hold;
// - `phrase`: its passage holds Y's terms together, in the question's order ("logical
//   replication" where the others say "logical decoding" and "replication slots").
struct AssignFit {
  std::size_t covered = 0;
  bool phrase = false;
  auto operator<=>(const AssignFit&) const = default;
};

// Whether `terms` hold `phrase` (two terms or more) as consecutive terms.
bool holds_phrase(const std::vector<std::string>& terms, const std::vector<std::string>& phrase) {
  return phrase.size() >= 2 && std::search(terms.begin(), terms.end(), phrase.begin(), phrase.end()) != terms.end();
}

// A "which X ..." question's setting (X: the first name it gives as written) and its other terms
// (Y), in the question's order and sorted; none for another question.
struct AssignQuestion {
  std::string name;
  std::vector<std::string> other;
  std::vector<std::string> sorted;
};

std::optional<AssignQuestion> assign_question(std::string_view question) {
  const std::vector<std::string> words = terms_of(question, false);
  const std::vector<std::string> names = identifiers_of(question);
  if (words.empty() || words.front() != "which" || names.empty()) return std::nullopt;
  AssignQuestion q;
  q.name = names.front();
  const std::vector<std::string> named = terms_of(q.name, true);
  for (std::string& t : terms_of(question, true)) {
    if (std::find(named.begin(), named.end(), t) == named.end()) q.other.push_back(std::move(t));
  }
  q.sorted = q.other;
  std::sort(q.sorted.begin(), q.sorted.end());
  q.sorted.erase(std::unique(q.sorted.begin(), q.sorted.end()), q.sorted.end());
  return q;
}

// How `c` fits as the answer to `q`; none when it assigns X no value, or assigns it one for
// something else (it holds none of Y's terms, Y not empty). `title`: its section's title.
std::optional<AssignFit> assign_fit(const AssignQuestion& q, const Candidate& c, const store::ChunkRef& chunk,
                                    std::string_view title) {
  if (!assigns_a_value(c.text, q.name)) return std::nullopt;
  std::vector<std::string> held = c.terms;
  const std::vector<std::string> title_terms = terms_of(title, true);
  held.insert(held.end(), title_terms.begin(), title_terms.end());
  AssignFit fit;
  for (const std::string& t : q.sorted) fit.covered += std::find(held.begin(), held.end(), t) != held.end() ? 1u : 0u;
  fit.phrase = holds_phrase(terms_of(chunk.text, true), q.other) ||
               holds_phrase(terms_of(chunk.title + "\n" + chunk.section, true), q.other);
  if (!q.sorted.empty() && fit.covered == 0 && !fit.phrase) return std::nullopt;
  return fit;
}

template <typename TitleOf>
void lead_with_the_assignment(std::string_view question, std::span<const Source> sources,
                              const std::vector<Candidate>& candidates, const std::vector<std::size_t>& order,
                              std::size_t max_sentences, const TitleOf& title_of, std::vector<std::size_t>& picked) {
  const std::optional<AssignQuestion> q = assign_question(question);
  if (!q) return;
  const std::optional<std::size_t> lead = best_fitting(
      candidates, order, [&](const Candidate& c) { return assign_fit(*q, c, sources[c.source].chunk, title_of(c)); });
  if (lead) put_first(*lead, max_sentences, picked);
}

// "how do I roll back a migration", "how to install X": the action asked about, as terms
// ("roll", "back", "migrat"); empty for a question of another kind. The answer is a sentence
// that introduces code (the command) saying that action: "Roll back the newest migration, ...:"
// followed by `$ strata migrate down`.
std::vector<std::string> how_action(std::string_view question) {
  const std::string q = to_lower(trim(question));
  static constexpr std::string_view openings[] = {"how do i ", "how can i ", "how should i ", "how do you ",
                                                  "how can you ", "how do we ", "how can we ", "how to "};
  for (const std::string_view opening : openings) {
    if (q.starts_with(opening)) return terms_of(std::string_view(q).substr(opening.size()), true);
  }
  return {};
}

// How a sentence answers a how question (compared member by member): it introduces code, holds
// every term of the action and opens with the action's first (an instruction in the question's
// own verb: "Roll back ..."); none otherwise.
std::vector<std::size_t> how_fit(const std::vector<std::string>& action, const Candidate& c) {
  if (action.empty() || (c.code.empty() && !c.introduces_next)) return {};
  for (const std::string& t : action) {
    if (std::find(c.terms.begin(), c.terms.end(), t) == c.terms.end()) return {};
  }
  return {1, !c.terms.empty() && c.terms.front() == action.front() ? 1u : 0u};
}

// "how do I X": of the sentences that introduce code (with the code in hand) and say the action
// (how_fit), scoring at least kKindLeadShare of the best, the one that fits best leads (ties: the
// higher score): the command the question asks for, with its code, comes first.
void lead_with_the_action(std::string_view question, const std::vector<Candidate>& candidates,
                          const std::vector<std::size_t>& order, std::size_t max_sentences, std::vector<std::size_t>& picked) {
  const std::vector<std::string> action = how_action(question);
  if (action.empty()) return;
  const std::optional<std::size_t> lead =
      best_fitting(candidates, order, [&](const Candidate& c) -> std::optional<std::vector<std::size_t>> {
        std::vector<std::size_t> fit = c.code.empty() ? std::vector<std::size_t>{} : how_fit(action, c);
        if (fit.empty()) return std::nullopt;
        return fit;
      });
  if (lead) put_first(*lead, max_sentences, picked);
}

// "what does X do", "what is X": the entry for X answers, whose heading starts with X's name
// ("## redo [options]" for "what does strata migrate redo do"), though its sentences rarely
// repeat the name ("Roll back the newest n applied migrations..."): the heading is the evidence,
// so its first sentence leads whatever its own score. Of several such entries, the one of the
// best-ranked source. `subject`: the terms that name X, sorted.
template <typename TitleOf>
void lead_with_the_entry(const std::vector<Candidate>& candidates, const std::vector<std::string>& subject,
                         std::size_t max_sentences, const TitleOf& title_of, std::vector<std::size_t>& picked) {
  for (std::size_t i = 0; i < candidates.size(); ++i) {  // source order, then document order
    const Candidate& c = candidates[i];
    if (c.short_title) continue;
    // A heading or an entry's signature ("max_connections (integer)", "csv.reader(csvfile, ...)");
    // a bare word on a line of its own (a man page's ".B redo" inside a sentence) names no entry.
    const std::string_view heading = title_of(c);
    if (!heading.starts_with('#') && heading.find_first_of("([") == std::string_view::npos) continue;
    const std::vector<std::string> title = terms_of(heading, true);
    if (title.empty() || !std::binary_search(subject.begin(), subject.end(), title.front())) continue;
    return put_first(i, max_sentences, picked);
  }
}

}  // namespace

std::vector<std::string> extractive_terms(std::string_view text) { return terms_of(text, true); }

std::vector<std::string> extractive_identifiers(std::string_view question) { return identifiers_of(question); }

std::vector<std::string> extractive_content_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word, lower;
  auto flush = [&] {
    if (!word.empty() && !stop_words().count(lower)) words.push_back(word);
    word.clear();
    lower.clear();
  };
  for (const char c : text) {
    if (is_ascii_alnum(c) || static_cast<unsigned char>(c) >= 0x80) {
      word.push_back(c);
      lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    } else {
      flush();
    }
  }
  flush();
  return words;
}

namespace {

// A default question's subject: its terms but "default", sorted.
std::vector<std::string> default_subject(std::vector<std::string> query) {
  std::erase(query, "default");
  return query;
}

// How well `c`, a sentence that states a default, answers a default question (LeadFit) whose
// `subject` terms (sorted) and `identifiers` (identifiers_of) are given.
LeadFit default_fit(const std::vector<std::string>& subject, const std::vector<std::string>& identifiers,
                    const Candidate& c, std::span<const Source> sources) {
  const auto named = [&](const std::vector<std::string>& terms) {
    std::set<std::string> found;
    for (const std::string& t : terms) {
      if (std::binary_search(subject.begin(), subject.end(), t)) found.insert(t);
    }
    return found;
  };
  const std::string_view title = section_title(sources[c.source].chunk.text, c.offset);
  const std::set<std::string> in_title = named(terms_of(title, true));
  std::set<std::string> all = named(c.terms);
  all.insert(in_title.begin(), in_title.end());
  LeadFit fit;
  // The entry's own title, else the page's title and section path ("http.server — HTTP
  // servers" for a sentence of its command-line section).
  const store::ChunkRef& chunk = sources[c.source].chunk;
  const std::string headings = to_lower(std::string(title) + "\n" + chunk.title + "\n" + chunk.section);
  fit.names_identifier = std::any_of(identifiers.begin(), identifiers.end(), [&](const std::string& id) {
    return find_word(headings, id) != std::string::npos;
  });
  fit.subject = all.size();
  fit.in_title = in_title.size();
  fit.current = !opens_as_change_note(c.text);
  fit.concrete = default_has_a_number(c.text);
  return fit;
}

// The candidate sentences of `sources`, each scored for `question` (BM25 over them all, times the
// source's rank bonus, the quoted-question and short-title shares); `query`: the question's
// terms, sorted and unique.
std::vector<Candidate> scored_candidates(std::string_view question, std::span<const Source> sources, std::size_t max_chars,
                                         std::vector<std::string>& query) {
  std::vector<Candidate> candidates;
  for (std::size_t s = 0; s < sources.size(); ++s) split_sentences(sources[s].chunk.text, s, max_chars, candidates);

  const std::vector<std::string> question_words = terms_of(question, false);
  // The question's first word as written (a stemmed "does" is no longer a stop word).
  const std::size_t opening = std::min(question.size(), question.find_first_not_of(" \t\n\r"));
  const std::string_view rest = question.substr(opening);
  const std::string_view first = rest.substr(0, rest.find_first_of(" \t\n\r"));
  const bool opens_with_a_stop_word = !question_words.empty() && extractive_content_words(first).empty();
  query = terms_of(question, true);
  std::sort(query.begin(), query.end());
  query.erase(std::unique(query.begin(), query.end()), query.end());

  // BM25 over the sentences.
  const double n = static_cast<double>(candidates.size());
  double total_length = 0.0;
  std::unordered_map<std::string, std::size_t> df;
  for (const Candidate& c : candidates) {
    total_length += static_cast<double>(c.terms.size());
    const std::set<std::string> unique(c.terms.begin(), c.terms.end());
    for (const std::string& t : unique) ++df[t];
  }
  const double average = candidates.empty() ? 1.0 : std::max(1.0, total_length / n);
  constexpr double k1 = 1.2, b = 0.75;
  for (Candidate& c : candidates) {
    double score = 0.0;
    for (const std::string& q : query) {
      const auto tf = static_cast<double>(std::count(c.terms.begin(), c.terms.end(), q));
      if (tf == 0.0) continue;
      const double d = static_cast<double>(df[q]);
      const double idf = std::log(1.0 + (n - d + 0.5) / (d + 0.5));
      score += idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * static_cast<double>(c.terms.size()) / average));
    }
    c.score = score * (1.0 + 0.15 / static_cast<double>(sources[c.source].number == 0 ? c.source + 1 : sources[c.source].number));
    if (score > 0.0 && quotes_question(terms_of(c.text, false), question_words, opens_with_a_stop_word)) {
      c.score *= kQuotedQuestion;
    }
    c.short_title = !c.marked && reads_as_title(c.text) && c.terms.size() <= 3;
    if (c.short_title) c.score *= kTitleShare;
  }
  return candidates;
}

}  // namespace

ExtractiveAnswer extractive_answer(std::string_view question, std::span<const Source> sources,
                                   const ExtractiveOptions& options) {
  ExtractiveAnswer answer;
  std::vector<std::string> query;
  std::vector<Candidate> candidates = scored_candidates(question, sources, options.max_chars, query);

  std::vector<std::size_t> order(candidates.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return candidates[x].score > candidates[y].score;  // ties: source order, then document order
  });
  std::vector<std::size_t> picked;
  std::size_t chars = 0;
  // A sentence far below the best (one common term where the best has several) is noise.
  const double floor = order.empty() ? 0.0 : kRelativeFloor * candidates[order.front()].score;
  // A short title is quoted only when no sentence is: it says where an answer is, not what.
  const bool any_sentence = std::any_of(order.begin(), order.end(), [&](std::size_t i) {
    return !candidates[i].short_title && candidates[i].score > 0.0 && candidates[i].score >= floor;
  });
  for (std::size_t i : order) {
    const Candidate& c = candidates[i];
    if (picked.size() >= options.max_sentences || c.score <= 0.0 || c.score < floor) break;
    if (c.short_title && any_sentence) continue;
    if (chars + c.text.size() + c.code.size() > options.max_chars + kMaxCodeBytes) continue;
    if (chars + c.text.size() > options.max_chars) continue;
    const bool repeats = std::any_of(picked.begin(), picked.end(),
                                     [&](std::size_t p) { return jaccard(candidates[p].terms, c.terms) >= 0.7; });
    if (repeats) continue;
    picked.push_back(i);
    chars += c.text.size();
  }
  answer.matched = !picked.empty();
  if (picked.empty()) {
    // Nothing shares a term with the question: the opening of the best source, marked as such.
    for (std::size_t i = 0; i < candidates.size() && picked.size() < 2; ++i) {
      if (candidates[i].source != 0) break;
      if (chars + candidates[i].text.size() > options.max_chars) break;
      picked.push_back(i);
      chars += candidates[i].text.size();
    }
  }
  std::sort(picked.begin(), picked.end());  // candidates are in source, then document order
  lead_with_an_instruction(candidates, picked);
  if (answer.matched) {
    // The sentence that leads must be about what the question names besides its kind: its own
    // words or its section's title hold one of the question's other terms.
    const std::vector<std::string> subject = default_subject(query);
    const std::vector<std::string> identifiers = identifiers_of(question);
    const auto fit_of = [&](const Candidate& c) { return default_fit(subject, identifiers, c, sources); };
    const QuestionKind kind = question_kind(question);
    lead_with_the_permission(question, candidates, order, options.max_sentences, picked);
    lead_with_the_action(question, candidates, order, options.max_sentences, picked);
    lead_with_the_kind(kind, candidates, order, options.max_sentences, fit_of, picked);
    const auto title_of_sentence = [&](const Candidate& c) { return section_title(sources[c.source].chunk.text, c.offset); };
    lead_with_the_assignment(question, sources, candidates, order, options.max_sentences, title_of_sentence, picked);
    if (kind == QuestionKind::definition) {
      const auto title_of = [&](const Candidate& c) { return section_title(sources[c.source].chunk.text, c.offset); };
      // What the question is about is its last term ("redo" of "what does strata migrate redo
      // do"; the words before it say whose).
      const std::vector<std::string> in_order = terms_of(question, true);
      if (!in_order.empty()) {
        lead_with_the_entry(candidates, {in_order.back()}, options.max_sentences, title_of, picked);
      }
    }
  }

  std::size_t previous_source = static_cast<std::size_t>(-1);
  for (std::size_t i : picked) {
    const Candidate& c = candidates[i];
    const std::size_t number = sources[c.source].number == 0 ? c.source + 1 : sources[c.source].number;
    const bool after_code = !answer.sentences.empty() && !answer.sentences.back().code.empty();
    if (!answer.text.empty()) answer.text += c.source == previous_source && !after_code ? " " : "\n\n";
    answer.text += with_citation(c.text, number);
    if (!c.code.empty()) answer.text += "\n\n" + c.code;
    answer.sentences.push_back({number, c.offset, c.text, c.score, c.code});
    previous_source = c.source;
  }
  return answer;
}

std::vector<ExtractiveEvidence> extractive_evidence(std::string_view question, std::span<const Source> sources,
                                                    std::size_t max_chars) {
  std::vector<std::string> query;
  const std::vector<Candidate> candidates = scored_candidates(question, sources, max_chars, query);
  double best = 0.0;
  for (const Candidate& c : candidates) best = std::max(best, c.score);
  // Each source's best fit to the question's kind, as the lead rules would rank it: a default
  // question's LeadFit, a "which X" question's AssignFit, as a key compared member by member.
  const bool default_kind = question_kind(question) == QuestionKind::default_value;
  const std::vector<std::string> subject = default_subject(query);
  const std::vector<std::string> identifiers = identifiers_of(question);
  const std::optional<AssignQuestion> assign = assign_question(question);
  const std::vector<std::string> action = how_action(question);
  std::vector<std::vector<std::size_t>> fits(sources.size());
  std::vector<ExtractiveEvidence> evidence(sources.size());
  for (const Candidate& c : candidates) {
    evidence[c.source].score = std::max(evidence[c.source].score, c.score);
    // Only a sentence that could lead: as the lead rules, at least kKindLeadShare of the best.
    if (c.score <= 0.0 || c.score < kKindLeadShare * best) continue;
    std::vector<std::size_t> key;
    const store::ChunkRef& chunk = sources[c.source].chunk;
    if (assign) {
      const std::optional<AssignFit> fit = assign_fit(*assign, c, chunk, section_title(chunk.text, c.offset));
      if (fit && fit->covered == assign->sorted.size()) key = {1, fit->covered, fit->phrase ? 1u : 0u};
    } else if (default_kind && states_a_default(c.text)) {
      const LeadFit fit = default_fit(subject, identifiers, c, sources);
      if (fit.subject > 0 && fit.subject == subject.size()) {
        key = {1, fit.names_identifier ? 1u : 0u, fit.subject, fit.current ? 1u : 0u, fit.concrete ? 1u : 0u, fit.in_title};
      }
    } else if (!action.empty()) {
      key = how_fit(action, c);
    }
    fits[c.source] = std::max(fits[c.source], key);
  }
  // The fits as ranks among the sources: 0 for none, 1 for the least.
  std::vector<std::vector<std::size_t>> distinct = fits;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (std::size_t s = 0; s < sources.size(); ++s) {
    if (fits[s].empty()) continue;
    evidence[s].fit = static_cast<std::size_t>(std::lower_bound(distinct.begin(), distinct.end(), fits[s]) - distinct.begin()) +
                      (distinct.front().empty() ? 0u : 1u);
  }
  return evidence;
}

}  // namespace strata::llm
