#include "store/sqlite/store_state.h"

#include <sqlite3.h>

namespace strata::store::sqlite_store {

std::optional<StoreState> committed_state(SQLite::Database& db) {
  sqlite3* handle = db.getHandle();
  if (sqlite3_get_autocommit(handle) == 0) return std::nullopt;
  StoreState s;
  s.data_version = db.execAndGet("PRAGMA data_version").getInt64();
  s.total_changes = sqlite3_total_changes64(handle);
  return s;
}

std::optional<CollectionInfo> CollectionRecords::find(const StoreState& state, const std::string& name) const {
  if (!(state == state_)) return std::nullopt;
  const auto it = records_.find(name);
  if (it == records_.end()) return std::nullopt;
  return it->second;
}

void CollectionRecords::keep(const StoreState& state, const CollectionInfo& record) {
  if (!(state == state_)) {
    records_.clear();
    state_ = state;
  }
  if (records_.size() >= k_max_records) records_.clear();
  records_.insert_or_assign(record.name, record);
}

}  // namespace strata::store::sqlite_store
