#include "store_options.h"

#include <CLI/CLI.hpp>
#include <cstdlib>

namespace strata::cli {

void add_store_option(CLI::App& command, StoreOptions& options) {
  command.add_option("--store", options.store,
                     "Knowledge store file (default: $STRATA_STORE, else .strata/store.db)");
}

void add_collection_option(CLI::App& command, StoreOptions& options) {
  command.add_option("--collection", options.collection, "Collection name (default: default)");
}

std::string store_path(const StoreOptions& options) {
  if (!options.store.empty()) return options.store;
  const char* env = std::getenv("STRATA_STORE");
  if (env != nullptr && *env != '\0') return env;
  return k_default_store;
}

}  // namespace strata::cli
