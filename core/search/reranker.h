#pragma once
// `search --rerank` and `ask --rerank`: the best candidates of a search re-scored by a reranker
// server speaking the common /rerank schema (llama.cpp's server with --rerank, Jina, Cohere,
// Voyage): POST {base_url}/rerank with {"model", "query", "documents": [...], "top_n"}, answered
// with {"results" (or Voyage's "data"): [{"index", "relevance_score"}, ...]}.
//
// Contract: the same rules as embed's requests. Connection failures, timeouts, 408, 409, 429
// and 5xx are retried with backoff (the server's Retry-After honoured); other statuses are not.
// The key goes in the Authorization header and nowhere else: no message quotes it. A failure
// after the retries throws Error(unavailable) naming the server's answer; the search then keeps
// its own order (searcher.h).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::search {

struct RerankSettings {
  std::string base_url;     // up to /rerank, e.g. http://localhost:8012/v1
  std::string model;        // "" sends none (a llama.cpp server has one)
  std::string api_key;      // "" sends no Authorization header
  std::string api_key_env;  // where the key came from, for hints
  // Candidates sent: the best this many of the fused list (at least k). Default: 50.
  std::size_t candidates = 50;
  std::chrono::milliseconds timeout{30'000};  // per attempt. Default: 30 s.
  int max_retries = 2;                         // Default: 2 (three attempts).
  // When set and true (another thread stops the search), the request in flight is abandoned
  // within about a second and no retry is made. Default: none.
  const std::atomic<bool>* cancel = nullptr;
};

// The relevance score of each document, in the order given (higher is better; a document the
// server left out scores -infinity). Throws Error(unavailable) when the server cannot be
// reached, keeps failing or answers with something other than the schema above.
std::vector<double> rerank_scores(const RerankSettings& settings, std::string_view query,
                                  const std::vector<std::string_view>& documents);

// The body sent and the parsing of an answer, exposed for tests. parse_rerank_response throws
// Error(unavailable) naming what is wrong (not JSON, no results, an index out of range, a
// score that is not a finite number).
std::string rerank_request_body(const RerankSettings& settings, std::string_view query,
                                const std::vector<std::string_view>& documents);
std::vector<double> parse_rerank_response(std::string_view body, std::size_t documents);

}  // namespace strata::search
