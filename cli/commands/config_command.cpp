#include "config_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "config/public.h"
#include "json_text.h"
#include "net/public.h"
#include "option_bundles.h"
#include "output.h"
#include "settings.h"

namespace strata::cli {
namespace {

using nlohmann::json;

struct ConfigCliOptions {
  OutputOptions out;  // out.color: the run's (RunContext)
  bool path = false;
};

// A key's secret: the variable an *.api_key_env names, and whether it is set. The value itself
// is never read into the output.
struct Secret {
  std::string name;      // "embed.api_key"
  std::string variable;  // "OPENAI_API_KEY"
  std::string where;     // where the variable's name came from
  bool set = false;
};

std::vector<Secret> secrets(const config::Configuration& c, const config::Environment& env) {
  std::vector<Secret> out;
  for (const char* section : {"embed", "llm"}) {
    const std::string prefix(section);
    const config::Setting& name = c.get(prefix + ".api_key_env");
    Secret s{prefix + ".api_key", name.value, name.where, false};
    if (!name.set()) {
      // ask's default follows the provider: Anthropic's key for Anthropic, OpenAI's otherwise.
      const std::string provider = c.value("llm.provider").value_or("");
      const std::string model = c.value("llm.model").value_or("");
      const bool anthropic = provider == "anthropic" || (provider.empty() && model.starts_with("claude"));
      s.variable = anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
      s.where = "default";
    }
    s.set = env.getenv(s.variable).has_value();
    out.push_back(std::move(s));
  }
  return out;
}

json path_or_null(const std::optional<std::filesystem::path>& p) { return p ? json(p->string()) : json(nullptr); }

int run_paths(const ConfigCliOptions& o, const config::Configuration& c) {
  const config::Files& f = c.files;
  if (o.out.json) {
    std::cout << json_text(json{{"project", path_or_null(f.project)},
                      {"user", path_or_null(f.user)},
                      {"user_candidate", f.user_candidate.string()}})
              << '\n';
    return 0;
  }
  std::cout << "project: " << safe_on_stdout(f.project ? f.project->string() : "(none: no strata.toml here or above)")
            << '\n';
  std::cout << "user: "
            << safe_on_stdout(f.user ? f.user->string() : "(none: " + f.user_candidate.string() + " does not exist)")
            << '\n';
  return 0;
}

int run_config(const ConfigCliOptions& o) {
  const config::Environment env = process_environment();
  const config::Configuration& c = configuration();
  if (o.path) return run_paths(o, c);
  const std::vector<Secret> keys = secrets(c, env);
  if (o.out.json) {
    json settings = json::object();
    for (const config::KeySpec& k : config::keys()) {
      const std::string name = std::string(k.section) + "." + std::string(k.key);
      const config::Setting& s = c.get(name);
      json value = nullptr;
      if (s.set()) {
        if (k.type == config::ValueType::integer) {
          value = std::stoll(s.value);
        } else if (k.type == config::ValueType::number) {
          value = std::stod(s.value);
        } else if (k.type == config::ValueType::boolean) {
          value = s.value == "true";
        } else {
          value = net::redact_url(s.value);
        }
      }
      settings[name] = {{"value", value}, {"source", config::to_string(s.origin)}, {"where", s.where}};
    }
    json secret_json = json::object();
    for (const Secret& s : keys) secret_json[s.name] = {{"variable", s.variable}, {"set", s.set}};
    // What the trust model left out (config/trust.h), so that a script sees it without stderr.
    json ignored = json::array();
    for (const config::GuardedSetting& g : c.trust.ignored) {
      ignored.push_back({{"key", g.name}, {"where", g.where}, {"power", config::to_string(g.power)}});
    }
    std::cout << json_text(json{{"files", {{"project", path_or_null(c.files.project)}, {"user", path_or_null(c.files.user)}}},
                      {"settings", settings},
                      {"secrets", secret_json},
                      {"trust", {{"project", c.trust.root.string()},
                                 {"status", config::to_string(c.trust.status)},
                                 {"ignored", ignored}}}})
              << '\n';
    return 0;
  }
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  if (!terminal) {
    // One line per value, tab-separated: name, value (empty when unset), where it came from.
    for (const config::KeySpec& k : config::keys()) {
      const std::string name = std::string(k.section) + "." + std::string(k.key);
      const config::Setting& s = c.get(name);
      std::cout << name << '\t' << safe_on_stdout(net::redact_url(s.value)) << '\t'
                << safe_on_stdout(s.set() ? s.where : "unset") << '\n';
    }
    for (const Secret& s : keys) {
      std::cout << s.name << '\t' << (s.set ? "set" : "unset") << "\tenv " << s.variable << '\n';
    }
    return 0;
  }
  const bool color = color_enabled(o.out.color, STDOUT_FILENO);
  Table table({"KEY", "VALUE", "FROM"});
  for (const config::KeySpec& k : config::keys()) {
    const std::string name = std::string(k.section) + "." + std::string(k.key);
    const config::Setting& s = c.get(name);
    table.add({name, s.set() ? revealed(net::redact_url(s.value)) : "-", s.set() ? s.where : "unset"},
              {Tone::plain, s.set() ? Tone::plain : Tone::dim, Tone::dim});
  }
  for (const Secret& s : keys) {
    table.add({s.name, s.set ? "set" : "unset", "env " + s.variable},
              {Tone::plain, s.set ? Tone::good : Tone::warn, Tone::dim});
  }
  table.print(std::cout, color);
  return 0;
}

}  // namespace

Run setup_config(CLI::App& cmd) {
  auto o = std::make_shared<ConfigCliOptions>();
  cmd.add_flag("--path", o->path, "Print which configuration files were found");
  add_output_options(cmd, o->out, {"One JSON object: each value with its source; secrets as set/unset", nullptr});
  cmd.footer(
      "Examples:\n"
      "  strata config\n"
      "  strata config --path\n"
      "  strata config --json | jq -r '.settings[\"store.path\"].value'\n"
      "Exit: 0 printed, 2 usage (a configuration file that cannot be used)");
  return [o](const RunContext& context) {
    o->out.color = context.color;
    return run_config(*o);
  };
}

}  // namespace strata::cli
