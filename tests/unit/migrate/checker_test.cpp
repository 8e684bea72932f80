// migrate::check(): every finding code, its severity and exit class, and that check never writes.
#include "migrate/check/checker.h"

#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "common/error.h"
#include "migrate/model/migration_source.h"
#include "migrate/run/migrator.h"
#include "test_db.h"
#include "test_util.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using migrate::CheckOptions;
using migrate::CheckReport;
using migrate::Finding;
using migrate::Severity;
using testing::TempDir;

// UpOptions with only `to` set (designated initializers trip -Wmissing-field-initializers on GCC 12).
migrate::UpOptions up_to(migrate::Version v) {
  migrate::UpOptions o;
  o.to = v;
  return o;
}

const char* const k_users = R"(-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
-- migrate:down
DROP TABLE users;
)";

const char* const k_posts = R"(-- migrate:up
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), body TEXT);
-- migrate:down
DROP TABLE posts;
)";

const char* const k_tags = R"(-- migrate:up
CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT);
-- migrate:down
DROP TABLE tags;
)";

// Runs once per driver (CheckerTest.X/SQLite, CheckerTest.X/PostgreSQL); SqliteCheckerTest
// holds what is about files only or about SQLite files, PostgresCheckerTest what PostgreSQL adds.
class CheckerTest : public ::testing::TestWithParam<migrate::DriverKind> {
 protected:
  void SetUp() override {
    if (!tdb_.available()) GTEST_SKIP() << "PostgreSQL server unavailable: " << testing::pg_skip_reason();
    dir_ = tmp_ / "migrations";
    db_ = tdb_.path();
    fs::create_directories(dir_);
  }

  void TearDown() override {
    std::error_code ec;
    fs::remove_all(tmp_.path(), ec);
  }

  std::string file(const std::string& name) const { return dir_ + "/" + name; }
  void write(const std::string& name, const std::string& content) const {
    testing::write_file(file(name), content);
  }

  migrate::MigrationSet load() const { return migrate::load_directory(dir_); }

  CheckReport check_files_only(bool strict = false, bool roundtrip = false) const {
    CheckOptions o;
    o.strict = strict;
    o.roundtrip = roundtrip;
    return migrate::check(load(), o);
  }

  CheckReport check_db(bool drift = false, bool strict = false, bool roundtrip = false) const {
    CheckOptions o;
    o.database = tdb_.endpoint();
    o.drift = drift;
    o.strict = strict;
    o.roundtrip = roundtrip;
    return migrate::check(load(), o);
  }

  migrate::RunResult up(const migrate::UpOptions& options = {}) const {
    migrate::Migrator m(migrate::Target{tdb_.endpoint()}, load());
    return m.up(options);
  }

  void exec(const std::string& sql) const { tdb_.exec(sql); }

  static const Finding* find(const CheckReport& r, const std::string& code) {
    for (const Finding& f : r.findings) {
      if (f.code == code) return &f;
    }
    return nullptr;
  }

  static std::size_t count(const CheckReport& r, const std::string& code) {
    return static_cast<std::size_t>(std::count_if(
        r.findings.begin(), r.findings.end(), [&](const Finding& f) { return f.code == code; }));
  }

  static std::string codes(const CheckReport& r) {
    std::string out;
    for (const Finding& f : r.findings) out += f.code + "(" + f.message + ") ";
    return out;
  }

  TempDir tmp_;
  testing::TestDatabase tdb_{GetParam(), tmp_};
  std::string dir_;
  std::string db_;  // SQLite: the file
};

std::string scratch_databases_of_this_process(const testing::TestDatabase& tdb) {
  return tdb.query_one("SELECT count(*) FROM pg_database WHERE datname LIKE 'strata\\_scratch\\_" +
                       std::to_string(::getpid()) + "\\_%'");
}

class SqliteCheckerTest : public CheckerTest {};
class PostgresCheckerTest : public CheckerTest {};

TEST_P(SqliteCheckerTest, CleanDirectoryWithoutDatabaseIsOk) {
  write("1_create_users_table.sql", k_users);
  write("2_create_posts_table.sql", k_posts);
  write("README.md", "not a migration, ignored");
  const CheckReport r = check_files_only();
  EXPECT_TRUE(r.findings.empty()) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::ok);
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.database_checked);
  EXPECT_TRUE(r.pending.empty());
}

TEST_P(SqliteCheckerTest, BadNameIsErrorOfClass3) {
  write("1_create_users_table.sql", k_users);
  write("1234567890123456789_create_posts.sql", k_posts);  // more than 18 digits
  const CheckReport r = check_files_only();
  const Finding* f = find(r, "bad-name");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->severity, Severity::error);
  EXPECT_EQ(f->exit_class, ExitCode::invalid_input);
  EXPECT_EQ(f->file, file("1234567890123456789_create_posts.sql"));
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
}

// dbmate and golang-migrate skip a .sql file not named like a migration (the schema.sql beside
// them): strata skips it too, and check says so with a warning.
TEST_P(SqliteCheckerTest, NotAMigrationIsAWarningAndStrictMakesItClass3) {
  write("1_create_users_table.sql", k_users);
  write("schema.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n");
  const CheckReport r = check_files_only();
  ASSERT_EQ(count(r, "not-a-migration"), 1u) << codes(r);
  const Finding* f = find(r, "not-a-migration");
  EXPECT_EQ(f->severity, Severity::warning);
  EXPECT_EQ(f->exit_class, ExitCode::invalid_input);
  EXPECT_EQ(f->file, file("schema.sql"));
  EXPECT_EQ(f->version, "");
  EXPECT_EQ(f->message, "not a migration file name: ignored; rename it <version>_<name>.sql to run it");
  EXPECT_EQ(r.findings.size(), 1u) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::ok);
  EXPECT_EQ(check_files_only(/*strict=*/true).exit_code, ExitCode::invalid_input);
}

TEST_P(SqliteCheckerTest, DuplicateVersionIsErrorOfClass3) {
  write("001_create_users_table.sql", k_users);
  write("1_create_posts_table.sql", k_posts);  // "001" and "1" are the same version
  const CheckReport r = check_files_only();
  const Finding* f = find(r, "duplicate-version");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->severity, Severity::error);
  EXPECT_EQ(f->exit_class, ExitCode::invalid_input);
  EXPECT_EQ(f->version, "1");
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
}

TEST_P(SqliteCheckerTest, MissingMarkerIsParseError) {
  write("1_create_users_table.sql", "CREATE TABLE users (id INTEGER);\n");
  const CheckReport r = check_files_only();
  const Finding* f = find(r, "parse-error");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->severity, Severity::error);
  EXPECT_EQ(f->exit_class, ExitCode::invalid_input);
  EXPECT_EQ(f->file, file("1_create_users_table.sql"));
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
}

TEST_P(SqliteCheckerTest, EmptyFileIsParseError) {
  write("1_create_users_table.sql", "\n  \n");
  const CheckReport r = check_files_only();
  const Finding* f = find(r, "parse-error");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_NE(f->message.find("empty"), std::string::npos) << f->message;
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
}

TEST_P(SqliteCheckerTest, MigrationThatFailsOnFreshDatabaseIsParseErrorWithLocation) {
  write("1_create_users_table.sql", k_users);
  write("2_add_audit.sql",
        "-- A comment line before the marker.\n"
        "-- migrate:up\n"
        "CREATE TABLE audit (id INTEGER);\n"
        "INSERT INTO nowhere VALUES (1);\n"
        "-- migrate:down\n"
        "DROP TABLE audit;\n");
  EXPECT_EQ(count(check_files_only(), "parse-error"), 0u) << "the replay is part of --roundtrip";
  const CheckReport r = check_files_only(/*strict=*/false, /*roundtrip=*/true);
  const Finding* f = find(r, "parse-error");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->severity, Severity::error);
  EXPECT_EQ(f->exit_class, ExitCode::invalid_input);
  EXPECT_EQ(f->version, "2");
  // file:line:col of the failing statement (line 4 of the file), then SQLite's message.
  const std::regex where(std::regex_replace(file("2_add_audit.sql"), std::regex(R"([.^$|()\[\]{}*+?\\])"),
                                            R"(\$&)") +
                         ":4:[0-9]+: .*no such table: nowhere");
  EXPECT_TRUE(std::regex_search(f->message, where)) << f->message;
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
}

TEST_P(SqliteCheckerTest, SyntaxErrorPointsAtLineAndColumn) {
  write("1_create_users_table.sql",
        "-- migrate:up\n"
        "CREATE TABLE users (id INTEGER);\n"
        "  SELEC 1;\n"
        "-- migrate:down\n"
        "DROP TABLE users;\n");
  const CheckReport r = check_files_only(/*strict=*/false, /*roundtrip=*/true);
  const Finding* f = find(r, "parse-error");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_NE(f->message.find(file("1_create_users_table.sql") + ":3:3: "), std::string::npos)
      << f->message;
  EXPECT_NE(f->message.find("syntax error"), std::string::npos) << f->message;
}

TEST_P(SqliteCheckerTest, MissingDownIsWarningAndStrictMakesItClass3) {
  write("1_create_users_table.sql", "-- migrate:up\nCREATE TABLE users (id INTEGER);\n");
  write("2_create_tags_table.up.sql", "CREATE TABLE tags (id INTEGER);\n");
  const CheckReport r = check_files_only();
  ASSERT_EQ(count(r, "missing-down"), 2u) << codes(r);
  const Finding* f = find(r, "missing-down");
  EXPECT_EQ(f->severity, Severity::warning);
  EXPECT_EQ(f->exit_class, ExitCode::invalid_input);
  EXPECT_EQ(f->version, "1");
  EXPECT_EQ(f->message, "no down section: it cannot be rolled back");
  EXPECT_EQ(r.findings.back().message, "no 2_create_tags_table.down.sql file: it cannot be rolled back");
  EXPECT_EQ(r.exit_code, ExitCode::ok) << "a warning alone does not fail check";

  const CheckReport strict = check_files_only(/*strict=*/true);
  EXPECT_EQ(count(strict, "missing-down"), 2u);
  EXPECT_EQ(strict.exit_code, ExitCode::invalid_input);
}

// An empty down section or .down.sql is a no-op rollback (dbmate, golang-migrate), not a
// missing one.
TEST_P(SqliteCheckerTest, EmptyDownIsNotMissingDown) {
  write("1_create_users_table.sql", "-- migrate:up\nCREATE TABLE users (id INTEGER);\n-- migrate:down\n\n  \n");
  write("2_create_tags_table.up.sql", "CREATE TABLE tags (id INTEGER);\n");
  write("2_create_tags_table.down.sql", "-- tags stay\n");
  const CheckReport r = check_files_only(/*strict=*/true);
  EXPECT_EQ(count(r, "missing-down"), 0u) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::ok) << codes(r);
}

TEST_P(SqliteCheckerTest, PragmaInTransactionIsErrorOfClass3) {
  write("1_create_users_table.sql",
        "-- migrate:up\n"
        "CREATE TABLE users (id INTEGER);\n"
        "PRAGMA journal_mode = WAL;\n"
        "-- migrate:down\n"
        "DROP TABLE users;\n");
  const CheckReport r = check_files_only();
  const Finding* f = find(r, "pragma-in-transaction");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->severity, Severity::error);
  EXPECT_EQ(f->exit_class, ExitCode::invalid_input);
  EXPECT_EQ(f->line, 3u);
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
}

TEST_P(SqliteCheckerTest, ReplayFailureForANewerSqliteFunctionCarriesTheHint) {
  write("1_json.sql", "-- migrate:up\nCREATE TABLE j (x);\nINSERT INTO j VALUES (jsonb('{}'));\n-- migrate:down\nDROP TABLE j;\n");
  const CheckReport r = check_files_only(false, /*roundtrip=*/true);
  const Finding* f = find(r, "parse-error");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_NE(f->message.find("jsonb() needs SQLite 3.45"), std::string::npos) << f->message;
}

TEST_P(SqliteCheckerTest, PragmaInNonTransactionalMigrationIsFine) {
  write("1_tune.sql",
        "-- migrate:up transaction:false\n"
        "PRAGMA foreign_keys = OFF;\n"
        "CREATE TABLE users (id INTEGER);\n"
        "-- migrate:down\n"
        "DROP TABLE users;\n");
  const CheckReport r = check_files_only();
  EXPECT_EQ(count(r, "pragma-in-transaction"), 0u) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::ok) << codes(r);
}

TEST_P(SqliteCheckerTest, DestructiveIsWarning) {
  write("1_create_users_table.sql",
        "-- migrate:up\n"
        "CREATE TABLE users (id INTEGER);\n"
        "CREATE TABLE legacy (id INTEGER);\n"
        "-- migrate:down\n"
        "DROP TABLE legacy;\n"
        "DROP TABLE users;\n");
  write("2_drop_legacy_table.sql",
        "-- migrate:up\n"
        "\n"
        "DROP TABLE legacy;\n"
        "-- migrate:down\n"
        "CREATE TABLE legacy (id INTEGER);\n");
  const CheckReport r = check_files_only();
  ASSERT_EQ(count(r, "destructive"), 1u) << codes(r);  // the DROPs in down sections are fine
  const Finding* f = find(r, "destructive");
  EXPECT_EQ(f->severity, Severity::warning);
  EXPECT_EQ(f->exit_class, ExitCode::invalid_input);
  EXPECT_EQ(f->version, "2");
  EXPECT_EQ(f->line, 3u);
  EXPECT_EQ(r.exit_code, ExitCode::ok);
  EXPECT_EQ(check_files_only(/*strict=*/true).exit_code, ExitCode::invalid_input);
}

TEST_P(CheckerTest, NewerHistoryIsErrorOfClass4) {
  write("1_create_users_table.sql", k_users);
  up();
  write("2_create_posts_table.sql", k_posts);
  const migrate::MigrationSet set = load();
  const migrate::Migration* m = set.find(2);
  ASSERT_NE(m, nullptr);
  exec("INSERT INTO strata_migrations (version, name, checksum, checksum_ws, applied_at, duration_ms, "
       "strata_version, state, statements_done) VALUES (2, 'create_posts_table', '" + m->checksum +
       "', '" + m->whitespace_checksum() + "', '2030-01-01T00:00:00.000Z', 1.0, '99.0.0', 'applied', 0)");
  const CheckReport r = check_db();
  const Finding* f = find(r, "newer-history");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(count(r, "newer-history"), 1u) << codes(r);
  EXPECT_EQ(f->severity, Severity::error);
  EXPECT_EQ(f->exit_class, ExitCode::history_mismatch);
  EXPECT_EQ(f->version, "2");
  EXPECT_NE(f->message.find("99.0.0"), std::string::npos) << f->message;
  EXPECT_EQ(r.exit_code, ExitCode::history_mismatch);
  EXPECT_EQ(r.applied, 2u);
}

TEST_P(CheckerTest, MissingFileIsErrorOfClass4) {
  write("1_create_users_table.sql", k_users);
  write("2_create_posts_table.sql", k_posts);
  up();
  fs::remove(file("2_create_posts_table.sql"));
  const CheckReport r = check_db();
  const Finding* f = find(r, "missing-file");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->severity, Severity::error);
  EXPECT_EQ(f->exit_class, ExitCode::history_mismatch);
  EXPECT_EQ(f->version, "2");
  EXPECT_EQ(r.exit_code, ExitCode::history_mismatch);
}

TEST_P(CheckerTest, ChecksumMismatchIsErrorOfClass4) {
  write("1_create_users_table.sql", k_users);
  up();
  write("1_create_users_table.sql",
        "-- migrate:up\n"
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT);\n"
        "-- migrate:down\n"
        "DROP TABLE users;\n");
  const CheckReport r = check_db();
  const Finding* f = find(r, "checksum-mismatch");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->severity, Severity::error);
  EXPECT_EQ(f->exit_class, ExitCode::history_mismatch);
  EXPECT_EQ(f->version, "1");
  EXPECT_EQ(f->message.find("only whitespace"), std::string::npos) << f->message;
  EXPECT_EQ(r.exit_code, ExitCode::history_mismatch);
}

TEST_P(CheckerTest, ChecksumMismatchSaysWhenOnlyWhitespaceDiffers) {
  write("1_create_users_table.sql", k_users);
  up();
  write("1_create_users_table.sql",
        "-- migrate:up\n"
        "CREATE TABLE users (id INTEGER PRIMARY KEY,\n"
        "                    email TEXT NOT NULL);\n"
        "\n"
        "-- migrate:down\n"
        "DROP TABLE users;\n\n");
  const CheckReport r = check_db();
  const Finding* f = find(r, "checksum-mismatch");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_NE(f->message.find("only whitespace differs"), std::string::npos) << f->message;
  EXPECT_EQ(r.exit_code, ExitCode::history_mismatch);
}

TEST_P(CheckerTest, CrlfLineEndingsAreNotAChecksumMismatch) {
  write("1_create_users_table.sql", k_users);
  up();
  std::string crlf;
  for (const char c : std::string(k_users)) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  write("1_create_users_table.sql", "\xEF\xBB\xBF" + crlf);  // BOM + CRLF, as a Windows editor saves
  const CheckReport r = check_db();
  EXPECT_EQ(count(r, "checksum-mismatch"), 0u) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::ok) << codes(r);
}

TEST_P(CheckerTest, OutOfOrderIsErrorOfClass4) {
  write("1_create_users_table.sql", k_users);
  write("3_create_tags_table.sql", k_tags);
  up();
  write("2_create_posts_table.sql", k_posts);
  const CheckReport r = check_db();
  const Finding* f = find(r, "out-of-order");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->severity, Severity::error);
  EXPECT_EQ(f->exit_class, ExitCode::history_mismatch);
  EXPECT_EQ(f->version, "2");
  EXPECT_EQ(count(r, "pending"), 0u) << "an out-of-order file is not reported twice";
  EXPECT_EQ(r.pending, std::vector<std::string>{"2"});
  EXPECT_EQ(r.exit_code, ExitCode::history_mismatch);
}

TEST_P(CheckerTest, HalfDoneNonTransactionalMigrationIsPartialOfClass6) {
  write("1_create_users_table.sql", k_users);
  up();
  // A row in the live database (not in a fresh one) makes statement 2 fail midway.
  exec("INSERT INTO users (id, email) VALUES (1, 'a@example.com')");
  write("2_seed_admin.sql",
        "-- migrate:up transaction:false\n"
        "CREATE TABLE roles (id INTEGER PRIMARY KEY);\n"
        "INSERT INTO users (id, email) VALUES (1, 'admin@example.com');\n"
        "CREATE TABLE grants (id INTEGER PRIMARY KEY);\n"
        "-- migrate:down transaction:false\n"
        "DROP TABLE IF EXISTS grants;\n"
        "DROP TABLE roles;\n");
  try {
    up();
    FAIL() << "the migration should have failed on the UNIQUE constraint";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::migration_failed) << e.what();
  }
  const CheckReport r = check_db();
  const Finding* f = find(r, "partial");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->severity, Severity::error);
  EXPECT_EQ(f->exit_class, ExitCode::migration_failed);
  EXPECT_EQ(f->version, "2");
  EXPECT_NE(f->message.find("after statement 1"), std::string::npos) << f->message;
  // Names the statement it stopped at: line 3 of the file.
  EXPECT_NE(f->message.find(file("2_seed_admin.sql") + ":3:1"), std::string::npos) << f->message;
  EXPECT_EQ(count(r, "parse-error"), 0u) << "it replays fine on a fresh database: " << codes(r);
  EXPECT_EQ(count(r, "pending"), 0u) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::migration_failed);
}

TEST_P(CheckerTest, PendingIsInfoOfClass1) {
  write("1_create_users_table.sql", k_users);
  up();
  write("2_create_posts_table.sql", k_posts);
  write("3_create_tags_table.sql", k_tags);
  const CheckReport r = check_db();
  ASSERT_EQ(count(r, "pending"), 2u) << codes(r);
  const Finding* f = find(r, "pending");
  EXPECT_EQ(f->severity, Severity::info);
  EXPECT_EQ(f->exit_class, ExitCode::pending);
  EXPECT_EQ(f->version, "2");
  EXPECT_EQ(r.pending, (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(r.applied, 1u);
  EXPECT_TRUE(r.database_checked);
  EXPECT_EQ(r.exit_code, ExitCode::pending);
  EXPECT_FALSE(r.ok());
}

TEST_P(CheckerTest, FullyAppliedDatabaseIsClean) {
  write("1_create_users_table.sql", k_users);
  // posts with the index its foreign key needs (else fk-without-index on PostgreSQL).
  write("2_create_posts_table.sql", std::string(k_posts).replace(std::string(k_posts).find("\n-- migrate:down"), 0,
                                                                 "\nCREATE INDEX posts_user_id ON posts (user_id);"));
  up();
  const CheckReport r = check_db(/*drift=*/true, /*strict=*/true, /*roundtrip=*/true);
  EXPECT_TRUE(r.findings.empty()) << codes(r);
  EXPECT_EQ(r.applied, 2u);
  EXPECT_TRUE(r.pending.empty());
  EXPECT_EQ(r.exit_code, ExitCode::ok);
}

TEST_P(SqliteCheckerTest, NoDatabaseIsInfoAndCreatesNothing) {
  write("1_create_users_table.sql", k_users);
  const CheckReport r = check_db();
  const Finding* f = find(r, "no-database");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->severity, Severity::info);
  EXPECT_EQ(f->exit_class, ExitCode::ok);
  EXPECT_EQ(f->file, db_);
  EXPECT_EQ(r.pending, std::vector<std::string>{"1"});
  EXPECT_EQ(r.exit_code, ExitCode::pending) << "every migration is pending";
  EXPECT_FALSE(fs::exists(db_));
}

TEST_P(SqliteCheckerTest, NoDatabaseAndNoMigrationsExitsZero) {
  const CheckReport r = check_db(/*drift=*/true);
  EXPECT_NE(find(r, "no-database"), nullptr) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::ok);
  EXPECT_FALSE(fs::exists(db_));
}

TEST_P(CheckerTest, DriftIsErrorOfClass5) {
  write("1_create_users_table.sql", k_users);
  up();
  exec("CREATE TABLE hand_made (x TEXT)");
  const CheckReport without = check_db();
  EXPECT_EQ(count(without, "drift"), 0u) << "drift is only checked when asked";
  EXPECT_EQ(without.exit_code, ExitCode::ok);

  const CheckReport r = check_db(/*drift=*/true);
  const Finding* f = find(r, "drift");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->severity, Severity::error);
  EXPECT_EQ(f->exit_class, ExitCode::drift);
  EXPECT_NE(f->message.find("hand_made"), std::string::npos) << f->message;
  EXPECT_EQ(r.exit_code, ExitCode::drift);
}

TEST_P(CheckerTest, DriftDetectsAlteredColumn) {
  write("1_create_users_table.sql", k_users);
  up();
  exec("ALTER TABLE users ADD COLUMN nickname TEXT");
  const CheckReport r = check_db(/*drift=*/true);
  const Finding* f = find(r, "drift");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_NE(f->message.find("users"), std::string::npos) << f->message;
  EXPECT_EQ(r.exit_code, ExitCode::drift);
}

TEST_P(SqliteCheckerTest, RoundtripFailureIsErrorOfClass5) {
  write("1_create_users_table.sql", k_users);
  write("2_create_posts_and_tags_tables.sql",
        "-- migrate:up\n"
        "CREATE TABLE posts (id INTEGER);\n"
        "CREATE TABLE tags (id INTEGER);\n"
        "-- migrate:down\n"
        "DROP TABLE posts;\n");  // forgets tags
  const CheckReport without = check_files_only();
  EXPECT_EQ(count(without, "roundtrip"), 0u) << codes(without);
  EXPECT_EQ(without.exit_code, ExitCode::ok);

  const CheckReport r = check_files_only(/*strict=*/false, /*roundtrip=*/true);
  const Finding* f = find(r, "roundtrip");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->severity, Severity::error);
  EXPECT_EQ(f->exit_class, ExitCode::drift);
  EXPECT_EQ(f->version, "2");
  EXPECT_NE(f->message.find("tags"), std::string::npos) << f->message;
  EXPECT_EQ(r.exit_code, ExitCode::drift);
}

TEST_P(SqliteCheckerTest, RoundtripOfCorrectSetIsClean) {
  write("1_create_users_table.sql", k_users);
  write("2_create_posts_table.sql", k_posts);
  write("3_add_index_to_posts.sql",
        "-- migrate:up\n"
        "CREATE INDEX posts_user_id_idx ON posts (user_id);\n"
        "-- migrate:down\n"
        "DROP INDEX posts_user_id_idx;\n");
  const CheckReport r = check_files_only(/*strict=*/true, /*roundtrip=*/true);
  EXPECT_TRUE(r.findings.empty()) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::ok);
}

TEST_P(CheckerTest, ReportsEveryFindingAndHighestClassWins) {
  write("1_create_users_table.sql", k_users);
  write("2_create_posts_table.sql", k_posts);
  up();
  fs::remove(file("2_create_posts_table.sql"));                     // missing-file (4)
  write("1234567890123456789_bad.sql", "-- migrate:up\nSELECT 1;\n");  // bad-name (3)
  write("5_create_tags_table.sql", "-- migrate:up\nCREATE TABLE tags (id INTEGER);\n");  // pending (1) + missing-down
  const CheckReport r = check_db();
  EXPECT_NE(find(r, "bad-name"), nullptr) << codes(r);
  EXPECT_NE(find(r, "missing-file"), nullptr) << codes(r);
  EXPECT_NE(find(r, "pending"), nullptr) << codes(r);
  EXPECT_NE(find(r, "missing-down"), nullptr) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::history_mismatch);

  exec("CREATE TABLE hand_made (x TEXT)");
  fs::remove(file("1234567890123456789_bad.sql"));
  write("2_create_posts_table.sql", k_posts);  // file back: history complete again, drift computable
  const CheckReport d = check_db(/*drift=*/true);
  EXPECT_NE(find(d, "drift"), nullptr) << codes(d);
  EXPECT_NE(find(d, "pending"), nullptr) << codes(d);
  EXPECT_NE(find(d, "missing-down"), nullptr) << codes(d);
  EXPECT_EQ(d.exit_code, ExitCode::drift);
}

TEST_P(CheckerTest, HighestClassWinsOverLowerErrorClasses) {
  write("1_create_users_table.sql", k_users);
  write("2_seed.sql",
        "-- migrate:up transaction:false\n"
        "CREATE TABLE roles (id INTEGER PRIMARY KEY);\n"
        "INSERT INTO users (id, email) VALUES (1, 'x');\n"
        "-- migrate:down\n"
        "DROP TABLE roles;\n");
  up(up_to(1));
  exec("INSERT INTO users (id, email) VALUES (1, 'taken')");
  EXPECT_THROW(up(), Error);
  // partial (6) + checksum-mismatch (4) + bad-name (3)
  write("2_seed.sql",
        "-- migrate:up transaction:false\n"
        "CREATE TABLE roles (id INTEGER PRIMARY KEY);\n"
        "INSERT OR IGNORE INTO users (id, email) VALUES (1, 'x');\n"
        "-- migrate:down\n"
        "DROP TABLE roles;\n");
  write("1234567890123456789_x.sql", "-- migrate:up\nSELECT 1;\n");
  const CheckReport r = check_db();
  EXPECT_NE(find(r, "partial"), nullptr) << codes(r);
  EXPECT_NE(find(r, "checksum-mismatch"), nullptr) << codes(r);
  EXPECT_NE(find(r, "bad-name"), nullptr) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::migration_failed);
}

TEST_P(SqliteCheckerTest, CheckNeverWritesTheDatabase) {
  write("1_create_users_table.sql", k_users);
  write("2_create_posts_table.sql", k_posts);
  up(up_to(1));
  exec("CREATE TABLE hand_made (x TEXT)");  // drift, so the drift check does its full work
  const std::string before = testing::read_file(db_);
  const auto mtime = fs::last_write_time(db_);
  ASSERT_FALSE(before.empty());

  const CheckReport r = check_db(/*drift=*/true, /*strict=*/true, /*roundtrip=*/true);
  EXPECT_EQ(r.exit_code, ExitCode::drift) << codes(r);

  EXPECT_EQ(testing::read_file(db_), before);
  EXPECT_EQ(fs::last_write_time(db_), mtime);
  EXPECT_FALSE(fs::exists(db_ + "-journal"));
  EXPECT_FALSE(fs::exists(db_ + "-wal"));
  EXPECT_FALSE(fs::exists(db_ + "-shm"));
}

TEST_P(SqliteCheckerTest, CheckNeverWritesAWalModeDatabase) {
  write("1_create_users_table.sql", k_users);
  up();
  exec("PRAGMA journal_mode = WAL");  // persistent; -wal and -shm go away with the last connection
  ASSERT_FALSE(fs::exists(db_ + "-wal"));
  const std::string before = testing::read_file(db_);

  const CheckReport r = check_db(/*drift=*/true);
  EXPECT_EQ(r.exit_code, ExitCode::ok) << codes(r);
  EXPECT_EQ(testing::read_file(db_), before);
  // With no other connection open, strata reads through a query_only connection that removes
  // SQLite's -wal/-shm index files when it closes.
  EXPECT_FALSE(fs::exists(db_ + "-wal"));
  EXPECT_FALSE(fs::exists(db_ + "-shm"));
}

TEST_P(SqliteCheckerTest, NotADatabaseIsUnavailable) {
  write("1_create_users_table.sql", k_users);
  testing::write_file(db_, std::string(4096, 'x'));
  try {
    check_db();
    FAIL() << "check must refuse a file that is not a database";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::unavailable) << e.what();
    EXPECT_NE(std::string(e.what()).find(db_), std::string::npos) << e.what();
  }
  EXPECT_EQ(testing::read_file(db_), std::string(4096, 'x'));
}

TEST_P(SqliteCheckerTest, DatabasePathThatIsADirectoryIsUnavailable) {
  write("1_create_users_table.sql", k_users);
  fs::create_directories(db_);
  try {
    check_db();
    FAIL() << "check must refuse a directory";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::unavailable) << e.what();
  }
}

TEST_P(CheckerTest, CheckDoesNotCreateTheHistoryTable) {
  write("1_create_users_table.sql", k_users);
  exec("CREATE TABLE unrelated (x INTEGER)");
  const std::string before = tdb_.sqlite() ? testing::read_file(db_) : "";
  const CheckReport r = check_db();
  EXPECT_EQ(r.pending, std::vector<std::string>{"1"});
  EXPECT_EQ(r.applied, 0u);
  EXPECT_EQ(r.exit_code, ExitCode::pending) << codes(r);
  EXPECT_FALSE(tdb_.has_table("strata_migrations"));
  if (tdb_.sqlite()) {
    EXPECT_EQ(testing::read_file(db_), before);
  }
}

TEST_P(CheckerTest, HonoursTheTableOption) {
  write("1_create_users_table.sql", k_users);
  migrate::Migrator m(migrate::Target{tdb_.endpoint(), "my_history"}, load());
  m.up({});
  CheckOptions o;
  o.database = tdb_.endpoint();
  o.table = "my_history";
  o.drift = true;
  const CheckReport r = migrate::check(load(), o);
  EXPECT_TRUE(r.findings.empty()) << codes(r);
  EXPECT_EQ(r.applied, 1u);

  const CheckReport default_table = check_db();  // strata_migrations does not exist: all pending
  EXPECT_EQ(default_table.pending, std::vector<std::string>{"1"});
}

TEST_P(CheckerTest, DbmateHistoryIsRead) {
  write("1_create_users_table.sql", k_users);
  write("2_create_posts_table.sql", k_posts);
  exec("CREATE TABLE schema_migrations (version VARCHAR(128) PRIMARY KEY)");
  exec("INSERT INTO schema_migrations (version) VALUES ('1')");
  exec("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)");
  const CheckReport r = check_db(/*drift=*/true);
  EXPECT_EQ(r.applied, 1u) << codes(r);
  EXPECT_EQ(r.pending, std::vector<std::string>{"2"});
  EXPECT_EQ(count(r, "drift"), 0u) << "dbmate's own table is not drift: " << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::pending) << codes(r);
  EXPECT_FALSE(tdb_.has_table("strata_migrations")) << "check imports nothing";
}

TEST_P(CheckerTest, DirtyGolangMigrateVersionIsPartial) {
  write("1_create_users_table.sql", k_users);
  exec("CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean)");
  exec("INSERT INTO schema_migrations (version, dirty) VALUES (1, true)");
  const CheckReport r = check_db();
  const Finding* f = find(r, "partial");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->version, "1");
  EXPECT_EQ(f->exit_class, ExitCode::migration_failed);
  EXPECT_EQ(r.exit_code, ExitCode::migration_failed);
}

TEST_P(CheckerTest, DirtyGolangMigrateHintNamesTheVersionAndRunsOnThisEngine) {
  write("1_create_users_table.sql", k_users);
  write("2_create_posts_table.sql", k_posts);
  exec("CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean)");
  exec("INSERT INTO schema_migrations (version, dirty) VALUES (2, true)");
  const CheckReport r = check_db();
  ASSERT_EQ(count(r, "partial"), 1u) << "one finding, not also a transaction:false one: " << codes(r);
  const Finding* f = find(r, "partial");
  EXPECT_EQ(f->version, "2");
  const std::string no = GetParam() == migrate::DriverKind::postgres ? "false" : "0";
  // The way out is SQL, each statement on a line of its own.
  EXPECT_NE(f->fix.find("\n  UPDATE schema_migrations SET dirty = " + no + " WHERE version = 2;\n"), std::string::npos)
      << f->fix;
  EXPECT_NE(f->fix.find("\n  UPDATE schema_migrations SET version = 1, dirty = " + no + ";\n"), std::string::npos) << f->fix;
  EXPECT_EQ(r.exit_code, ExitCode::migration_failed);
  // The hint's SQL runs on this engine, and then check agrees that version 2 is applied.
  exec("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)");
  exec("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), body TEXT)");
  exec("UPDATE schema_migrations SET dirty = " + no + " WHERE version = 2");
  const CheckReport after = check_db(/*drift=*/true);
  EXPECT_EQ(after.exit_code, ExitCode::ok) << codes(after);
  EXPECT_EQ(after.applied, 2u);
}

TEST_P(CheckerTest, AdoptedDbmateDatabaseHasNoDriftAfterTheImport) {
  write("1_create_users_table.sql", k_users);
  write("2_create_posts_table.sql", k_posts);
  exec("CREATE TABLE schema_migrations (version VARCHAR(128) PRIMARY KEY)");
  exec("INSERT INTO schema_migrations (version) VALUES ('1')");
  exec("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)");
  EXPECT_EQ(up().imported, 1u);
  ASSERT_TRUE(tdb_.has_table("strata_migrations"));
  ASSERT_TRUE(tdb_.has_table("schema_migrations")) << "strata never writes the old table";
  const CheckReport r = check_db(/*drift=*/true);
  EXPECT_EQ(count(r, "drift"), 0u) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::ok) << codes(r);
  // A user table is still drift after the import.
  exec("CREATE TABLE hand_made (x TEXT)");
  EXPECT_EQ(check_db(/*drift=*/true).exit_code, ExitCode::drift);
}

TEST_P(CheckerTest, AdoptedGolangMigrateDatabaseHasNoDriftAfterTheImport) {
  write("1_create_users_table.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);");
  write("1_create_users_table.down.sql", "DROP TABLE users;");
  write("2_create_tags_table.up.sql", "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT);");
  write("2_create_tags_table.down.sql", "DROP TABLE tags;");
  exec("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)");
  exec("INSERT INTO schema_migrations (version, dirty) VALUES (1, false)");
  exec("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)");
  EXPECT_EQ(check_db(/*drift=*/true).exit_code, ExitCode::pending);
  EXPECT_EQ(up().imported, 1u);
  const CheckReport r = check_db(/*drift=*/true);
  EXPECT_EQ(count(r, "drift"), 0u) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::ok) << codes(r);
}

TEST_P(CheckerTest, MissingFileKeepsTheVersionAsSpeltAndSaysWhereItIsListed) {
  write("0002_create_users_table.sql", k_users);
  exec("CREATE TABLE schema_migrations (version VARCHAR(128) PRIMARY KEY)");
  exec("INSERT INTO schema_migrations (version) VALUES ('0001')");
  const CheckReport r = check_db();
  const Finding* f = find(r, "missing-file");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->version, "0001");
  EXPECT_EQ(f->message.find("()"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("dbmate's schema_migrations"), std::string::npos) << f->message;
}

TEST_P(CheckerTest, DriftSaysWhichSideHasTheObjectAndWhatDiffers) {
  write("1_create_users_table.sql", k_users);
  write("2_create_tags_table.sql", k_tags);
  up();
  exec("CREATE TABLE hand_made (x TEXT)");
  exec("DROP TABLE tags");
  exec("ALTER TABLE users ADD COLUMN nickname TEXT");
  const CheckReport r = check_db(/*drift=*/true);
  ASSERT_EQ(count(r, "drift"), 3u) << codes(r);
  std::string all;
  for (const Finding& f : r.findings) {
    if (f.code != "drift") continue;
    all += f.message + "\n";
    EXPECT_FALSE(f.detail.empty()) << "-v shows the definitions: " << f.message;
    EXPECT_LT(f.message.size(), 200u) << "briefly: " << f.message;
  }
  EXPECT_NE(all.find("table hand_made is in the live database but not in the applied migrations"), std::string::npos) << all;
  EXPECT_NE(all.find("table tags is in the applied migrations but not in the live database"), std::string::npos) << all;
  EXPECT_NE(all.find("table users: column nickname"), std::string::npos) << all;
  EXPECT_NE(all.find("only in the live database"), std::string::npos) << all;
}

TEST_P(CheckerTest, ColumnOrderAloneIsNeitherDriftNorARoundtripFailure) {
  write("1_create_t_table.sql",
        "-- migrate:up\nCREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);\n-- migrate:down\nDROP TABLE t;\n");
  write("2_drop_a.sql", "-- migrate:up\nALTER TABLE t DROP COLUMN a;\n-- migrate:down\nALTER TABLE t ADD COLUMN a TEXT;\n");
  up();
  {
    migrate::Migrator m(migrate::Target{tdb_.endpoint()}, load());
    migrate::DownOptions d;
    m.down(d);
  }
  const CheckReport drift = check_db(/*drift=*/true);
  EXPECT_EQ(drift.exit_code, ExitCode::pending) << "2 is pending, and column order is no drift: " << codes(drift);
  EXPECT_EQ(count(drift, "drift"), 1u) << codes(drift);
  EXPECT_EQ(find(drift, "drift")->severity, Severity::info) << codes(drift);
  EXPECT_NE(find(drift, "drift")->message.find("another order"), std::string::npos) << codes(drift);

  const CheckReport rt = check_files_only(/*strict=*/false, /*roundtrip=*/true);
  EXPECT_EQ(rt.exit_code, ExitCode::ok) << codes(rt);
  ASSERT_EQ(count(rt, "roundtrip"), 1u) << codes(rt);
  EXPECT_EQ(find(rt, "roundtrip")->severity, Severity::info);
  EXPECT_EQ(find(rt, "roundtrip")->version, "2");
}

TEST_P(CheckerTest, RoundtripReportsEveryBrokenDownAndFollowsTheUpPath) {
  write("1_create_users_table.sql",
        "-- migrate:up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\nCREATE TABLE extra (id INTEGER);\n"
        "-- migrate:down\nDROP TABLE users;\n");  // leaves extra
  write("2_create_tags_table.sql", k_tags);          // fine
  write("3_create_posts_table.sql",
        "-- migrate:up\nCREATE TABLE posts (id INTEGER);\n-- migrate:down\nDROP TABLE nowhere;\n");  // fails
  write("4_create_more_table.sql",
        "-- migrate:up\nCREATE TABLE more (id INTEGER);\n-- migrate:down\nDROP TABLE more;\nDROP TABLE posts;\n");
  const CheckReport r = check_files_only(/*strict=*/false, /*roundtrip=*/true);
  std::vector<std::string> versions;
  for (const Finding& f : r.findings) {
    if (f.code == "roundtrip") versions.push_back(f.version);
  }
  EXPECT_EQ(versions, (std::vector<std::string>{"1", "3", "4"})) << codes(r);
  const Finding* first = find(r, "roundtrip");
  ASSERT_NE(first, nullptr);
  EXPECT_NE(first->message.find("table extra"), std::string::npos) << first->message;
  EXPECT_EQ(r.exit_code, ExitCode::drift);
}

TEST_P(CheckerTest, RoundtripFindingOfAGolangPairNamesTheUpFileAndVersion) {
  write("000001_create_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  write("000001_create_users.down.sql", "\nDROP TABLE nowhere;\n");
  const CheckReport r = check_files_only(/*strict=*/false, /*roundtrip=*/true);
  const Finding* f = find(r, "roundtrip");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->version, "000001");
  EXPECT_EQ(f->file, file("000001_create_users.up.sql"));
  EXPECT_EQ(f->line, 0u) << "the line is in the .down.sql, which the message names";
  EXPECT_NE(f->message.find("000001_create_users.down.sql:2"), std::string::npos) << f->message;
}

TEST_P(SqliteCheckerTest, SeverityNames) {
  EXPECT_STREQ(migrate::to_string(Severity::info), "info");
  EXPECT_STREQ(migrate::to_string(Severity::warning), "warning");
  EXPECT_STREQ(migrate::to_string(Severity::error), "error");
}

TEST_P(PostgresCheckerTest, RoundtripRunsInAScratchDatabaseThatIsDropped) {
  write("1_create_users_table.sql", k_users);
  write("2_create_posts_and_tags_tables.sql",
        "-- migrate:up\nCREATE TABLE posts (id INTEGER);\nCREATE TABLE tags (id INTEGER);\n"
        "-- migrate:down\nDROP TABLE posts;\n");  // forgets tags
  const CheckReport r = check_db(/*drift=*/false, /*strict=*/false, /*roundtrip=*/true);
  const Finding* f = find(r, "roundtrip");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_NE(f->message.find("tags"), std::string::npos) << f->message;
  EXPECT_EQ(r.exit_code, ExitCode::drift);
  EXPECT_EQ(scratch_databases_of_this_process(tdb_), "0");
  EXPECT_EQ(tdb_.query_one("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'strata_scratch%'"), "0");
  EXPECT_EQ(tdb_.table_count(), "0");  // nothing left in the real schema either
}

TEST_P(PostgresCheckerTest, ReplayFailureNamesFileLineAndTheServersMessage) {
  write("1_bad.sql", "-- migrate:up\nCREATE TABLE a (id int);\nINSERT INTO a VALUES ('x');\n-- migrate:down\nDROP TABLE a;\n");
  const CheckReport r = check_db(false, false, /*roundtrip=*/true);
  const Finding* f = find(r, "parse-error");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->line, 3u);
  EXPECT_NE(f->message.find("invalid input syntax for type integer"), std::string::npos) << f->message;
}

TEST_P(PostgresCheckerTest, DriftCoversEveryKindOfObject) {
  write("1_all.sql", R"(-- migrate:up
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE SEQUENCE counter START 10;
CREATE TABLE people (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL DEFAULT '', m mood,
  CHECK (name <> 'root'));
CREATE TABLE pets (id serial PRIMARY KEY, owner bigint REFERENCES people (id) ON DELETE CASCADE);
CREATE INDEX pets_owner ON pets (owner);
CREATE VIEW named AS SELECT name FROM people;
CREATE FUNCTION shout(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(t) $$;
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER people_stamp BEFORE UPDATE ON people FOR EACH ROW EXECUTE FUNCTION stamp();
-- migrate:down
DROP TABLE pets; DROP VIEW named; DROP TABLE people; DROP FUNCTION shout(text); DROP FUNCTION stamp();
DROP SEQUENCE counter; DROP TYPE mood;
)");
  up();
  EXPECT_TRUE(check_db(/*drift=*/true, /*strict=*/true, /*roundtrip=*/true).findings.empty());
  const std::vector<std::pair<std::string, std::string>> changes = {
      {"ALTER TYPE mood ADD VALUE 'happy'", "type mood"},
      {"ALTER SEQUENCE counter INCREMENT BY 2", "sequence counter"},
      {"ALTER TABLE people ALTER COLUMN name DROP DEFAULT", "table people"},
      {"DROP INDEX pets_owner", "index pets_owner"},
      {"CREATE OR REPLACE VIEW named AS SELECT name, m FROM people", "view named"},
      {"CREATE OR REPLACE FUNCTION shout(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$",
       "function shout(t text)"},
      {"DROP TRIGGER people_stamp ON people", "trigger people_stamp"},
  };
  for (const auto& [sql, what] : changes) {
    exec(sql);
    const CheckReport r = check_db(/*drift=*/true);
    const Finding* f = find(r, "drift");
    ASSERT_NE(f, nullptr) << sql << ": " << codes(r);
    EXPECT_NE(f->message.find(what), std::string::npos) << sql << ": " << f->message;
    // Undo by re-creating the database from the migrations.
    migrate::Migrator m(migrate::Target{tdb_.endpoint()}, load());
    migrate::DownOptions all;
    all.all = true;
    m.down(all);
    m.up({});
  }
}

TEST_P(PostgresCheckerTest, LintUsesThePostgresRulesWhenTheDatabaseIsPostgres) {
  write("1_create_users_table.sql", k_users);
  write("2_index.sql", "-- migrate:up\nSELECT 1;\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n"
                       "-- migrate:down\nDROP INDEX users_email;\n");
  const CheckReport r = check_db();
  const Finding* f = find(r, "not-in-transaction");
  ASSERT_NE(f, nullptr) << codes(r);
  EXPECT_EQ(f->line, 3u);
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
}

TEST_P(PostgresCheckerTest, CheckOpensTheDatabaseReadOnly) {
  write("1_create_users_table.sql", k_users);
  up();
  const CheckReport r = check_db(/*drift=*/true, /*strict=*/true, /*roundtrip=*/true);
  EXPECT_TRUE(r.findings.empty()) << codes(r);
  EXPECT_EQ(tdb_.query_one("SELECT count(*) FROM strata_migrations"), "1");
  EXPECT_EQ(tdb_.query_one("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'strata_scratch%'"), "0");
}

const char* const k_public_audit = R"(-- migrate:up
CREATE TABLE public.audit (id INTEGER PRIMARY KEY);
-- migrate:down
SELECT 1;
)";

TEST_P(PostgresCheckerTest, ReplayOfASchemaQualifiedMigrationStaysInTheScratchDatabase) {
  write("1_create_users_table.sql", k_users);
  up();
  // Not applied: --roundtrip replays it, and its down leaves public.audit behind. In a scratch
  // schema of the live database that table would land in the live public schema.
  write("2_audit.sql", k_public_audit);
  const CheckReport r = check_db(/*drift=*/true, /*strict=*/false, /*roundtrip=*/true);
  EXPECT_EQ(count(r, "scratch-schema"), 0u) << codes(r);
  EXPECT_NE(find(r, "roundtrip"), nullptr) << codes(r);
  EXPECT_EQ(count(r, "drift"), 0u) << codes(r);
  EXPECT_EQ(tdb_.query_one("SELECT coalesce(to_regclass('public.audit')::text, 'none')"), "none");
  EXPECT_EQ(scratch_databases_of_this_process(tdb_), "0");
}

TEST_P(PostgresCheckerTest, ReplayNeverTouchesRoles) {
  write("1_role.sql", "-- migrate:up\nCREATE ROLE strata_test_never_created;\n-- migrate:down\nDROP ROLE strata_test_never_created;\n");
  CheckOptions o;
  o.database = tdb_.endpoint();
  o.roundtrip = true;
  const CheckReport rt = migrate::check(load(), o);
  const Finding* f = find(rt, "parse-error");
  ASSERT_NE(f, nullptr) << codes(rt);
  EXPECT_NE(f->message.find("CREATE ROLE changes the whole server"), std::string::npos) << f->message;
  EXPECT_EQ(tdb_.query_one("SELECT count(*) FROM pg_roles WHERE rolname = 'strata_test_never_created'"), "0");
}

TEST_P(PostgresCheckerTest, ReplayNeverRunsTheServersProgramsOrReadsItsFiles) {
  // A pull request's migration, replayed by check in CI with the user's (often superuser) role:
  // COPY ... TO PROGRAM would run a command on the database server, here hidden in a DO block's
  // EXECUTE string; another reads the server's files.
  const std::string canary = (fs::temp_directory_path() / ("strata_reach_" + std::to_string(::getpid()))).string();
  fs::remove(canary);
  write("1_program.sql", "-- migrate:up\nCREATE TABLE t (id int);\nDO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch " +
                             canary + "'''; END $$;\n-- migrate:down\nDROP TABLE t;\n");
  write("2_read.sql", "-- migrate:up\nCREATE TABLE secrets AS SELECT pg_read_file('/etc/hostname') AS s;\n-- migrate:down\nDROP TABLE secrets;\n");
  CheckOptions o;
  o.database = tdb_.endpoint();
  o.roundtrip = true;
  const CheckReport rt = migrate::check(load(), o);
  const Finding* f = find(rt, "parse-error");
  ASSERT_NE(f, nullptr) << codes(rt);
  EXPECT_NE(f->message.find("'to program' runs a program on the server"), std::string::npos) << f->message;
  EXPECT_FALSE(fs::exists(canary)) << "the replay ran the migration's program";
  // Lint names both for the reviewer, replay or not: `up` would run them.
  const CheckReport lint = check_db();
  ASSERT_EQ(count(lint, "server-reach"), 2u) << codes(lint);
  EXPECT_NE(find(lint, "server-reach")->message.find("'to program' runs a program on the server"), std::string::npos);
  EXPECT_EQ(find(lint, "server-reach")->line, 3u);
  EXPECT_EQ(scratch_databases_of_this_process(tdb_), "0");
  fs::remove(canary);
}

TEST_P(PostgresCheckerTest, ReplayNeverGrantsARole) {
  // Any role, and a role that reaches the server's programs (named for what it does).
  for (const auto& [role, why] : {std::pair<std::string, std::string>{"pg_monitor", "GRANT of a role changes the whole server"},
                                  {"pg_execute_server_program", "'pg_execute_server_program' runs a program on the server"}}) {
    write("1_grant.sql", "-- migrate:up\nGRANT " + role + " TO CURRENT_USER;\n-- migrate:down\nSELECT 1;\n");
    CheckOptions o;
    o.database = tdb_.endpoint();
    o.roundtrip = true;
    const CheckReport rt = migrate::check(load(), o);
    const Finding* f = find(rt, "parse-error");
    ASSERT_NE(f, nullptr) << codes(rt);
    EXPECT_NE(f->message.find(why), std::string::npos) << f->message;
  }
}

TEST_P(PostgresCheckerTest, WithoutCreatedbTheReplayFallsBackToAScratchSchemaAndRefusesQualifiedNames) {
  write("1_create_users_table.sql", k_users);
  up();
  // A role that may create schemas in this database but not databases.
  const std::string role = "limited_" + std::to_string(::getpid()) + "_" + std::to_string(std::rand() % 100000);
  const std::string db = tdb_.query_one("SELECT current_database()");
  exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'");
  exec("GRANT CREATE ON DATABASE " + db + " TO " + role);
  exec("GRANT USAGE, CREATE ON SCHEMA public TO " + role);
  exec("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
  std::string url = tdb_.url();
  const std::size_t scheme = url.find("://") + 3;
  url.replace(scheme, url.find('@') - scheme, role + ":pw");

  CheckOptions o;
  o.database = migrate::endpoint_from_url(url);
  o.drift = true;
  o.strict = true;
  CheckReport r = migrate::check(load(), o);
  const Finding* warning = find(r, "scratch-schema");
  ASSERT_NE(warning, nullptr) << codes(r);
  EXPECT_EQ(warning->severity, Severity::warning);
  EXPECT_NE(warning->message.find("CREATEDB"), std::string::npos) << warning->message;
  EXPECT_EQ(count(r, "drift"), 0u) << codes(r);
  EXPECT_EQ(r.exit_code, ExitCode::ok) << "the warning does not count, even with --strict: " << codes(r);

  write("2_audit.sql", k_public_audit);
  o.drift = false;
  o.roundtrip = true;
  r = migrate::check(load(), o);
  const Finding* refused = find(r, "parse-error");
  ASSERT_NE(refused, nullptr) << codes(r);
  EXPECT_NE(refused->message.find("names the schema public"), std::string::npos) << refused->message;
  EXPECT_EQ(refused->line, 2u);
  EXPECT_EQ(tdb_.query_one("SELECT coalesce(to_regclass('public.audit')::text, 'none')"), "none");
  EXPECT_EQ(tdb_.query_one("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'strata_scratch%'"), "0");
  exec("REASSIGN OWNED BY " + role + " TO CURRENT_USER");
  exec("DROP OWNED BY " + role);
  exec("DROP ROLE " + role);
}

INSTANTIATE_TEST_SUITE_P(, CheckerTest, ::testing::Values(migrate::DriverKind::sqlite, migrate::DriverKind::postgres),
                         testing::driver_param_name);
INSTANTIATE_TEST_SUITE_P(, SqliteCheckerTest, ::testing::Values(migrate::DriverKind::sqlite), testing::driver_param_name);
INSTANTIATE_TEST_SUITE_P(, PostgresCheckerTest, ::testing::Values(migrate::DriverKind::postgres),
                         testing::driver_param_name);

}  // namespace
}  // namespace strata

