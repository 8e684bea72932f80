// mcp_sessions.h: the store's backend (backend.h) does it.
#include "store/mcp_sessions.h"

#include "store/backend.h"

namespace strata::store {

void save_mcp_session(Store& store, const std::string& id, const std::string& key, int version, const std::string& at,
                      const std::string& stale_before) {
  store.backend().save_mcp_session(store, id, key, version, at, stale_before);
}

std::optional<int> use_mcp_session(Store& store, const std::string& id, const std::string& key, const std::string& at,
                                   const std::string& stale_before) {
  return store.backend().use_mcp_session(store, id, key, at, stale_before);
}

bool end_mcp_session(Store& store, const std::string& id, const std::string& key) {
  return store.backend().end_mcp_session(store, id, key);
}

}  // namespace strata::store
