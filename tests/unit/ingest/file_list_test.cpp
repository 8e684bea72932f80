// parse_file_list: the --files-from formats.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/file_list.h"

namespace strata::ingest {
namespace {

using Paths = std::vector<std::string>;
using namespace std::string_literals;

TEST(FileList, NewlineSeparated) {
  EXPECT_EQ(parse_file_list("a.md\ndocs/b.md\n", false), (Paths{"a.md", "docs/b.md"}));
  EXPECT_EQ(parse_file_list("a.md\ndocs/b.md", false), (Paths{"a.md", "docs/b.md"}));  // no final newline
}

TEST(FileList, CrlfLosesOneTrailingCarriageReturn) {
  EXPECT_EQ(parse_file_list("a.md\r\nb.md\r\n", false), (Paths{"a.md", "b.md"}));
  EXPECT_EQ(parse_file_list("a\r\r\n", false), (Paths{"a\r"}));
}

TEST(FileList, EmptyEntriesDropped) {
  EXPECT_EQ(parse_file_list("\n\na.md\n\r\n\nb.md\n\n", false), (Paths{"a.md", "b.md"}));
  EXPECT_EQ(parse_file_list("", false), Paths{});
  EXPECT_EQ(parse_file_list("\0\0"s, true), Paths{});
}

TEST(FileList, SpacesAreKept) {
  EXPECT_EQ(parse_file_list(" lead.md\ntrail.md \n", false), (Paths{" lead.md", "trail.md "}));
}

TEST(FileList, NulSeparatedKeepsNewlinesAndCarriageReturns) {
  const std::string data = "a.md\0with\nnewline.md\0cr\r\0\0last"s;
  EXPECT_EQ(parse_file_list(data, true), (Paths{"a.md", "with\nnewline.md", "cr\r", "last"}));
}

TEST(FileList, NulModeDoesNotSplitOnNewlines) {
  EXPECT_EQ(parse_file_list("a\nb", true), (Paths{"a\nb"}));
  EXPECT_EQ(parse_file_list("a\0b"s, false), (Paths{"a\0b"s}));
}

}  // namespace
}  // namespace strata::ingest
