#include "migrate_diff_command.h"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/public.h"
#include "json_text.h"
#include "output.h"

namespace strata::cli {
namespace {

using nlohmann::json;
namespace mg = strata::migrate;

bool looks_like_url(const std::string& to) { return to.find("://") != std::string::npos || to.starts_with("sqlite:"); }

// --rename TABLE.OLD=NEW (a column) or OLD=NEW (a table).
void add_rename(mg::Renames& r, const std::string& arg) {
  const std::size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
    usage("--rename " + arg + ": expected OLD=NEW (a table) or TABLE.OLD=NEW (a column)");
  }
  const std::string left = arg.substr(0, eq);
  const std::string right = arg.substr(eq + 1);
  if (left.find('.') != std::string::npos) {
    r.columns[left] = right;
  } else {
    r.tables[left] = right;
  }
}

// Asks at the terminal whether a candidate is a rename.
bool rename_confirmed(const mg::RenameCandidate& c) {
  std::cerr << "strata: " << safe(c.describe()) << ": is this a rename? (no: drop and add) [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  answer = to_lower(trim(answer));
  return answer == "y" || answer == "yes";
}

mg::DiffDraft decided_draft(mg::DiffRequest& r) {
  const bool can_ask = ::isatty(STDIN_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1;
  while (true) {
    mg::DiffDraft d = mg::draft_migration(r);
    if (d.undecided.empty()) return d;
    if (!can_ask) {
      // Every candidate, and flags that can be taken as printed: the candidates never share a
      // table or column, so any of them may be renames at once; --no-rename makes the rest drops
      // and adds, in one more run.
      std::string listed, args;
      for (const auto& c : d.undecided) {
        listed += (listed.empty() ? "" : ", ") + c.describe();
        args += " --rename " + c.argument();
      }
      throw Error(ExitCode::usage,
                  std::string(d.undecided.size() > 1 ? "possible renames (" + std::to_string(d.undecided.size()) + "): "
                                                     : "possible rename: ") + listed,
                  "keep the --rename flags of the true renames and add --no-rename for the rest (drop and add):" + args +
                      " --no-rename");
    }
    for (const auto& c : d.undecided) {
      if (rename_confirmed(c)) {
        add_rename(r.renames, c.argument());
      } else {
        r.renames.declined.insert(c.argument());
      }
    }
  }
}

json draft_json(const mg::DiffDraft& d, const std::vector<std::string>& files, bool dry_run) {
  json renames = json::array();
  return json{{"dry_run", dry_run},
              {"file", files.empty() ? json(nullptr) : json(files.front())},
              {"files", files},
              {"changes", d.changes},
              {"up", d.up.sql},
              {"down", d.down.sql},
              {"concurrent_up", d.up.concurrent},
              {"destructive", d.up.destructive},
              {"backfill", d.up.backfill},
              {"unproven", d.unproven}};
}

}  // namespace

int run_diff(const DiffCommand& c) {
  mg::require_snake_case(c.name);
  mg::DiffRequest r;
  r.database = c.database ? *c.database : mg::Endpoint::sqlite(":memory:");
  r.dirs = c.dirs;
  r.project_root = c.project_root;
  r.tool_variables = c.tool_variables;
  r.table = c.table;
  r.placeholders = c.placeholders;
  r.concurrently = c.concurrently;
  if (c.concurrently && !mg::engine(r.database.kind).concurrent_indexes) usage("--concurrently applies to PostgreSQL only");
  for (const std::string& to : c.to) {
    if (!looks_like_url(to)) {
      r.desired_files.push_back(to);
      continue;
    }
    if (r.desired_database) usage("--to: one database at most", "give one URL, or SQL files and folders");
    r.desired_database = mg::endpoint_from_url(to);
    if (r.desired_database->kind != r.database.kind) {
      usage("--to " + r.desired_database->display + ": a different engine from the migrations' database",
            "diff compares two databases of one engine");
    }
  }
  if (r.desired_database && !r.desired_files.empty()) usage("--to: a database URL or SQL files, not both");
  for (const std::string& arg : c.renames) add_rename(r.renames, arg);
  r.renames.none = c.no_rename;

  const mg::DiffDraft d = decided_draft(r);
  const ColorMode color = c.out.color;
  if (d.empty()) {
    if (c.out.json) {
      std::cout << json_text(draft_json(d, {}, c.dry_run)) << '\n';
    } else {
      print_note("no difference: the migrations already give the schema of " + d.desired, c.out);
    }
    return 0;
  }
  const std::string text = mg::migration_text(d, d.up, d.down);
  const std::string concurrent = mg::concurrent_migration_text(d);
  for (const std::string& what : d.up.destructive) print_warning("destructive: " + what, color);
  if (d.up.backfill) {
    print_warning(std::string("the up holds a ") + mg::k_backfill_marker +
                      " placeholder: give existing rows a value and delete the marker; `migrate check` refuses the file until then",
                  color);
  }
  if (!d.unproven.empty()) {
    if (c.dry_run) std::cout << safe_on_stdout(text) << safe_on_stdout(concurrent);
    for (const std::string& left : d.unproven) print_warning(left, color);
    throw Error(ExitCode::drift, "the drafted migration does not give the desired schema (" + d.unproven.front() + ")",
                "nothing was written; write those changes by hand (--dry-run shows the draft)");
  }
  std::vector<std::string> files;
  if (!c.dry_run) {
    const auto now = std::chrono::system_clock::now();
    files.push_back(mg::write_migration(c.dirs.front(), c.name, now, text).path);
    if (!concurrent.empty()) {
      files.push_back(mg::write_migration(c.dirs.front(), c.name + "_indexes", now + std::chrono::seconds(1), concurrent).path);
    }
  }
  if (c.out.json) {
    std::cout << json_text(draft_json(d, files, c.dry_run)) << '\n';
  } else if (c.dry_run) {
    std::cout << safe_on_stdout(text);
    if (!concurrent.empty()) std::cout << "\n" << safe_on_stdout(concurrent);
  } else {
    for (const std::string& f : files) std::cout << safe(f) << '\n';
  }
  return 0;
}

}  // namespace strata::cli
