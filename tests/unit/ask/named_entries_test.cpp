#include "ask/named_entries.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata::ask {
namespace {

search::SearchHit entry_hit(std::int64_t id, std::string text) {
  search::SearchHit h;
  h.chunk.chunk_id = id;
  h.chunk.text = std::move(text);
  return h;
}

TEST(AskNamedEntries, AnEntryIsAHeadingOrASignatureNotASentence) {
  EXPECT_TRUE(holds_entry("port (integer)\n\nThe TCP port.\n\nmax_connections (integer)\n\nDetermines ...", "max_connections"));
  EXPECT_TRUE(holds_entry("## redo [options]\n\nRoll back ...", "redo"));
  EXPECT_TRUE(holds_entry("intro\npickle.DEFAULT_PROTOCOL\n\nAn integer.", "pickle.default_protocol"));
  EXPECT_TRUE(holds_entry("  Max_Connections (integer)", "max_connections"));  // as the manual writes it
  EXPECT_FALSE(holds_entry("max_connections must be at least 10.", "max_connections"));
  EXPECT_FALSE(holds_entry("uses one semaphore per allowed connection (max_connections), and", "max_connections"));
  EXPECT_FALSE(holds_entry("max_connectionsx (integer)", "max_connections"));
  EXPECT_FALSE(holds_entry("", "max_connections"));
}

TEST(AskNamedEntries, TheNamesEntryFromItsOwnSearchGoesFirst) {
  const std::vector<search::SearchHit> first = {entry_hit(1, "SEMMNI | at least ceil((max_connections + 6) / 16)"),
                                                entry_hit(2, "uses one semaphore per connection (max_connections)")};
  std::vector<std::string> asked;
  const auto search = [&](search::SearchRequest r) {
    asked.push_back(r.query);
    EXPECT_EQ(r.mode, search::Mode::keyword);
    EXPECT_EQ(r.k, k_named_entry_depth);
    EXPECT_EQ(r.collection, "pg");  // the request's own collection and filters
    search::SearchResult found;
    found.hits = {entry_hit(2, "uses one semaphore per connection (max_connections)"),
                  entry_hit(7, "port (integer)\n\nmax_connections (integer)\n\nThe default is typically 100 connections.")};
    return found;
  };
  search::SearchRequest base;
  base.collection = "pg";
  const std::vector<search::SearchHit> hits = with_named_entries("what is the default max_connections", first, base, search);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].chunk.chunk_id, 7);
  EXPECT_EQ(hits[1].chunk.chunk_id, 1);
  EXPECT_EQ(asked, std::vector<std::string>{"max_connections"});

  // A question that names nothing as written, or whose entry retrieval found already: unchanged,
  // and no second search.
  asked.clear();
  EXPECT_EQ(with_named_entries("how many connections by default", first, base, search).size(), 2u);
  const std::vector<search::SearchHit> has_it = {entry_hit(7, "max_connections (integer)\n\nThe default is 100.")};
  EXPECT_EQ(with_named_entries("default max_connections", has_it, base, search).size(), 1u);
  EXPECT_TRUE(asked.empty());
}

}  // namespace
}  // namespace strata::ask
