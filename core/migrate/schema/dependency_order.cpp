#include "migrate/schema/dependency_order.h"

#include <optional>
#include <vector>

#include "common/error.h"
#include "common/text.h"
#include "migrate/engines/driver.h"

namespace strata::migrate {

void run_in_dependency_order(Driver& db, const Section& whole) {
  struct Pending {
    Section section;
    std::optional<Error> error;
  };
  std::vector<Pending> pending;
  const std::vector<std::size_t> offsets = db.statement_offsets(whole.sql);
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const std::size_t end = i + 1 < offsets.size() ? offsets[i + 1] : whole.sql.size();
    Section one = whole;
    one.sql = whole.sql.substr(offsets[i], end - offsets[i]);
    one.first_line = whole.first_line + position_of(whole.sql, offsets[i]).line - 1;
    pending.push_back(Pending{std::move(one), std::nullopt});
  }
  while (!pending.empty()) {
    std::vector<Pending> failed;
    for (Pending& p : pending) {
      db.exec("SAVEPOINT strata_load", "loading");
      try {
        db.run_section(p.section);
        db.exec("RELEASE SAVEPOINT strata_load", "loading");
      } catch (const Error& e) {
        db.exec("ROLLBACK TO SAVEPOINT strata_load", "loading");
        p.error = e;
        failed.push_back(std::move(p));
      }
    }
    if (failed.size() == pending.size()) throw *failed.front().error;
    pending = std::move(failed);
  }
}

}  // namespace strata::migrate
