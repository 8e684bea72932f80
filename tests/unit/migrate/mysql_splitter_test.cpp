// split_mysql: statements as the `mysql` client sends them (issue 21).
#include "migrate/engines/mysql/mysql_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata::migrate {
namespace {

std::vector<std::string> texts(std::string_view sql) {
  const MysqlSplit r = split_mysql(sql);
  EXPECT_FALSE(r.error_offset) << r.error;
  std::vector<std::string> out;
  for (const MysqlStatement& s : r.statements) out.emplace_back(sql.substr(s.offset, s.length));
  return out;
}

TEST(MysqlSplitter, SemicolonsEndStatementsAndALastOneNeedsNone) {
  EXPECT_EQ(texts("CREATE TABLE a (x int);\n  INSERT INTO a VALUES (1) ;\nSELECT 1"),
            (std::vector<std::string>{"CREATE TABLE a (x int)", "INSERT INTO a VALUES (1)", "SELECT 1"}));
  EXPECT_EQ(texts(""), std::vector<std::string>{});
  EXPECT_EQ(texts(";;\n ; "), std::vector<std::string>{});
}

TEST(MysqlSplitter, QuotesKeepTheirSemicolons) {
  const std::string sql = R"(INSERT INTO t VALUES ('a;b', "c;d", 'it\'s;', 'x'';y', "q\";");)";
  EXPECT_EQ(texts(sql + "\nSELECT 2;"), (std::vector<std::string>{sql.substr(0, sql.size() - 1), "SELECT 2"}));
  EXPECT_EQ(texts("CREATE TABLE `we;ird` (`a``;b` int);"),
            (std::vector<std::string>{"CREATE TABLE `we;ird` (`a``;b` int)"}));
  // A backslash is no escape in a `quoted identifier`.
  EXPECT_EQ(texts("SELECT 1 AS `a\\`; SELECT 2;"), (std::vector<std::string>{"SELECT 1 AS `a\\`", "SELECT 2"}));
}

TEST(MysqlSplitter, CommentsHideSemicolonsAndAreNotStatements) {
  EXPECT_EQ(texts("# one; two\n-- three; four\n/* five; six */\nSELECT 1; # seven;\n--\tnine;\n"),
            (std::vector<std::string>{"SELECT 1"}));
  // "--" without a blank after it is two minus signs, as the server reads it.
  EXPECT_EQ(texts("SELECT 1--1;"), (std::vector<std::string>{"SELECT 1--1"}));
  EXPECT_EQ(texts("-- only a comment\n# and another\n"), std::vector<std::string>{});
}

TEST(MysqlSplitter, ConditionalCommentsStayInTheStatement) {
  EXPECT_EQ(texts("/*!40101 SET @saved = @@character_set_client; */;\n/*!50003 CREATE*/ TABLE t (x int);"),
            (std::vector<std::string>{"/*!40101 SET @saved = @@character_set_client; */", "/*!50003 CREATE*/ TABLE t (x int)"}));
}

TEST(MysqlSplitter, DelimiterBlocksHoldProceduresTriggersAndEvents) {
  const std::string sql =
      "DELIMITER $$\n"
      "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 'a$$b';\nEND$$\n"
      "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END $$\n"
      "delimiter ;\n"
      "SELECT 3;\n"
      "  DELIMITER //\n"
      "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM a; END//\n"
      "DELIMITER ;\n";
  EXPECT_EQ(texts(sql), (std::vector<std::string>{
                            "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 'a$$b';\nEND",
                            "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END",
                            "SELECT 3",
                            "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM a; END",
                        }));
}

// As dbmate and golang-migrate send them: no DELIMITER, the server reads the blocks (issue 35).
TEST(MysqlSplitter, StoredProgramsWithoutDelimiterKeepTheirBlocks) {
  const std::string trigger =
      "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN\n  IF NEW.x IS NULL THEN SET NEW.x = 1; END IF;\n"
      "  SET NEW.y = IF(NEW.x > 1, 'big', 'small');\nEND";
  const std::string procedure =
      "CREATE DEFINER=`app`@`%` PROCEDURE p(IN n INT)\nBEGIN\n  DECLARE i INT DEFAULT 0;\n"
      "  DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; END;\n"
      "  outer_loop: LOOP\n    SET i = i + 1;\n    IF i > n THEN LEAVE outer_loop; ELSEIF i = 2 THEN ITERATE outer_loop; END IF;\n"
      "  END LOOP outer_loop;\n  WHILE i > 0 DO SET i = i - 1; END WHILE;\n"
      "  REPEAT SET i = i + 1; UNTIL i >= 3 END REPEAT;\n"
      "  CASE i WHEN 3 THEN SELECT 'three'; ELSE SELECT CASE WHEN i > 3 THEN 'more' END; END CASE;\n"
      "  DROP TEMPORARY TABLE IF EXISTS tmp;\nEND";
  const std::string row_trigger = "CREATE TRIGGER u AFTER UPDATE ON a FOR EACH ROW IF OLD.x <> NEW.x THEN INSERT INTO log VALUES (1); END IF";
  const std::string function = "CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x + 1";
  const std::string block = "BEGIN NOT ATOMIC DECLARE a INT; SET a = 1; END";
  EXPECT_EQ(texts("CREATE TABLE a (x INT, y TEXT);\n" + trigger + ";\n" + procedure + ";\n" + row_trigger + ";\n" + function +
                  ";\nSELECT 1;\n" + block + ";\nBEGIN;\nINSERT INTO a VALUES (1, 'b');\nCOMMIT;\n"),
            (std::vector<std::string>{"CREATE TABLE a (x INT, y TEXT)", trigger, procedure, row_trigger, function, "SELECT 1", block,
                                      "BEGIN", "INSERT INTO a VALUES (1, 'b')", "COMMIT"}));
  // A column named like a kind, or BEGIN as a name, changes nothing for other statements.
  EXPECT_EQ(texts("CREATE TABLE b (function TEXT, `begin` INT);\nSELECT CASE WHEN 1 THEN 2 END;\nSELECT 3;"),
            (std::vector<std::string>{"CREATE TABLE b (function TEXT, `begin` INT)", "SELECT CASE WHEN 1 THEN 2 END", "SELECT 3"}));
}

TEST(MysqlSplitter, DelimiterIsACommandOnlyAtTheStartOfAStatementsLine) {
  EXPECT_EQ(texts("CREATE TABLE delimiters (delimiter int);\nSELECT delimiter FROM delimiters;"),
            (std::vector<std::string>{"CREATE TABLE delimiters (delimiter int)", "SELECT delimiter FROM delimiters"}));
}

TEST(MysqlSplitter, WhatIsNeverClosedIsAnErrorAtItsStart) {
  const struct {
    std::string sql;
    std::size_t offset;
    std::string error;
  } cases[] = {
      {"SELECT 1;\nSELECT 'abc;", 17, "a 'string' is never closed"},
      {"SELECT \"abc\\\";", 7, "a \"string\" is never closed"},
      {"SELECT `a;", 7, "a `quoted identifier` is never closed"},
      {"SELECT 1; /* open", 10, "a /* comment is never closed"},
      {"/*!40101 SET x = 1;", 0, "a /*! comment is never closed"},
      {"SELECT 1;\nDELIMITER\nSELECT 2;", 10, "DELIMITER names no delimiter"},
      {"SELECT 0;\nDELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END\n", 23,
       "the statement is never ended by the delimiter $$ set by DELIMITER on line 2"},
  };
  for (const auto& c : cases) {
    const MysqlSplit r = split_mysql(c.sql);
    ASSERT_TRUE(r.error_offset) << c.sql;
    EXPECT_EQ(*r.error_offset, c.offset) << c.sql;
    EXPECT_EQ(r.error, c.error) << c.sql;
  }
}

TEST(MysqlSplitter, WordsSkipStringsAndCommentsAndReadConditionalComments) {
  std::string words;
  for (const SqlWord& w : mysql_words("/*!50001 CREATE ALGORITHM=MERGE */ VIEW `my view` AS # x y\nSELECT 'a b', \"c\\\" d\" FROM t.u")) {
    words += (w.quoted ? "`" + w.upper + "`" : w.upper) + " ";
  }
  EXPECT_EQ(words, "CREATE ALGORITHM MERGE VIEW `my view` AS SELECT , FROM T . U ");
  EXPECT_EQ(mysql_words("ALTER TABLE t ADD c INT", 2).size(), 2u);
}

// mysqldump writes who defined each view, trigger and routine; a scratch database runs them without
// (naming another account needs SUPER): issue 35.
TEST(MysqlDefiner, ClausesAreBlankedOutOfCreateAndAlter) {
  const struct {
    std::string_view sql;
    std::string_view blanks_folded;  // the result, runs of blanks as one
  } cases[] = {
      {"CREATE DEFINER=`app`@`%` PROCEDURE p() SELECT 1", "CREATE PROCEDURE p() SELECT 1"},
      {"/*!50003 CREATE*/ /*!50017 DEFINER=`app`@`%`*/ /*!50003 TRIGGER t BEFORE INSERT ON a FOR EACH ROW SET NEW.x = 1 */",
       "/*!50003 CREATE*/ /*!50017 */ /*!50003 TRIGGER t BEFORE INSERT ON a FOR EACH ROW SET NEW.x = 1 */"},
      {"CREATE DEFINER = CURRENT_USER() EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM a",
       "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM a"},
      {"CREATE DEFINER=CURRENT_USER FUNCTION f() RETURNS INT RETURN 1", "CREATE FUNCTION f() RETURNS INT RETURN 1"},
      {"CREATE DEFINER=root@localhost FUNCTION f() RETURNS INT RETURN 1", "CREATE FUNCTION f() RETURNS INT RETURN 1"},
      {"create definer='app'@'10.0.0.%' view v as select 'DEFINER=`x`@`y`' AS d", "create view v as select 'DEFINER=`x`@`y`' AS d"},
      {"ALTER DEFINER=`a`@`b` SQL SECURITY INVOKER VIEW v AS SELECT 1", "ALTER SQL SECURITY INVOKER VIEW v AS SELECT 1"},
  };
  for (const auto& c : cases) {
    const std::string out = without_definer_clauses(c.sql);
    EXPECT_EQ(out.size(), c.sql.size()) << "the same length: error positions still point into the file";
    std::string folded;
    for (const char ch : out) {
      if (ch != ' ' || folded.empty() || folded.back() != ' ') folded.push_back(ch);
    }
    EXPECT_EQ(folded, c.blanks_folded);
  }
  // mysqldump's view: SQL SECURITY DEFINER stays, and so do the line breaks.
  const std::string view = "/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`app`@`%` SQL SECURITY DEFINER */\n"
                           "/*!50001 VIEW `v` AS select 1 AS `x` */";
  const std::string blanked = without_definer_clauses(view);
  EXPECT_EQ(blanked, "/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013                   SQL SECURITY DEFINER */\n"
                     "/*!50001 VIEW `v` AS select 1 AS `x` */");
  // Left alone: other statements, a column named definer, the word in strings and comments.
  for (const char* sql : {"INSERT INTO t VALUES ('DEFINER=`a`@`b`')", "SELECT definer FROM information_schema.VIEWS",
                          "CREATE TABLE t (definer TEXT, `DEFINER` INT)", "CREATE /* DEFINER=a */ TABLE t (x INT)",
                          "UPDATE t SET definer = 'x'"}) {
    EXPECT_EQ(without_definer_clauses(sql), sql);
  }
}

}  // namespace
}  // namespace strata::migrate
