// What `create`, `drop` and the password warning ask of a PostgreSQL server (postgres_engine.h).
#include <filesystem>
#include <optional>

#include "common/text.h"
#include "migrate/engines/postgres/postgres_engine.h"

namespace strata::migrate {

bool postgres_environment_has_password(const net::Getenv& getenv) {
  if (getenv("PGPASSWORD")) return true;
  const std::optional<std::string> file = getenv("PGPASSFILE");
  const std::optional<std::string> home = getenv("HOME");
  const std::string path = file ? *file : home ? *home + "/.pgpass" : "";
  std::error_code ec;
  return !path.empty() && std::filesystem::is_regular_file(path, ec);
}

std::string postgres_database_lookup(const Driver&, const std::string& name) {
  return "SELECT 1 FROM pg_database WHERE datname = " + sql_quote(name);
}

std::string postgres_database_identifier(const std::string& name) { return sql_identifier(name); }

}  // namespace strata::migrate
