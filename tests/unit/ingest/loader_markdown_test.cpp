// markdown: text as is; title from front matter, else the first "# " heading, else Setext.
#include <gtest/gtest.h>

#include <string>

#include "ingest/loader.h"

namespace strata::ingest {
namespace {

LoadedDocument load_md(std::string_view text) {
  LoadResult r = load_document(text, "notes.md");
  EXPECT_TRUE(r.document) << r.skipped_reason;
  return r.document.value_or(LoadedDocument{});
}

std::string title_of(std::string_view text) { return load_md(text).title; }

TEST(LoaderMarkdown, TextIsKeptAsIs) {
  const std::string text = "---\ntitle: T\n---\n# Head\n\n  body  \r\n\n\n```\ncode\n```\n";
  const LoadedDocument doc = load_md(text);
  EXPECT_EQ(doc.text, text);
  EXPECT_EQ(doc.loader, LoaderKind::markdown);
  EXPECT_EQ(doc.encoding, "utf-8");
}

TEST(LoaderMarkdown, TitleFromFrontMatter) {
  EXPECT_EQ(title_of("---\nauthor: me\ntitle: Getting started\n---\n# Other\n"), "Getting started");
  EXPECT_EQ(title_of("---\ntitle: \"Quoted: yes\"\n---\n"), "Quoted: yes");
  EXPECT_EQ(title_of("---\ntitle: 'It''s here'\n---\n"), "It's here");
  EXPECT_EQ(title_of("---\r\ntitle: Plain # a comment\r\n...\r\nbody\r\n"), "Plain");
}

TEST(LoaderMarkdown, FrontMatterWithoutTitleFallsBackToTheHeading) {
  EXPECT_EQ(title_of("---\nauthor: me\n---\n# Heading\n"), "Heading");
  EXPECT_EQ(title_of("---\ntitle: \"\"\n---\n# Heading\n"), "Heading");
}

TEST(LoaderMarkdown, UnclosedFrontMatterIsNotFrontMatter) {
  EXPECT_EQ(title_of("---\ntitle: Nope\n\n# Heading\n"), "Heading");
}

TEST(LoaderMarkdown, HeadingLookalikesInFrontMatterAreIgnored) {
  EXPECT_EQ(title_of("---\nsummary: |\n  # not a heading\n---\nplain text\n"), "");
}

TEST(LoaderMarkdown, TitleFromFirstAtxHeading) {
  EXPECT_EQ(title_of("intro\n\n## Section\n\n# Main title\n\n# Second\n"), "Main title");
  EXPECT_EQ(title_of("   #   Spaced   \n"), "Spaced");
  EXPECT_EQ(title_of("# Closed ##\n"), "Closed");
  EXPECT_EQ(title_of("# C# tips\n"), "C# tips");
  EXPECT_EQ(title_of("#\n# Real\n"), "Real");
}

TEST(LoaderMarkdown, NotAtxHeadings) {
  EXPECT_EQ(title_of("#hashtag\n"), "");
  EXPECT_EQ(title_of("    # indented code\n"), "");
  EXPECT_EQ(title_of("## Only level two\n"), "");
}

TEST(LoaderMarkdown, HeadingsInFencedCodeAreIgnored) {
  EXPECT_EQ(title_of("```sh\n# a comment\n```\n# Real\n"), "Real");
  EXPECT_EQ(title_of("~~~~\n# a\n~~~\n# still code\n~~~~\n# Real\n"), "Real");
  EXPECT_EQ(title_of("````\n```\n# code\n````\n"), "");
}

TEST(LoaderMarkdown, TitleFromSetextHeading) {
  EXPECT_EQ(title_of("Project Name\n============\n\ntext\n"), "Project Name");
  EXPECT_EQ(title_of("Sub\n---\n\nTop\n===\n"), "Top");
  EXPECT_EQ(title_of("\n===\n"), "");
}

TEST(LoaderMarkdown, AtxHeadingWinsOverAnEarlierSetextHeading) {
  EXPECT_EQ(title_of("Setext\n======\n\n# Atx\n"), "Atx");
}

TEST(LoaderMarkdown, NoHeadingNoTitle) {
  EXPECT_EQ(title_of("just text\n"), "");
  EXPECT_EQ(title_of(""), "");
}

TEST(LoaderMarkdown, Windows1252MarkdownIsDecodedBeforeTheTitle) {
  const LoadedDocument doc = load_md("# Caf\xe9\n");
  EXPECT_EQ(doc.title, "Café");
  EXPECT_EQ(doc.encoding, "windows-1252");
}

}  // namespace
}  // namespace strata::ingest
