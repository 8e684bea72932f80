#include "search/fts_query.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "search/fts_compounds.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/search_store.h"
#include "store/store.h"
#include "test_util.h"

namespace strata::search {
namespace {

using Terms = std::vector<std::string>;

// The splitting tests keep stop words, so that every piece of the input is visible.
const FtsQueryOptions kAllWords{false};

TEST(SearchFtsQuery, SplitsAtPunctuationAndOperators) {
  EXPECT_EQ(fts_terms("C++ AND -foo:bar* ^baz NEAR(x y)", kAllWords),
            (Terms{"C", "AND", "foo", "bar", "baz", "NEAR", "x", "y"}));
  EXPECT_EQ(fts_terms("\"quoted phrase\" 'single'"), (Terms{"quoted", "phrase", "single"}));
  EXPECT_EQ(fts_terms("don't"), (Terms{"don", "t"}));
  EXPECT_EQ(fts_terms("snake_case x.y/z"), (Terms{"snake", "case", "x", "y", "z"}));
}

TEST(SearchFtsQuery, QuotesEachTermAndJoinsWithOr) {
  EXPECT_EQ(fts_match_expression("python templates"), "\"python\" OR \"templates\"");
  EXPECT_EQ(fts_match_expression("NOT", kAllWords), "\"NOT\"");
  EXPECT_EQ(fts_match_expression("hello"), "\"hello\"");
}

TEST(SearchFtsQuery, EmptyOrPunctuationOnlyMeansNoKeywordQuery) {
  EXPECT_EQ(fts_match_expression(""), "");
  EXPECT_EQ(fts_match_expression("   \t\n"), "");
  EXPECT_EQ(fts_match_expression("()\"*^:-+!?.,;{}[]"), "");
  EXPECT_EQ(fts_match_expression("\xF0\x9F\x94\xA5 \xE2\x80\x94 \xE2\x80\xA6"), "");  // 🔥 — …
  EXPECT_EQ(fts_match_expression(std::string("\0\x01\x7f", 3)), "");
}

TEST(SearchFtsQuery, KeepsNonAsciiLettersDigitsAndMarks) {
  EXPECT_EQ(fts_terms("café naïve Zürich"), (Terms{"café", "naïve", "Zürich"}));
  EXPECT_EQ(fts_terms("Ελληνικά русский עברית"), (Terms{"Ελληνικά", "русский", "עברית"}));
  EXPECT_EQ(fts_terms("e\xCC\x81t\xC3\xA9"), (Terms{"e\xCC\x81t\xC3\xA9"}));  // combining acute
  EXPECT_EQ(fts_terms("\xD9\xA1\xD9\xA2 x"), (Terms{"\xD9\xA1\xD9\xA2", "x"}));  // Arabic-Indic digits
  // No-break space, ideographic space and a right-to-left override separate terms.
  EXPECT_EQ(fts_terms("a\xC2\xA0" "b\xE3\x80\x80" "c\xE2\x80\xAE" "d", kAllWords), (Terms{"a", "b", "c", "d"}));
}

TEST(SearchFtsQuery, CjkWordsBecomeTheirBigrams) {
  // Written without spaces, a CJK clause is one unicode61 word; the index's cjk column holds
  // its bigrams (common/cjk_terms.h), and so does the query.
  EXPECT_EQ(fts_terms("什么是依赖注入"), (Terms{"什么", "么是", "是依", "依赖", "赖注", "注入"}));
  EXPECT_EQ(fts_terms("東京タワー、大阪"), (Terms{"東京", "京タ", "タワ", "ワー", "大阪"}));
  EXPECT_EQ(fts_terms("의존성을 주입"), (Terms{"의존", "존성", "성을", "주입"}));
  // Words glued to a CJK run are terms of their own; a lone CJK character is one.
  EXPECT_EQ(fts_terms("使用FastAPI的依赖"), (Terms{"使用", "FastAPI", "的依", "依赖"}));
  EXPECT_EQ(fts_terms("键 x中y"), (Terms{"键", "x", "中", "y"}));
  // A repeated bigram is repeated (BM25's query term frequency); CJK punctuation separates as
  // any punctuation does.
  EXPECT_EQ(fts_terms("依赖，依赖。依赖项"), (Terms{"依赖", "依赖", "依赖", "赖项"}));
  EXPECT_EQ(fts_match_expression("依赖注入"), "\"依赖\" OR \"赖注\" OR \"注入\"");
}

TEST(SearchFtsQuery, InvalidUtf8AndControlsSeparate) {
  EXPECT_EQ(fts_terms("ab\xFF" "cd\xC3"), (Terms{"ab", "cd"}));
  EXPECT_EQ(fts_terms("ab\xED\xA0\x80" "cd"), (Terms{"ab", "cd"}));  // a UTF-16 surrogate
  EXPECT_EQ(fts_terms("ab\xC0\xAF" "cd"), (Terms{"ab", "cd"}));      // an overlong '/'
  EXPECT_EQ(fts_terms(std::string("a\0b\x1b[31mc", 10), kAllWords), (Terms{"a", "b", "31mc"}));
}

// A word typed twice counts twice, as BM25's query term frequency does (the reference BM25 and
// Lucene alike): a long question names its subject more than once.
TEST(SearchFtsQuery, KeepsRepeatedWordsForTheirQueryFrequency) {
  EXPECT_EQ(fts_terms("The the THE cat", kAllWords), (Terms{"The", "the", "THE", "cat"}));
  EXPECT_EQ(fts_terms("Cat cat CAT"), (Terms{"Cat", "cat", "CAT"}));
  EXPECT_EQ(fts_match_expression("retrieval of documents, document retrieval"),
            "\"retrieval\" OR \"documents\" OR \"document\" OR \"retrieval\"");
}

TEST(SearchFtsQuery, DropsStopWordsUnlessNothingElseIsLeft) {
  EXPECT_EQ(fts_terms("What is the speed of light in a vacuum?"), (Terms{"What", "speed", "light", "vacuum"}));
  EXPECT_EQ(fts_match_expression("AND OR NOT"), "\"AND\" OR \"OR\" OR \"NOT\"");  // only stop words: kept
  EXPECT_EQ(fts_terms("To be or not to be"), (Terms{"To", "be", "or", "not", "to", "be"}));
  EXPECT_EQ(fts_terms("the Théâtre"), (Terms{"Théâtre"}));
}

TEST(SearchFtsQuery, DropsPersonalPronounsAsStopWords) {
  EXPECT_EQ(fts_terms("How do I test my endpoints?"), (Terms{"How", "do", "test", "endpoints"}));
  EXPECT_EQ(fts_terms("you and your own rows, ours and theirs"), (Terms{"own", "rows"}));
  EXPECT_EQ(fts_terms("me myself I"), (Terms{"me", "myself", "I"}));  // nothing else: kept
  // Only whole words: "his" in "history" and "I" in "IP" stay.
  EXPECT_EQ(fts_terms("history of IP addresses"), (Terms{"history", "IP", "addresses"}));
  EXPECT_EQ(fts_terms("Me and I", kAllWords), (Terms{"Me", "and", "I"}));
}

TEST(SearchFtsQuery, KeepsAtMostTheFirstTermsOfAVeryLongQuery) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "w" + std::to_string(i) + " ";
  const Terms terms = fts_terms(text);
  ASSERT_EQ(terms.size(), kMaxQueryTerms);
  EXPECT_EQ(terms.front(), "w0");
  EXPECT_EQ(terms.back(), "w" + std::to_string(kMaxQueryTerms - 1));
}

// A real FTS5 table per tokenizer the store may use.
class SearchFtsTable : public ::testing::TestWithParam<const char*> {
 protected:
  SearchFtsTable() : db_(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    db_.exec(std::string("CREATE VIRTUAL TABLE t USING fts5(text, tokenize = '") + GetParam() + "')");
    const std::vector<std::string> rows = {
        "C++ templates and the standard library",                 // 1
        "Python generators yield values lazily",                  // 2
        "The naive Bayes classifier",                             // 3
        "don't panic: the answer is 42",                          // 4
        "Zürich and Genève are Swiss cities",                     // 5
        "東京 is the capital of Japan",                            // 6
        "the runner runs while running",                          // 7
        "SELECT * FROM users WHERE name = 'bob' AND age > 3",     // 8
        "error: expected ')' before ';' token",                   // 9
        "templates templates templates in C++ and Rust",          // 10
    };
    SQLite::Statement insert(db_, "INSERT INTO t(rowid, text) VALUES (?, ?)");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      insert.bind(1, static_cast<std::int64_t>(i + 1));
      insert.bind(2, rows[i]);
      insert.exec();
      insert.reset();
    }
  }

  // Row ids matching the user's text, best BM25 first; throws on an FTS5 error.
  std::vector<std::int64_t> search(const std::string& text) {
    std::vector<std::int64_t> ids;
    const std::string expr = fts_match_expression(text);
    if (expr.empty()) return ids;
    SQLite::Statement q(db_, "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t), rowid");
    q.bind(1, expr);
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    return ids;
  }

  bool raw_match_fails(const std::string& text) {
    try {
      SQLite::Statement q(db_, "SELECT count(*) FROM t WHERE t MATCH ?");
      q.bind(1, text);
      q.executeStep();
      return false;
    } catch (const SQLite::Exception&) {
      return true;
    }
  }

  SQLite::Database db_;
};

TEST_P(SearchFtsTable, ObviousQueriesFindTheRightRows) {
  EXPECT_EQ(search("C++ templates").front(), 10);  // both terms, "templates" three times
  EXPECT_EQ(search("C++ templates").size(), 2u);
  EXPECT_EQ(search("python generators"), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(search("naïve"), (std::vector<std::int64_t>{3}));  // remove_diacritics 2
  EXPECT_EQ(search("zurich GENEVE"), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(search("東京"), (std::vector<std::int64_t>{6}));
  EXPECT_EQ(search("don't panic!").front(), 4);
  EXPECT_EQ(search("answer = 42?"), (std::vector<std::int64_t>{4}));
  EXPECT_EQ(search("expected ')' before"), (std::vector<std::int64_t>{9}));
  EXPECT_EQ(search("\"bob\" AND (age").front(), 8);  // "and" is a term too
  EXPECT_EQ(search("nothing-here-at-all"), (std::vector<std::int64_t>{}));
  EXPECT_TRUE(search("*^:()").empty());
}

TEST_P(SearchFtsTable, OrRanksRowsWithMoreTermsFirst) {
  const std::vector<std::int64_t> ids = search("python lazily library");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0], 2);  // matches two of the three terms
  EXPECT_EQ(ids[1], 1);
}

TEST_P(SearchFtsTable, StemmingOnlyWithPorter) {
  const std::vector<std::int64_t> ids = search("run");
  if (std::string(GetParam()).starts_with("porter")) {
    EXPECT_EQ(ids, (std::vector<std::int64_t>{7}));
  } else {
    EXPECT_TRUE(ids.empty());
  }
}

// Strings built from FTS5 syntax, quotes, brackets, controls, invalid and unusual UTF-8.
std::string nasty_string(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {
      "\"", "'", "(", ")", "AND", "OR", "NOT", "NEAR", "NEAR(", "NEAR/3", "and", "-", ":", "*",
      "^", "+", "{", "}", "[", "]", ",", ".", ";", "\\", "/", "text:", "{text}:", "t:", "col:",
      "C++", "x-y", "a*b", "\"\"", "''", "%", "_", "$", "@", "#", "!", "?", "=", "<", ">", "|",
      "&", "~", "`", " ", "  ", "\t", "\n", "\r", std::string(1, '\0'), "\x01", "\x1b[2J", "\x7f",
      "\xFF", "\xC3", "\xE2\x82", "\xED\xA0\x80", "\xC0\xAF", "\xF4\x90\x80\x80", "é", "ß", "İ",
      "东京", "日本語", "🔥", "👩‍💻", "\xE2\x80\xAE", "\xC2\xA0", "\xE3\x80\x80", "\xCC\x81",
      "\xEF\xBB\xBF", "\xEF\xBF\xBE", "\xF3\xB0\x80\x80", "ﬁ", "ǅ", "١٢٣", "templates", "the",
      "python", "42", "0x1F", "3.14", "1e10", "zürich", "running", std::string(300, 'a'),
      "rowid", "MATCH", "bm25", "*)", "(\"", "NEAR(\"a\" \"b\", 2)", "- -", "^^", "**"};
  std::uniform_int_distribution<std::size_t> count(0, 12), pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255), coin(0, 9);
  std::string s;
  const std::size_t n = count(rng);
  for (std::size_t i = 0; i < n; ++i) {
    if (coin(rng) == 0) {
      s.push_back(static_cast<char>(byte(rng)));  // a random byte, often invalid UTF-8
    } else {
      s += pieces[pick(rng)];
    }
  }
  return s;
}

TEST_P(SearchFtsTable, GeneratedNastyStringsNeverFail) {
  std::mt19937 rng(20240601);
  std::size_t raw_failures = 0, keyword_queries = 0;
  for (int i = 0; i < 4000; ++i) {
    const std::string text = nasty_string(rng);
    SCOPED_TRACE(::testing::PrintToString(text));
    ASSERT_NO_THROW(search(text));
    if (!fts_match_expression(text).empty()) ++keyword_queries;
    if (i < 500 && raw_match_fails(text)) ++raw_failures;
  }
  // The generator is nasty enough: passed raw, many of these are FTS5 syntax errors.
  EXPECT_GT(raw_failures, 100u);
  EXPECT_GT(keyword_queries, 2000u);
}

TEST_P(SearchFtsTable, RandomBytesNeverFail) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> len(0, 40);
  for (int i = 0; i < 2000; ++i) {
    std::string text(len(rng), '\0');
    for (char& c : text) c = static_cast<char>(byte(rng));
    SCOPED_TRACE(::testing::PrintToString(text));
    ASSERT_NO_THROW(search(text));
  }
}

INSTANTIATE_TEST_SUITE_P(Search, SearchFtsTable,
                         ::testing::Values("unicode61 remove_diacritics 2",
                                           "porter unicode61 remove_diacritics 2"),
                         [](const ::testing::TestParamInfo<const char*>& param) {
                           return std::string(param.index == 0 ? "unicode61" : "porter");
                         });

// ---- compound terms (search/fts_compounds.h): `0.1`, `UTF-8`, `3.11` kept whole as a phrase after
// the terms, and what that finds in a store: the whole term first, its pieces still.
using Compounds = std::vector<std::string>;

TEST(SearchFtsCompounds, NumbersEncodingsAndVersionsAreCompounds) {
  EXPECT_EQ(fts_compound_terms("why is 0.1 + 0.2 not equal to 0.3"), (Compounds{"0.1", "0.2", "0.3"}));
  EXPECT_EQ(fts_compound_terms("UTF-8 text in Python 3.11, see RFC-3629."), (Compounds{"UTF-8", "3.11", "RFC-3629"}));
  EXPECT_EQ(fts_compound_terms("x86-64 builds of v1.2.3 (gcc-12)"), (Compounds{"x86-64", "v1.2.3", "gcc-12"}));
  EXPECT_EQ(fts_compound_terms("a+1"), (Compounds{"a+1"}));
}

TEST(SearchFtsCompounds, WordsWithoutDigitsOneWordTermsAndLooseSeparatorsAreNot) {
  EXPECT_EQ(fts_compound_terms("read-only non-relevant e.g. i.e."), Compounds{});
  EXPECT_EQ(fts_compound_terms("C++ v2 x86 2024"), Compounds{}) << "one word each: already whole";
  EXPECT_EQ(fts_compound_terms("0 . 1, 0..1, 1.-2, 3/4, 5_6, 7:8"), Compounds{});
  EXPECT_EQ(fts_compound_terms("café-1 über.2"), Compounds{}) << "non-ASCII words are not joined";
  EXPECT_EQ(fts_compound_terms(""), Compounds{});
  EXPECT_EQ(fts_compound_terms("..--++"), Compounds{});
}

TEST(SearchFtsCompounds, EachOnceAndAtMostTheFirstOnes) {
  EXPECT_EQ(fts_compound_terms("0.1 and 0.1 again, then 0.10"), (Compounds{"0.1", "0.10"}));
  std::string many;
  for (int i = 0; i < 40; ++i) many += "1." + std::to_string(i) + " ";
  const Compounds got = fts_compound_terms(many);
  ASSERT_EQ(got.size(), kMaxCompoundTerms);
  EXPECT_EQ(got.front(), "1.0");
  EXPECT_EQ(got.back(), "1." + std::to_string(kMaxCompoundTerms - 1));
}

TEST(SearchFtsCompounds, TheExpressionKeepsThePiecesAndAddsTheWholeLast) {
  EXPECT_EQ(fts_match_expression("UTF-8 errors"), "\"UTF\" OR \"8\" OR \"errors\" OR \"UTF-8\"");
  EXPECT_EQ(fts_match_expression("0.1 + 0.1"), "\"0\" OR \"1\" OR \"0\" OR \"1\" OR \"0.1\"");
  EXPECT_EQ(fts_match_expression("C++ templates"), "\"C\" OR \"templates\" OR \"cplusplus\"")
      << "a + after a word is no token: the name's whole term instead (common/symbol_terms.h)";
  EXPECT_EQ(fts_match_expression("read-only"), "\"read\" OR \"only\"");
  EXPECT_EQ(fts_match_expression("+-."), "");
}

// ---- names that end in '+' or '#' (common/symbol_terms.h): `C++`, `C#` searched as their letter
// and as the whole term the index derives for them, once, after the terms and before the
// compounds' phrases.
TEST(SearchFtsSymbols, TheExpressionAddsTheWholeTermOnceBesideThePieces) {
  EXPECT_EQ(fts_match_expression("C# vs F#"), "\"C\" OR \"vs\" OR \"F\" OR \"csharp\" OR \"fsharp\"");
  EXPECT_EQ(fts_match_expression("C++ 0.1 and c++"), "\"C\" OR \"0\" OR \"1\" OR \"c\" OR \"cplusplus\" OR \"0.1\"");
  EXPECT_EQ(fts_match_expression("g++ -O2"), "\"g\" OR \"O2\" OR \"gplusplus\"");
  EXPECT_EQ(fts_match_expression("C++17"), "\"C\" OR \"17\" OR \"cplusplus\"");
  EXPECT_EQ(fts_match_expression("x+y issue#12"), "\"x\" OR \"y\" OR \"issue\" OR \"12\"");
  EXPECT_EQ(fts_match_expression("++ #"), "");
  EXPECT_EQ(fts_terms("C++ and C#"), (Terms{"C", "C"})) << "the terms are the tokenizer's words";
}

store::DocumentRecord compound_test_record(const std::string& source, const std::string& text) {
  store::DocumentRecord r;
  r.source = source;
  r.title = "";
  r.loader = "text";
  r.encoding = "utf-8";
  r.metadata_json = "{}";
  r.text = text;
  store::ChunkRecord c;
  c.start_byte = 0;
  c.end_byte = static_cast<std::int64_t>(text.size());
  c.line_start = c.line_end = 1;
  c.headings_json = "[]";
  r.chunks.push_back(c);
  r.content_hash = "h" + source;
  r.size_bytes = static_cast<std::int64_t>(text.size());
  r.char_count = r.size_bytes;
  return r;
}

// In a store: the chunk holding the whole term ranks first, though chunks holding its pieces
// apart are many; a piece alone still finds the whole term's chunk.
TEST(SearchFtsCompounds, AStoreFindsTheWholeTermFirstAndItsPiecesStill) {
  testing::TempDir tmp;
  store::Store s = store::Store::open(tmp / "store.db");
  {
    store::DocumentWriter w(s, "docs", "{}", false);
    w.begin();
    w.put(compound_test_record("float.md", "Representation error: 0.1 cannot be held exactly in binary floating point."), false);
    w.put(compound_test_record("utf.md", "Files are read as UTF-8 unless another encoding is given."), false);
    w.put(compound_test_record("py.md", "New in Python 3.11: exception groups."), false);
    for (int i = 0; i < 6; ++i) {
      w.put(compound_test_record("n" + std::to_string(i) + ".md",
                                 "Table " + std::to_string(i) + ": 0 rows of 1 page, 8 bits, 11 columns, 3 indexes, 1 text of " +
                                     std::to_string(i) + " bytes."),
            false);
    }
    w.commit();
  }
  const std::int64_t c = store::find_collection(s, "docs")->id;
  const auto first = [&](const std::string& query) {
    const auto rows = store::keyword_search(s, c, fts_match_expression(query), {}, 10);
    return rows.empty() ? std::string() : store::chunk_refs(s, {rows[0].chunk_id}).at(0).source;
  };
  EXPECT_EQ(first("what is 0.1"), "float.md");
  EXPECT_EQ(first("UTF-8"), "utf.md");
  EXPECT_EQ(first("3.11"), "py.md");
  EXPECT_EQ(first("UTF"), "utf.md") << "a piece alone still finds the whole term";
  EXPECT_EQ(first("Python 3"), "py.md");
  // The phrase is its pieces one after another: a chunk with both pieces apart holds no `0.1`.
  const auto whole_only = store::keyword_search(s, c, "\"0.1\"", {}, 10);
  ASSERT_EQ(whole_only.size(), 1u);
  EXPECT_EQ(store::chunk_refs(s, {whole_only[0].chunk_id}).at(0).source, "float.md");
}

// In a store: a page about the name ranks above pages about its letter, in the text or in the
// title, and the letter alone still finds them all.
TEST(SearchFtsSymbols, AStoreFindsTheNameFirstAmongPagesOfItsLetter) {
  testing::TempDir tmp;
  store::Store s = store::Store::open(tmp / "store.db");
  {
    store::DocumentWriter w(s, "docs", "{}", false);
    w.begin();
    w.put(compound_test_record("cpp.md", "Templates in C++ are resolved at compile time."), false);
    w.put(compound_test_record("csharp.md", "Generics in C# are resolved at run time."), false);
    w.put(compound_test_record("c.md", "The C language has no templates and no generics: C is small."), false);
    w.put(compound_test_record("letter.md", "C is the third letter of the alphabet: c, C, c."), false);
    store::DocumentRecord titled = compound_test_record("np.md", "Tips for editing files.");
    titled.title = "Notepad++ tips";
    w.put(titled, false);
    store::DocumentRecord other = compound_test_record("np2.md", "Notepad and notepads: tips.");
    other.title = "Notepad";
    w.put(other, false);
    w.commit();
  }
  const std::int64_t c = store::find_collection(s, "docs")->id;
  const auto first = [&](const std::string& query) {
    const auto rows = store::keyword_search(s, c, fts_match_expression(query), {}, 10);
    return rows.empty() ? std::string() : store::chunk_refs(s, {rows[0].chunk_id}).at(0).source;
  };
  EXPECT_EQ(first("C++"), "cpp.md");
  EXPECT_EQ(first("c++ templates"), "cpp.md");
  EXPECT_EQ(first("C#"), "csharp.md");
  EXPECT_EQ(first("C# generics"), "csharp.md");
  EXPECT_EQ(first("Notepad++"), "np.md") << "the title's name";
  EXPECT_EQ(store::keyword_search(s, c, fts_match_expression("C"), {}, 10).size(), 4u) << "the letter finds them all";
}

}  // namespace
}  // namespace strata::search
