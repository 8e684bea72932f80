// postgres:// and postgresql:// URLs into an Endpoint: what libpq is given (conninfo), and what
// strata takes out of the URL for itself.
#include <algorithm>
#include <string>
#include <string_view>

#include "common/text.h"
#include "migrate/engines/postgres/postgres_engine.h"
#include "migrate/model/database_url.h"
#include "net/endpoint_trust.h"
#include "net/url_secrets.h"

namespace strata::migrate {
namespace {

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

Endpoint postgres_endpoint(const std::string& url, const UrlChoice& choice) {
  Endpoint e;
  e.kind = DriverKind::postgres;
  e.display = redact_url(url);
  const auto userinfo = net::url_password_span(url);
  if (userinfo) e.password = percent_decode(std::string_view(url).substr(userinfo->first, userinfo->second - userinfo->first));
  // The host and the query come after the userinfo, which may hold a '?' of its own.
  const std::size_t after_userinfo = userinfo ? userinfo->second : url.find("://") + 3;
  {
    const std::size_t slash = url.find('/', after_userinfo);
    const std::size_t query = url.find('?', after_userinfo);
    if (slash != std::string::npos && slash < query) {
      e.database = percent_decode(std::string_view(url).substr(slash + 1, query == std::string::npos ? std::string::npos : query - slash - 1));
    }
  }
  // Take strata's own parameter out of the query; libpq refuses parameters it does not know.
  std::string conninfo = url;
  const std::size_t q = url.find('?', after_userinfo);
  const std::string_view query = q == std::string::npos ? std::string_view{} : std::string_view(url).substr(q + 1);
  if (q != std::string::npos) {
    std::string kept;
    for (const std::string& param : split(std::string(query), '&')) {
      if (param.empty()) continue;
      // Names compared decoded, as libpq reads them: ?pass%77ord= is its password=.
      const std::size_t eq = param.find('=');
      const std::string key = percent_decode(std::string_view(param).substr(0, eq));
      const std::string value = eq == std::string::npos ? std::string() : percent_decode(param.substr(eq + 1));
      if (key == "search_path" && eq != std::string::npos) {
        e.schema = std::string(trim(value.substr(0, value.find(','))));
      } else if (key == "x-migrations-table") {
        e.foreign_history.migrate = migrations_table_of(redact_url(url), value);
      } else if (golang_migrate_parameter(key)) {
        // golang-migrate's, not libpq's: taken out of what libpq is given.
      } else {
        if (key == "password") e.password = value;
        kept += (kept.empty() ? "?" : "&") + param;
      }
    }
    conninfo = url.substr(0, q) + kept;
  }
  if (skip_gss_encryption(url, query, choice.getenv)) {
    conninfo += (conninfo.find('?') == std::string::npos ? "?" : "&");
    conninfo += "gssencmode=disable";
  }
  e.conninfo = conninfo;
  if (!choice.trusted) e.untrusted_choice = choice.chosen_by;
  if (!e.password.empty()) return e;
  if (!choice.trusted) {
    // An empty password= keeps libpq from reading $PGPASSWORD, and a passfile that cannot exist
    // (a path under /dev/null) keeps it from ~/.pgpass and $PGPASSFILE, without a warning.
    e.conninfo += (e.conninfo.find('?') == std::string::npos ? "?" : "&");
    e.conninfo += "password=&passfile=/dev/null/none";
    e.password_withheld_for = choice.chosen_by;
    return e;
  }
  if (choice.getenv) e.password = choice.getenv("PGPASSWORD").value_or("");
  return e;
}

}  // namespace strata::migrate
