#pragma once
// The table of store backends (as ccache's storage backends, dbmate's drivers): a row per
// backend, saying how its stores are named and opened. Store::open, open_existing and
// open_read_only take the first row that recognises the path, once; from there every operation
// goes to the store's Backend (backend.h). The one place in core/store that names a backend:
// a new backend is a folder beside sqlite/ and postgres/ and a row here (backends.cpp).
#include <optional>
#include <string>
#include <string_view>

#include "store/backend.h"
#include "store/store.h"

namespace strata::store {

struct BackendRow {
  StoreKind kind;
  const char* name;  // for messages: "SQLite", "PostgreSQL"
  // Whether `path` names a store on this backend. The rows are asked in order; the last
  // recognises every path (a file).
  bool (*recognises)(std::string_view path);
  // True when the paths it recognises are URLs of a server (is_store_url).
  bool url;
  // What messages call the store at `path` before it is open (store_display).
  std::string (*display)(const std::string& path);
  OpenedBackend (*open)(const std::string& path, const OpenOptions& options);
  OpenedBackend (*open_existing)(const std::string& path, const OpenOptions& options);
  // nullopt when there is no store at `path`.
  std::optional<OpenedBackend> (*open_read_only)(const std::string& path, const OpenOptions& options);
};

// The row that recognises `path` (never fails: the last row takes any path).
const BackendRow& backend_row(std::string_view path);

}  // namespace strata::store
