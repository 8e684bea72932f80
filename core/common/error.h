#pragma once
// The one error type that crosses the core/CLI boundary. Core throws it; cli/app.cpp alone prints
// it as `strata: error: <message>` (and the hint, when there is one) and exits with `code`. Other
// catches record it and go on, or add to it and throw it again (ARCHITECTURE.md "Errors").
#include <stdexcept>
#include <string>
#include <utility>

namespace strata {

// Exit codes are interface: shared by every subcommand, listed in strata(1) EXIT STATUS.
// `migrate check` exits with the highest class it found, so the order matters.
enum class ExitCode : int {
  ok = 0,
  pending = 1,            // check: pending migrations and nothing worse
  usage = 2,              // bad flag, bad URL, bad configuration
  invalid_input = 3,      // input unusable: migration files (misnamed, unparsable, failing lint),
                          // or documents given to chunk/tokens (not UTF-8, binary, unreadable)
  history_mismatch = 4,   // history disagrees with the files (checksum, missing, out of order, newer)
  drift = 5,              // live schema differs from replay, or a down does not undo its up
  migration_failed = 6,   // a statement failed, or a failed migration is recorded
  unavailable = 7,        // cannot open, read-only, not a database, lock or busy timeout;
                          // a server that cannot be reached or keeps failing
  partial = 8,            // ingest/embed: some inputs failed (listed), the rest were done
  step_limit = 9,         // ask --tools: every --max-steps request was used and no answer came
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), code_(code), hint_(std::move(hint)) {}

  ExitCode code() const noexcept { return code_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  ExitCode code_;
  std::string hint_;
};

inline int to_int(ExitCode code) { return static_cast<int>(code); }

// Throws Error(usage): a bad flag, option value or request. The one way core and cli refuse one.
[[noreturn]] inline void usage(std::string message, std::string hint = {}) {
  throw Error(ExitCode::usage, std::move(message), std::move(hint));
}

}  // namespace strata
