#pragma once
// Which MySQL-family server a migration is judged for: MySQL and MariaDB run the same ALTER
// TABLE differently (which operations are INSTANT or INPLACE, which copy the table), and each by
// its version. Read from a server's VERSION() ("10.11.6-MariaDB-0+deb12u1", "8.0.36") or from the
// setting (mention(Setting::server_version): "mariadb-10.11", "mysql-8.0"). Defined in
// mysql_lint.cpp, beside the rules that use it.
#include <optional>
#include <string>
#include <string_view>

namespace strata::migrate {

struct MysqlServer {
  bool mariadb = true;
  int major = 10;
  int minor = 11;
  int patch = 0;  // 0 when not given: "mysql-8.0" is 8.0's first release, the safe reading

  bool at_least(int ma, int mi, int pa = 0) const {
    if (major != ma) return major > ma;
    if (minor != mi) return minor > mi;
    return patch >= pa;
  }
  // "MariaDB 10.11", "MySQL 8.0.36": what a finding says it judged for.
  std::string label() const;
};

// The server when nothing says which: MariaDB 10.11, Debian 12's (the one strata's tests run).
inline constexpr MysqlServer k_default_mysql_server{};

// "mariadb-10.11", "mysql-8.0.36" (the setting's form) or a server's VERSION(); nullopt when
// `text` is neither.
std::optional<MysqlServer> parse_mysql_server(std::string_view text);

// `text` read as parse_mysql_server does, k_default_mysql_server when empty; throws
// Error(usage) naming the setting when it is not a version.
MysqlServer mysql_server_or_default(std::string_view text);

}  // namespace strata::migrate
