#include "migrate/engines/engine_url.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/text.h"
#include "migrate/engines/engines.h"
#include "net/endpoint_trust.h"
#include "common/setting.h"

namespace strata::migrate {
namespace {

bool has_scheme(const Engine& e, std::string_view scheme) {
  return std::find(e.schemes.begin(), e.schemes.end(), scheme) != e.schemes.end();
}

// The server engine whose scheme `url` starts with (any case), or null.
const Engine* server_engine_of(std::string_view url) {
  const std::string scheme = url_scheme(url);
  if (scheme.empty()) return nullptr;
  for (const Engine& e : engines()) {
    if (e.storage == Storage::server && has_scheme(e, scheme)) return &e;
  }
  return nullptr;
}

// The length of the file scheme `url` starts with ("sqlite:" is 7), compared as written or in any
// case; 0 when none.
std::size_t file_scheme_length(std::string_view url, bool any_case) {
  const std::string head = any_case ? to_lower(url.substr(0, url.find(':') + 1)) : std::string(url.substr(0, url.find(':') + 1));
  if (head.empty() || head.back() != ':') return 0;
  const std::string_view scheme = std::string_view(head).substr(0, head.size() - 1);
  for (const Engine& e : engines()) {
    if (e.storage == Storage::file && has_scheme(e, scheme)) return head.size();
  }
  return 0;
}

// A file URL's path: `//` (an empty authority) and a query dropped.
std::string file_path_after(std::string_view rest) {
  if (rest.starts_with("//")) rest.remove_prefix(2);
  return std::string(rest.substr(0, rest.find('?')));
}

// A libpq key/value connection string ("host=db user=app password=... dbname=x"): a keyword of
// libpq's, optional spaces, then '='. Taken for a file name it became a SQLite database named
// after it, password included.
bool looks_like_conninfo(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  std::size_t j = i;
  while (j < s.size() && ((s[j] >= 'a' && s[j] <= 'z') || s[j] == '_')) ++j;
  const std::string word = s.substr(i, j - i);
  while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
  if (j >= s.size() || s[j] != '=') return false;
  for (const char* k : {"host", "hostaddr", "port", "dbname", "user", "password", "passfile", "sslmode", "service",
                        "connect_timeout", "options", "application_name", "target_session_attrs", "require_auth",
                        "sslrootcert", "sslcert", "sslkey", "gssencmode", "channel_binding"}) {
    if (word == k) return true;
  }
  return false;
}

// "use sqlite:path, postgres://user@host/db, mysql://user@host/db, or a plain file path"
std::string url_forms_hint() {
  std::string hint = "use ";
  for (const Engine& e : engines()) hint += std::string(e.url_form) + ", ";
  return hint + "or a plain file path";
}

// A URL that is no file: a server's, a scheme no engine has, or a libpq key=value string.
[[noreturn]] void refuse_as_file(const std::string& url) {
  if (const std::size_t sep = url.find("://"); sep != std::string::npos) {
    const std::string scheme = url.substr(0, sep);
    const Engine& file = engine(k_default_engine);
    if (const Engine* server = server_engine_of(url)) {
      throw Error(ExitCode::usage, "database URL " + scheme + "://...: a " + std::string(server->title) + " URL, not a " +
                                       std::string(file.title) + " file");
    }
    throw Error(ExitCode::usage, "database URL: unknown scheme '" + scheme + "'", url_forms_hint());
  }
  // Never repeat the string: it may hold a password.
  throw Error(ExitCode::usage, "the database looks like a libpq connection string (key=value ...), not a file or URL",
              "give a URL: postgres://user@host:5432/dbname (the password from $PGPASSWORD or ~/.pgpass)");
}

// Connection parameters that make the client read the user's own secrets: a service entry
// (~/.pg_service.conf: host, user, certificates, a password), a password file, a client
// certificate's key. A URL a project file chose (./.env, strata.toml) may not name them unless the
// user trusts its server: with them, a cloned repository could reach the user's production
// database with the user's own credentials.
void refuse_secret_parameters(const std::string& url, const UrlChoice& choice) {
  if (choice.trusted) return;
  const std::size_t q = url.find('?');
  if (q == std::string::npos) return;
  for (const std::string& param : split(url.substr(q + 1), '&')) {
    const std::string name = to_lower(param.substr(0, param.find('=')));
    for (const char* secret : {"service", "passfile", "sslcert", "sslkey", "sslpassword", "ssl-cert", "ssl-key"}) {
      if (name != secret) continue;
      throw Error(ExitCode::usage,
                  choice.chosen_by + " chose the database " + redact_url(url) + " with " + name +
                      "=, which reads your own connection secrets; a project file may not",
                  "give " + mention(Setting::database) + " (or $DATABASE_URL) yourself, or trust the server with STRATA_TRUSTED_ENDPOINTS");
    }
  }
}

// The engines' schemes as origins read them (net::url_origin).
std::span<const net::SchemeDefault> scheme_defaults() {
  static const std::vector<net::SchemeDefault> defaults = [] {
    std::vector<net::SchemeDefault> out;
    for (const Engine& e : engines()) {
      if (e.storage != Storage::server) continue;
      for (const std::string_view scheme : e.schemes) {
        out.push_back({scheme, e.origin_scheme.empty() ? scheme : e.origin_scheme, e.default_port});
      }
    }
    return out;
  }();
  return defaults;
}

}  // namespace

bool server_url(std::string_view url) { return server_engine_of(url) != nullptr; }

std::string file_path_from_url(const std::string& url) {
  std::string path;
  if (const std::size_t n = file_scheme_length(url, false); n > 0) {
    path = file_path_after(std::string_view(url).substr(n));
  } else if (url.find("://") != std::string::npos || looks_like_conninfo(url)) {
    refuse_as_file(url);
  } else {
    path = url;
  }
  if (path.empty()) throw Error(ExitCode::usage, "database URL '" + url + "' names no file");
  return path;
}

std::string file_url(std::string_view path) {
  return std::string(engine(k_default_engine).schemes.front()) + ":" + std::string(path);
}

std::optional<std::string> database_file(std::string_view value) {
  if (server_url(value)) return std::nullopt;
  if (const std::size_t n = file_scheme_length(value, true); n > 0) return file_path_after(value.substr(n));
  return std::string(value);
}

Endpoint endpoint_from_url(const std::string& url, const std::string& chosen_by, const std::string& trusted,
                           const Getenv& getenv) {
  const UrlChoice choice{chosen_by, chosen_by.empty() || listed_server(url, trusted), getenv};
  refuse_secret_parameters(url, choice);
  const Engine* server = server_engine_of(url);
  // The clients take a scheme in lower case only: Postgres://... is refused as a file would be.
  if (server == nullptr || url_scheme(url) != url.substr(0, url.find("://"))) {
    return Endpoint::sqlite(file_path_from_url(url));
  }
  return server->endpoint_from_url(url, choice);
}

std::string server_origin(std::string_view url) { return net::url_origin(url, scheme_defaults()); }

bool listed_server(std::string_view url, std::string_view list) { return net::listed_origin(url, list, scheme_defaults()); }

std::jthread preload_client(std::span<const std::string> args, std::string_view database_url) {
  const auto names = [](std::string_view text, const Engine& e) {
    return std::any_of(e.schemes.begin(), e.schemes.end(), [&](std::string_view scheme) {
      return text.find(std::string(scheme) + "://") != std::string_view::npos;
    });
  };
  for (const Engine& e : engines()) {
    if (e.preload_client == nullptr) continue;
    if (names(database_url, e) || std::any_of(args.begin(), args.end(), [&](const std::string& a) { return names(a, e); })) {
      return e.preload_client();
    }
  }
  return {};
}

}  // namespace strata::migrate
