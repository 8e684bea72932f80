#include "service/search.h"

#include "common/error.h"
#include "common/utf8.h"
#include "service/json_arguments.h"

namespace strata::service {

using nlohmann::json;

std::optional<search::Mode> mode_argument(const json& args) {
  const auto mode = string_argument(args, "mode");
  if (!mode) return std::nullopt;
  std::optional<search::Mode> m = search::parse_mode(*mode);
  if (!m) usage("argument 'mode' must be keyword, vector or hybrid (got '" + *mode + "')");
  return m;
}

std::vector<search::MetadataFilter> where_argument(const json& args) {
  std::vector<search::MetadataFilter> where;
  for (const std::string& w : string_list_argument(args, "where")) {
    std::optional<search::MetadataFilter> f = search::parse_metadata_filter(w);
    if (!f) usage("argument 'where': '" + w + "' is not key=value, key^=prefix or key~glob");
    where.push_back(std::move(*f));
  }
  return where;
}

search::SearchRequest search_request(const json& args, search::SearchRequest base, const std::string& collection,
                                     const SearchLimits& limits) {
  refuse_unknown_arguments(args, k_search_request);
  search::SearchRequest& r = base;
  r.similar = string_argument(args, "similar");
  r.query = r.similar ? string_argument(args, "query").value_or("") : required_string(args, "query");
  r.collection = string_argument(args, "collection").value_or(collection);
  r.k = static_cast<std::size_t>(integer_argument(args, "k", 1, limits.k_max).value_or(limits.k_default));
  r.mode = mode_argument(args);
  r.where = where_argument(args);
  if (const std::optional<bool> exact = boolean_argument(args, "exact")) r.exact = *exact;
  return base;
}

void check_search_request(const search::SearchRequest& request, const SearchLimits& limits) {
  if (request.k < 1 || request.k > static_cast<std::size_t>(limits.k_max)) {
    usage("k must be from 1 to " + std::to_string(limits.k_max) + " (got " + std::to_string(request.k) + ")");
  }
}

search::SearchResult run_search(search::Searcher& searcher, const search::SearchRequest& request, const SearchLimits& limits) {
  check_search_request(request, limits);
  return searcher.search(request);
}

std::string citation(const std::string& source, std::int64_t first, std::int64_t last) {
  std::string out = source + ":L" + std::to_string(first);
  if (last != first) out += "-L" + std::to_string(last);
  return out;
}

Found found(const search::SearchResult& result, const std::string& collection) {
  Found f;
  f.collection = collection;
  f.mode = result.mode;
  f.no_document_passes_filters = result.no_document_passes_filters;
  f.query_not_embedded = result.query_not_embedded;
  for (const search::SearchHit& h : result.hits) {
    const store::ChunkRef& c = h.chunk;
    Passage p;
    p.rank = f.hits.size() + 1;
    p.source = c.source;
    p.title = c.title;
    p.section = c.section;
    p.first_line = static_cast<std::int64_t>(c.line_start);
    p.last_line = static_cast<std::int64_t>(c.line_end);
    p.citation = citation(c.source, p.first_line, p.last_line);
    if (c.page_start) {
      p.pages = std::pair{static_cast<std::int64_t>(*c.page_start), static_cast<std::int64_t>(c.page_end.value_or(*c.page_start))};
    }
    p.score = h.score;
    p.truncated = c.text.size() > k_passage_bytes;
    p.text = p.truncated ? c.text.substr(0, utf8_boundary_before(c.text, k_passage_bytes)) : c.text;
    f.hits.push_back(std::move(p));
  }
  return f;
}

json to_json(const Found& f) {
  json hits = json::array();
  for (const Passage& p : f.hits) {
    json hit = {{"rank", p.rank},   {"source", p.source}, {"title", p.title}, {"section", p.section}, {"citation", p.citation},
                {"lines", {p.first_line, p.last_line}}, {"score", p.score}, {"text", p.text}, {"truncated", p.truncated}};
    if (p.pages) hit["pages"] = {p.pages->first, p.pages->second};
    hits.push_back(std::move(hit));
  }
  json out = {{"collection", f.collection}, {"mode", std::string(search::to_string(f.mode))}, {"hits", std::move(hits)}};
  if (!f.query_not_embedded.empty()) out["query_not_embedded"] = f.query_not_embedded;
  return out;
}

namespace {

nlohmann::ordered_json position_json(const std::optional<search::ListPosition>& p) {
  return p ? nlohmann::ordered_json{{"rank", p->rank}, {"score", p->score}} : nlohmann::ordered_json(nullptr);
}

}  // namespace

nlohmann::ordered_json to_json(const search::SearchHit& h, std::size_t rank, bool explain) {
  const store::ChunkRef& c = h.chunk;
  nlohmann::ordered_json j = {{"rank", rank},
                              {"id", c.chunk_id},
                              {"document", c.document_id},
                              {"source", c.source},
                              {"title", c.title},
                              {"lines", {c.line_start, c.line_end}},
                              {"score", h.score},
                              {"snippet", h.snippet}};
  if (c.page_start) j["page"] = {*c.page_start, c.page_end.value_or(*c.page_start)};
  if (explain) {
    j["keyword"] = position_json(h.keyword);
    j["vector"] = position_json(h.vector);
    if (h.rerank_score) j["rerank"] = {{"score", *h.rerank_score}, {"fused_rank", h.fused_rank}};
  }
  return j;
}

}  // namespace strata::service
