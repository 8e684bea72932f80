#pragma once
// One finding of `migrate check` (checker.h), as the baseline (baseline.h) also reads them: a
// header of its own, so that the baseline needs nothing else of the checker.
#include <cstddef>
#include <string>

#include "common/error.h"

namespace strata::migrate {

enum class Severity { info, warning, error };
const char* to_string(Severity s);

struct Finding {
  std::string code;  // stable; the table is in strata-migrate(1)
  Severity severity = Severity::error;
  ExitCode exit_class = ExitCode::ok;  // what it makes `check` exit with when it counts
  std::string version;                 // empty when the finding is not about one version
  std::string file;
  std::size_t line = 0;
  std::string message;
  std::string detail{};  // the full definitions behind a drift/roundtrip finding (shown with -v)
  // The way out, when it is SQL to run by hand: lines, each statement on its own (printed under
  // check's table, and as "fix" in --json).
  std::string fix{};
  // Acknowledged in the baseline file (baseline.h): still reported, never changes the exit code.
  bool baselined = false;
};

}  // namespace strata::migrate
