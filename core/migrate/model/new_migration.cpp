#include "migrate/model/new_migration.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "common/error.h"
#include "common/text.h"
#include "migrate/model/tool_layout.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_template = "-- migrate:up\n\n\n-- migrate:down\n\n";

// The up section of a strata migration's text (`migrate diff` writes both), for a tool whose
// migrations are forward only; the empty template gives empty text (the tool's own placeholder).
std::string up_section_of(const std::string& text) {
  if (text == k_template) return {};
  std::string up = text;
  const std::size_t down = up.find("-- migrate:down");
  if (down != std::string::npos) up.erase(down);
  if (up.starts_with("-- migrate:up")) up.erase(0, up.find('\n') == std::string::npos ? up.size() : up.find('\n') + 1);
  while (!up.empty() && (up.front() == '\n')) up.erase(0, 1);
  while (up.size() > 1 && up.back() == '\n' && up[up.size() - 2] == '\n') up.pop_back();
  return up;
}

}  // namespace

void require_snake_case(const std::string& name) {
  bool ok = !name.empty() && name.front() >= 'a' && name.front() <= 'z' && name.back() != '_';
  for (std::size_t i = 0; ok && i < name.size(); ++i) {
    const char c = name[i];
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    ok = allowed && !(c == '_' && i > 0 && name[i - 1] == '_');
  }
  if (!ok) {
    std::string suggestion;
    for (char c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (word) {
        suggestion.push_back(c);
      } else if (!suggestion.empty() && suggestion.back() != '_') {
        suggestion.push_back('_');
      }
    }
    while (!suggestion.empty() && suggestion.back() == '_') suggestion.pop_back();
    throw Error(ExitCode::usage,
                "migration name '" + name + "' is not snake_case (lowercase letters, digits, single underscores)",
                suggestion.empty() || suggestion.front() < 'a' || suggestion.front() > 'z'
                    ? "start with a verb, e.g. create_users_table"
                    : "try: strata migrate new " + suggestion);
  }
}

std::optional<std::string> naming_advice(const std::string& name) {
  const std::vector<std::string> parts = split(name, '_');
  static const std::set<std::string> verbs = {"create", "add",    "drop",   "remove", "rename",
                                              "alter",  "change", "backfill", "seed", "update",
                                              "delete", "insert", "make",  "set",    "index",
                                              "merge",  "split",  "move",  "enable", "disable"};
  const std::string& verb = parts.front();
  const std::string example =
      "name it after the change, e.g. create_users_table, add_status_to_orders_table, "
      "drop_legacy_column_from_users";
  if (verbs.count(verb) == 0) {
    return "'" + name + "' does not start with a verb (" + example + ")";
  }
  if (parts.size() < 2) return "'" + name + "' names no object (" + example + ")";
  if (verb == "create" && !name.ends_with("_table") && !name.ends_with("_index") &&
      !name.ends_with("_view") && !name.ends_with("_trigger")) {
    return "'" + name + "': a create migration usually says what it creates, e.g. create_" +
           name.substr(7) + "_table";
  }
  if ((verb == "add") && name.find("_to_") == std::string::npos) {
    return "'" + name + "': an add migration usually says where, e.g. add_status_to_orders_table";
  }
  if ((verb == "drop" || verb == "remove") && parts.size() >= 3 && !name.starts_with(verb + "_table") &&
      name.find("_from_") == std::string::npos && !name.ends_with("_table") &&
      !name.ends_with("_index") && !name.ends_with("_view") && !name.ends_with("_trigger")) {
    return "'" + name + "': a drop migration usually says from where, e.g. drop_legacy_column_from_users";
  }
  return std::nullopt;
}

NewMigration create_migration(const std::string& dir, const std::string& name,
                              std::chrono::system_clock::time_point now) {
  return write_migration(dir, name, now, k_template);
}

NewMigration write_migration(const std::string& dir, const std::string& name, std::chrono::system_clock::time_point now,
                             const std::string& text) {
  require_snake_case(name);
  // In a Prisma or Drizzle project, the tool's own layout: forward only, so the up section alone.
  std::string tool_dir = dir;
  if (const ToolLayout* layout = find_tool_layout(tool_dir)) {
    // Sqitch keeps downs (revert/): it is given both sections.
    const std::string given = layout->kind != MigrationLayout::sqitch ? up_section_of(text) : text == k_template ? "" : text;
    return NewMigration{layout->write_new(tool_dir, name, now, given), naming_advice(name)};
  }
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char version[32];
  std::snprintf(version, sizeof version, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(ExitCode::invalid_input, dir + ": cannot create directory: " + ec.message());
  // Two migrations made within one second would share a version.
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().starts_with(std::string(version) + "_")) {
      throw Error(ExitCode::invalid_input,
                  entry.path().string() + ": a migration with version " + version + " already exists",
                  "wait a second and try again");
    }
  }
  const fs::path path = fs::path(dir) / (std::string(version) + "_" + name + ".sql");
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw Error(ExitCode::invalid_input, path.string() + ": cannot write file");
  return NewMigration{path.string(), naming_advice(name)};
}

}  // namespace strata::migrate
