#include "migrate/model/database_url.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "common/error.h"
#include "common/text.h"
#include "net/endpoint_trust.h"
#include "net/url_secrets.h"

namespace strata::migrate {
namespace {

std::string strip_query(const std::string& s) {
  const std::size_t q = s.find('?');
  return q == std::string::npos ? s : s.substr(0, q);
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

}  // namespace

std::string sqlite_path_from_url(const std::string& url) {
  std::string path;
  bool matched = false;
  for (const char* scheme : {"sqlite3:", "sqlite:", "file:"}) {
    if (!url.starts_with(scheme)) continue;
    path = url.substr(std::string(scheme).size());
    // sqlite:///abs/path and sqlite://relative: the authority is empty or absent.
    if (path.starts_with("//")) path = path.substr(2);
    path = strip_query(path);
    matched = true;
    break;
  }
  if (!matched) {
    const std::size_t colon = url.find("://");
    if (colon != std::string::npos) {
      const std::string scheme = url.substr(0, colon);
      if (const ServerScheme* server = server_scheme_of(url)) {
        throw Error(ExitCode::usage, "database URL " + scheme + "://...: " + std::string(server->title) + ", not a SQLite file");
      }
      throw Error(ExitCode::usage, "database URL: unknown scheme '" + scheme + "'",
                  "use sqlite:path, postgres://user@host/db, mysql://user@host/db, or a plain file path");
    }
    if (looks_like_conninfo(url)) {
      // Never repeat the string: it may hold a password.
      throw Error(ExitCode::usage, "the database looks like a libpq connection string (key=value ...), not a file or URL",
                  "give a URL: postgres://user@host:5432/dbname (the password from $PGPASSWORD or ~/.pgpass)");
    }
    path = url;
  }
  if (path.empty()) throw Error(ExitCode::usage, "database URL '" + url + "' names no file");
  return path;
}

const ServerScheme* server_scheme_of(std::string_view url) {
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) return nullptr;
  const std::string scheme = to_lower(url.substr(0, sep));
  for (const ServerScheme& row : k_server_schemes) {
    if (row.scheme == scheme) return &row;
  }
  return nullptr;
}

namespace {

bool is_postgres_url(const std::string& url) {
  const ServerScheme* s = server_scheme_of(url);
  return s != nullptr && s->kind == DriverKind::postgres && url.starts_with(s->scheme);
}

bool is_mysql_url(const std::string& url) {
  const ServerScheme* s = server_scheme_of(url);
  return s != nullptr && s->kind == DriverKind::mysql && url.starts_with(s->scheme);
}

// libpq asks for GSSAPI encryption first whenever it was built with it (gssencmode=prefer), and
// finding out whether the user holds Kerberos credentials loads and reads the Kerberos setup on
// every connection: 3-5 ms of CPU, a fifth of a PostgreSQL `migrate status`. Over loopback there
// is nothing for encryption to protect, so there strata turns it off, unless the user chose a
// mode (gssencmode= or PGGSSENCMODE) or a service file may have. GSSAPI authentication, which
// pg_hba.conf asks for separately, is unaffected.
bool skip_gss_encryption(const std::string& url, std::string_view query, const Getenv& getenv) {
  for (const char* variable : {"PGGSSENCMODE", "PGSERVICE", "PGHOST", "PGHOSTADDR"}) {
    if (getenv && getenv(variable)) return false;
  }
  for (const std::string& param : split(std::string(query), '&')) {
    for (const char* key : {"gssencmode=", "service=", "host=", "hostaddr="}) {
      if (param.starts_with(key)) return false;
    }
  }
  const std::size_t start = url.find("://") + 3;
  const std::size_t end = std::min(url.find('/', start), url.find('?', start));
  std::string_view authority = std::string_view(url).substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.empty()) return false;  // a Unix socket (no GSSAPI there anyway) or PGHOST
  for (const std::string& host : split(std::string(authority), ',')) {
    if (!net::loopback_host(host)) return false;
  }
  return true;
}

}  // namespace

std::string scrub(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (std::size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
    text.replace(pos, secret.size(), "***");
  }
  return text;
}

std::string redact_url(const std::string& url) { return net::redact_url(url); }

namespace {

// go-sql-driver parameters a dbmate URL may carry that change nothing strata does: taken and
// ignored, so the same DATABASE_URL works for both tools.
bool ignored_go_parameter(const std::string& key) {
  static const char* const keys[] = {"parseTime", "multiStatements", "charset", "collation", "loc", "timeout",
                                     "readTimeout", "writeTimeout", "interpolateParams", "allowNativePasswords",
                                     "clientFoundRows", "columnsWithAlias", "maxAllowedPacket", "rejectReadOnly"};
  return std::any_of(std::begin(keys), std::end(keys), [&](const char* k) { return key == k; });
}

// golang-migrate's own parameters (x-…): its history table's name, taken; the rest change
// nothing strata does (strata sends a statement at a time, and locks its own way), taken and
// ignored, so the same URL works for both tools.
bool golang_migrate_parameter(const std::string& key) {
  static const char* const keys[] = {"x-migrations-table-quoted", "x-statement-timeout", "x-multi-statement",
                                     "x-multi-statement-max-size", "x-lock-strategy", "x-lock-table", "x-no-lock",
                                     "x-lock-timeout"};
  return std::any_of(std::begin(keys), std::end(keys), [&](const char* k) { return key == k; });
}

// ?x-migrations-table=NAME: where golang-migrate keeps its history. The name reaches SQL (quoted)
// and the hints (as it is): letters, digits and _ only.
std::string migrations_table_of(const std::string& display, const std::string& value) {
  if (value.empty() || value.size() > 63 ||
      value.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos) {
    throw Error(ExitCode::usage, "database URL " + display + ": x-migrations-table='" + escape_control_characters(value) +
                                     "' is not a table name strata takes (letters, digits and _, at most 63)");
  }
  return value;
}

// ?ssl-mode= as the mysql client spells it, or dbmate's (go-sql-driver's) ?tls=.
std::string ssl_mode_of(const std::string& key, std::string value) {
  if (key == "tls") {
    if (value == "true") return "VERIFY_IDENTITY";
    if (value == "skip-verify") return "REQUIRED";
    if (value == "false") return "DISABLED";
    throw Error(ExitCode::usage, "database URL: tls=" + value + " is not a TLS mode strata knows",
                "use tls=true (verify the server), tls=skip-verify or tls=false; or ssl-mode=REQUIRED, VERIFY_CA, "
                "VERIFY_IDENTITY or DISABLED");
  }
  for (char& c : value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const char* mode : {"DISABLED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"}) {
    if (value == mode) return value;
  }
  throw Error(ExitCode::usage, "database URL: ssl-mode=" + value + " is not a TLS mode strata knows",
              "use ssl-mode=DISABLED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
}

// mysql://[user[:password]@][host][:port][/database][?socket=...&ssl-mode=...], as dbmate takes it;
// the host part may also be go-sql-driver's tcp(host:port) or unix(/path/to.sock), as
// golang-migrate's URLs write it (mysql://user:pass@tcp(localhost:3306)/db).
Endpoint mysql_endpoint(const std::string& url, const std::string& chosen_by, const std::string& trusted,
                        const Getenv& getenv) {
  Endpoint e;
  e.kind = DriverKind::mysql;
  e.display = redact_url(url);
  MysqlAddress& a = e.mysql;
  const std::size_t start = url.find("://") + 3;
  const std::size_t q = url.find('?', start);
  const std::string rest = url.substr(start, q == std::string::npos ? std::string::npos : q - start);
  // A unix(/path) address holds slashes: the database follows its closing parenthesis.
  const std::size_t paren = rest.find(")/");
  const std::size_t slash = rest.find('(') != std::string::npos && paren != std::string::npos ? paren + 1 : rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) e.database = percent_decode(rest.substr(slash + 1));
  if (const std::size_t at = authority.rfind('@'); at != std::string::npos) {
    const std::string userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const std::size_t colon = userinfo.find(':');
    a.user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string::npos) e.password = percent_decode(userinfo.substr(colon + 1));
  }
  std::string port;
  const auto go_address = [&authority](std::string_view net) {
    return authority.size() > net.size() + 2 && authority.starts_with(net) && authority[net.size()] == '(' &&
           authority.back() == ')';
  };
  if (go_address("unix")) {
    a.socket = authority.substr(5, authority.size() - 6);
    authority.clear();
  } else if (go_address("tcp")) {
    authority = authority.substr(4, authority.size() - 5);
  }
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    a.host = authority.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    if (close != std::string::npos && close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    const std::size_t colon = authority.rfind(':');
    a.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (!port.empty()) {
    const bool digits = port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoul(port) == 0 || std::stoul(port) > 65535) {
      throw Error(ExitCode::usage, "database URL " + e.display + ": port '" + port + "' is not a number from 1 to 65535");
    }
    a.port = static_cast<unsigned>(std::stoul(port));
  }
  if (q != std::string::npos) {
    for (const std::string& param : split(url.substr(q + 1), '&')) {
      if (param.empty()) continue;
      const std::size_t eq = param.find('=');
      const std::string key = param.substr(0, eq);
      const std::string value = eq == std::string::npos ? "" : percent_decode(param.substr(eq + 1));
      if (key == "socket") {
        a.socket = value;
      } else if (key == "tls" || key == "ssl-mode" || key == "sslmode") {
        a.ssl_mode = ssl_mode_of(key, value);
      } else if (key == "ssl-ca" || key == "sslca") {
        a.ssl_ca = value;
      } else if (key == "ssl-cert" || key == "sslcert") {
        a.ssl_cert = value;
      } else if (key == "ssl-key" || key == "sslkey") {
        a.ssl_key = value;
      } else if (key == "password") {
        e.password = value;
      } else if (key == "x-migrations-table") {
        e.foreign_history_table = migrations_table_of(e.display, value);
      } else if (!ignored_go_parameter(key) && !golang_migrate_parameter(key)) {
        throw Error(ExitCode::usage, "database URL " + e.display + ": unknown parameter '" + key + "'",
                    "strata takes socket=, ssl-mode= (or tls=), ssl-ca=, ssl-cert= and ssl-key=");
      }
    }
  }
  if ((!a.ssl_ca.empty() || !a.ssl_cert.empty()) && a.ssl_mode == "DISABLED") a.ssl_mode = "VERIFY_CA";
  if (!chosen_by.empty() && !net::listed_origin(url, trusted)) e.untrusted_choice = chosen_by;
  if (!e.password.empty()) return e;
  if (!chosen_by.empty() && !net::listed_origin(url, trusted)) {
    e.password_withheld_for = chosen_by;
    return e;
  }
  if (getenv) e.password = getenv("MYSQL_PWD").value_or("");
  return e;
}

}  // namespace

namespace {

// Connection parameters that make the client read the user's own secrets: a service entry
// (~/.pg_service.conf: host, user, certificates, a password), a password file, a client
// certificate's key. A URL a project file chose (./.env, strata.toml) may not name them unless the
// user trusts its server: with them, a cloned repository could reach the user's production
// database with the user's own credentials.
void refuse_secret_parameters(const std::string& url, const std::string& chosen_by, const std::string& trusted) {
  if (chosen_by.empty() || net::listed_origin(url, trusted)) return;
  const std::size_t q = url.find('?');
  if (q == std::string::npos) return;
  for (const std::string& param : split(url.substr(q + 1), '&')) {
    const std::string name = to_lower(param.substr(0, param.find('=')));
    for (const char* secret : {"service", "passfile", "sslcert", "sslkey", "sslpassword", "ssl-cert", "ssl-key"}) {
      if (name != secret) continue;
      throw Error(ExitCode::usage,
                  chosen_by + " chose the database " + redact_url(url) + " with " + name +
                      "=, which reads your own connection secrets; a project file may not",
                  "give --database (or $DATABASE_URL) yourself, or trust the server with STRATA_TRUSTED_ENDPOINTS");
    }
  }
}

}  // namespace

Endpoint endpoint_from_url(const std::string& url, const std::string& chosen_by, const std::string& trusted,
                           const Getenv& getenv) {
  refuse_secret_parameters(url, chosen_by, trusted);
  if (is_mysql_url(url)) return mysql_endpoint(url, chosen_by, trusted, getenv);
  if (!is_postgres_url(url)) return Endpoint::sqlite(sqlite_path_from_url(url));
  Endpoint e;
  e.kind = DriverKind::postgres;
  e.display = redact_url(url);
  if (const auto span = net::url_password_span(url)) {
    e.password = percent_decode(std::string_view(url).substr(span->first, span->second - span->first));
  }
  {
    const std::size_t authority = url.find("://") + 3;
    const std::size_t slash = url.find('/', authority);
    const std::size_t query = url.find('?', authority);
    if (slash != std::string::npos && slash < query) {
      e.database = percent_decode(std::string_view(url).substr(slash + 1, query == std::string::npos ? std::string::npos : query - slash - 1));
    }
  }
  // Take strata's own parameter out of the query; libpq refuses parameters it does not know.
  std::string conninfo = url;
  const std::size_t q = url.find('?');
  const std::string_view query = q == std::string::npos ? std::string_view{} : std::string_view(url).substr(q + 1);
  if (q != std::string::npos) {
    std::string kept;
    for (const std::string& param : split(std::string(query), '&')) {
      if (param.empty()) continue;
      const std::string key = param.substr(0, param.find('='));
      if (param.starts_with("search_path=")) {
        const std::string path = percent_decode(param.substr(12));
        e.schema = std::string(trim(path.substr(0, path.find(','))));
      } else if (key == "x-migrations-table") {
        e.foreign_history_table = migrations_table_of(redact_url(url), percent_decode(param.substr(key.size() + 1)));
      } else if (golang_migrate_parameter(key)) {
        // golang-migrate's, not libpq's: taken out of what libpq is given.
      } else {
        if (param.starts_with("password=")) e.password = percent_decode(param.substr(9));
        kept += (kept.empty() ? "?" : "&") + param;
      }
    }
    conninfo = url.substr(0, q) + kept;
  }
  if (skip_gss_encryption(url, query, getenv)) {
    conninfo += (conninfo.find('?') == std::string::npos ? "?" : "&");
    conninfo += "gssencmode=disable";
  }
  e.conninfo = conninfo;
  if (!chosen_by.empty() && !net::listed_origin(url, trusted)) e.untrusted_choice = chosen_by;
  if (!e.password.empty()) return e;
  if (!chosen_by.empty() && !net::listed_origin(url, trusted)) {
    // An empty password= keeps libpq from reading $PGPASSWORD, and a passfile that cannot exist
    // (a path under /dev/null) keeps it from ~/.pgpass and $PGPASSFILE, without a warning.
    e.conninfo += (e.conninfo.find('?') == std::string::npos ? "?" : "&");
    e.conninfo += "password=&passfile=/dev/null/none";
    e.password_withheld_for = chosen_by;
    return e;
  }
  if (getenv) e.password = getenv("PGPASSWORD").value_or("");
  return e;
}

std::optional<std::string> read_dotenv(const std::string& path, const std::string& key) {
  // A repository's .env may be anything: a named pipe would block the read for ever, and a link
  // to /dev/zero would be one endless line. A .env is a small file; anything else is refused.
  constexpr std::uintmax_t k_max_bytes = std::uintmax_t{1} << 20;
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(st)) return std::nullopt;
  if (!std::filesystem::is_regular_file(st)) {
    throw Error(ExitCode::usage, path + ": not a regular file, not read as a .env file",
                "a .env file holds lines NAME=value; remove it or pass --database");
  }
  if (const std::uintmax_t size = std::filesystem::file_size(path, ec); !ec && size > k_max_bytes) {
    throw Error(ExitCode::usage, path + ": " + std::to_string(size >> 10) + " KiB, more than a .env file holds (1 MiB)",
                "a .env file holds lines NAME=value; remove it or pass --database");
  }
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

std::optional<ChosenDatabase> choose_database_url(const std::optional<ChosenDatabase>& given, const Getenv& getenv,
                                                  const std::string& dotenv) {
  if (given && !given->url.empty()) return given;
  if (auto url = read_dotenv(dotenv, "DATABASE_URL")) return ChosenDatabase{*url, "./" + dotenv};
  for (const char* var : {"PGHOST", "PGDATABASE", "PGSERVICE"}) {
    if (getenv && getenv(var)) return ChosenDatabase{"postgres://", ""};
  }
  return std::nullopt;
}

}  // namespace strata::migrate
