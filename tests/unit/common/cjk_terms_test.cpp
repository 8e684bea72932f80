// common/cjk_terms: the keyword index's terms for Chinese, Japanese and Korean text.
#include "common/cjk_terms.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace strata {
namespace {

using Views = std::vector<std::string_view>;

Views terms_of_word(std::string_view word) {
  Views out;
  EXPECT_TRUE(cjk_terms_of_word(word, out)) << word;
  return out;
}

std::string utf8(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

TEST(CjkTerms, ScriptsAreHanKanaAndHangul) {
  for (const char32_t cp : {U'中', U'々', U'〇', U'ひ', U'カ', U'ー', U'ｶ', U'한', U'ᄀ', U'ㄱ', U'㐀', U'豈', U'\U00020000',
                            U'\U0002A6D6'}) {
    EXPECT_TRUE(is_cjk(static_cast<std::int32_t>(cp))) << utf8(cp);
  }
  for (const char32_t cp : {U'a', U'é', U'Ж', U'א', U'。', U'、', U'　', U'，', U'ａ', U'１', U'🔥', U'\u10FF', U'\uA000'}) {
    EXPECT_FALSE(is_cjk(static_cast<std::int32_t>(cp))) << utf8(cp);
  }
}

TEST(CjkTerms, RunsGiveOverlappingBigrams) {
  EXPECT_EQ(terms_of_word("依赖注入"), (Views{"依赖", "赖注", "注入"}));
  EXPECT_EQ(terms_of_word("依赖"), (Views{"依赖"}));
  EXPECT_EQ(terms_of_word("键"), (Views{"键"}));
  EXPECT_EQ(terms_of_word("でんわ"), (Views{"でん", "んわ"}));
  EXPECT_EQ(terms_of_word("한국어"), (Views{"한국", "국어"}));
  EXPECT_EQ(terms_of_word("\U00020000\U00020001"), (Views{"\U00020000\U00020001"}));
}

TEST(CjkTerms, PiecesAroundRunsAreWordsOfTheirOwn) {
  EXPECT_EQ(terms_of_word("使用FastAPI的依赖"), (Views{"使用", "FastAPI", "的依", "依赖"}));
  EXPECT_EQ(terms_of_word("Python3の"), (Views{"Python3", "の"}));
  EXPECT_EQ(terms_of_word("a中b文c"), (Views{"a", "中", "b", "文", "c"}));
  EXPECT_EQ(terms_of_word("中x"), (Views{"中", "x"}));
}

TEST(CjkTerms, WordsWithoutCjkGiveNothing) {
  Views out{"kept"};
  EXPECT_FALSE(cjk_terms_of_word("FastAPI", out));
  EXPECT_FALSE(cjk_terms_of_word("naïve", out));
  EXPECT_FALSE(cjk_terms_of_word("Ελληνικά", out));
  EXPECT_FALSE(cjk_terms_of_word("ሰላም", out));  // Ethiopic: lead bytes above 0xE1, decoded, no CJK
  EXPECT_EQ(out, (Views{"kept"}));
}

TEST(CjkTerms, IndexTermsOfAText) {
  EXPECT_EQ(cjk_index_terms("## 什么是「依赖注入」\n\n编程中的**「依赖注入」**是声明代码（本文中为路径操作函数）运行所需的，或要使用的「依赖」的一种方式。"),
            "什么 么是 依赖 赖注 注入 编程 程中 中的 依赖 赖注 注入 是声 声明 明代 代码 本文 文中 中为 为路 路径 径操 操作 "
            "作函 函数 运行 行所 所需 需的 或要 要使 使用 用的 依赖 的一 一种 种方 方式");
  EXPECT_EQ(cjk_index_terms("FastAPI 提供了简单易用，但功能强大的依赖注入系统。"),
            "提供 供了 了简 简单 单易 易用 但功 功能 能强 强大 大的 的依 依赖 赖注 注入 入系 系统");
  EXPECT_EQ(cjk_index_terms("plain English text, café and naïve — no CJK"), "");
  EXPECT_EQ(cjk_index_terms(""), "");
  EXPECT_EQ(cjk_index_terms("bad \xFF\xFE bytes 中\xC3文"), "中 文");
}

TEST(CjkTerms, EveryCodePointNearTheRangesIsClassifiedConsistently) {
  // A CJK code point alone in a word is its own term; any other letter gives no term.
  // (Assigned code points only: an unassigned one is no word character for unicode61.)
  for (const char32_t cp : std::initializer_list<char32_t>{0x10FF, 0x1100, 0x11FF, 0x1200, 0x3004, 0x3005, 0x3007, 0x3008, 0x303F, 0x3041, 0x30FF,
                            0x3100, 0x3131, 0x318E, 0x3190, 0x31F0, 0x31FF, 0x3400, 0x4DB5, 0x4DC0, 0x4E00, 0x9FA5,
                            0xA000, 0xA960, 0xA97C, 0xAC00, 0xD7A3, 0xF900, 0xFAD9, 0xFF66, 0xFFDC, 0x20000, 0x2A6D6}) {
    const std::string text = "x " + utf8(cp) + " y";
    EXPECT_EQ(cjk_index_terms(text), is_cjk(static_cast<std::int32_t>(cp)) ? utf8(cp) : "") << std::hex << static_cast<std::uint32_t>(cp);
  }
}

}  // namespace
}  // namespace strata
