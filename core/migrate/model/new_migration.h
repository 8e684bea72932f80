#pragma once
// `migrate new`: name checks and the file template.
#include <chrono>
#include <optional>
#include <string>

namespace strata::migrate {

// Throws Error(usage) unless `name` is snake_case: lowercase letters, digits and single
// underscores, starting with a letter.
void require_snake_case(const std::string& name);

// nullopt when `name` reads the way the conventions describe a change (create_users_table,
// add_status_to_orders_table, drop_legacy_column_from_users, ...); else advice to print.
std::optional<std::string> naming_advice(const std::string& name);

struct NewMigration {
  std::string path;
  std::optional<std::string> advice;
};

// Creates `dir` if needed and writes `<YYYYMMDDHHMMSS>_<name>.sql` (UTC `now`) with both
// sections. Refuses to overwrite. Throws Error(usage) for a bad name.
NewMigration create_migration(const std::string& dir, const std::string& name,
                              std::chrono::system_clock::time_point now);

// As create_migration, with `text` as the file's content (`migrate diff`).
NewMigration write_migration(const std::string& dir, const std::string& name, std::chrono::system_clock::time_point now,
                             const std::string& text);

}  // namespace strata::migrate
