#include "serve/shared_rates.h"

#include <exception>
#include <utility>

#include <algorithm>

namespace strata::serve {

SharedRates::SharedRates(std::string store_path, store::OpenOptions open)
    : shared_(store::is_store_url(store_path)), store_(std::move(store_path), std::move(open)) {}

std::optional<auth::RateDecision> SharedRates::use(const std::string& bucket, std::int64_t per_minute, std::int64_t amount,
                                                   store::RateUse use) {
  if (!shared_ || per_minute <= 0) return std::nullopt;
  const std::lock_guard lock(mutex_);
  store::Store* st = store_.get();
  if (st == nullptr) return std::nullopt;  // counted in memory meanwhile
  try {
    const double capacity = static_cast<double>(per_minute);
    const double needed = use == store::RateUse::take ? static_cast<double>(std::max<std::int64_t>(amount, 1)) : 1.0;
    const store::RateBucket b =
        store::use_rate_bucket(*st, bucket, capacity, static_cast<double>(std::max<std::int64_t>(amount, 0)), use);
    return auth::rate_decision(b.tokens, capacity, per_minute, b.allowed, needed);
  } catch (const std::exception&) {
    return std::nullopt;  // counted in memory meanwhile: a store that fails is refused below anyway
  }
}

}  // namespace strata::serve
