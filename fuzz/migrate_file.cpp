// Target: a migration file. The bytes are parsed as a dbmate single-file migration (and as a
// golang-migrate .up.sql/.down.sql pair, halves split at the first NUL), each section's
// statements are located with statement_offsets() and run with run_section() against an
// in-memory SQLite database. Checks: parsing never throws; a parsed migration's sections are
// texts of the file; statement offsets are increasing and inside the section, and name a
// location; running either succeeds or throws strata::Error(migration_failed), and counts at
// least as many statements as it reported done.
#include <sqlite3.h>

#include <cstring>

#include "common/error.h"
#include "fuzz_util.h"
#include "migrate/model/migration_parser.h"
#include "migrate/engines/sqlite/sql_runner.h"

namespace {

using namespace strata;

// No statement may touch a file (ATTACH, VACUUM INTO) or load code; runaway recursive CTEs are
// stopped by the progress handler, huge blobs by SQLITE_LIMIT_LENGTH.
int deny_files(void*, int action, const char*, const char*, const char*, const char*) {
  return action == SQLITE_ATTACH || action == SQLITE_DETACH ? SQLITE_DENY : SQLITE_OK;
}

int stop_runaway(void* steps) {
  return ++*static_cast<int*>(steps) > 2000 ? 1 : 0;
}

void run(const migrate::Section& section) {
  if (!section.present) return;
  const auto offsets = migrate::statement_offsets(section.sql);
  for (std::size_t k = 0; k < offsets.size(); ++k) {
    FUZZ_CHECK(offsets[k] < section.sql.size() || (offsets[k] == 0 && section.sql.empty()),
               "statement offset outside the section");
    if (k > 0) FUZZ_CHECK(offsets[k] > offsets[k - 1], "statement offsets not increasing");
    FUZZ_CHECK(!migrate::location(section, offsets[k]).empty(), "empty location");
  }
  // VACUUM INTO writes a file and has no authorizer action of its own.
  if (to_lower(section.sql).find("vacuum") != std::string::npos) return;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::abort();
  }
  sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
  sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_set_authorizer(db, deny_files, nullptr);
  int steps = 0;
  sqlite3_progress_handler(db, 1000, stop_runaway, &steps);
  std::size_t done = 0;
  try {
    const std::size_t n = migrate::run_section(db, section, 0, [&](std::size_t i) {
      FUZZ_CHECK(i == done, "statements reported out of order");
      ++done;
    });
    FUZZ_CHECK(n == done, "statement count differs from statements done");
  } catch (const Error& e) {
    FUZZ_CHECK(e.code() == ExitCode::migration_failed, e.what());
    FUZZ_CHECK(std::strchr(e.what(), ':') != nullptr, "error without a location");
  }
  sqlite3_close(db);
}

void check(const std::optional<migrate::Migration>& m) {
  if (!m) return;
  run(m->up);
  run(m->down);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  (void)migrate::parse_file_name(bytes.substr(0, 64));

  const auto name = migrate::parse_file_name("20240101000000_fuzz.sql");
  std::vector<migrate::Problem> problems;
  const auto single = migrate::parse_single_file(*name, "20240101000000_fuzz.sql", bytes, problems);
  FUZZ_CHECK(single.has_value() || !problems.empty(), "unusable migration without a problem");
  for (const auto& p : problems) FUZZ_CHECK(!p.describe().empty(), "empty problem");
  check(single);

  const std::size_t nul = bytes.find('\0');
  if (nul != std::string_view::npos) {
    const auto pair_name = migrate::parse_file_name("2_fuzz.up.sql");
    problems.clear();
    const auto pair = migrate::parse_pair(*pair_name, "2_fuzz.up.sql", bytes.substr(0, nul),
                                          std::string("2_fuzz.down.sql"), bytes.substr(nul + 1), problems);
    FUZZ_CHECK(pair.has_value() || !problems.empty(), "unusable pair without a problem");
    check(pair);
  }
  return 0;
}
