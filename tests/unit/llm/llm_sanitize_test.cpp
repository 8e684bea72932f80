#include "llm/sanitize.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/text.h"

namespace strata::llm {
namespace {

std::string clean(std::string_view s) { return sanitize_for_terminal(s); }

TEST(LlmSanitize, KeepsOrdinaryTextAndUnicode) {
  const std::string text =
      "Hello, world!\n\tIndented.\n"
      "café 東京 Привет مرحبا שלום 👩\xE2\x80\x8D💻 🇫🇷 e\xCC\x81"  // ZWJ
      " ½ ∑ — “quotes” \xEF\xBB\xBF \xF4\x8F\xBF\xBF";
  EXPECT_EQ(clean(text), text);
  EXPECT_EQ(clean(""), "");
}

TEST(LlmSanitize, RemovesC0AndC1ControlsButNewlineAndTab) {
  EXPECT_EQ(clean(std::string("a\0b\x01\x07\x08\x0b\x0c\rc\x7f" "d\n\te", 16)), "abcd\n\te");
  EXPECT_EQ(clean("over\rwrite"), "overwrite");  // no carriage return to overwrite the line
  EXPECT_EQ(clean("a\xC2\x80" "b\xC2\x85" "c\xC2\x99" "d"), "abcd");  // U+0080, NEL, U+0099
  EXPECT_EQ(clean("\xC2\xA0"), "\xC2\xA0");  // U+00A0 is not a control
}

// Direction marks change the order in which the neutral characters around them (slashes, dots,
// spaces) are shown: removed with the other bidi controls.
TEST(LlmSanitize, RemovesDirectionMarks) {
  EXPECT_EQ(clean("a\xE2\x80\x8E" "b\xE2\x80\x8F" "c\xD8\x9C" "d"), "abcd");  // LRM, RLM, ALM
  EXPECT_EQ(clean("x\xE2\x80\xAE" "y\xE2\x81\xA6" "z"), "xyz");                  // RLO, LRI
}

TEST(LlmSanitize, RemovesCsiSequences) {
  EXPECT_EQ(clean("\x1b[31mred\x1b[0m plain"), "red plain");
  EXPECT_EQ(clean("\x1b[2J\x1b[H\x1b[?1049h\x1b[1 q\x1b[38;5;196mX"), "X");
  EXPECT_EQ(clean("\x1b[1A\x1b[2K fake line"), " fake line");
  EXPECT_EQ(clean("\xC2\x9B" "31mC1 CSI"), "C1 CSI");
  // A control or non-ASCII inside the parameters ends the sequence; nothing reaches the screen
  // as an escape because the ESC itself is gone.
  EXPECT_EQ(clean("\x1b[12\x07m"), "m");
  EXPECT_EQ(clean("\x1b[12é"), "é");
}

TEST(LlmSanitize, RemovesOscAndOtherStringSequences) {
  EXPECT_EQ(clean("\x1b]0;evil title\x07" "after"), "after");
  EXPECT_EQ(clean("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ here"), "click here");
  EXPECT_EQ(clean("\x1b]52;c;ZXZpbA==\x07" "x"), "x");  // clipboard write
  EXPECT_EQ(clean("\x1bPq#0;2;0;0;0\x1b\\dcs"), "dcs");
  EXPECT_EQ(clean("\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\ok"), "ok");
  EXPECT_EQ(clean("\xC2\x9D" "0;title\xC2\x9C" "c1"), "c1");  // C1 OSC ... C1 ST
  EXPECT_EQ(clean("\x1b]0;t\x1b[31mred"), "red");  // ESC ends the string and starts a CSI
  EXPECT_EQ(clean("\x1b]0;\xE6\x9D\xB1\x07" "x"), "x");  // UTF-8 inside the string is dropped too
}

TEST(LlmSanitize, UnterminatedStringGivesUpAfterALimit) {
  const std::string payload(TerminalSanitizer::kMaxStringSequence + 100, 'p');
  const std::string out = clean("\x1b]0;" + payload);
  EXPECT_LT(out.size(), 200u);
  EXPECT_EQ(out, std::string(out.size(), 'p'));
}

TEST(LlmSanitize, RemovesOtherEscapeSequences) {
  EXPECT_EQ(clean("\x1b" "7saved\x1b" "8"), "saved");
  EXPECT_EQ(clean("\x1b" "creset"), "reset");
  EXPECT_EQ(clean("\x1b(0lqk\x1b(B"), "lqk");  // charset switch: intermediate, final
  EXPECT_EQ(clean("\x1b#8"), "");
  EXPECT_EQ(clean("\x1b\x1b[0mx"), "x");
  EXPECT_EQ(clean("\x1b\n"), "\n");  // an ESC that nothing can follow is dropped alone
  EXPECT_EQ(clean("\x1b"), "");
}

TEST(LlmSanitize, RemovesBidiControls) {
  EXPECT_EQ(clean("a\xE2\x80\xAA" "b\xE2\x80\xAB" "c\xE2\x80\xAC" "d\xE2\x80\xAD" "e\xE2\x80\xAE" "f"), "abcdef");
  EXPECT_EQ(clean("a\xE2\x81\xA6" "b\xE2\x81\xA7" "c\xE2\x81\xA8" "d\xE2\x81\xA9" "e"), "abcde");
  EXPECT_EQ(clean("\xE2\x80\xA9\xE2\x81\xAA"), "\xE2\x80\xA9\xE2\x81\xAA");  // neighbours stay
}

TEST(LlmSanitize, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(clean("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(clean("\x9B" "31m"), "\xEF\xBF\xBD" "31m");  // a raw C1 byte is not UTF-8
  EXPECT_EQ(clean("\xE2\x82" "x"), "\xEF\xBF\xBD" "x");    // one U+FFFD per maximal subpart
  EXPECT_EQ(clean("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(clean("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong
  EXPECT_EQ(clean("end\xF0\x9F\x94"), "end\xEF\xBF\xBD");                    // cut at the end
}

TEST(LlmSanitize, SequencesAndCharactersSplitAcrossChunks) {
  TerminalSanitizer s;
  std::string out;
  out += s.feed("red: \x1b[3");
  out += s.feed("1mR\x1b");
  out += s.feed("]0;ti");
  out += s.feed("tle\x1b");
  out += s.feed("\\ caf\xC3");
  out += s.feed("\xA9 \xE2\x80");
  out += s.feed("\xAE" "x\xF0\x9F");
  out += s.feed("\x94\xA5");
  out += s.finish();
  EXPECT_EQ(out, "red: R café x🔥");
}

TEST(LlmSanitize, FinishDropsUnfinishedSequencesAndResets) {
  TerminalSanitizer s;
  EXPECT_EQ(s.feed("a\x1b[31"), "a");
  EXPECT_EQ(s.finish(), "");
  EXPECT_EQ(s.feed("b\xE6\x9D"), "b");
  EXPECT_EQ(s.finish(), "\xEF\xBF\xBD");
  EXPECT_EQ(s.feed("[0m"), "[0m");  // a fresh stream: no CSI state left over
}

// Fragments that exercise every state; random concatenations of them are split at random.
std::string random_output(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {
      "text ", "\x1b[", "31", ";", "m", "\x1b]", "0;", "title", "\x07", "\x1b\\", "\x1b", "(",
      "B", "\xC2\x9B", "\xC2\x9C", "\xC2\x9D", "\xC2\x85", "\r", "\n", "\t", std::string(1, '\0'),
      "\x7f", "é", "東京", "🔥", "\xE2\x80\xAE", "\xE2\x81\xA6", "\xE2\x80\x8F", "\xFF", "\xC3",
      "\xE2\x82", "\xF0\x9F", "\xED\xA0\x80", "\x9B", "P", "]", "[", "\\", "^", "_", "X", " ",
      "\x1bP", "\x1b_", "\x1b#", "?", "1049", "h", "8;;http://x/"};
  std::uniform_int_distribution<std::size_t> count(0, 30), pick(0, pieces.size() - 1);
  std::string s;
  const std::size_t n = count(rng);
  for (std::size_t i = 0; i < n; ++i) s += pieces[pick(rng)];
  return s;
}

// What must never reach a terminal.
void expect_safe(const std::string& out) {
  EXPECT_FALSE(find_invalid_utf8(out).has_value());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    EXPECT_FALSE((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) << "control at " << i;
    if (c == 0xC2 && i + 1 < out.size()) {
      const auto d = static_cast<unsigned char>(out[i + 1]);
      EXPECT_FALSE(d >= 0x80 && d <= 0x9F) << "C1 at " << i;
    }
    if (c == 0xE2 && i + 2 < out.size()) {
      const auto d = static_cast<unsigned char>(out[i + 1]), e = static_cast<unsigned char>(out[i + 2]);
      EXPECT_FALSE(d == 0x80 && e >= 0xAA && e <= 0xAE) << "bidi at " << i;
      EXPECT_FALSE(d == 0x81 && e >= 0xA6 && e <= 0xA9) << "bidi at " << i;
    }
  }
}

TEST(LlmSanitize, AnySplitGivesTheSameSafeOutput) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 3000; ++trial) {
    const std::string input = random_output(rng);
    const std::string whole = clean(input);
    expect_safe(whole);
    // Byte by byte.
    TerminalSanitizer bytes;
    std::string out;
    for (char c : input) out += bytes.feed(std::string_view(&c, 1));
    out += bytes.finish();
    ASSERT_EQ(out, whole) << ::testing::PrintToString(input);
    // Random pieces.
    TerminalSanitizer pieces;
    out.clear();
    std::size_t i = 0;
    while (i < input.size()) {
      const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 7)(rng);
      out += pieces.feed(std::string_view(input).substr(i, n));
      i += n;
    }
    out += pieces.finish();
    ASSERT_EQ(out, whole) << ::testing::PrintToString(input);
  }
}

TEST(LlmSanitize, RandomBytesComeOutSafe) {
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string input(static_cast<std::size_t>(byte(rng)), '\0');
    for (char& c : input) c = static_cast<char>(byte(rng));
    expect_safe(clean(input));
  }
}

TEST(LlmSanitize, SanitisingTwiceChangesNothing) {
  std::mt19937 rng(13);
  for (int trial = 0; trial < 1000; ++trial) {
    const std::string once = clean(random_output(rng));
    EXPECT_EQ(clean(once), once);
  }
}

}  // namespace
}  // namespace strata::llm
