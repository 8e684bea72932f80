// The word check of store/postgres/pg_foreign_objects.h: strata's own definitions as PostgreSQL
// prints them pass; a definition that calls anything else, names another schema or holds
// punctuation strata's never use does not. (The catalog query and the refusals run against a
// real server in tests/e2e/store_postgres_team.sh and in
// PgStoreWriterTest.EveryKindOfForeignObjectIsRefusedAtOpen.)
#include <gtest/gtest.h>

#include <string>

#include "store/postgres/pg_foreign_objects.h"

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

}  // namespace
}  // namespace strata::store::pg
