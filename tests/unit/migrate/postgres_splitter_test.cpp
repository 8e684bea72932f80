// split_postgres() and postgres_words(): what psql would send as one statement, without a server.
#include "migrate/engines/postgres/postgres_splitter.h"
#include "migrate/engines/postgres/postgres_engine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata::migrate {
namespace {

std::vector<std::string> statements(const std::string& sql) {
  const SplitResult r = split_postgres(sql);
  EXPECT_FALSE(r.error_offset.has_value()) << r.error;
  std::vector<std::string> out;
  for (const SqlStatement& s : r.statements) out.push_back(sql.substr(s.offset, s.length));
  return out;
}

TEST(PostgresSplitter, PlainStatementsAndBlankOnes) {
  EXPECT_EQ(statements("SELECT 1;SELECT 2 ;\n\n ; SELECT 3"),
            (std::vector<std::string>{"SELECT 1", "SELECT 2 ", "SELECT 3"}));
  EXPECT_TRUE(statements("  -- only a comment\n/* and another */ ;").empty());
}

TEST(PostgresSplitter, SemicolonsInsideStringsAndIdentifiers) {
  EXPECT_EQ(statements("INSERT INTO \"a;b\" VALUES ('x;y', 'it''s;');SELECT 2"),
            (std::vector<std::string>{"INSERT INTO \"a;b\" VALUES ('x;y', 'it''s;')", "SELECT 2"}));
  EXPECT_EQ(statements("SELECT \"say \"\"hi;\"\"\";SELECT 2").size(), 2u);
}

TEST(PostgresSplitter, EscapeStringsHonourBackslashes) {
  EXPECT_EQ(statements("SELECT E'a\\';b';SELECT e'\\\\';SELECT 3").size(), 3u);
  // In a standard string a backslash is just a character: 'a\' ends the string.
  EXPECT_EQ(statements("SELECT 'a\\';SELECT 2").size(), 2u);
}

TEST(PostgresSplitter, DollarQuotedBodies) {
  const std::string fn =
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1; -- ;\nEND;\n$$";
  EXPECT_EQ(statements(fn + ";\nSELECT 2;"), (std::vector<std::string>{fn, "SELECT 2"}));
  const std::string tagged = "DO $body$ BEGIN RAISE NOTICE '$$;'; END $body$";
  EXPECT_EQ(statements(tagged + "; SELECT 1"), (std::vector<std::string>{tagged, "SELECT 1"}));
  // $1 is a parameter and a$b$ an identifier, not dollar quotes.
  EXPECT_EQ(statements("PREPARE p AS SELECT $1;SELECT a$b$ FROM t;SELECT 3").size(), 3u);
}

TEST(PostgresSplitter, NestedBlockComments) {
  EXPECT_EQ(statements("/* outer /* inner; */ still; */ SELECT 1; SELECT 2"),
            (std::vector<std::string>{"SELECT 1", "SELECT 2"}));
}

TEST(PostgresSplitter, BeginAtomicBodiesKeepTheirSemicolons) {
  const std::string fn =
      "CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; "
      "SELECT x; END";
  EXPECT_EQ(statements(fn + ";\nSELECT 2"), (std::vector<std::string>{fn, "SELECT 2"}));
  // An ordinary transaction block is split as usual.
  EXPECT_EQ(statements("BEGIN; SELECT 1; END;").size(), 3u);
}

TEST(PostgresSplitter, UnterminatedTokensAreReportedWhereTheyOpen) {
  for (const auto& [sql, at, what] : std::vector<std::tuple<std::string, std::size_t, std::string>>{
           {"SELECT 1; SELECT 'abc", 17, "unterminated string literal"},
           {"SELECT \"abc", 7, "unterminated quoted identifier"},
           {"SELECT 1; /* /* */", 10, "unterminated /* comment"},
           {"DO $a$ BEGIN END $b$", 3, "unterminated dollar-quoted string $a$"}}) {
    const SplitResult r = split_postgres(sql);
    ASSERT_TRUE(r.error_offset.has_value()) << sql;
    EXPECT_EQ(*r.error_offset, at) << sql;
    EXPECT_EQ(r.error, what);
  }
}

TEST(PostgresSplitter, KeptTokensBelongToTheirStatement) {
  const std::string sql = "create TABLE \"A\"\"b\" (x int); -- c;\nDO $$ ; $$ ; SELECT s.t";
  const SplitResult r = split_postgres(sql, Tokens::keep);
  ASSERT_EQ(r.statements.size(), 3u);
  std::vector<std::string> per_statement;
  for (const SqlStatement& st : r.statements) {
    std::string joined;
    for (std::size_t i = st.first_token; i < st.end_token; ++i) {
      joined += r.tokens[i].upper() + (r.tokens[i].quoted ? "'" : "") + " ";
    }
    per_statement.push_back(joined);
  }
  EXPECT_EQ(per_statement, (std::vector<std::string>{"CREATE TABLE A\"b' ( X INT ) ", "DO ", "SELECT S . T "}));
  EXPECT_TRUE(r.tokens[0].is("CREATE"));
  EXPECT_FALSE(r.tokens[2].is("A\"B"));  // quoted: never a keyword
  // Without Tokens::keep, no tokens are kept.
  EXPECT_TRUE(split_postgres(sql).tokens.empty());
}

TEST(PostgresWords, SkipsLiteralsCommentsAndBodies) {
  std::string joined;
  for (const SqlWord& w : postgres_words("create index \"Idx\" on s.t (a) -- DROP\n/* DROP */ where b = 'DROP' and $$DROP$$")) {
    joined += w.upper + (w.quoted ? "'" : "") + " ";
  }
  EXPECT_EQ(joined, "CREATE INDEX Idx' ON S . T ( A ) WHERE B AND ");
}

// A pg_dump file's psql lines (\restrict KEY, \unrestrict KEY) are not the server's: they become
// empty lines, so the server's positions still name the file's lines.
TEST(PostgresSchemaFile, PgDumpsRestrictLinesAreLeftOutLineForLine) {
  const std::string dump = "--\n\\restrict abc\n\nSET x = 1;\nCREATE TABLE t (s text DEFAULT '\\restrict');\n\\unrestrict abc\n";
  EXPECT_EQ(postgres_schema_file_sql(dump),
            "--\n\n\nSET x = 1;\nCREATE TABLE t (s text DEFAULT '\\restrict');\n\n");
  EXPECT_EQ(postgres_schema_file_sql("\\unrestrict abc"), "");
  EXPECT_EQ(postgres_schema_file_sql("SELECT 1;"), "SELECT 1;");
}

}  // namespace
}  // namespace strata::migrate
