#pragma once
// `strata __complete-spec --json`: the command tree as the parser holds it, for the tools that
// check the interface text typed elsewhere (scripts/interface_text.py: the completion scripts'
// descriptions, defaults and value lists, and the defaults the man pages' OPTIONS state). The
// command is hidden: it is in no help group, so neither `strata --help`, the completions nor
// "did you mean" offer it.
//
// The JSON is one object per command, from the top (`strata`) down:
//   {"name", "path" ("strata migrate up"), "description", "subcommand_required",
//    "options": [{"names" (["-q", "--quiet"]), "description" (the help text, verbatim),
//                 "default" (what its "(default: ...)" says, or null), "takes_value",
//                 "value_optional" (--opt alone is allowed too), "value_name" ("N"), "choices" ([] when any value is taken), "repeatable",
//                 "required", "excludes" ([names])}],
//    "positionals": [{"name", "description", "required", "repeatable"}],
//    "subcommands": [...]}
// Options hidden from help (no group) are left out, as are hidden subcommands.
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace strata::cli {

inline constexpr std::string_view k_spec_command = "__complete-spec";

// Adds the hidden spec command to `app`; run() prints interface_spec_json when it is chosen.
CLI::App* add_spec_command(CLI::App& app);

// The spec of `app` and every command under it, as JSON text (one line).
std::string interface_spec_json(const CLI::App& app);

// For an option whose values are checked after parsing (so that no CLI11 validator lists them):
// records the values it accepts for the spec, without changing its help or what it accepts.
CLI::Option* set_choices(CLI::Option* option, const std::vector<std::string>& choices);

}  // namespace strata::cli
