// GitignoreMatcher on one file's rules. Every expected verdict below was checked with
// `git check-ignore -v -n --no-index` (git 2.39) in a scratch repository holding that
// .gitignore and that path (a directory when is_dir).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/gitignore.h"

namespace strata::ingest {
namespace {

using Verdict = GitignoreMatcher::Verdict;

struct GitignoreCase {
  std::string content;
  std::string path;
  bool is_dir;
  Verdict expected;
};

const char* name_of(Verdict v) {
  switch (v) {
    case Verdict::none: return "none";
    case Verdict::ignore: return "ignore";
    case Verdict::include: return "include";
  }
  return "?";
}

void expect_cases(const std::vector<GitignoreCase>& cases) {
  for (const GitignoreCase& c : cases) {
    const auto matcher = GitignoreMatcher::parse(c.content, "");
    EXPECT_STREQ(name_of(matcher.match(c.path, c.is_dir)), name_of(c.expected))
        << ".gitignore \"" << c.content << "\" path \"" << c.path << "\"" << (c.is_dir ? " (dir)" : "");
  }
}

TEST(Gitignore, NegationReincludes) {
  expect_cases({
      {"*.log\n!keep.log\n", "a.log", false, Verdict::ignore},
      {"*.log\n!keep.log\n", "keep.log", false, Verdict::include},
      {"*.log\n!keep.log\n", "sub/b.log", false, Verdict::ignore},
      {"*.log\n!keep.log\n", "sub/keep.log", false, Verdict::include},
      {"*.log\n!keep.log\n", "a.txt", false, Verdict::none},
      {"*.md\n!/doc/*.md\n", "doc/a.md", false, Verdict::include},
      {"*.md\n!/doc/*.md\n", "a.md", false, Verdict::ignore},
      {"*.md\n!/doc/*.md\n", "doc/sub/a.md", false, Verdict::ignore},
      {"logs\n!logs\n", "logs", true, Verdict::include},  // the last matching rule wins
  });
}

TEST(Gitignore, TrailingSlashMatchesDirectoriesOnly) {
  expect_cases({
      {"build/\n", "build", true, Verdict::ignore},
      {"build/\n", "build", false, Verdict::none},
      {"build/\n", "sub/build", true, Verdict::ignore},
      {"build/\n", "builder", true, Verdict::none},
      {"a/\n", "x/a", true, Verdict::ignore},
      {"a/\n", "x/a", false, Verdict::none},
      {"x/a/\n", "x/a", true, Verdict::ignore},
      {"x/a/\n", "y/x/a", true, Verdict::none},  // a middle slash anchors it
      {"dir\n", "dir", false, Verdict::ignore},
      {"dir\n", "x/dir", true, Verdict::ignore},
  });
}

TEST(Gitignore, LeadingOrMiddleSlashAnchors) {
  expect_cases({
      {"/top.txt\nany.txt\n", "top.txt", false, Verdict::ignore},
      {"/top.txt\nany.txt\n", "sub/top.txt", false, Verdict::none},
      {"/top.txt\nany.txt\n", "any.txt", false, Verdict::ignore},
      {"/top.txt\nany.txt\n", "sub/any.txt", false, Verdict::ignore},
      {"doc/*.md\n", "doc/a.md", false, Verdict::ignore},
      {"doc/*.md\n", "doc/sub/a.md", false, Verdict::none},
      {"doc/*.md\n", "x/doc/a.md", false, Verdict::none},
  });
}

TEST(Gitignore, DoubleStar) {
  expect_cases({
      {"a/**/b\n", "a/b", false, Verdict::ignore},
      {"a/**/b\n", "a/x/b", false, Verdict::ignore},
      {"a/**/b\n", "a/x/y/b", false, Verdict::ignore},
      {"a/**/b\n", "x/a/b", false, Verdict::none},
      {"a/**/b\n", "a/bb", false, Verdict::none},
      {"**/foo\n", "foo", false, Verdict::ignore},
      {"**/foo\n", "x/foo", false, Verdict::ignore},
      {"**/foo\n", "x/y/foo", true, Verdict::ignore},
      {"**/foo\n", "foox", false, Verdict::none},
      {"foo/**\n", "foo", true, Verdict::none},  // the contents, not the directory itself
      {"foo/**\n", "foo/x", false, Verdict::ignore},
      {"foo/**\n", "foo/x/y", false, Verdict::ignore},
      {"foo/**\n", "foo/d", true, Verdict::ignore},
      // So a file inside can be re-included: its directory is not ignored.
      {"abc/**\n!abc/keep.txt\n", "abc/keep.txt", false, Verdict::include},
      {"abc/**\n!abc/keep.txt\n", "abc/other.txt", false, Verdict::ignore},
      {"abc/**\n!abc/keep.txt\n", "abc", true, Verdict::none},
  });
}

TEST(Gitignore, CommentsEscapesAndSpaces) {
  expect_cases({
      {"\\#file\n#comment\n\\!bang\n", "#file", false, Verdict::ignore},
      {"\\#file\n#comment\n\\!bang\n", "#comment", false, Verdict::none},
      {"\\#file\n#comment\n\\!bang\n", "!bang", false, Verdict::ignore},
      {"\\#file\n#comment\n\\!bang\n", "file", false, Verdict::none},
      {"trail   \nesc\\ \n", "trail", false, Verdict::ignore},  // trailing spaces dropped
      {"trail   \nesc\\ \n", "trail ", false, Verdict::none},
      {"trail   \nesc\\ \n", "esc ", false, Verdict::ignore},  // unless escaped
      {"trail   \nesc\\ \n", "esc", false, Verdict::none},
      {"  lead\n", "  lead", false, Verdict::ignore},  // leading spaces are part of the name
      {"  lead\n", "lead", false, Verdict::none},
      {"[ab]*\n", "banana", false, Verdict::ignore},
      {"[ab]*\n", "cherry", false, Verdict::none},
  });
}

TEST(Gitignore, CrlfAndByteOrderMark) {
  expect_cases({
      {"crlf\r\n", "crlf", false, Verdict::ignore},
      {"crlf\r\n", "crlf\r", false, Verdict::none},
      {"\xEF\xBB\xBF" "bom\n", "bom", false, Verdict::ignore},
      {"no-newline-at-end", "no-newline-at-end", false, Verdict::ignore},
  });
}

// The example of gitignore(5): exclude everything except directory foo/bar.
TEST(Gitignore, ExcludeEverythingButOneDirectory) {
  const std::string rules = "/*\n!/foo\n/foo/*\n!/foo/bar\n";
  expect_cases({
      {rules, "x", false, Verdict::ignore},
      {rules, "foo", true, Verdict::include},
      {rules, "foo/bar", true, Verdict::include},
      {rules, "foo/baz", false, Verdict::ignore},
  });
}

TEST(Gitignore, OnlyMarkdownFilesKept) {
  const std::string rules = "*\n!*/\n!*.md\n";
  expect_cases({
      {rules, "a.txt", false, Verdict::ignore},
      {rules, "d", true, Verdict::include},
      {rules, "d/a.md", false, Verdict::include},
      {rules, "d/a.txt", false, Verdict::ignore},
  });
}

TEST(Gitignore, RulesApplyOnlyBelowTheirDirectory) {
  const auto matcher = GitignoreMatcher::parse("*.md\n/x.txt\n", "sub/dir");
  EXPECT_EQ(matcher.match("sub/dir/a.md", false), Verdict::ignore);
  EXPECT_EQ(matcher.match("sub/dir/deep/a.md", false), Verdict::ignore);
  EXPECT_EQ(matcher.match("sub/dir/x.txt", false), Verdict::ignore);
  EXPECT_EQ(matcher.match("sub/dir/deep/x.txt", false), Verdict::none);  // anchored to sub/dir
  EXPECT_EQ(matcher.match("sub/a.md", false), Verdict::none);
  EXPECT_EQ(matcher.match("sub/dirx/a.md", false), Verdict::none);
  EXPECT_EQ(matcher.match("sub/dir", true), Verdict::none);
}

TEST(Gitignore, EmptyAndCommentOnlyFilesHaveNoRules) {
  EXPECT_TRUE(GitignoreMatcher::parse("", "").empty());
  EXPECT_TRUE(GitignoreMatcher::parse("# nothing\n\n   \n!\n", "").empty());
  EXPECT_FALSE(GitignoreMatcher::parse("x\n", "").empty());
}

}  // namespace
}  // namespace strata::ingest
