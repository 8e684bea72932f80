// rate_buckets.h: the bucket's rule in SQL, once for both backends (each writes its own functions
// for the clock and for min/max in), then the store's backend (backend.h).
#include "store/rate_buckets.h"

#include <utility>

#include "store/backend.h"

namespace strata::store {

std::string rate_bucket_sql(const RateSqlWords& w) {
  // R: the tokens the bucket holds now, refilled since it was last counted (a new bucket: full).
  // A hair under a whole token counts as one (auth/rate_limiter.cpp's slack).
  const auto rule = [&](const std::string& r) {
    const std::string fits = "(" + r + " + 1e-9 >= " + w.amount + ")";
    const std::string tokens = "(CASE " + w.use + " WHEN 0 THEN (CASE WHEN " + fits + " THEN " + w.greatest + "(0, " + r +
                               " - " + w.amount + ") ELSE " + r + " END) WHEN 1 THEN " + r + " ELSE " + r + " - " + w.amount +
                               " END)";
    const std::string allowed = "(CASE " + w.use + " WHEN 0 THEN " + fits + " WHEN 1 THEN (" + r + " + 1e-9 >= 1) ELSE " +
                                w.truth + " END)";
    return std::pair{tokens, allowed};
  };
  const auto [new_tokens, new_allowed] = rule(w.capacity);
  const std::string refilled = w.least + "(" + w.capacity + ", rate_buckets.tokens + " + w.greatest + "(0, " + w.now +
                               " - rate_buckets.at) * " + w.capacity + " / 60.0)";
  const auto [tokens, allowed] = rule(refilled);
  return "INSERT INTO rate_buckets (name, tokens, at, allowed) VALUES (" + w.name + ", " + new_tokens + ", " + w.now + ", " +
         new_allowed + ") ON CONFLICT (name) DO UPDATE SET tokens = " + tokens + ", allowed = " + allowed + ", at = " + w.now +
         " RETURNING tokens, allowed";
}

RateBucket use_rate_bucket(Store& store, const std::string& name, double capacity, double amount, RateUse use) {
  return store.backend().use_rate_bucket(store, name, capacity, amount, use);
}

}  // namespace strata::store
