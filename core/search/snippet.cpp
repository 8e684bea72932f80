#include "search/snippet.h"

#include <algorithm>
#include <cstdint>

#include "common/cjk_terms.h"
#include "common/fts_words.h"
#include "common/text.h"
#include "common/utf8.h"

namespace strata::search {
namespace {

bool is_word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool matches_at(std::string_view text, std::size_t at, std::string_view needle) {
  if (at + needle.size() > text.size()) return false;
  for (std::size_t i = 0; i < needle.size(); ++i) {
    if (lower(text[at + i]) != lower(needle[i])) return false;
  }
  return true;
}

struct Match {
  std::size_t at = 0;
  std::size_t term = 0;
};

std::vector<Match> find_matches(std::string_view text, const std::vector<std::string>& terms) {
  std::vector<Match> out;
  for (std::size_t t = 0; t < terms.size(); ++t) {
    std::string_view needle = terms[t];
    // A CJK term (a bigram, fts_query.h) is found anywhere in a run, whole; a word only at the
    // start of a word, and without its last letters (a stem's approximation).
    std::int32_t first = 0;
    const bool cjk = !needle.empty() && decode_utf8_at(needle, 0, first) > 0 && is_cjk(first);
    if (!cjk && needle.size() >= 6) needle = needle.substr(0, needle.size() - 3);
    if (needle.empty()) continue;
    for (std::size_t i = 0; i + needle.size() <= text.size(); ++i) {
      if ((cjk || i == 0 || !is_word_byte(static_cast<unsigned char>(text[i - 1]))) && matches_at(text, i, needle)) {
        out.push_back(Match{i, t});
        i += needle.size() - 1;
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) { return a.at < b.at; });
  return out;
}

// The snippet's bytes, cleaned: see make_snippet.
std::string clean(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool space = false;
  const auto put_space = [&] {
    if (!out.empty()) space = true;
  };
  std::size_t i = 0;
  while (i < raw.size()) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c < 0x20 || c == 0x7f || c == ' ') {
      put_space();
      ++i;
      continue;
    }
    std::size_t n = 1;
    if (c >= 0x80) {
      const std::optional<std::size_t> bad = find_invalid_utf8(raw.substr(i, std::min<std::size_t>(4, raw.size() - i)));
      n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (i + n > raw.size() || (bad && *bad < n)) {
        if (space) out += ' ';
        space = false;
        out += "\xEF\xBF\xBD";
        ++i;
        continue;
      }
      const std::string_view seq = raw.substr(i, n);
      // C1 controls (U+0080..U+009F) print as nothing sensible: spaces.
      if (n == 2 && c == 0xC2 && static_cast<unsigned char>(seq[1]) < 0xA0) {
        put_space();
        i += n;
        continue;
      }
      // Bidi embeddings/overrides U+202A..U+202E and isolates U+2066..U+2069 reorder what
      // follows them on a terminal: dropped.
      if (n == 3 && c == 0xE2 &&
          ((static_cast<unsigned char>(seq[1]) == 0x80 && static_cast<unsigned char>(seq[2]) >= 0xAA &&
            static_cast<unsigned char>(seq[2]) <= 0xAE) ||
           (static_cast<unsigned char>(seq[1]) == 0x81 && static_cast<unsigned char>(seq[2]) >= 0xA6 &&
            static_cast<unsigned char>(seq[2]) <= 0xA9))) {
        i += n;
        continue;
      }
    }
    if (space) out += ' ';
    space = false;
    out.append(raw.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

std::string make_snippet(std::string_view text, const std::vector<std::string>& terms, std::size_t width) {
  if (width == 0) return {};
  // A little context before the first match in the window.
  const std::size_t lead = std::min<std::size_t>(width / 5, 40);
  std::size_t start = 0;
  const std::vector<Match> matches = find_matches(text, terms);
  std::size_t best = 0;
  for (std::size_t m = 0; m < matches.size(); ++m) {
    const std::size_t from = matches[m].at > lead ? matches[m].at - lead : 0;
    std::vector<bool> seen(terms.size(), false);
    std::size_t distinct = 0;
    for (std::size_t j = m; j < matches.size() && matches[j].at < from + width; ++j) {
      if (!seen[matches[j].term]) {
        seen[matches[j].term] = true;
        ++distinct;
      }
    }
    if (distinct > best) {
      best = distinct;
      start = from;
    }
  }
  if (start >= text.size()) start = 0;
  // Start on a character, preferably a word, boundary.
  start = utf8_boundary_before(text, start);
  if (start > 0) {
    const std::size_t sp = text.find_first_of(" \t\n", start);
    if (sp != std::string_view::npos && sp - start < lead) start = sp + 1;
  }
  std::size_t end = std::min(text.size(), start + width);
  end = std::max(start, utf8_boundary_before(text, end));
  if (end < text.size()) {
    const std::size_t sp = text.find_last_of(" \t\n", end);
    if (sp != std::string_view::npos && sp > start && end - sp < 30) end = sp;
  }
  std::string out = clean(text.substr(start, end - start));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (start > 0) out.insert(0, "\xE2\x80\xA6");  // …
  if (end < text.size()) out += "\xE2\x80\xA6";
  return out;
}

}  // namespace strata::search
