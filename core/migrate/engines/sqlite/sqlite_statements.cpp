// SQLite's statements as the run plan reads them (the row's scan_statements, engines.h): VACUUM
// and PRAGMAs that do not work inside a transaction, and PRAGMA foreign_keys.
#include <set>

#include "common/text.h"
#include "migrate/engines/sqlite/sql_runner.h"
#include "migrate/engines/sqlite/sqlite_engine.h"

namespace strata::migrate {
// Named, not anonymous: each engine's helpers keep their short names in a unity build.
namespace sqlite_statements {

// PRAGMAs that behave normally inside a transaction (reads, and user_version/application_id,
// which are transactional). defer_foreign_keys is made for one: it holds until the transaction's
// COMMIT or ROLLBACK (Prisma's SQLite table rebuilds write it since Prisma 5).
bool transaction_safe_pragma(const std::string& name) {
  static const std::set<std::string> safe = {
      "USER_VERSION", "APPLICATION_ID", "FOREIGN_KEY_CHECK", "INTEGRITY_CHECK", "QUICK_CHECK",
      "TABLE_INFO",   "TABLE_XINFO",    "INDEX_LIST",        "INDEX_INFO",      "INDEX_XINFO",
      "FOREIGN_KEY_LIST", "DEFER_FOREIGN_KEYS"};
  return safe.count(name) != 0;
}

ScannedStatement classify_sqlite(const std::vector<SqlWord>& w, std::size_t offset) {
  ScannedStatement s{offset, transaction_control(w), {}};
  if (s.role != StatementRole::other) return s;
  if (word_is(w, 0, "VACUUM")) return {offset, StatementRole::no_transaction, "VACUUM"};
  if (!word_is(w, 0, "PRAGMA") || w.size() < 2) return s;
  std::size_t n = 1;
  if (word_is(w, 2, ".")) n = 3;  // PRAGMA main.foreign_keys: the schema is not the pragma
  if (n >= w.size()) return s;
  const std::string& name = w[n].upper;
  if (name == "FOREIGN_KEYS") {
    std::size_t v = n + 1;
    if (word_is(w, v, "(")) ++v;
    if (v >= w.size()) return s;  // a read
    const std::string& value = w[v].upper;
    if (value == "OFF" || value == "FALSE" || value == "NO" || value == "0") return {offset, StatementRole::foreign_keys_off, {}};
    return {offset, StatementRole::foreign_keys_on, {}};
  }
  if (transaction_safe_pragma(name)) return s;
  return {offset, StatementRole::no_transaction, "PRAGMA " + to_lower(name)};
}

}  // namespace sqlite_statements

StatementScan scan_sqlite_statements(const std::string& sql, std::size_t) {
  StatementScan scan;
  const std::vector<std::size_t> offsets = statement_offsets(sql);
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const std::size_t end = i + 1 < offsets.size() ? offsets[i + 1] : sql.size();
    scan.statements.push_back(sqlite_statements::classify_sqlite(
        sql_words(std::string_view(sql).substr(offsets[i], end - offsets[i]), k_leading_words), offsets[i]));
  }
  return scan;
}

}  // namespace strata::migrate
