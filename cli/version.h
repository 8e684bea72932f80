#pragma once
// `strata --version` and `strata --version --json`.
#include <string>

namespace strata::cli {

// "strata 0.1.0 (git 9fa8427)", "... (git 9fa8427-dirty)", or "strata 0.1.0 (built outside git)".
std::string version_text();

// {"version":"0.1.0","git":"9fa8427","dirty":false,"sqlite":"3.40.1"}; "git" is null when built
// outside git; "sqlite" is the SQLite library in use (sqlite3_libversion()).
std::string version_json();

}  // namespace strata::cli
