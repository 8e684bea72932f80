#include "store/backends.h"

#include <span>

#include "store/postgres/pg_backend.h"
#include "store/postgres/pg_postings_cache.h"
#include "store/search_store.h"
#include "store/sqlite/keyword_memory.h"
#include "store/sqlite/sqlite_backend.h"

namespace strata::store {
namespace {

bool any_path(std::string_view) { return true; }
std::string as_is(const std::string& path) { return path; }

// In order: the first row that recognises a path takes it.
constexpr BackendRow k_backends[] = {
    {StoreKind::postgres, "PostgreSQL", pg::recognises, true, pg::display, pg::open, pg::open_existing,
     pg::open_read_only},
    {StoreKind::sqlite, "SQLite", any_path, false, as_is, sqlite_store::open, sqlite_store::open_existing,
     sqlite_store::open_read_only},
};

Store store_of(const BackendRow& row, OpenedBackend opened, const OpenOptions& options) {
  return Store(row.kind, std::move(opened.backend), std::move(opened.display), opened.version, options.busy_timeout);
}

}  // namespace

const BackendRow& backend_row(std::string_view path) {
  for (const BackendRow& row : k_backends) {
    if (row.recognises(path)) return row;
  }
  return k_backends[std::size(k_backends) - 1];
}

bool is_store_url(std::string_view path) { return backend_row(path).url; }

std::string store_display(const std::string& path) { return backend_row(path).display(path); }

KeywordMemory keyword_memory() {
  const pg::PostingsCache& kept = pg::PostingsCache::process();
  return KeywordMemory{sqlite_store::keyword_memory_ready(), sqlite_store::keyword_memory_bytes(), kept.terms(),
                       kept.bytes()};
}

std::int64_t Store::latest_schema_version() { return sqlite_store::latest_schema_version(); }

Store Store::open(const std::string& path, const OpenOptions& options) {
  const BackendRow& row = backend_row(path);
  return store_of(row, row.open(path, options), options);
}

Store Store::open_existing(const std::string& path, const OpenOptions& options) {
  const BackendRow& row = backend_row(path);
  return store_of(row, row.open_existing(path, options), options);
}

std::optional<Store> Store::open_read_only(const std::string& path, const OpenOptions& options) {
  const BackendRow& row = backend_row(path);
  std::optional<OpenedBackend> opened = row.open_read_only(path, options);
  if (!opened) return std::nullopt;
  return store_of(row, std::move(*opened), options);
}

}  // namespace strata::store
