#pragma once
// A key's rate and token limits counted in the store (store/rate_buckets.h) when the store is on
// PostgreSQL, so that replicas behind one balancer count one limit: a key of 6 requests a minute
// gets 6 from all of them together, not 6 from each. On a connection of its own (a decision is
// asked from a worker's request and from a stream's thread alike), one decision at a time. A
// SQLite store is one process's (store_claim.h): its limits stay in memory (gate.h's limiters).
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "auth/rate_limiter.h"
#include "serve/own_store.h"
#include "store/rate_buckets.h"
#include "store/store.h"

namespace strata::serve {

class SharedRates {
 public:
  SharedRates(std::string store_path, store::OpenOptions open);

  // The decision for a use of `bucket` (a limit of per_minute, > 0), or nullopt when the store
  // does not share limits or cannot answer now (the caller counts in memory).
  std::optional<auth::RateDecision> use(const std::string& bucket, std::int64_t per_minute, std::int64_t amount,
                                        store::RateUse use);

 private:
  bool shared_;
  std::mutex mutex_;
  OwnStore store_;  // under mutex_
};

}  // namespace strata::serve
