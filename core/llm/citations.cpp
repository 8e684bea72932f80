#include "llm/citations.h"

#include <algorithm>
#include <optional>
#include <set>

#include "common/text.h"

namespace strata::llm {
namespace {

// Parses the inside of a bracket; nullopt when it is not a list of numbers and ranges.
std::optional<std::vector<std::size_t>> parse_numbers(std::string_view s) {
  std::vector<std::size_t> numbers;
  std::size_t i = 0;
  auto skip_spaces = [&] {
    while (i < s.size() && s[i] == ' ') ++i;
  };
  auto number = [&]() -> std::optional<std::size_t> {
    const std::size_t start = i;
    std::size_t value = 0;
    while (i < s.size() && is_ascii_digit(s[i]) && i - start < 6) value = value * 10 + static_cast<std::size_t>(s[i++] - '0');
    if (i == start || (i < s.size() && is_ascii_digit(s[i]))) return std::nullopt;
    return value;
  };
  skip_spaces();
  while (true) {
    const auto first = number();
    if (!first) return std::nullopt;
    skip_spaces();
    std::size_t last = *first;
    const bool dash = i < s.size() && s[i] == '-';
    const bool en_dash = s.substr(i, 3) == "\xE2\x80\x93";
    if (dash || en_dash) {
      i += dash ? 1 : 3;
      skip_spaces();
      const auto second = number();
      if (!second || *second < *first || *second - *first > kMaxCitationRange) return std::nullopt;
      last = *second;
      skip_spaces();
    }
    for (std::size_t n = *first; n <= last; ++n) numbers.push_back(n);
    if (i == s.size()) return numbers;
    if (s[i] != ',' && s[i] != ';') return std::nullopt;
    ++i;
    skip_spaces();
  }
}

// The length of the run of `c` at i.
std::size_t run_of(std::string_view t, std::size_t i, char c) {
  std::size_t j = i;
  while (j < t.size() && t[j] == c) ++j;
  return j - i;
}

bool at_line_start(std::string_view t, std::size_t i) {
  std::size_t j = i;
  std::size_t spaces = 0;
  while (j > 0 && t[j - 1] == ' ' && spaces < 4) {
    --j;
    ++spaces;
  }
  return spaces <= 3 && (j == 0 || t[j - 1] == '\n');
}

}  // namespace

CitationReport check_citations(std::string_view t, std::size_t source_count) {
  CitationReport report;
  std::size_t last_marker_end = static_cast<std::size_t>(-1);
  std::size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    // Fenced code block: skip to the closing fence of the same character, at least as long.
    if ((c == '`' || c == '~') && at_line_start(t, i) && run_of(t, i, c) >= 3) {
      const std::size_t fence = run_of(t, i, c);
      std::size_t p = t.find('\n', i);
      while (p != std::string_view::npos) {
        std::size_t q = p + 1;
        while (q < t.size() && t[q] == ' ' && q - p <= 3) ++q;
        if (run_of(t, q, c) >= fence) {
          p = t.find('\n', q);
          break;
        }
        p = t.find('\n', q);
      }
      i = p == std::string_view::npos ? t.size() : p;
      continue;
    }
    // Inline code: a backtick run closed by a run of the same length.
    if (c == '`') {
      const std::size_t n = run_of(t, i, '`');
      std::size_t p = i + n;
      std::size_t close = std::string_view::npos;
      while ((p = t.find('`', p)) != std::string_view::npos) {
        const std::size_t m = run_of(t, p, '`');
        if (m == n) {
          close = p;
          break;
        }
        p += m;
      }
      i = close == std::string_view::npos ? i + n : close + n;
      continue;
    }
    if (c != '[') {
      ++i;
      continue;
    }
    const std::size_t close = t.find_first_of("]\n[", i + 1);
    if (close == std::string_view::npos || t[close] != ']') {
      ++i;
      continue;
    }
    const char before = i == 0 ? ' ' : t[i - 1];
    const bool chained = i == last_marker_end;
    // After a non-citation bracket: a Markdown reference link "[text][1]" or an index "m[i][1]".
    const bool after_bracket = !chained && before == ']';
    const bool link = close + 1 < t.size() && t[close + 1] == '(';
    const auto numbers = parse_numbers(t.substr(i + 1, close - i - 1));
    if (numbers && !after_bracket && !link) {
      report.markers.push_back({i, close + 1 - i, *numbers});
      last_marker_end = close + 1;
    }
    i = close + 1;
  }

  std::set<std::size_t> cited, unknown;
  for (const CitationMarker& m : report.markers) {
    for (std::size_t n : m.numbers) (n >= 1 && n <= source_count ? cited : unknown).insert(n);
  }
  report.cited.assign(cited.begin(), cited.end());
  report.unknown.assign(unknown.begin(), unknown.end());
  for (std::size_t n = 1; n <= source_count; ++n) {
    if (!cited.count(n)) report.uncited.push_back(n);
  }
  return report;
}

std::string without_citations(std::string_view answer) {
  // Any number counts here: the markers named sources of an earlier turn, whatever their count.
  const CitationReport report = check_citations(answer, kMaxCitationRange);
  std::string out;
  std::size_t at = 0;
  for (const CitationMarker& m : report.markers) {
    out.append(answer.substr(at, m.offset - at));
    if (!out.empty() && out.back() == ' ') out.pop_back();  // "text [1]." -> "text."
    at = m.offset + m.length;
  }
  out.append(answer.substr(at));
  return out;
}

}  // namespace strata::llm
