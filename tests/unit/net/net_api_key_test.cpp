// Keys from the environment go into the Authorization header: a control character in one is
// refused by name, never repeated, before any request.
#include "net/api_key.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/error.h"
#include "common/text.h"

namespace strata {
namespace {

TEST(NetApiKey, ControlCharactersAreFoundTabsAreNot) {
  EXPECT_FALSE(find_control_character("sk-abc123_-.~+/=").has_value());
  EXPECT_FALSE(find_control_character("a\tb").has_value());
  EXPECT_EQ(find_control_character("sk-abc\r\nX-Injected: 1"), 6u);
  EXPECT_EQ(find_control_character("ab\ncd"), 2u);
  EXPECT_EQ(find_control_character(std::string("ab\0cd", 5)), 2u);
  EXPECT_EQ(find_control_character("ab\x7f"), 2u);
  EXPECT_EQ(find_control_character("\x1b[2J"), 0u);
}

TEST(NetApiKey, AKeyWithALineBreakIsRefusedByItsVariableNeverByItsValue) {
  try {
    net::require_header_safe_key("OPENAI_API_KEY", "sk-secret\r\nX-Injected: 1");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("$OPENAI_API_KEY holds a control character"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("sk-secret"), std::string::npos);
    EXPECT_EQ(e.hint().find("sk-secret"), std::string::npos);
  }
  EXPECT_NO_THROW(net::require_header_safe_key("OPENAI_API_KEY", "sk-secret"));
  EXPECT_NO_THROW(net::require_header_safe_key("OPENAI_API_KEY", ""));
}

TEST(NetApiKey, EveryEchoOfTheKeyIsRedactedWholeOrInPiecesAcrossWhitespace) {
  const std::string key = "sk-proj-AbCdEfGh1234567890XyZ";
  using net::redact_key_fragments;
  EXPECT_EQ(redact_key_fragments("bad key sk-proj-AbCdEfGh1234567890XyZ.", key), "bad key [redacted].");
  // Without its prefix, as servers echo it.
  EXPECT_EQ(redact_key_fragments("key AbCdEfGh1234567890XyZ is invalid", key), "key [redacted] is invalid");
  // Split by a space and by a line break.
  EXPECT_EQ(redact_key_fragments("key: sk-proj-AbCd EfGh12345\n67890XyZ end", key), "key: [redacted] end");
  // A piece of 8 characters is the key's; 7 are not enough.
  EXPECT_EQ(redact_key_fragments("tail 1234567890 here", key), "tail [redacted] here");
  EXPECT_EQ(redact_key_fragments("just 1234567 here", key), "just 1234567 here");
  // Two echoes, and text that merely shares short runs with the key.
  EXPECT_EQ(redact_key_fragments("a AbCdEfGh12 b 90XyZ sk-proj c EfGh1234567890 d", key),
            "a [redacted] b 90XyZ sk-proj c [redacted] d");
  // A short key is matched whole only.
  EXPECT_EQ(redact_key_fragments("use abc123 or abc 123", "abc123"), "use [redacted] or abc 123");
  EXPECT_EQ(redact_key_fragments("nothing to hide", ""), "nothing to hide");
}

// Random texts of key pieces, other characters and whitespace: once redacted, no 8 characters of
// the key stand in a row, whitespace taken out, and text without a piece of the key is unchanged.
TEST(NetApiKey, NoPieceOfTheKeySurvivesRandomEchoes) {
  const std::string key = "sk-strata-canary-7Qf3Zx9Lm2Wc8Rt5Yh1Kd4Np6Vb0Gs3J";
  std::mt19937 rng(20261123);
  const std::string noise = "abcxyz .,:;\n\t-_";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int parts = 1 + static_cast<int>(rng() % 6);
    for (int p = 0; p < parts; ++p) {
      if (rng() % 2 == 0) {
        const std::size_t from = rng() % key.size();
        const std::size_t len = 1 + rng() % (key.size() - from);
        for (std::size_t i = from; i < from + len; ++i) {
          text += key[i];
          if (rng() % 7 == 0) text += (rng() % 2 == 0) ? ' ' : '\n';
        }
      } else {
        for (std::size_t n = rng() % 12; n > 0; --n) text += noise[rng() % noise.size()];
      }
    }
    const std::string out = net::redact_key_fragments(text, key);
    std::string squeezed;
    for (const char c : out) {
      if (c != ' ' && c != '\n' && c != '\t') squeezed += c;
    }
    for (std::size_t i = 0; i + net::kKeyFragment <= key.size(); ++i) {
      ASSERT_EQ(squeezed.find(key.substr(i, net::kKeyFragment)), std::string::npos) << "text: " << text << "\nout: " << out;
    }
  }
  EXPECT_EQ(net::redact_key_fragments("plain words, no secret\n", key), "plain words, no secret\n");
}

}  // namespace
}  // namespace strata
