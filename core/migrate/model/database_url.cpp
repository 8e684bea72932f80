#include "migrate/model/database_url.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "common/error.h"
#include "common/text.h"
#include "net/url_secrets.h"
#include "common/setting.h"

namespace strata::migrate {

std::string url_scheme(std::string_view url) {
  const std::size_t sep = url.find("://");
  return sep == std::string_view::npos ? std::string() : to_lower(url.substr(0, sep));
}

std::string redact_url(const std::string& url) { return net::redact_url(url); }

bool golang_migrate_parameter(std::string_view key) {
  static const char* const keys[] = {"x-migrations-table-quoted", "x-statement-timeout", "x-multi-statement",
                                     "x-multi-statement-max-size", "x-lock-strategy", "x-lock-table", "x-no-lock",
                                     "x-lock-timeout"};
  return std::any_of(std::begin(keys), std::end(keys), [&](const char* k) { return key == k; });
}

std::string migrations_table_of(const std::string& display, const std::string& value) {
  if (value.empty() || value.size() > 63 ||
      value.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos) {
    throw Error(ExitCode::usage, "database URL " + display + ": x-migrations-table='" + escape_control_characters(value) +
                                     "' is not a table name strata takes (letters, digits and _, at most 63)");
  }
  return value;
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
                "a .env file holds lines NAME=value; remove it or pass " + mention(Setting::database));
  }
  if (const std::uintmax_t size = std::filesystem::file_size(path, ec); !ec && size > k_max_bytes) {
    throw Error(ExitCode::usage, path + ": " + std::to_string(size >> 10) + " KiB, more than a .env file holds (1 MiB)",
                "a .env file holds lines NAME=value; remove it or pass " + mention(Setting::database));
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
