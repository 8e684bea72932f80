#pragma once
// strata's configuration files and the effective configuration built from them.
//
// Files (TOML, read with tomlplusplus):
// - the project file: the first `strata.toml` found from the working directory upward, the way
//   git finds `.git`;
// - the user file: $XDG_CONFIG_HOME/strata/config.toml (default ~/.config/strata/config.toml).
//
// Precedence, highest first: flags > environment > project file > user file > defaults. `load`
// applies everything but the flags; a command applies its flags with `Configuration::set_flag`.
//
// Every refusal is Error(usage) naming `file:line:col`: a malformed file, an unknown section or
// key (with the closest valid name), a value of the wrong type, and a secret written into a file
// (a key named like key/token/password/secret other than *_env: the file must name the
// environment variable that holds it instead).
//
// Relative paths in the project file (migrate.dir, store.path, and a sqlite: migrate.database)
// are relative to the file's directory; in the user file they stay relative to the working
// directory.
//
// The loader is pure: the working directory, the environment and file reads come in through
// `Environment`, so unit tests need no process state.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/trust.h"

namespace strata::config {

// A boolean's value is "true" or "false"; a number's (a TOML integer or float, not negative)
// its shortest decimal text ("0.5", "1").
enum class ValueType { string, integer, boolean, number };

// One key a file may set, e.g. {"store", "path"}.
struct KeySpec {
  std::string_view section;
  std::string_view key;
  ValueType type = ValueType::string;
  bool path = false;                  // resolved against the project file's directory
  std::string_view env;               // variable that overrides the files ("": none)
  std::string_view default_value;     // "": no default (the command decides, or nothing)
  std::string_view description;
  std::string_view peer_env = {};     // a peer tool's variable, read when `env` is unset ("": none)
};

// Every key, in the order `strata config` prints them.
const std::vector<KeySpec>& keys();

enum class Origin { unset, default_value, user_file, project_file, environment, flag };

struct Setting {
  std::string value;              // integers and numbers as their decimal text, booleans as true/false
  Origin origin = Origin::unset;
  std::string where;              // "default", "env STRATA_STORE", "/p/strata.toml:3", "--store"
  bool set() const { return origin != Origin::unset; }
};

struct Environment {
  std::filesystem::path cwd;                                                       // absolute
  std::function<std::optional<std::string>(const std::string&)> getenv;            // nullopt: unset
  std::function<std::optional<std::string>(const std::filesystem::path&)> read_file;  // nullopt: absent
  TrustProbe trust_probe;  // folder identities and file owners (config/trust.h); empty in unit tests
};

// Environment::read_file on the real filesystem: throws Error(usage) "PATH: is a directory, not
// a file" for a directory (so a `strata.toml` or user file that is one is refused, not skipped);
// other non-regular files and dangling links count as absent. The process's working directory
// and variables are the caller's to give (cli::process_environment): core reads none itself.
std::optional<std::string> read_settings_file(const std::filesystem::path& path);

inline constexpr long long k_default_mcp_timeout_seconds = 60;
inline constexpr long long k_max_mcp_timeout_seconds = 3600;

// [ingest.loaders]: an external converter per file extension (ingest/external_converter.h). A
// command is code, so it is honoured only from the user file: a project's strata.toml may come
// with a cloned repository, and ingesting that repository must not run commands it chose. A
// project file's table is therefore not applied; `ignored` says where it was, so ingest can say so.
struct LoaderCommand {
  std::string extension;  // the key as written: ".rtf"
  std::string command;    // as written
  std::string where;      // "/home/u/.config/strata/config.toml:4"
};
struct LoaderCommands {
  std::vector<LoaderCommand> commands;  // from the user file
  std::string ignored;                  // "/p/strata.toml:7" when a project file has the table; else empty
};

// [mcp.servers.NAME]: Model Context Protocol servers whose tools `strata ask --tools` may call
// (mcp/client.h starts them). Like the loaders, a server's command is code: honoured only from the
// user file; a project file's [mcp] table is not applied and `ignored` says where it was.
//
//   [mcp.servers.files]
//   command = ["npx", "-y", "@modelcontextprotocol/server-filesystem", "/home/ann/notes"]
//   env = { NODE_OPTIONS = "--max-old-space-size=256" }   # optional
//   timeout = 30                                          # optional: seconds a call may take
//   confirm = "writes"                                    # optional: which calls ask first
//
// NAME is 1 to 32 of [A-Za-z0-9_-]; `command` a non-empty array of strings (argv, no shell);
// `env` an inline table of strings; `timeout` an integer from 1 to 3600 (Default: 60); `confirm`
// one of "always", "writes", "never" (Default: "always", McpConfirm). The secrets
// rule does not apply to `env`'s values: they are strings the user wrote in their own file for a
// program they chose, which needs them literally (a token a server reads from its environment).
// Which of a server's tool calls the user confirms at the terminal (refused without one, unless
// --yes). A server's readOnlyHint is the server's word, and its answers are data: on its own it
// never lets a call run unasked, since a "read-only" tool that fetches a URL sends data out on a
// retrieved document's say-so. Only the user, in their own file, lets a server's calls run
// unasked: `writes` for the tools the server marks read-only, `never` for all of them.
enum class McpConfirm { always, writes, never };
const char* to_string(McpConfirm confirm);

struct McpServerConfig {
  std::string name;
  std::vector<std::string> command;                         // argv; command[0] found on PATH
  std::vector<std::pair<std::string, std::string>> env;     // added to the child's minimal environment
  std::chrono::seconds timeout{k_default_mcp_timeout_seconds};
  std::string where;                                        // "/home/u/.config/strata/config.toml:4"
  McpConfirm confirm = McpConfirm::always;
};
struct McpServers {
  std::vector<McpServerConfig> servers;  // from the user file, in the order the file lists them
  std::string ignored;                   // "/p/strata.toml:7" when a project file has [mcp]; else empty
};

struct Files {
  std::optional<std::filesystem::path> project;  // the strata.toml found, if any
  std::optional<std::filesystem::path> user;     // the user file, if it exists
  std::filesystem::path user_candidate;          // where the user file is looked for
};

Files find_files(const Environment& env);

// The user's cache folder: $XDG_CACHE_HOME when absolute (a relative one is ignored, as the XDG
// Base Directory specification says), else $HOME/.cache; "" when neither names one.
std::string cache_folder(const Environment& env);

class Configuration {
 public:
  // The setting for "section.key". REQUIRES: the name is one of keys().
  const Setting& get(std::string_view name) const;
  // The value, or nullopt when nothing set it (no default either).
  std::optional<std::string> value(std::string_view name) const;
  // A flag given on the command line wins over everything else. `flag` is its spelling ("--store").
  void set_flag(std::string_view name, std::string value, std::string flag);

  const std::map<std::string, Setting, std::less<>>& settings() const { return settings_; }
  Files files;
  // The trust decision for the project (config/trust.h): which of the project file's settings
  // were left out because the project is not trusted.
  ProjectTrust trust;
  // Called once per setting the first time `get` reads one that the trust model left out, so
  // that the CLI says so when it matters (and only then). Null: nothing is called.
  std::function<void(const GuardedSetting&)> on_ignored_read;
  LoaderCommands loaders;
  McpServers mcp_servers;

 private:
  friend Configuration load(const Environment& env);
  std::map<std::string, Setting, std::less<>> settings_;
  mutable std::vector<std::string> noticed_;  // ignored settings already passed to on_ignored_read
};

// Defaults, then the user file, the project file and the environment. Throws Error(usage).
// The project file's guarded settings (config/trust.h) apply only when the project is trusted
// (the trust file in the user's config folder, read through `env`); a strata.toml another user
// owns is not read unless its folder is trusted.
Configuration load(const Environment& env);

inline constexpr long long k_max_busy_timeout_seconds = 86400;

// store.busy_timeout ($STRATA_BUSY_TIMEOUT, strata.toml, default 60): whole seconds from 0 (do
// not wait) to a day. Throws Error(usage) naming the variable or file:line it came from.
std::chrono::milliseconds store_busy_timeout(const Configuration& c);

// Parses one file's text into `settings` (the layer `origin`) and, when given, its
// [ingest.loaders] into `loaders` (see LoaderCommands) and its [mcp] into `mcp` (see McpServers).
// Exposed for tests.
void apply_file(const std::filesystem::path& file, const std::string& text, Origin origin,
                std::map<std::string, Setting, std::less<>>& settings, LoaderCommands* loaders = nullptr,
                McpServers* mcp = nullptr);

// Damerau-Levenshtein (optimal string alignment) distance.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest of `candidates` to `word`, when close enough to be a likely typo.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

// "default", "user file", "project file", "environment", "flag" or "unset".
std::string_view to_string(Origin origin);

}  // namespace strata::config
