#include "migrate/engines/postgres/pq_preload.h"

#include "common/libcrypto.h"
#include "migrate/engines/postgres/pq_library.h"

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

PqPreload::PqPreload()
    : thread_([] {
        try {
          pq_library();
          seed_openssl();
        } catch (...) {  // NOLINT(bugprone-empty-catch): the connection loads it again and reports
        }
      }) {}

PqPreload::~PqPreload() { thread_.join(); }

}  // namespace strata::migrate
