// `strata migrate`'s subcommands for databases and files: new, create, drop, wait, load, import
// (rows of the table in migrate_command.cpp).
#include "migrate_subcommands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "common/public.h"
#include "input.h"
#include "json_text.h"
#include "migrate/public.h"

namespace strata::cli::migrate_subcommands {
namespace {

// What create or drop did: {"database", `key`: done} with --json, else `note`.
int print_admin_result(const MigrateOptions& o, const mg::Endpoint& endpoint, const char* key, bool done,
                       const std::string& note) {
  if (o.out.json) {
    std::cout << json_text(json{{"database", endpoint.display}, {key, done}}) << '\n';
  } else {
    print_note(note, o.out);
  }
  return 0;
}

// Asks on the terminal whether to drop; false unless the answer is y or yes.
bool confirmed_on_terminal(const std::string& display) {
  std::cerr << "strata: drop the database " << safe(display) << " and all its data? [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  answer = to_lower(trim(answer));
  return answer == "y" || answer == "yes";
}

// The schema file `load` applies: a usage error naming it when it cannot be read. A file
// larger than any schema (256 MiB) is refused rather than read into memory.
std::string read_schema_file(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ExitCode::usage, path + ": cannot read: " + ec.message(), "write one with strata migrate dump -o " + path);
  if (size > (std::uintmax_t{256} << 20)) throw Error(ExitCode::invalid_input, path + ": larger than 256 MiB, not a schema");
  std::ifstream in(path, std::ios::binary);
  std::string sql(static_cast<std::size_t>(size), '\0');
  if (!in.read(sql.data(), static_cast<std::streamsize>(size))) throw Error(ExitCode::usage, path + ": cannot read");
  return sql;
}

}  // namespace

int run_new(const MigrateOptions& o, const NewFlags& f) {
  const mg::NewMigration created =
      mg::create_migration(o.dirs.front(), f.name, std::chrono::system_clock::now());
  if (created.advice) print_warning(*created.advice, color_mode(o));
  std::cout << safe(created.path) << '\n';
  return 0;
}

// `create`: the database, unless it exists.
int run_create(const MigrateOptions& o) {
  const mg::Endpoint endpoint = required_endpoint(o);
  const bool created = mg::create_database(endpoint);
  return print_admin_result(o, endpoint, "created", created,
                            created ? "created " + endpoint.display : endpoint.display + " already exists");
}

// `drop`: the database and all its data. On a terminal it asks unless --yes; elsewhere --yes is
// required, so that no script drops a database by accident.
int run_drop(const MigrateOptions& o, const DropFlags& f) {
  const mg::Endpoint endpoint = required_endpoint(o);
  if (!f.yes) {
    if (::isatty(STDIN_FILENO) != 1 || ::isatty(STDERR_FILENO) != 1) {
      throw Error(ExitCode::usage, "drop needs --yes when it cannot ask (not at a terminal)",
                  "strata migrate drop --yes drops " + endpoint.display + " and all its data");
    }
    if (!confirmed_on_terminal(endpoint.display)) throw Error(ExitCode::usage, "not dropped: not confirmed");
  }
  const bool dropped = mg::drop_database(endpoint);
  return print_admin_result(o, endpoint, "dropped", dropped,
                            dropped ? "dropped " + endpoint.display : endpoint.display + " does not exist");
}

// `load`: a schema.sql written by dump, into an empty database, its listed versions recorded.
int run_load(const MigrateOptions& o, const LoadFlags& f) {
  const std::string sql = read_schema_file(f.file);
  // Resolved once: resolving again would read .env again and repeat its warnings.
  const mg::Endpoint endpoint = required_endpoint(o);
  mg::Migrator m(make_target(o, endpoint), o.dirs);
  const mg::RunResult r = m.load(f.file, sql);
  if (o.out.json) {
    json versions = json::array();
    for (const mg::Step& s : r.steps) versions.push_back(s.version_text);
    std::cout << json_text(json{{"database", endpoint.display}, {"file", f.file}, {"recorded", versions}})
              << '\n';
  } else {
    print_note("loaded " + f.file + " into " + endpoint.display + "; " +
                   std::to_string(r.steps.size()) + (r.steps.size() == 1 ? " migration" : " migrations") +
                   " recorded as applied",
               o.out);
  }
  return 0;
}

// `wait`: until the database answers, for --wait-timeout seconds (default 60).
int run_wait(const MigrateOptions& o) {
  const mg::Endpoint endpoint = required_endpoint(o);
  const auto timeout = std::chrono::milliseconds(static_cast<long long>(o.wait_timeout_s * 1000));
  const mg::WaitResult r = mg::wait_for_database(endpoint, timeout);
  if (o.out.json) {
    std::cout << json_text(json{{"database", endpoint.display}, {"ready", true}, {"waited_ms", r.waited_ms}}) << '\n';
  } else {
    print_note(endpoint.display + " accepts connections (after " + format_ms(r.waited_ms) + ")", o.out);
  }
  return 0;
}

void new_options(CLI::App& sub, NewFlags& f) {
  sub.add_option("NAME", f.name, "snake_case description, e.g. add_status_to_orders_table")->required();
}

void drop_options(CLI::App& sub, DropFlags& f) {
  sub.add_flag("-y,--yes", f.yes, "Drop without asking (required when not at a terminal)");
}

void load_options(CLI::App& sub, LoadFlags& f) {
  sub.add_option("FILE", f.file, "The schema file (default: schema.sql)");
}

void import_options(CLI::App& sub, ImportFlags& f) {
  sub.add_option("UPGRADE_SQL", f.upgrade, "The SQL alembic upgrade base:head prints in offline mode; - reads standard input")
      ->required();
  sub.add_option("--down", f.downgrade, "The SQL alembic downgrade head:base prints in offline mode: each file's down section");
}

// `import`: an Alembic project's history as migration files in the (first) migrations directory.
int run_import(const MigrateOptions& o, const ImportFlags& f) {
  std::vector<mg::AlembicRevision> revisions =
      mg::read_alembic_upgrade(read_text_input(f.upgrade, "Alembic's SQL"), input_label(f.upgrade));
  if (!f.downgrade.empty()) {
    mg::add_alembic_downgrade(revisions, read_text_input(f.downgrade, "Alembic's SQL"), input_label(f.downgrade));
  }
  const std::vector<std::string> written = mg::write_alembic_revisions(o.dirs.front(), revisions);
  if (o.out.json) {
    json files = json::array();
    for (std::size_t i = 0; i < written.size(); ++i) {
      files.push_back({{"file", written[i]}, {"revision", revisions[i].revision}, {"down", revisions[i].down.has_value()}});
    }
    std::cout << json_text(json{{"directory", o.dirs.front()}, {"files", files}}) << '\n';
  } else {
    for (const std::string& path : written) std::cout << safe(path) << '\n';
  }
  const auto without_down = std::count_if(revisions.begin(), revisions.end(), [](const auto& r) { return !r.down; });
  print_note("imported " + std::to_string(written.size()) + " Alembic revision(s) into " + o.dirs.front() +
                 (without_down > 0 ? "; " + std::to_string(without_down) + " without a down (pass --down)" : std::string{}),
             o.out);
  return 0;
}

}  // namespace strata::cli::migrate_subcommands
