#include "serve/shared_rates.h"

#include <exception>
#include <utility>

#include <algorithm>

namespace strata::serve {

SharedRates::SharedRates(std::string store_path, store::OpenOptions open)
    : path_(std::move(store_path)), open_(std::move(open)), shared_(store::is_store_url(path_)) {}

std::optional<auth::RateDecision> SharedRates::use(const std::string& bucket, std::int64_t per_minute, std::int64_t amount,
                                                   store::RateUse use) {
  if (!shared_ || per_minute <= 0) return std::nullopt;
  const std::lock_guard lock(mutex_);
  try {
    if (store_ && !store_->connected()) store_.reset();
    if (!store_) store_.emplace(store::Store::open_existing(path_, open_));
    const double capacity = static_cast<double>(per_minute);
    const double needed = use == store::RateUse::take ? static_cast<double>(std::max<std::int64_t>(amount, 1)) : 1.0;
    const store::RateBucket b =
        store::use_rate_bucket(*store_, bucket, capacity, static_cast<double>(std::max<std::int64_t>(amount, 0)), use);
    return auth::rate_decision(b.tokens, capacity, per_minute, b.allowed, needed);
  } catch (const std::exception&) {
    store_.reset();
    return std::nullopt;  // counted in memory meanwhile: a store that fails is refused below anyway
  }
}

}  // namespace strata::serve
