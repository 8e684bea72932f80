#include "trust_command.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/public.h"
#include "config/public.h"
#include "json_text.h"
#include "net/public.h"
#include "option_bundles.h"
#include "output.h"
#include "settings.h"

namespace strata::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct TrustCliOptions {
  OutputOptions out;
  std::string dir;
  bool show = false;
  bool list = false;
  bool revoke = false;
};

// The project seen from DIR (default: the working directory), loaded as any command there would.
config::Configuration project_at(const std::string& dir) {
  config::Environment env = process_environment();
  if (!dir.empty()) {
    std::error_code ec;
    const fs::path abs = fs::absolute(dir, ec);
    if (ec || !fs::is_directory(abs, ec)) throw Error(ExitCode::usage, dir + ": not a folder");
    env.cwd = abs.lexically_normal();
  }
  return config::load(env);
}

fs::path trust_file() {
  const fs::path file = config::trust_file_path(process_environment().getenv);
  if (file.empty()) {
    throw Error(ExitCode::usage, "no user config folder: neither $XDG_CONFIG_HOME nor $HOME is set",
                "set HOME (or XDG_CONFIG_HOME) to record trust");
  }
  return file;
}

json guarded_json(const std::vector<config::GuardedSetting>& guarded) {
  json out = json::array();
  for (const config::GuardedSetting& g : guarded) {
    out.push_back({{"key", g.name},
                   {"value", net::redact_url(g.value)},
                   {"where", g.where},
                   {"power", config::to_string(g.power)},
                   {"effect", config::describe(g.power)}});
  }
  return out;
}

void print_guarded(const std::vector<config::GuardedSetting>& guarded) {
  if (guarded.empty()) {
    std::cout << "  (no setting that sends content, names a secret, instructs the model, expands the environment or "
                 "leaves the project)\n";
    return;
  }
  for (const config::GuardedSetting& g : guarded) {
    std::cout << "  " << g.name << " = " << revealed(net::redact_url(g.value)) << "  (" << revealed(g.where) << ")\n"
              << "      " << config::describe(g.power) << '\n';
  }
}

int run_show(const TrustCliOptions& o) {
  const config::Configuration c = project_at(o.dir);
  const config::ProjectTrust& t = c.trust;
  if (o.out.json) {
    std::cout << json_text(json{{"project", t.root.string()},
                                {"status", config::to_string(t.status)},
                                {"settings", guarded_json(t.guarded)},
                                {"foreign_file", t.foreign_file.empty() ? json(nullptr) : json(t.foreign_file)}})
              << '\n';
  } else {
    std::cout << safe(t.root.string()) << ": " << trust_status_text(t.status) << '\n';
    if (!t.foreign_file.empty()) std::cout << "  " << safe(t.foreign_file) << " is owned by another user: not read\n";
    print_guarded(t.guarded);
  }
  return t.trusted() ? 0 : 1;
}

int run_record(const TrustCliOptions& o) {
  const config::Configuration c = project_at(o.dir);
  config::ProjectTrust t = c.trust;
  if (config::system_trust_probe().identity(t.root).empty()) {
    throw Error(ExitCode::unavailable, "cannot read " + t.root.string() + " (its device and inode)");
  }
  if (!t.foreign_file.empty()) {
    // Trusting the folder is what lets its strata.toml be read: record the folder, then load
    // again so that the settings recorded are that file's.
    config::ProjectTrust folder;
    folder.root = t.foreign_root;
    config::record_trust(trust_file(), folder, config::system_trust_probe().identity(folder.root));
    t = project_at(o.dir).trust;
  }
  const config::TrustRecord r = config::record_trust(trust_file(), t, config::system_trust_probe().identity(t.root));
  if (o.out.json) {
    std::cout << json_text(json{{"project", r.path}, {"trusted_at", r.trusted_at}, {"settings", guarded_json(t.guarded)}})
              << '\n';
    return 0;
  }
  std::cout << "trusted " << safe(r.path) << '\n';
  print_guarded(t.guarded);
  print_note("recorded in " + trust_file().string() + "; a change to these settings, or another folder at this path, asks again",
             o.out);
  return 0;
}

// The project root seen from DIR without reading its strata.toml: revoking must work when the
// file is broken or hostile.
fs::path root_at(const std::string& dir) {
  config::Environment env = process_environment();
  if (!dir.empty()) env.cwd = fs::absolute(dir).lexically_normal();
  return config::project_root(env.cwd, config::find_files(env).project);
}

int run_revoke(const TrustCliOptions& o) {
  const fs::path root = root_at(o.dir);
  const bool removed = config::revoke_trust(trust_file(), root);
  if (o.out.json) {
    std::cout << json_text(json{{"project", root.string()}, {"revoked", removed}}) << '\n';
  } else if (removed) {
    std::cout << "revoked " << safe(root.string()) << '\n';
  } else {
    print_note(root.string() + " was not trusted", o.out);
  }
  return 0;
}

int run_list(const TrustCliOptions& o) {
  const std::vector<config::TrustRecord> records = config::read_trust_file(trust_file());
  const config::TrustProbe probe = config::system_trust_probe();
  json lines = json::array();
  Table table({"PROJECT", "STATE", "TRUSTED_AT", "SETTINGS"});
  for (const config::TrustRecord& r : records) {
    std::error_code ec;
    const bool exists = fs::is_directory(r.path, ec);
    const std::string state = !exists ? "missing" : probe.identity(r.path) == r.identity ? "ok" : "other-folder";
    if (o.out.json) {
      std::cout << json_text(json{{"project", r.path}, {"state", state}, {"trusted_at", r.trusted_at}, {"settings", r.settings}})
                << '\n';
    } else {
      table.add({r.path, state, r.trusted_at, std::to_string(r.settings.size())},
                {Tone::plain, state == "ok" ? Tone::good : Tone::warn, Tone::dim, Tone::plain});
    }
  }
  if (!o.out.json) {
    if (records.empty()) {
      print_note("no trusted project", o.out);
    } else {
      table.print(std::cout, color_enabled(o.out.color, 1));
    }
  }
  return 0;
}

}  // namespace

Run setup_trust(CLI::App& cmd) {
  auto o = std::make_shared<TrustCliOptions>();
  cmd.add_option("DIR", o->dir, "The project's folder, or any folder in it (default: the working directory)")
      ->type_name("DIR");
  auto* show = cmd.add_flag("--show", o->show, "Print what the project's settings would do and whether it is trusted; record nothing");
  auto* list = cmd.add_flag("--list", o->list, "List the trusted projects");
  auto* revoke = cmd.add_flag("--revoke", o->revoke, "Withdraw the trust in the project");
  show->excludes(list)->excludes(revoke);
  list->excludes(revoke);
  add_output_options(cmd, o->out, {"One JSON object (--list: one line per project)", "No note on stderr"});
  cmd.footer(
      "Examples:\n"
      "  strata trust                  allow this project's settings (review them with --show first)\n"
      "  strata trust docs             the same, from a folder in the project\n"
      "  strata trust --list\n"
      "  strata trust --revoke         withdraw it\n"
      "Exit: 0 done (--show: trusted), 1 --show: not trusted, 2 usage, 7 the trust file cannot be written");
  return [o](const RunContext& context) {
    o->out.color = context.color;
    if (o->list) return run_list(*o);
    if (o->revoke) return run_revoke(*o);
    if (o->show) return run_show(*o);
    return run_record(*o);
  };
}

}  // namespace strata::cli
