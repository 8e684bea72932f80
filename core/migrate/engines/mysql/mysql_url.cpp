// mysql:// and mariadb:// URLs into an Endpoint: the server's address and TLS, as dbmate's and
// golang-migrate's URLs write them.
#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/text.h"
#include "migrate/engines/mysql/mysql_engine.h"
#include "migrate/model/database_url.h"

namespace strata::migrate {
namespace {

// go-sql-driver parameters a dbmate URL may carry that change nothing strata does: taken and
// ignored, so the same DATABASE_URL works for both tools.
bool ignored_go_parameter(const std::string& key) {
  static const char* const keys[] = {"parseTime", "multiStatements", "charset", "collation", "loc", "timeout",
                                     "readTimeout", "writeTimeout", "interpolateParams", "allowNativePasswords",
                                     "clientFoundRows", "columnsWithAlias", "maxAllowedPacket", "rejectReadOnly"};
  return std::any_of(std::begin(keys), std::end(keys), [&](const char* k) { return key == k; });
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

}  // namespace

// mysql://[user[:password]@][host][:port][/database][?socket=...&ssl-mode=...], as dbmate takes it;
// the host part may also be go-sql-driver's tcp(host:port) or unix(/path/to.sock), as
// golang-migrate's URLs write it (mysql://user:pass@tcp(localhost:3306)/db).
Endpoint mysql_endpoint(const std::string& url, const UrlChoice& choice) {
  Endpoint e;
  e.kind = DriverKind::mysql;
  e.display = redact_url(url);
  MysqlAddress& a = e.mysql;
  a.port = k_mysql_port;
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
        e.foreign_history.migrate = migrations_table_of(e.display, value);
      } else if (!ignored_go_parameter(key) && !golang_migrate_parameter(key)) {
        throw Error(ExitCode::usage, "database URL " + e.display + ": unknown parameter '" + key + "'",
                    "strata takes socket=, ssl-mode= (or tls=), ssl-ca=, ssl-cert= and ssl-key=");
      }
    }
  }
  if ((!a.ssl_ca.empty() || !a.ssl_cert.empty()) && a.ssl_mode == "DISABLED") a.ssl_mode = "VERIFY_CA";
  if (!choice.trusted) e.untrusted_choice = choice.chosen_by;
  if (!e.password.empty()) return e;
  if (!choice.trusted) {
    e.password_withheld_for = choice.chosen_by;
    return e;
  }
  if (choice.getenv) e.password = choice.getenv("MYSQL_PWD").value_or("");
  return e;
}

}  // namespace strata::migrate
