#include "tokenizer/tokenizer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "common/text.h"
#include "common/utf8.h"
#include "test_util.h"

namespace strata::tokenizer {
namespace {

using strata::testing::error_of;

struct Golden {
  std::string text;
  std::vector<TokenId> cl100k;
  std::vector<TokenId> o200k;
};

// Expected ids from js-tiktoken@1.0.21 (encode(text, [], []), i.e. ordinary encoding), each
// checked equal to tiktoken@1.0.22 (encode_ordinary, the Rust core): tiktoken is the reference
// where they differ (U+FEFF, below). The texts exercise every branch of the split patterns:
// whitespace runs and the \s+(?!\S) lookahead, contractions in each listed letter case, digit
// runs, CJK, emoji and ZWJ sequences, combining marks, right-to-left scripts, special-token text,
// JavaScript-only whitespace (U+00A0, U+FEFF, U+2028) and U+0085 (not whitespace in JavaScript).
const std::vector<Golden>& goldens() {
  static const std::vector<Golden> g = {
    {"",
     {},
     {}},
    {"hello world",
     {15339, 1917},
     {24912, 2375}},
    {"\n\n  \n",
     {271, 2355},
     {154642}},
    {"trailing spaces   ",
     {376, 14612, 12908, 262},
     {371, 24408, 18608, 271}},
    {"   leading",
     {256, 6522},
     {256, 8117}},
    {"a  b   c\t\td",
     {64, 220, 293, 256, 272, 197, 2765},
     {64, 220, 287, 256, 274, 197, 5971}},
    {"it's",
     {275, 596},
     {64190}},
    {"IT'S",
     {964, 13575},
     {1468, 31233}},
    {"we'LL",
     {906, 6, 4178},
     {854, 6, 7454}},
    {"they'Re",
     {20670, 50527},
     {33574, 146756}},
    {"you've",
     {9514, 3077},
     {13320, 7341}},
    {"I'm",
     {40, 2846},
     {15390}},
    {"he'd",
     {383, 4265},
     {273, 11062}},
    {"'s",
     {596},
     {885}},
    {" 's",
     {364, 82},
     {461, 82}},
    {"'sword",
     {596, 1178},
     {885, 1801}},
    {"don't",
     {15357, 956},
     {91418}},
    {"1234567",
     {4513, 10961, 22},
     {7633, 19354, 22}},
    {"12 345 6789 0.25",
     {717, 220, 12901, 220, 17458, 24, 220, 15, 13, 914},
     {899, 220, 22901, 220, 30833, 24, 220, 15, 13, 1161}},
    {"١٢٣٤٥",
     {149, 94, 149, 95, 149, 96, 149, 97, 149, 98},
     {46600, 53184, 81473, 98713, 97336}},
    {"中文字符测试",
     {16325, 17161, 49491, 82805},
     {10667, 67951, 82843}},
    {"日本語のテキスト",
     {9080, 22656, 45918, 252, 16144, 57933, 62903, 71634},
     {9048, 40909, 3385, 16056, 18368, 38236}},
    {"한국어 텍스트",
     {24486, 89059, 255, 32179, 10997, 45204, 54289},
     {114854, 5959, 57901, 235, 42321}},
    {"😀😃😄",
     {76460, 222, 76460, 225, 76460, 226},
     {84083, 13865, 225, 13865, 226}},
    {"👨\u200d👩\u200d👧\u200d👦 family",
     {9468, 239, 101, 378, 235, 9468, 239, 102, 378, 235, 9468, 239, 100, 378, 235, 9468, 239, 99, 3070},
     {28823, 101, 2524, 28823, 102, 2524, 28823, 100, 2524, 28823, 99, 3502}},
    {"👍🏻 ok",
     {9468, 239, 235, 9468, 237, 119, 5509},
     {82514, 100798, 4763}},
    {"e\u0301te\u0301",
     {68, 54939, 668, 54939},
     {68, 13430, 411, 13430}},
    {"\u0301abc",
     {54939, 13997},
     {13430, 26682}},
    {"naïve café",
     {3458, 38672, 588, 53050},
     {1503, 9954, 737, 30469}},
    {"مرحبا بالعالم",
     {10386, 11318, 30925, 22071, 5821, 28946, 32482, 24102, 32482, 10386},
     {158894, 26537, 101462, 12773}},
    {"שלום עולם",
     {59511, 50391, 37769, 251, 17732, 95, 37769, 250, 147, 251},
     {106154, 143896}},
    {"<|endoftext|>",
     {27, 91, 8862, 728, 428, 91, 29},
     {27, 91, 419, 1440, 919, 91, 29}},
    {"a<|endofprompt|>b",
     {64, 27, 91, 408, 1073, 41681, 91, 29, 65},
     {64, 27, 91, 419, 1440, 82467, 91, 29, 65}},
    {"non\u00a0breaking",
     {6414, 4194, 37757},
     {11741, 5310, 58786}},
    {"\u00a0\u00a0x",
     {4194, 4194, 87},
     {5310, 5310, 87}},
    {"\tindented\n\tcode",
     {197, 485, 16243, 198, 44443},
     {197, 521, 23537, 198, 86873}},
    {"\r\n\r\nwindows\r\n",
     {881, 28176, 319},
     {1414, 47935, 370}},
    {"x\u2028y\u2029z",
     {87, 378, 101, 88, 378, 102, 89},
     {87, 51008, 88, 318, 102, 89}},
    {"\ufeffbom",
     {3305, 65, 316},
     {5574, 146878}},
    // tiktoken's Rust regex does not count U+FEFF as \s (JavaScript does): js-tiktoken gives
    // o200k 5574 5574 24912 here.
    {"\ufeff\ufeffhello",
     {3305, 3305, 15339},
     {135153, 24912}},
    {"a \ufeff\ufeff  b\u0085\u0085 c",
     {64, 76880, 3305, 220, 293, 126, 227, 126, 227, 272},
     {64, 71280, 5574, 220, 287, 126, 227, 126, 227, 274}},
    {"nel\u0085x",
     {8301, 126, 227, 87},
     {10085, 126, 227, 87}},
    {"path/to/file.txt",
     {2398, 33529, 24849, 3996},
     {4189, 72231, 51766, 7186}},
    {"https://example.com/a/b?c=d",
     {2485, 1129, 8858, 916, 14520, 3554, 30, 66, 26477},
     {4172, 1684, 18582, 1136, 23839, 7611, 30, 66, 56413}},
    {"foo.\n\n/bar",
     {8134, 382, 50613},
     {16660, 131750, 2990}},
    {"HelloWorld XMLHttpRequest",
     {9906, 10343, 46938},
     {13225, 13046, 100497, 2303}},
    {"\u01c5ungla \u01c8",
     {131, 227, 2234, 4355, 220, 131, 230},
     {131, 227, 988, 1675, 220, 131, 230}},
    {"\u02b0a \u02b0",
     {134, 108, 64, 220, 134, 108},
     {134, 108, 64, 220, 134, 108}},
    {"Ⅻ ½ ①",
     {71567, 104, 220, 27154, 220, 49412, 254},
     {25371, 104, 220, 27124, 220, 57019}},
    {"    def f(x):\n        return x  \n",
     {262, 711, 282, 2120, 997, 286, 471, 865, 2355},
     {271, 1056, 285, 4061, 1883, 309, 622, 1215, 4066}},
    {"...",
     {1131},
     {1008}},
    {"!!!\n\n",
     {33157},
     {25172}},
    {" \n",
     {720},
     {793}},
    {"\n ",
     {198, 220},
     {198, 220}},
    {"  ",
     {256},
     {256}},
    {" ",
     {220},
     {220}},
    {"\n",
     {198},
     {198}},
    {"CamelCaseWord ALLCAPS lower MiXeD",
     {26479, 301, 4301, 11116, 13398, 32500, 50, 4827, 21402, 55, 68, 35},
     {137910, 6187, 12929, 19465, 56928, 50, 6931, 13236, 148218, 35}},
    {"ﬁnance",
     {171, 71831, 77, 685},
     {79332, 164576}},
    {"ß ẞ",
     {8156, 220, 6655, 252},
     {2819, 220, 803, 252}},
    {"Ⅸ. ⅸ",
     {71567, 101, 13, 220, 71567, 116},
     {25371, 101, 13, 220, 25371, 116}},
    {"x = [1, 2, 3];  // comment",
     {87, 284, 510, 16, 11, 220, 17, 11, 220, 18, 5378, 220, 443, 4068},
     {87, 314, 723, 16, 11, 220, 17, 11, 220, 18, 11464, 220, 602, 5375}},
    {"$HOME/.config",
     {3, 28646, 12196, 1710},
     {3, 59091, 24584, 3154}},
    {"a\u200db",
     {64, 378, 235, 65},
     {64, 2524, 65}},
    {"\u3000全角\u3000",
     {23249, 37087, 64936, 23249},
     {1397, 5145, 36205, 1397}},
    {"tab\tafter\t",
     {6323, 197, 10924, 197},
     {11957, 197, 13181, 197}},
  };
  return g;
}

std::string show(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7F) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// Every token boundary reported by token_ends is where the decoded prefix ends.
void expect_consistent(const Tokenizer& t, const std::string& text) {
  const std::vector<TokenId> ids = t.encode(text);
  EXPECT_EQ(t.count(text), ids.size()) << show(text);
  EXPECT_EQ(t.decode(ids), text) << show(text);
  const std::vector<std::size_t> ends = t.token_ends(text);
  ASSERT_EQ(ends.size(), ids.size()) << show(text);
  std::size_t at = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    at += t.decode(std::span<const TokenId>(&ids[i], 1)).size();
    ASSERT_EQ(ends[i], at) << show(text) << " token " << i;
  }
  if (!text.empty()) {
    EXPECT_EQ(ends.back(), text.size()) << show(text);
  }
}

TEST(Tokenizer, GoldenIdsCl100k) {
  const Tokenizer& t = Tokenizer::get(Encoding::cl100k_base);
  for (const Golden& g : goldens()) {
    EXPECT_EQ(t.encode(g.text), g.cl100k) << show(g.text);
    expect_consistent(t, g.text);
  }
}

TEST(Tokenizer, GoldenIdsO200k) {
  const Tokenizer& t = Tokenizer::get(Encoding::o200k_base);
  for (const Golden& g : goldens()) {
    EXPECT_EQ(t.encode(g.text), g.o200k) << show(g.text);
    expect_consistent(t, g.text);
  }
}

// A piece longer than 128 bytes is merged by a heap instead of tiktoken's scan; both must make
// the same merges. Ids from js-tiktoken for the phrase repeated five times (no spaces: one piece).
TEST(Tokenizer, LongPieceMergesLikeShortOnes) {
  const std::string phrase = "thequickbrownfoxjumpsoverthelazydog";
  std::string text;
  for (int i = 0; i < 5; ++i) text += phrase;
  const std::vector<TokenId> cl = {1820, 28863, 65561, 15361, 44396, 708, 424, 339, 301, 13933, 18964};
  const std::vector<TokenId> o2 = {3086, 46003, 152168, 19947, 79879, 786, 2339, 4161, 1071, 3859, 479};
  for (const auto& [e, once] : {std::pair{Encoding::cl100k_base, cl}, std::pair{Encoding::o200k_base, o2}}) {
    const Tokenizer& t = Tokenizer::get(e);
    std::vector<TokenId> want;
    for (int i = 0; i < 5; ++i) want.insert(want.end(), once.begin(), once.end());
    EXPECT_EQ(t.encode(text), want) << name_of(e);
    EXPECT_EQ(t.encode(phrase), once) << name_of(e);
    expect_consistent(t, text);
    expect_consistent(t, std::string(5000, 'a'));
  }
}

// Random valid UTF-8 from a mix of ASCII, whitespace, punctuation and code points from every
// plane (no surrogates): whatever the pieces, decode(encode(x)) == x.
std::string random_utf8(std::mt19937& rng, std::size_t chars) {
  static const char* const k_ascii = "aZ0 '\n\r\t.,/-sStTlLreEvVdDmM  ";
  std::string out;
  for (std::size_t i = 0; i < chars; ++i) {
    std::uint32_t cp;
    switch (rng() % 4) {
      case 0:
      case 1: cp = static_cast<unsigned char>(k_ascii[rng() % 30]); break;
      case 2: cp = static_cast<std::uint32_t>(0x80 + rng() % 0x2F80); break;
      default: cp = static_cast<std::uint32_t>(rng() % 0x110000); break;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    append_utf8(out, cp);
  }
  return out;
}

TEST(Tokenizer, RoundTripsRandomUtf8) {
  std::mt19937 rng(20240601);
  for (const Encoding e : {Encoding::cl100k_base, Encoding::o200k_base}) {
    const Tokenizer& t = Tokenizer::get(e);
    for (int i = 0; i < 400; ++i) {
      const std::string text = random_utf8(rng, 1 + rng() % 200);
      ASSERT_FALSE(find_invalid_utf8(text).has_value());
      expect_consistent(t, text);
    }
  }
}

TEST(Tokenizer, SpecialTokenTextIsOrdinaryText) {
  const Tokenizer& t = Tokenizer::get(Encoding::cl100k_base);
  const std::vector<TokenId> ids = t.encode("<|endoftext|>");
  EXPECT_GT(ids.size(), 1u);
  for (const TokenId id : ids) EXPECT_LT(id, 100256u);
  // ... but the special ids decode to their text, as tiktoken's decode does.
  const std::vector<TokenId> special = {100257};
  EXPECT_EQ(t.decode(special), "<|endoftext|>");
  const std::vector<TokenId> o200k_special = {199999, 200018};
  EXPECT_EQ(Tokenizer::get(Encoding::o200k_base).decode(o200k_special), "<|endoftext|><|endofprompt|>");
}

TEST(Tokenizer, DecodeNamesTheFirstUnknownId) {
  const std::vector<TokenId> cl = {15339, 100256, 4000000000u};
  const Error e = error_of([&] { Tokenizer::get(Encoding::cl100k_base).decode(cl); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find("100256"), std::string::npos) << e.what();
  const std::vector<TokenId> o2 = {199998};
  const Error e2 = error_of([&] { Tokenizer::get(Encoding::o200k_base).decode(o2); });
  EXPECT_NE(std::string(e2.what()).find("199998"), std::string::npos) << e2.what();
}

TEST(Tokenizer, DecodeMayCutACharacter) {
  const Tokenizer& t = Tokenizer::get(Encoding::cl100k_base);
  const std::vector<TokenId> ids = t.encode("😀");
  ASSERT_GT(ids.size(), 1u);  // byte-level: the emoji spans several tokens
  const std::string first = t.decode(std::span<const TokenId>(ids.data(), 1));
  EXPECT_TRUE(find_invalid_utf8(first).has_value());
  const std::vector<std::size_t> ends = t.token_ends("😀");
  EXPECT_LT(ends.front(), 4u);
  EXPECT_EQ(ends.back(), 4u);
}

TEST(Tokenizer, EncodingNames) {
  EXPECT_EQ(encoding_from_name("cl100k_base"), Encoding::cl100k_base);
  EXPECT_EQ(encoding_from_name("o200k_base"), Encoding::o200k_base);
  EXPECT_FALSE(encoding_from_name("p50k_base").has_value());
  EXPECT_FALSE(encoding_from_name("").has_value());
  EXPECT_STREQ(name_of(Encoding::cl100k_base), "cl100k_base");
  EXPECT_STREQ(name_of(Encoding::o200k_base), "o200k_base");
  EXPECT_EQ(Tokenizer::get(Encoding::o200k_base).encoding(), Encoding::o200k_base);
  EXPECT_EQ(&Tokenizer::get(Encoding::cl100k_base), &Tokenizer::get(Encoding::cl100k_base));
}

// One shared Tokenizer, several threads: each keeps its own piece cache.
TEST(Tokenizer, ConcurrentUseGivesTheSameIds) {
  std::mt19937 rng(7);
  std::vector<std::string> texts;
  for (int i = 0; i < 50; ++i) texts.push_back(random_utf8(rng, 300));
  const Tokenizer& t = Tokenizer::get(Encoding::o200k_base);
  std::vector<std::vector<TokenId>> want;
  for (const std::string& s : texts) want.push_back(t.encode(s));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      for (int round = 0; round < 5; ++round) {
        for (std::size_t i = 0; i < texts.size(); ++i) mismatches[static_cast<std::size_t>(k)] += t.encode(texts[i]) != want[i];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (const int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace strata::tokenizer
