#include "store_options.h"

#include <CLI/CLI.hpp>

#include "common/error.h"
#include "config/config.h"
#include "config_command.h"

namespace strata::cli {

void add_store_option(CLI::App& command, StoreOptions& options) {
  command.add_option("--store", options.store,
                     "Knowledge store file (default: $STRATA_STORE, else store.path in strata.toml, else .strata/store.db)");
}

void add_collection_option(CLI::App& command, StoreOptions& options) {
  command.add_option("--collection", options.collection,
                     "Collection name (default: store.collection in strata.toml, else default)");
  command.parse_complete_callback([&command, &options] {
    if (command.count("--collection") > 0) return;
    try {
      options.collection = configuration().get("store.collection").value;
    } catch (const Error&) {
      // A configuration file that cannot be used is reported by store_path(), outside parsing.
    }
  });
}

std::string store_path(const StoreOptions& options) {
  if (!options.store.empty()) return options.store;
  // $STRATA_STORE, strata.toml, the user file, then the default: core/config's precedence.
  return configuration().get("store.path").value;
}

}  // namespace strata::cli
