// core/service: the operations' descriptions as JSON Schema (what MCP's tools publish and an
// HTTP server's OpenAPI document will), and JSON arguments read by them: the range, the choices
// and the names a request accepts come from its table, so a door cannot accept what the schema
// refuses.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <chrono>
#include <string>

#include "common/error.h"
#include "service/description.h"
#include "service/documents.h"
#include "service/ingest.h"
#include "service/ingest_url.h"
#include "service/json_arguments.h"
#include "service/search.h"
#include "store/catalog.h"
#include "store/store.h"
#include "test_util.h"

namespace strata::service {
namespace {

using nlohmann::json;

// The usage error's message of `f`, or "" when it throws none.
template <typename F>
std::string usage_message(F f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    return e.what();
  }
  return "";
}

TEST(ServiceDescription, ARequestIsAClosedObjectWithItsRequiredFields) {
  const json s = json_schema(k_search_request);
  EXPECT_EQ(s["type"], "object");
  EXPECT_EQ(s["additionalProperties"], false);
  // A query, or similar instead: neither alone is required (service::search_request checks).
  EXPECT_FALSE(s.contains("required"));
  EXPECT_EQ(s["properties"]["similar"]["type"], "string");
  EXPECT_EQ(s["properties"]["k"],
            json({{"type", "integer"}, {"minimum", 1}, {"maximum", k_agent_k_max}, {"description", "Number of results (default 5)"}}));
  EXPECT_EQ(s["properties"]["mode"]["enum"], json::array({"keyword", "vector", "hybrid"}));
  EXPECT_EQ(s["properties"]["where"]["items"], json({{"type", "string"}}));
}

TEST(ServiceDescription, NullableFieldsAndNestedObjectsBecomeTypeListsAndProperties) {
  const json s = json_schema(k_read_result);
  EXPECT_EQ(s["properties"]["citation"], json({{"type", {"string", "null"}}}));
  const json& next = s["properties"]["next"];
  EXPECT_EQ(next["type"], json::array({"object", "null"}));
  EXPECT_EQ(next["additionalProperties"], false);
  EXPECT_FALSE(next.contains("required"));  // neither of its fields is always there
  EXPECT_EQ(next["properties"]["first_chunk"], json({{"type", "integer"}}));
  const json hits = json_schema(k_search_result)["properties"]["hits"];
  EXPECT_EQ(hits["type"], "array");
  EXPECT_EQ(hits["items"]["type"], "object");
  EXPECT_EQ(hits["items"]["required"].size(), 9U);  // every passage field but pages
}

TEST(ServiceDescription, AnOpenObjectListsItsRequiredFieldsAndAllowsMore) {
  constexpr Field fields[] = {{.name = "ok", .type = Type::boolean}};
  const json s = json_schema(Description{fields, /*open=*/true});
  EXPECT_FALSE(s.contains("additionalProperties"));
  EXPECT_EQ(s["required"], json::array());
  EXPECT_EQ(json_schema(k_no_arguments), json({{"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}}));
}

TEST(ServiceDescription, TheHelpStatesTheDefaultTheRulesApply) {
  EXPECT_NE(find_field(k_search_request, "k")->help.find("(default " + std::to_string(k_agent_k_default) + ")"), std::string::npos);
  EXPECT_NE(find_field(k_read_request, "max_bytes")->help.find("(default " + std::to_string(k_read_default_bytes) + ")"),
            std::string::npos);
  EXPECT_NE(find_field(k_documents_request, "limit")->help.find("(default " + std::to_string(k_list_default) + ")"),
            std::string::npos);
  EXPECT_EQ(find_field(k_documents_request, "limit")->maximum, k_list_max);
  EXPECT_EQ(find_field(k_search_request, "nothing"), nullptr);
}

TEST(ServiceSearchRequest, DefaultsAndLimitsComeFromTheDescription) {
  const search::SearchRequest r = search_request(json{{"query", "roll back"}}, {}, "docs");
  EXPECT_EQ(r.query, "roll back");
  EXPECT_EQ(r.collection, "docs");
  EXPECT_EQ(r.k, static_cast<std::size_t>(k_agent_k_default));
  EXPECT_FALSE(r.mode);
  EXPECT_EQ(search_request(json{{"query", "q"}, {"k", k_agent_k_max}}, {}, "d").k, static_cast<std::size_t>(k_agent_k_max));
  EXPECT_EQ(usage_message([] { search_request(json{{"query", "q"}, {"k", k_agent_k_max + 1}}, {}, "d"); }),
            "argument 'k' must be an integer from 1 to 50 (got 51)");
  EXPECT_EQ(usage_message([] { search_request(json{{"query", "q"}, {"mode", "fuzzy"}}, {}, "d"); }),
            "argument 'mode' must be keyword, vector or hybrid (got 'fuzzy')");
  EXPECT_EQ(usage_message([] { search_request(json{{"query", "q"}, {"where", {"nokey"}}}, {}, "d"); }),
            "argument 'where': 'nokey' is not key=value, key^=prefix or key~glob");
  EXPECT_EQ(usage_message([] { search_request(json{{"query", "q"}, {"kk", 1}}, {}, "d"); }),
            "unknown argument 'kk'; the arguments are query, collection, k, mode, where, similar, exact");
  EXPECT_EQ(usage_message([] { search_request(json::object(), {}, "d"); }), "argument 'query' is required (a non-empty string)");
}

TEST(ServiceReadRequest, LinesOrChunksWithinTheCallersCap) {
  const ReadRequest a = read_request(json{{"source", "a.md"}}, "docs", 1000);
  EXPECT_EQ(a.collection, "docs");
  EXPECT_EQ(a.max_bytes, 1000U);  // the default (16000) capped by the caller
  EXPECT_EQ(read_request(json{{"source", "a.md"}}, "docs", 1 << 20).max_bytes, static_cast<std::size_t>(k_read_default_bytes));
  EXPECT_EQ(usage_message([] { read_request(json{{"source", "a"}, {"start_line", 2}, {"first_chunk", 0}}, "d", 10); }),
            "give lines (start_line, end_line) or chunks (first_chunk, last_chunk), not both");
  EXPECT_EQ(usage_message([] { read_request(json{{"source", "a"}, {"start_line", 0}}, "d", 10); }),
            "argument 'start_line' must be an integer from 1 to 1099511627776 (got 0)");
  EXPECT_EQ(usage_message([] { read_request(json{{"source", "a"}, {"max_bytes", k_read_max_bytes + 1}}, "d", 10); }),
            "argument 'max_bytes' must be an integer from 1 to 200000 (got 200001)");
}

TEST(ServiceDocumentsRequest, FilterIsLowerCasedAndLimitBounded) {
  const DocumentsRequest r = documents_request(json{{"filter", "README"}, {"offset", 3}}, "docs");
  EXPECT_EQ(r.collection, "docs");
  EXPECT_EQ(r.filter, "readme");
  EXPECT_EQ(r.offset, 3);
  EXPECT_EQ(r.limit, k_list_default);
  EXPECT_EQ(usage_message([] { documents_request(json{{"limit", 0}}, "d"); }),
            "argument 'limit' must be an integer from 1 to 500 (got 0)");
}

TEST(ServiceSearchResult, PassagesAreCitedAndCutAtTheirBudget) {
  search::SearchResult result;
  result.mode = search::Mode::hybrid;
  search::SearchHit h;
  h.chunk.source = "guide.md";
  h.chunk.title = "Guide";
  h.chunk.line_start = 12;
  h.chunk.line_end = 30;
  h.chunk.text = std::string(k_passage_bytes + 10, 'x');
  h.score = 0.5;
  result.hits.push_back(h);
  h.chunk.line_end = 12;
  h.chunk.page_start = 3;
  h.chunk.text = "short";
  result.hits.push_back(h);
  const Found f = found(result, "docs");
  ASSERT_EQ(f.hits.size(), 2U);
  EXPECT_EQ(f.hits[0].citation, "guide.md:L12-L30");
  EXPECT_TRUE(f.hits[0].truncated);
  EXPECT_EQ(f.hits[0].text.size(), k_passage_bytes);
  EXPECT_EQ(f.hits[1].citation, "guide.md:L12");
  EXPECT_EQ(f.hits[1].rank, 2U);
  const json j = to_json(f);
  EXPECT_EQ(j["mode"], "hybrid");
  EXPECT_FALSE(j.contains("query_not_embedded"));
  EXPECT_FALSE(j["hits"][0].contains("pages"));
  EXPECT_EQ(j["hits"][1]["pages"], json::array({3, 3}));
  EXPECT_EQ(j["hits"][1]["lines"], json::array({12, 12}));
}

TEST(ServiceIngestDocument, OneDocumentIsStoredThenUnchangedThenReplaced) {
  strata::testing::TempDir dir;
  ingest::IngestRequest base;
  base.store_path = (dir.path() / "store.db").string();
  base.threads = 1;
  const json args = {{"source", "notes/a.md"}, {"text", "# Title\n\nSome words.\n"}, {"metadata", {{"team", "legal"}}}};
  const IngestDocumentRequest r = ingest_document_request(args, "docs");
  EXPECT_EQ(r.collection, "docs");
  EXPECT_EQ(r.metadata_json, "{\"team\":\"legal\"}");
  const IngestDocumentResult first = ingest_document(r, base);
  EXPECT_EQ(to_json(first), json({{"collection", "docs"}, {"source", "notes/a.md"}, {"action", "new"}, {"chunks", 1}}));
  EXPECT_EQ(ingest_document(r, base).action, ingest::Action::unchanged);
  IngestDocumentRequest changed = r;
  changed.text = "# Title\n\nOther words.\n";
  const IngestDocumentResult second = ingest_document(changed, base);
  EXPECT_EQ(second.action, ingest::Action::changed);
  EXPECT_EQ(second.detail, "content");
  store::Store st = store::Store::open_existing(base.store_path, {});
  const store::DocumentSummary d = store::get_document(st, "docs", "notes/a.md");
  EXPECT_EQ(d.title, "Title");
  EXPECT_EQ(d.metadata_json, "{\"team\":\"legal\"}");
  EXPECT_EQ(usage_message([] { ingest_document_request(json{{"source", "a"}}, "d"); }), "argument 'text' is required (a string)");
  EXPECT_EQ(usage_message([] { ingest_document_request(json{{"source", "a"}, {"text", ""}, {"metadata", 3}}, "d"); }),
            "argument 'metadata' must be an object");
  EXPECT_EQ(json_schema(k_ingest_request)["required"], json::array({"source", "text"}));
}

// ---- A web address (ingest_url.h) ----------------------------------------------------------------
namespace web_address {

std::string usage_of(const json& args) {
  try {
    ingest_url_request(args, "docs");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    return e.what();
  }
  return "";
}

TEST(ServiceIngestUrl, APageOrACrawlWithItsLimits) {
  const IngestUrlRequest page = ingest_url_request(json{{"url", "https://d.test/guide/"}}, "docs");
  EXPECT_EQ(page.url, "https://d.test/guide/");
  EXPECT_EQ(page.collection, "docs");
  EXPECT_FALSE(page.crawl);
  EXPECT_FALSE(page.prune);
  const IngestUrlRequest crawl = ingest_url_request(
      json{{"url", "https://d.test/guide/"},
           {"collection", "web"},
           {"crawl", {{"max_pages", 5}, {"max_depth", 0}, {"max_seconds", 90}, {"include", {"/guide/**"}}, {"exclude", {"*.pdf"}}, {"prune", true}}},
           {"dry_run", true}},
      "docs");
  ASSERT_TRUE(crawl.crawl);
  EXPECT_EQ(crawl.collection, "web");
  EXPECT_EQ(crawl.crawl->max_pages, 5U);
  EXPECT_EQ(crawl.crawl->max_depth, 0);
  EXPECT_EQ(crawl.crawl->time_limit, std::chrono::seconds(90));
  EXPECT_EQ(crawl.crawl->include, std::vector<std::string>{"/guide/**"});
  EXPECT_EQ(crawl.crawl->exclude, std::vector<std::string>{"*.pdf"});
  EXPECT_TRUE(crawl.prune);
  EXPECT_TRUE(crawl.dry_run);
  const IngestUrlRequest defaults = ingest_url_request(json{{"url", "https://d.test/"}, {"crawl", json::object()}}, "docs");
  ASSERT_TRUE(defaults.crawl);
  EXPECT_EQ(defaults.crawl->max_pages, web::CrawlOptions{}.max_pages);
}

TEST(ServiceIngestUrl, NoHeaderNorPrivateAddressIsTheCallersToName) {
  EXPECT_NE(usage_of(json{{"url", "https://d.test/"}, {"allow_private", true}}).find("allow_private"), std::string::npos);
  EXPECT_NE(usage_of(json{{"url", "https://d.test/"}, {"header_env", "Authorization=T"}}).find("header_env"), std::string::npos);
  EXPECT_NE(usage_of(json{{"url", "https://d.test/"}, {"crawl", {{"headers", 1}}}}).find("headers"), std::string::npos);
  EXPECT_NE(usage_of(json::object()).find("'url'"), std::string::npos);
  EXPECT_NE(usage_of(json{{"url", "https://d.test/"}, {"crawl", {{"max_pages", 0}}}}).find("max_pages"), std::string::npos);
  EXPECT_EQ(usage_of(json{{"url", "https://d.test/"}, {"crawl", 3}}), "argument 'crawl' must be an object");
  EXPECT_EQ(usage_of(json{{"url", "/etc/passwd"}}), "argument 'url' must be an http or https address") << "never a server's file";
  EXPECT_EQ(usage_of(json{{"url", "-"}}), "argument 'url' must be an http or https address");
}

TEST(ServiceIngestUrl, TheResultCountsAndListsFailures) {
  ingest::IngestSummary s;
  s.collection = "docs";
  s.added = 2;
  s.unchanged = 1;
  s.failed = 1;
  s.failures.push_back({.action = ingest::Action::failed, .source = "https://d.test/x", .detail = "HTTP 404"});
  const json j = ingest_url_result(s);
  EXPECT_EQ(j["new"], 2);
  EXPECT_EQ(j["unchanged"], 1);
  EXPECT_EQ(j["failures"], json::parse(R"([{"source": "https://d.test/x", "reason": "HTTP 404"}])"));
  EXPECT_FALSE(j.contains("would_fetch"));
}

}  // namespace web_address

}  // namespace
}  // namespace strata::service
