#pragma once
// `strata config`: the effective configuration (flags aside) and where each value came from;
// `strata config --path`: which configuration files were found. The work is in core/config.
#include <optional>
#include <string>
#include <string_view>

#include "commands.h"

namespace CLI {
class App;
}

namespace strata::config {
class Configuration;
struct Environment;
struct Setting;
}

namespace strata::net {
using Getenv = std::function<std::optional<std::string>(std::string_view name)>;
}

namespace strata::cli {

// Registers `config`'s options on `cmd` and returns its run (commands.h).
Run setup_config(CLI::App& cmd);

// The process's configuration (files, environment, defaults), loaded on first use and kept.
// Throws Error(usage) for a bad file, every time it is asked.
const config::Configuration& configuration();

// The one way a command reads a setting that also has a flag: the flag when given (recorded in
// the configuration, so the setting's `where` is the flag's name), else the environment, the
// project file, the user file or the default, in that order (core/config). `flag` is the value
// when the flag was given.
const config::Setting& setting(std::string_view name, const std::optional<std::string>& flag, std::string_view flag_name);

// The value of a setting resolved by `setting`, nullopt when nothing set it.
std::optional<std::string> value_of(const config::Setting& s);

// Where a setting came from, for a message about its value: "--base-url", "$OPENAI_BASE_URL",
// "/p/strata.toml:3: embed.base_url", or `fallback` for a default.
std::string source_of(const config::Setting& s, std::string_view name, std::string_view fallback);

// The real process for core/config: its working directory, its variables (empty counts as unset)
// and the filesystem (config::read_settings_file). Core reads no variable itself.
config::Environment process_environment();

// Reads the process's environment (empty counts as unset): what core is given instead of getenv.
net::Getenv process_getenv();

// `name`'s value when it came from the project or user file; nullopt when a file does not set it
// or the environment overrides it. For commands whose own code already reads the flag and the
// environment: a value from here stands where the flag would, below the environment.
std::optional<std::string> configured_in_file(std::string_view name);

}  // namespace strata::cli
