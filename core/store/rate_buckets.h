#pragma once
// Token buckets kept in the store (migrations/0021, on PostgreSQL migrations/postgres/0010), so
// that every server on one store counts a key's limits together: the arithmetic of
// auth/rate_limiter.h done by the database in one statement, by its own clock, under its row
// lock. A bucket of `capacity` tokens earns capacity/60 a second; a bucket never used is full.
#include <string>

#include "store/store.h"

namespace strata::store {

enum class RateUse {
  take,   // take `amount` when the bucket holds that many, else nothing (refused)
  check,  // whether it holds one whole token; nothing taken
  spend,  // take `amount` whatever it holds (it may go below zero)
};

struct RateBucket {
  double tokens = 0;  // after this use
  bool allowed = true;
};

// REQUIRES: capacity > 0, amount >= 0. Throws Error(unavailable) naming the store when it fails.
RateBucket use_rate_bucket(Store& store, const std::string& name, double capacity, double amount, RateUse use);

// For the backends: the one statement of a use, an upsert of the bucket returning its tokens and
// whether the use was allowed, in a backend's words: its placeholders for the parameters (name,
// capacity, amount, use: 0 take, 1 check, 2 spend), its clock in seconds since the epoch, its
// two-argument min and max, its true.
struct RateSqlWords {
  std::string name, capacity, amount, use;
  std::string now, least, greatest, truth;
};
std::string rate_bucket_sql(const RateSqlWords& w);

}  // namespace strata::store
