#include "store_options.h"

#include <CLI/CLI.hpp>
#include <filesystem>

#include "common/public.h"
#include "config/public.h"
#include "ingest/public.h"
#include "settings.h"
#include "store/public.h"

namespace strata::cli {

void add_store_option(CLI::App& command, StoreOptions& options) {
  command.add_option("--store", options.store,
                     "Knowledge store: a file, or postgres://USER@HOST/DATABASE for a store on a PostgreSQL server (default: $STRATA_STORE, else store.url or store.path in strata.toml, else .strata/store.db)");
}

namespace {

// Whether --collection was given anywhere on the command line: `documents --collection x list`
// and `documents list --collection x` fill the same options, and every level's callback must
// leave a given value alone.
bool collection_given(CLI::App& command) {
  CLI::App* app = &command;
  while (app->get_parent() != nullptr) app = app->get_parent();
  while (app != nullptr) {
    const CLI::Option* option = app->get_option_no_throw("--collection");
    if (option != nullptr && option->count() > 0) return true;
    const std::vector<CLI::App*> chosen = app->get_subcommands();
    app = chosen.empty() ? nullptr : chosen.front();
  }
  return false;
}

}  // namespace

void add_collection_option(CLI::App& command, StoreOptions& options) {
  command.add_option("--collection", options.collection,
                     "Collection name (default: store.collection in strata.toml, else default)");
  command.parse_complete_callback([&command, &options] {
    if (collection_given(command)) return;
    try {
      options.collection = configuration().get("store.collection").value;
    } catch (const Error&) {
      // A configuration file that cannot be used is reported by store_path(), outside parsing.
    }
  });
}

store::OpenOptions store_open_options() {
  store::OpenOptions options{config::store_busy_timeout(configuration())};
  options.cache_folder = config::cache_folder(process_environment());
  return options;
}

std::string store_path(const StoreOptions& options) {
  if (!options.store.empty()) return options.store;
  // $STRATA_STORE, strata.toml, the user file, then the default: core/config's precedence.
  const config::Configuration& c = configuration();
  const config::Setting& s = c.get("store.path");
  // store.url names a store on a server and wins over the files' store.path, not over
  // $STRATA_STORE. A project's strata.toml chooses one only once trusted (config/trust.cpp: a
  // destination for every document); untrusted, core/config has already left it out.
  const config::Setting& url = c.get("store.url");
  const bool path_from_environment = set_by_user(s) && !set_in_file(s);
  if (!path_from_environment && set_in_file(url) && !url.value.empty()) {
    if (!store::is_store_url(url.value)) {
      throw Error(ExitCode::usage, url.where + ": store.url: not a postgres:// URL",
                  "store.url takes postgres://USER@HOST/DATABASE; a file goes in store.path");
    }
    return url.value;
  }
  if (store::is_store_url(s.value)) return s.value;
  const std::filesystem::path cwd = process_environment().cwd;
  const std::filesystem::path root = c.trust.root;
  // A store the project chose (the default in it, or its trusted strata.toml's inside it) must
  // not lead out of it through a link the repository planted (config/trust.h).
  const auto inside = [&](const std::string& path) {
    config::require_inside_project(std::filesystem::path(path).is_absolute() ? path : (cwd / path).string(), root,
                                   "the store", "pass --store PATH (or set STRATA_STORE) to choose a store yourself");
    return path;
  };
  if (chosen_by_project(s) && !c.trust.trusted()) return inside(s.value);
  if (set_by_user(s)) return s.value;
  // The default store is the project's, as documents' ids are (config/project_root.h): run
  // from any folder of a git work tree, every command finds the same store at its top.
  // From the root itself the path stays relative, as messages have always shown it.
  return inside(root == cwd.lexically_normal() ? std::string(k_default_store) : (root / k_default_store).string());
}

std::unique_ptr<service::Session> open_session(const StoreOptions& options, service::Session::Access access) {
  return open_session_at(store_path(options), access);
}

std::unique_ptr<service::Session> open_session_at(const std::string& path, service::Session::Access access) {
  return std::make_unique<service::Session>(path, store_open_options(), access, service::profile(service::Door::terminal));
}

}  // namespace strata::cli
