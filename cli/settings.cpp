#include "settings.h"

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "config/public.h"
#include "output.h"

namespace strata::cli {
namespace {

// A word the shell takes back as it is: the path in a command the user is told to run.
std::string shell_word(const std::string& word) {
  const bool plain = !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                             "0123456789/._-+=:,@") == std::string::npos;
  if (plain) return word;
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string trust_command(const std::filesystem::path& root) { return "strata trust " + shell_word(root.string()); }

// Only `setting` changes the configuration after it is loaded: a flag given on the command line.
config::Configuration& loaded_configuration() {
  static const std::unique_ptr<config::Configuration> loaded = [] {
    auto c = std::make_unique<config::Configuration>(config::load(process_environment()));
    if (!c->trust.foreign_file.empty()) {
      print_warning(foreign_file_text(c->trust), ColorMode::automatic);
    }
    c->on_ignored_read = [root = c->trust.root, status = c->trust.status](const config::GuardedSetting& g) {
      print_warning(ignored_setting_text(g, root, status), ColorMode::automatic);
    };
    return c;
  }();
  return *loaded;
}

}  // namespace

const config::Configuration& configuration() { return loaded_configuration(); }

const config::Setting& setting(std::string_view name, const std::optional<std::string>& flag, std::string_view flag_name) {
  config::Configuration& c = loaded_configuration();
  if (flag) c.set_flag(name, *flag, std::string(flag_name));
  return c.get(name);
}

std::optional<std::string> value_of(const config::Setting& s) {
  if (!s.set()) return std::nullopt;
  return s.value;
}

bool set_by_user(const config::Setting& s) {
  return s.origin != config::Origin::unset && s.origin != config::Origin::default_value;
}

bool set_in_file(const config::Setting& s) {
  return s.origin == config::Origin::project_file || s.origin == config::Origin::user_file;
}

bool chosen_by_project(const config::Setting& s) { return s.origin == config::Origin::project_file; }

std::string source_of(const config::Setting& s, std::string_view name, std::string_view fallback) {
  switch (s.origin) {
    case config::Origin::flag: return s.where;
    case config::Origin::environment: return "$" + s.where.substr(s.where.find(' ') + 1);  // "env X"
    case config::Origin::project_file:
    case config::Origin::user_file: return s.where + ": " + std::string(name);
    case config::Origin::default_value:
    case config::Origin::unset: break;
  }
  return std::string(fallback);
}

config::Environment process_environment() {
  config::Environment env;
  std::error_code ec;
  env.cwd = std::filesystem::current_path(ec);
  if (ec) {
    const char* pwd = std::getenv("PWD");
    env.cwd = pwd != nullptr ? pwd : "/";
  }
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
  env.read_file = config::read_settings_file;
  env.trust_probe = config::system_trust_probe();
  return env;
}

net::Getenv process_getenv() {
  return [env = process_environment()](std::string_view name) { return env.getenv(std::string(name)); };
}

std::optional<std::string> configured_in_file(std::string_view name) {
  const config::Setting& s = configuration().get(name);
  if (!set_in_file(s)) return std::nullopt;
  return s.value;
}

std::string trust_status_text(config::TrustStatus status) {
  switch (status) {
    case config::TrustStatus::trusted: return "trusted";
    case config::TrustStatus::untrusted: return "not trusted";
    case config::TrustStatus::changed: return "trusted before, but its settings changed since";
    case config::TrustStatus::other_folder: return "trusted before, but this is another folder at that path";
  }
  return "";
}

std::string ignored_setting_text(const config::GuardedSetting& g, const std::filesystem::path& root,
                                 config::TrustStatus status) {
  return g.where + ": " + g.name + " is ignored: it " + std::string(config::describe(g.power)) + ", and this project is " +
         trust_status_text(status) + "; review it, then run: " + trust_command(root);
}

std::string foreign_file_text(const config::ProjectTrust& trust) {
  return trust.foreign_file + " is owned by another user and was not read; if it is yours to use, review it, then run: " +
         trust_command(trust.foreign_root);
}

}  // namespace strata::cli
