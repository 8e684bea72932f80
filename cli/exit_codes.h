#pragma once
// The exit-code table with a name and a few words per code, for `strata --help`. The codes
// themselves are core's ExitCode (common/error.h); their words are the CLI's, which names its
// flags ("--max-steps") as core never does.
#include <array>
#include <cstddef>
#include <string_view>

#include "common/public.h"

namespace strata::cli {

// The table `strata --help` prints and every man page's EXIT STATUS must agree with
// (tests/e2e/cli.sh compares them).
struct ExitCodeInfo {
  ExitCode code;
  std::string_view name;
  std::string_view meaning;  // a few words, for the --help footer
};

inline constexpr std::array<ExitCodeInfo, 10> k_exit_codes = {{
    {ExitCode::ok, "ok", "success"},
    {ExitCode::pending, "pending", "migrate check: only pending migrations found"},
    {ExitCode::usage, "usage", "bad command line, option value or configuration file"},
    {ExitCode::invalid_input, "invalid_input", "unusable input: migration files, documents, no such name"},
    {ExitCode::history_mismatch, "history_mismatch", "history disagrees with the files, or a newer strata's"},
    {ExitCode::drift, "drift", "live schema drifted, or a down does not undo its up"},
    {ExitCode::migration_failed, "migration_failed", "a migration failed, or a failed one is recorded"},
    {ExitCode::unavailable, "unavailable", "could not complete: open, lock, busy, write, server"},
    {ExitCode::partial, "partial", "some inputs failed (listed), the rest were done"},
    {ExitCode::step_limit, "step_limit", "ask --tools: --max-steps ran out before an answer"},
}};

// One row per code, in order: k_exit_codes[n].code is n.
static_assert([] {
  for (std::size_t i = 0; i < k_exit_codes.size(); ++i) {
    if (static_cast<std::size_t>(k_exit_codes[i].code) != i) return false;
  }
  return true;
}());

}  // namespace strata::cli
