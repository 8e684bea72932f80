// PostgreSQL's statements as the run plan reads them (the row's scan_statements, engines.h): what
// cannot run inside a transaction (VACUUM, CONCURRENTLY, CREATE DATABASE...).
#include "migrate/engines/postgres/postgres_engine.h"
#include "migrate/engines/postgres/postgres_splitter.h"

namespace strata::migrate {
// Named, not anonymous: each engine's helpers keep their short names in a unity build.
namespace postgres_statements {

ScannedStatement classify_postgres(const std::vector<SqlWord>& w, std::size_t offset) {
  ScannedStatement s{offset, transaction_control(w), {}};
  if (s.role != StatementRole::other) return s;
  const auto no_txn = [&](std::string what) { return ScannedStatement{offset, StatementRole::no_transaction, std::move(what)}; };
  if (word_is(w, 0, "VACUUM")) return no_txn("VACUUM");
  if (word_is(w, 0, "ALTER") && word_is(w, 1, "SYSTEM")) return no_txn("ALTER SYSTEM");
  if ((word_is(w, 0, "CREATE") || word_is(w, 0, "DROP")) && (word_is(w, 1, "DATABASE") || word_is(w, 1, "TABLESPACE"))) {
    return no_txn(w[0].upper + " " + w[1].upper);
  }
  if (word_is(w, 0, "CREATE") && (word_is(w, 1, "INDEX") || (word_is(w, 1, "UNIQUE") && word_is(w, 2, "INDEX")))) {
    const std::size_t i = word_is(w, 1, "INDEX") ? 2 : 3;
    if (word_is(w, i, "CONCURRENTLY")) return no_txn("CREATE INDEX CONCURRENTLY");
  }
  if (word_is(w, 0, "DROP") && word_is(w, 1, "INDEX") && word_is(w, 2, "CONCURRENTLY")) return no_txn("DROP INDEX CONCURRENTLY");
  if (word_is(w, 0, "REINDEX")) {
    for (const SqlWord& x : w) {
      if (!x.quoted && x.upper == "CONCURRENTLY") return no_txn("REINDEX CONCURRENTLY");
    }
  }
  return s;
}

}  // namespace postgres_statements

StatementScan scan_postgres_statements(const std::string& sql, std::size_t) {
  StatementScan scan;
  for (const SqlStatement& st : split_postgres(sql).statements) {
    scan.statements.push_back(postgres_statements::classify_postgres(
        postgres_words(std::string_view(sql).substr(st.offset, st.length), k_leading_words), st.offset));
  }
  return scan;
}

}  // namespace strata::migrate
