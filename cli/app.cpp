#include "app.h"

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>

#include "ask_command.h"
#include "catalog_command.h"
#include "chunk_command.h"
#include "common/error.h"
#include "config_command.h"
#include "embed_command.h"
#include "ingest_command.h"
#include "logs_command.h"
#include "migrate_command.h"
#include "output.h"
#include "search_command.h"
#include "strata/build_info.h"
#include "tokens_command.h"

namespace strata::cli {
namespace {

std::string version_text() {
  std::string v = std::string("strata ") + k_version;
  if (*k_git_revision != '\0') v += std::string(" (git ") + k_git_revision + ")";
  return v;
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

}  // namespace

int run(int argc, const char* const* argv) {
  CLI::App app("strata: schema migrations and questions over your own documents", "strata");
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.footer("Run 'strata COMMAND --help' for a command's options. Exit codes: see strata(1).");

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
    print_error(e.what(), usage_hint(app), color);
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
