#include "common/project_root.h"

#include <algorithm>
#include <iterator>
#include <vector>

namespace strata {
namespace {

namespace fs = std::filesystem;

bool below(const fs::path& path, const fs::path& root) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

}  // namespace

fs::path absolute_normal(const fs::path& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) abs = path;
  abs = abs.lexically_normal();
  // "docs/" normalises to "docs/" with an empty file name; a folder's name never ends in '/'.
  if (!abs.has_filename() && abs.has_parent_path() && abs != abs.root_path()) abs = abs.parent_path();
  return abs;
}

std::optional<fs::path> work_tree_top(fs::path dir) {
  std::error_code ec;
  while (!fs::exists(dir / ".git", ec)) {
    if (dir == dir.root_path() || !dir.has_parent_path()) return std::nullopt;
    dir = dir.parent_path();
  }
  return dir;
}

fs::path project_root(const fs::path& cwd, const std::optional<fs::path>& project_file) {
  if (project_file) return absolute_normal(absolute_normal(*project_file).parent_path());
  const fs::path here = absolute_normal(cwd);
  return work_tree_top(here).value_or(here);
}

bool lexically_inside(const fs::path& path, const fs::path& root) {
  return below(absolute_normal(path), absolute_normal(root));
}

std::optional<fs::path> resolve_links(const fs::path& path) {
  // Component by component, so that a link is followed even where its target does not exist
  // yet: fs::weakly_canonical stops at the first missing part and would take a dangling
  // `store.db -> ../../x.db` for a file inside, which SQLite would then create outside.
  const fs::path absolute = absolute_normal(path);
  fs::path resolved = absolute.root_path();  // the parts followed so far, links resolved
  int links = 0;
  std::vector<fs::path> rest(std::next(absolute.begin()), absolute.end());
  std::reverse(rest.begin(), rest.end());
  while (!rest.empty()) {
    const fs::path part = rest.back();
    rest.pop_back();
    if (part == "." || part.empty()) continue;
    if (part == "..") {
      resolved = resolved.parent_path();
      continue;
    }
    const fs::path next = resolved / part;
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(next, ec);
    if (ec || !fs::is_symlink(st)) {
      resolved = next;
      continue;
    }
    if (++links > 40) return std::nullopt;  // a loop, as the kernel's ELOOP
    const fs::path target = fs::read_symlink(next, ec);
    if (ec) return std::nullopt;
    const fs::path whole = target.is_absolute() ? target : resolved / target;
    std::vector<fs::path> parts(std::next(whole.begin()), whole.end());
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) rest.push_back(*it);
    resolved = whole.root_path();
  }
  return resolved.lexically_normal();
}

bool really_inside(const fs::path& path, const fs::path& root) {
  const auto real_root = resolve_links(root);
  const auto real = resolve_links(path);
  return real_root && real && below(*real, *real_root);
}

}  // namespace strata
