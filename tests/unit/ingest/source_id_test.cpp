// The project root (strata.toml's folder, else the git work tree's top, else the working
// directory) and the source ids of files under it: one id per file however it is named.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ingest/project_root.h"
#include "ingest/source_id.h"
#include "test_util.h"

namespace strata::ingest {
namespace {

namespace fs = std::filesystem;
using strata::testing::TempDir;
using strata::testing::write_file;

class ProjectRootTest : public ::testing::Test {
 protected:
  fs::path at(const std::string& rel) const { return dir_.path() / rel; }
  TempDir dir_;
};

TEST_F(ProjectRootTest, TheFolderOfTheProjectFileWins) {
  fs::create_directories(at("p/.git"));
  fs::create_directories(at("p/docs/guide"));
  write_file(at("p/docs/strata.toml"), "");
  EXPECT_EQ(project_root(at("p/docs/guide"), at("p/docs/strata.toml")), at("p/docs"))
      << "a strata.toml below the repository's top makes its folder the project";
}

TEST_F(ProjectRootTest, ElseTheTopOfTheGitWorkTree) {
  fs::create_directories(at("p/.git"));
  fs::create_directories(at("p/docs/guide"));
  EXPECT_EQ(project_root(at("p/docs/guide"), std::nullopt), at("p"));
  EXPECT_EQ(project_root(at("p"), std::nullopt), at("p"));
}

TEST_F(ProjectRootTest, AGitFileMarksAWorkTreeToo) {
  // A linked worktree or a submodule has a .git file, not a directory.
  write_file(at("w/.git"), "gitdir: /elsewhere/.git/worktrees/w\n");
  fs::create_directories(at("w/sub"));
  EXPECT_EQ(project_root(at("w/sub"), std::nullopt), at("w"));
}

TEST_F(ProjectRootTest, ElseTheWorkingDirectory) {
  fs::create_directories(at("plain/sub"));
  // The temp dir may itself lie in a work tree: only then is its top the answer.
  const auto top = work_tree_top(at("plain/sub"));
  EXPECT_EQ(project_root(at("plain/sub"), std::nullopt), top.value_or(at("plain/sub")));
  if (!top) {
    EXPECT_EQ(project_root(at("plain/sub/"), std::nullopt), at("plain/sub")) << "no trailing '/'";
  }
}

TEST(SourceIdsTest, OneIdWhateverTheSpelling) {
  SourceIds ids("/p");
  EXPECT_EQ(ids.of("/p/docs/a.md"), "docs/a.md");
  EXPECT_EQ(ids.of("/p/docs/../docs/./a.md"), "docs/a.md");
  EXPECT_EQ(ids.of("/p//docs/a.md"), "docs/a.md");
  EXPECT_EQ(ids.of("/elsewhere/a.md"), "/elsewhere/a.md") << "outside the root: absolute";
  EXPECT_EQ(ids.of("/p2/a.md"), "/p2/a.md") << "a sibling with the same prefix is outside";
  EXPECT_EQ(ids.of("/p/../q/a.md"), "/q/a.md");
}

TEST(SourceIdsTest, FolderIdsForPrune) {
  SourceIds ids("/p");
  EXPECT_EQ(ids.folder("/p"), "");
  EXPECT_EQ(ids.folder("/p/"), "");
  EXPECT_EQ(ids.folder("/p/docs/"), "docs");
  EXPECT_EQ(ids.folder("/p/docs/sub"), "docs/sub");
  EXPECT_EQ(ids.folder("/q/docs"), "/q/docs");
}

TEST(SourceIdsTest, RelativePathsAreFromTheWorkingDirectory) {
  const fs::path cwd = fs::current_path();
  SourceIds ids(cwd.parent_path());
  EXPECT_EQ(ids.of("x/a.md"), (cwd.filename() / "x/a.md").generic_string());
}

TEST(SourceIdsTest, AFolderReachedThroughALinkIsStillUnderTheRoot) {
  TempDir dir;
  fs::create_directories(dir.path() / "project/docs");
  write_file((dir.path() / "project/docs/a.md").string(), "a");
  fs::create_directory_symlink(dir.path() / "project", dir.path() / "link");
  SourceIds ids(fs::canonical(dir.path() / "project"));
  EXPECT_EQ(ids.of(dir.path() / "link/docs/a.md"), "docs/a.md");
  EXPECT_EQ(ids.of(dir.path() / "project/docs/a.md"), "docs/a.md");
}

TEST(SourceIdsTest, AFileLinkKeepsItsOwnName) {
  TempDir dir;
  fs::create_directories(dir.path() / "p/docs");
  write_file((dir.path() / "target.md").string(), "t");
  fs::create_symlink(dir.path() / "target.md", dir.path() / "p/docs/link.md");
  SourceIds ids(fs::canonical(dir.path() / "p"));
  EXPECT_EQ(ids.of(fs::canonical(dir.path() / "p") / "docs/link.md"), "docs/link.md");
}

TEST(SourceCandidatesTest, APathTypedInASubfolderMapsToTheProjectId) {
  TempDir dir;
  const fs::path root = fs::canonical(dir.path());
  write_file((root / "docs/guide.md").string(), "g");
  EXPECT_EQ(source_candidates("guide.md", root / "docs", root), (std::vector<std::string>{"docs/guide.md", "guide.md"}))
      << "the file exists from here: its id first";
  EXPECT_EQ(source_candidates("docs/guide.md", root / "docs", root),
            (std::vector<std::string>{"docs/guide.md", "docs/docs/guide.md"}))
      << "no such file from here: the id as listed first";
  EXPECT_EQ(source_candidates((root / "docs/guide.md").string(), root / "other", root),
            (std::vector<std::string>{"docs/guide.md", (root / "docs/guide.md").string()}));
  EXPECT_EQ(source_candidates("docs/guide.md", root, root), (std::vector<std::string>{"docs/guide.md"}));
  EXPECT_EQ(source_candidates("./docs/guide.md", root, root),
            (std::vector<std::string>{"docs/guide.md", "./docs/guide.md"}));
  EXPECT_EQ(source_candidates("-", root, root), (std::vector<std::string>{"-"}));
  EXPECT_EQ(source_candidates("stdin", root, root), (std::vector<std::string>{"stdin"}));
}

}  // namespace
}  // namespace strata::ingest
