// A long-running process's copy of a collection's keyword index (store/sqlite/keyword_memory.h)
// must give the store path's keyword list exactly: the same rows, in the same order, with the
// same scores (within 1e-9), on real text (the NPL sample, tests/data/npl) with titles, in a
// collection that is the whole store and in one that shares it; and a store that changes is
// answered by the store path until a copy of its new state is ready.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "common/symbol_terms.h"
#include "search/fts_query.h"
#include "store/collections.h"
#include "store/document_writer.h"
#include "store/fts_bm25.h"
#include "store/search_store.h"
#include "store/sqlite/keyword_memory.h"
#include "store/sqlite/sqlite_backend.h"
#include "store/store.h"
#include "test_util.h"

namespace strata::sqlite_keyword_memory_test {
namespace {

using store::DocumentRecord;
using store::KeywordRow;
using store::Store;

// The "text" fields of the NPL sample's lines.
std::vector<std::string> npl_texts() {
  std::ifstream in(std::filesystem::path(STRATA_SOURCE_DIR) / "tests/data/npl/docs-120.jsonl");
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    const auto k = line.find("\"text\": \"");
    const auto e = line.rfind('"');
    if (k != std::string::npos && e > k + 9) out.push_back(line.substr(k + 9, e - k - 9));
  }
  return out;
}

DocumentRecord document(const std::string& source, const std::string& text, const std::string& title) {
  DocumentRecord d;
  d.source = source;
  d.path = "/project/" + source;
  d.title = title;
  d.content_hash = "h-" + source;
  d.loader = "text";
  d.encoding = "utf-8";
  d.metadata_json = "{}";
  d.text = text;
  store::ChunkRecord c;
  c.end_byte = c.char_end = static_cast<std::int64_t>(text.size());
  c.line_start = c.line_end = 1;
  c.tokens = 1;
  c.headings_json = "[]";
  d.chunks.push_back(c);
  d.size_bytes = d.char_count = static_cast<std::int64_t>(text.size());
  return d;
}

// The first words of `text`, a title for every third document (titles weigh 3 in the ranking).
std::string title_of(const std::string& text, std::size_t i) {
  if (i % 3 != 0) return "";
  std::size_t end = 0;
  for (int words = 0; words < 4 && end != std::string::npos; ++words) end = text.find(' ', end + 1);
  return text.substr(0, end);
}

// Queries as NPL's are: natural-language requests, one with a repeated word, one with a word no
// document holds.
const std::vector<std::string> k_queries = {
    "measurement of dielectric constant of liquids by the use of microwave techniques",
    "digital data storage systems with random access",
    "analogue computer for solving linear equations and the stability of the computer",
    "transistor amplifier noise figure at high frequencies",
    "ionosphere radio propagation and reflection",
    "zyzzyva magnetron",
};

class KeywordMemoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    st_.emplace(Store::open(tmp_ / "store.db"));
    const std::vector<std::string> texts = npl_texts();
    ASSERT_EQ(texts.size(), 120u);
    put("npl", texts, 0, 90);
    put("other", texts, 90, 120);
    npl_ = store::find_collection(*st_, "npl")->id;
    other_ = store::find_collection(*st_, "other")->id;
  }

  void put(const std::string& collection, const std::vector<std::string>& texts, std::size_t from, std::size_t to) {
    store::DocumentWriter w(*st_, collection, R"({"size":100})", false);
    w.begin();
    for (std::size_t i = from; i < to; ++i) w.put(document("d" + std::to_string(i) + ".txt", texts[i], title_of(texts[i], i)), false);
    w.commit();
  }

  std::vector<KeywordRow> store_path(std::int64_t collection, const std::string& query, std::size_t limit = 100,
                                     int title_cap = 0) {
    return store::keyword_search(*st_, collection, search::fts_match_expression(query), {}, limit, false,
                                 store::KeywordRanking{title_cap});
  }

  testing::TempDir tmp_;
  std::optional<Store> st_;
  std::int64_t npl_ = 0, other_ = 0;
};

void expect_same(const std::vector<KeywordRow>& want, const std::vector<KeywordRow>& got, const std::string& what) {
  ASSERT_EQ(want.size(), got.size()) << what;
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].chunk_id, got[i].chunk_id) << what << ", row " << i;
    EXPECT_NEAR(want[i].bm25, got[i].bm25, 1e-9) << what << ", row " << i;
  }
}

TEST_F(KeywordMemoryTest, TheCopyRanksAsTheStorePathDoes) {
  SQLite::Database& db = store::database(*st_);
  const std::vector<double> weights = {store::k_keyword_column_weights.text, store::k_keyword_column_weights.title,
                                       store::k_keyword_column_weights.cjk};
  for (const std::int64_t collection : {npl_, other_}) {
    db.exec("BEGIN");
    const std::optional<store::sqlite_store::MemoryKeywordIndex> index =
        store::sqlite_store::MemoryKeywordIndex::build(db, collection, 3, std::size_t{64} << 20);
    db.exec("COMMIT");
    ASSERT_TRUE(index);
    EXPECT_EQ(index->rows(), collection == npl_ ? 90u : 30u);
    int capped_differs = 0;  // queries whose list the title cap changes
    for (const std::string& q : k_queries) {
      // The query's strings as the table's tokenizer (porter) cuts them: stemmed, lower case.
      const std::optional<std::vector<std::string>> terms =
          store::sqlite_store::query_terms_of(db, search::fts_match_expression(q));
      ASSERT_TRUE(terms) << q;
      EXPECT_EQ(terms->size(), search::fts_terms(q).size() + symbol_query_terms(q).size()) << q;
      const std::vector<KeywordRow> want = store_path(collection, q);
      if (collection == npl_ && q.starts_with("measurement")) {
        EXPECT_GT(want.size(), 10u) << "the sample answers it";
      }
      // The titles hold 4 words: a cap of 2 weighs each 1 + 2 x 2 / 4 = 2 instead of 3.
      for (const int cap : {0, 2}) {
        for (const std::size_t limit : {std::size_t{100}, std::size_t{5}}) {
          expect_same(store_path(collection, q, limit, cap),
                      index->search(*terms, store::k_keyword_bm25.k1, store::k_keyword_bm25.b, weights,
                                    store::ColumnCap{1, cap}, limit),
                      q + ", limit " + std::to_string(limit) + ", title cap " + std::to_string(cap));
        }
      }
      const std::vector<KeywordRow> capped = store_path(collection, q, 100, 2);
      bool differs = capped.size() != want.size();
      for (std::size_t i = 0; !differs && i < want.size(); ++i) differs = capped[i].bm25 != want[i].bm25;
      capped_differs += differs;
    }
    EXPECT_GE(capped_differs, 1) << "the title cap lowers the scores of rows with a query term in a title";
  }
}

TEST_F(KeywordMemoryTest, AProcessCopyAnswersWithTheSameRowsOnceReady) {
  const std::size_t ready_before = store::sqlite_store::keyword_memory_ready();  // other tests' stores
  for (const std::int64_t collection : {npl_, other_}) {
    for (const std::string& q : k_queries) {
      const std::string match = search::fts_match_expression(q);
      const std::vector<KeywordRow> want = store_path(collection, q);
      // The first asks for a copy (the store path answers meanwhile), the second meets it ready.
      expect_same(want, store::keyword_search(*st_, collection, match, {}, 100, true), q + " (while building)");
      store::sqlite_store::wait_for_keyword_memory();
      expect_same(want, store::keyword_search(*st_, collection, match, {}, 100, true), q);
      expect_same(store_path(collection, q, 7), store::keyword_search(*st_, collection, match, {}, 7, true), q + ", 7");
    }
  }
  EXPECT_EQ(store::sqlite_store::keyword_memory_ready(), ready_before + 2) << "one copy per collection";
  EXPECT_GT(store::sqlite_store::keyword_memory_bytes(), 0u);
}

TEST_F(KeywordMemoryTest, AChangedStoreIsAnsweredAsItIsNow) {
  const std::string match = search::fts_match_expression("zyzzyva magnetron");
  EXPECT_TRUE(store::keyword_search(*st_, npl_, match, {}, 10, true).empty());
  store::sqlite_store::wait_for_keyword_memory();
  EXPECT_TRUE(store::keyword_search(*st_, npl_, match, {}, 10, true).empty());
  put("npl", {"the zyzzyva magnetron oscillates"}, 0, 1);
  const std::vector<KeywordRow> now = store::keyword_search(*st_, npl_, match, {}, 10, true);
  ASSERT_EQ(now.size(), 1u) << "the new chunk, at once";
  store::sqlite_store::wait_for_keyword_memory();
  expect_same(now, store::keyword_search(*st_, npl_, match, {}, 10, true), "the copy of the new state");
}

// Names such as C++ and C# (common/symbol_terms.h): their whole terms are single tokens of the
// index's derived column, which the copy holds and answers as the store path does.
TEST_F(KeywordMemoryTest, TheCopyAnswersNamesSuchAsCppAsTheStorePathDoes) {
  const std::vector<std::string> texts = {"templates in C++ and g++, C++17", "the C language: C is small",
                                          "generics in C# and F#", "a+b in C, issue#12", "c c c C"};
  store::DocumentWriter w(*st_, "code", R"({"size":100})", false);
  w.begin();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    w.put(document("c" + std::to_string(i) + ".txt", texts[i], i == 2 ? "C# notes" : ""), false);
  }
  w.commit();
  const std::int64_t code = store::find_collection(*st_, "code")->id;
  for (const std::string q : {"C++", "C#", "g++ templates", "C", "F# C# C++"}) {
    const std::string match = search::fts_match_expression(q);
    const std::optional<std::vector<std::string>> terms = store::sqlite_store::query_terms_of(store::database(*st_), match);
    ASSERT_TRUE(terms) << q << ": each string one token, which the copy answers";
    const std::vector<KeywordRow> want = store_path(code, q);
    ASSERT_FALSE(want.empty()) << q;
    store::keyword_search(*st_, code, match, {}, 100, true);
    store::sqlite_store::wait_for_keyword_memory();
    expect_same(want, store::keyword_search(*st_, code, match, {}, 100, true), q);
  }
  const std::vector<KeywordRow> cpp = store_path(code, "C++");
  EXPECT_EQ(store::chunk_refs(*st_, {cpp.front().chunk_id}).at(0).source, "c0.txt");
}

TEST(OrOfStrings, ReadsFtsQuerysExpressionsOnly) {
  using store::sqlite_store::or_of_strings;
  EXPECT_EQ(or_of_strings(R"("don" OR "t" OR "panic")"), (std::vector<std::string>{"don", "t", "panic"}));
  EXPECT_EQ(or_of_strings(R"("say ""hi""")"), (std::vector<std::string>{"say \"hi\""}));
  EXPECT_TRUE(or_of_strings(search::fts_match_expression("C++ and UTF-8, \"quoted\"")));
  EXPECT_FALSE(or_of_strings(R"("a" AND "b")"));
  EXPECT_FALSE(or_of_strings(R"(("a" OR "b"))"));
  EXPECT_FALSE(or_of_strings(R"("a)"));
  EXPECT_FALSE(or_of_strings(""));
}

}  // namespace
}  // namespace strata::sqlite_keyword_memory_test
