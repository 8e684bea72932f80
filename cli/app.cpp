#include "app.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ask_command.h"
#include "catalog_command.h"
#include "chunk_command.h"
#include "common/error.h"
#include "common/exit_codes.h"
#include "config_command.h"
#include "embed_command.h"
#include "ingest_command.h"
#include "logs_command.h"
#include "migrate/pq_preload.h"
#include "migrate_command.h"
#include "output.h"
#include "search_command.h"
#include "suggest.h"
#include "tokens_command.h"
#include "version.h"

namespace strata::cli {
namespace {

// `strata --version --json`: CLI11's version flag prints text and stops before any other flag is
// read, so the JSON form is recognised here: only --version and --json, in either order.
bool version_json_asked(const std::vector<std::string>& args) {
  if (args.size() != 2) return false;
  return (args[0] == "--version" && args[1] == "--json") || (args[0] == "--json" && args[1] == "--version");
}

std::string exit_code_table() {
  std::string t = "Exit status (the same for every command; see strata(1)):\n";
  for (const ExitCodeInfo& e : k_exit_codes) {
    std::string name(e.name);
    name.resize(18, ' ');
    t += "  " + std::to_string(to_int(e.code)) + "  " + name + std::string(e.meaning) + "\n";
  }
  return t;
}

ColorMode color_from_args(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--color=never" || (a == "--color" && i + 1 < argc && std::string(argv[i + 1]) == "never")) {
      return ColorMode::never;
    }
    if (a == "--color=always" || (a == "--color" && i + 1 < argc && std::string(argv[i + 1]) == "always")) {
      return ColorMode::always;
    }
  }
  return ColorMode::automatic;
}

// The hint after a usage error names the command the user was typing ("strata tokens --help"),
// so that it leads to the options that were wrong rather than to the top-level list.
std::string usage_hint(const CLI::App& app) {
  std::string path = "strata";
  const CLI::App* current = &app;
  while (!current->get_subcommands().empty()) {
    current = current->get_subcommands().front();
    path += " " + current->get_name();
  }
  return "run '" + path + " --help' for usage";
}

// `migrate` with a PostgreSQL URL on the command line or in DATABASE_URL: it will connect.
bool will_connect_to_postgres(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "migrate") return false;
  const auto postgres = [](std::string_view s) {
    return s.find("postgres://") != std::string_view::npos || s.find("postgresql://") != std::string_view::npos;
  };
  for (const std::string& a : args) {
    if (postgres(a)) return true;
  }
  const char* env = std::getenv("DATABASE_URL");
  return env != nullptr && postgres(env);
}

}  // namespace

int run(int argc, const char* const* argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  // libpq loads while the command line is parsed (migrate/pq_preload.h).
  std::optional<migrate::PqPreload> loading_libpq;
  if (will_connect_to_postgres(args)) loading_libpq.emplace();
  if (version_json_asked(args)) {
    std::cout << version_json() << '\n';
    return 0;
  }
  CLI::App app("strata: schema migrations and questions over your own documents", "strata");
  app.set_version_flag("--version", version_text(), "Print the version and the git revision it was built from (--json: as JSON)");
  app.require_subcommand(1);
  app.footer("Examples:\n"
             "  strata ingest docs/\n"
             "  strata search 'connection pool'\n"
             "  strata migrate -d sqlite:app.db status\n"
             "Run 'strata COMMAND --help' for a command's options and examples.\n" +
             exit_code_table());

  MigrateOptions migrate;
  app.add_option("--color", migrate.color, "Colour: auto, always or never (NO_COLOR is honoured)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  std::function<int()> action;
  setup_migrate(app, migrate, action);
  setup_tokens(app, action);
  setup_chunk(app, action);
  setup_embed(app, action);
  setup_ingest(app, action);
  setup_collections(app, action);
  setup_documents(app, action);
  setup_search(app, action);
  setup_ask(app, action);
  setup_logs(app, action);
  setup_config(app, action);

  const ColorMode color = color_from_args(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (const std::optional<UnknownWord> unknown = find_unknown_word(app, args)) {
      print_error(unknown->message, unknown->hint, color);
    } else {
      print_error(e.what(), usage_hint(app), color);
    }
    return to_int(ExitCode::usage);
  }
  try {
    return action ? action() : to_int(ExitCode::usage);
  } catch (const Error& e) {
    print_error(e.what(), e.hint(), color);
    return to_int(e.code());
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what(), "please report this", color);
    return to_int(ExitCode::unavailable);
  }
}

}  // namespace strata::cli
