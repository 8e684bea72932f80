#pragma once
// Where migrations come from: a directory on disk, or files compiled into the binary.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "migrate/model/migration.h"

namespace strata::migrate {

// Reads every `*.sql` file in `dir` (not recursive; other files are ignored, and so are `.sql`
// files whose names do not start with a digit, listed in MigrationSet::ignored). Problems with
// individual files are collected in the result, not thrown. Throws Error(invalid_input)
// when the directory itself is missing or unreadable.
// A file that is a symbolic link is read only when it leads (every link resolved) into
// `project_root` or into `dir` itself: a link a repository planted (`R__env.sql ->
// /proc/self/environ`, `-> ~/.aws/credentials`) is never read, and is a `link-outside-project`
// problem naming the link and where it points. `project_root` empty: `dir` alone.
MigrationSet load_directory(const std::string& dir, const std::filesystem::path& project_root = {});

// The same over several directories (dbmate's repeated --migrations-dir): one set, ordered by
// version; a version used in two directories is a duplicate-version problem naming both files.
// `tool_variables`: a Sqitch project's psql variables given on the command line (--set,
// tool_layout.h's ToolVariables); given for any other set, an Error(usage) saying so.
MigrationSet load_directories(const std::vector<std::string>& dirs, const std::filesystem::path& project_root = {},
                              const std::map<std::string, std::string>& tool_variables = {});

struct NamedContent {
  std::string name;     // file name, e.g. 0001_create_documents.sql
  std::string content;
};

// The migrations folder when no flag, variable or file names one: `./migrations`, or dbmate's
// `./db/migrations` when that exists and `./migrations` does not (a dbmate project is read where
// dbmate reads it, and `migrate new` writes there, not into a new folder beside it).
std::string default_migrations_dir();

// Throws Error(invalid_input) when the default folder `dir` is a link that leads out of the
// project `root`: a repository would choose another checkout's migrations (or print files
// elsewhere under --dry-run) as it may not through migrate.dir. The user's own --dir and
// STRATA_MIGRATIONS_DIR may point anywhere; this is for the default alone, and only in a git
// work tree or a folder with a strata.toml.
void refuse_default_dir_outside(const std::string& dir, const std::filesystem::path& root);

// The same parsing over in-memory files; `origin` prefixes each file name in messages.
MigrationSet load_files(const std::vector<NamedContent>& files, const std::string& origin);

}  // namespace strata::migrate
