#include "migrate/pq_preload.h"

#include "migrate/pq_library.h"

namespace strata::migrate {

PqPreload::PqPreload()
    : thread_([] {
        try {
          pq_library();
        } catch (...) {  // NOLINT(bugprone-empty-catch): the connection loads it again and reports
        }
      }) {}

PqPreload::~PqPreload() { thread_.join(); }

}  // namespace strata::migrate
