// The word check of store/postgres/pg_foreign_objects.h: strata's own definitions as PostgreSQL
// prints them pass; a definition that calls anything else, names another schema or holds
// punctuation strata's never use does not. The kept verdict (pg_objects_verdict.h): found for
// the very snapshot and identity only, never through a link or from a file of other content. (The catalog query and the refusals run against a
// real server in tests/e2e/store_postgres_team.sh and in
// PgStoreWriterTest.EveryKindOfForeignObjectIsRefusedAtOpen.)
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "store/postgres/pg_foreign_objects.h"
#include "store/postgres/pg_objects_verdict.h"
#include "test_util.h"

namespace strata::store::pg {
namespace {

TEST(PgForeignObjects, StratasOwnDefinitionsPass) {
  for (const char* own : {
           "'{}'::text",
           "to_char((clock_timestamp() AT TIME ZONE 'UTC'::text), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'::text)",
           // PostgreSQL 13 to 15 may print AT TIME ZONE as a call.
           "to_char(timezone('UTC'::text, clock_timestamp()), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'::text)",
           "0",
           "((((get_byte(postings, 0) = 1) AND (length(postings) = (1 + (24 * cardinality(chunk_ids))))) OR "
           "((get_byte(postings, 0) = 2) AND (length(postings) = (9 + (12 * cardinality(chunk_ids)))))))",
           "((length(vector) > 0) AND ((length(vector) % 4) = 0))",
           "(role = ANY (ARRAY['user'::text, 'assistant'::text]))",
           "(owner_role = CURRENT_USER)",
           // The migration engine's history table.
           "((state)::text = ANY ((ARRAY['applied'::character varying, 'partial'::character varying])::text[]))",
           " SELECT b.collection_id,\n    b.term,\n    u.chunk_id,\n    u.document_id,\n"
           "    ((('x'::text || encode(SUBSTRING(p.posting FROM 9 FOR 4), 'hex'::text)))::bit(32))::integer AS text_hits\n"
           "   FROM ((strata.chunk_term_blocks b\n"
           "     CROSS JOIN LATERAL UNNEST(b.chunk_ids, b.document_ids) WITH ORDINALITY u(chunk_id, document_id, n))\n"
           "     CROSS JOIN LATERAL ( SELECT strata.strata_posting(b.postings, ((u.n - 1))::integer) AS posting) p)",
       }) {
    EXPECT_TRUE(only_strata_words(own, "strata")) << own;
  }
  EXPECT_TRUE(only_strata_words("SELECT team_docs.strata_posting(b.postings, 0) FROM team_docs.chunk_term_blocks b",
                                "team_docs"))
      << "the store's own schema qualifies";
}

TEST(PgForeignObjects, AnythingElseFails) {
  for (const char* other : {
           "(query_to_xml('GRANT reader TO owner'::text, true, true, ''::text) IS NOT NULL)",
           "(set_config('search_path'::text, 'x'::text, false) IS NOT NULL)",
           "CASE WHEN owner_stuff.evil() THEN '{}'::text ELSE NULL::text END",
           "SELECT b.term FROM other.chunk_term_blocks b",        // a relation of another schema
           "SELECT b.term FROM chunk_term_blocks b; DROP TABLE x",  // a second statement
           "(chunk_ids @> ARRAY[1])",                             // an operator strata's never use
           "$$x$$",                                               // dollar quoting
           "'unterminated",
           "\"unterminated",
           "lower(\"PG_READ_FILE\")",
       }) {
    EXPECT_FALSE(only_strata_words(other, "strata")) << other;
  }
  // In an E'' literal a backslash comes doubled (as PostgreSQL prints it) or the definition is
  // not its printer's: a lone \' must not hide what follows from a reader ending at the quote.
  EXPECT_TRUE(only_strata_words("E'a\\\\b'::text", "strata"));
  EXPECT_FALSE(only_strata_words("E'it\\' s\\' x'::text", "strata"));
  EXPECT_FALSE(only_strata_words("E'x\\", "strata"));
  // strata as a qualifier only: a schema named like a word is no word of its own.
  EXPECT_FALSE(only_strata_words("strata", "strata"));
  // Past 16 kB, however harmless.
  EXPECT_FALSE(only_strata_words(std::string(17 * 1024, ' ') + "0", "strata"));
  // Depth costs nothing: 8,000 nested parentheses are read in one pass, and pass.
  EXPECT_TRUE(only_strata_words(std::string(8000, '(') + "0" + std::string(8000, ')'), "strata"));
}

// A verdict is found for the snapshot it was kept at, under the identity it was kept for, and
// from nothing else: not another snapshot (a write happened since), not another identity (another
// server, role or schema), not a file holding more, not a link to a good verdict.
TEST(PgObjectsVerdict, HoldsForItsOwnSnapshotAndIdentityOnly) {
  testing::TempDir tmp;
  const std::string cache = tmp.path().string();
  EXPECT_EQ(objects_verdict_file("", "server"), "") << "no cache folder, nothing kept";
  EXPECT_EQ(objects_verdict_file("relative/cache", "server"), "") << "a relative folder is never written";
  const std::string file = objects_verdict_file(cache, std::string("server\0strata\0role", 18));
  ASSERT_FALSE(file.empty());
  EXPECT_NE(file, objects_verdict_file(cache, std::string("server\0strata\0other", 19)));
  EXPECT_EQ(file, objects_verdict_file(cache, std::string("server\0strata\0role", 18))) << "the same identity, the same file";
  EXPECT_EQ(file.rfind(cache + "/strata/checked/", 0), 0u) << file;

  EXPECT_FALSE(objects_verdict_holds(file, "1000:1000:")) << "nothing kept yet";
  keep_objects_verdict(file, "1000:1000:");
  EXPECT_TRUE(objects_verdict_holds(file, "1000:1000:"));
  EXPECT_FALSE(objects_verdict_holds(file, "1000:1001:")) << "a transaction began since";
  EXPECT_FALSE(objects_verdict_holds(file, "999:1000:998")) << "another snapshot";
  EXPECT_FALSE(objects_verdict_holds(file, "")) << "no snapshot";

  // The user's alone: the folders 0700, the file 0600.
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((cache + "/strata/checked").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  // A file holding the snapshot and more is no verdict.
  const std::string good = testing::read_file(file);
  testing::write_file(file, good + "1000:1000:\n");
  EXPECT_FALSE(objects_verdict_holds(file, "1000:1000:"));
  testing::write_file(file, good.substr(1));
  EXPECT_FALSE(objects_verdict_holds(file, "1000:1000:")) << "a file of another header";

  // A link to a good verdict is not followed.
  const std::string elsewhere = tmp / "elsewhere";
  testing::write_file(elsewhere, good);
  std::filesystem::remove(file);
  std::filesystem::create_symlink(elsewhere, file);
  EXPECT_FALSE(objects_verdict_holds(file, "1000:1000:"));
  // Keeping a verdict replaces the link, never writes through it.
  keep_objects_verdict(file, "2000:2000:");
  EXPECT_TRUE(objects_verdict_holds(file, "2000:2000:"));
  EXPECT_EQ(testing::read_file(elsewhere), good);

  // A snapshot of thousands of running transactions is not kept.
  const std::string huge(5000, '1');
  keep_objects_verdict(file, huge);
  EXPECT_FALSE(objects_verdict_holds(file, huge));
}

}  // namespace
}  // namespace strata::store::pg
