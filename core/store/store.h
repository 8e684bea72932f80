#pragma once
// The knowledge store: one SQLite file whose schema comes only from the migrations in the
// top-level migrations/ folder, applied by the migration engine when the store is opened; or,
// given a postgres:// URL, a schema on a PostgreSQL server (default `strata`), whose schema comes
// from migrations/postgres/ the same way. Every function of core/store takes either and answers
// the same: each forwards to the store's Backend (backend.h), chosen once from the path by the
// table of backends.cpp (sqlite/ and postgres/ implement it).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace strata::store {

class Backend;

// Which backend a store is on (the backend table's row, backends.cpp): for messages and tests;
// the code of core/store asks its Backend, never this.
enum class StoreKind { sqlite, postgres };

// True when `path` is a store URL (postgres:// or postgresql://, in any case) rather than a file.
bool is_store_url(std::string_view path);

// What messages call the store at `path`: the path itself, or for a store URL the URL with its
// password as *** (as Store::path() of an open store, without the schema).
std::string store_display(const std::string& path);

// The schema a store URL's store lives in: its ?search_path= (as migrate reads it), else this.
inline constexpr const char* k_default_store_schema = "strata";

// How long a statement waits for another process's transaction before giving up (exit 7,
// "locked by another process"). Default: 60 s; the CLI passes store.busy_timeout /
// $STRATA_BUSY_TIMEOUT.
inline constexpr std::chrono::milliseconds k_default_busy_timeout{60'000};

struct OpenOptions {
  std::chrono::milliseconds busy_timeout = k_default_busy_timeout;
  // A store on a server: a bound on each wait on it (connecting, each statement, each lock wait),
  // for a caller that must answer in time (strata mcp); the client gives up on an answer a second
  // after it even when the server has stopped answering (then connected() is false). 0:
  // connecting waits 10 s, statements and locks as long as busy_timeout allows (a lock) or as
  // they take.
  std::chrono::milliseconds call_timeout{0};
  // The user's cache folder ($XDG_CACHE_HOME, else ~/.cache: config::cache_folder), where a store
  // on a server keeps what is derived from it on this machine (Backend::derived_folder). Empty:
  // nothing is kept.
  std::string cache_folder{};
};

class Store {
 public:
  // Opens (creating the file and its parent folder if needed) and upgrades the store to the
  // schema this binary ships. A store URL (is_store_url) opens the store on that server: its
  // schema is created and upgraded by the same migration engine; Error(unavailable) names the
  // server (never its password) when it cannot be reached or refuses. Throws Error(history_mismatch) for a store made by a newer
  // strata, Error(unavailable) when it cannot be opened.
  static Store open(const std::string& path, const OpenOptions& options = {});

  // As open(), but a missing store is Error(unavailable) "no store at PATH": commands that only
  // read or remove never create one (on a server: no store schema there, "no store at URL (schema
  // strata)"; nothing is created).
  static Store open_existing(const std::string& path, const OpenOptions& options = {});

  // Read-only, for plans (--dry-run) that must write nothing: empty when there is no store.
  // A store whose schema is older than this binary's is Error(unavailable): reading it would
  // need the upgrade that a dry run may not do.
  static std::optional<Store> open_read_only(const std::string& path, const OpenOptions& options = {});

  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

  StoreKind kind() const;
  // The file, or for a PostgreSQL store its URL with the password as *** and its schema
  // ("postgres://ann:***@db/app (schema strata)"): what messages name.
  const std::string& path() const;
  // False once a store on a server has lost its connection (the server stopped answering within
  // OpenOptions::call_timeout, or dropped it): every operation then fails, and a caller that
  // goes on opens the store again. Always true for a SQLite store.
  bool connected() const;
  // The busy timeout it was opened with.
  std::chrono::milliseconds busy_timeout() const;
  // The newest store migration applied (e.g. 2 for 0002_...).
  std::int64_t schema_version() const;
  // The newest store migration this binary ships (of a SQLite store).
  static std::int64_t latest_schema_version();

  // What the store's operations forward to (backend.h; internal to core/store, whose public
  // functions are the API).
  Backend& backend();

  // Internal (backends.cpp): a store on `backend`, opened by the table's row of `kind`.
  Store(StoreKind kind, std::unique_ptr<Backend> backend, std::string path, std::int64_t version,
        std::chrono::milliseconds busy);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// History table of the store's own schema.
inline constexpr const char* k_store_history_table = "strata_store_migrations";

}  // namespace strata::store
