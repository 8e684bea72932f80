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

// What went wrong, for a door that answers with something other than an exit code: each door
// maps a kind to its own answer (HTTP: 422, 404, 403, 409, 503, 500; MCP: a tool error; the
// CLI: the exit code) without looking anything up ahead of core. An error made with only an exit
// code takes the kind that code implies (default_kind); "no such collection" and "not the
// caller's" name theirs, so that "not found" and "the server is down" are two classes.
enum class ErrorKind {
  invalid,      // the request or an input breaks a rule (usage, invalid_input)
  not_found,    // what the request names does not exist (a collection, a document)
  refused,      // the caller may not do this (scope, collections, a server's operator)
  conflict,     // the state disagrees (history, drift, a migration that failed)
  unavailable,  // a store, database or server cannot be reached or is busy
  failed,       // anything else that went wrong
};

constexpr ErrorKind default_kind(ExitCode code) noexcept {
  switch (code) {
    case ExitCode::usage:
    case ExitCode::invalid_input: return ErrorKind::invalid;
    case ExitCode::history_mismatch:
    case ExitCode::drift:
    case ExitCode::migration_failed: return ErrorKind::conflict;
    case ExitCode::unavailable: return ErrorKind::unavailable;
    default: return ErrorKind::failed;
  }
}

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), code_(code), kind_(default_kind(code)), hint_(std::move(hint)) {}
  Error(ErrorKind kind, ExitCode code, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), code_(code), kind_(kind), hint_(std::move(hint)) {}

  ExitCode code() const noexcept { return code_; }
  ErrorKind kind() const noexcept { return kind_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  ExitCode code_;
  ErrorKind kind_;
  std::string hint_;
};

// The kind's name as a door spells it in a machine-readable answer ("not_found").
constexpr const char* kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::invalid: return "invalid";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::refused: return "refused";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::unavailable: return "unavailable";
    case ErrorKind::failed: return "failed";
  }
  return "failed";
}

inline int to_int(ExitCode code) { return static_cast<int>(code); }

// Throws Error(usage): a bad flag, option value or request. The one way core and cli refuse one.
[[noreturn]] inline void usage(std::string message, std::string hint = {}) {
  throw Error(ExitCode::usage, std::move(message), std::move(hint));
}

}  // namespace strata
