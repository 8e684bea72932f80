#pragma once
// The file walker behind `strata ingest PATH...`: which files under the given paths become
// documents. Deterministic, honours .gitignore files as git does, and reports what it could not
// read without stopping.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::ingest {

struct WalkOptions {
  // --glob: when at least one pattern without '!' is given, only files matching one of them
  // are kept. A "!pattern" excludes instead, like --exclude. Patterns are glob.h PathPatterns
  // matched against the path relative to the walk root: without a '/' (other than a trailing
  // one) a pattern matches the base name at any depth ("*.md"); with one it is anchored to the
  // walk root ("docs/**/*.md", "/docs/*.md", "./docs/*.md"). Positive patterns are tried on
  // files only, so "docs/" never keeps anything: write "docs/**". Default: none (every file).
  std::vector<std::string> globs;
  // --exclude: files or directories matching any pattern are skipped, directories without
  // being entered. Same syntax as globs; a leading '!' has no special meaning here. Wins over
  // --glob. Default: none.
  std::vector<std::string> excludes;
  // --hidden: also walk names starting with '.' (files and directories). `.git` is never
  // walked, even so. Default: false.
  bool hidden = false;
  // false for --no-ignore: .gitignore files and .git/info/exclude are not read. Default: true.
  bool gitignore = true;
  // --include-generated: also visit the generated and non-text files of generated.h (SVG,
  // search indexes, Sphinx's _sources copies, ...) instead of reporting them to `on_skip`.
  // Default: false.
  bool include_generated = false;
  // --follow-links: also visit links to files outside the root directory being walked. By
  // default such a link (`creds.md -> ../secret/creds.txt` in a cloned repository) goes to
  // `on_skip` as k_link_outside: what it points at is not the folder's to give. Default: false.
  bool follow_links = false;
};

// WalkSkip::kind of a link to a file outside the root directory (see WalkOptions::follow_links).
inline constexpr std::string_view k_link_outside = "link-outside";

struct WalkEntry {
  // The walk root as given joined with the path below it ("docs" + "a/b.md" -> "docs/a/b.md",
  // "./x" stays "./x/..."); not made absolute or normalised: that is the caller's job.
  std::filesystem::path path;
  std::uint64_t size = 0;     // bytes, from the same stat as mtime_ns
  std::int64_t mtime_ns = 0;  // modification time, ns since the Unix epoch
  bool named = false;         // the file is a root: the user named it
};

// A file below a root that is not a document by default (see generated.h).
struct WalkSkip {
  std::filesystem::path path;  // as walk() built it (see WalkEntry::path)
  std::string_view kind;       // one of generated.h's kinds, or k_link_outside
};

struct WalkError {
  std::string path;     // as walk() built it (see WalkEntry::path)
  std::string message;  // what failed and the system's reason, e.g. "No such file or directory"
};

// Visits every regular file under each root.
//
// Order: roots in the order given; within a directory, entries sorted by the byte order of their
// names, files and directories interleaved by name (so "b/x" comes before "b.md").
//
// Roots: a root that is a file is always visited, whatever the options say (the user named
// it). A root that is a directory is always entered, even when hidden or ignored. A missing or
// unreadable root, or one that is neither a file nor a directory, goes to `on_error` and the
// walk goes on with the next root.
//
// Below a root directory:
//   - `.git` (directory or file) is never entered or visited;
//   - names starting with '.' are skipped unless `options.hidden`; `.gitignore` itself is hidden;
//   - --exclude and "!" globs, then .gitignore rules, decide whether an entry is skipped; a
//     skipped directory is not entered, so nothing below it can be re-included (as in git);
//   - positive --glob patterns then filter files;
//   - symbolic links to files are visited with their target's size and mtime when the target
//     is inside the root directory (or with options.follow_links); a link to a file outside it
//     goes to `on_skip` (k_link_outside); links to directories are not followed (no cycles, no
//     escaping the tree) and dangling links are skipped; fifos, sockets and devices are
//     skipped. All of these but the links leaving the root silently.
//   - a directory or .gitignore file that cannot be read goes to `on_error`; the rest goes on.
//   - unless `options.include_generated`, files that a tool generated from the real pages or
//     that hold no text for a reader (generated.h) go to `on_skip` instead of `visit`, after
//     every other rule kept them: files named by name, everything in a Sphinx build's
//     `_static/`, and a Sphinx `_sources/` copy when the HTML page it copies exists and is not
//     left out by --glob/--exclude. A root that is such a file is still visited (the user
//     named it), and a root that is a `_sources` or `_static` folder is walked as any folder.
//
// .gitignore rules (when options.gitignore), with git's precedence: the .gitignore of each
// directory applies to its subtree; a deeper file's verdict beats a shallower one's, and within
// one file the last matching rule wins; .git/info/exclude comes last.
//   - Inside a git work tree (the root or one of its parents holds `.git`): the .gitignore
//     files from the repository top down to the root apply too, and the top's
//     .git/info/exclude, with patterns anchored where git anchors them. The root's own parents
//     are not checked for being ignored (see "Roots").
//   - Outside any work tree, the .gitignore files met while walking are still honoured, anchored
//     at their own directories: a folder of documents copied out of a repository behaves the
//     same, and a .gitignore is a clear enough statement of intent either way.
//   - Not read: core.excludesFile (the user's global ignores vary by machine, and a collection
//     should not depend on them), the .git/info/exclude of repositories nested in the walk;
//     the rules of the enclosing repository keep applying inside nested ones.
//
// `visit` may throw; the walk then stops and the exception propagates (nothing leaks).
// REQUIRES: `visit` and `on_error` are callable; `on_skip` may be empty (skipped silently).
void walk(const std::vector<std::string>& roots, const WalkOptions& options,
          const std::function<void(const WalkEntry&)>& visit,
          const std::function<void(const WalkError&)>& on_error,
          const std::function<void(const WalkSkip&)>& on_skip = {});

}  // namespace strata::ingest
