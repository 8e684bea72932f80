// MySQL's and MariaDB's statements as the run plan reads them (the row's scan_statements,
// engines.h): DDL and the other statements the server commits implicitly.
#include <set>

#include "migrate/engines/mysql/mysql_engine.h"
#include "migrate/engines/mysql/mysql_splitter.h"

namespace strata::migrate {
// Named, not anonymous: each engine's helpers keep their short names in a unity build.
namespace mysql_statements {

// MySQL and MariaDB commit the open transaction before (and after) most statements that are not
// data changes: DDL, account and lock statements. A section holding one cannot be one transaction.
ScannedStatement classify_mysql(const std::vector<SqlWord>& w, std::size_t offset) {
  if (word_is(w, 0, "BEGIN") && word_is(w, 1, "NOT")) return {offset, StatementRole::other, {}};  // MariaDB's BEGIN NOT ATOMIC block
  ScannedStatement s{offset, transaction_control(w), {}};
  if (s.role != StatementRole::other || w.empty() || w[0].quoted) return s;
  const std::string& first = w[0].upper;
  if ((first == "CREATE" || first == "DROP") && word_is(w, 1, "TEMPORARY")) return s;
  static const std::set<std::string, std::less<>> commits = {
      "CREATE", "ALTER",   "DROP",     "RENAME", "TRUNCATE", "GRANT",   "REVOKE",  "LOCK",  "UNLOCK",
      "ANALYZE", "OPTIMIZE", "REPAIR", "FLUSH",  "INSTALL",  "UNINSTALL", "RESET", "CACHE", "LOAD"};
  if (commits.count(first) == 0 || (first == "LOAD" && !word_is(w, 1, "INDEX"))) return s;
  std::string what = first;
  if (w.size() > 1 && !w[1].quoted && w[1].upper.size() > 1) what += " " + w[1].upper;
  return {offset, StatementRole::implicit_commit, std::move(what)};
}

}  // namespace mysql_statements

StatementScan scan_mysql_statements(const std::string& sql, std::size_t first_line) {
  StatementScan scan;
  // What the client could not split is refused before anything runs, not half-way through.
  if (MysqlSplit split = split_mysql(sql, first_line); split.error_offset) {
    scan.error_offset = split.error_offset;
    scan.error = std::move(split.error);
    return scan;
  }
  for (const MysqlStatement& st : split_mysql(sql).statements) {
    scan.statements.push_back(mysql_statements::classify_mysql(
        mysql_words(std::string_view(sql).substr(st.offset, st.length), k_leading_words), st.offset));
  }
  return scan;
}

}  // namespace strata::migrate
