#pragma once
// `strata migrate diff NAME --to ...`: writes the next migration from the desired schema
// (core/migrate/diff/migration_diff.h); asks about possible renames at a terminal.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "migrate/public.h"
#include "output.h"

namespace strata::cli {

struct DiffCommand {
  std::string name;
  std::vector<std::string> to;       // --to: files, folders, or one database URL
  std::vector<std::string> renames;  // --rename OLD=NEW / TABLE.OLD=NEW
  bool no_rename = false;
  bool concurrently = false;
  bool dry_run = false;
  std::optional<migrate::Endpoint> database;  // nullopt: SQLite (the replay is in memory)
  std::vector<std::string> dirs;
  std::filesystem::path project_root;  // migrate::DiffRequest::project_root
  std::map<std::string, std::string> tool_variables;  // migrate::DiffRequest::tool_variables (--set)
  std::string table;
  migrate::Placeholders placeholders;
  OutputOptions out;
};

// Exit: 0 written or nothing to do, 2 usage (an undecided rename off a terminal), 3 the desired
// schema does not load, 5 the draft does not give the desired schema, 6 a migration does not
// replay, 7 unavailable.
int run_diff(const DiffCommand& command);

}  // namespace strata::cli
