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

// llm_calls.status read back (to_string(CallStatus) writes it); anything else reads as ok.
CallStatus call_status_of(const std::string& status);

}  // namespace strata::store
