#pragma once
// "Did you mean": when CLI11 refuses a command line, find the word it could not place (a
// subcommand or a long option that does not exist) and the closest valid spelling, with
// config::closest, the same distance `strata config` uses for unknown keys.
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace strata::cli {

struct UnknownWord {
  std::string message;  // "unknown command 'serach'; did you mean 'search'?"
  std::string hint;     // where to look: "run 'strata --help' for the commands"
};

// Walks `args` (argv without the program name) the way CLI11 does: subcommand names descend,
// options that take a value skip it, `--` ends the walk. Returns the first unknown subcommand
// (a bare word given to a command that has subcommands and no positionals) or unknown long
// option (`--name` or `--name=value`) of the command it was given to; nullopt when every word
// is known, so the caller keeps CLI11's own message.
std::optional<UnknownWord> find_unknown_word(const CLI::App& root, const std::vector<std::string>& args);

// The stored document source a user most likely meant when none is named `wanted` (the ids
// tried, as source_candidates gives them): the closest by edit distance when it is a typo (at
// most 3 edits, and a third of the length), else one with the same file name in another
// folder (`intro.md` typed where only `docs/intro.md` is stored). nullopt when nothing is close.
std::optional<std::string> closest_source(const std::vector<std::string>& wanted, const std::vector<std::string>& sources);

}  // namespace strata::cli
