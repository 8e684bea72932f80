#pragma once
// Database URLs as the engine table reads them: a URL's scheme names its engine (the rows'
// `schemes`), whose parser makes the Endpoint; a plain path, or a URL of a file engine's scheme,
// is a file of that engine. What the rest of strata asks about a database URL (is it a server's,
// which file, which origin, whose client to load early) is answered here, so that only the
// engine table knows schemes and ports.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "migrate/model/database_url.h"
#include "migrate/model/endpoint.h"

namespace strata::migrate {

// True when `url`'s scheme is a server engine's ("postgres://..." in any case): not a path to
// resolve against a project, nor a file outside it.
bool server_url(std::string_view url);

// The file a URL of a file engine names: `sqlite:path`, `sqlite://path`, `sqlite:///abs/path`,
// `sqlite3:` likewise, `file:path` or a plain path; a query (?mode=...) is dropped. Throws
// Error(usage) for a server's URL (a PostgreSQL URL is not a file), a scheme no engine has, a
// libpq key=value string and an empty path.
std::string file_path_from_url(const std::string& url);

// The URL of a file of the default engine ("sqlite:PATH").
std::string file_url(std::string_view path);

// The file a configured database value would open, for judging whether a project file points
// outside the project: as file_path_from_url, but schemes in any case and never throwing (a bad
// value is then taken as a path); nullopt for a server's URL.
std::optional<std::string> database_file(std::string_view value);

// Any database URL into an Endpoint: a file as above, or a server engine's URL, which its row's
// parser reads (postgres_endpoint, mysql_endpoint).
//
// `chosen_by`: the file that chose the URL when the user may not have written it ("./.env", a
// project's "/p/strata.toml:3"); "" when the user gave it (flag, $DATABASE_URL). Such a URL gets
// no password from the environment ($PGPASSWORD, $PGPASSFILE, ~/.pgpass, $MYSQL_PWD: the client
// would send it to any server that asks, in clear text if it asks so) and may not name the
// user's own connection secrets (service=, passfile=, sslcert=...) unless its origin is in
// `trusted` (listed_server's list); the URL's own password still goes. `getenv` is read for the
// client's variables ($PGPASSWORD, $MYSQL_PWD, what chose a PostgreSQL connection).
Endpoint endpoint_from_url(const std::string& url, const std::string& chosen_by = "", const std::string& trusted = "",
                           const Getenv& getenv = {});

// net::url_origin knowing the engines' schemes: their default ports written out, and one
// spelling for an engine's aliases ("postgres://db:5432" for postgresql://db/app).
std::string server_origin(std::string_view url);
// True when `url`'s origin (server_origin) is that of one of the URLs in `list` (separated by
// spaces or commas), as trust.endpoints and $STRATA_TRUSTED_ENDPOINTS list them.
bool listed_server(std::string_view url, std::string_view list);

// For `migrate` about to connect: starts loading the client library of the engine a URL among
// `args` or `database_url` ($DATABASE_URL) names, on another thread, so that it overlaps parsing
// the command line and reading the configuration; the thread is joined when the returned object
// goes. An empty thread when no URL names an engine with a client to load.
std::jthread preload_client(std::span<const std::string> args, std::string_view database_url);

}  // namespace strata::migrate
