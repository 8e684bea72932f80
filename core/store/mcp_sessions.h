#pragma once
// MCP sessions kept in the store (migrations/0022, on PostgreSQL migrations/postgres/0011), so
// that replicas of `strata serve` on one store share them (mcp/http_route.h): a session opened
// through one server is found by another, its idle time counted by every use, and ended for all
// by a DELETE through any. Times are ISO 8601 UTC text ("2026-11-29T15:02:03Z").
#include <optional>
#include <string>

#include "store/store.h"

namespace strata::store {

// Records the session `id` opened by `key` with its negotiated revision (`version`, an index),
// used at `at`; sessions last used before `stale_before` are ended first (the table stays bounded).
void save_mcp_session(Store& store, const std::string& id, const std::string& key, int version, const std::string& at,
                      const std::string& stale_before);

// The revision of `key`'s session `id` when it was used at or after `stale_before`, its last use
// now `at`; nullopt when there is none, it expired, or another key opened it.
std::optional<int> use_mcp_session(Store& store, const std::string& id, const std::string& key, const std::string& at,
                                   const std::string& stale_before);

// Ends `key`'s session `id`; false when there was none.
bool end_mcp_session(Store& store, const std::string& id, const std::string& key);

}  // namespace strata::store
