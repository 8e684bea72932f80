#pragma once
// What a command is to the entry point: a name, a summary and a setup that registers its options
// and returns its run. Each command's header declares its setup with these types; the table of
// commands (commands.h) lists them, and app.cpp walks the table.
#include <functional>
#include <string_view>

#include "output.h"

namespace CLI {
class App;
}

namespace strata::cli {

// What a run gets from the entry point rather than from its own flags.
struct RunContext {
  ColorMode color = ColorMode::automatic;  // the command line's --color (chosen_color)
};

// A command's run, called once its command line is parsed: it reads the options its setup bound
// and returns the exit code. Throws strata::Error, which run() prints.
using Run = std::function<int(const RunContext&)>;

struct Command {
  std::string_view name;
  std::string_view summary;  // one line, for `strata --help`
  // Registers the command's options, subcommands and footer on `cmd` (already named and
  // summarised), and returns its run.
  Run (*setup)(CLI::App& cmd);
};

}  // namespace strata::cli
