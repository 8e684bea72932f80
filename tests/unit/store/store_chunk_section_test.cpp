// A chunk's section (ChunkRef::section, what a source card and a search hit show under the
// title): its stored heading path below the document's title, whatever the path holds.
#include <gtest/gtest.h>

#include "store/document_rules.h"

namespace strata::store {
namespace {

TEST(ChunkSection, TheHeadingPathBelowTheTitle) {
  EXPECT_EQ(section_of(R"(["Rollback", "Undoing a migration"])", "Rollback"), "Undoing a migration");
  EXPECT_EQ(section_of(R"(["Guide", "Rollback", "Down"])", "Rollback"), "Guide \u203a Rollback \u203a Down");
  // A first heading that is not the title is a section too.
  EXPECT_EQ(section_of(R"(["Installing"])", "README"), "Installing");
  EXPECT_EQ(section_of(R"(["Rollback"])", "Rollback"), "");
}

TEST(ChunkSection, NoneForAnEmptyMissingOrMalformedPath) {
  EXPECT_EQ(section_of("[]", "t"), "");
  EXPECT_EQ(section_of("", "t"), "");
  EXPECT_EQ(section_of("not json", "t"), "");
  EXPECT_EQ(section_of(R"({"a": 1})", "t"), "");
  // Entries that are not text, or empty, are left out.
  EXPECT_EQ(section_of(R"(["A", 3, "", null, "B"])", "t"), "A \u203a B");
  // A row's path nested far deeper than headings are is none (a row is data anyone who may write
  // the store may write; parsed whole, its copies would recurse once a level).
  EXPECT_EQ(section_of("[\"A\", " + std::string(200000, '[') + std::string(200000, ']') + "]", "t"), "");
}

}  // namespace
}  // namespace strata::store
