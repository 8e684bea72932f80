#pragma once
// Where the database is, and how strata connects to it: the URL the settings chose (flag >
// $DATABASE_URL > strata.toml > user file, resolved by the caller), else DATABASE_URL in ./.env,
// else the PG* variables.
//
// Core reads no environment variable itself: what libpq's variables say reaches these functions
// through `getenv` (the CLI passes the process's; tests pass a map). An empty `getenv` is an
// empty environment.
#include <optional>
#include <string>
#include <string_view>

#include "migrate/model/endpoint.h"
#include "net/endpoint.h"

namespace strata::migrate {

using Getenv = net::Getenv;  // nullopt when unset or empty

// The URL schemes of server engines, one row each: the one list the URL parser, the config
// loader (a server URL is not a path to resolve) and the trust model (nor a file outside the
// project) read. A new server engine adds its schemes here.
struct ServerScheme {
  std::string_view scheme;  // as written before "://", lower case
  DriverKind kind;
  std::string_view title;   // "a PostgreSQL URL"
};
inline constexpr ServerScheme k_server_schemes[] = {
    {"postgres", DriverKind::postgres, "a PostgreSQL URL"},
    {"postgresql", DriverKind::postgres, "a PostgreSQL URL"},
    {"mysql", DriverKind::mysql, "a MySQL URL"},
    {"mariadb", DriverKind::mysql, "a MySQL URL"},
};

// The row whose scheme `url` starts with ("postgres://...", any case), or null: a SQLite file.
const ServerScheme* server_scheme_of(std::string_view url);

// Accepts `sqlite:path`, `sqlite://path`, `sqlite:///abs/path`, `sqlite3:` likewise, `file:path`
// and a plain path; returns the file path. Throws Error(usage) for other schemes (a PostgreSQL
// URL is not a file) and for an empty path.
std::string sqlite_path_from_url(const std::string& url);

// Any database URL: SQLite as above, or `postgres://` / `postgresql://`
// [user[:password]@][host][:port][/dbname][?param=value&...], where anything the URL leaves out
// comes from the PG* environment variables (libpq's rules). `search_path=NAME` in the query is
// taken by strata (libpq does not know it) as the schema. Throws Error(usage) for other schemes.
// `getenv` is read for $PGPASSWORD and for whether PGHOST, PGHOSTADDR, PGSERVICE or PGGSSENCMODE
// chose the connection (else a loopback URL gets gssencmode=disable; see the .cpp).
//
// `chosen_by`: the file that chose the URL when the user may not have written it ("./.env", a
// project's "/p/strata.toml:3"); "" when the user gave it (flag, $DATABASE_URL). Such a URL gets
// no password from the environment ($PGPASSWORD, $PGPASSFILE, ~/.pgpass: libpq would send it to
// any server that asks, in clear text if it asks so) unless its origin is in `trusted`
// (net::listed_origin's list); the URL's own password still goes.
Endpoint endpoint_from_url(const std::string& url, const std::string& chosen_by = "", const std::string& trusted = "",
                           const Getenv& getenv = {});

// `url` with the password (user:PASSWORD@ and ?password=) replaced by ***.
std::string redact_url(const std::string& url);

// Replaces every occurrence of `secret` (when not empty) in `text` with ***.
std::string scrub(std::string text, const std::string& secret);

// Reads KEY=VALUE lines (`#` comments, `export ` prefix, single or double quotes) from `path`
// and returns the value of `key`, or nullopt when the file or the key is absent.
std::optional<std::string> read_dotenv(const std::string& path, const std::string& key);

// A database URL and the file that chose it when the user may not have written it ("./.env", a
// project's "/p/strata.toml:3"); "" when the user gave it (flag, $DATABASE_URL, their own file).
struct ChosenDatabase {
  std::string url;
  std::string chosen_by;
};

// `given` (the settings' choice) when it has a URL, else DATABASE_URL from the file `dotenv` in
// the working directory (chosen_by "./.env"), else "postgres://" when $PGHOST, $PGDATABASE or
// $PGSERVICE is set (libpq takes the rest from them); nullopt when none.
std::optional<ChosenDatabase> choose_database_url(const std::optional<ChosenDatabase>& given, const Getenv& getenv,
                                                  const std::string& dotenv = ".env");

}  // namespace strata::migrate
