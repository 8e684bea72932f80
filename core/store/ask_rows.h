#pragma once
// How the ask tables' columns are written and read (ask_store.h), shared by the SQLite store
// (ask_store.cpp) and the PostgreSQL store (postgres/pg_asks.cpp), so both keep the same text.
#include <cstdint>
#include <string>
#include <vector>

#include "store/ask_store.h"

namespace strata::store {

// A conversation's title: the first question, cut to 200 bytes at a UTF-8 boundary.
std::string conversation_title(const std::string& question);

// llm_calls.chunk_ids: a JSON array of integers; written and read here only, so the format
// needs no general JSON parser.
std::string chunk_ids_json(const std::vector<std::int64_t>& ids);
std::vector<std::int64_t> chunk_ids_of(const std::string& json);

// The MACs (HMAC-SHA256 under the principal's secret, lowercase hex) of what a row vouches for,
// each field length-prefixed so that no two rows share a text: a cache entry (the principal, the
// cache key, the answer and what is read back with it), and a conversation turn (the principal,
// the conversation's id, the turn's place in it from 0, its role and its content).
std::string cache_mac(const AskPrincipal& principal, const std::string& key, const CachedAnswer& answer);
std::string turn_mac(const AskPrincipal& principal, std::int64_t conversation, std::size_t ordinal,
                     ConversationTurn::Role role, const std::string& content);
// `stored` (NULL: nullopt, a row from before MACs) is `expected`, compared in constant time.
bool mac_matches(const std::optional<std::string>& stored, const std::string& expected);

// llm_calls.status read back (to_string(CallStatus) writes it); anything else reads as ok.
CallStatus call_status_of(const std::string& status);

}  // namespace strata::store
