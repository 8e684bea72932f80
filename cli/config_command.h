#pragma once
// `strata config`: the effective configuration (flags aside) and where each value came from;
// `strata config --path`: which configuration files were found. The work is in core/config.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace strata::config {
class Configuration;
}

namespace strata::cli {

// Adds `config` to `app`; when it is chosen, `action` runs it and returns the exit code.
void setup_config(CLI::App& app, std::function<int()>& action);

// The process's configuration (files, environment, defaults), loaded on first use and kept.
// Throws Error(usage) for a bad file, every time it is asked.
const config::Configuration& configuration();

// `name`'s value when it came from the project or user file; nullopt when a file does not set it
// or the environment overrides it. For commands whose own code already reads the flag and the
// environment: a value from here stands where the flag would, below the environment.
std::optional<std::string> configured_in_file(std::string_view name);

}  // namespace strata::cli
