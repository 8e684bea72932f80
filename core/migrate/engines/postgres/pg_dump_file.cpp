// A schema file that pg_dump wrote (dbmate's db/schema.sql, `pg_dump --schema-only`) read as the
// server reads it: psql runs a few lines itself.
#include <string>
#include <string_view>

#include "migrate/engines/postgres/postgres_engine.h"
#include "migrate/engines/schema_file.h"

namespace strata::migrate {

// pg_dump 15.14 and later write `\restrict KEY` and `\unrestrict KEY` around the dump (psql
// meta-commands that stop a hostile server's dump from running commands of its own); the server
// would read them as a syntax error.
std::string postgres_schema_file_sql(std::string_view sql) {
  return without_lines(sql, [](std::string_view line) {
    return line.starts_with("\\restrict") || line.starts_with("\\unrestrict");
  });
}

}  // namespace strata::migrate
