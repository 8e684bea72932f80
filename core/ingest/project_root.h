#pragma once
// Where a project starts, for documents' identities: source ids of files are relative to it, so
// that the same file is one document whether it is named from the project's top, from one of
// its folders or by absolute path, and a store stays valid in another checkout of the project.
#include <filesystem>
#include <optional>

namespace strata::ingest {

// The top of the git work tree holding `dir`: the nearest directory, `dir` itself included,
// that has a `.git` (a directory, or the file of a linked worktree or submodule).
// REQUIRES: `dir` is absolute and lexically normal.
std::optional<std::filesystem::path> work_tree_top(std::filesystem::path dir);

// The project root seen from `cwd`: the folder holding `project_file` (the strata.toml found
// from `cwd` upward, as config::find_files finds it) when there is one, else the top of the git
// work tree holding `cwd`, else `cwd` itself. Always absolute and lexically normal.
// REQUIRES: `cwd` is absolute.
std::filesystem::path project_root(const std::filesystem::path& cwd,
                                   const std::optional<std::filesystem::path>& project_file);

}  // namespace strata::ingest
