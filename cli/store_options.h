#pragma once
// The flags every store-using command shares (ingest, embed, search, collections, documents):
// --store PATH (or STRATA_STORE, else store.path from strata.toml or the user file, else
// .strata/store.db at the project root, ingest/project_root.h) and --collection NAME (else store.collection from
// the configuration files, else "default"). See core/config/config.h.
#include <string>

#include <memory>

#include "service/public.h"
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

// The terminal's session with the store (service/session.h, the terminal's profile): the one
// store handle a command's operations run on, opened on first use (read_write: the store must
// exist; create: made when there is none yet).
std::unique_ptr<service::Session> open_session(const StoreOptions& options,
                                               service::Session::Access access = service::Session::Access::read_write);
// The same for the store at `path` (a command's second store, or one it already resolved).
std::unique_ptr<service::Session> open_session_at(const std::string& path,
                                                  service::Session::Access access = service::Session::Access::read_write);

}  // namespace strata::cli
