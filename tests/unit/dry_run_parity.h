#pragma once
// The dry run is the real run on a recording driver (migrate/run/recording_driver.h): what a dry
// run records is what the real run executes. ParityMigrator holds the migrator suites to it:
// each up, down and redo a test runs is first run as a dry run on the same database (which a dry
// run leaves as it is), then for real with its SQL traced, and the two must give the same
// statements, steps and notes, or the same refusal. dry_run_parity_test.cpp adds cases of its own.
#include <gtest/gtest.h>

#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "migrate/run/migrator.h"

namespace strata::migrate {

inline std::string refusal_text(const Error& e) { return "exit " + std::to_string(to_int(e.code())) + ": " + e.what(); }

// The statements, the steps and the notes; or the refusal's exit code and message.
inline std::string parity_outcome(const std::function<RunResult()>& run) {
  try {
    const RunResult r = run();
    std::istringstream in(r.sql);
    std::string line, out;
    while (std::getline(in, line)) {
      // The dry run's first lines (which database, the dialect's preamble) are not statements.
      if (line.rfind("-- strata migrate dry run", 0) == 0 || (out.empty() && line == "PRAGMA foreign_keys = ON;")) continue;
      out += line + "\n";
    }
    for (const Step& s : r.steps) out += "step " + s.label() + (s.direction == Direction::up ? " up\n" : " down\n");
    return "ok\n" + out;
  } catch (const Error& e) {
    return refusal_text(e);
  }
}

// A refusal the real run may meet alone: a statement that fails when it runs (a dry run executes
// none), or a lock or server that is not there in time (a dry run takes no migration lock). The
// dry run then records the whole run, as it would print it, or meets the same refusal.
inline bool only_the_real_run_can_fail(ExitCode code) {
  return code == ExitCode::migration_failed || code == ExitCode::unavailable;
}

// A Migrator whose up, down and redo are checked against their dry runs (see the top); the rest
// are the migrator's own. The test's callback sees the real run's steps only.
class ParityMigrator {
 public:
  ParityMigrator(Target target, MigrationSet files)
      : make_([target = std::move(target), files = std::move(files)] { return Migrator(target, files); }), real_(make_()) {}
  // Directories read on first need, as Migrator's own (a problem in them is the command's error).
  ParityMigrator(Target target, std::vector<std::string> dirs)
      : make_([target = std::move(target), dirs = std::move(dirs)] { return Migrator(target, dirs); }), real_(make_()) {}

  RunResult up(UpOptions o, const StepDone& on_step = {}) {
    return checked("up", o, [](Migrator& m, const UpOptions& opt, const StepDone& done) { return m.up(opt, done); }, on_step);
  }
  RunResult down(DownOptions o, const StepDone& on_step = {}) {
    return checked("down", o, [](Migrator& m, const DownOptions& opt, const StepDone& done) { return m.down(opt, done); },
                   on_step);
  }
  RunResult redo(RedoOptions o, const StepDone& on_step = {}) {
    return checked("redo", o, [](Migrator& m, const RedoOptions& opt, const StepDone& done) { return m.redo(opt, done); },
                   on_step);
  }

  RunResult stamp(Version version) { return real_.stamp(version); }
  RunResult load(const std::string& file, const std::string& sql) { return real_.load(file, sql); }
  std::vector<std::string> accept(std::optional<Version> version) { return real_.accept(version); }
  Status status() { return real_.status(); }
  SchemaDump dump() { return real_.dump(); }
  const MigrationSet& files() { return real_.files(); }

 private:
  // A dry run the test asked for is left as it is: there is no real run to hold it to.
  template <typename Options, typename Run>
  RunResult checked(const char* command, Options o, const Run& run, const StepDone& on_step) {
    if (o.dry_run) return run(real_, o, on_step);
    Options dry = o;
    dry.dry_run = true;
    dry.trace_sql = true;
    Migrator dry_migrator = make_();
    const std::string recorded = parity_outcome([&] { return run(dry_migrator, dry, {}); });

    Options traced = o;
    traced.trace_sql = true;
    try {
      RunResult r = run(real_, traced, on_step);
      EXPECT_EQ(recorded, parity_outcome([&] { return r; })) << command << ": the dry run recorded other statements";
      if (!o.trace_sql) r.sql.clear();
      return r;
    } catch (const Error& e) {
      const std::string refused = refusal_text(e);
      if (only_the_real_run_can_fail(e.code())) {
        EXPECT_TRUE(recorded.rfind("ok\n", 0) == 0 || recorded == refused)
            << command << ": the real run failed (" << refused << "); the dry run refused otherwise: " << recorded;
      } else {
        EXPECT_EQ(recorded, refused) << command << ": the dry run and the real run refused differently";
      }
      throw;
    }
  }

  std::function<Migrator()> make_;  // the dry run's migrator is one of its own, made the same way
  Migrator real_;
};

}  // namespace strata::migrate
