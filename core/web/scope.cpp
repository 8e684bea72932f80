#include "web/scope.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace strata::web {
namespace {

// The set of path positions the pattern so far can end at, advanced one pattern token at a time:
// O(pattern x path), whatever the stars (no backtracking to blow up).
bool scope_glob_from(std::string_view p, std::string_view s) {
  std::vector<char> at(s.size() + 1, 0);
  at[0] = 1;
  for (std::size_t pi = 0; pi < p.size(); ++pi) {
    std::vector<char> next(s.size() + 1, 0);
    if (p[pi] == '*') {
      const bool crosses = pi + 1 < p.size() && p[pi + 1] == '*';
      if (crosses) ++pi;
      bool reach = false;
      for (std::size_t i = 0; i <= s.size(); ++i) {
        if (at[i]) reach = true;
        next[i] = reach ? 1 : 0;
        if (!crosses && i < s.size() && s[i] == '/') reach = false;
      }
    } else {
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (at[i] && (p[pi] == s[i] || (p[pi] == '?' && s[i] != '/'))) next[i + 1] = 1;
      }
    }
    at = std::move(next);
  }
  return at[s.size()] != 0;
}

}  // namespace

bool url_path_glob_match(std::string_view pattern, std::string_view path) {
  if (!pattern.empty() && pattern[0] == '/') return scope_glob_from(pattern, path);
  // Unanchored: try every segment start.
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '/' && scope_glob_from(pattern, path.substr(i + 1))) return true;
  }
  return false;
}

std::string path_directory(std::string_view path) {
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return "/";
  return std::string(path.substr(0, slash + 1));
}

std::string describe(ScopeVerdict verdict, std::string_view prefix) {
  switch (verdict) {
    case ScopeVerdict::in_scope:
      return "in scope";
    case ScopeVerdict::other_origin:
      return "another origin";
    case ScopeVerdict::outside_prefix:
      return "outside " + std::string(prefix);
    case ScopeVerdict::not_included:
      return "matches no include pattern";
    case ScopeVerdict::excluded:
      return "matches an exclude pattern";
  }
  return "out of scope";
}

Scope::Scope(const Url& start, std::vector<std::string> include, std::vector<std::string> exclude)
    : origin_(start.origin()),
      prefix_(path_directory(start.path)),
      include_(std::move(include)),
      exclude_(std::move(exclude)) {}

ScopeVerdict Scope::check(const Url& url) const {
  if (url.origin() != origin_) return ScopeVerdict::other_origin;
  const std::string path = url.path.empty() ? "/" : url.path;
  if (path.compare(0, prefix_.size(), prefix_) != 0) return ScopeVerdict::outside_prefix;
  for (const auto& pattern : exclude_) {
    if (url_path_glob_match(pattern, path)) return ScopeVerdict::excluded;
  }
  if (include_.empty()) return ScopeVerdict::in_scope;
  for (const auto& pattern : include_) {
    if (url_path_glob_match(pattern, path)) return ScopeVerdict::in_scope;
  }
  return ScopeVerdict::not_included;
}

}  // namespace strata::web
