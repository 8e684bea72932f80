#pragma once
// Where a project starts: the folder whose files (strata.toml, .env, migrations, documents) are
// the project's own data. Documents' identities are relative to it (ingest/source_id.h), and
// the trust model (config/trust.h) keeps the paths a project's files choose inside it.
#include <filesystem>
#include <optional>

namespace strata {

// `path` made absolute (against the working directory) and lexically normal, without a trailing
// separator: "docs/" and "./docs" are the folder "docs".
std::filesystem::path absolute_normal(const std::filesystem::path& path);

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

// True when `path` is `root` or below it, compared lexically (both made absolute and normal
// first: ".." cannot climb out unseen).
bool lexically_inside(const std::filesystem::path& path, const std::filesystem::path& root);

// True when `path`, with every symbolic link in the part of it that exists resolved, is inside
// `root` resolved the same way: a link planted in the project (`.strata -> /home/u/.ssh`) cannot
// lead out of it. A path whose resolution fails counts as outside.
// `path` made absolute with every symbolic link resolved, also links whose target does not exist
// yet (what opening or creating the file would reach); nullopt on a loop or an unreadable link.
std::optional<std::filesystem::path> resolve_links(const std::filesystem::path& path);

bool really_inside(const std::filesystem::path& path, const std::filesystem::path& root);

}  // namespace strata
