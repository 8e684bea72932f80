// walk(): order, hidden files, roots, errors, --glob/--exclude, symlinks, and .gitignore files
// nested and above the root. The .gitignore scenarios were checked against
// `git ls-files --others --exclude-standard` (git 2.39) on the same trees; see each test.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ingest/walker.h"
#include "test_util.h"

namespace strata::ingest {
namespace {

using strata::testing::TempDir;
using strata::testing::write_file;
using Paths = std::vector<std::string>;

struct WalkResult {
  Paths paths;  // relative to the temp dir, for readable expectations
  std::vector<WalkError> errors;
};

class WalkerTest : public ::testing::Test {
 protected:
  // Roots are given relative to the temp dir.
  WalkResult walk_in(const Paths& roots, const WalkOptions& options = {}) {
    Paths absolute;
    for (const std::string& root : roots) absolute.push_back(dir_ / root);
    WalkResult result;
    const std::string prefix = dir_.path().string() + "/";
    walk(
        absolute, options,
        [&](const WalkEntry& entry) {
          const std::string path = entry.path.string();
          result.paths.push_back(path.starts_with(prefix) ? path.substr(prefix.size()) : path);
        },
        [&](const WalkError& error) { result.errors.push_back(error); });
    return result;
  }

  void touch(const std::string& path, const std::string& content = "x") { write_file(dir_ / path, content); }

  TempDir dir_;
};

TEST_F(WalkerTest, SortedByNameBytesWithFilesAndDirectoriesInterleaved) {
  for (const char* path : {"r/b.md", "r/b/x.md", "r/a.md", "r/B.md", "r/c/d/e.md", "r/\xC3\xA9.md", "r/_.md"}) {
    touch(path);
  }
  const Paths expected = {"r/B.md", "r/_.md", "r/a.md", "r/b/x.md", "r/b.md", "r/c/d/e.md", "r/\xC3\xA9.md"};
  EXPECT_EQ(walk_in({"r"}).paths, expected);
  EXPECT_EQ(walk_in({"r"}).paths, expected);  // and the same again
}

TEST_F(WalkerTest, RootsInTheOrderGiven) {
  touch("a/1.md");
  touch("b/2.md");
  EXPECT_EQ(walk_in({"b", "a", "b"}).paths, (Paths{"b/2.md", "a/1.md", "b/2.md"}));
}

TEST_F(WalkerTest, HiddenSkippedUnlessAsked) {
  touch("r/a.md");
  touch("r/.hidden.md");
  touch("r/.dir/b.md");
  touch("r/sub/.c.md");
  touch("r/.git/config");
  touch("r/sub/.git", "gitdir: elsewhere");  // a submodule's .git file
  EXPECT_EQ(walk_in({"r"}).paths, (Paths{"r/a.md"}));
  WalkOptions hidden;
  hidden.hidden = true;
  EXPECT_EQ(walk_in({"r"}, hidden).paths, (Paths{"r/.dir/b.md", "r/.hidden.md", "r/a.md", "r/sub/.c.md"}));
}

TEST_F(WalkerTest, HiddenShowsGitignoreItselfAsAFile) {
  touch("r/.gitignore", "*.log\n");
  touch("r/a.log");
  touch("r/a.md");
  WalkOptions hidden;
  hidden.hidden = true;
  EXPECT_EQ(walk_in({"r"}, hidden).paths, (Paths{"r/.gitignore", "r/a.md"}));
}

TEST_F(WalkerTest, HiddenOrIgnoredRootDirectoryIsStillEntered) {
  std::filesystem::create_directories(dir_ / ".git");
  touch(".notes/a.md");
  touch(".gitignore", ".notes/\n");
  EXPECT_EQ(walk_in({".notes"}).paths, (Paths{".notes/a.md"}));
}

TEST_F(WalkerTest, FileRootIsAlwaysVisited) {
  touch("r/.gitignore", ".secret.log\n");
  touch("r/.secret.log", "12345");
  WalkOptions options;
  options.globs = {"*.md"};
  options.excludes = {"*.log"};
  const WalkResult result = walk_in({"r/.secret.log"}, options);
  EXPECT_EQ(result.paths, (Paths{"r/.secret.log"}));
  EXPECT_TRUE(result.errors.empty());
}

TEST_F(WalkerTest, MissingRootIsReportedAndTheWalkGoesOn) {
  touch("r/a.md");
  const WalkResult result = walk_in({"missing", "r", "missing.md"});
  EXPECT_EQ(result.paths, (Paths{"r/a.md"}));
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0].path, dir_ / "missing");
  EXPECT_EQ(result.errors[0].message, "No such file or directory");
  EXPECT_EQ(result.errors[1].path, dir_ / "missing.md");
}

TEST_F(WalkerTest, SpecialFileRootIsReported) {
  ASSERT_EQ(::mkfifo((dir_ / "pipe").c_str(), 0600), 0);
  const WalkResult result = walk_in({"pipe"});
  EXPECT_TRUE(result.paths.empty());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].message, "not a regular file or directory");
}

TEST_F(WalkerTest, UnreadableGitignoreIsReportedAndTheWalkGoesOn) {
  std::filesystem::create_directories(dir_ / "r/.gitignore");  // a directory: read() fails
  touch("r/a.md");
  const WalkResult result = walk_in({"r"});
  EXPECT_EQ(result.paths, (Paths{"r/a.md"}));
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].path, dir_ / "r/.gitignore");
  EXPECT_EQ(result.errors[0].message, "cannot read: Is a directory");
}

TEST_F(WalkerTest, UnreadableDirectoryIsReportedAndTheWalkGoesOn) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read any directory";
  touch("r/a.md");
  touch("r/locked/b.md");
  touch("r/z.md");
  ASSERT_EQ(::chmod((dir_ / "r/locked").c_str(), 0), 0);
  const WalkResult result = walk_in({"r"});
  ::chmod((dir_ / "r/locked").c_str(), 0700);
  EXPECT_EQ(result.paths, (Paths{"r/a.md", "r/z.md"}));
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].path, dir_ / "r/locked");
  EXPECT_EQ(result.errors[0].message, "cannot open directory: Permission denied");
}

TEST_F(WalkerTest, EntryPathKeepsTheRootAsGiven) {
  touch("r/docs/a.md");
  EXPECT_EQ(walk_in({"r/docs/"}).paths, (Paths{"r/docs/a.md"}));
  EXPECT_EQ(walk_in({"r/./docs"}).paths, (Paths{"r/./docs/a.md"}));
  EXPECT_EQ(walk_in({"r/docs/../docs"}).paths, (Paths{"r/docs/../docs/a.md"}));
}

TEST_F(WalkerTest, SizeAndMtimeFromOneStat) {
  touch("r/a.md", "hello");
  const timespec times[2] = {{1'600'000'000, 0}, {1'700'000'000, 123'456'789}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (dir_ / "r/a.md").c_str(), times, 0), 0);
  std::vector<WalkEntry> entries;
  walk({dir_ / "r", dir_ / "r/a.md"}, {}, [&](const WalkEntry& e) { entries.push_back(e); }, [](const WalkError&) {});
  ASSERT_EQ(entries.size(), 2u);
  for (const WalkEntry& e : entries) {
    EXPECT_EQ(e.size, 5u);
    EXPECT_EQ(e.mtime_ns, 1'700'000'000'123'456'789);
  }
}

TEST_F(WalkerTest, ExcludedDirectoryIsNotEntered) {
  touch("r/build/a.md");
  touch("r/sub/build/b.md");
  touch("r/docs/drafts/c.md");
  touch("r/drafts/d.md");
  touch("r/e.md");
  touch("r/f.tmp");
  WalkOptions options;
  options.excludes = {"build", "docs/drafts/", "*.tmp"};
  options.globs = {"*.md"};  // --exclude wins over --glob
  EXPECT_EQ(walk_in({"r"}, options).paths, (Paths{"r/drafts/d.md", "r/e.md"}));
}

TEST_F(WalkerTest, ExcludeWithTrailingSlashSparesFiles) {
  touch("r/notes");
  touch("r/x/notes/a.md");
  WalkOptions options;
  options.excludes = {"notes/"};
  EXPECT_EQ(walk_in({"r"}, options).paths, (Paths{"r/notes"}));
}

TEST_F(WalkerTest, GlobsKeepMatchingFiles) {
  touch("r/a.md");
  touch("r/a.txt");
  touch("r/docs/b.md");
  touch("r/docs/c.txt");
  touch("r/docs/secret.md");
  touch("r/other/d.md");
  WalkOptions md;
  md.globs = {"*.md"};
  EXPECT_EQ(walk_in({"r"}, md).paths, (Paths{"r/a.md", "r/docs/b.md", "r/docs/secret.md", "r/other/d.md"}));
  WalkOptions anchored;
  anchored.globs = {"docs/**", "!docs/secret.md"};
  EXPECT_EQ(walk_in({"r"}, anchored).paths, (Paths{"r/docs/b.md", "r/docs/c.txt"}));
  WalkOptions dot_slash;
  dot_slash.globs = {"./docs/*.md"};
  EXPECT_EQ(walk_in({"r"}, dot_slash).paths, (Paths{"r/docs/b.md", "r/docs/secret.md"}));
  WalkOptions either;
  either.globs = {"*.txt", "other/*.md"};
  EXPECT_EQ(walk_in({"r"}, either).paths, (Paths{"r/a.txt", "r/docs/c.txt", "r/other/d.md"}));
}

TEST_F(WalkerTest, NegatedGlobAloneExcludesAndPrunes) {
  touch("r/a.md");
  touch("r/a.txt");
  touch("r/vendor/b.md");
  WalkOptions options;
  options.globs = {"!*.txt", "!vendor"};
  EXPECT_EQ(walk_in({"r"}, options).paths, (Paths{"r/a.md"}));
}

TEST_F(WalkerTest, GlobsAreRelativeToEachRoot) {
  touch("one/docs/a.md");
  touch("two/docs/b.md");
  touch("two/c.md");
  WalkOptions options;
  options.globs = {"/docs/*.md"};
  EXPECT_EQ(walk_in({"one", "two"}, options).paths, (Paths{"one/docs/a.md", "two/docs/b.md"}));
}

TEST_F(WalkerTest, SymlinkedFilesVisitedDirectoriesNotFollowed) {
  touch("outside/target.md", "1234567");
  touch("outside/inner.md");
  touch("r/a.md");
  touch("r/sub/b.md", "12345");
  ASSERT_EQ(::symlink("sub/b.md", (dir_ / "r/inside.md").c_str()), 0);
  ASSERT_EQ(::symlink("../outside/target.md", (dir_ / "r/link.md").c_str()), 0);
  ASSERT_EQ(::symlink("../outside", (dir_ / "r/linkdir").c_str()), 0);
  ASSERT_EQ(::symlink("nowhere.md", (dir_ / "r/dangling.md").c_str()), 0);
  ASSERT_EQ(::symlink("loop.md", (dir_ / "r/loop.md").c_str()), 0);
  ASSERT_EQ(::mkfifo((dir_ / "r/pipe.md").c_str(), 0600), 0);
  std::vector<WalkEntry> entries;
  std::vector<WalkError> errors;
  std::vector<WalkSkip> skips;
  walk({dir_ / "r"}, {}, [&](const WalkEntry& e) { entries.push_back(e); },
       [&](const WalkError& e) { errors.push_back(e); }, [&](const WalkSkip& e) { skips.push_back(e); });
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].path, dir_ / "r/a.md");
  EXPECT_EQ(entries[1].path, dir_ / "r/inside.md");
  EXPECT_EQ(entries[1].size, 5u);  // the target's
  EXPECT_EQ(entries[2].path, dir_ / "r/sub/b.md");
  // A link to a file outside the folder is not the folder's to give (a cloned repository's
  // creds.md -> ../secret/creds.txt): skipped, and said so.
  ASSERT_EQ(skips.size(), 1u);
  EXPECT_EQ(skips[0].path, dir_ / "r/link.md");
  EXPECT_EQ(skips[0].kind, k_link_outside);
}

TEST_F(WalkerTest, FollowLinksVisitsLinksLeavingTheFolder) {
  touch("outside/target.md", "1234567");
  touch("r/a.md");
  ASSERT_EQ(::symlink("../outside/target.md", (dir_ / "r/link.md").c_str()), 0);
  ASSERT_EQ(::symlink("/etc/hostname", (dir_ / "r/abs.md").c_str()), 0);
  WalkOptions options;
  options.follow_links = true;
  std::vector<WalkEntry> entries;
  std::vector<WalkSkip> skips;
  walk({dir_ / "r"}, options, [&](const WalkEntry& e) { entries.push_back(e); }, [](const WalkError&) {},
       [&](const WalkSkip& e) { skips.push_back(e); });
  std::vector<std::filesystem::path> paths;
  for (const WalkEntry& e : entries) paths.push_back(e.path);
  EXPECT_NE(std::find(paths.begin(), paths.end(), dir_ / "r/link.md"), paths.end());
  EXPECT_TRUE(skips.empty());
  // Without the option both are skipped, an absolute link too.
  entries.clear();
  walk({dir_ / "r"}, {}, [&](const WalkEntry& e) { entries.push_back(e); }, [](const WalkError&) {},
       [&](const WalkSkip& e) { skips.push_back(e); });
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].path, dir_ / "r/a.md");
  EXPECT_EQ(skips.size(), std::filesystem::exists("/etc/hostname") ? 2u : 1u);
}

TEST_F(WalkerTest, SymlinkedRootDirectoryIsFollowed) {
  touch("real/a.md");
  ASSERT_EQ(::symlink("real", (dir_ / "link").c_str()), 0);
  EXPECT_EQ(walk_in({"link"}).paths, (Paths{"link/a.md"}));
}

// Checked with git: the same tree after `git init` gives the same list (with --hidden: plus
// the two .gitignore files).
TEST_F(WalkerTest, NestedGitignoreOverridesItsParent) {
  touch("r/.gitignore", "*.md\nlogs/\n!logs/keep.log\n");
  touch("r/a.md");
  touch("r/a.txt");
  touch("r/logs/keep.log");  // its directory is ignored: the negation cannot re-include it
  touch("r/logs/x.txt");
  touch("r/sub/.gitignore", "!x.md\n");
  touch("r/sub/x.md");
  touch("r/sub/y.md");
  touch("r/sub/deep/x.md");
  EXPECT_EQ(walk_in({"r"}).paths, (Paths{"r/a.txt", "r/sub/deep/x.md", "r/sub/x.md"}));
}

TEST_F(WalkerTest, NegationCannotReincludeBelowAnIgnoredDirectory) {
  touch("r/.gitignore", "build\n!build/keep.md\n");
  touch("r/build/keep.md");
  touch("r/sub/.gitignore", "!keep.md\n");
  touch("r/sub/build/keep.md");
  touch("r/z.md");
  EXPECT_EQ(walk_in({"r"}).paths, (Paths{"r/z.md"}));
}

TEST_F(WalkerTest, ContentsIgnoredButDirectoryNotCanBeReincluded) {
  touch("r/.gitignore", "abc/**\n!abc/keep.md\n");
  touch("r/abc/keep.md");
  touch("r/abc/other.md");
  touch("r/abc/sub/keep.md");  // abc/sub is ignored by abc/**, so not entered
  EXPECT_EQ(walk_in({"r"}).paths, (Paths{"r/abc/keep.md"}));
}

TEST_F(WalkerTest, DirectoryOnlyRuleSparesFilesOfThatName) {
  touch("r/.gitignore", "build/\n");
  touch("r/build/a.md");
  touch("r/docs/build");
  EXPECT_EQ(walk_in({"r"}).paths, (Paths{"r/docs/build"}));
}

// A fake work tree (a bare `.git` directory is all walk() looks for). Checked with git: in a
// real repository with the same files, `git ls-files -o --exclude-standard docs` lists the same.
TEST_F(WalkerTest, GitignoresAboveTheRootApplyInsideAWorkTree) {
  std::filesystem::create_directories(dir_ / "repo/.git/info");
  touch("repo/.git/info/exclude", "*.bak\n");
  touch("repo/.gitignore", "*.tmp\n/docs/secret.md\nsecret2.md\n!important.bak\n");
  touch("repo/docs/.gitignore", "!keep.tmp\n");
  for (const char* path : {"repo/docs/a.md", "repo/docs/a.tmp", "repo/docs/keep.tmp", "repo/docs/secret.md",
                           "repo/docs/x.bak", "repo/docs/important.bak", "repo/docs/sub/secret.md",
                           "repo/docs/sub/secret2.md", "repo/docs/sub/b.md", "repo/other.md"}) {
    touch(path);
  }
  const Paths expected = {"repo/docs/a.md", "repo/docs/important.bak", "repo/docs/keep.tmp", "repo/docs/sub/b.md",
                          "repo/docs/sub/secret.md"};
  EXPECT_EQ(walk_in({"repo/docs"}).paths, expected);
  // From deeper down, the anchors still line up.
  EXPECT_EQ(walk_in({"repo/docs/sub"}).paths, (Paths{"repo/docs/sub/b.md", "repo/docs/sub/secret.md"}));
  // And from the top, through the same rules.
  EXPECT_EQ(walk_in({"repo"}).paths, (Paths{"repo/docs/a.md", "repo/docs/important.bak", "repo/docs/keep.tmp",
                                            "repo/docs/sub/b.md", "repo/docs/sub/secret.md", "repo/other.md"}));
}

TEST_F(WalkerTest, GitignoreAboveTheRootIgnoredOutsideAWorkTree) {
  touch("top/.gitignore", "*.tmp\n");
  touch("top/docs/a.tmp");
  touch("top/docs/b.md");
  EXPECT_EQ(walk_in({"top/docs"}).paths, (Paths{"top/docs/a.tmp", "top/docs/b.md"}));
  EXPECT_EQ(walk_in({"top"}).paths, (Paths{"top/docs/b.md"}));  // inside the walk it applies
}

TEST_F(WalkerTest, NoIgnoreReadsNoIgnoreFiles) {
  std::filesystem::create_directories(dir_ / "repo/.git/info");
  touch("repo/.git/info/exclude", "*.bak\n");
  touch("repo/.gitignore", "*.tmp\nbuild/\n");
  touch("repo/a.tmp");
  touch("repo/b.bak");
  touch("repo/build/c.md");
  WalkOptions options;
  options.gitignore = false;
  EXPECT_EQ(walk_in({"repo"}, options).paths, (Paths{"repo/a.tmp", "repo/b.bak", "repo/build/c.md"}));
}

}  // namespace
}  // namespace strata::ingest
