// Database URLs: file_path_from_url, read_dotenv, the settings > ./.env > PG* order, and what
// libpq's variables change. The environment is a map passed in: core reads none itself.
#include "migrate/engines/engine_url.h"

#include <gtest/gtest.h>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "test_util.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using migrate::read_dotenv;
using migrate::file_path_from_url;

using strata::testing::error_of;

// A fake environment: what the map holds is set, the rest is not.
migrate::Getenv env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(std::string(name));
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(DatabaseUrlTest, SqliteRelativePath) {
  EXPECT_EQ(file_path_from_url("sqlite:data/app.db"), "data/app.db");
  EXPECT_EQ(file_path_from_url("sqlite:app.db"), "app.db");
}

// A libpq key/value string became a SQLite file named after it, password and all.
TEST(DatabaseUrlTest, ALibpqConnectionStringIsRefusedNeverTakenForAFile) {
  for (const char* conninfo : {"host=db.internal user=app password=hunter2 dbname=x", "dbname=x",
                               "  password = hunter2 host=db", "sslmode=require host=db"}) {
    const Error e = error_of([&] { (void)file_path_from_url(conninfo); });
    EXPECT_EQ(e.code(), ExitCode::usage) << conninfo;
    EXPECT_NE(std::string(e.what()).find("libpq connection string"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << "the password is never repeated";
  }
  // File names with '=' that are not libpq keywords stay file names.
  EXPECT_EQ(file_path_from_url("a=b.db"), "a=b.db");
  EXPECT_EQ(file_path_from_url("data/host=1.db"), "data/host=1.db");
  EXPECT_EQ(file_path_from_url("hosts.db"), "hosts.db");
}

TEST(DatabaseUrlTest, SqliteAbsolutePathWithThreeSlashes) {
  EXPECT_EQ(file_path_from_url("sqlite:///var/lib/app.db"), "/var/lib/app.db");
}

TEST(DatabaseUrlTest, SqliteTwoSlashesIsRelative) {
  EXPECT_EQ(file_path_from_url("sqlite://data/app.db"), "data/app.db");
}

TEST(DatabaseUrlTest, Sqlite3SchemeIsTheSame) {
  EXPECT_EQ(file_path_from_url("sqlite3:data/app.db"), "data/app.db");
  EXPECT_EQ(file_path_from_url("sqlite3:///tmp/app.db"), "/tmp/app.db");
}

TEST(DatabaseUrlTest, FileScheme) {
  EXPECT_EQ(file_path_from_url("file:app.db"), "app.db");
  EXPECT_EQ(file_path_from_url("file:///tmp/app.db"), "/tmp/app.db");
}

TEST(DatabaseUrlTest, PlainPathIsReturnedAsIs) {
  EXPECT_EQ(file_path_from_url("db/app.sqlite"), "db/app.sqlite");
  EXPECT_EQ(file_path_from_url("/abs/app.db"), "/abs/app.db");
  EXPECT_EQ(file_path_from_url("app.db"), "app.db");
}

TEST(DatabaseUrlTest, QueryStringIsStripped) {
  EXPECT_EQ(file_path_from_url("sqlite:app.db?mode=rwc"), "app.db");
  EXPECT_EQ(file_path_from_url("sqlite:///tmp/app.db?_busy_timeout=5000&cache=shared"), "/tmp/app.db");
  EXPECT_EQ(file_path_from_url("file:app.db?mode=ro"), "app.db");
}

// file_path_from_url wants a file; endpoint_from_url (below) is what takes PostgreSQL URLs.
TEST(DatabaseUrlTest, PostgresIsNotASqlitePath) {
  for (const char* url : {"postgres://user:pw@localhost:5432/app", "postgresql://localhost/app"}) {
    const Error e = error_of([&] { file_path_from_url(url); });
    EXPECT_EQ(e.code(), ExitCode::usage) << url;
    EXPECT_NE(std::string(e.what()).find("PostgreSQL"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a SQLite file"), std::string::npos) << e.what();
  }
}

TEST(DatabaseUrlTest, UnknownSchemeIsAUsageError) {
  const Error e = error_of([] { file_path_from_url("mysql://localhost/app"); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find("mysql"), std::string::npos) << e.what();
}

TEST(DatabaseUrlTest, EmptyIsAUsageError) {
  for (const char* url : {"", "sqlite:", "sqlite://", "sqlite3:", "file:", "sqlite:?mode=rwc"}) {
    const Error e = error_of([&] { file_path_from_url(url); });
    EXPECT_EQ(e.code(), ExitCode::usage) << "'" << url << "'";
  }
}

class DatabaseUrlDotenvTest : public ::testing::Test {
 protected:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(tmp_.path(), ec);
  }
  std::string env_file(const std::string& content) {
    const std::string path = tmp_ / ".env";
    testing::write_file(path, content);
    return path;
  }
  testing::TempDir tmp_;
};

TEST_F(DatabaseUrlDotenvTest, PlainAssignment) {
  const std::string p = env_file("DATABASE_URL=sqlite:app.db\n");
  EXPECT_EQ(read_dotenv(p, "DATABASE_URL"), std::optional<std::string>("sqlite:app.db"));
}

TEST_F(DatabaseUrlDotenvTest, CommentsAndBlankLinesAreSkipped) {
  const std::string p = env_file(
      "# DATABASE_URL=sqlite:commented.db\n"
      "\n"
      "   # indented comment\n"
      "OTHER=1\n"
      "DATABASE_URL=sqlite:real.db\n"
      "#DATABASE_URL=sqlite:also_commented.db\n");
  EXPECT_EQ(read_dotenv(p, "DATABASE_URL"), std::optional<std::string>("sqlite:real.db"));
  EXPECT_EQ(read_dotenv(p, "OTHER"), std::optional<std::string>("1"));
}

TEST_F(DatabaseUrlDotenvTest, ExportPrefix) {
  const std::string p = env_file("export DATABASE_URL=sqlite:exported.db\n");
  EXPECT_EQ(read_dotenv(p, "DATABASE_URL"), std::optional<std::string>("sqlite:exported.db"));
}

TEST_F(DatabaseUrlDotenvTest, DoubleAndSingleQuotesAreRemoved) {
  EXPECT_EQ(read_dotenv(env_file("DATABASE_URL=\"sqlite:dq.db\"\n"), "DATABASE_URL"),
            std::optional<std::string>("sqlite:dq.db"));
  EXPECT_EQ(read_dotenv(env_file("DATABASE_URL='sqlite:sq.db'\n"), "DATABASE_URL"),
            std::optional<std::string>("sqlite:sq.db"));
  EXPECT_EQ(read_dotenv(env_file("export DATABASE_URL = \"sqlite:my app.db\"\n"), "DATABASE_URL"),
            std::optional<std::string>("sqlite:my app.db"));
}

TEST_F(DatabaseUrlDotenvTest, CrlfLinesAndInlineComments) {
  EXPECT_EQ(read_dotenv(env_file("DATABASE_URL=sqlite:win.db\r\n"), "DATABASE_URL"),
            std::optional<std::string>("sqlite:win.db"));
  EXPECT_EQ(read_dotenv(env_file("DATABASE_URL=sqlite:x.db # the dev db\n"), "DATABASE_URL"),
            std::optional<std::string>("sqlite:x.db"));
}

TEST_F(DatabaseUrlDotenvTest, QuotedValueFollowedByComment) {
  EXPECT_EQ(read_dotenv(env_file("DATABASE_URL=\"sqlite:a.db\" # the dev db\n"), "DATABASE_URL"),
            std::optional<std::string>("sqlite:a.db"));
  EXPECT_EQ(read_dotenv(env_file("DATABASE_URL='sqlite:b.db'  # the dev db\n"), "DATABASE_URL"),
            std::optional<std::string>("sqlite:b.db"));
}

TEST_F(DatabaseUrlDotenvTest, HashInsideQuotesIsKept) {
  EXPECT_EQ(read_dotenv(env_file("DATABASE_URL=\"sqlite:a #1.db\"\n"), "DATABASE_URL"),
            std::optional<std::string>("sqlite:a #1.db"));
}

TEST_F(DatabaseUrlDotenvTest, LastAssignmentWins) {
  const std::string p = env_file(
      "DATABASE_URL=sqlite:first.db\n"
      "DATABASE_URL=sqlite:second.db\n"
      "export DATABASE_URL='sqlite:third.db'\n");
  EXPECT_EQ(read_dotenv(p, "DATABASE_URL"), std::optional<std::string>("sqlite:third.db"));
}

TEST_F(DatabaseUrlDotenvTest, KeyMustMatchExactly) {
  const std::string p = env_file(
      "DATABASE_URL_OLD=sqlite:old.db\n"
      "MY_DATABASE_URL=sqlite:mine.db\n");
  EXPECT_EQ(read_dotenv(p, "DATABASE_URL"), std::nullopt);
}

TEST_F(DatabaseUrlDotenvTest, MissingFileOrKeyIsNullopt) {
  EXPECT_EQ(read_dotenv(tmp_ / "does-not-exist.env", "DATABASE_URL"), std::nullopt);
  EXPECT_EQ(read_dotenv(env_file("OTHER=1\n"), "DATABASE_URL"), std::nullopt);
}

// choose_database_url reads ./.env: each test runs in a temporary working directory.
class DatabaseUrlResolveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    old_cwd_ = fs::current_path();
    fs::current_path(tmp_.path());
  }
  void TearDown() override {
    fs::current_path(old_cwd_);
    std::error_code ec;
    fs::remove_all(tmp_.path(), ec);
  }
  void write_dotenv(const std::string& content) { testing::write_file(tmp_ / ".env", content); }
  static std::optional<std::string> url(const std::optional<migrate::ChosenDatabase>& given,
                                        const migrate::Getenv& env = {}) {
    const auto chosen = migrate::choose_database_url(given, env);
    return chosen ? std::optional<std::string>(chosen->url) : std::nullopt;
  }

  testing::TempDir tmp_;
  fs::path old_cwd_;
};

TEST_F(DatabaseUrlResolveTest, TheSettingsWinOverDotenv) {
  write_dotenv("DATABASE_URL=sqlite:dotenv.db\n");
  EXPECT_EQ(url(migrate::ChosenDatabase{"sqlite:flag.db", ""}), std::optional<std::string>("sqlite:flag.db"));
}

TEST_F(DatabaseUrlResolveTest, DotenvInWorkingDirectoryIsTheFallback) {
  write_dotenv("# local development\nexport DATABASE_URL=\"sqlite:dotenv.db\"\n");
  EXPECT_EQ(url(std::nullopt), std::optional<std::string>("sqlite:dotenv.db"));
  EXPECT_EQ(url(migrate::ChosenDatabase{"", ""}), std::optional<std::string>("sqlite:dotenv.db")) << "an empty setting";
}

TEST_F(DatabaseUrlResolveTest, NothingConfiguredIsNullopt) {
  EXPECT_EQ(url(std::nullopt), std::nullopt);
  write_dotenv("OTHER=1\n");
  EXPECT_EQ(url(std::nullopt), std::nullopt);
  EXPECT_EQ(url(std::nullopt, env_of({{"DATABASE_URL", "sqlite:env.db"}, {"PGUSER", "app"}})), std::nullopt)
      << "$DATABASE_URL is the settings' to read, and PGUSER names no server";
}

TEST_F(DatabaseUrlResolveTest, APgVariableNamingAServerMeansPostgres) {
  for (const char* var : {"PGHOST", "PGDATABASE", "PGSERVICE"}) {
    EXPECT_EQ(url(std::nullopt, env_of({{var, "x"}})), std::optional<std::string>("postgres://")) << var;
  }
  write_dotenv("DATABASE_URL=sqlite:dotenv.db\n");
  EXPECT_EQ(url(std::nullopt, env_of({{"PGHOST", "db"}})), std::optional<std::string>("sqlite:dotenv.db"));
}

TEST_F(DatabaseUrlResolveTest, DotenvOutsideTheWorkingDirectoryIsIgnored) {
  testing::write_file(tmp_ / "sub/.env", "DATABASE_URL=sqlite:sub.db\n");
  EXPECT_EQ(url(std::nullopt), std::nullopt);
}

}  // namespace
}  // namespace strata

namespace strata {
namespace {

using migrate::DriverKind;
using migrate::endpoint_from_url;
using migrate::redact_url;

TEST(PostgresUrlTest, BothSchemesMakeAPostgresEndpoint) {
  for (const char* url : {"postgres://app@db.internal:5433/shop", "postgresql://app@db.internal/shop?sslmode=require"}) {
    const migrate::Endpoint e = endpoint_from_url(url);
    EXPECT_EQ(e.kind, DriverKind::postgres) << url;
    EXPECT_EQ(e.conninfo, url);
    EXPECT_EQ(e.display, url);
  }
  EXPECT_EQ(endpoint_from_url("sqlite:app.db").kind, DriverKind::sqlite);
}

TEST_F(DatabaseUrlResolveTest, TheDotenvFileIsNamedAsTheChooser) {
  write_dotenv("DATABASE_URL=postgres://app@db/app\n");
  auto chosen = migrate::choose_database_url(std::nullopt, {});
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->chosen_by, "./.env");
  chosen = migrate::choose_database_url(migrate::ChosenDatabase{"postgres://app@other/app", ""}, {});
  EXPECT_EQ(chosen->chosen_by, "") << "the user's own setting";
  chosen = migrate::choose_database_url(migrate::ChosenDatabase{"postgres://x/y", "/p/strata.toml:3"}, {});
  EXPECT_EQ(chosen->chosen_by, "/p/strata.toml:3") << "a project file's";
}

// Issue 19: a URL a file chose (./.env, a project's strata.toml) gets no password from the
// environment: libpq is told an empty password and a password file that cannot exist, so it
// reads neither $PGPASSWORD nor ~/.pgpass. Its own password, and a trusted server, still get one.
TEST(PostgresUrlTest, AUrlAFileChoseGetsNoPasswordFromTheEnvironment) {
  const migrate::Getenv env = env_of({{"PGPASSWORD", "pg-env-secret"}});
  migrate::Endpoint e = endpoint_from_url("postgres://app@db/app?sslmode=disable", "./.env", "", env);
  EXPECT_EQ(e.password, "");
  EXPECT_EQ(e.conninfo, "postgres://app@db/app?sslmode=disable&password=&passfile=/dev/null/none");
  EXPECT_EQ(e.password_withheld_for, "./.env");
  e = endpoint_from_url("postgres://app@db/app", "./.env", "https://x postgres://db:5432", env);
  EXPECT_EQ(e.password, "pg-env-secret") << "trusted";
  EXPECT_EQ(e.password_withheld_for, "");
  e = endpoint_from_url("postgres://app:own@db/app", "./.env", "", env);
  EXPECT_EQ(e.password, "own") << "the URL's own password is the file's to give";
  EXPECT_EQ(e.conninfo.find("passfile"), std::string::npos);
  e = endpoint_from_url("postgres://app@db/app", "", "", env);
  EXPECT_EQ(e.password, "pg-env-secret") << "the user's own URL";
  EXPECT_EQ(endpoint_from_url("postgres://app@db/app").password, "") << "an empty environment";
}

TEST(PostgresUrlTest, PasswordsAreRedactedForDisplay) {
  EXPECT_EQ(redact_url("postgres://app:s3cr%40t@host:5432/db"), "postgres://app:***@host:5432/db");
  EXPECT_EQ(redact_url("postgresql://app@host/db?sslmode=disable&password=hunter2"),
            "postgresql://app@host/db?sslmode=disable&password=***");
  EXPECT_EQ(redact_url("postgres://host/db"), "postgres://host/db");
  const migrate::Endpoint e = endpoint_from_url("postgres://app:s3cr%40t@host:5432/db");
  EXPECT_EQ(e.display, "postgres://app:***@host:5432/db");
  EXPECT_EQ(e.password, "s3cr@t");
  EXPECT_EQ(e.conninfo, "postgres://app:s3cr%40t@host:5432/db");  // libpq still gets it
  EXPECT_EQ(migrate::scrub("FATAL: s3cr@t is wrong; s3cr@t", e.password), "FATAL: *** is wrong; ***");
}

// libpq percent-decodes a URI's parameter names: ?pass%77ord= is its password, and was shown in
// clear (every message naming the server printed it) and not scrubbed from its errors.
TEST(PostgresUrlTest, APasswordParameterSpelledWithEscapesIsStillThePassword) {
  for (const char* url : {"postgres://app@host/db?pass%77ord=s3cret", "postgres://app@host/db?%70%61%73%73%77%6F%72%64=s3cret",
                          "postgres://app@host/db?sslmode=disable&pass%57ord=s3cret"}) {
    const migrate::Endpoint e = endpoint_from_url(url);
    EXPECT_EQ(e.display.find("s3cret"), std::string::npos) << url << " shown as " << e.display;
    EXPECT_EQ(redact_url(url).find("s3cret"), std::string::npos) << url;
  }
  const migrate::Endpoint e = endpoint_from_url("postgres://app@host/db?pass%77ord=s3cr%40t");
  EXPECT_EQ(e.display, "postgres://app@host/db?pass%77ord=***");
  EXPECT_EQ(e.password, "s3cr@t") << "taken as the password: scrubbed from the server's messages";
  EXPECT_EQ(migrate::scrub("FATAL: s3cr@t", e.password), "FATAL: ***");
  // A file's URL with a password of its own spelled so is the file's to give, as with password=.
  const migrate::Endpoint chosen =
      endpoint_from_url("postgres://app@host/db?pass%77ord=own", "./.env", "", env_of({{"PGPASSWORD", "env"}}));
  EXPECT_EQ(chosen.password, "own");
  EXPECT_EQ(chosen.conninfo.find("passfile"), std::string::npos);
  // libpq reads the userinfo up to the first '/': a '?' or '#' in it is part of the password.
  EXPECT_EQ(redact_url("postgres://app:pa?ss@host/db"), "postgres://app:***@host/db");
  EXPECT_EQ(redact_url("postgres://app:pa#ss@host/db?sslmode=disable"), "postgres://app:***@host/db?sslmode=disable");
  const migrate::Endpoint q = endpoint_from_url("postgres://app:pa?ss@host/db?sslmode=disable");
  EXPECT_EQ(q.password, "pa?ss");
  EXPECT_EQ(q.database, "db");
  EXPECT_EQ(q.display, "postgres://app:***@host/db?sslmode=disable");
}

// golang-migrate's x-migrations-table names its history table; its other x- parameters change
// nothing strata does. libpq never sees them.
TEST(DatabaseUrlTest, GolangMigratesOwnParametersAreTaken) {
  const auto my = endpoint_from_url("mysql://app@tcp(db:3306)/shop?x-migrations-table=gm_history&x-no-lock=true");
  EXPECT_EQ(my.foreign_history.migrate, "gm_history");
  EXPECT_EQ(endpoint_from_url("mysql://app@db/shop").foreign_history.migrate, "schema_migrations");
  const migrate::Endpoint pg =
      endpoint_from_url("postgres://app@host/db?sslmode=disable&x-migrations-table=gm_history&x-multi-statement=true");
  EXPECT_EQ(pg.foreign_history.migrate, "gm_history");
  EXPECT_EQ(pg.conninfo, "postgres://app@host/db?sslmode=disable");
  for (const char* bad : {"mysql://app@db/shop?x-migrations-table=a;drop", "postgres://app@host/db?x-migrations-table=",
                          "mysql://app@db/shop?x-unknown=1"}) {
    EXPECT_EQ(error_of([&] { endpoint_from_url(bad); }).code(), ExitCode::usage) << bad;
  }
}

TEST(PostgresUrlTest, SearchPathIsTakenAsTheSchemaAndHiddenFromLibpq) {
  const migrate::Endpoint e = endpoint_from_url("postgres://app@host/db?search_path=billing,public&sslmode=disable");
  EXPECT_EQ(e.schema, "billing");
  EXPECT_EQ(e.conninfo, "postgres://app@host/db?sslmode=disable");
  EXPECT_EQ(endpoint_from_url("postgres://app@host/db?search_path=x").conninfo, "postgres://app@host/db");
}

TEST(LoopbackGssTest, LoopbackHostsGetNoGssEncryption) {
  EXPECT_EQ(endpoint_from_url("postgres://app:pw@127.0.0.1:5432/db").conninfo,
            "postgres://app:pw@127.0.0.1:5432/db?gssencmode=disable");
  EXPECT_EQ(endpoint_from_url("postgres://localhost/db?sslmode=disable").conninfo,
            "postgres://localhost/db?sslmode=disable&gssencmode=disable");
  EXPECT_EQ(endpoint_from_url("postgresql://[::1]:5433/db").conninfo, "postgresql://[::1]:5433/db?gssencmode=disable");
  EXPECT_EQ(endpoint_from_url("postgres://u@127.0.0.2,localhost:5433/db").conninfo,
            "postgres://u@127.0.0.2,localhost:5433/db?gssencmode=disable");
  // What is shown is the URL as given.
  EXPECT_EQ(endpoint_from_url("postgres://app:pw@127.0.0.1/db").display, "postgres://app:***@127.0.0.1/db");
}

TEST(LoopbackGssTest, OtherHostsAndTheUsersOwnChoiceAreLeftToLibpq) {
  for (const char* url : {"postgres://db.internal/db", "postgres://127.0.0.1,db.internal/db", "postgres:///db",
                          "postgres://", "postgres://localhost/db?gssencmode=require",
                          "postgres://localhost/db?service=prod", "postgres://localhost/db?host=/run/postgresql",
                          "postgres://[::2]/db", "postgres://127.example.com/db"}) {
    EXPECT_EQ(endpoint_from_url(url).conninfo, url) << url;
  }
  for (const char* var : {"PGGSSENCMODE", "PGSERVICE", "PGHOST", "PGHOSTADDR"}) {
    EXPECT_EQ(endpoint_from_url("postgres://127.0.0.1/db", "", "", env_of({{var, "x"}})).conninfo,
              "postgres://127.0.0.1/db")
        << var;
  }
}

// The database `create` and `drop` act on: the URL's path, decoded; none without one.
TEST(PostgresUrlTest, TheDatabaseIsTheUrlsPath) {
  EXPECT_EQ(endpoint_from_url("postgres://app:pw@db:5432/shop?sslmode=disable").database, "shop");
  EXPECT_EQ(endpoint_from_url("postgresql://db/my%20db").database, "my db");
  EXPECT_EQ(endpoint_from_url("postgres://app@db").database, "");
  EXPECT_EQ(endpoint_from_url("postgres://app@db/").database, "");
  EXPECT_EQ(endpoint_from_url("postgres://app@db?sslmode=disable").database, "");
  EXPECT_EQ(endpoint_from_url("postgres://").database, "");
}

TEST(PostgresUrlTest, AnEmptyUrlLeavesEverythingToThePgVariables) {
  EXPECT_EQ(endpoint_from_url("postgres://").kind, DriverKind::postgres);
}

TEST(DatabaseUrlTest, MysqlUrlsAsDbmateTakesThem) {
  const auto e = endpoint_from_url("mysql://app:s%40cret@db.example:3307/shop?parseTime=true&multiStatements=true");
  EXPECT_EQ(e.kind, DriverKind::mysql);
  EXPECT_EQ(e.mysql.host, "db.example");
  EXPECT_EQ(e.mysql.port, 3307u);
  EXPECT_EQ(e.mysql.user, "app");
  EXPECT_EQ(e.password, "s@cret");
  EXPECT_EQ(e.database, "shop");
  EXPECT_EQ(e.mysql.ssl_mode, "DISABLED");
  EXPECT_EQ(e.display, "mysql://app:***@db.example:3307/shop?parseTime=true&multiStatements=true");
  const auto s = endpoint_from_url("mariadb://root@localhost/app?socket=%2Frun%2Fmysqld%2Fmysqld.sock&tls=skip-verify");
  EXPECT_EQ(s.kind, DriverKind::mysql);
  EXPECT_EQ(s.mysql.socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(s.mysql.port, 3306u);
  EXPECT_EQ(s.mysql.ssl_mode, "REQUIRED");
  EXPECT_EQ(endpoint_from_url("mysql://u@h/d?tls=true").mysql.ssl_mode, "VERIFY_IDENTITY");
  EXPECT_EQ(endpoint_from_url("mysql://u@h/d?ssl-mode=verify_ca&ssl-ca=/ca.pem").mysql.ssl_ca, "/ca.pem");
  EXPECT_EQ(endpoint_from_url("mysql://u@[::1]:3310/d").mysql.host, "::1");
  EXPECT_EQ(endpoint_from_url("mysql://u@[::1]:3310/d").mysql.port, 3310u);
}

TEST(DatabaseUrlTest, MysqlUrlsWithWhatStrataCannotHonourAreRefused) {
  EXPECT_EQ(error_of([] { endpoint_from_url("mysql://u:pw@h/d?nosuch=1"); }).code(), ExitCode::usage);
  EXPECT_EQ(std::string(error_of([] { endpoint_from_url("mysql://u:pw@h/d?nosuch=1"); }).what()),
            "database URL mysql://u:***@h/d?nosuch=1: unknown parameter 'nosuch'");
  EXPECT_EQ(error_of([] { endpoint_from_url("mysql://u@h/d?tls=preferred"); }).code(), ExitCode::usage);
  EXPECT_EQ(error_of([] { endpoint_from_url("mysql://u@h:99999/d"); }).code(), ExitCode::usage);
  EXPECT_EQ(error_of([] { file_path_from_url("mysql://u@h/d"); }).code(), ExitCode::usage);
}

// golang-migrate writes the address as go-sql-driver does: tcp(host:port) or unix(/socket).
TEST(DatabaseUrlTest, MysqlUrlsAsGolangMigrateWritesThem) {
  const auto e = endpoint_from_url("mysql://app:s%40cret@tcp(db.example:3307)/shop?multiStatements=true");
  EXPECT_EQ(e.kind, DriverKind::mysql);
  EXPECT_EQ(e.mysql.host, "db.example");
  EXPECT_EQ(e.mysql.port, 3307u);
  EXPECT_EQ(e.mysql.user, "app");
  EXPECT_EQ(e.password, "s@cret");
  EXPECT_EQ(e.database, "shop");
  EXPECT_EQ(e.display.find("s%40cret"), std::string::npos) << e.display;
  const auto local = endpoint_from_url("mysql://root@tcp(127.0.0.1)/app");
  EXPECT_EQ(local.mysql.host, "127.0.0.1");
  EXPECT_EQ(local.mysql.port, 3306u);
  const auto sock = endpoint_from_url("mysql://root@unix(/run/mysqld/mysqld.sock)/app");
  EXPECT_EQ(sock.mysql.socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(sock.mysql.host, "");
  EXPECT_EQ(sock.database, "app");
  EXPECT_EQ(error_of([] { endpoint_from_url("mysql://u@tcp(h:99999)/d"); }).code(), ExitCode::usage);
}

TEST(DatabaseUrlTest, MysqlPasswordFromTheEnvironmentOnlyForAUrlTheUserGave) {
  const auto env = env_of({{"MYSQL_PWD", "from-env"}});
  EXPECT_EQ(endpoint_from_url("mysql://u@127.0.0.1/d", "", "", env).password, "from-env");
  const auto chosen = endpoint_from_url("mysql://u@127.0.0.1/d", "./.env", "", env);
  EXPECT_EQ(chosen.password, "");
  EXPECT_EQ(chosen.password_withheld_for, "./.env");
  EXPECT_EQ(endpoint_from_url("mysql://u@127.0.0.1/d", "./.env", "mysql://127.0.0.1:3306", env).password, "from-env");
  EXPECT_EQ(endpoint_from_url("mysql://u:own@127.0.0.1/d", "./.env", "", env).password, "own");
  // Its own password or not, a server a file chose is not trusted with anything else.
  EXPECT_EQ(endpoint_from_url("mysql://u:own@127.0.0.1/d", "./.env", "", env).untrusted_choice, "./.env");
  EXPECT_EQ(endpoint_from_url("postgres://u:own@127.0.0.1/d", "./.env", "", env).untrusted_choice, "./.env");
  EXPECT_EQ(endpoint_from_url("mysql://u:own@127.0.0.1/d", "./.env", "mysql://127.0.0.1:3306", env).untrusted_choice, "");
  EXPECT_EQ(endpoint_from_url("mysql://u:own@127.0.0.1/d", "", "", env).untrusted_choice, "");
}

}  // namespace
}  // namespace strata

namespace strata {
namespace {

// A URL a project file chose may not make the client read the user's own connection secrets.
TEST(DatabaseUrlTest, AProjectsUrlMayNotNameTheUsersServiceOrKeys) {
  for (const char* url : {"postgres:///app?service=prod", "postgres://db/app?sslmode=require&sslkey=/home/u/.postgresql/k.key",
                          "postgresql://db/app?passfile=/home/u/.pgpass", "mysql://u@db/app?ssl-key=/home/u/k.pem"}) {
    const Error e = error_of([&] { (void)migrate::endpoint_from_url(url, "./.env"); });
    EXPECT_EQ(e.code(), ExitCode::usage) << url;
    EXPECT_NE(std::string(e.what()).find("./.env chose the database"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("reads your own connection secrets"), std::string::npos) << e.what();
  }
  // The user's own URL, or a server the user trusts, may.
  EXPECT_NO_THROW((void)migrate::endpoint_from_url("postgres:///app?service=prod", ""));
  EXPECT_NO_THROW((void)migrate::endpoint_from_url("postgres://db:5432/app?service=prod", "./.env", "postgres://db:5432"));
  EXPECT_NO_THROW((void)migrate::endpoint_from_url("postgres://db/app?sslmode=require", "./.env"));
}

// Schemes and default ports are the engine table's: origins spell an engine's aliases as one
// server and write its port out, as trust.endpoints compares them.
TEST(DatabaseUrlTest, ServerOriginsComeFromTheEngineTable) {
  EXPECT_EQ(migrate::server_origin("postgresql://app@db/app"), "postgres://db:5432");
  EXPECT_EQ(migrate::server_origin("POSTGRES://db:6432/app"), "postgres://db:6432");
  EXPECT_EQ(migrate::server_origin("mysql://u@db/app"), "mysql://db:3306");
  EXPECT_EQ(migrate::server_origin("mariadb://u@db/app"), "mariadb://db:3306");
  EXPECT_EQ(migrate::server_origin("https://api.example/v1"), "https://api.example:443");
  EXPECT_TRUE(migrate::listed_server("postgresql://app@db/app", "https://x, postgres://db:5432"));
  EXPECT_TRUE(migrate::listed_server("mysql://u@db:3306/app", "mysql://db"));
  EXPECT_FALSE(migrate::listed_server("mysql://u@db:3307/app", "mysql://db")) << "another port";
  EXPECT_FALSE(migrate::listed_server("postgres://db/app", "mysql://db:5432")) << "another engine";
}

TEST(DatabaseUrlTest, TheHintForAnUnknownSchemeListsEveryEnginesUrl) {
  const Error e = error_of([] { file_path_from_url("redis://localhost/0"); });
  EXPECT_EQ(std::string(e.what()), "database URL: unknown scheme 'redis'");
  EXPECT_EQ(e.hint(), "use sqlite:path, postgres://user@host/db, mysql://user@host/db, or a plain file path");
  EXPECT_EQ(std::string(error_of([] { file_path_from_url("mariadb://db/app"); }).what()),
            "database URL mariadb://...: a MySQL URL, not a SQLite file");
}

// What a project's migrate.database would open, for the trust check: never throws.
TEST(DatabaseUrlTest, TheFileAConfiguredDatabaseOpens) {
  EXPECT_EQ(migrate::database_file("postgres://db/app"), std::nullopt);
  EXPECT_EQ(migrate::database_file("MySQL://db/app"), std::nullopt);
  EXPECT_EQ(migrate::database_file("SQLite:../x.db?mode=ro"), "../x.db");
  EXPECT_EQ(migrate::database_file("sqlite3:///abs/x.db"), "/abs/x.db");
  EXPECT_EQ(migrate::database_file("data/app.db"), "data/app.db");
  EXPECT_EQ(migrate::database_file("redis://h/0"), "redis://h/0") << "a bad value is taken as a path";
  EXPECT_TRUE(migrate::server_url("postgresql://db/app"));
  EXPECT_FALSE(migrate::server_url("sqlite:app.db"));
  EXPECT_EQ(migrate::file_url("/p/app.db"), "sqlite:/p/app.db");
}

TEST(DatabaseUrlTest, TheClientLoadsEarlyOnlyForAUrlOfAnEngineThatHasOne) {
  const std::vector<std::string> sqlite = {"migrate", "-d", "sqlite:app.db", "up"};
  const std::vector<std::string> postgres = {"migrate", "--database=postgresql://db/app", "up"};
  EXPECT_FALSE(migrate::preload_client(sqlite, "").joinable());
  EXPECT_FALSE(migrate::preload_client(sqlite, "mysql://db/app").joinable());
  EXPECT_TRUE(migrate::preload_client(postgres, "").joinable());
  EXPECT_TRUE(migrate::preload_client(sqlite, "postgres://db/app").joinable());
}

}  // namespace
}  // namespace strata
