// store::FtsTokenizer gives exactly the terms the keyword index (chunks_fts) holds for a text:
// compared with FTS5's own index of the same text (fts5vocab 'instance', term by term, in
// order) over thousands of English inflections, mixed scripts and odd bytes.
#include "store/fts_tokenizer.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "test_util.h"

namespace strata::store {
namespace {

std::vector<std::string> terms_of(const FtsTokenizer& t, std::string_view text) {
  std::vector<std::string> out;
  t.for_each_term(text, [&](std::string_view term) { out.emplace_back(term); });
  return out;
}

// FTS5's own terms for `text`, in order, from an index made with `tokenize`.
std::vector<std::string> indexed_terms(std::string_view text, const std::string& tokenize) {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = '" + tokenize + "')");
  db.exec("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')");
  SQLite::Statement ins(db, "INSERT INTO t (x) VALUES (?)");
  ins.bind(1, std::string(text));
  ins.exec();
  std::vector<std::string> out;
  SQLite::Statement q(db, "SELECT term FROM v ORDER BY offset");
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

std::string inflections() {
  const char* stems[] = {"connect", "migrat", "relat", "condition", "hope", "generaliz", "electr", "radiat",
                         "happ",    "formal", "sens",  "adjust",    "depend", "operat", "fly", "agree",
                         "control", "roll",   "plan",  "measur",    "digit", "analys", "sky", "tri"};
  const char* suffixes[] = {"",    "s",      "es",    "ed",   "ing",   "ion",    "ions",  "ional", "ation", "ational",
                            "ate", "ize",    "izer",  "ness", "ful",   "ly",     "ally",  "ement", "ment",  "ent",
                            "ism", "iveness", "ousli", "able", "ible",  "er",     "est",   "ence",  "ance",  "ities"};
  std::string text;
  for (const char* s : stems) {
    for (const char* x : suffixes) text += std::string(s) + x + ' ';
  }
  return text;
}

TEST(StoreFtsTokenizer, TermsAreTheKeywordIndexTerms) {
  const FtsTokenizer t;
  const std::string spec = k_fts_tokenizer;
  for (const std::string& text :
       {inflections(),
        std::string("The NPL collection: 11,429 abstracts on electronics, radiation & IONOSPHERIC measurements "
                    "(1960s). C++ templates_generate x_y 3.14159 e-mail user@example.com \"quoted\" it's"),
        std::string("Na\xc3\xafve caf\xc3\xa9 \xe2\x80\x94 \xe6\x9d\xb1\xe4\xba\xac stra\xc3\x9f" "e \xc3\x89T\xc3\x89 r\xc3\xa9sum\xc3\xa9s"),
        std::string("broken \xff\xfe bytes \xe2\x82 end"), std::string(200, 'a') + " supercalifragilisticexpialidociously",
        std::string(""), std::string("   \n\t!!")}) {
    SCOPED_TRACE(text.substr(0, 60));
    EXPECT_EQ(terms_of(t, text), indexed_terms(text, spec));
  }
}

TEST(StoreFtsTokenizer, StemsLikePorter) {
  const FtsTokenizer t;
  EXPECT_EQ(terms_of(t, "Connections connected CONNECTING"), (std::vector<std::string>{"connect", "connect", "connect"}));
  EXPECT_EQ(terms_of(t, "caf\xc3\xa9 ponies"), (std::vector<std::string>{"cafe", "poni"}));
}

TEST(StoreFtsTokenizer, SpecificationIsTheStoreIndexOne) {
  testing::TempDir tmp;
  const std::string path = (tmp.path() / "store.db").string();
  Store::open(path);
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  const std::string sql = db.execAndGet("SELECT sql FROM sqlite_master WHERE name = 'chunks_fts'").getString();
  EXPECT_NE(sql.find("tokenize = '" + std::string(k_fts_tokenizer) + "'"), std::string::npos) << sql;
}

TEST(StoreFtsTokenizer, OnePerThreadGivesTheSameTerms) {
  const std::string text = inflections();
  const std::vector<std::string> want = terms_of(FtsTokenizer(), text);
  std::vector<std::vector<std::string>> got(3);
  std::vector<std::thread> threads;
  for (auto& g : got) threads.emplace_back([&] { g = terms_of(FtsTokenizer(), text); });
  for (std::thread& th : threads) th.join();
  for (const auto& g : got) EXPECT_EQ(g, want);
}

}  // namespace
}  // namespace strata::store
