// A schema file that the sqlite3 shell wrote (`.schema`, `.dump`) read as a new database takes it:
// the shell writes SQLite's own tables too, which a database makes for itself and refuses to
// have made ("object name reserved for internal use: sqlite_sequence").
#include <cctype>
#include <string>
#include <string_view>

#include "common/text.h"
#include "migrate/engines/schema_file.h"
#include "migrate/engines/sqlite/sqlite_engine.h"

namespace strata::migrate {
namespace {

// sqlite_sequence (AUTOINCREMENT's counters) and sqlite_statN (ANALYZE's statistics): created by
// SQLite as it needs them.
bool sqlite_internal_table(std::string_view name) {
  if (name.size() >= 2 && (name.front() == '"' || name.front() == '`' || name.front() == '[')) name = name.substr(1, name.size() - 2);
  const std::string n = to_lower(std::string(name));
  return n == "sqlite_sequence" ||
         (n.size() == 12 && n.starts_with("sqlite_stat") && n[11] >= '1' && n[11] <= '4');
}

// CREATE TABLE of such a table, and `.dump`'s DELETE FROM / INSERT INTO that fill sqlite_sequence.
bool sqlite_internal_table_statement(std::string_view line) {
  const std::string l = to_lower(std::string(line));
  for (const std::string_view head : {"create table if not exists ", "create table ", "delete from ", "insert into "}) {
    if (!l.starts_with(head)) continue;
    const std::string_view rest = line.substr(head.size());
    return sqlite_internal_table(rest.substr(0, rest.find_first_of(" (;\t")));
  }
  return false;
}

}  // namespace

// The shell writes each of these statements on one line, ending in ';'.
std::string sqlite_schema_file_sql(std::string_view sql) {
  return without_lines(sql, [](std::string_view line) {
    const std::size_t text = line.find_first_not_of(" \t");
    if (text == std::string_view::npos) return false;
    const std::string_view body = line.substr(text);
    const std::size_t semi = body.find(';');
    return sqlite_internal_table_statement(body) && semi != std::string_view::npos &&
           body.substr(semi + 1).find_first_not_of(" \t\r") == std::string_view::npos;
  });
}

}  // namespace strata::migrate
