// A port of git's wildmatch.c (WM_PATHNAME, case-sensitive) to string_view. Following its
// structure rather than compiling globs to regexes keeps its corner cases identical to git's
// (bracket quirks, "**" only as a whole segment) and costs no allocation per match.
#include "ingest/glob.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

namespace strata::ingest {
namespace {

// The four results of wildmatch. The two aborts prune the backtracking: once the text is used up
// no later start for a '*' can help (all), and a '*' that cannot cross a '/' hands back to the
// nearest enclosing "**" (to_double_star).
enum class Match { match, no_match, abort_all, abort_to_double_star };

char at(std::string_view s, std::size_t i) { return i < s.size() ? s[i] : '\0'; }

bool is_glob_special(char c) { return c == '*' || c == '?' || c == '[' || c == '\\'; }

// Whether `c` is in the [:name:] class; nullopt for an unknown name (the pattern then matches
// nothing, as in git).
std::optional<bool> in_class(std::string_view name, unsigned char c) {
  if (name == "alnum") return std::isalnum(c) != 0;
  if (name == "alpha") return std::isalpha(c) != 0;
  if (name == "blank") return c == ' ' || c == '\t';
  if (name == "cntrl") return std::iscntrl(c) != 0;
  if (name == "digit") return std::isdigit(c) != 0;
  if (name == "graph") return std::isgraph(c) != 0;
  if (name == "lower") return std::islower(c) != 0;
  if (name == "print") return std::isprint(c) != 0;
  if (name == "punct") return std::ispunct(c) != 0;
  if (name == "space") return std::isspace(c) != 0;
  if (name == "upper") return std::isupper(c) != 0;
  if (name == "xdigit") return std::isxdigit(c) != 0;
  return std::nullopt;
}

// Matches the bracket expression opening at pattern[p] ('[') against `c`. On return `p` is on
// the closing ']'. Returns match / no_match, or abort_all for a malformed bracket, whatever `c`
// is; `problem`, when given, then says what is wrong (glob_problem reports it).
Match match_bracket(std::string_view pattern, std::size_t& p, unsigned char c, std::string* problem = nullptr) {
  const std::size_t open = p;
  const auto malformed = [&](std::string what) {
    if (problem != nullptr) *problem = std::move(what);
    return Match::abort_all;
  };
  const auto unclosed = [&] {
    return malformed("'[' at character " + std::to_string(open + 1) + " is never closed by ']'");
  };
  ++p;
  bool negated = false;
  if (at(pattern, p) == '!' || at(pattern, p) == '^') {
    negated = true;
    ++p;
  }
  bool matched = false;
  unsigned char prev = 0;  // start of a possible range; 0 after a range or a class
  // The first member is taken literally even when it is ']', as in git ("[]a]").
  while (true) {
    if (p >= pattern.size()) return unclosed();
    auto pc = static_cast<unsigned char>(pattern[p]);
    if (pc == '\\') {
      if (++p >= pattern.size()) return unclosed();
      pc = static_cast<unsigned char>(pattern[p]);
      if (c == pc) matched = true;
    } else if (pc == '-' && prev != 0 && p + 1 < pattern.size() && pattern[p + 1] != ']') {
      auto hi = static_cast<unsigned char>(pattern[++p]);
      if (hi == '\\') {
        if (++p >= pattern.size()) return unclosed();
        hi = static_cast<unsigned char>(pattern[p]);
      }
      if (c >= prev && c <= hi) matched = true;
      pc = 0;
    } else if (pc == '[' && at(pattern, p + 1) == ':') {
      const std::size_t name_start = p + 2;
      const std::size_t close = pattern.find(']', name_start);
      if (close == std::string_view::npos) return unclosed();
      if (close == name_start || pattern[close - 1] != ':') {
        // Not "[:name:]": the '[' is an ordinary member and scanning resumes after it.
        if (c == '[') matched = true;
      } else {
        const std::string_view name = pattern.substr(name_start, close - 1 - name_start);
        const auto in = in_class(name, c);
        if (!in) {
          return malformed("[:" + std::string(name) + ":] is not a character class (alnum, alpha, blank, cntrl, digit, "
                           "graph, lower, print, punct, space, upper, xdigit)");
        }
        if (*in) matched = true;
        p = close;
        pc = 0;
      }
    } else if (c == pc) {
      matched = true;
    }
    prev = pc;
    if (at(pattern, ++p) == ']') break;
  }
  return matched != negated && c != '/' ? Match::match : Match::no_match;
}

// What match_from returned for (pattern position, text position), once asked. wildmatch's
// backtracking is exponential in the stars of a pattern like "*a*a*a*a*a*a*b" against a long
// run of 'a's (git stalls on it too); with each (p, t) computed once it is O(stars x text^2),
// which a walk over an untrusted checkout can afford. Used only for patterns with two or more
// stars, so the common pattern allocates nothing.
class Memo {
 public:
  Memo(std::size_t pattern_size, std::size_t text_size)
      : width_(text_size + 1), cells_((pattern_size + 1) * (text_size + 1), kUnknown) {}
  std::optional<Match> get(std::size_t p, std::size_t t) const {
    const signed char v = cells_[p * width_ + t];
    return v == kUnknown ? std::nullopt : std::optional<Match>(static_cast<Match>(v));
  }
  Match put(std::size_t p, std::size_t t, Match m) {
    cells_[p * width_ + t] = static_cast<signed char>(m);
    return m;
  }

 private:
  static constexpr signed char kUnknown = -1;
  std::size_t width_;
  std::vector<signed char> cells_;
};

Match match_from(std::string_view pattern, std::size_t p, std::string_view text, std::size_t t, Memo* memo);

// match_from, remembered in `memo` when there is one.
Match match_from_memo(std::string_view pattern, std::size_t p, std::string_view text, std::size_t t, Memo* memo) {
  if (memo == nullptr) return match_from(pattern, p, text, t, nullptr);
  if (const std::optional<Match> known = memo->get(p, t)) return *known;
  return memo->put(p, t, match_from(pattern, p, text, t, memo));
}

// pattern[p] is a '*'. Tries every split of the remaining text, the way wildmatch does.
Match match_star(std::string_view pattern, std::size_t p, std::string_view text, std::size_t t, Memo* memo) {
  const std::size_t first = p++;
  bool crosses_slash = false;  // only "**" as a whole segment may span directories
  if (at(pattern, p) == '*') {
    while (at(pattern, ++p) == '*') {
    }
    const bool segment_start = first == 0 || pattern[first - 1] == '/';
    const char next = at(pattern, p);
    if (segment_start && (p >= pattern.size() || next == '/' || (next == '\\' && at(pattern, p + 1) == '/'))) {
      // "**/" may match no directory at all: "a/**/b" matches "a/b".
      if (next == '/' && match_from_memo(pattern, p + 1, text, t, memo) == Match::match) return Match::match;
      crosses_slash = true;
    }
  }
  if (p >= pattern.size()) {
    // A trailing "**" takes everything; a trailing "*" only what is left of this segment.
    return crosses_slash || text.find('/', t) == std::string_view::npos ? Match::match : Match::no_match;
  }
  if (!crosses_slash && pattern[p] == '/') {
    // "*/" takes the rest of this segment; the '/' must then match.
    const std::size_t slash = text.find('/', t);
    if (slash == std::string_view::npos) return Match::no_match;
    return match_from_memo(pattern, p + 1, text, slash + 1, memo);
  }
  for (; t < text.size(); ++t) {
    if (!is_glob_special(pattern[p])) {
      // Skip ahead to the next occurrence of the literal that follows the star.
      while (t < text.size() && text[t] != pattern[p] && (crosses_slash || text[t] != '/')) ++t;
      if (t >= text.size() || text[t] != pattern[p]) return Match::no_match;
    }
    const Match m = match_from_memo(pattern, p, text, t, memo);
    if (m != Match::no_match) {
      if (!crosses_slash || m != Match::abort_to_double_star) return m;
    } else if (!crosses_slash && text[t] == '/') {
      return Match::abort_to_double_star;
    }
  }
  return Match::abort_all;
}

Match match_from(std::string_view pattern, std::size_t p, std::string_view text, std::size_t t, Memo* memo) {
  for (; p < pattern.size(); ++p, ++t) {
    const char pc = pattern[p];
    if (t >= text.size() && pc != '*') return Match::abort_all;
    const char tc = at(text, t);
    switch (pc) {
      case '\\':
        if (++p >= pattern.size() || pattern[p] != tc) return Match::no_match;
        break;
      case '?':
        if (tc == '/') return Match::no_match;
        break;
      case '*':
        return match_star(pattern, p, text, t, memo);
      case '[': {
        const Match m = match_bracket(pattern, p, static_cast<unsigned char>(tc));
        if (m != Match::match) return m;
        break;
      }
      default:
        if (tc != pc) return Match::no_match;
    }
  }
  return t >= text.size() ? Match::match : Match::no_match;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  if (std::count(pattern.begin(), pattern.end(), '*') < 2) return match_from(pattern, 0, path, 0, nullptr) == Match::match;
  Memo memo(pattern.size(), path.size());
  return match_from(pattern, 0, path, 0, &memo) == Match::match;
}

std::optional<std::string> glob_problem(std::string_view pattern) {
  // Walks the pattern the way match_from does; a bracket is parsed by match_bracket itself, so
  // what is refused here is exactly what makes matching abort.
  for (std::size_t p = 0; p < pattern.size(); ++p) {
    if (pattern[p] == '\\') {
      if (++p >= pattern.size()) return "the '\\' at its end escapes nothing (write '\\\\' to match a backslash)";
    } else if (pattern[p] == '[') {
      std::string problem;
      if (match_bracket(pattern, p, 'a', &problem) == Match::abort_all) return problem;
    }
  }
  return std::nullopt;
}

PathPattern::PathPattern(std::string_view pattern) {
  if (!pattern.empty() && pattern.back() == '/') {
    dir_only_ = true;
    pattern.remove_suffix(1);
  }
  base_name_only_ = pattern.find('/') == std::string_view::npos;
  if (!base_name_only_ && pattern.front() == '/') pattern.remove_prefix(1);
  glob_ = pattern;
}

bool PathPattern::matches(std::string_view rel_path, bool is_dir) const {
  if (dir_only_ && !is_dir) return false;
  if (!base_name_only_) return glob_match(glob_, rel_path);
  const std::size_t slash = rel_path.rfind('/');
  return glob_match(glob_, slash == std::string_view::npos ? rel_path : rel_path.substr(slash + 1));
}

}  // namespace strata::ingest
