#pragma once
// libcrypto.so.3, opened once on first use (common/shared_library.h) for the three things strata
// takes from it: SHA-256 (common/sha256), libpq's HMAC (pq/pq_hmac) and seeding its random
// generator ahead of a PostgreSQL login (migrate/pq_preload). libpq and libcurl load the same
// library, so it is in memory only once.
#include "common/shared_library.h"

namespace strata {

// Throws Error(ExitCode::unavailable) naming the library and its package when it cannot be loaded.
const SharedLibrary& libcrypto();

}  // namespace strata
