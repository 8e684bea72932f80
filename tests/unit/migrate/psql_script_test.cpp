// psql's meta-commands and variables (migrate/model/psql_script.h): the SQL psql would send, checked
// against psql 15's own output for the same text, and every refusal with its file and line.
#include "migrate/model/psql_script.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "test_util.h"

namespace strata::migrate {
namespace {

using strata::testing::TempDir;
using strata::testing::write_file;

class PsqlScriptTest : public ::testing::Test {
 protected:
  PsqlRun run() const { return PsqlRun{dir.path() / "project", dir.path() / "project", {}}; }

  // The SQL of `text` as the project's deploy/x.sql.
  std::string sql(const std::string& text, const PsqlRun& r) const {
    const PsqlExpansion e = expand_psql(text, dir.path() / "project/deploy/x.sql", r);
    EXPECT_FALSE(e.problem) << e.problem->describe();
    return e.sql;
  }
  std::string sql(const std::string& text) const { return sql(text, run()); }

  // The refusal of `text`, "line: message" (the file is deploy/x.sql unless `file` says).
  std::string refusal(const std::string& text, const std::string& file = "deploy/x.sql") const {
    const PsqlExpansion e = expand_psql(text, dir.path() / "project/deploy/x.sql", run());
    if (!e.problem) {
      ADD_FAILURE() << "expanded to: " << e.sql;
      return "";
    }
    EXPECT_EQ(e.problem->code, "psql-script");
    EXPECT_EQ(e.problem->file, (dir.path() / "project" / file).string());
    EXPECT_TRUE(e.sql.empty());
    return std::to_string(e.problem->line) + ": " + e.problem->message;
  }

  void file(const std::string& name, const std::string& text) const { write_file(dir / name, text); }

  TempDir dir;
};

TEST_F(PsqlScriptTest, SqlWithoutMetaCommandsIsUnchanged) {
  const std::string text = "CREATE TABLE t (x int);\nSELECT x::text, 'a\\b', $$:x \\set$$ FROM t; -- :x \\i\n/* \\q */\n";
  EXPECT_EQ(sql(text), text);
  EXPECT_EQ(find_psql_command(text), std::nullopt);
  EXPECT_EQ(find_psql_command("SELECT 1;\n\\set x 1\n"), 10U);
  EXPECT_EQ(find_psql_command("SELECT 1 \\gset\n"), 9U);
}

TEST_F(PsqlScriptTest, SetLinesStayAsEmptyLinesAndVariablesAreInterpolated) {
  EXPECT_EQ(sql("\\set t widgets\nCREATE TABLE :t (x int);\n"), "\nCREATE TABLE widgets (x int);\n");
  // :'name' a quoted literal, :"name" a quoted identifier (psql: '"abc"', """abc""").
  EXPECT_EQ(sql("\\set a \"abc\"\nSELECT :'a', :\"a\";\n"), "\nSELECT '\"abc\"', \"\"\"abc\"\"\";\n");
  EXPECT_EQ(sql("\\set q 'x''y'\nSELECT :'q', :\"q\";\n"), "\nSELECT 'x''y', \"x'y\";\n");
  // A backslash makes the literal an E'' one, with a space before it, as PQescapeLiteral writes it.
  EXPECT_EQ(sql("\\set bs 'a\\\\b'\nSELECT :'bs';\n"), "\nSELECT  E'a\\\\b';\n");
  // :{?name} tests whether a variable is set; an unset one is left as written.
  EXPECT_EQ(sql("\\set a 1\nSELECT :{?a}, :{?zz}, :zz, :'zz', :\"zz\";\n"), "\nSELECT TRUE, FALSE, :zz, :'zz', :\"zz\";\n");
  EXPECT_EQ(sql("\\set a 1\n\\unset a\nSELECT :{?a};\n"), "\n\nSELECT FALSE;\n");
}

TEST_F(PsqlScriptTest, NoInterpolationInLiteralsIdentifiersDollarQuotesOrComments) {
  const std::string text = "\\set a 1\nSELECT ':a', E'\\' :a', \":a\", $$:a$$, $f$ :a $f$, x::int /* :a /* :a */ :a */, :a -- :a\n;\n";
  EXPECT_EQ(sql(text), "\nSELECT ':a', E'\\' :a', \":a\", $$:a$$, $f$ :a $f$, x::int /* :a /* :a */ :a */, 1 -- :a\n;\n");
}

TEST_F(PsqlScriptTest, SetValuesAsPsqlBuildsThem) {
  // Words run together, quoted escapes, other variables; no value: the empty string.
  EXPECT_EQ(sql("\\set b 'it''s\\n' x\n\\set c :b:b\n\\set e\nSELECT :'c', :'e';\n"),
            "\n\n\nSELECT 'it''s\nxit''s\nx', '';\n");
  EXPECT_EQ(sql("\\set a \"b c\"d 'e'\nSELECT :'a';\n"), "\nSELECT '\"b c\"de';\n");
  EXPECT_EQ(sql("\\set o '\\101\\x42'\nSELECT :'o';\n"), "\nSELECT 'AB';\n");
  // Two commands on one line; \\ ends one and SQL may follow.
  EXPECT_EQ(sql("\\set x 1 \\set y 2\nSELECT :x, :y;\n"), "\nSELECT 1, 2;\n");
  EXPECT_EQ(sql("\\set x 1 \\\\ SELECT :x;\n"), " SELECT 1;\n");
  EXPECT_EQ(sql("SELECT 1 \\; SELECT a\\:b;\n"), "SELECT 1 ; SELECT a:b;\n");
}

TEST_F(PsqlScriptTest, CommandLineVariablesAndSetOverridesThem) {
  PsqlRun r = run();
  r.variables = {{"schema", "app"}, {"registry", "sqitch"}};
  EXPECT_EQ(sql("CREATE SCHEMA :\"schema\";\n\\set schema other\nSELECT :'schema', :'registry';\n", r),
            "CREATE SCHEMA \"app\";\n\nSELECT 'other', 'sqitch';\n");
}

TEST_F(PsqlScriptTest, CatOfAProjectFileInBackquotes) {
  file("project/templates/body.sql", "SELECT 'it''s';\n\n");
  // One trailing newline left out, as psql leaves out the command's.
  EXPECT_EQ(sql("\\set body `cat templates/body.sql`\nSELECT :'body';\n"), "\nSELECT 'SELECT ''it''''s'';\n';\n");
  EXPECT_EQ(sql("\\set body `cat 'templates/body.sql'`\nSELECT length(:'body');\n"), "\nSELECT length('SELECT ''it''''s'';\n');\n");
}

TEST_F(PsqlScriptTest, AnyOtherBackquotedCommandIsRefusedBeforeAnything) {
  EXPECT_EQ(refusal("CREATE TABLE a (x int);\n\\set v `rm -rf /tmp/x`\n"),
            "2: `rm -rf /tmp/x`: backquoted shell command not run (only `cat FILE` of a file in the project is read)");
  EXPECT_EQ(refusal("\\echo `cat a.sql; id`\n"),
            "1: `cat a.sql; id`: backquoted shell command not run (only `cat FILE` of a file in the project is read)");
  EXPECT_EQ(refusal("\\set v `cat $HOME/x`\n"),
            "1: `cat $HOME/x`: backquoted shell command not run (only `cat FILE` of a file in the project is read)");
  EXPECT_EQ(refusal("\\set v `cat -n a.sql`\n"),
            "1: `cat -n a.sql`: backquoted shell command not run (only `cat FILE` of a file in the project is read)");
}

TEST_F(PsqlScriptTest, FilesOutsideTheProjectAreNotRead) {
  file("secret.txt", "secret\n");
  file("project/deploy/x.sql", "");
  EXPECT_EQ(refusal("\\set v `cat ../secret.txt`\n"), "1: `cat ../secret.txt`: outside the project, not read");
  EXPECT_EQ(refusal("\\set v `cat " + (dir / "secret.txt") + "`\n"),
            "1: `cat " + (dir / "secret.txt") + "`: outside the project, not read");
  EXPECT_EQ(refusal("\\i ../secret.txt\n"), "1: \\i ../secret.txt: outside the project, not read");
  EXPECT_EQ(refusal("\\ir ../../secret.txt\n"), "1: \\ir ../../secret.txt: outside the project, not read");
  // A symbolic link in the project that leads out of it.
  std::filesystem::create_symlink(dir / "secret.txt", dir / "project/link.sql");
  EXPECT_EQ(refusal("\\set v `cat link.sql`\n"), "1: `cat link.sql`: outside the project, not read");
  EXPECT_EQ(refusal("\\i link.sql\n"), "1: \\i link.sql: outside the project, not read");
  EXPECT_EQ(refusal("\\i missing.sql\n"), "1: \\i missing.sql: no such file in the project");
}

TEST_F(PsqlScriptTest, IncludeFromTheWorkingDirectoryOrTheScriptsOwn) {
  file("project/lib/common.sql", "\\set t items\nCREATE TABLE :t (x int);\n");
  file("project/deploy/part.sql", "SELECT :'t';\n");
  EXPECT_EQ(sql("\\i lib/common.sql\n\\ir part.sql\n"), "\nCREATE TABLE items (x int);\n\nSELECT 'items';\n\n");
  // A refusal in an included file names that file and its line.
  file("project/lib/bad.sql", "SELECT 1;\n\\gset\n");
  EXPECT_EQ(refusal("\\i lib/bad.sql\n", "lib/bad.sql").substr(0, 9), "2: \\gset ");
  file("project/lib/loop.sql", "\\i lib/loop.sql\n");
  EXPECT_EQ(refusal("\\i lib/loop.sql\n", "lib/loop.sql"),
            "1: \\i lib/loop.sql: files included more than 16 deep (does a file include itself?)");
}

TEST_F(PsqlScriptTest, IfTakesOneBranchByPsqlsBooleans) {
  const std::string text = "\\if :flag\nSELECT 'yes';\n\\elif :other\nSELECT 'other';\n\\else\nSELECT 'no';\n\\endif\n";
  PsqlRun r = run();
  for (const std::string v : {"t", "TRUE", "y", "on", "1"}) {
    r.variables = {{"flag", v}, {"other", "0"}};
    EXPECT_EQ(sql(text, r), "\nSELECT 'yes';\n\n\n\n\n\n") << v;
  }
  for (const std::string v : {"f", "of", "no", "0"}) {
    r.variables = {{"flag", v}, {"other", "off"}};
    EXPECT_EQ(sql(text, r), "\n\n\n\n\nSELECT 'no';\n\n") << v;
  }
  r.variables = {{"flag", "false"}, {"other", "yes"}};
  EXPECT_EQ(sql(text, r), "\n\n\nSELECT 'other';\n\n\n\n");
  // A branch not taken is not evaluated: its backquotes are not read, its \set not done.
  EXPECT_EQ(sql("\\if false\n\\set x `rm -rf /`\n\\endif\nSELECT :{?x};\n"), "\n\n\nSELECT FALSE;\n");
  EXPECT_EQ(sql("\\if :{?undefined}\n\\else\nSELECT 1;\n\\endif\n"), "\n\nSELECT 1;\n\n");
}

TEST_F(PsqlScriptTest, IfRefusals) {
  EXPECT_EQ(refusal("\\if o\n\\endif\n"),
            "1: \\if: unrecognized value \"o\": Boolean expected (true, false, on, off, yes, no, 1, 0)");
  EXPECT_EQ(refusal("\\if :undefined\n\\endif\n"),
            "1: \\if: unrecognized value \":undefined\": Boolean expected (true, false, on, off, yes, no, 1, 0)");
  EXPECT_EQ(refusal("SELECT 1;\n\\if 1\nSELECT 2;\n"), "2: \\if without \\endif before the end of the file");
  EXPECT_EQ(refusal("\\endif\n"), "1: \\endif: no matching \\if");
  EXPECT_EQ(refusal("\\else\n"), "1: \\else: no matching \\if");
  EXPECT_EQ(refusal("\\if 1\n\\else\n\\elif 1\n\\endif\n"), "3: \\elif: cannot occur after \\else");
  // An unknown command is refused in a branch not taken too, as psql refuses it.
  EXPECT_EQ(refusal("\\if 0\n\\foo\n\\endif\n").substr(0, 24), "2: \\foo is not supported");
}

TEST_F(PsqlScriptTest, UnsupportedCommandsAreRefusedWithTheirLine) {
  EXPECT_EQ(refusal("SELECT 1;\nSELECT now() AS t \\gset\n"),
            "2: \\gset is not supported: it sets variables from a query's result while the script runs, and strata "
            "expands a whole script before any of it runs");
  EXPECT_EQ(refusal("\n\n\\connect other\n"),
            "3: \\connect is not supported (of psql's meta-commands strata does \\set, \\unset, \\i, \\ir, \\if, "
            "\\elif, \\else, \\endif, \\echo, \\q, and \\pset, \\timing, \\a, \\t, \\x as nothing)");
  EXPECT_EQ(refusal("\\! rm -rf /\n").substr(0, 20), "1: \\! is not support");
  EXPECT_EQ(refusal("\\copy t from 'x'\n").substr(0, 23), "1: \\copy is not support");
  EXPECT_EQ(refusal("\\set 'a b' 1\n"), "1: \\set: invalid variable name: \"a b\"");
  EXPECT_EQ(refusal("\\set x 'open\n"), "1: unterminated quoted string in a meta-command's argument");
}

TEST_F(PsqlScriptTest, EchoPrintsNothingAndQuitEndsTheScript) {
  EXPECT_EQ(sql("\\echo deploying :x\nSELECT 1;\n\\q\nSELECT 2;\n"), "\nSELECT 1;\n");
  EXPECT_EQ(sql("\\pset pager off\n\\timing on\n\\a\n\\t\n\\x\nSELECT 1;\n"), "\n\n\n\n\nSELECT 1;\n");
  EXPECT_EQ(refusal("\\echo `whoami`\n").substr(0, 12), "1: `whoami`:");
}

}  // namespace
}  // namespace strata::migrate
