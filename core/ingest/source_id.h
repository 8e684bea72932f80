#pragma once
// A document's identity in its collection. For a file it is the path relative to the project
// root (project_root.h) when the file lies under it, so a project's store means the same
// wherever the project is checked out and whichever folder strata runs from; else the absolute
// path. Always lexically normalised with '/'.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace strata::ingest {

// `path` made absolute against the working directory and lexically normalised, without a
// trailing '/'. Symbolic links are not resolved.
std::filesystem::path absolute_path(const std::filesystem::path& path);

// The source id of files: relative to `root` when under it (".." never appears), else absolute.
// A path that is outside `root` as spelt but inside it once symbolic links in its folders are
// resolved (a root reached through a link, macOS's /tmp) is inside: one file, one id. The real
// folder of the last file's folder is remembered, since a walk names the files of one folder in
// a row.
class SourceIds {
 public:
  // REQUIRES: `root` is absolute.
  explicit SourceIds(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }
  // The id of the file at `path` (relative to the working directory, or absolute).
  std::string of(const std::filesystem::path& path);
  // The id a folder's files start with ("docs" for root/docs; "" for the root itself; the
  // absolute path for a folder outside it): what --prune compares with.
  std::string folder(const std::filesystem::path& path);

 private:
  std::optional<std::string> under_root(const std::filesystem::path& abs) const;
  std::optional<std::string> under_real_root(const std::filesystem::path& abs);

  std::filesystem::path root_;
  std::filesystem::path real_root_;
  std::string last_folder_;
  std::filesystem::path last_real_folder_;
};

// What a user may mean by a document named on the command line (`documents show SOURCE`): the
// id exactly as typed (as listed), and the id of the file the path names from `cwd`
// (`guide.md` typed in docs/ is "docs/guide.md"; an absolute path under the root is relative).
// The file's id comes first when that file exists, else the id as typed. No duplicates; a
// typed "-" or empty string is only itself.
std::vector<std::string> source_candidates(const std::string& typed, const std::filesystem::path& cwd,
                                           const std::filesystem::path& root);

}  // namespace strata::ingest
