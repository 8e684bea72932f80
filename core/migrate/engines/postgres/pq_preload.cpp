#include "common/libcrypto.h"
#include "migrate/engines/postgres/postgres_engine.h"
#include "pq/pq_library.h"

namespace strata::migrate {
namespace {

// A password login makes libpq draw a random nonce, which first seeds OpenSSL's random generator
// (about 8 M instructions, callgrind): done here it is off the connection's path.
void seed_openssl() {
  int (*rand_status)() = nullptr;
  libcrypto().resolve("RAND_status", rand_status);
  rand_status();
}

}  // namespace

// libpq and the twenty libraries it needs take about 6 ms to load, which then overlap parsing
// the command line and reading the configuration instead of delaying the connection. A failure
// to load is left for the connection to report.
std::jthread preload_libpq() {
  return std::jthread([] {
    try {
      strata::pq::pq_library();
      seed_openssl();
    } catch (...) {  // NOLINT(bugprone-empty-catch): the connection loads it again and reports
    }
  });
}

}  // namespace strata::migrate
