// embed/chunk_input: what the embedder is given for a chunk.
#include "embed/chunk_input.h"

#include <gtest/gtest.h>

#include <string>

#include "common/text.h"
#include "store/document_writer.h"

namespace strata::embed {
namespace {

TEST(EmbedChunkInput, TitleThenBlankLineThenText) {
  EXPECT_EQ(chunk_embed_input("Storage allocation", "A note on heaps."), "Storage allocation\n\nA note on heaps.");
  EXPECT_EQ(chunk_embed_input("", "A note on heaps."), "A note on heaps.") << "untitled: the text as before";
  EXPECT_EQ(chunk_embed_input("Only a title", ""), "Only a title");
}

TEST(EmbedChunkInput, ALongTitleIsCutToTheIndexedPrefix) {
  std::string title;
  for (int i = 0; i < 200; ++i) title += "依赖 ";  // 600 characters, 3 bytes for each 依 and 赖
  const std::string input = chunk_embed_input(title, "text");
  const std::string_view kept = utf8_prefix(title, store::k_indexed_title_chars);
  EXPECT_EQ(input, std::string(kept) + "\n\ntext");
  EXPECT_EQ(kept.size(), 100u * (3 + 3 + 1));  // 300 characters, whole
}

}  // namespace
}  // namespace strata::embed
