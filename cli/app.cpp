#include "app.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "commands.h"
#include "common/public.h"
#include "exit_codes.h"
#include "interface_spec.h"
#include "migrate/public.h"
#include "option_bundles.h"
#include "output.h"
#include "suggest.h"
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

// For `migrate` with a server's URL on the command line or in DATABASE_URL, which will connect:
// its client library loads while the command line is parsed.
std::jthread preload_database_client(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "migrate") return {};
  const char* env = std::getenv("DATABASE_URL");
  return migrate::preload_client(args, env != nullptr ? env : "");
}

}  // namespace

int run(int argc, const char* const* argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::jthread loading_client = preload_database_client(args);
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

  add_color_option(app);
  // The command table: each command's run, by the CLI::App its setup filled. When the first word
  // names a command, only that command is set up: its options, help and messages are the same,
  // and the others' (migrate's alone a third) cost every command about 2 ms to build and free.
  // Anything else (no command, a flag first, a misspelt command, the interface spec) sets up
  // every command, for the top-level help and the suggestions.
  const auto named = std::find_if(commands().begin(), commands().end(),
                                  [&](const Command& c) { return !args.empty() && args[0] == c.name; });
  std::vector<std::pair<const CLI::App*, Run>> runs;
  for (const Command& c : commands()) {
    if (named != commands().end() && &c != &*named) continue;
    CLI::App* cmd = app.add_subcommand(std::string(c.name), std::string(c.summary));
    runs.emplace_back(cmd, c.setup(*cmd));
  }
  const CLI::App* spec = named == commands().end() ? add_spec_command(app) : nullptr;

  const RunContext context{chosen_color(args)};
  const ColorMode color = context.color;
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
  } catch (const Error& e) {
    // A flag's value refused while parsing (number_flags.h, option_bundles.h): strata's message,
    // with the command's usage as the hint unless it has its own.
    print_error(e.what(), e.hint().empty() ? usage_hint(app) : e.hint(), color);
    return to_int(e.code());
  }
  const CLI::App* chosen = app.get_subcommands().front();  // require_subcommand(1)
  if (chosen == spec) {
    std::cout << interface_spec_json(app) << '\n';
    return 0;
  }
  const auto run_of = std::find_if(runs.begin(), runs.end(), [&](const auto& r) { return r.first == chosen; });
  try {
    return run_of->second(context);
  } catch (const Error& e) {
    print_error(e.what(), e.hint(), color);
    return to_int(e.code());
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what(), "please report this", color);
    return to_int(ExitCode::unavailable);
  }
}

}  // namespace strata::cli
