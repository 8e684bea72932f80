#pragma once
// The knowledge store: one SQLite file whose schema comes only from the migrations in the
// top-level migrations/ folder, applied by the migration engine when the store is opened.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace SQLite {
class Database;
}

namespace strata::sqlite {
class Connection;
}

namespace strata::store {

// How long a statement waits for another process's transaction before giving up (exit 7,
// "locked by another process"). Default: 60 s; the CLI passes store.busy_timeout /
// $STRATA_BUSY_TIMEOUT.
inline constexpr std::chrono::milliseconds k_default_busy_timeout{60'000};

struct OpenOptions {
  std::chrono::milliseconds busy_timeout = k_default_busy_timeout;
};

class Store {
 public:
  // Opens (creating the file and its parent folder if needed) and upgrades the store to the
  // schema this binary ships. Throws Error(history_mismatch) for a store made by a newer
  // strata, Error(unavailable) when it cannot be opened.
  static Store open(const std::string& path, const OpenOptions& options = {});

  // As open(), but a missing store is Error(unavailable) "no store at PATH": commands that only
  // read or remove never create one.
  static Store open_existing(const std::string& path, const OpenOptions& options = {});

  // Read-only, for plans (--dry-run) that must write nothing: empty when there is no store.
  // A store whose schema is older than this binary's is Error(unavailable): reading it would
  // need the upgrade that a dry run may not do.
  static std::optional<Store> open_read_only(const std::string& path, const OpenOptions& options = {});

  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

  const std::string& path() const;
  // The busy timeout it was opened with.
  std::chrono::milliseconds busy_timeout() const;
  // The newest store migration applied (e.g. 2 for 0002_...).
  std::int64_t schema_version() const;
  // The newest store migration this binary ships.
  static std::int64_t latest_schema_version();

 private:
  friend SQLite::Database& database(Store& store);
  friend sqlite::Connection& connection(Store& store);
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// History table of the store's own schema.
inline constexpr const char* k_store_history_table = "strata_store_migrations";

}  // namespace strata::store
