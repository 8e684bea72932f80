#include "migrate/model/migration_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <system_error>

#include "common/error.h"
#include "common/text.h"
#include "common/project_root.h"
#include "migrate/model/migration_parser.h"
#include "migrate/model/tool_layout.h"
#include "common/setting.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;

struct Halves {
  std::optional<NamedContent> up;
  std::optional<NamedContent> down;
  FileName name;
};

// open, read, close: three system calls per file, which is what reading a directory of a
// thousand migrations costs on every command. The file is opened relative to the directory, so
// the kernel does not walk the directory's path again for each one. A short read of a regular
// file means end of file. `path` is for messages.
std::string read_whole_file(int dir_fd, const char* name, const std::string& path) {
  const int fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(ExitCode::invalid_input, path + ": cannot read file: " + std::strerror(errno));
  }
  std::string content;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw Error(ExitCode::invalid_input, path + ": cannot read file: " + std::strerror(err));
    }
    content.append(buf, static_cast<std::size_t>(n));
    if (static_cast<std::size_t>(n) < sizeof buf) break;
  }
  ::close(fd);
  return content;
}

std::string join_path(const std::string& origin, const std::string& name) {
  if (origin.empty()) return name;
  return origin.back() == '/' ? origin + name : origin + "/" + name;
}

}  // namespace

namespace {

// The files of one directory (or of the binary), with the name messages give it.
struct Origin {
  const std::vector<NamedContent>* files;
  const std::string* name;
};

// Parses every origin's files into one set, ordered by version. Pair halves join only within
// their own directory; the same version anywhere else is a duplicate naming both files.
MigrationSet load_origins(const std::vector<Origin>& origins) {
  MigrationSet set;
  std::vector<Migration> parsed;
  for (const Origin& o : origins) {
    const std::string& origin = *o.name;
    std::map<Version, Halves> pairs;  // golang-migrate halves, joined by version
    std::vector<const NamedContent*> sorted;
    for (const NamedContent& f : *o.files) sorted.push_back(&f);
    std::sort(sorted.begin(), sorted.end(),
              [](const NamedContent* a, const NamedContent* b) { return a->name < b->name; });

    for (const NamedContent* f : sorted) {
      const std::string path = join_path(origin, f->name);
      if (f->name.starts_with("R__")) {
        const std::string name = f->name.substr(3, f->name.size() - 7);
        if (auto m = parse_repeatable(name, path, f->content, set.problems)) set.repeatables.push_back(std::move(*m));
        continue;
      }
      if (!is_migration_name(f->name)) {
        set.ignored.push_back(path);
        continue;
      }
      const auto name = parse_file_name(f->name);
      if (!name && is_flyway_name(f->name)) {
        set.problems.push_back(Problem{"bad-name", path, 0,
                                       "a Flyway version strata cannot order: at most three parts of digits "
                                       "separated by . or _, the second and third at most 99 "
                                       "(V1__x.sql, V1.1__x.sql, V2.0.3__x.sql, V20240101120000__x.sql)",
                                       std::nullopt});
        continue;
      }
      if (!name) {
        // A name that starts with a digit is meant as a migration: a version too long for a
        // 64-bit integer must not be skipped silently.
        set.problems.push_back(Problem{"bad-name", path, 0,
                                       "the version has more than 18 digits (version: 1 to 18 digits, "
                                       "e.g. 20260101120000_create_users_table.sql)",
                                       std::nullopt});
        continue;
      }
      if (name->kind == FileKind::single) {
        if (auto m = parse_single_file(*name, path, f->content, set.problems)) {
          parsed.push_back(std::move(*m));
        }
        continue;
      }
      Halves& h = pairs[name->version];
      auto& slot = name->kind == FileKind::up_half ? h.up : h.down;
      if (slot) {
        set.problems.push_back(Problem{"duplicate-version", path, 0,
                                       "version " + name->version_text + " is also used by " +
                                           join_path(origin, slot->name),
                                       name->version});
        continue;
      }
      slot = *f;
      if (name->kind == FileKind::up_half || !h.up) h.name = *name;
    }
    for (auto& [version, h] : pairs) {
      if (!h.up) {
        set.problems.push_back(Problem{"parse-error", join_path(origin, h.down->name), 0,
                                       h.down->name[0] == 'U' ? "undo file has no matching V file (Flyway: U<version>__<name>.sql undoes V<version>__<name>.sql)"
                                                               : "down file has no matching .up.sql file",
                                       version});
        continue;
      }
      std::optional<std::string> down_path;
      if (h.down) down_path = join_path(origin, h.down->name);
      if (auto m = parse_pair(h.name, join_path(origin, h.up->name), h.up->content, down_path,
                              h.down ? std::string_view(h.down->content) : std::string_view{},
                              set.problems)) {
        parsed.push_back(std::move(*m));
      }
    }
  }

  std::sort(set.repeatables.begin(), set.repeatables.end(),
            [](const Migration& a, const Migration& b) { return a.name < b.name; });
  for (std::size_t i = 1; i < set.repeatables.size(); ++i) {
    if (set.repeatables[i].name == set.repeatables[i - 1].name) {
      set.problems.push_back(Problem{"duplicate-version", set.repeatables[i].file, 0,
                                     "repeatable migration R__" + set.repeatables[i].name + " is also " +
                                         set.repeatables[i - 1].file,
                                     std::nullopt});
    }
  }
  const auto by_version = [](const Migration& a, const Migration& b) { return a.version < b.version; };
  // Names zero-padded to one width already sort by version: then moving every migration through
  // a merge sort is wasted.
  if (!std::is_sorted(parsed.begin(), parsed.end(), by_version)) std::stable_sort(parsed.begin(), parsed.end(), by_version);
  set.migrations.reserve(parsed.size());
  for (Migration& m : parsed) {
    if (!set.migrations.empty() && set.migrations.back().version == m.version) {
      set.problems.push_back(Problem{"duplicate-version", m.file, 0,
                                     "version " + m.version_text + " is also used by " +
                                         set.migrations.back().file,
                                     m.version});
      continue;
    }
    set.migrations.push_back(std::move(m));
  }
  return set;
}

// Where the link `path` leads when that is outside both `root` (unless empty) and `dir`; nullopt
// when it stays inside. A link that cannot be resolved (a loop) counts as outside.
std::optional<std::string> link_outside(const std::string& path, const std::string& dir, const fs::path& root) {
  if ((!root.empty() && really_inside(path, root)) || really_inside(path, dir)) return std::nullopt;
  const std::optional<fs::path> target = resolve_links(path);
  return target ? target->string() : std::string("a link that does not resolve");
}

}  // namespace

std::string default_migrations_dir() {
  std::error_code ec;
  if (!fs::exists("migrations", ec) && fs::is_directory("db/migrations", ec)) return "./db/migrations";
  // A Prisma or Drizzle project without a ./migrations: its own folder (tool_layout.h).
  if (!fs::exists("migrations", ec)) {
    for (const char* dir : {"./prisma/migrations", "./drizzle"}) {
      std::string found = dir;
      if (fs::is_directory(dir, ec) && find_tool_layout(found) != nullptr) return found;
    }
    // A Sqitch project: sqitch.plan at the top, deploy/ revert/ verify/ beside it.
    if (fs::is_regular_file("sqitch.plan", ec)) return ".";
  }
  return "./migrations";
}

void refuse_default_dir_outside(const std::string& dir, const fs::path& root) {
  std::error_code ec;
  if (root.empty() || !fs::exists(dir, ec) || really_inside(dir, root)) return;
  // Only in a project someone else could have written (a git work tree, a strata.toml): in a
  // folder that is neither, the link is the user's own.
  if (!work_tree_top(absolute_normal(root)) && !fs::exists(root / "strata.toml", ec)) return;
  const std::optional<fs::path> target = resolve_links(dir);
  throw Error(ExitCode::invalid_input,
              dir + ": leads to " + (target ? target->string() : std::string("a link that does not resolve")) +
                  ", outside the project (" + root.string() + "): not read as the default migrations directory",
              "to read it, name it yourself: " + mention(Setting::dir) + " " + dir);
}

namespace {

// Every `*.sql` entry of `dir`, read. Throws Error(invalid_input) when the directory is missing
// or unreadable, or a `.sql` name is not a regular file. A link out of the project (see
// load_directory) is not read: a problem in `problems`.
std::vector<NamedContent> read_directory(const std::string& dir, const fs::path& root, std::vector<Problem>& problems) {
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) {
    throw Error(ExitCode::invalid_input, dir + ": migrations directory does not exist",
                "create it with `strata migrate new NAME`, or pass " + mention(Setting::dir));
  }
  if (!fs::is_directory(st)) {
    throw Error(ExitCode::invalid_input, dir + ": not a directory");
  }
  // readdir and openat rather than std::filesystem: no path objects, and one path walk in all.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* d = dir_fd < 0 ? nullptr : ::fdopendir(dir_fd);
  if (d == nullptr) {
    const int err = errno;
    if (dir_fd >= 0) ::close(dir_fd);
    throw Error(ExitCode::invalid_input, dir + ": cannot read directory: " + std::strerror(err));
  }
  std::vector<NamedContent> files;
  try {
    while (const dirent* entry = ::readdir(d)) {
      const std::string_view name = entry->d_name;
      if (name.size() < 4 || name.substr(name.size() - 4) != ".sql") continue;
      if (!is_migration_name(name)) {
        // Not a migration name (a schema.sql dump kept here): listed as ignored, never read.
        files.push_back(NamedContent{std::string(name), {}});
        continue;
      }
      // A line break in a name would carry a line of the name's choosing into everything that
      // prints it: a forged "applied" line on the terminal, SQL in a dump's comment that `load`
      // then runs. No peer's migration names hold one. (Escape sequences are the output layer's
      // to remove: cli/terminal_filter.h.)
      if (name.find_first_of("\n\r") != std::string_view::npos) {
        throw Error(ExitCode::invalid_input,
                    join_path(dir, escape_control_characters(name)) + ": a file name with a line break, not a migration name",
                    "migrations are files named VERSION_NAME.sql; rename it");
      }
      const std::string path = join_path(dir, std::string(name));
      // d_type says it for most file systems; a symbolic link counts as what it points to.
      bool regular = entry->d_type == DT_REG;
      bool directory = entry->d_type == DT_DIR;
      bool link = entry->d_type == DT_LNK;
      if (entry->d_type == DT_UNKNOWN) {
        struct stat self {};
        link = ::fstatat(dir_fd, entry->d_name, &self, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(self.st_mode);
      }
      if (entry->d_type == DT_UNKNOWN || link) {
        struct stat target {};
        const bool found = ::fstatat(dir_fd, entry->d_name, &target, 0) == 0;
        regular = found && S_ISREG(target.st_mode);
        directory = found && S_ISDIR(target.st_mode);
      }
      // A .sql name that is no file (a directory, a dangling link) would otherwise be a migration
      // silently left out of every run.
      if (!regular) {
        throw Error(ExitCode::invalid_input,
                    path + (directory ? ": is a directory" : ": is not a regular file") + ", not a migration file",
                    "migrations are files named VERSION_NAME.sql; rename or remove it");
      }
      if (link) {
        if (const std::optional<std::string> target = link_outside(path, dir, root)) {
          problems.push_back(Problem{"link-outside-project", path, 0,
                                     "a symbolic link to " + *target +
                                         ", outside the project: not read (a migration file must be in the project)",
                                     std::nullopt});
          continue;
        }
      }
      files.push_back(NamedContent{std::string(name), read_whole_file(dir_fd, entry->d_name, path)});
    }
  } catch (...) {
    ::closedir(d);
    throw;
  }
  ::closedir(d);
  return files;
}

}  // namespace

MigrationSet load_files(const std::vector<NamedContent>& files, const std::string& origin) {
  return load_origins({Origin{&files, &origin}});
}

MigrationSet load_directories(const std::vector<std::string>& dirs, const fs::path& project_root,
                              const ToolVariables& tool_variables) {
  // A Prisma, Drizzle or Sqitch project is read as its tool reads it (tool_layout.h).
  const ToolLayout* layout = nullptr;
  if (dirs.size() == 1) {
    std::string dir = dirs.front();
    layout = find_tool_layout(dir);
    if (layout != nullptr && (layout->reads_variables || tool_variables.empty())) {
      MigrationSet set = layout->load(dir, tool_variables);
      // Sqitch hands variables to psql alone among its clients that strata runs.
      if (!tool_variables.empty() && !set.provider.empty() && set.provider != "pg") {
        throw Error(ExitCode::usage, mention(Setting::tool_variable) + ": " + dir + " is a Sqitch project for " +
                                         set.provider + "; strata reads Sqitch's variables in PostgreSQL (psql) scripts only");
      }
      return set;
    }
  }
  if (!tool_variables.empty()) {
    throw Error(ExitCode::usage,
                mention(Setting::tool_variable) + ": " + dirs.front() + " is " +
                    (layout != nullptr ? std::string("a ") + layout->tool + " project" : std::string("not a Sqitch project")) +
                    "; variables are for a Sqitch project's psql scripts",
                "leave " + mention(Setting::tool_variable) + " out, or point " + mention(Setting::dir) +
                    " at the folder holding sqitch.plan");
  }
  std::vector<std::vector<NamedContent>> contents;
  std::vector<Problem> links;
  contents.reserve(dirs.size());
  for (const std::string& dir : dirs) contents.push_back(read_directory(dir, project_root, links));
  std::vector<Origin> origins;
  for (std::size_t i = 0; i < dirs.size(); ++i) origins.push_back(Origin{&contents[i], &dirs[i]});
  MigrationSet set = load_origins(origins);
  std::sort(links.begin(), links.end(), [](const Problem& a, const Problem& b) { return a.file < b.file; });
  set.problems.insert(set.problems.begin(), links.begin(), links.end());
  return set;
}

MigrationSet load_directory(const std::string& dir, const fs::path& project_root) {
  return load_directories({dir}, project_root);
}

}  // namespace strata::migrate
