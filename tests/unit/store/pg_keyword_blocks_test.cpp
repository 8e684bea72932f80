// The keyword index's blocks on PostgreSQL (store/postgres/pg_keyword_index.h,
// chunk_term_blocks): a block's COPY row, a term's postings packed 128 a block and read back
// through chunk_terms, a document's removal rewriting the blocks it shared, postings of a
// re-titled document merged into the blocks around them, and two writers whose chunk ids
// interleave each keeping its collection's blocks to its own chunks. Each test gets a fresh
// database on the test server (tests/unit/test_db.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/catalog.h"
#include "store/document_writer.h"
#include "store/postgres/pg_keyword_index.h"
#include "store/store.h"
#include "test_db.h"

namespace strata {
namespace {

using store::DocumentRecord;
using store::DocumentWriter;
using store::Store;

// A record of `chunks` chunks, each one line of `text`'s lines.
DocumentRecord blocks_record(const std::string& source, const std::string& title, const std::vector<std::string>& chunks) {
  DocumentRecord r;
  r.source = source;
  r.title = title;
  r.loader = "text";
  r.encoding = "utf-8";
  r.mtime = "2026-01-02T03:04:05.000Z";
  std::int64_t line = 1;
  for (const std::string& c : chunks) {
    store::ChunkRecord k;
    k.start_byte = k.char_start = static_cast<std::int64_t>(r.text.size());
    r.text += c;
    k.end_byte = k.char_end = static_cast<std::int64_t>(r.text.size());
    r.text += '\n';
    k.line_start = k.line_end = line++;
    k.headings_json = "[]";
    r.chunks.push_back(k);
  }
  r.content_hash = std::to_string(std::hash<std::string>{}(r.text));
  r.size_bytes = r.char_count = static_cast<std::int64_t>(r.text.size());
  return r;
}

// Its ends, chunk ids and document ids, then the postings' bytes as bytea hex (its backslash
// doubled for COPY): narrow when every value fits (the layout byte 2, the first chunk id in 8
// bytes, then per posting the chunk id less that one in 4, hits and length in 2), else wide (the
// layout byte 1, then per posting the chunk id in 8, hits and length in 4); big-endian.
TEST(PgKeywordBlocks, ABlockRowIsItsEndsIdsAndPostingBytes) {
  const std::vector<store::pg::Posting> p = {
      {7, 2, 1, 0, 0, 5}, {9, 2, 0, 1, 0, 6}, {5'000'000'000, 3, 70'000, 1, 3, 2'147'483'647}};
  std::string row;
  store::pg::append_block_row(row, p.data(), 2);
  EXPECT_EQ(row, "7\t9\t{7,9}\t{2,2}\t\\\\x02" "0000000000000007"
                 "00000000" "0001" "0000" "0000" "0005"
                 "00000002" "0000" "0001" "0000" "0006\n");
  row.clear();
  store::pg::append_block_row(row, p.data(), p.size());
  EXPECT_EQ(row, "7\t5000000000\t{7,9,5000000000}\t{2,2,3}\t\\\\x01"
                 "0000000000000007" "00000001" "00000000" "00000000" "00000005"
                 "0000000000000009" "00000000" "00000001" "00000000" "00000006"
                 "000000012a05f200" "00011170" "00000001" "00000003" "7fffffff\n")
      << "a chunk id 4,999,999,993 after the first, hits and a length beyond 65,535: wide";
  row.clear();
  const std::vector<store::pg::Posting> edge = {{100, 1, 65'535, 0, 0, 65'535}, {100 + 4'294'967'295, 1, 1, 1, 1, 1}};
  store::pg::append_block_row(row, edge.data(), edge.size());
  EXPECT_EQ(row, "100\t4294967395\t{100,4294967395}\t{1,1}\t\\\\x02" "0000000000000064"
                 "00000000" "ffff" "0000" "0000" "ffff"
                 "ffffffff" "0001" "0001" "0001" "0001\n")
      << "the largest values the narrow layout holds";
}

class PgKeywordBlocksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& server = testing::pg_server_url();
    if (!server) GTEST_SKIP() << "PostgreSQL server unavailable: " << testing::pg_skip_reason();
    static int counter = 0;
    const std::string name = "kb_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    testing::pg_query(*server, "CREATE DATABASE " + name);
    url_ = server->substr(0, server->rfind('/') + 1) + name;
  }

  std::string query(const std::string& sql) const { return testing::pg_query(url_, "SET search_path TO strata; " + sql); }

  // The chunk ids of the documents named (a SQL list of sources), ascending, comma-separated.
  std::string chunk_ids(const std::string& sources) const {
    return query("SELECT coalesce(string_agg(c.id::text, ',' ORDER BY c.id), '') FROM chunks c JOIN documents d"
                 " ON d.id = c.document_id WHERE d.source IN (" + sources + ")");
  }

  // The blocks of `term`, in order: "first-last:{chunk ids}" joined by " ".
  std::string blocks(const std::string& term) const {
    return query("SELECT coalesce(string_agg(first_chunk || '-' || last_chunk || ':' || chunk_ids::text, ' '"
                 " ORDER BY last_chunk), '') FROM chunk_term_blocks WHERE term = '" + term + "'");
  }

  // The statistics against a recount of chunk_terms: "" when equal.
  std::string stats_problems() const {
    return query("SELECT count(*) FROM (SELECT collection_id, term, count(*) AS n FROM chunk_terms GROUP BY 1, 2) r"
                 " FULL JOIN term_stats s USING (collection_id, term) WHERE r.n IS DISTINCT FROM s.chunks") == "0" &&
                   query("SELECT count(*) FROM keyword_stats k WHERE chunk_count <> (SELECT count(*) FROM chunks c"
                         " WHERE c.collection_id = k.collection_id) OR token_count <> (SELECT coalesce(sum(length), 0)"
                         " FROM (SELECT DISTINCT chunk_id, length FROM chunk_terms t WHERE t.collection_id ="
                         " k.collection_id) x)") == "0"
               ? ""
               : "statistics differ from a recount";
  }

  std::string url_;
};

TEST_F(PgKeywordBlocksTest, ATermsPostingsArePackedInBlocksOf128) {
  Store pg = Store::open(url_);
  std::vector<std::string> chunks;
  for (int i = 0; i < 300; ++i) chunks.push_back("common word" + std::string(i % 2 ? " common" : "") + " x" + std::to_string(i));
  DocumentWriter w(pg, "docs", "{}", false);
  w.begin();
  w.put(blocks_record("a.md", "", chunks), false);
  w.commit();
  EXPECT_EQ(query("SELECT string_agg(cardinality(chunk_ids)::text, ',' ORDER BY last_chunk) FROM chunk_term_blocks"
                  " WHERE term = 'common'"),
            "128,128,44");
  EXPECT_EQ(query("SELECT string_agg(chunk_id::text, ',' ORDER BY chunk_id) FROM chunk_terms WHERE term = 'common'"),
            chunk_ids("'a.md'"));
  // Read back: the hits of each posting, and the length (3 or 4 tokens).
  EXPECT_EQ(query("SELECT string_agg(text_hits || '/' || length, ',' ORDER BY chunk_id) FROM"
                  " (SELECT * FROM chunk_terms WHERE term = 'common' ORDER BY chunk_id LIMIT 4) t"),
            "1/3,2/4,1/3,2/4");
  EXPECT_EQ(query("SELECT count(*) FROM chunk_term_blocks WHERE term = 'x7'"), "1");
  EXPECT_EQ(query("SELECT chunks FROM term_stats WHERE term = 'common'"), "300");
  EXPECT_EQ(stats_problems(), "");
}

TEST_F(PgKeywordBlocksTest, RemovingADocumentRewritesTheBlocksItShared) {
  Store pg = Store::open(url_);
  {
    DocumentWriter w(pg, "docs", "{}", false);
    w.begin();
    w.put(blocks_record("a.md", "", {"zebra alpha", "zebra"}), false);
    w.put(blocks_record("b.md", "", {"zebra beta", "zebra kiwi"}), false);
    w.put(blocks_record("c.md", "", {"zebra gamma"}), false);
    w.commit();
  }
  const std::string all = chunk_ids("'a.md', 'b.md', 'c.md'");
  const std::string a = chunk_ids("'a.md'"), c = chunk_ids("'c.md'");
  ASSERT_EQ(query("SELECT count(*) FROM chunk_term_blocks WHERE term = 'zebra'"), "1");
  EXPECT_EQ(query("SELECT chunk_ids::text FROM chunk_term_blocks WHERE term = 'zebra'"), "{" + all + "}");
  store::remove_documents(pg, "docs", {"b.md"});
  EXPECT_EQ(query("SELECT chunk_ids::text FROM chunk_term_blocks WHERE term = 'zebra'"), "{" + a + "," + c + "}");
  EXPECT_EQ(query("SELECT first_chunk || '-' || last_chunk FROM chunk_term_blocks WHERE term = 'zebra'"),
            a.substr(0, a.find(',')) + "-" + c);
  EXPECT_EQ(query("SELECT count(*) FROM chunk_term_blocks WHERE term IN ('beta', 'kiwi')"), "0") << "emptied blocks go";
  EXPECT_EQ(query("SELECT chunks FROM term_stats WHERE term = 'zebra'"), "3");
  EXPECT_EQ(query("SELECT count(*) FROM term_stats WHERE term = 'beta'"), "0");
  EXPECT_EQ(stats_problems(), "");
  // The first chunk of a block removed: its first_chunk follows.
  store::remove_documents(pg, "docs", {"a.md"});
  EXPECT_EQ(blocks("zebra"), c + "-" + c + ":{" + c + "}");
  EXPECT_EQ(stats_problems(), "");
}

TEST_F(PgKeywordBlocksTest, ARetitledDocumentsPostingsMergeIntoTheBlocksAroundThem) {
  Store pg = Store::open(url_);
  DocumentWriter w(pg, "docs", "{}", false);
  w.begin();
  w.put(blocks_record("a.md", "Alpha", {"one", "two"}), false);
  w.put(blocks_record("b.md", "Beta", {"three"}), false);
  w.put(blocks_record("c.md", "Alpha", {"four"}), false);
  w.commit();
  w.begin();
  w.put(blocks_record("d.md", "Alpha", {"five"}), false);
  w.commit();
  const std::string a = chunk_ids("'a.md'"), b = chunk_ids("'b.md'"), c = chunk_ids("'c.md'"), d = chunk_ids("'d.md'");
  EXPECT_EQ(blocks("alpha"), a.substr(0, a.find(',')) + "-" + c + ":{" + a + "," + c + "} " + d + "-" + d + ":{" + d + "}");
  // b's chunk falls inside the first block's span: the block is written again with it.
  w.begin();
  w.put(blocks_record("b.md", "Alpha", {"three"}), false);
  w.commit();
  EXPECT_EQ(blocks("alpha"),
            a.substr(0, a.find(',')) + "-" + c + ":{" + a + "," + b + "," + c + "} " + d + "-" + d + ":{" + d + "}");
  EXPECT_EQ(query("SELECT string_agg(title_hits::text, ',' ORDER BY chunk_id) FROM chunk_terms WHERE term = 'alpha'"),
            "1,1,1,1,1");
  EXPECT_EQ(blocks("beta"), "");
  // A title that no other chunk holds: a block of its own between the others.
  w.begin();
  w.put(blocks_record("c.md", "Gamma", {"four"}), false);
  w.commit();
  EXPECT_EQ(blocks("gamma"), c + "-" + c + ":{" + c + "}");
  EXPECT_EQ(blocks("alpha"),
            a.substr(0, a.find(',')) + "-" + b + ":{" + a + "," + b + "} " + d + "-" + d + ":{" + d + "}");
  EXPECT_EQ(query("SELECT chunks FROM term_stats WHERE term = 'alpha'"), "4");
  EXPECT_EQ(stats_problems(), "");
}

TEST_F(PgKeywordBlocksTest, WritersWhoseChunkIdsInterleaveKeepTheirCollectionsApart) {
  Store first = Store::open(url_), second = Store::open(url_);
  DocumentWriter x(first, "x", "{}", false), y(second, "y", "{}", false);
  x.begin();
  y.begin();
  // find() of a document put in this transaction writes it (new documents otherwise wait to be
  // written together), so that the two transactions' chunk ids interleave.
  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i);
    x.put(blocks_record("x" + n + ".md", "", {"zebra x", "zebra"}), false);
    EXPECT_TRUE(x.find("x" + n + ".md"));
    y.put(blocks_record("y" + n + ".md", "", {"zebra y"}), false);
    EXPECT_TRUE(y.find("y" + n + ".md"));
  }
  y.commit();
  x.commit();
  const std::string xs = chunk_ids("'x0.md', 'x1.md', 'x2.md'"), ys = chunk_ids("'y0.md', 'y1.md', 'y2.md'");
  ASSERT_NE(xs, "");
  ASSERT_NE(ys, "");
  // Interleaved: a y chunk lies between the first and the last x chunk.
  EXPECT_EQ(query("SELECT count(*) FROM chunks c JOIN collections k ON k.id = c.collection_id WHERE k.name = 'y'"
                  " AND c.id > (SELECT min(id) FROM chunks WHERE collection_id = (SELECT id FROM collections WHERE name = 'x'))"
                  " AND c.id < (SELECT max(id) FROM chunks WHERE collection_id = (SELECT id FROM collections WHERE name = 'x'))"),
            "2");
  EXPECT_EQ(query("SELECT b.chunk_ids::text FROM chunk_term_blocks b JOIN collections k ON k.id = b.collection_id"
                  " WHERE k.name = 'x' AND b.term = 'zebra'"),
            "{" + xs + "}");
  EXPECT_EQ(query("SELECT b.chunk_ids::text FROM chunk_term_blocks b JOIN collections k ON k.id = b.collection_id"
                  " WHERE k.name = 'y' AND b.term = 'zebra'"),
            "{" + ys + "}");
  // A removal in one collection leaves the other's block whole.
  store::remove_documents(first, "y", {"y1.md"});
  EXPECT_EQ(query("SELECT b.chunk_ids::text FROM chunk_term_blocks b JOIN collections k ON k.id = b.collection_id"
                  " WHERE k.name = 'x' AND b.term = 'zebra'"),
            "{" + xs + "}");
  EXPECT_EQ(query("SELECT b.chunk_ids::text FROM chunk_term_blocks b JOIN collections k ON k.id = b.collection_id"
                  " WHERE k.name = 'y' AND b.term = 'zebra'"),
            "{" + chunk_ids("'y0.md', 'y2.md'") + "}");
  EXPECT_EQ(stats_problems(), "");
}

}  // namespace
}  // namespace strata
