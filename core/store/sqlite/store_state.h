#pragma once
// What a long-running process may keep of a SQLite store between queries, and when it must read
// it again: a state of the store is this connection's PRAGMA data_version (changes committed by
// any other connection, in this process or another) with sqlite3_total_changes64 (rows this
// connection wrote, committed or not). Both only grow while the connection lives, so an equal
// pair means no row of the store changed in between. Outside a transaction only: inside one,
// rows written may yet be rolled back, which neither counter undoes.
#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "store/collections.h"

namespace strata::store::sqlite_store {

struct StoreState {
  std::int64_t data_version = 0;
  std::int64_t total_changes = 0;
  bool operator==(const StoreState&) const = default;
};

// The store's state now, or nullopt inside a transaction (nothing may be kept then).
std::optional<StoreState> committed_state(SQLite::Database& db);

// Collection records (CollectionDetail::record) by name, for the state they were read in: a
// search reads its collection's record before every query, and for a collection without vectors
// that record's "has vectors" visits every chunk (4 to 5 ms on NPL's 11,462). Not thread-safe,
// as the connection it serves.
class CollectionRecords {
 public:
  // The record of `name` read in `state`, if kept.
  std::optional<CollectionInfo> find(const StoreState& state, const std::string& name) const;
  // Keeps `record` for `state`; a newer state drops what was kept for the older one.
  void keep(const StoreState& state, const CollectionInfo& record);

 private:
  StoreState state_;
  std::map<std::string, CollectionInfo> records_;
  // Collections rarely number more than a few; bounded anyway (a caller naming many).
  static constexpr std::size_t k_max_records = 256;
};

}  // namespace strata::store::sqlite_store
