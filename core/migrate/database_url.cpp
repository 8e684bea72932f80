#include "migrate/database_url.h"

#include <cstdlib>
#include <fstream>

#include "common/error.h"
#include "common/text.h"

namespace strata::migrate {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string strip_query(const std::string& s) {
  const std::size_t q = s.find('?');
  return q == std::string::npos ? s : s.substr(0, q);
}

}  // namespace

std::string sqlite_path_from_url(const std::string& url) {
  std::string path;
  bool matched = false;
  for (const char* scheme : {"sqlite3:", "sqlite:", "file:"}) {
    if (!starts_with(url, scheme)) continue;
    path = url.substr(std::string(scheme).size());
    // sqlite:///abs/path and sqlite://relative: the authority is empty or absent.
    if (starts_with(path, "//")) path = path.substr(2);
    path = strip_query(path);
    matched = true;
    break;
  }
  if (!matched) {
    const std::size_t colon = url.find("://");
    if (colon != std::string::npos) {
      const std::string scheme = url.substr(0, colon);
      if (scheme == "postgres" || scheme == "postgresql") {
        throw Error(ExitCode::usage, "database URL " + scheme + "://...: PostgreSQL is not supported yet",
                    "use a SQLite path or sqlite: URL");
      }
      throw Error(ExitCode::usage, "database URL: unknown scheme '" + scheme + "'",
                  "use sqlite:path, sqlite:///abs/path or a plain file path");
    }
    path = url;
  }
  if (path.empty()) throw Error(ExitCode::usage, "database URL '" + url + "' names no file");
  return path;
}

std::optional<std::string> read_dotenv(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string line;
  std::optional<std::string> value;
  while (std::getline(in, line)) {
    std::string_view l = trim(line);
    if (l.empty() || l.front() == '#') continue;
    if (l.substr(0, 7) == "export ") l = trim(l.substr(7));
    const std::size_t eq = l.find('=');
    if (eq == std::string_view::npos || trim(l.substr(0, eq)) != key) continue;
    std::string_view v = trim(l.substr(eq + 1));
    if (const std::size_t close = v.size() >= 2 ? v.find(v.front(), 1) : std::string_view::npos;
        !v.empty() && (v.front() == '"' || v.front() == '\'') && close != std::string_view::npos) {
      v = v.substr(1, close - 1);  // anything after the closing quote is a comment
    } else if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) {
      v = trim(v.substr(0, hash));
    }
    value = std::string(v);  // the last assignment wins, as in a shell
  }
  return value;
}

std::optional<std::string> resolve_database_url(const std::optional<std::string>& flag) {
  if (flag && !flag->empty()) return flag;
  if (const char* env = std::getenv("DATABASE_URL"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  return read_dotenv(".env", "DATABASE_URL");
}

}  // namespace strata::migrate
