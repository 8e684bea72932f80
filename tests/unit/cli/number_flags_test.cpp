// Seconds flags (cli/number_flags.h): plain seconds as before, and the durations dbmate and
// golang-migrate users type (Go's "90s", "1m30s", "500ms"), through parse_seconds and through a
// real command line, where a duration reaches the option as its seconds.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "cli_run.h"
#include "common/public.h"
#include "number_flags.h"

namespace strata::cli {
namespace {

using std::chrono::milliseconds;
using testing::CliResult;
using testing::run_cli;

TEST(NumberFlagsSeconds, ReadsPlainSecondsAndGoDurations) {
  const struct {
    const char* text;
    long long ms;
  } cases[] = {{"120", 120000}, {"0.5", 500},   {"0", 0},          {"90s", 90000},  {"1m30s", 90000},
               {"500ms", 500},  {"1.5h", 5400000}, {"2m", 120000}, {"1h0m1s", 3601000}, {"250000us", 250},
               {"3000000000ns", 3000}, {"1\xc2\xb5s", 0}};
  for (const auto& c : cases) {
    EXPECT_EQ(parse_seconds("--wait-timeout", c.text, 86400, Zero::allowed), milliseconds(c.ms)) << c.text;
  }
}

TEST(NumberFlagsSeconds, RefusesWhatIsNotADurationNamingTheFlag) {
  for (const char* bad : {"", "-5s", "+5s", "5x", "s", "1m30", "1e3", "nan", "infs", "5 s", "ms", "1.5.5s"}) {
    try {
      parse_seconds("--lock-timeout", bad, 86400, Zero::allowed);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage) << bad;
      EXPECT_NE(std::string(e.what()).find("--lock-timeout must be a number of seconds"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("or a duration such as 90s or 1m30s"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(parse_seconds("--timeout", "0s", 100, Zero::refused), Error);
  EXPECT_THROW(parse_seconds("--timeout", "2m", 100, Zero::refused), Error);  // 120 s > 100
  EXPECT_EQ(parse_seconds("--timeout", "1m40s", 100, Zero::refused), milliseconds(100000));
}

// On a real command line the duration is the option's value: `migrate wait` with a duration of 0
// gives up at once on a closed port, as `--wait-timeout 0` does, and a bad one is a usage error.
TEST(NumberFlagsSeconds, ADurationOnTheCommandLineIsTheOptionsSeconds) {
  const CliResult zero = run_cli({"migrate", "-d", "postgres://127.0.0.1:1/x", "--wait-timeout", "0s", "wait"});
  EXPECT_NE(zero.code, 2) << zero.err;
  const CliResult bad = run_cli({"migrate", "-d", "postgres://127.0.0.1:1/x", "--wait-timeout", "5 minutes", "wait"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--wait-timeout must be a number of seconds"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace strata::cli
