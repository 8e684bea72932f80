// Text decoding: valid UTF-8 untouched, UTF-16 by BOM, Windows-1252 for everything else.
#include <gtest/gtest.h>

#include <string>

#include "common/text.h"
#include "common/utf8.h"
#include "ingest/loader.h"
#include "ingest/text_decoding.h"

namespace strata::ingest {
namespace {

using namespace std::string_literals;

TEST(LoaderDecoding, ValidUtf8IsReturnedByteForByte) {
  const std::string text = "café, 日本語, emoji 😀 and U+10FFFF \xF4\x8F\xBF\xBF\r\nend";
  const DecodedText d = decode_text(text);
  EXPECT_EQ(d.text, text);
  EXPECT_EQ(d.encoding, "utf-8");
}

TEST(LoaderDecoding, Utf8ByteOrderMarkIsDropped) {
  const DecodedText d = decode_text("\xEF\xBB\xBFhello é");
  EXPECT_EQ(d.text, "hello é");
  EXPECT_EQ(d.encoding, "utf-8");
}

TEST(LoaderDecoding, InvalidUtf8IsReadAsWindows1252) {
  const DecodedText d = decode_text("caf\xe9 \x93q\x94 \x80");
  EXPECT_EQ(d.text, "café “q” €");
  EXPECT_EQ(d.encoding, "windows-1252");
}

// Issue 19: one stray byte in a UTF-8 file turned every other accent of it into mojibake (the
// whole file was read as Windows-1252).
TEST(LoaderDecoding, Utf8WithAStrayByteKeepsItsCharactersAndRepairsOnlyTheByte) {
  DecodedText d = decode_text("Caf\xc3\xa9 cr\xc3\xa8me, na\xefve \xe2\x80\x94 r\xc3\xa9sum\xc3\xa9");
  EXPECT_EQ(d.text, "Café crème, naïve — résumé");
  EXPECT_EQ(d.encoding, "utf-8");
  EXPECT_EQ(d.repaired, 1u);
  d = decode_text("\x93quoted\x94 and caf\xc3\xa9 cr\xc3\xa8me");
  EXPECT_EQ(d.text, "“quoted” and café crème") << "as many stray bytes as UTF-8 characters: still UTF-8";
  EXPECT_EQ(d.repaired, 2u);
  d = decode_text("caf\xe9 \xe9t\xe9 and caf\xc3\xa9");
  EXPECT_EQ(d.encoding, "windows-1252") << "more stray bytes than UTF-8 characters: a Windows-1252 file";
  EXPECT_EQ(d.text, "café été and cafÃ©");
  EXPECT_EQ(d.repaired, 0u);
  d = decode_text("\xc3\xa9\xc3");  // a character cut at the end
  EXPECT_EQ(d.text, "éÃ");
  EXPECT_EQ(d.repaired, 1u);
}

TEST(LoaderDecoding, Windows1252UsesTheWhatwgTable) {
  EXPECT_EQ(windows1252_to_utf8("\x80\x82\x83\x84\x85\x86\x87\x88\x89\x8A\x8B\x8C\x8E"),
            "€‚ƒ„…†‡ˆ‰Š‹ŒŽ");
  EXPECT_EQ(windows1252_to_utf8("\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9A\x9B\x9C\x9E\x9F"),
            "‘’“”•–—˜™š›œžŸ");
  EXPECT_EQ(windows1252_to_utf8("\xA0\xA9\xC0\xFF"), "\u00A0©Àÿ");
}

TEST(LoaderDecoding, Windows1252UndefinedBytesBecomeC1Controls) {
  EXPECT_EQ(windows1252_to_utf8("\x81\x8D\x8F\x90\x9D"), "\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D");
}

TEST(LoaderDecoding, EveryByteDecodesToValidUtf8) {
  std::string all;
  for (int b = 1; b < 256; ++b) all.push_back(static_cast<char>(b));
  const DecodedText d = decode_text(all);
  EXPECT_EQ(d.encoding, "windows-1252");
  EXPECT_FALSE(find_invalid_utf8(d.text).has_value());
  EXPECT_EQ(d.text.substr(0, 127), all.substr(0, 127));  // ASCII stays ASCII
}

TEST(LoaderDecoding, Utf16LittleEndianWithBom) {
  // "hé😀" : h, é, then 😀 as the surrogate pair D83D DE00.
  const DecodedText d = decode_text("\xFF\xFEh\0\xE9\0\x3D\xD8\x00\xDE"s);
  EXPECT_EQ(d.text, "hé😀");
  EXPECT_EQ(d.encoding, "utf-16le");
}

TEST(LoaderDecoding, Utf16BigEndianWithBom) {
  const DecodedText d = decode_text("\xFE\xFF\0h\0\xE9\xD8\x3D\xDE\x00"s);
  EXPECT_EQ(d.text, "hé😀");
  EXPECT_EQ(d.encoding, "utf-16be");
}

TEST(LoaderDecoding, Utf16BrokenSurrogatesBecomeReplacementCharacters) {
  // A high surrogate before "a", a lone low surrogate, then half a code unit.
  EXPECT_EQ(utf16_to_utf8("\x3D\xD8" "a\0" "\x00\xDE" "b"s, ByteOrder::little_endian), "\uFFFDa\uFFFD\uFFFD");
  // A high surrogate at the very end.
  EXPECT_EQ(utf16_to_utf8("x\0\x3D\xD8"s, ByteOrder::little_endian), "x\uFFFD");
}

TEST(LoaderDecoding, ReplaceInvalidUtf8KeepsValidTextAndMarksTheRest) {
  EXPECT_EQ(replace_invalid_utf8("plain é", Utf8Repair::per_sequence), "plain é");
  EXPECT_EQ(replace_invalid_utf8("a\xE6\x97" "b", Utf8Repair::per_sequence), "a\uFFFD" "b");  // truncated 3-byte sequence
  EXPECT_EQ(replace_invalid_utf8("\x80\x80x\xFF", Utf8Repair::per_sequence), "\uFFFDx\uFFFD");
  EXPECT_EQ(replace_invalid_utf8("\xED\xA0\x80!", Utf8Repair::per_sequence), "\uFFFD!");  // encoded surrogate
}

TEST(LoaderDecoding, LoadedTextRecordsItsEncoding) {
  const LoadResult r = load_document("na\xefve r\xe9sum\xe9\n", "notes.txt");
  ASSERT_TRUE(r.document);
  EXPECT_EQ(r.document->text, "naïve résumé\n");
  EXPECT_EQ(r.document->encoding, "windows-1252");
  EXPECT_EQ(r.document->loader, LoaderKind::text);
}

TEST(LoaderDecoding, LoadedUtf16TextIsNotBinary) {
  const LoadResult r = load_document("\xFF\xFEh\0i\0"s, "notes.txt");
  ASSERT_TRUE(r.document) << r.skipped_reason;
  EXPECT_EQ(r.document->text, "hi");
  EXPECT_EQ(r.document->encoding, "utf-16le");
}

}  // namespace
}  // namespace strata::ingest
