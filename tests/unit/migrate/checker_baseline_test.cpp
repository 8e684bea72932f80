// The check baseline (migrate/check/baseline.h): written, read, matched by code, version, file and
// checksum; stale entries; malformed files refused naming the file and the line or field.
#include "migrate/check/baseline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "common/error.h"
#include "migrate/check/checker.h"
#include "migrate/model/migration_source.h"
#include "test_util.h"
#include "setting_flags.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using migrate::CheckOptions;
using migrate::CheckReport;
using migrate::Finding;
using testing::error_of;
using testing::TempDir;

// A DROP TABLE in up is a `destructive` warning (of a table the file did not make: dropping one
// it made is no loss); no down section is a `missing-down` warning.
const char* const k_destructive = "-- migrate:up\nDROP TABLE IF EXISTS a;\n-- migrate:down\nSELECT 1;\n";
const char* const k_no_down = "-- migrate:up\nCREATE TABLE b (x);\n";
const char* const k_clean = "-- migrate:up\nCREATE TABLE c (x);\n-- migrate:down\nDROP TABLE c;\n";

class CheckerBaseline : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_ / "migrations";
    fs::create_directories(dir_);
    write("20240101000001_drop_a.sql", k_destructive);
    write("20240101000002_add_b.sql", k_no_down);
  }
  void write(const std::string& name, const std::string& content) const {
    testing::write_file(dir_ + "/" + name, content);
  }
  std::string baseline_path() const { return migrate::default_baseline_path(dir_); }

  CheckReport check(bool write_baseline = false, bool use_default = true) const {
    CheckOptions o;
    o.strict = true;
    if (write_baseline) {
      o.write_baseline = baseline_path();
    } else if (use_default) {
      o.baseline = baseline_path();
      o.baseline_optional = true;
    }
    return migrate::check_directories({dir_}, o);
  }

  static std::vector<const Finding*> counted(const CheckReport& r) {
    std::vector<const Finding*> out;
    for (const Finding& f : r.findings) {
      if (!f.baselined && f.severity != migrate::Severity::info) out.push_back(&f);
    }
    return out;
  }
  static bool has(const CheckReport& r, const std::string& code, const std::string& version, bool baselined) {
    return std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) {
      return f.code == code && f.version == version && f.baselined == baselined;
    });
  }

  TempDir tmp_;
  std::string dir_;
};

TEST_F(CheckerBaseline, WithoutABaselineStrictFailsOnWarnings) {
  const CheckReport r = check();
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
  EXPECT_TRUE(r.baseline_file.empty());
  EXPECT_EQ(r.baselined, 0u);
  EXPECT_EQ(counted(r).size(), 2u);
}

TEST_F(CheckerBaseline, WrittenBaselineAcknowledgesEveryWarningAndIsNotAMigration) {
  const CheckReport written = check(/*write_baseline=*/true);
  EXPECT_EQ(written.exit_code, ExitCode::ok);
  EXPECT_EQ(written.baselined, 2u);
  EXPECT_EQ(written.baseline_file, baseline_path());
  ASSERT_TRUE(fs::exists(baseline_path()));

  const std::string text = testing::read_file(baseline_path());
  EXPECT_NE(text.find("\"code\":\"destructive\",\"version\":\"20240101000001\",\"file\":\"20240101000001_drop_a.sql\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\"code\":\"missing-down\",\"version\":\"20240101000002\""), std::string::npos) << text;

  // The directory reader ignores it: no bad-name, still two migrations.
  const migrate::MigrationSet set = migrate::load_directory(dir_);
  EXPECT_TRUE(set.problems.empty());
  EXPECT_EQ(set.migrations.size(), 2u);

  const CheckReport r = check();
  EXPECT_EQ(r.exit_code, ExitCode::ok);
  EXPECT_EQ(r.baselined, 2u);
  EXPECT_TRUE(has(r, "destructive", "20240101000001", true));
  EXPECT_TRUE(has(r, "missing-down", "20240101000002", true));
  EXPECT_TRUE(counted(r).empty());
}

TEST_F(CheckerBaseline, NewMigrationsFindingsAreNew) {
  check(true);
  write("20240101000003_add_c.sql", k_no_down);
  const CheckReport r = check();
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
  const auto c = counted(r);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0]->code, "missing-down");
  EXPECT_EQ(c[0]->version, "20240101000003");
  EXPECT_EQ(r.baselined, 2u);
}

TEST_F(CheckerBaseline, ChangedFileHasNewFindingsAndItsEntriesGoStale) {
  check(true);
  // Same finding, another line and content: the checksum changed, so it is new.
  write("20240101000001_drop_a.sql", std::string("-- a comment\n") + k_destructive);
  const CheckReport r = check();
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
  EXPECT_TRUE(has(r, "destructive", "20240101000001", false));
  EXPECT_TRUE(has(r, "missing-down", "20240101000002", true));
  EXPECT_TRUE(has(r, "baseline-stale", "20240101000001", false));
}

TEST_F(CheckerBaseline, FixedFindingLeavesAStaleEntryThatNeverFails) {
  check(true);
  fs::remove(dir_ + "/20240101000002_add_b.sql");
  write("20240101000002_add_b.sql", k_clean);
  const CheckReport r = check();
  EXPECT_EQ(r.exit_code, ExitCode::ok);
  const auto stale = std::find_if(r.findings.begin(), r.findings.end(),
                                  [](const Finding& f) { return f.code == "baseline-stale"; });
  ASSERT_NE(stale, r.findings.end());
  EXPECT_EQ(stale->severity, migrate::Severity::info);
  // The changed file's finding is gone; its old entry (code missing-down) is stale.
  EXPECT_EQ(stale->version, "20240101000002");
  EXPECT_NE(stale->message.find("missing-down"), std::string::npos);
  EXPECT_NE(cli::with_flags(stale->message).find("--write-baseline"), std::string::npos);
}

TEST_F(CheckerBaseline, NoBaselineMeansEveryFindingCounts) {
  check(true);
  const CheckReport r = check(false, /*use_default=*/false);
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
  EXPECT_EQ(r.baselined, 0u);
}

TEST_F(CheckerBaseline, ErrorsAreNeverBaselined) {
  write("20240101000003_bad.sql", "-- migrate:up\nCREATE TABLE d (x);\nVACUUM;\n-- migrate:down\nDROP TABLE d;\n");
  const CheckReport written = check(true);
  EXPECT_EQ(written.exit_code, ExitCode::invalid_input);
  const std::string text = testing::read_file(baseline_path());
  EXPECT_EQ(text.find("20240101000003"), std::string::npos) << text;
  const CheckReport r = check();
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input);
  EXPECT_FALSE(counted(r).empty());
  for (const Finding* f : counted(r)) EXPECT_EQ(f->severity, migrate::Severity::error) << f->code;
}

// The baseline is the repository's: a pull request can add an entry for its own error as easily
// as the migration. An entry naming an error (its code, version, file and the migration's
// checksum, as a written entry would) hides nothing: the error is listed and counts, and the
// output says the entry was refused rather than calling it stale.
TEST_F(CheckerBaseline, AnEntryNamingAnErrorHidesNothingAndSaysSo) {
  write("20240101000003_bad.sql", "-- migrate:up\nCREATE TABLE d (x);\nVACUUM;\n-- migrate:down\nDROP TABLE d;\n");
  check(true);  // the warnings, acknowledged
  const CheckReport before = check();
  const auto error = std::find_if(before.findings.begin(), before.findings.end(), [](const Finding& f) {
    return f.severity == migrate::Severity::error && f.version == "20240101000003";
  });
  ASSERT_NE(error, before.findings.end());
  const migrate::MigrationSet set = migrate::load_directory(dir_);
  const migrate::Migration* m = set.find(20240101000003);
  ASSERT_NE(m, nullptr);
  std::string text = testing::read_file(baseline_path());
  const std::string entry = "{\"code\": \"" + error->code + "\", \"version\": \"20240101000003\", \"file\": "
                            "\"20240101000003_bad.sql\", \"line\": 3, \"checksum\": \"" + m->checksum + "\"},\n    ";
  text.insert(text.find("{\"code\""), entry);
  testing::write_file(baseline_path(), text);
  ASSERT_EQ(migrate::read_baseline(baseline_path()).entries.size(), 3u) << text;

  const CheckReport r = check();
  EXPECT_EQ(r.exit_code, ExitCode::invalid_input) << "the error counts";
  EXPECT_TRUE(has(r, error->code, "20240101000003", /*baselined=*/false));
  EXPECT_FALSE(has(r, error->code, "20240101000003", /*baselined=*/true));
  EXPECT_EQ(r.baselined, 2u) << "the warnings stay acknowledged";
  const auto refused = std::find_if(r.findings.begin(), r.findings.end(), [](const Finding& f) { return f.code == "baseline-refused"; });
  ASSERT_NE(refused, r.findings.end());
  EXPECT_EQ(refused->severity, migrate::Severity::info);
  EXPECT_EQ(refused->version, "20240101000003");
  EXPECT_NE(refused->message.find("lists this " + error->code + " error, but a baseline acknowledges warnings only"),
            std::string::npos)
      << refused->message;
  EXPECT_FALSE(has(r, "baseline-stale", "20240101000003", false)) << "the error is there: the entry is not stale";
  // Without --strict too: the error alone fails check.
  CheckOptions lenient;
  lenient.baseline = baseline_path();
  EXPECT_EQ(migrate::check_directories({dir_}, lenient).exit_code, ExitCode::invalid_input);
}

TEST_F(CheckerBaseline, AFileThatIsNotAMigrationCanBeBaselined) {
  // Real projects keep dbmate's schema.sql beside the migrations: a warning under --strict.
  testing::write_file(dir_ + "/schema.sql", "CREATE TABLE x (y);\n");
  check(true);
  const CheckReport r = check();
  bool found = false;
  for (const Finding& f : r.findings) found |= f.code == "not-a-migration" && f.baselined;
  EXPECT_TRUE(found);
  EXPECT_EQ(r.exit_code, ExitCode::ok);
  // Another such file is new.
  testing::write_file(dir_ + "/notes.sql", "-- x\n");
  EXPECT_EQ(check().exit_code, ExitCode::invalid_input);
}

TEST_F(CheckerBaseline, RenderedBaselineParsesBack) {
  const migrate::MigrationSet set = migrate::load_directory(dir_);
  CheckOptions o;
  const CheckReport r = migrate::check(set, o);
  const migrate::Baseline b = migrate::parse_baseline(migrate::render_baseline(r.findings, set), "x.json");
  ASSERT_EQ(b.entries.size(), 2u);
  EXPECT_EQ(b.entries[0].code, "destructive");
  EXPECT_EQ(b.entries[0].version, "20240101000001");
  EXPECT_EQ(b.entries[0].checksum, set.migrations[0].checksum);
  EXPECT_GT(b.entries[0].line, 0u);
  EXPECT_EQ(b.entries[1].code, "missing-down");
}

// The baseline is a file of the project, read beside a terminal: a finding's mentioned setting
// and the file's own advice are written as the command line spells them, never as marker bytes.
TEST_F(CheckerBaseline, TheBaselineFileSpellsSettingsAsACommandLineDoes) {
  const migrate::MigrationSet set = migrate::load_directory(dir_);
  CheckReport r = migrate::check(set, CheckOptions{});
  ASSERT_FALSE(r.findings.empty());
  r.findings[0].message = "write it with " + mention(Setting::envsub);
  cli::install_command_words();
  const std::string text = migrate::render_baseline(r.findings, set);
  set_command_words(nullptr);
  EXPECT_EQ(text.find_first_of("\x0e\x0f"), std::string::npos) << text;
  EXPECT_NE(text.find("Rewrite with `strata migrate check --write-baseline`; see strata-migrate(1)."), std::string::npos) << text;
  EXPECT_NE(text.find("\"message\":\"write it with --envsub\""), std::string::npos) << text;
}

TEST(CheckerBaselineFile, MalformedJsonNamesFileLineAndColumn) {
  const Error e = error_of([] { migrate::parse_baseline("{\n  \"format\": 1,\n  \"findings\": [x]\n}\n", "m/.b.json"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_EQ(std::string(e.what()), "m/.b.json:3:16: not a strata baseline file (invalid JSON)");
  EXPECT_NE(cli::with_flags(e.hint()).find("--write-baseline"), std::string::npos);
}

TEST(CheckerBaselineFile, WrongFieldsAreNamed) {
  const std::string sum(64, 'a');
  const auto what = [](const std::string& text) {
    return std::string(error_of([&] { migrate::parse_baseline(text, "b.json"); }).what());
  };
  EXPECT_EQ(what("[]"), "b.json: expected a JSON object with \"format\" and \"findings\"");
  EXPECT_EQ(what("{\"findings\": []}"), "b.json: format: missing or not a whole number");
  EXPECT_EQ(what("{\"format\": 2, \"findings\": []}"),
            "b.json: format: 2 is not the baseline format this strata reads (1)");
  EXPECT_EQ(what("{\"format\": 1}"), "b.json: findings: missing or not an array");
  EXPECT_EQ(what("{\"format\": 1, \"findings\": [1]}"), "b.json: findings[0]: expected an object");
  EXPECT_EQ(what("{\"format\": 1, \"findings\": [{\"code\": \"x\", \"version\": \"1\", \"file\": \"1_a.sql\"}]}"),
            "b.json: findings[0].checksum: missing");
  EXPECT_EQ(what("{\"format\": 1, \"findings\": [{\"code\": \"x\", \"version\": \"v1\", \"file\": \"1_a.sql\", "
                 "\"checksum\": \"" + sum + "\"}]}"),
            "b.json: findings[0].version: not a migration version");
  EXPECT_EQ(what("{\"format\": 1, \"findings\": [{\"code\": \"x\", \"version\": \"1\", \"file\": \"1_a.sql\", "
                 "\"checksum\": \"abc\"}]}"),
            "b.json: findings[0].checksum: not a SHA-256 (64 hex digits)");
  EXPECT_EQ(what("{\"format\": 1, \"findings\": [{\"code\": 7, \"version\": \"1\", \"file\": \"1_a.sql\", "
                 "\"checksum\": \"" + sum + "\"}]}"),
            "b.json: findings[0].code: expected a string");
  // A minimal valid file: line and message are optional.
  const migrate::Baseline ok = migrate::parse_baseline(
      "{\"format\": 1, \"findings\": [{\"code\": \"x\", \"version\": \"1\", \"file\": \"1_a.sql\", \"checksum\": \"" +
          sum + "\"}]}",
      "b.json");
  ASSERT_EQ(ok.entries.size(), 1u);
  EXPECT_EQ(ok.entries[0].line, 0u);
}

TEST(CheckerBaselineFile, NamedFileMustExistDefaultNeedNot) {
  TempDir tmp;
  testing::write_file(tmp / "migrations/20240101000001_a.sql", k_no_down);
  CheckOptions o;
  o.baseline = tmp / "nope.json";
  const Error e = error_of([&] { migrate::check_directories({tmp / "migrations"}, o); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_EQ(std::string(e.what()), tmp / "nope.json" + ": cannot read the baseline file");
  o.baseline_optional = true;
  EXPECT_EQ(migrate::check_directories({tmp / "migrations"}, o).exit_code, ExitCode::ok);
}

}  // namespace
}  // namespace strata
