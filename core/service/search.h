#pragma once
// The search operation as every door asks it: the request's fields with their defaults and
// limits (what an MCP tool call, ask's own search tool and an HTTP body give), the rules that
// turn those arguments into a search::SearchRequest, and the result's shape (the passages
// found, each with its citation). `strata search` builds the same SearchRequest from flags.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "search/searcher.h"
#include "service/description.h"

namespace strata::service {

// How many hits a search returns. A terminal shows a page of them (search::SearchRequest's k,
// 10, by default) and a pipe takes what it asks for; more than k_terminal_k_max is refused, not
// quietly capped. An agent's hits go into a model's context, whose budget ten passages of
// k_passage_bytes already fill: k_agent_k_default, at most k_agent_k_max.
inline constexpr std::int64_t k_terminal_k_max = 1000;
inline constexpr std::int64_t k_agent_k_default = 5;
inline constexpr std::int64_t k_agent_k_max = 50;
// A passage's text in a search result: enough for a few chunks of a manual, small enough that
// ten hits stay within a model's context; read_document gives more.
inline constexpr std::size_t k_passage_bytes = 2000;

inline constexpr std::string_view k_mode_names[] = {"keyword", "vector", "hybrid"};

// The request: {query, collection, k, mode, where}.
inline constexpr Field k_search_request_fields[] = {
    {.name = "query", .type = Type::string, .help = "What to look for, in plain words (not query syntax)", .required = true},
    {.name = "collection", .type = Type::string, .help = k_collection_help},
    {.name = "k",
     .type = Type::integer,
     .help = "Number of results (default 5)",
     .minimum = 1,
     .maximum = k_agent_k_max},
    {.name = "mode",
     .type = Type::string,
     .help = "keyword (BM25), vector, or hybrid (both fused); default: hybrid when the collection has vectors",
     .choices = k_mode_names},
    {.name = "where",
     .type = Type::array,
     .help = "Metadata filters, all must hold: key=value, key^=prefix or key~glob; keys source, title, loader, path or a "
             "metadata key (e.g. [\"source^=docs/\"])",
     .items = Type::string},
};
inline constexpr Description k_search_request{k_search_request_fields};

// The result: {collection, mode, hits: [passage...], query_not_embedded}.
inline constexpr Field k_passage_fields[] = {
    {.name = "rank", .type = Type::integer, .required = true},
    {.name = "source", .type = Type::string, .required = true},
    {.name = "title", .type = Type::string, .required = true},
    {.name = "citation", .type = Type::string, .required = true},
    {.name = "lines", .type = Type::array, .required = true, .items = Type::integer},
    {.name = "pages", .type = Type::array, .items = Type::integer},
    {.name = "score", .type = Type::number, .required = true},
    {.name = "text", .type = Type::string, .required = true},
    {.name = "truncated", .type = Type::boolean, .required = true},
};
inline constexpr Field k_search_result_fields[] = {
    {.name = "collection", .type = Type::string, .required = true},
    {.name = "mode", .type = Type::string, .required = true, .choices = k_mode_names},
    {.name = "hits", .type = Type::array, .required = true, .fields = k_passage_fields, .items = Type::object},
    {.name = "query_not_embedded", .type = Type::string},
};
inline constexpr Description k_search_result{k_search_result_fields};

// The request's arguments applied to `base` (which holds what the door owns: the embedding
// server, the reranker, the vector weight); a call that names no collection searches
// `collection`; k defaults to k_agent_k_default. Throws Error(usage) naming a bad argument.
search::SearchRequest search_request(const nlohmann::json& arguments, search::SearchRequest base,
                                     const std::string& collection);

// A place in a document as results cite it: "source:L12-L30" ("source:L12" for one line).
std::string citation(const std::string& source, std::int64_t first, std::int64_t last);

// One hit as the result holds it: its text cut at k_passage_bytes.
struct Passage {
  std::size_t rank = 0;
  std::string source, title, citation;
  std::int64_t first_line = 0, last_line = 0;
  std::optional<std::pair<std::int64_t, std::int64_t>> pages;
  double score = 0;
  std::string text;
  bool truncated = false;
};

struct Found {
  std::string collection;
  search::Mode mode = search::Mode::keyword;
  std::vector<Passage> hits;
  bool no_document_passes_filters = false;
  std::string query_not_embedded;  // why this was a keyword search; "" when it was not
};

Found found(const search::SearchResult& result, const std::string& collection);
// `found` as k_search_result describes it.
nlohmann::json to_json(const Found& found);

}  // namespace strata::service
