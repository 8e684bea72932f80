#pragma once
// The flags every store-using command shares (ingest, embed, search, collections, documents):
// --store PATH (or STRATA_STORE, else store.path from strata.toml or the user file, else
// .strata/store.db at the project root, ingest/project_root.h) and --collection NAME (else store.collection from
// the configuration files, else "default"). See core/config/config.h.
#include <string>

#include "store/public.h"

namespace CLI {
class App;
}

namespace strata::cli {

inline constexpr const char* k_default_store = ".strata/store.db";
inline constexpr const char* k_default_collection = "default";

struct StoreOptions {
  std::string store;                           // empty: STRATA_STORE, else k_default_store
  std::string collection = k_default_collection;
};

void add_store_option(CLI::App& command, StoreOptions& options);
void add_collection_option(CLI::App& command, StoreOptions& options);

// The store path after the flag > environment > project file > user file > default precedence.
// Throws Error(usage) when a configuration file cannot be used.
std::string store_path(const StoreOptions& options);

// How the store is opened: the busy timeout (store.busy_timeout / $STRATA_BUSY_TIMEOUT).
// Throws Error(usage) when a configuration file cannot be used.
store::OpenOptions store_open_options();

}  // namespace strata::cli
