// --lossy: invalid UTF-8 replaced by U+FFFD per maximal subpart, and offsets mapped back.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "chunk/lossy.h"
#include "common/text.h"

namespace strata::chunk {
namespace {

const std::string R = "\xEF\xBF\xBD";  // U+FFFD

// Code point boundaries of valid UTF-8 `s` (0 and s.size() included).
std::vector<std::size_t> boundaries(const std::string& s) {
  std::vector<std::size_t> b;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) b.push_back(i);
  }
  b.push_back(s.size());
  return b;
}

TEST(Lossy, ValidTextIsUnchanged) {
  const std::string in = "plain ASCII, caf\xC3\xA9, \xE2\x82\xAC and \xF0\x9F\x98\x80\n";
  LossyText t(in);
  EXPECT_EQ(t.text(), in);
  EXPECT_EQ(t.replacements(), 0u);
  for (std::size_t i = 0; i <= in.size(); ++i) EXPECT_EQ(t.to_original(i), i);
}

TEST(Lossy, EmptyInput) {
  LossyText t("");
  EXPECT_EQ(t.text(), "");
  EXPECT_EQ(t.to_original(0), 0u);
}

// The expected repairs are what Python's bytes.decode("utf-8", "replace") gives.
TEST(Lossy, MaximalSubparts) {
  struct Case {
    std::string in, out;
  };
  const std::vector<Case> cases = {
      {"\xFF", R},
      {"a\xFF" "b", "a" + R + "b"},
      {"\xC0\xAF", R + R},                      // overlong lead C0: two single bytes
      {"\xE0\x80\x80", R + R + R},              // E0 needs A0..BF second
      {"\xED\xA0\x80", R + R + R},              // surrogate
      {"\xE2\x82", R},                          // truncated 3-byte: one replacement
      {"\xE2\x82z", R + "z"},
      {"\xF0\x9F\x98", R},                      // truncated 4-byte
      {"\xF0\x9F\x98z\xF0", R + "z" + R},
      {"\xF4\x90\x80\x80", R + R + R + R},      // above U+10FFFF
      {"\xF5\x80", R + R},
      {"\x80\x80\x80", R + R + R},              // stray continuation bytes
      {"\xC3", R},                              // truncated at the end
      {"\xC3\xA9\xFF\xC3\xA9", "\xC3\xA9" + R + "\xC3\xA9"},
  };
  for (const Case& c : cases) {
    LossyText t(c.in);
    EXPECT_EQ(t.text(), c.out) << "input of " << c.in.size() << " bytes";
    EXPECT_FALSE(find_invalid_utf8(t.text()).has_value());
    EXPECT_EQ(t.to_original(t.text().size()), c.in.size());
  }
}

TEST(Lossy, OffsetsMapBackToOriginalBytes) {
  const std::string in = "ab\xFF\xFF\xFF" "cd\xE2\x82" "e\xC3\xA9\xF0\x9F\x98" "f";
  LossyText t(in);
  EXPECT_EQ(t.text(), "ab" + R + R + R + "cd" + R + "e\xC3\xA9" + R + "f");
  EXPECT_EQ(t.replacements(), 5u);
  EXPECT_EQ(t.to_original(0), 0u);
  EXPECT_EQ(t.to_original(2), 2u);    // first U+FFFD
  EXPECT_EQ(t.to_original(5), 3u);    // second
  EXPECT_EQ(t.to_original(8), 4u);    // third
  EXPECT_EQ(t.to_original(11), 5u);   // "cd"
  EXPECT_EQ(t.to_original(13), 7u);   // U+FFFD for E2 82
  EXPECT_EQ(t.to_original(16), 9u);   // "e"
  EXPECT_EQ(t.to_original(17), 10u);  // é
  EXPECT_EQ(t.to_original(19), 12u);  // U+FFFD for F0 9F 98
  EXPECT_EQ(t.to_original(22), 15u);  // "f"
  EXPECT_EQ(t.to_original(23), 16u);
}

// Property: between any two code point boundaries of the repaired text, the original bytes
// repair to exactly that slice.
TEST(Lossy, RandomBytesRoundTrip) {
  std::mt19937 rng(12345);
  const std::vector<std::string> atoms = {"a", " ", "\n", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                          "\xFF", "\x80", "\xC3", "\xE2\x82", "\xF0\x9F", "\xED\xA0\x80",
                                          "\xC0\xAF", "\xF4\x90\x80\x80"};
  for (int round = 0; round < 300; ++round) {
    std::string in;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) in += atoms[rng() % atoms.size()];
    LossyText t(in);
    ASSERT_FALSE(find_invalid_utf8(t.text()).has_value());
    const auto b = boundaries(t.text());
    for (std::size_t x = 0; x < b.size(); ++x) {
      for (std::size_t y = x; y < b.size(); y += 3) {
        const std::size_t s = t.to_original(b[x]), e = t.to_original(b[y]);
        ASSERT_LE(s, e);
        ASSERT_EQ(LossyText(std::string_view(in).substr(s, e - s)).text(), t.text().substr(b[x], b[y] - b[x]));
      }
    }
  }
}

}  // namespace
}  // namespace strata::chunk
