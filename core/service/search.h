#pragma once
// The search operation as every door asks it: the request's fields with their defaults and
// limits (what an MCP tool call, ask's own search tool and an HTTP body give), the rules that
// turn those arguments into a search::SearchRequest, and the result's shape (the passages
// found, each with its citation). `strata search` builds the same SearchRequest from flags.
#include <array>
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
// An application over HTTP (POST /api/v1/search) lists results for a person or a program, not a
// model's context: a page of up to 100, as search APIs allow.
inline constexpr std::int64_t k_http_k_max = 100;
// A passage's text in a search result: enough for a few chunks of a manual, small enough that
// ten hits stay within a model's context; read_document gives more.
inline constexpr std::size_t k_passage_bytes = 2000;

inline constexpr std::string_view k_mode_names[] = {"keyword", "vector", "hybrid"};

// The request: {query, collection, k, mode, where, similar, exact}: a query, or similar instead;
// k at most `k_max` (an agent's or an HTTP client's).
constexpr std::array<Field, 7> search_request_fields(std::int64_t k_max) {
  return {{
      {.name = "query", .type = Type::string, .help = "What to look for, in plain words (not query syntax); required unless similar is given"},
      {.name = "collection", .type = Type::string, .help = k_collection_help},
      {.name = "k",
       .type = Type::integer,
       .help = "Number of results (default 5)",
       .minimum = 1,
       .maximum = k_max},
      {.name = "mode",
       .type = Type::string,
       .help = "keyword (BM25), vector, or hybrid (both fused); default: hybrid when the collection has vectors",
       .choices = k_mode_names},
      {.name = "where",
       .type = Type::array,
       .help = "Metadata filters, all must hold: key=value, key^=prefix or key~glob; keys source, title, loader, path or a "
               "metadata key (e.g. [\"source^=docs/\"])",
       .items = Type::string},
      {.name = "similar",
       .type = Type::string,
       .help = "Instead of a query: a document's source or a chunk's id; finds the chunks most like it, by vector, leaving "
               "it out (the collection must have vectors)"},
      {.name = "exact",
       .type = Type::boolean,
       .help = "Vector search by scanning every vector, never the approximate index a large collection gets (default false)"},
  }};
}
inline constexpr std::array<Field, 7> k_search_request_fields = search_request_fields(k_agent_k_max);
inline constexpr Description k_search_request{k_search_request_fields};
// POST /api/v1/search: an application's request, up to k_http_k_max hits.
inline constexpr std::array<Field, 7> k_http_search_request_fields = search_request_fields(k_http_k_max);
inline constexpr Description k_http_search_request{k_http_search_request_fields};

// The result: {collection, mode, hits: [passage...], query_not_embedded}.
inline constexpr Field k_passage_fields[] = {
    {.name = "rank", .type = Type::integer, .required = true},
    {.name = "source", .type = Type::string, .required = true},
    {.name = "title", .type = Type::string, .required = true},
    {.name = "section", .type = Type::string, .help = "The passage's heading path below the title (\"\" when none)", .required = true},
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

// A door's number of hits: by default and at most. A terminal's (strata search) and an
// agent's (strata mcp, ask's own search tool) differ: see k_terminal_k_max above.
struct SearchLimits {
  std::int64_t k_default = 0;
  std::int64_t k_max = 0;
};
inline constexpr SearchLimits k_terminal_limits{10, k_terminal_k_max};
inline constexpr SearchLimits k_agent_limits{k_agent_k_default, k_agent_k_max};
inline constexpr SearchLimits k_http_limits{k_agent_k_default, k_http_k_max};

// The "mode" and "where" arguments a search and an ask take: nullopt when no mode is given.
// Throw Error(usage) naming the argument.
std::optional<search::Mode> mode_argument(const nlohmann::json& arguments);
std::vector<search::MetadataFilter> where_argument(const nlohmann::json& arguments);

// The request's arguments applied to `base` (which holds what the door owns: the embedding
// server, the reranker, the vector weight); a call that names no collection searches
// `collection`; k defaults to limits.k_default, at most limits.k_max (k_search_request's
// schema says the agent's). Throws Error(usage) naming a bad argument.
search::SearchRequest search_request(const nlohmann::json& arguments, search::SearchRequest base,
                                     const std::string& collection, const SearchLimits& limits = k_agent_limits);

// The checks of a door's limits that a typed request (from flags, from JSON) passes before it
// runs: k from 1 to limits.k_max. The query, the vector weight and the mode against the
// collection are the search's own checks (search::Searcher::search). Throws Error(usage).
void check_search_request(const search::SearchRequest& request, const SearchLimits& limits);

// The search operation: `request` checked for the door's `limits`, then run by `searcher`
// (whose store it searches; a Searcher keeps a collection's vectors between searches). Throws
// as check_search_request and search::Searcher::search do.
search::SearchResult run_search(search::Searcher& searcher, const search::SearchRequest& request,
                                const SearchLimits& limits);

// A place in a document as results cite it: "source:L12-L30" ("source:L12" for one line).
std::string citation(const std::string& source, std::int64_t first, std::int64_t last);

// One hit as the result holds it: its text cut at k_passage_bytes.
struct Passage {
  std::size_t rank = 0;
  std::string source, title, section, citation;
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

// --- a hit as a JSON line ---------------------------------------------------------------------

// One hit as `strata search --json` writes it (a JSON line each) and an HTTP search returns it:
// the chunk's ids, where it is, its score and snippet; with `explain`, its place in the keyword
// and vector lists (null: not in that list) and, reranked, the reranker's score.
inline constexpr Field k_list_position_fields[] = {
    {.name = "rank", .type = Type::integer, .required = true},
    {.name = "score", .type = Type::number, .required = true},
};
inline constexpr Field k_rerank_position_fields[] = {
    {.name = "score", .type = Type::number, .required = true},
    {.name = "fused_rank", .type = Type::integer, .help = "The hit's rank before the reranker", .required = true},
};
inline constexpr Field k_search_hit_fields[] = {
    {.name = "rank", .type = Type::integer, .required = true},
    {.name = "id", .type = Type::integer, .help = "The chunk's id", .required = true},
    {.name = "document", .type = Type::integer, .help = "The document's id", .required = true},
    {.name = "source", .type = Type::string, .required = true},
    {.name = "title", .type = Type::string, .required = true},
    {.name = "lines", .type = Type::array, .help = "First and last line (1-based, inclusive)", .required = true, .items = Type::integer},
    {.name = "score", .type = Type::number, .help = "The mode's score: BM25, cosine or fused", .required = true},
    {.name = "snippet", .type = Type::string, .help = "One line around the best match", .required = true},
    {.name = "page", .type = Type::array, .help = "First and last page, for a paged document", .items = Type::integer},
    {.name = "keyword",
     .type = Type::object,
     .help = "Explained: the rank and score in the keyword list; null when not in it",
     .nullable = true,
     .fields = k_list_position_fields},
    {.name = "vector",
     .type = Type::object,
     .help = "Explained: the rank and score in the vector list; null when not in it",
     .nullable = true,
     .fields = k_list_position_fields},
    {.name = "rerank", .type = Type::object, .help = "Explained and reranked", .fields = k_rerank_position_fields},
};
inline constexpr Description k_search_hit{k_search_hit_fields};

// `hit`, ranked `rank` (from 1), as k_search_hit describes it, its keys in that order.
nlohmann::ordered_json to_json(const search::SearchHit& hit, std::size_t rank, bool explain);

}  // namespace strata::service
