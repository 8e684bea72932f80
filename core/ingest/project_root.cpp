#include "ingest/project_root.h"

#include "ingest/source_id.h"

namespace strata::ingest {

std::optional<std::filesystem::path> work_tree_top(std::filesystem::path dir) {
  std::error_code ec;
  while (!std::filesystem::exists(dir / ".git", ec)) {
    if (dir == dir.root_path() || !dir.has_parent_path()) return std::nullopt;
    dir = dir.parent_path();
  }
  return dir;
}

std::filesystem::path project_root(const std::filesystem::path& cwd,
                                   const std::optional<std::filesystem::path>& project_file) {
  if (project_file) return absolute_path(absolute_path(*project_file).parent_path());
  const std::filesystem::path here = absolute_path(cwd);
  return work_tree_top(here).value_or(here);
}

}  // namespace strata::ingest
