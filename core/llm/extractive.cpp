#include "llm/extractive.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>
#include <unordered_set>

// The sentence rules of `strata chunk --strategy sentence` (abbreviations, initials, decimals,
// CJK stops), so the offline answer cuts text where the chunker would.
#include "chunk/engine.h"

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

std::vector<std::string> terms_of(std::string_view text, bool drop_stop_words) {
  std::vector<std::string> terms;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && !(drop_stop_words && stop_words().count(word))) terms.push_back(stem(word));
    word.clear();
  };
  for (char c : text) {
    if (is_ascii_alnum(c)) {
      word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      word.push_back(c);  // non-ASCII letters stay in the word (no case folding for them)
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
  std::vector<std::string> terms;  // stemmed, stop words removed, with repeats
  double score = 0.0;
};

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

// Folds whitespace and drops Markdown list, quote and heading markers at the start.
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
  return out;
}

// Mostly letters and spaces: prose, not code or a table of numbers.
bool reads_as_prose(std::string_view s) {
  std::size_t plain = 0;
  for (char c : s) plain += (is_ascii_alnum(c) || c == ' ' || static_cast<unsigned char>(c) >= 0x80) ? 1u : 0u;
  return static_cast<double>(plain) >= 0.75 * static_cast<double>(s.size());
}

void add_sentence(std::vector<Candidate>& out, std::size_t source, std::size_t offset, std::string_view raw,
                  std::size_t max_chars) {
  Candidate c;
  c.source = source;
  c.offset = offset;
  c.text = clean_sentence(raw);
  if (c.text.empty() || c.text.size() > max_chars || !reads_as_prose(c.text)) return;
  if (terms_of(c.text, false).size() < 3) return;
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
void split_sentences(std::string_view text, std::size_t source, std::size_t max_chars, std::vector<Candidate>& out) {
  const chunk::detail::Boundaries bounds(text);
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
          add_sentence(out, source, a, line, max_chars);
          a = nl + 1;
        }
      }
      add_sentence(out, source, a, text.substr(a, end - a), max_chars);
    }
    pos = next > pos ? next : text.size();
  }
}

double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::set<std::string> sa(a.begin(), a.end()), sb(b.begin(), b.end());
  if (sa.empty() && sb.empty()) return 1.0;
  std::size_t common = 0;
  for (const std::string& t : sa) common += sb.count(t);
  return static_cast<double>(common) / static_cast<double>(sa.size() + sb.size() - common);
}

// "Text." + [2] -> "Text [2]."; text without a final stop gets " [2]" appended.
std::string with_citation(const std::string& text, std::size_t number) {
  const std::string cite = " [" + std::to_string(number) + "]";
  std::size_t end = text.size();
  while (end > 0 && (text[end - 1] == '.' || text[end - 1] == '!' || text[end - 1] == '?')) --end;
  if (end == 0) return text + cite;
  return text.substr(0, end) + cite + text.substr(end);
}

}  // namespace

std::vector<std::string> extractive_terms(std::string_view text) { return terms_of(text, true); }

ExtractiveAnswer extractive_answer(std::string_view question, std::span<const Source> sources,
                                   const ExtractiveOptions& options) {
  ExtractiveAnswer answer;
  std::vector<Candidate> candidates;
  for (std::size_t s = 0; s < sources.size(); ++s) split_sentences(sources[s].text, s, options.max_chars, candidates);

  std::vector<std::string> query = terms_of(question, true);
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
  }

  std::vector<std::size_t> order(candidates.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return candidates[x].score > candidates[y].score;  // ties: source order, then document order
  });
  std::vector<std::size_t> picked;
  std::size_t chars = 0;
  // A sentence far below the best (one common term where the best has several) is noise.
  const double floor = order.empty() ? 0.0 : kRelativeFloor * candidates[order.front()].score;
  for (std::size_t i : order) {
    const Candidate& c = candidates[i];
    if (picked.size() >= options.max_sentences || c.score <= 0.0 || c.score < floor) break;
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

  std::size_t previous_source = static_cast<std::size_t>(-1);
  for (std::size_t i : picked) {
    const Candidate& c = candidates[i];
    const std::size_t number = sources[c.source].number == 0 ? c.source + 1 : sources[c.source].number;
    if (!answer.text.empty()) answer.text += c.source == previous_source ? " " : "\n\n";
    answer.text += with_citation(c.text, number);
    answer.sentences.push_back({number, c.offset, c.text, c.score});
    previous_source = c.source;
  }
  return answer;
}

}  // namespace strata::llm
