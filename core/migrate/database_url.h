#pragma once
// Where the database is: `--database`, else $DATABASE_URL, else DATABASE_URL in ./.env.
#include <optional>
#include <string>

#include "migrate/driver.h"

namespace strata::migrate {

// Accepts `sqlite:path`, `sqlite://path`, `sqlite:///abs/path`, `sqlite3:` likewise, `file:path`
// and a plain path; returns the file path. Throws Error(usage) for other schemes (a PostgreSQL
// URL is not a file) and for an empty path.
std::string sqlite_path_from_url(const std::string& url);

// Any database URL: SQLite as above, or `postgres://` / `postgresql://`
// [user[:password]@][host][:port][/dbname][?param=value&...], where anything the URL leaves out
// comes from the PG* environment variables (libpq's rules). `search_path=NAME` in the query is
// taken by strata (libpq does not know it) as the schema. Throws Error(usage) for other schemes.
//
// `chosen_by`: the file that chose the URL when the user may not have written it ("./.env", a
// project's "/p/strata.toml:3"); "" when the user gave it (flag, $DATABASE_URL). Such a URL gets
// no password from the environment ($PGPASSWORD, $PGPASSFILE, ~/.pgpass: libpq would send it to
// any server that asks, in clear text if it asks so) unless its origin is in `trusted`
// (net::listed_origin's list); the URL's own password still goes.
Endpoint endpoint_from_url(const std::string& url, const std::string& chosen_by = "", const std::string& trusted = "");

// `url` with the password (user:PASSWORD@ and ?password=) replaced by ***.
std::string redact_url(const std::string& url);

// Replaces every occurrence of `secret` (when not empty) in `text` with ***.
std::string scrub(std::string text, const std::string& secret);

// Reads KEY=VALUE lines (`#` comments, `export ` prefix, single or double quotes) from `path`
// and returns the value of `key`, or nullopt when the file or the key is absent.
std::optional<std::string> read_dotenv(const std::string& path, const std::string& key);

// The database URL as resolve_database_url finds it, and the file that chose it: "./.env" when
// read from there, else "".
struct ChosenDatabase {
  std::string url;
  std::string chosen_by;
};
std::optional<ChosenDatabase> choose_database_url(const std::optional<std::string>& flag);

// --database if given, else $DATABASE_URL, else DATABASE_URL from ./.env, else "postgres://"
// when $PGHOST, $PGDATABASE or $PGSERVICE is set; nullopt when none.
std::optional<std::string> resolve_database_url(const std::optional<std::string>& flag);

}  // namespace strata::migrate
