#pragma once
// Where the database is: `--database`, else $DATABASE_URL, else DATABASE_URL in ./.env.
#include <optional>
#include <string>

namespace strata::migrate {

// Accepts `sqlite:path`, `sqlite://path`, `sqlite:///abs/path`, `sqlite3:` likewise, `file:path`
// and a plain path; returns the file path. Throws Error(usage) for other schemes (PostgreSQL
// is not supported yet) and for an empty path.
std::string sqlite_path_from_url(const std::string& url);

// Reads KEY=VALUE lines (`#` comments, `export ` prefix, single or double quotes) from `path`
// and returns the value of `key`, or nullopt when the file or the key is absent.
std::optional<std::string> read_dotenv(const std::string& path, const std::string& key);

// --database if given, else $DATABASE_URL, else DATABASE_URL from ./.env; nullopt when none.
std::optional<std::string> resolve_database_url(const std::optional<std::string>& flag);

}  // namespace strata::migrate
