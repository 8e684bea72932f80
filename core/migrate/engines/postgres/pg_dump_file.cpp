// A schema file that pg_dump wrote (dbmate's db/schema.sql, `pg_dump --schema-only`) read as the
// server reads it: psql runs a few lines itself.
#include <string>
#include <string_view>

#include "migrate/engines/postgres/postgres_engine.h"

namespace strata::migrate {

std::string postgres_schema_file_sql(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  std::size_t at = 0;
  while (at < sql.size()) {
    std::size_t end = sql.find('\n', at);
    end = end == std::string_view::npos ? sql.size() : end + 1;
    const std::string_view line = sql.substr(at, end - at);
    // pg_dump 15.14 and later write `\restrict KEY` and `\unrestrict KEY` around the dump (psql
    // meta-commands that stop a hostile server's dump from running commands of its own); the
    // server would read them as a syntax error. The line stays, empty, so positions still name
    // the file's lines.
    if (line.starts_with("\\restrict") || line.starts_with("\\unrestrict")) {
      if (line.ends_with('\n')) out.push_back('\n');
    } else {
      out.append(line);
    }
    at = end;
  }
  return out;
}

}  // namespace strata::migrate
