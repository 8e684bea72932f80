#include "ingest/source_id.h"

#include "config/project_root.h"

namespace strata::ingest {
namespace {

namespace fs = std::filesystem;

// `path` relative to `base` when it lies strictly below it (both absolute and normal).
std::optional<std::string> relative_below(const fs::path& path, const fs::path& base) {
  const fs::path rel = path.lexically_relative(base);
  if (rel.empty() || rel == "." || *rel.begin() == "..") return std::nullopt;
  return rel.generic_string();
}

fs::path real_path(const fs::path& path) {
  std::error_code ec;
  fs::path real = fs::weakly_canonical(path, ec);
  return ec ? path : real;
}

}  // namespace

fs::path absolute_path(const fs::path& path) { return config::absolute_normal(path); }

SourceIds::SourceIds(const fs::path& root) : root_(absolute_path(root)), real_root_(real_path(root_)) {}

std::optional<std::string> SourceIds::under_root(const fs::path& abs) const { return relative_below(abs, root_); }

// Only the folder is resolved: a file that is itself a link keeps its own name (the walk
// reports links to files under their own names too).
std::optional<std::string> SourceIds::under_real_root(const fs::path& abs) {
  const std::string folder = abs.parent_path().string();
  if (folder != last_folder_ || last_real_folder_.empty()) {
    last_folder_ = folder;
    last_real_folder_ = real_path(abs.parent_path());
  }
  return relative_below(last_real_folder_ / abs.filename(), real_root_);
}

std::string SourceIds::of(const fs::path& path) {
  const fs::path abs = absolute_path(path);
  if (auto id = under_root(abs)) return *id;
  if (auto id = under_real_root(abs)) return *id;
  return abs.generic_string();
}

std::string SourceIds::folder(const fs::path& path) {
  const fs::path abs = absolute_path(path);
  if (abs == root_ || real_path(abs) == real_root_) return "";
  return of(abs);
}

std::vector<std::string> source_candidates(const std::string& typed, const fs::path& cwd, const fs::path& root) {
  if (typed.empty() || typed == "-") return {typed};
  const fs::path path = fs::path(typed).is_absolute() ? fs::path(typed) : cwd / typed;
  SourceIds ids(root);
  const std::string mapped = ids.of(path);
  if (mapped == typed) return {typed};
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return {mapped, typed};
  return {typed, mapped};
}

}  // namespace strata::ingest
