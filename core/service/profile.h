#pragma once
// A door's profile: what one kind of caller gets from every operation, as a row of one table
// rather than constants copied into each door. A person at a terminal waits for the configured
// timeouts and can press Ctrl-C; an agent (strata mcp, ask's own search tool) and an HTTP client
// (strata serve's routes, /v1's answers, /mcp) are answered in time whatever an embedding server
// or a reranker does: the query's embedding within a deadline, each request within a timeout,
// the reranker one short attempt, and a keyword search that says so when the embedding fails.
// The deadlines sit under MCP clients' request timeouts (the SDK's default is 60 s).
#include <chrono>

#include "search/searcher.h"
#include "service/search.h"

namespace strata::service {

enum class Door { terminal, agent, http };

struct Profile {
  Door door;
  SearchLimits limits;         // k by default and at most
  search::SearchBounds search;  // on every search the door runs, an answer's retrieval too
};

inline constexpr search::SearchBounds k_in_time{.keyword_when_query_fails = true,
                                                .embed_deadline = std::chrono::milliseconds{20'000},
                                                .embed_request_timeout = std::chrono::milliseconds{15'000},
                                                .rerank_timeout = std::chrono::milliseconds{10'000}};

inline constexpr Profile k_profiles[] = {
    {Door::terminal, k_terminal_limits, {}},
    {Door::agent, k_agent_limits, k_in_time},
    {Door::http, k_http_limits, k_in_time},  // /mcp's tools still parse k at an agent's limit
};

constexpr const Profile& profile(Door door) {
  for (const Profile& p : k_profiles) {
    if (p.door == door) return p;
  }
  return k_profiles[0];
}

}  // namespace strata::service
