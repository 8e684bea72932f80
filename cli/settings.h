#pragma once
// The process-wide settings every command reads: the configuration (files, environment,
// defaults; core/config does the work), a setting with its flag, where a value came from, and
// the warnings printed when the trust model leaves a project's setting out. The `config` command
// only shows them (config_command.h).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace strata::config {
class Configuration;
struct Environment;
struct GuardedSetting;
struct ProjectTrust;
struct Setting;
enum class TrustStatus;
}  // namespace strata::config

namespace strata::net {
using Getenv = std::function<std::optional<std::string>(std::string_view name)>;
}

namespace strata::cli {

// The process's configuration (files, environment, defaults), loaded on first use and kept.
// Loading prints, once, a warning for a project file owned by another user; reading a setting
// the trust model left out prints why it was ignored (foreign_file_text, ignored_setting_text).
// Throws Error(usage) for a bad file, every time it is asked.
const config::Configuration& configuration();

// The one way a command reads a setting that also has a flag: the flag when given (recorded in
// the configuration, so the setting's `where` is the flag's name), else the environment, the
// project file, the user file or the default, in that order (core/config). `flag` is the value
// when the flag was given.
const config::Setting& setting(std::string_view name, const std::optional<std::string>& flag, std::string_view flag_name);

// The value of a setting resolved by `setting`, nullopt when nothing set it.
std::optional<std::string> value_of(const config::Setting& s);

// Who chose a setting's value, the questions commands ask of config::Setting::origin (a key
// read with `configuration().get` has no flag: its origin is never the flag's):
// set_by_user: anyone over the built-in default: a flag, the environment, the user's file or the
//   project's strata.toml. False for the default and for a key nothing set.
bool set_by_user(const config::Setting& s);
// set_in_file: a configuration file, the project's or the user's (not a flag, not the
//   environment): a value to report by its file and line.
bool set_in_file(const config::Setting& s);
// chosen_by_project: the project's strata.toml, which may have come with a cloned repository;
//   what the trust model (config/trust.h) weighs.
bool chosen_by_project(const config::Setting& s);

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

// A project's trust in words: "trusted", "not trusted", "trusted before, but its settings
// changed since", ...
std::string trust_status_text(config::TrustStatus status);

// "/p/strata.toml:3: llm.base_url is ignored: it sends ... and this project is not trusted;
// review it, then run: strata trust /p" (one line).
std::string ignored_setting_text(const config::GuardedSetting& g, const std::filesystem::path& root,
                                 config::TrustStatus status);

// "/tmp/strata.toml (owner uid 1001) is owned by another user and was not read; ...".
std::string foreign_file_text(const config::ProjectTrust& trust);

}  // namespace strata::cli
