// What `create`, `drop` and the password warning ask of a MySQL or MariaDB server (mysql_engine.h).
#include "migrate/engines/mysql/mysql_engine.h"

namespace strata::migrate {

bool mysql_environment_has_password(const net::Getenv& getenv) { return getenv("MYSQL_PWD").has_value(); }

std::string mysql_database_lookup(const Driver& admin, const std::string& name) {
  return "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = " + admin.quote(name);
}

std::string mysql_database_identifier(const std::string& name) {
  std::string out = "`";
  for (const char c : name) out += c == '`' ? std::string("``") : std::string(1, c);
  return out + "`";
}

}  // namespace strata::migrate
