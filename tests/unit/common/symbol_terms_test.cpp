// common/symbol_terms and common/index_terms: the whole terms of names that end in '+' or '#'
// (C++, C#), and the derived terms the keyword index holds beside the tokenizer's.
#include "common/symbol_terms.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/cjk_terms.h"
#include "common/index_terms.h"
#include "store/fts_tokenizer.h"

namespace strata {
namespace {

using Terms = std::vector<std::string>;

TEST(SymbolTerms, NamesEndingInPlusOrHashGiveTheirWholeTerm) {
  EXPECT_EQ(symbol_terms("C++"), Terms{"cplusplus"});
  EXPECT_EQ(symbol_terms("g++ -O2 and clang++"), (Terms{"gplusplus", "clangplusplus"}));
  EXPECT_EQ(symbol_terms("C# and F#."), (Terms{"csharp", "fsharp"}));
  EXPECT_EQ(symbol_terms("Notepad++, Google+ (A+)"), (Terms{"notepadplusplus", "googleplus", "aplus"}));
  EXPECT_EQ(symbol_terms("\"C++\" [C#] C++: c++; C++/CLI"), (Terms{"cplusplus", "csharp", "cplusplus", "cplusplus", "cplusplus"}));
  EXPECT_EQ(symbol_terms("x86+"), Terms{"x86plus"});
}

TEST(SymbolTerms, TwoPlusesNameWhateverFollows) {
  EXPECT_EQ(symbol_terms("C++17 and C++0x"), (Terms{"cplusplus", "cplusplus"})) << "standards of C++";
  EXPECT_EQ(symbol_terms("a+b a+1 issue#12 page#anchor"), Terms{}) << "one '+' or '#' inside a word";
}

TEST(SymbolTerms, OtherPlusesAndHashesAreNoNames) {
  EXPECT_EQ(symbol_terms("# Heading\n\n## Two\nx # y, a + b, #tag, ++i"), Terms{});
  EXPECT_EQ(symbol_terms("10+ years, Python 3.8+, v2+"), (Terms{"v2plus"})) << "a word starting with a digit is none";
  EXPECT_EQ(symbol_terms("C+++ +-----+ C## C#+"), (Terms{"csharp"}));
  EXPECT_EQ(symbol_terms("café++ naïveC#"), Terms{}) << "a word with other letters";
  EXPECT_EQ(symbol_terms("snake_case++"), Terms{"caseplusplus"}) << "'_' separates words, as in unicode61";
  EXPECT_EQ(symbol_terms(""), Terms{});
  EXPECT_EQ(symbol_terms("plain text"), Terms{});
  EXPECT_EQ(symbol_terms("+#"), Terms{});
}

TEST(SymbolTerms, ANameAfterCjkTextIsOne) {
  EXPECT_EQ(symbol_terms("使用C++编程"), Terms{"cplusplus"});
  EXPECT_EQ(symbol_terms("学习C#。"), Terms{"csharp"});
  EXPECT_EQ(symbol_terms("中3D+"), Terms{}) << "the name starts with a letter";
}

TEST(SymbolTerms, AnyBytesAreAccepted) {
  EXPECT_EQ(symbol_terms("C++\xFF"), Terms{"cplusplus"});
  EXPECT_EQ(symbol_terms("\xFF" "C#\xC3"), Terms{"csharp"});
  EXPECT_EQ(symbol_terms(std::string("C\0#", 3)), Terms{});
  EXPECT_EQ(symbol_terms(std::string("C#\0x", 4)), Terms{"csharp"});
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 40);
  const std::string alphabet = "Cc+#_ 1\xC3\xA9\xE4\xB8\xAD";
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    for (int n = len(rng); n > 0; --n) {
      s += i % 2 == 0 ? static_cast<char>(byte(rng)) : alphabet[static_cast<std::size_t>(byte(rng)) % alphabet.size()];
    }
    for (const std::string& t : symbol_terms(s)) {
      ASSERT_FALSE(t.empty());
      for (const char c : t) ASSERT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << t;
    }
  }
}

TEST(SymbolTerms, AQueryHoldsEachOnceInTheOrderTyped) {
  EXPECT_EQ(symbol_query_terms("c++ vs C++ vs C#, C++"), (Terms{"cplusplus", "csharp"}));
  std::string many;
  for (int i = 0; i < 40; ++i) many += "n" + std::to_string(i) + "++ ";
  const Terms got = symbol_query_terms(many);
  ASSERT_EQ(got.size(), kMaxSymbolQueryTerms);
  EXPECT_EQ(got.front(), "n0plusplus");
}

TEST(SymbolTerms, EachIsOneTokenOfTheIndexNotOneOfItsPieces) {
  // unicode61 keeps the term whole and Porter stems it to no other term of the name.
  const store::FtsTokenizer tokenizer;
  for (const std::string name : {"C++", "g++", "C#", "F#", "Notepad++", "Google+", "J#"}) {
    const Terms terms = symbol_terms(name);
    ASSERT_EQ(terms.size(), 1u) << name;
    std::vector<std::string> tokens;
    tokenizer.for_each_term(terms[0], [&](std::string_view t) { tokens.emplace_back(t); });
    ASSERT_EQ(tokens.size(), 1u) << name;
    std::vector<std::string> pieces;
    tokenizer.for_each_term(name, [&](std::string_view t) { pieces.emplace_back(t); });
    ASSERT_EQ(pieces.size(), 1u) << name;
    EXPECT_NE(tokens[0], pieces[0]) << name;
  }
}

TEST(IndexTerms, CjkTermsThenTheWholeTermsOfNames) {
  EXPECT_EQ(derived_index_terms("使用C++的依赖注入, and C#"), cjk_index_terms("使用C++的依赖注入, and C#") + " cplusplus csharp");
  EXPECT_EQ(derived_index_terms("依赖注入"), "依赖 赖注 注入");
  EXPECT_EQ(derived_index_terms("C++ and C++"), "cplusplus cplusplus") << "each time: the index counts them";
  EXPECT_EQ(derived_index_terms("plain English"), "");
  EXPECT_EQ(derived_index_terms(""), "");
}

}  // namespace
}  // namespace strata
