// The rate_buckets table on PostgreSQL (rate_buckets.h; migrations/postgres/0010): the one upsert,
// by the server's clock, so replicas on other machines count alike; its row lock orders two
// replicas' uses of one bucket.
#include <string>

#include "common/error.h"
#include "store/postgres/pg_backend.h"
#include "store/rate_buckets.h"

namespace strata::store::pg {

RateBucket Backend::use_rate_bucket(Store& /*store*/, const std::string& name, double capacity, double amount, RateUse use) {
  static const std::string sql = rate_bucket_sql(
      {.name = "$1", .capacity = "$2::float8", .amount = "$3::float8", .use = "$4::int",
       .now = "extract(epoch FROM clock_timestamp())::float8", .least = "least", .greatest = "greatest", .truth = "true"});
  const pq::Result r = connection().exec_prepared(
      "strata_rate_bucket", sql,
      {name, std::to_string(capacity), std::to_string(amount), std::to_string(static_cast<int>(use))}, false,
      "counting a rate limit");
  RateBucket b;
  if (r.rows() > 0) {
    b.tokens = r.number(0, 0);
    b.allowed = r.text(0, 1) == "t";
  }
  return b;
}

}  // namespace strata::store::pg
