// The rate_buckets table on SQLite (rate_buckets.h; migrations/0021): the one upsert, by SQLite's
// clock.
#include <SQLiteCpp/SQLiteCpp.h>

#include "common/error.h"
#include "store/rate_buckets.h"
#include "store/sqlite/sqlite_backend.h"

namespace strata::store::sqlite_store {

RateBucket Backend::use_rate_bucket(Store& store, const std::string& name, double capacity, double amount, RateUse use) {
  static const std::string sql = rate_bucket_sql(
      {.name = "?1", .capacity = "?2", .amount = "?3", .use = "?4",
       .now = "((julianday('now') - 2440587.5) * 86400.0)", .least = "min", .greatest = "max", .truth = "1"});
  try {
    SQLite::Statement q(database(store), sql);
    q.bind(1, name);
    q.bind(2, capacity);
    q.bind(3, amount);
    q.bind(4, static_cast<int>(use));
    RateBucket b;
    if (!q.executeStep()) return b;  // an upsert returns its row: not reached
    b.tokens = q.getColumn(0).getDouble();
    b.allowed = q.getColumn(1).getInt() != 0;
    while (q.executeStep()) {
    }
    return b;
  } catch (const SQLite::Exception& e) {
    connection(store).fail(e, "counting a rate limit");
  }
}

}  // namespace strata::store::sqlite_store
