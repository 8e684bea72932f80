#include "migrate/engines/statement_scan.h"

namespace strata::migrate {

bool word_is(const std::vector<SqlWord>& w, std::size_t i, std::string_view word) {
  return i < w.size() && !w[i].quoted && w[i].upper == word;
}

StatementRole transaction_control(const std::vector<SqlWord>& w) {
  if (word_is(w, 0, "BEGIN") || (word_is(w, 0, "START") && word_is(w, 1, "TRANSACTION"))) return StatementRole::begin;
  if (word_is(w, 0, "COMMIT") || word_is(w, 0, "END")) return word_is(w, 1, "PREPARED") ? StatementRole::other : StatementRole::end;
  if (word_is(w, 0, "ROLLBACK") || word_is(w, 0, "ABORT")) {
    for (const SqlWord& x : w) {
      if (!x.quoted && (x.upper == "TO" || x.upper == "PREPARED")) return StatementRole::other;
    }
    return StatementRole::end;
  }
  return StatementRole::other;
}

}  // namespace strata::migrate
