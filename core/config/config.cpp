#include "config/config.h"

#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/error.h"
#include "common/text.h"
#include "config/project_root.h"
#include "migrate/engines/engine_url.h"
#include "net/url_secrets.h"
#include "store/store.h"

namespace strata::config {
namespace {

namespace fs = std::filesystem;

// A usage error whose text may quote a configuration file (the parser quotes the file's bytes
// back): its control characters written as escapes, so a refusal stays one line that cannot
// drive the terminal.
[[noreturn]] void usage(const std::string& message, const std::string& hint = {}) {
  strata::usage(escape_control_characters(message), escape_control_characters(hint));
}

std::string at(const fs::path& file, const toml::source_region& where) {
  return file.string() + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
}

// A key that would hold a secret itself rather than the name of the variable holding it.
bool names_a_secret(std::string_view key) {
  const std::string k = to_lower(key);
  if (k.ends_with("_env")) return false;
  for (const char* word : {"key", "token", "password", "passwd", "secret"}) {
    if (k.find(word) != std::string::npos) return true;
  }
  return false;
}

bool valid_variable_name(const std::string& name) {
  return !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) != 0 || name[0] == '_') &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

std::string_view type_name(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

std::vector<std::string> section_names() {
  std::vector<std::string> out;
  for (const KeySpec& k : keys()) {
    if (out.empty() || out.back() != k.section) out.emplace_back(k.section);
  }
  return out;
}

std::vector<std::string> key_names(std::string_view section) {
  std::vector<std::string> out;
  for (const KeySpec& k : keys()) {
    if (k.section == section) out.emplace_back(k.key);
  }
  return out;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

const KeySpec* find_key(std::string_view section, std::string_view key) {
  for (const KeySpec& k : keys()) {
    if (k.section == section && k.key == key) return &k;
  }
  return nullptr;
}

// The shortest text that reads back as `n` ("0.1", not "0.100000").
std::string number_text(double n) {
  char buf[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, n);
    if (std::strtod(buf, nullptr) == n) break;
  }
  return buf;
}

std::string full_name(const KeySpec& k) { return std::string(k.section) + "." + std::string(k.key); }

// A relative path in the project file, made absolute against the file's directory.
std::string resolve_path(const KeySpec& spec, const std::string& value, const fs::path& base) {
  if (spec.section == "migrate" && spec.key == "database") {
    if (migrate::server_url(value)) return value;
    std::string path;
    try {
      path = migrate::file_path_from_url(value);
    } catch (const Error&) {
      return value;  // migrate reports a bad URL itself, naming the flag or variable
    }
    if (path.empty() || fs::path(path).is_absolute()) return value;
    const bool plain = path == value;
    const std::string resolved = (base / path).lexically_normal().string();
    return plain ? resolved : migrate::file_url(resolved);
  }
  if (value.empty() || fs::path(value).is_absolute() || store::is_store_url(value)) return value;
  return (base / value).lexically_normal().string();
}

}  // namespace

const std::vector<KeySpec>& keys() {
  static const std::vector<KeySpec> k_keys = {
      {"migrate", "dir", ValueType::string, true, "STRATA_MIGRATIONS_DIR", "./migrations", "migration files",
       "DBMATE_MIGRATIONS_DIR"},
      {"migrate", "database", ValueType::string, true, "DATABASE_URL", "", "database URL or SQLite file"},
      {"migrate", "table", ValueType::string, false, "", "strata_migrations", "history table"},
      {"migrate", "history_table", ValueType::string, false, "", "",
       "Flyway's history table, to take it over; empty: flyway.table or spring.flyway.table in the project's "
       "configuration files, else flyway_schema_history"},
      {"migrate", "envsub", ValueType::boolean, false, "", "false",
       "expand ${NAME} from the environment in every migration, not only in sections marked envsub:on"},
      {"migrate", "ddl_lock_timeout", ValueType::number, false, "", "",
       "seconds each migration statement waits for a table's lock (PostgreSQL lock_timeout, MySQL lock_wait_timeout); "
       "empty: the server's"},
      {"migrate", "server_version", ValueType::string, false, "", "",
       "MySQL, MariaDB: the server lint judges for without a connected one (mariadb-10.11, mysql-8.0); empty: mariadb-10.11"},
      {"store", "path", ValueType::string, true, "STRATA_STORE", ".strata/store.db",
       "knowledge store file, or a postgres:// URL"},
      {"store", "url", ValueType::string, false, "", "", "knowledge store on a PostgreSQL server (postgres://…); wins over store.path"},
      {"store", "collection", ValueType::string, false, "", "default", "collection name"},
      {"store", "busy_timeout", ValueType::integer, false, "STRATA_BUSY_TIMEOUT", "60",
       "seconds to wait for another process's lock on the store"},
      {"chunk", "strategy", ValueType::string, false, "", "", "fixed, recursive, paragraph, sentence, markdown or token"},
      {"chunk", "size", ValueType::integer, false, "", "1200", "largest chunk, in unit"},
      {"chunk", "overlap", ValueType::integer, false, "", "0", "tail repeated at the next chunk's head"},
      {"chunk", "min_size", ValueType::integer, false, "", "", "join smaller chunks to a neighbour; 0: off (default: a sixth of size)"},
      {"chunk", "unit", ValueType::string, false, "", "", "chars, bytes or tokens (default: chars; tokens for the token strategy)"},
      {"chunk", "tokenizer", ValueType::string, false, "", "cl100k_base", "cl100k_base or o200k_base"},
      {"ingest", "include_generated", ValueType::boolean, false, "", "false",
       "also ingest generated and non-text files (SVG, search indexes, Sphinx _sources, ...)"},
      {"ingest", "loader_timeout", ValueType::integer, false, "", "60",
       "seconds an external converter ([ingest.loaders]) may run on one file"},
      {"ingest", "embed", ValueType::boolean, false, "", "false",
       "embed new chunks with a server model during ingest (the built-in model's always are)"},
      {"search", "rerank", ValueType::boolean, false, "", "false", "re-score the best candidates with the [rerank] server"},
      {"rerank", "base_url", ValueType::string, false, "", "", "reranker server, up to /rerank (llama.cpp, Jina, Cohere, Voyage)"},
      {"rerank", "model", ValueType::string, false, "", "", "reranker model (none sent when empty)"},
      {"rerank", "api_key_env", ValueType::string, false, "", "", "variable holding the reranker's key (user file only)"},
      {"rerank", "candidates", ValueType::integer, false, "", "50", "candidates sent to the reranker (at least -k)"},
      {"search", "vector_weight", ValueType::number, false, "", "",
       "hybrid search: the vector list's weight, 0 to 1 (default: 0.03 for the built-in models, 1 for a server's)"},
      {"search", "title_cap", ValueType::integer, false, "", "0",
       "keyword ranking: a title of more terms than this weighs less, as a label of this many (0: none)"},
      {"embed", "provider", ValueType::string, false, "", "", "local or openai"},
      {"embed", "model", ValueType::string, false, "", "", "embedding model"},
      {"embed", "base_url", ValueType::string, false, "OPENAI_BASE_URL", "", "OpenAI-compatible API"},
      {"embed", "api_key_env", ValueType::string, false, "", "OPENAI_API_KEY", "variable holding the API key"},
      {"llm", "provider", ValueType::string, false, "STRATA_LLM_PROVIDER", "", "openai, anthropic or none"},
      {"llm", "model", ValueType::string, false, "STRATA_LLM_MODEL", "", "chat model"},
      {"llm", "base_url", ValueType::string, false, "STRATA_LLM_BASE_URL", "", "chat API"},
      {"llm", "api_key_env", ValueType::string, false, "", "", "variable holding the API key"},
      {"llm", "system", ValueType::string, false, "", "", "your own instructions for the model, before strata's citation rules"},
      {"llm", "prompt_template", ValueType::string, false, "", "",
       "the user message, with {sources} and {question} (default: Sources, the sources, Question, the question)"},
      {"trust", "endpoints", ValueType::string, false, "STRATA_TRUSTED_ENDPOINTS", "",
       "servers a project file may point a key at: scheme://host[:port], space-separated (user file or environment only)"},
      {"embed", "query_prefix", ValueType::string, false, "", "",
       "text before every query the model embeds (default: the model's own; \"\" for none)"},
      {"embed", "document_prefix", ValueType::string, false, "", "",
       "text before every chunk the model embeds (default: the model's own; \"\" for none)"},
      {"search", "ann_min_chunks", ValueType::integer, false, "", "100000",
       "strata mcp and serve: collections with this many vectors get an approximate index"},
      {"search", "ann_max_memory_mb", ValueType::integer, false, "", "4096",
       "strata mcp and serve: the most memory their approximate indexes take together, in MiB"},
      {"search", "ann_kind", ValueType::string, false, "", "rabitq",
       "strata mcp and serve: the approximate index, rabitq (bit codes, built in seconds) or hnsw (a graph)"},
  };
  return k_keys;
}

std::string_view to_string(Origin origin) {
  switch (origin) {
    case Origin::unset: return "unset";
    case Origin::default_value: return "default";
    case Origin::user_file: return "user file";
    case Origin::project_file: return "project file";
    case Origin::environment: return "environment";
    case Origin::flag: return "flag";
  }
  return "unset";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string w = to_lower(word);
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(w, c);
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  // A typo, not a different word: at most a third of the longer word, and never more than 3.
  const std::size_t longest = best ? std::max(w.size(), best->size()) : 0;
  if (!best || best_distance > std::min<std::size_t>(3, std::max<std::size_t>(1, longest / 3))) return std::nullopt;
  return best;
}

const Setting& Configuration::get(std::string_view name) const {
  const auto it = settings_.find(name);
  if (it == settings_.end()) throw std::logic_error("unknown configuration key " + std::string(name));
  if (on_ignored_read && !trust.ignored.empty() &&
      std::find(noticed_.begin(), noticed_.end(), name) == noticed_.end()) {
    for (const GuardedSetting& g : trust.ignored) {
      if (g.name != name) continue;
      noticed_.emplace_back(name);
      on_ignored_read(g);
      break;
    }
  }
  return it->second;
}

std::optional<std::string> Configuration::value(std::string_view name) const {
  const Setting& s = get(name);
  if (!s.set()) return std::nullopt;
  return s.value;
}

void Configuration::set_flag(std::string_view name, std::string value, std::string flag) {
  const auto it = settings_.find(name);
  if (it == settings_.end()) throw std::logic_error("unknown configuration key " + std::string(name));
  it->second = Setting{std::move(value), Origin::flag, std::move(flag)};
}

namespace {

// [ingest.loaders]: "extension" = "command" pairs. The user file's are validated here, so that a
// typo is reported at its line; the project file's are not applied at all (config.h says why).
void apply_loaders(const fs::path& file, const toml::node& node, Origin origin, LoaderCommands* loaders) {
  if (origin == Origin::project_file) {
    if (loaders != nullptr) loaders->ignored = file.string() + ":" + std::to_string(node.source().begin.line);
    return;
  }
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    usage(at(file, node.source()) + ": ingest.loaders must be a table ([ingest.loaders]), not " +
          std::string(type_name(node.type())));
  }
  for (auto&& [key, value] : *table) {
    const auto* command = value.as_string();
    if (command == nullptr) {
      usage(at(file, value.source()) + ": ingest.loaders.\"" + std::string(key.str()) + "\" must be a string (the command), not " +
            std::string(type_name(value.type())));
    }
    if (loaders != nullptr) {
      loaders->commands.push_back({std::string(key.str()), command->get(),
                                   file.string() + ":" + std::to_string(value.source().begin.line)});
    }
  }
}

// The common start of an [mcp.servers.NAME] refusal: "FILE:L:C: mcp.servers.NAME.KEY".
std::string mcp_at(const fs::path& file, const toml::node& node, const std::string& server, std::string_view key = {}) {
  return at(file, node.source()) + ": mcp.servers." + server + (key.empty() ? "" : "." + std::string(key));
}

bool valid_server_name(std::string_view name) {
  return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
}

std::vector<std::string> mcp_command(const fs::path& file, const toml::node& node, const std::string& server) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    usage(mcp_at(file, node, server, "command") + " must be an array of strings (the program and its arguments), not " +
              std::string(type_name(node.type())),
          "for example command = [\"npx\", \"-y\", \"@modelcontextprotocol/server-everything\"]");
  }
  if (array->empty()) usage(mcp_at(file, node, server, "command") + " is empty: name the program to run");
  std::vector<std::string> argv;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& word = *array->get(i);
    const auto* text = word.as_string();
    if (text == nullptr) {
      usage(mcp_at(file, word, server, "command") + "[" + std::to_string(i) + "] must be a string, not " +
            std::string(type_name(word.type())));
    }
    argv.push_back(text->get());
  }
  if (argv.front().empty()) usage(mcp_at(file, node, server, "command") + "[0] (the program) is empty");
  return argv;
}

std::vector<std::pair<std::string, std::string>> mcp_env(const fs::path& file, const toml::node& node,
                                                          const std::string& server) {
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    usage(mcp_at(file, node, server, "env") + " must be a table of strings, not " + std::string(type_name(node.type())),
          "for example env = { ROOT = \"/home/me/notes\" }");
  }
  std::vector<std::pair<std::string, std::string>> env;
  for (auto&& [key, value] : *table) {
    const std::string name(key.str());
    if (!valid_variable_name(name)) {
      usage(mcp_at(file, value, server, "env") + ": '" + name + "' is not an environment variable name (letters, digits and _)");
    }
    const auto* text = value.as_string();
    if (text == nullptr) {
      usage(mcp_at(file, value, server, "env") + "." + name + " must be a string, not " + std::string(type_name(value.type())));
    }
    env.emplace_back(name, text->get());
  }
  return env;
}

std::chrono::seconds mcp_timeout(const fs::path& file, const toml::node& node, const std::string& server) {
  const auto* seconds = node.as_integer();
  if (seconds == nullptr || seconds->get() < 1 || seconds->get() > k_max_mcp_timeout_seconds) {
    usage(mcp_at(file, node, server, "timeout") + " must be a whole number of seconds from 1 to " +
          std::to_string(k_max_mcp_timeout_seconds) + ", not " +
          (seconds == nullptr ? std::string(type_name(node.type())) : std::to_string(seconds->get())));
  }
  return std::chrono::seconds(seconds->get());
}

McpConfirm mcp_confirm(const fs::path& file, const toml::node& node, const std::string& server) {
  const auto* text = node.as_string();
  const std::string value = text != nullptr ? text->get() : std::string();
  for (const McpConfirm c : {McpConfirm::always, McpConfirm::writes, McpConfirm::never}) {
    if (value == to_string(c)) return c;
  }
  usage(mcp_at(file, node, server, "confirm") + " must be \"always\", \"writes\" or \"never\", not " +
            (text != nullptr ? "\"" + value + "\"" : std::string(type_name(node.type()))),
        "always: every call asks first; writes: calls of tools the server marks read-only run unasked; never: "
        "no call asks");
}

McpServerConfig mcp_server(const fs::path& file, const std::string& name, const toml::node& node) {
  if (!valid_server_name(name)) {
    usage(at(file, node.source()) + ": mcp.servers: '" + name + "' is not a valid server name",
          "a name is 1 to 32 letters, digits, _ or -");
  }
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    usage(mcp_at(file, node, name) + " must be a table ([mcp.servers." + name + "]), not " +
          std::string(type_name(node.type())));
  }
  McpServerConfig server{name, {}, {}, std::chrono::seconds(k_default_mcp_timeout_seconds),
                         file.string() + ":" + std::to_string(node.source().begin.line)};
  const std::vector<std::string> keys = {"command", "env", "timeout", "confirm"};
  for (auto&& [key, value] : *table) {
    const std::string k(key.str());
    if (k == "command") {
      server.command = mcp_command(file, value, name);
    } else if (k == "env") {
      server.env = mcp_env(file, value, name);
    } else if (k == "timeout") {
      server.timeout = mcp_timeout(file, value, name);
    } else if (k == "confirm") {
      server.confirm = mcp_confirm(file, value, name);
    } else {
      const auto guess = closest(k, keys);
      usage(at(file, key.source()) + ": unknown key mcp.servers." + name + "." + k +
                (guess ? "; did you mean mcp.servers." + name + "." + *guess + "?" : ""),
            "keys in [mcp.servers." + name + "]: " + join(keys));
    }
  }
  if (server.command.empty()) {
    usage(mcp_at(file, node, name) + " has no command",
          "for example command = [\"npx\", \"-y\", \"@modelcontextprotocol/server-everything\"]");
  }
  return server;
}

// [mcp]: only `servers`, a table of server tables. The user file's are validated here; the
// project file's are not applied at all (config.h says why).
void apply_mcp(const fs::path& file, const toml::node& node, Origin origin, McpServers* mcp) {
  if (origin == Origin::project_file) {
    if (mcp != nullptr) mcp->ignored = file.string() + ":" + std::to_string(node.source().begin.line);
    return;
  }
  const toml::table* table = node.as_table();
  if (table == nullptr) usage(at(file, node.source()) + ": mcp must be a table ([mcp]), not " + std::string(type_name(node.type())));
  for (auto&& [key, value] : *table) {
    if (key.str() != "servers") {
      const auto guess = closest(key.str(), {"servers"});
      usage(at(file, key.source()) + ": unknown key mcp." + std::string(key.str()) + (guess ? "; did you mean mcp.servers?" : ""),
            "keys in [mcp]: servers, a table per server ([mcp.servers.NAME])");
    }
    const toml::table* servers = value.as_table();
    if (servers == nullptr) {
      usage(at(file, value.source()) + ": mcp.servers must be a table ([mcp.servers.NAME] per server), not " +
            std::string(type_name(value.type())));
    }
    // toml++ keeps a table's keys sorted; the servers go in the file's order (the order they start in).
    std::vector<std::pair<std::uint32_t, McpServerConfig>> in_order;
    for (auto&& [name, server] : *servers) {
      in_order.emplace_back(server.source().begin.line, mcp_server(file, std::string(name.str()), server));
    }
    std::stable_sort(in_order.begin(), in_order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [line, server] : in_order) {
      if (mcp != nullptr) mcp->servers.push_back(std::move(server));
    }
  }
}

}  // namespace

const char* to_string(McpConfirm confirm) {
  switch (confirm) {
    case McpConfirm::always: return "always";
    case McpConfirm::writes: return "writes";
    case McpConfirm::never: return "never";
  }
  return "always";
}

void apply_file(const fs::path& file, const std::string& text, Origin origin,
                std::map<std::string, Setting, std::less<>>& settings, LoaderCommands* loaders, McpServers* mcp) {
  toml::table root;
  try {
    root = toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    usage(at(file, e.source()) + ": " + std::string(e.description()), "strata.toml is TOML: see strata.toml(5)");
  }
  const fs::path base = file.parent_path();
  for (auto&& [section_key, section_node] : root) {
    const std::string section(section_key.str());
    if (section == "mcp") {
      apply_mcp(file, section_node, origin, mcp);
      continue;
    }
    std::vector<std::string> sections = section_names();
    sections.emplace_back("mcp");
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
      const auto guess = closest(section, sections);
      usage(at(file, section_key.source()) + ": unknown section [" + section + "]" +
                (guess ? "; did you mean [" + *guess + "]?" : ""),
            "sections: " + join(sections));
    }
    const toml::table* table = section_node.as_table();
    if (table == nullptr) {
      usage(at(file, section_node.source()) + ": " + section + " must be a table ([" + section + "]), not " +
            std::string(type_name(section_node.type())));
    }
    for (auto&& [key_key, node] : *table) {
      const std::string key(key_key.str());
      const std::string name = section + "." + key;
      if (name == "ingest.loaders") {
        apply_loaders(file, node, origin, loaders);
        continue;
      }
      if (names_a_secret(key)) {
        // Never repeat the value: it is a secret.
        usage(at(file, key_key.source()) + ": " + name + ": secrets are not read from files; name the environment "
                  "variable that holds it instead",
              "for example " + key + "_env = \"OPENAI_API_KEY\", with the key exported in that variable");
      }
      const KeySpec* spec = find_key(section, key);
      if (spec == nullptr) {
        std::vector<std::string> names = key_names(section);
        if (section == "ingest") names.emplace_back("loaders");
        const auto guess = closest(key, names);
        usage(at(file, key_key.source()) + ": unknown key " + name +
                  (guess ? "; did you mean " + section + "." + *guess + "?" : ""),
              "keys in [" + section + "]: " + join(names));
      }
      std::string value;
      if (spec->type == ValueType::boolean) {
        const auto* b = node.as_boolean();
        if (b == nullptr) {
          usage(at(file, node.source()) + ": " + name + " must be true or false, not " + std::string(type_name(node.type())));
        }
        value = b->get() ? "true" : "false";
      } else if (spec->type == ValueType::number) {
        const std::optional<double> n = node.is_integer() ? std::optional<double>(static_cast<double>(*node.value<std::int64_t>()))
                                                          : node.value<double>();
        if (!n || !std::isfinite(*n) || *n < 0.0) {
          usage(at(file, node.source()) + ": " + name + " must be a non-negative number, not " +
                (!n                   ? std::string(type_name(node.type()))
                 : !std::isfinite(*n) ? std::string("nan or inf")
                                      : std::string("a negative number")));
        }
        value = number_text(*n);
      } else if (spec->type == ValueType::integer) {
        const auto* i = node.as_integer();
        if (i == nullptr || i->get() < 0) {
          usage(at(file, node.source()) + ": " + name + " must be a non-negative integer, not " +
                (i == nullptr ? std::string(type_name(node.type())) : "a negative number"));
        }
        value = std::to_string(i->get());
      } else {
        const auto* s = node.as_string();
        if (s == nullptr) {
          usage(at(file, node.source()) + ": " + name + " must be a string, not " + std::string(type_name(node.type())));
        }
        value = s->get();
        if (net::url_has_password(value)) {
          // Never repeat the value: it holds a password.
          usage(at(file, node.source()) + ": " + name + ": the URL holds a password; secrets are not read from files",
                "leave the password out of the URL: PostgreSQL reads it from $PGPASSWORD or ~/.pgpass, "
                "a server's key comes from its *_env variable");
        }
        if (name == "trust.endpoints" && origin == Origin::project_file) {
          usage(at(file, node.source()) + ": trust.endpoints is read from your own config file or "
                    "$STRATA_TRUSTED_ENDPOINTS only: a project's strata.toml must not choose which servers receive your keys",
                "move it to ~/.config/strata/config.toml");
        }
        if (key.ends_with("_env") && !valid_variable_name(value)) {
          // Not repeated: it may be the key itself, pasted where its variable's name belongs.
          usage(at(file, node.source()) + ": " + name +
                    " takes the name of an environment variable (letters, digits and _), not a key",
                "for example " + key + " = \"OPENAI_API_KEY\"");
        }
        if (spec->path && origin == Origin::project_file) value = resolve_path(*spec, value, base);
      }
      settings[name] = Setting{std::move(value), origin,
                               file.string() + ":" + std::to_string(node.source().begin.line)};
    }
  }
}

std::chrono::milliseconds store_busy_timeout(const Configuration& c) {
  const Setting& s = c.get("store.busy_timeout");
  // A file's value is already a non-negative TOML integer; the variable's is any text.
  const bool from_variable = s.origin == Origin::environment;
  const std::string name = from_variable ? std::string(s.where.substr(4)) : s.where + ": store.busy_timeout";
  long long seconds = -1;
  const char* end = s.value.data() + s.value.size();
  const auto [ptr, ec] = std::from_chars(s.value.data(), end, seconds);
  if (s.value.empty() || ec != std::errc() || ptr != end || seconds < 0 || seconds > k_max_busy_timeout_seconds) {
    usage(name + " must be a whole number of seconds from 0 to " + std::to_string(k_max_busy_timeout_seconds) +
              " (got '" + s.value + "')",
          "how long a command waits for another process's lock on the store; 0: not at all");
  }
  return std::chrono::seconds(seconds);
}

std::optional<std::string> read_settings_file(const fs::path& path) {
  std::error_code e;
  const fs::file_status status = fs::status(path, e);
  // A directory where a file is looked for is a mistake to point out, not a file that is
  // absent: skipping it would silently drop the settings its owner meant to write there.
  if (fs::is_directory(status)) {
    usage(path.string() + ": is a directory, not a file",
          "strata reads its settings from this path (see strata.toml(5)); rename or remove the directory");
  }
  if (!fs::is_regular_file(status)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) usage("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string cache_folder(const Environment& env) {
  if (const auto xdg = env.getenv("XDG_CACHE_HOME"); xdg && !xdg->empty() && (*xdg)[0] == '/') return *xdg;
  if (const auto home = env.getenv("HOME"); home && !home->empty() && (*home)[0] == '/') return *home + "/.cache";
  return {};
}

Files find_files(const Environment& env) {
  Files files;
  for (fs::path dir = env.cwd;; dir = dir.parent_path()) {
    const fs::path candidate = dir / "strata.toml";
    if (env.read_file(candidate)) {
      files.project = candidate;
      break;
    }
    if (dir == dir.parent_path() || dir.empty()) break;
  }
  if (const auto xdg = env.getenv("XDG_CONFIG_HOME"); xdg && fs::path(*xdg).is_absolute()) {
    files.user_candidate = fs::path(*xdg) / "strata" / "config.toml";
  } else if (const auto home = env.getenv("HOME")) {
    files.user_candidate = fs::path(*home) / ".config" / "strata" / "config.toml";
  }
  if (!files.user_candidate.empty() && env.read_file(files.user_candidate)) files.user = files.user_candidate;
  return files;
}

namespace {

std::vector<TrustRecord> trust_records(const Environment& env) {
  const fs::path file = trust_file_path(env.getenv);
  if (file.empty()) return {};
  const std::optional<std::string> text = env.read_file(file);
  return text ? parse_trust_records(*text, file) : std::vector<TrustRecord>{};
}

std::string identity_of(const Environment& env, const fs::path& dir) {
  return env.trust_probe.identity ? env.trust_probe.identity(dir) : std::string();
}

// A strata.toml another user owns (planted in /tmp, a shared folder above the checkout) is not
// read unless the user trusted its folder as it is now: git refuses such a repository too.
void drop_foreign_project_file(const Environment& env, const std::vector<TrustRecord>& records, Configuration& c) {
  if (!c.files.project || !env.trust_probe.foreign_owner) return;
  const auto owner = env.trust_probe.foreign_owner(*c.files.project);
  if (!owner) return;
  const fs::path dir = project_root(env.cwd, c.files.project);
  const TrustRecord* r = find_record(records, dir);
  const std::string id = identity_of(env, dir);
  if (r != nullptr && !id.empty() && r->identity == id) return;
  c.trust.foreign_file = c.files.project->string() + " (owner uid " + std::to_string(*owner) + ")";
  c.trust.foreign_root = dir;
  c.files.project.reset();
}

// The project file's settings that need consent, as the file has them.
std::vector<GuardedSetting> guarded_settings(const std::map<std::string, Setting, std::less<>>& settings,
                                             const fs::path& root) {
  std::vector<GuardedSetting> out;
  for (const auto& [name, s] : settings) {
    if (s.origin != Origin::project_file) continue;
    if (const auto power = guarded_power(name, s.value, root)) out.push_back({name, s.value, s.where, *power});
  }
  return out;
}

}  // namespace

Configuration load(const Environment& env) {
  Configuration c;
  for (const KeySpec& k : keys()) {
    Setting s;
    if (!k.default_value.empty()) s = Setting{std::string(k.default_value), Origin::default_value, "default"};
    c.settings_[full_name(k)] = s;
  }
  c.files = find_files(env);
  const std::vector<TrustRecord> records = trust_records(env);
  drop_foreign_project_file(env, records, c);
  if (c.files.user) {
    // A project file in the user's config directory is read once, as the user file.
    apply_file(*c.files.user, env.read_file(*c.files.user).value_or(""), Origin::user_file, c.settings_, &c.loaders,
               &c.mcp_servers);
  }
  const auto users_own = c.settings_;  // what stands where the project's guarded settings are left out
  if (c.files.project && c.files.project != c.files.user) {
    apply_file(*c.files.project, env.read_file(*c.files.project).value_or(""), Origin::project_file, c.settings_,
               &c.loaders, &c.mcp_servers);
  }
  c.trust.root = project_root(env.cwd, c.files.project);
  c.trust.guarded = guarded_settings(c.settings_, c.trust.root);
  // Hashed only when a consent is on record: every command loads the configuration, and the
  // hash would load libcrypto at each start-up (tests/e2e/cli.sh).
  if (find_record(records, c.trust.root) != nullptr) c.trust.fingerprint = fingerprint(c.trust.guarded);
  c.trust.status = decide(records, c.trust.root, identity_of(env, c.trust.root), c.trust.fingerprint);
  for (const KeySpec& k : keys()) {
    for (const std::string_view name : {k.env, k.peer_env}) {
      if (name.empty()) continue;
      if (const auto v = env.getenv(std::string(name))) {
        c.settings_[full_name(k)] = Setting{*v, Origin::environment, "env " + std::string(name)};
        break;
      }
    }
  }
  if (!c.trust.trusted()) {
    for (const GuardedSetting& g : c.trust.guarded) {
      Setting& s = c.settings_[g.name];
      if (s.origin != Origin::project_file) continue;  // the environment chose: the file's value plays no part
      s = users_own.at(g.name);
      c.trust.ignored.push_back(g);
    }
  }
  return c;
}

}  // namespace strata::config
