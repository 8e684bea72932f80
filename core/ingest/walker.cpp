// The walk uses POSIX directory calls rather than std::filesystem: d_type gives each entry's
// kind without a stat, fstatat/openat on the open directory resolve one name instead of a whole
// path, and O_NOFOLLOW keeps a directory swapped for a symlink mid-walk from being followed.
// Files are stat'ed once, only when they are kept.
#include "ingest/walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include "ingest/generated.h"
#include "ingest/gitignore.h"
#include "ingest/glob.h"
#include "ingest/project_root.h"

namespace strata::ingest {
namespace {

std::string reason(int error) { return std::generic_category().message(error); }

enum class EntryKind { file, directory, symlink, other, unknown };

EntryKind kind_of_dirent(unsigned char type) {
  switch (type) {
    case DT_REG: return EntryKind::file;
    case DT_DIR: return EntryKind::directory;
    case DT_LNK: return EntryKind::symlink;
    case DT_UNKNOWN: return EntryKind::unknown;
    default: return EntryKind::other;
  }
}

// For file systems that leave d_type unset.
EntryKind kind_at(int dir_fd, const char* name) {
  struct stat st{};
  if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return EntryKind::other;
  if (S_ISREG(st.st_mode)) return EntryKind::file;
  if (S_ISDIR(st.st_mode)) return EntryKind::directory;
  if (S_ISLNK(st.st_mode)) return EntryKind::symlink;
  return EntryKind::other;
}

class Directory {  // owns a DIR* (and so its fd)
 public:
  explicit Directory(DIR* dir) : dir_(dir) {}
  ~Directory() {
    if (dir_ != nullptr) ::closedir(dir_);
  }
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  DIR* get() const { return dir_; }
  int fd() const { return ::dirfd(dir_); }

 private:
  DIR* dir_;
};

// The entries of one directory, sorted by name. The names share one buffer (each followed by a
// NUL, so name().data() can go to the *at() calls) instead of one string per entry.
class Listing {
 public:
  struct Item {
    std::size_t offset;
    std::size_t length;
    EntryKind kind;
  };

  // Reads every entry but "." and ".."; returns 0 or the errno of a failed readdir.
  int read(DIR* dir) {
    for (;;) {
      errno = 0;
      const dirent* entry = ::readdir(dir);
      if (entry == nullptr) break;
      const std::string_view name(entry->d_name);
      if (name == "." || name == "..") continue;
      items_.push_back(Item{names_.size(), name.size(), kind_of_dirent(entry->d_type)});
      names_.append(name);
      names_.push_back('\0');
    }
    const int error = errno;
    std::sort(items_.begin(), items_.end(), [this](const Item& a, const Item& b) { return name(a) < name(b); });
    return error;
  }

  const std::vector<Item>& items() const { return items_; }
  std::string_view name(const Item& item) const { return {names_.data() + item.offset, item.length}; }
  bool contains(std::string_view wanted) const {
    const auto it = std::lower_bound(items_.begin(), items_.end(), wanted,
                                     [this](const Item& item, std::string_view w) { return name(item) < w; });
    return it != items_.end() && name(*it) == wanted;
  }

 private:
  std::string names_;
  std::vector<Item> items_;
};

// The whole content of a small file; nullopt with `error` set when it cannot be read.
std::optional<std::string> read_whole_file(int dir_fd, const char* name, int& error) {
  const int fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = errno;
    return std::nullopt;
  }
  std::string content;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      ::close(fd);
      return std::nullopt;
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

// Appends "/name" to `path` ('/' left out when `path` is empty or already ends with one).
void append_name(std::string& path, std::string_view name) {
  if (!path.empty() && path.back() != '/') path.push_back('/');
  path.append(name);
}

// The last name in `path` ("b" for "a/b" and "a/b/").
std::string last_name(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// "./docs/*.md" typed in a shell means "/docs/*.md" (anchored at the root) to its user. The
// '.' is dropped and the '/' kept, so the pattern stays anchored.
std::string_view without_dot_slash(std::string_view pattern) {
  while (pattern.starts_with("./") || pattern.starts_with("/./")) pattern.remove_prefix(pattern[0] == '/' ? 2 : 1);
  return pattern;
}

class Walker {
 public:
  Walker(const WalkOptions& options, const std::function<void(const WalkEntry&)>& visit,
         const std::function<void(const WalkError&)>& on_error, const std::function<void(const WalkSkip&)>& on_skip)
      : options_(options), visit_(visit), on_error_(on_error), on_skip_(on_skip) {
    for (std::string_view glob : options.globs) {
      if (glob.starts_with('!')) {
        excludes_.emplace_back(without_dot_slash(glob.substr(1)));
      } else {
        includes_.emplace_back(without_dot_slash(glob));
      }
    }
    for (std::string_view exclude : options.excludes) excludes_.emplace_back(without_dot_slash(exclude));
  }

  void walk_root(const std::string& root);

 private:
  // Pushes one name onto both current paths for the lifetime of the guard.
  class Descend {
   public:
    Descend(Walker& walker, std::string_view name)
        : walker_(walker), fs_size_(walker.fs_path_.size()), match_size_(walker.match_path_.size()) {
      append_name(walker.fs_path_, name);
      append_name(walker.match_path_, name);
    }
    ~Descend() {
      walker_.fs_path_.resize(fs_size_);
      walker_.match_path_.resize(match_size_);
    }
    Descend(const Descend&) = delete;
    Descend& operator=(const Descend&) = delete;

   private:
    Walker& walker_;
    std::size_t fs_size_;
    std::size_t match_size_;
  };

  void load_repository_rules(const std::string& root);
  std::optional<GitignoreMatcher> read_rules(int dir_fd, const char* name, const std::string& shown_path,
                                             std::string base_dir);
  // What the entries of the directory being walked share, for generated.h's questions.
  struct Folder {
    std::string_view name;      // the directory's own name
    bool sphinx_output = false;  // it is the top of a Sphinx HTML build
  };
  // Inside a Sphinx `_sources` folder: where the build's top is, to look for the HTML pages.
  struct SphinxSources {
    std::string top_fs_path;   // as fs_path_ spells it
    std::string top_relative;  // below the walk root, as relative_path() spells it ("" at the root)
    std::size_t below_start;   // where the path below `_sources/` starts in relative_path()
  };

  void walk_directory(int fd);
  void visit_entry(int dir_fd, std::string_view name, EntryKind kind, const Folder& folder);
  void enter_directory(int dir_fd, std::string_view name, const Folder& folder);
  std::optional<std::string_view> generated_kind(std::string_view name, const Folder& folder) const;
  bool page_of_source_exists() const;
  void visit_file(int dir_fd, const char* name, EntryKind kind);
  bool inside_root(const std::string& path) const;
  bool skipped(bool is_dir) const;
  bool ignored_by_git(bool is_dir) const;
  bool kept_by_globs() const;
  bool kept_by_globs(std::string_view rel) const;
  void visit(const std::string& path, const struct stat& st, bool named = false) const;
  // The current entry relative to the walk root (what --glob/--exclude see).
  std::string_view relative_path() const { return std::string_view(match_path_).substr(relative_start_); }
  void report(std::string path, std::string message) const { on_error_(WalkError{std::move(path), std::move(message)}); }

  const WalkOptions& options_;
  const std::function<void(const WalkEntry&)>& visit_;
  const std::function<void(const WalkError&)>& on_error_;
  const std::function<void(const WalkSkip&)>& on_skip_;
  std::vector<PathPattern> includes_;  // positive --glob
  std::vector<PathPattern> excludes_;  // --exclude and "!" globs
  std::vector<GitignoreMatcher> ignores_;  // .gitignore files in force, outermost first
  std::optional<GitignoreMatcher> info_exclude_;

  std::string fs_path_;     // current path as the caller will see it (root as given + names)
  std::string match_path_;  // current path relative to the repository top (else the walk root)
  std::size_t relative_start_ = 0;  // where the part below the walk root starts in match_path_
  std::string root_real_;   // the root directory's canonical path: where a link may point
  std::optional<std::string_view> generated_folder_;  // inside Sphinx's _static: every file's kind
  std::optional<SphinxSources> sphinx_sources_;       // inside Sphinx's _sources
};

void Walker::walk_root(const std::string& root) {
  struct stat st{};
  if (::stat(root.c_str(), &st) != 0) return report(root, reason(errno));
  if (S_ISREG(st.st_mode)) return visit(root, st, true);
  if (!S_ISDIR(st.st_mode)) return report(root, "not a regular file or directory");

  fs_path_ = root;
  {
    std::error_code ec;
    root_real_ = std::filesystem::canonical(root, ec).string();
  }
  match_path_.clear();
  generated_folder_.reset();
  sphinx_sources_.reset();
  ignores_.clear();
  info_exclude_.reset();
  if (options_.gitignore) load_repository_rules(root);
  relative_start_ = match_path_.empty() ? 0 : match_path_.size() + 1;
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return report(root, "cannot open directory: " + reason(errno));
  walk_directory(fd);
}

// When `root` is inside a git work tree, git would apply the .gitignore files between the
// repository top and `root` and the top's info/exclude: load them, and make match_path_ the
// root's path from the top so their anchored patterns line up.
void Walker::load_repository_rules(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path real = fs::canonical(root, ec);
  if (ec) return;
  const auto top = work_tree_top(real);
  if (!top) return;
  const std::string info = (*top / ".git/info/exclude").string();
  info_exclude_ = read_rules(AT_FDCWD, info.c_str(), info, "");

  const fs::path below = real.lexically_relative(*top);
  if (below == ".") return;  // the root is the top: its .gitignore is read by the walk
  match_path_ = below.generic_string();
  // The .gitignore of the top and of each directory down to the root's parent.
  std::string dir = top->string();
  std::string base;
  for (const fs::path& part : below) {
    std::string file = dir;
    append_name(file, ".gitignore");
    if (auto rules = read_rules(AT_FDCWD, file.c_str(), file, base)) ignores_.push_back(std::move(*rules));
    append_name(dir, part.native());
    append_name(base, part.native());
  }
}

// Rules from `name` (relative to dir_fd); nullopt when it is missing, unreadable (reported) or
// has no rules.
std::optional<GitignoreMatcher> Walker::read_rules(int dir_fd, const char* name, const std::string& shown_path,
                                                   std::string base_dir) {
  int error = 0;
  const auto content = read_whole_file(dir_fd, name, error);
  if (!content) {
    if (error != ENOENT && error != ENOTDIR) report(shown_path, "cannot read: " + reason(error));
    return std::nullopt;
  }
  auto rules = GitignoreMatcher::parse(*content, std::move(base_dir));
  if (rules.empty()) return std::nullopt;
  return rules;
}

void Walker::walk_directory(int fd) {
  Directory dir(::fdopendir(fd));
  if (dir.get() == nullptr) {
    const int error = errno;
    ::close(fd);
    return report(fs_path_, "cannot open directory: " + reason(error));
  }
  Listing listing;
  if (const int error = listing.read(dir.get()); error != 0) {
    return report(fs_path_, "cannot read directory: " + reason(error));
  }
  bool pushed = false;
  if (options_.gitignore && listing.contains(".gitignore")) {
    std::string shown = fs_path_;
    append_name(shown, ".gitignore");
    if (auto rules = read_rules(dir.fd(), ".gitignore", shown, match_path_)) {
      ignores_.push_back(std::move(*rules));
      pushed = true;
    }
  }
  const std::string folder_name = last_name(fs_path_);  // a copy: fs_path_ changes below
  Folder folder;
  folder.name = folder_name;
  folder.sphinx_output = !options_.include_generated &&
                         is_sphinx_output([&listing](std::string_view name) { return listing.contains(name); });
  for (const Listing::Item& item : listing.items()) visit_entry(dir.fd(), listing.name(item), item.kind, folder);
  if (pushed) ignores_.pop_back();
}

// REQUIRES: name.data() is NUL-terminated (Listing's names are).
void Walker::visit_entry(int dir_fd, std::string_view name, EntryKind kind, const Folder& folder) {
  if (name == ".git") return;
  if (name.front() == '.' && !options_.hidden) return;
  if (kind == EntryKind::unknown) kind = kind_at(dir_fd, name.data());
  if (kind == EntryKind::other) return;
  const bool is_dir = kind == EntryKind::directory;
  const Descend descend(*this, name);
  if (skipped(is_dir)) return;
  if (is_dir) return enter_directory(dir_fd, name, folder);
  if (!kept_by_globs()) return;
  if (const auto generated = generated_kind(name, folder)) {
    // A dangling link or a link to a folder is no file, generated or not (see visit_file).
    struct stat st{};
    if (kind == EntryKind::symlink && (::fstatat(dir_fd, name.data(), &st, 0) != 0 || !S_ISREG(st.st_mode))) return;
    if (on_skip_) on_skip_(WalkSkip{fs_path_, *generated});
    return;
  }
  visit_file(dir_fd, name.data(), kind);
}

// REQUIRES: name.data() is NUL-terminated; the Descend for `name` is in force.
void Walker::enter_directory(int dir_fd, std::string_view name, const Folder& folder) {
  const int fd = ::openat(dir_fd, name.data(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return report(fs_path_, "cannot open directory: " + reason(errno));
  const auto saved_folder = generated_folder_;
  const auto saved_sources = sphinx_sources_;
  if (!options_.include_generated && !generated_folder_) {
    if (const auto kind = generated_folder_kind(name, folder.sphinx_output)) generated_folder_ = kind;
    if (name == k_sphinx_sources_folder) {
      const std::string_view rel = relative_path();
      const std::string_view top = rel.size() > name.size() ? rel.substr(0, rel.size() - name.size() - 1) : "";
      const std::string_view fs = std::string_view(fs_path_).substr(0, fs_path_.size() - name.size());
      sphinx_sources_ = SphinxSources{std::string(fs), std::string(top), rel.size() + 1};
    }
  }
  walk_directory(fd);
  generated_folder_ = saved_folder;
  sphinx_sources_ = saved_sources;
}

std::optional<std::string_view> Walker::generated_kind(std::string_view name, const Folder& folder) const {
  if (options_.include_generated) return std::nullopt;
  if (generated_folder_) return generated_folder_;
  if (sphinx_sources_ && page_of_source_exists()) return generated::sphinx_sources;
  return generated_file_kind(name, folder.name, folder.sphinx_output);
}

// A `_sources` copy is only a duplicate when its page is ingested too: the page must exist and
// not be left out by --glob/--exclude (a run that selects only *.txt keeps the copies).
bool Walker::page_of_source_exists() const {
  const SphinxSources& s = *sphinx_sources_;
  const std::string_view rel = relative_path();
  if (rel.size() <= s.below_start) return false;
  for (const std::string& page : sphinx_page_candidates(rel.substr(s.below_start))) {
    std::string page_rel = s.top_relative;
    append_name(page_rel, page);
    std::string page_fs = s.top_fs_path;
    append_name(page_fs, page);
    struct stat st{};
    if (::stat(page_fs.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    const bool excluded = std::any_of(excludes_.begin(), excludes_.end(),
                                      [&](const PathPattern& p) { return p.matches(page_rel, false); });
    return !excluded && kept_by_globs(page_rel);
  }
  return false;
}

void Walker::visit_file(int dir_fd, const char* name, EntryKind kind) {
  struct stat st{};
  if (::fstatat(dir_fd, name, &st, 0) != 0) {
    const int error = errno;
    if (kind == EntryKind::symlink && (error == ENOENT || error == ELOOP)) return;  // dangling link
    return report(fs_path_, reason(error));
  }
  if (!S_ISREG(st.st_mode)) return;  // a link to a directory, or a special file
  if (kind == EntryKind::symlink && !options_.follow_links && !inside_root(fs_path_)) {
    if (on_skip_) on_skip_(WalkSkip{fs_path_, k_link_outside});
    return;
  }
  visit(fs_path_, st);
}

// Whether `path` (a link) resolves to a file under the root directory. A root that could not
// be resolved keeps nothing in: a link is then never taken for the folder's own.
bool Walker::inside_root(const std::string& path) const {
  std::error_code ec;
  const std::string target = std::filesystem::canonical(path, ec).string();
  if (ec || root_real_.empty()) return false;
  if (root_real_ == "/") return true;
  return target.size() > root_real_.size() && target.compare(0, root_real_.size(), root_real_) == 0 &&
         target[root_real_.size()] == '/';
}

void Walker::visit(const std::string& path, const struct stat& st, bool named) const {
  WalkEntry entry;
  entry.path = path;
  entry.named = named;
  entry.size = static_cast<std::uint64_t>(st.st_size);
  entry.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  visit_(entry);
}

bool Walker::skipped(bool is_dir) const {
  const std::string_view rel = relative_path();
  for (const PathPattern& exclude : excludes_) {
    if (exclude.matches(rel, is_dir)) return true;
  }
  return options_.gitignore && ignored_by_git(is_dir);
}

// Deepest .gitignore first: the first one with an opinion decides, as in git.
bool Walker::ignored_by_git(bool is_dir) const {
  for (auto rules = ignores_.rbegin(); rules != ignores_.rend(); ++rules) {
    const auto verdict = rules->match(match_path_, is_dir);
    if (verdict != GitignoreMatcher::Verdict::none) return verdict == GitignoreMatcher::Verdict::ignore;
  }
  return info_exclude_ && info_exclude_->match(match_path_, is_dir) == GitignoreMatcher::Verdict::ignore;
}

bool Walker::kept_by_globs() const { return kept_by_globs(relative_path()); }

bool Walker::kept_by_globs(std::string_view rel) const {
  if (includes_.empty()) return true;
  return std::any_of(includes_.begin(), includes_.end(),
                     [rel](const PathPattern& glob) { return glob.matches(rel, false); });
}

}  // namespace

void walk(const std::vector<std::string>& roots, const WalkOptions& options,
          const std::function<void(const WalkEntry&)>& visit,
          const std::function<void(const WalkError&)>& on_error, const std::function<void(const WalkSkip&)>& on_skip) {
  Walker walker(options, visit, on_error, on_skip);
  for (const std::string& root : roots) walker.walk_root(root);
}

}  // namespace strata::ingest
