#include "ingest/gitignore.h"

#include <utility>

namespace strata::ingest {
namespace {

// git's trim_trailing_spaces(): drops the run of spaces at the end of the line unless the first
// of them is escaped; a backslash escapes the character after it, so "a\ " keeps its space.
std::string_view trim_trailing_spaces(std::string_view line) {
  std::size_t keep = line.size();
  bool in_spaces = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == ' ') {
      if (!in_spaces) keep = i;
      in_spaces = true;
      continue;
    }
    if (line[i] == '\\' && ++i >= line.size()) return line;  // a trailing lone '\': kept as is
    in_spaces = false;
    keep = line.size();
  }
  return line.substr(0, keep);
}

}  // namespace

GitignoreMatcher GitignoreMatcher::parse(std::string_view content, std::string base_dir) {
  GitignoreMatcher matcher;
  matcher.base_dir_ = std::move(base_dir);
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  while (!content.empty()) {
    const std::size_t eol = content.find('\n');
    std::string_view line = content.substr(0, eol);
    content.remove_prefix(eol == std::string_view::npos ? content.size() : eol + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    line = trim_trailing_spaces(line);
    const bool negated = line.starts_with('!');
    if (negated) line.remove_prefix(1);
    if (line.empty()) continue;
    matcher.rules_.push_back(Rule{PathPattern(line), negated});
  }
  return matcher;
}

GitignoreMatcher::Verdict GitignoreMatcher::match(std::string_view rel_path, bool is_dir) const {
  if (!base_dir_.empty()) {
    if (rel_path.size() <= base_dir_.size() || !rel_path.starts_with(base_dir_) ||
        rel_path[base_dir_.size()] != '/') {
      return Verdict::none;
    }
    rel_path.remove_prefix(base_dir_.size() + 1);
  }
  for (auto rule = rules_.rbegin(); rule != rules_.rend(); ++rule) {
    if (rule->pattern.matches(rel_path, is_dir)) return rule->negated ? Verdict::include : Verdict::ignore;
  }
  return Verdict::none;
}

}  // namespace strata::ingest
