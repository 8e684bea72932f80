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
#include "net/url_secrets.h"

namespace strata::migrate {

using Getenv = net::Getenv;  // nullopt when unset or empty

// The scheme `url` starts with ("postgres" in postgres://...), lower case; "" when `url` has no
// "scheme://". Which engine a scheme names is the engine table's (engines/engine_url.h): the
// URL grammar here knows no engine.
std::string url_scheme(std::string_view url);

// Who chose a URL, as an engine's URL parser needs it to decide what may reach the server.
struct UrlChoice {
  // The file that chose it when the user may not have written it ("./.env", a project's
  // "/p/strata.toml:3"); "" when the user gave it (flag, $DATABASE_URL).
  std::string chosen_by;
  // chosen_by is "" or the URL's origin is one the user trusts (net::listed_origin): the
  // environment's password may go to it.
  bool trusted = true;
  const Getenv& getenv;
};

// golang-migrate's own URL parameters (x-...) that change nothing strata does (it sends a
// statement at a time and locks its own way): any server URL may carry them, taken and ignored,
// so that the same URL works for both tools. x-migrations-table is not one: it is taken.
bool golang_migrate_parameter(std::string_view key);
// ?x-migrations-table=NAME's value, checked: the name reaches SQL (quoted) and the hints (as it
// is), so letters, digits and _ only. `display` is the URL as messages show it.
std::string migrations_table_of(const std::string& display, const std::string& value);

// `url` with the password (user:PASSWORD@ and ?password=) replaced by ***.
std::string redact_url(const std::string& url);

// Replaces every occurrence of `secret` (when not empty) in `text` with *** (net/url_secrets.h).
using net::scrub;

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
