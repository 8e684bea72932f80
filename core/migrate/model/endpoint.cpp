#include "migrate/model/endpoint.h"

#include <utility>

namespace strata::migrate {

Endpoint Endpoint::sqlite(std::string path) {
  Endpoint e;
  e.kind = DriverKind::sqlite;
  e.display = path;
  e.path = std::move(path);
  return e;
}

}  // namespace strata::migrate
