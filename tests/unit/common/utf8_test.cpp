// common/utf8.h: the one decoder, the boundary rule, validation, encoding and the repair policies.
#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace strata {
namespace {

using namespace std::string_view_literals;

void expect_ok(std::string_view bytes, char32_t code_point) {
  const Utf8Step step = utf8_decode(bytes);
  EXPECT_EQ(step.status, Utf8Status::ok) << "bytes of U+" << std::hex << static_cast<unsigned>(code_point);
  EXPECT_EQ(step.length, bytes.size());
  EXPECT_EQ(step.code_point, code_point);
}

void expect_invalid(std::string_view bytes, std::size_t length) {
  const Utf8Step step = utf8_decode(bytes);
  EXPECT_EQ(step.status, Utf8Status::invalid) << ::testing::PrintToString(std::string(bytes));
  EXPECT_EQ(step.length, length) << ::testing::PrintToString(std::string(bytes));
}

TEST(Utf8Decode, Ascii) {
  expect_ok("A", U'A');
  expect_ok("\x7F", 0x7F);
  expect_ok("\0"sv, 0);
}

TEST(Utf8Decode, TwoThreeAndFourBytesAtTheirLimits) {
  expect_ok("\xC2\x80", 0x80);
  expect_ok("\xC3\xA9", 0xE9);  // é
  expect_ok("\xDF\xBF", 0x7FF);
  expect_ok("\xE0\xA0\x80", 0x800);
  expect_ok("\xE2\x82\xAC", 0x20AC);  // €
  expect_ok("\xED\x9F\xBF", 0xD7FF);  // just below the surrogates
  expect_ok("\xEE\x80\x80", 0xE000);  // just above them
  expect_ok("\xEF\xBF\xBF", 0xFFFF);
  expect_ok("\xF0\x90\x80\x80", 0x10000);
  expect_ok("\xF0\x9F\x98\x80", 0x1F600);  // 😀
  expect_ok("\xF4\x8F\xBF\xBF", 0x10FFFF);
}

TEST(Utf8Decode, ReadsOnlyTheFirstCharacter) {
  const Utf8Step step = utf8_decode("\xC3\xA9\x80 and more");
  EXPECT_EQ(step.status, Utf8Status::ok);
  EXPECT_EQ(step.length, 2u);
  EXPECT_EQ(step.code_point, 0xE9u);
}

TEST(Utf8Decode, TruncatedSequencesAreIncompleteWithAllTheirBytes) {
  for (const std::string_view prefix : {"\xC3"sv, "\xE2"sv, "\xE2\x82"sv, "\xF0"sv, "\xF0\x9F"sv, "\xF0\x9F\x98"sv}) {
    const Utf8Step step = utf8_decode(prefix);
    EXPECT_EQ(step.status, Utf8Status::incomplete) << ::testing::PrintToString(std::string(prefix));
    EXPECT_EQ(step.length, prefix.size());
  }
}

TEST(Utf8Decode, StrayContinuationAndImpossibleBytesAreOneByte) {
  expect_invalid("\x80", 1);
  expect_invalid("\xBF\x80", 1);
  expect_invalid("\xF5\x80\x80\x80", 1);
  expect_invalid("\xFE", 1);
  expect_invalid("\xFF", 1);
}

TEST(Utf8Decode, RejectsOverlongsSurrogatesAndAboveU10FFFF) {
  expect_invalid("\xC0\x80", 1);  // overlong NUL
  expect_invalid("\xC1\xBF", 1);
  expect_invalid("\xE0\x80\x80", 1);
  expect_invalid("\xE0\x9F\xBF", 1);
  expect_invalid("\xF0\x80\x80\x80", 1);
  expect_invalid("\xF0\x8F\xBF\xBF", 1);
  expect_invalid("\xED\xA0\x80", 1);  // U+D800
  expect_invalid("\xED\xBF\xBF", 1);  // U+DFFF
  expect_invalid("\xF4\x90\x80\x80", 1);  // U+110000
}

TEST(Utf8Decode, ABrokenSequenceIsItsMaximalSubpart) {
  expect_invalid("\xC3" "A", 1);
  expect_invalid("\xE2\x82" "A", 2);
  expect_invalid("\xF0\x9F\x98" "A", 3);
  expect_invalid("\xF0\x9F" "\xC3\xA9", 2);
}

TEST(Utf8Decode, DecodesWhatAppendUtf8Encodes) {
  for (const char32_t cp : {0x0u, 0x41u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xD7FFu, 0xE000u, 0xFFFDu, 0xFFFFu, 0x10000u,
                            0x1F600u, 0x10FFFFu}) {
    std::string bytes;
    append_utf8(bytes, cp);
    EXPECT_EQ(bytes.size(), cp < 0x80 ? 1u : cp < 0x800 ? 2u : cp < 0x10000 ? 3u : 4u);
    expect_ok(bytes, cp);
  }
}

TEST(Utf8Continuation, OnlyTenXxxxxx) {
  EXPECT_TRUE(is_utf8_continuation(0x80));
  EXPECT_TRUE(is_utf8_continuation(0xBF));
  EXPECT_FALSE(is_utf8_continuation(0x7F));
  EXPECT_FALSE(is_utf8_continuation(0xC0));
  EXPECT_FALSE(is_utf8_continuation(0xF4));
}

static_assert(utf8_boundary_before("a\xC3\xA9", 2) == 1);

TEST(Utf8BoundaryBefore, AsciiIsEveryOffset) {
  constexpr std::string_view text = "abc";
  for (std::size_t n = 0; n <= text.size(); ++n) EXPECT_EQ(utf8_boundary_before(text, n), n);
}

TEST(Utf8BoundaryBefore, BacksUpToTheStartOfTheCharacter) {
  constexpr std::string_view text = "x\xC3\xA9y\xE2\x82\xAC\xF0\x9F\x98\x80z";  // x é y € 😀 z
  const std::size_t expected[] = {0, 1, 1, 3, 4, 4, 4, 7, 7, 7, 7, 11, 12};
  for (std::size_t n = 0; n <= text.size(); ++n) EXPECT_EQ(utf8_boundary_before(text, n), expected[n]) << n;
}

TEST(Utf8BoundaryBefore, PastTheEndIsTheEnd) {
  EXPECT_EQ(utf8_boundary_before("ab", 2), 2u);
  EXPECT_EQ(utf8_boundary_before("ab", 99), 2u);
  EXPECT_EQ(utf8_boundary_before("", 0), 0u);
  EXPECT_EQ(utf8_boundary_before("", 5), 0u);
}

TEST(Utf8BoundaryBefore, StopsAtZeroOnStrayContinuationBytes) {
  EXPECT_EQ(utf8_boundary_before("\x80\x80\x80" "a", 2), 0u);
  EXPECT_EQ(utf8_boundary_before("\x80\x80\x80" "a", 3), 3u);
}

TEST(Utf8BoundaryBefore, EveryCutOfValidTextIsValid) {
  const std::string text = "h\xC3\xA9llo \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x98\x80!";
  for (std::size_t n = 0; n <= text.size(); ++n) {
    const std::size_t cut = utf8_boundary_before(text, n);
    EXPECT_LE(cut, n);
    EXPECT_LT(n - cut, 4u);
    EXPECT_FALSE(find_invalid_utf8(std::string_view(text).substr(0, cut)).has_value()) << n;
  }
}

TEST(FindInvalidUtf8, ValidTextHasNone) {
  EXPECT_FALSE(find_invalid_utf8("").has_value());
  EXPECT_FALSE(find_invalid_utf8("plain ascii text longer than eight bytes").has_value());
  EXPECT_FALSE(find_invalid_utf8("x\xC3\xA9y\xE2\x82\xAC\xF0\x9F\x98\x80z\xF4\x8F\xBF\xBF").has_value());
}

TEST(FindInvalidUtf8, NamesTheFirstBadByteAfterAnAsciiRun) {
  EXPECT_EQ(find_invalid_utf8("abcdefghij\xC3"), 10u);                   // truncated at the end
  EXPECT_EQ(find_invalid_utf8("abcdefgh\xC3\xA9" "ab\xC0\x80"), 12u);     // overlong
  EXPECT_EQ(find_invalid_utf8("\xE2\x82\xAC\xED\xA0\x80"), 3u);           // surrogate after €
  EXPECT_EQ(find_invalid_utf8("a\x80"), 1u);                              // stray continuation
}

TEST(Utf8Prefix, CountsCharacters) {
  constexpr std::string_view text = "a\xC3\xA9\xF0\x9F\x98\x80" "b";
  EXPECT_EQ(utf8_prefix(text, 0), "");
  EXPECT_EQ(utf8_prefix(text, 2), "a\xC3\xA9");
  EXPECT_EQ(utf8_prefix(text, 3), "a\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(utf8_prefix(text, 10), text);
}

TEST(ReplaceInvalidUtf8, ValidTextIsUnchangedByEveryPolicy) {
  for (const Utf8Repair how : {Utf8Repair::per_subpart, Utf8Repair::per_sequence, Utf8Repair::per_byte}) {
    EXPECT_EQ(replace_invalid_utf8("plain \xC3\xA9 \xF0\x9F\x98\x80", how), "plain \xC3\xA9 \xF0\x9F\x98\x80");
  }
}

TEST(ReplaceInvalidUtf8, PoliciesCountReplacementsTheirOwnWay) {
  const std::string r = std::string(k_utf8_replacement);
  // A truncated € before 'x': one subpart, one broken sequence, two bytes.
  EXPECT_EQ(replace_invalid_utf8("\xE2\x82x", Utf8Repair::per_subpart), r + "x");
  EXPECT_EQ(replace_invalid_utf8("\xE2\x82x", Utf8Repair::per_sequence), r + "x");
  EXPECT_EQ(replace_invalid_utf8("\xE2\x82x", Utf8Repair::per_byte), r + r + "x");
  // An encoded surrogate: three subparts (ED cannot take A0), one broken sequence, three bytes.
  EXPECT_EQ(replace_invalid_utf8("\xED\xA0\x80!", Utf8Repair::per_subpart), r + r + r + "!");
  EXPECT_EQ(replace_invalid_utf8("\xED\xA0\x80!", Utf8Repair::per_sequence), r + "!");
  EXPECT_EQ(replace_invalid_utf8("\xED\xA0\x80!", Utf8Repair::per_byte), r + r + r + "!");
  // Stray continuation bytes: each one, or one run.
  EXPECT_EQ(replace_invalid_utf8("\x80\x80x\xFF", Utf8Repair::per_subpart), r + r + "x" + r);
  EXPECT_EQ(replace_invalid_utf8("\x80\x80x\xFF", Utf8Repair::per_sequence), r + "x" + r);
  // A truncated sequence at the very end is one replacement per subpart.
  EXPECT_EQ(replace_invalid_utf8("ok\xF0\x9F\x98", Utf8Repair::per_subpart), "ok" + r);
  EXPECT_EQ(replace_invalid_utf8("ok\xF0\x9F\x98", Utf8Repair::per_byte), "ok" + r + r + r);
}

}  // namespace
}  // namespace strata
